"""Nouns that name a unit of measure: of money ("euro", "krone"), weight, length or area ("tonne", "hectare"),
time ("minute", "week", "year") or a share ("percent"). "How much ...?" asks an amount, which such a unit
counts ("40,000 euros", "3,000 tonnes"); a number counting anything else ("about 40 lorries") is no amount.

The list (rag/data/units.txt) is WordNet 3.0's single-word nouns whose commonest sense is a kind of unit of
measurement, time unit, time period or proportion. Rebuilt from the WordNet database files with

    python -m rag.units /usr/share/wordnet > rag/data/units.txt
"""
from __future__ import annotations

from . import wordnet

SENSES = 1  # the commonest sense only: a "foot" is a body part before it is a length
_ROOTS = ("unit_of_measurement", "time_unit", "time_period", "proportion")


def is_unit(lemma: str) -> bool:
    """Whether a noun (lower-case lemma) names a unit of measure."""
    return lemma in wordnet.word_list("units.txt")


if __name__ == "__main__":
    wordnet.print_nouns_under(_ROOTS, SENSES)
