"""Lexical support: how much of a claim is backed by a piece of evidence. Deterministic, no model.

A claim is reduced to content terms (stopwords dropped, Porter-stemmed, possessives stripped, numbers
kept as written). Support is the weighted share of the claim's terms found in the evidence, and every
number, proper name or negation of the claim that the evidence lacks halves it: "Norland built it in
2018" is not backed by "operational in 2016" however many other words they share. Support is measured
from the claim's side only, so a short answer ("Kelvinmouth") is fully backed by any sentence naming it.
"""
from __future__ import annotations

import math
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from .words import NEGATIONS, fold, stopwords, us_spelling

WORD, NAME, NUMBER, NEGATION = "word", "name", "number", "negation"
WEIGHTS = {WORD: 1.0, NAME: 1.5, NUMBER: 2.0, NEGATION: 1.0}
KEY_KINDS = {NAME, NUMBER, NEGATION}  # a claim's facts: one of these missing means a different claim
MISSING_KEY_FACTOR = 0.5  # each key term absent from the evidence halves the score
PREFIX_CREDIT = 0.75  # "Norland" backed by "Norlandic", "strategic" by "strategy": related, not the same word
CONTEXT_CREDIT = 0.5  # a name found only in the wider context (the article), not in the evidence
MIN_PREFIX = 4  # shorter stems are too ambiguous to match by prefix

# Dotted acronyms (U.S.), numbers with separators (1,000 / 3.5), then words with inner apostrophes.
_TOKEN = re.compile(r"\b(?:[^\W\d_]\.){2,}|\d+(?:[.,]\d+)+|\w+(?:'\w+)*")
# "in 2016, not 2018": the part after ", not" names what is denied, so it asserts nothing to check.
_DENIED = re.compile(r",\s*(?:and\s+|but\s+)?not\s+(?!only\b|just\b|merely\b|simply\b)[^,.;:!?]*",
                     re.IGNORECASE)
# "second" for "first" changes the fact as much as 2 for 1 does.
_ORDINALS = {"first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth", "ninth", "tenth"}
# A capitalised first word is a name unless it looks like an ordinary word ("Historically", "Built").
_COMMON_ENDINGS = ("ly", "ing", "ed")


@dataclass(frozen=True)
class Term:
    surface: str  # the word as written
    key: str  # normalised form that is matched
    kind: str  # WORD, NAME, NUMBER or NEGATION


class Evidence:
    """The terms of a piece of evidence, indexed for exact and prefix lookup."""

    def __init__(self, keys: set[str]):
        self.keys = keys
        self.by_prefix: dict[str, list[str]] = {}
        for k in keys:
            if len(k) >= MIN_PREFIX and not k[0].isdigit():
                self.by_prefix.setdefault(k[:MIN_PREFIX], []).append(k)

    @classmethod
    def of(cls, text: str) -> Evidence:
        return cls({t.key for t in terms(text)})

    def __or__(self, other: Evidence) -> Evidence:
        return Evidence(self.keys | other.keys)

    def credit(self, term: Term) -> float:
        if term.key in self.keys:
            return 1.0
        if term.kind == NUMBER or len(term.key) < MIN_PREFIX:
            return 0.0  # 2013 is not 20130; short stems match only exactly
        for k in self.by_prefix.get(term.key[:MIN_PREFIX], ()):
            if k.startswith(term.key) or term.key.startswith(k):
                return PREFIX_CREDIT
        return 0.0


def rarity(n_texts: int, n_containing: int) -> float:
    """Smoothed inverse document frequency: how much finding a term says, among n_texts candidates."""
    return math.log((1 + n_texts) / (1 + n_containing)) + 1


def content_tokens(text: str) -> list[str]:
    """Lowercase, normalised content words of `text` in order (stopwords dropped)."""
    return [t.key for t in terms(text)]


def terms(text: str) -> list[Term]:
    """Content terms of `text` with their kind, in order, repeats included."""
    text = _DENIED.sub(" ", fold(text))
    words = [m.group() for m in _TOKEN.finditer(text)]
    out: list[Term] = []
    for i, surface in enumerate(words):
        term = _term(surface, i == 0)
        not_only = surface.lower() == "not" and i + 1 < len(words) and words[i + 1].lower() == "only"
        if term is not None and not not_only:  # "not only X but also Y" asserts X
            out.append(term)
    return out


def token_key(tok) -> str | None:
    """The key of a parsed token's word (as `terms` gives it), or None for a stopword or punctuation."""
    found = terms(tok.text)
    return found[0].key if found else None


def support_score(claim: str, evidence: str, *, similarity: float | None = None) -> float:
    """How much of `claim` the `evidence` backs, in [0, 1].

    `similarity` (e.g. an embedding cosine, 0..1), averaged with the word coverage, can raise it; the
    penalty for missing numbers, names and negations is applied after, so similarity cannot hide them.
    """
    return score_terms(terms(claim), Evidence.of(evidence), similarity=similarity)


