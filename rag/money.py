"""Nouns that name money: a sum, a payment, a cost, a gain or loss, a fund, a loan, a grant ("How much
compensation ...?", "How much funding ...?"). An amount in a currency answers "how much" of such a thing
though it never says the noun ("£45 off its next bill").

The list (rag/data/money.txt) is WordNet 3.0's single-word nouns whose commonest sense is a kind of money,
currency, sum, payment, cost, outgo, monetary value, financial gain or loss, fund, funding, loan, debt, gift or
investing.
Rebuilt from the WordNet database files with

    python -m rag.money /usr/share/wordnet > rag/data/money.txt
"""
from __future__ import annotations

from . import wordnet

SENSES = 1  # the commonest sense only: a "bill" is a law before it is a sum to pay
_ROOTS = ("money", "currency", "sum", "payment", "cost", "outgo", "monetary_value", "financial_gain", "financial_loss",
          "fund", "funding", "loan", "debt", "gift", "investing")  # currency: "cash"; monetary value: "price"


def is_money(lemma: str) -> bool:
    """Whether a noun (lower-case lemma) names money."""
    return lemma in wordnet.word_list("money.txt")


if __name__ == "__main__":
    wordnet.print_nouns_under(_ROOTS, SENSES)
