"""Lexical signals of whether a claim is backed by a passage: cheap, deterministic, no model.

Built on rag.support (the same term extraction the answer path uses to verify its own quotes).
Token coverage separates faithful from invented answers when answers reuse the source's words;
names, numbers and negations are counted apart because one wrong name in an otherwise copied sentence
is the typical hallucination. Coverage within the single best evidence sentence catches the other
typical one: right words from different sentences stitched into a claim no sentence makes ("Stanford
is in Chestnut Hill" from a passage naming both, in different sentences). Paraphrase is the LLM
signal's job (eval/judge.py).
"""
from __future__ import annotations

import re

from rag.sentences import split_sentences
from rag.support import KEY_KINDS, Evidence, support_score, terms

_SPACE = re.compile(r"\s+")
_QUOTES = str.maketrans({"\u2019": "'", "\u2018": "'", "\u201c": '"', "\u201d": '"'})
# "Yes"/"No" opening an answer replies to the question; it is not a fact to look up in the passage.
_POLAR = re.compile(r"^\s*(?:yes|no)\b[\s,.;:!-]*", re.IGNORECASE)
# A full stop glued to the next sentence ("...in 1844.First for Women is...", paragraphs joined by a
# scraper) is still a sentence end.
_GLUED = re.compile(r"(?<=[a-z0-9)\]\"”])\.(?=[A-Z])")
MAX_MISSING = 5  # beyond five unknown terms a claim is simply not from this passage
NEUTRAL = {"support": 1.0, "coverage": 1.0, "key_coverage": 1.0, "sentence_coverage": 1.0, "missing": 0.0}


def lexical_features(claim: str, evidence: str) -> dict[str, float]:
    """The lexical inputs of the judge's combined score, all in 0..1 (1 = nothing against the claim).
    A claim of several sentences is as good as its worst sentence on each signal."""
    parts = split_claim(claim)
    if len(parts) > 1:
        per = [sentence_lexical_features(c, evidence) for c in parts]
        return {k: (max if k == "missing" else min)(f[k] for f in per) for k in NEUTRAL}
    return sentence_lexical_features(claim, evidence)


def sentence_lexical_features(claim: str, evidence: str) -> dict[str, float]:
    claim = _POLAR.sub("", claim)
    ev = Evidence.of(evidence)
    unique = list({t.key: t for t in terms(claim)}.values())
    if not unique:  # nothing checkable ("Yes."): lexical signals abstain, the model decides
        return dict(NEUTRAL)
    credits = [ev.credit(t) for t in unique]
    keys = [c for t, c in zip(unique, credits) if t.kind in KEY_KINDS]
    missing = sum(c == 0.0 for c in credits)
    return {
        "support": support_score(claim, evidence),  # rag.support's own score (names/numbers weigh more)
        "coverage": sum(credits) / len(credits) if credits else 1.0,
        "key_coverage": sum(keys) / len(keys) if keys else 1.0,
        "sentence_coverage": max(
            sum(sent.credit(t) for t in unique) / len(unique) for sent in map(Evidence.of, evidence_sentences(evidence))
        ),
        # One unknown word in a long sentence matters less than in a three-word answer, but two
        # unknown names matter more than one: the count carries what the share cannot.
        "missing": min(missing, MAX_MISSING) / MAX_MISSING,
    }


def evidence_sentences(evidence: str) -> list[str]:
    return split_sentences(_GLUED.sub(". ", evidence)) or [evidence]


def split_claim(claim: str) -> list[str]:
    """The sentences of a claim, each judged on its own ("Yes." opening a reply is not one)."""
    return [c for c in evidence_sentences(_POLAR.sub("", claim)) if c.strip()]


def loose(text: str) -> str:
    """Lower case, single spaces, straight quotes: what typing a sentence again may change."""
    return _SPACE.sub(" ", text.translate(_QUOTES)).strip().lower()


def is_verbatim(claim: str, evidence: str) -> bool:
    """True when the claim, up to white space, case, quote style and final full stop, is a span of the evidence."""
    c = loose(claim).rstrip(".!?")
    # Whole words only: "He won 20" is not in "He won 2013".
    return len(c) > 0 and re.search(rf"(?<!\w){re.escape(c)}(?!\w)", loose(evidence)) is not None