def score_terms(claim_terms: list[Term], evidence: Evidence, *, similarity: float | None = None,
                context: Evidence | None = None) -> float:
    """`support_score` on pre-computed terms (the aligner scores one claim against many quotes).

    `context` is wider text (the passage, the article title): a key term found only there is
    implied by the evidence ("both nations"), so it earns half credit and no penalty.
    """
    credits = _credits(claim_terms, evidence, context)
    if not credits:
        return 0.0  # nothing checkable ("Yes.", "Here is the answer:")
    cover = _weighted_share(credits, None)
    if similarity is not None:  # it may lift word coverage (a paraphrase), never lower it
        cover = max(cover, (cover + min(1.0, max(0.0, similarity))) / 2)
    missing_keys = sum(1 for t, c in credits if c == 0.0 and t.kind in KEY_KINDS)
    return cover * MISSING_KEY_FACTOR ** missing_keys


def coverage(claim_terms: list[Term], evidence: Evidence, *, weights: dict[str, float] | None = None,
             context: Evidence | None = None) -> float:
    """The weighted share of the terms found, without the penalty for missing names and numbers.

    `weights` scales a term's weight by its key (e.g. its rarity among the candidates).
    """
    credits = _credits(claim_terms, evidence, context)
    return _weighted_share(credits, weights) if credits else 0.0


def unbacked(text: str, evidence: Evidence) -> list[str]:
    """The words of `text` (as written, once each, in order) that `evidence` holds in no form: the writer's own
    wording, which a reader should check against the quote ("flooded" over "lower the water table under")."""
    return [t.surface for t in _dedupe(terms(text)) if evidence.credit(t) == 0.0]


@lru_cache(maxsize=200_000)
def _term(surface: str, initial: bool) -> Term | None:
    """The term a word stands for, or None for a stopword. `initial`: first word of the text."""
    low = surface.lower()
    if surface[0].isalpha() and surface.endswith(".") and "." in surface[:-1]:
        key = low.replace(".", "")  # U.S. -> us
        if key in ("eg", "ie"):
            return None
        return Term(surface, key, NAME if surface[0].isupper() else WORD)
    if any(ch.isdigit() for ch in surface):
        return Term(surface, low.replace(",", ""), NUMBER)  # 1,000 -> 1000; 18th, 1990s as written
    if low in _ORDINALS:
        return Term(surface, low, NUMBER)
    if low in NEGATIONS or low.endswith("n't"):
        return Term(surface, "not", NEGATION)
    acronym = surface.isupper() and len(surface) > 1  # "US", "IT" are names, not the stopwords
    if not acronym and low in stopwords():
        return None
    if low.endswith("'s"):
        low = low[:-2]
    if len(low) < 2 or not any(ch.isalpha() for ch in low):
        return None
    if acronym:
        return Term(surface, low, NAME)
    name = surface[0].isupper() and not (initial and low.endswith(_COMMON_ENDINGS))
    return Term(surface, _stem(us_spelling(low if name else _irregular().get(low, low))), NAME if name else WORD)


def _dedupe(claim_terms: list[Term]) -> list[Term]:
    """One term per key, keeping the weightiest kind (a name stays a name if also written lower)."""
    best: dict[str, Term] = {}
    for t in claim_terms:
        if t.key not in best or WEIGHTS[t.kind] > WEIGHTS[best[t.key].kind]:
            best[t.key] = t
    return list(best.values())


def _credits(claim_terms: list[Term], evidence: Evidence,
             context: Evidence | None) -> list[tuple[Term, float]]:
    """Each distinct claim term with how much of it the evidence (or, for key terms, the context) has."""
    out = []
    for t in _dedupe(claim_terms):
        c = evidence.credit(t)
        if c == 0.0 and context is not None and t.kind in KEY_KINDS:
            c = CONTEXT_CREDIT * context.credit(t)
        out.append((t, c))
    return out


def _weighted_share(credits: list[tuple[Term, float]], weights: dict[str, float] | None) -> float:
    total = got = 0.0
    for t, c in credits:
        w = WEIGHTS[t.kind] * (weights.get(t.key, 1.0) if weights else 1.0)
        total += w
        got += w * c
    return got / total if total > 0 else 0.0


@lru_cache(maxsize=1)
def _irregular() -> dict[str, str]:
    """Irregular verb forms and their base ("taught": "teach"), which no stemmer joins: WordNet 3.0's
    verb.exc (rag/data/irregular_verbs.tsv, rebuilt by `python -m rag.wordnet /usr/share/wordnet`)."""
    rows = (line.split("\t") for line in _IRREGULAR.read_text(encoding="utf-8").splitlines() if line)
    out: dict[str, str] = {}
    for form, base in rows:
        out.setdefault(form, base)
    return out


_IRREGULAR = Path(__file__).resolve().parent / "data" / "irregular_verbs.tsv"


def _stem(word: str) -> str:
    return _stemmer().stem(word)


@lru_cache(maxsize=1)
def _stemmer():
    from nltk.stem import PorterStemmer

    return PorterStemmer()
