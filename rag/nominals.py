"""Nouns that name a verb's own deed or state: "corrosion" of "corrode", "closure" of "close", "failure" of
"fail". "Why did the fans corrode?" is not answered by "The fans corroded due to corrosion": a reason that
only names the deed again gives none (rag.reasons).

Two words are one deed's when WordNet 3.0 links them as derivationally related forms (its "+" pointers from a
verb sense to a noun sense; rag/data/nominals.txt: each line a verb and its nouns, single words only).
Rebuilt from the WordNet database files with

    python -m rag.nominals /usr/share/wordnet > rag/data/nominals.txt
    python -m rag.nominals --deeds /usr/share/wordnet > rag/data/deeds.txt
"""
from __future__ import annotations

import sys
from functools import lru_cache
from pathlib import Path

from . import wordnet


def names_deed(noun: str, verb: str) -> bool:
    """Whether a noun (lower-case lemma) names the deed of a verb (lower-case lemma)."""
    return noun in _nouns().get(verb, frozenset())


def known_verb(word: str) -> bool:
    """A word WordNet lists as a verb (one with a noun of its deed, as nearly all have)."""
    return word in _nouns()


def deed_nouns(verb: str) -> frozenset[str]:
    """The nouns WordNet links to a verb (lower-case lemma): "pay" -> {"payment", "payer", ...}."""
    return _nouns().get(verb, frozenset())


def deed_verbs(noun: str) -> frozenset[str]:
    """The verbs whose deed a noun (lower-case lemma) names: "complaint" -> {"complain"}, "closure" -> {"close"}."""
    return _verbs().get(noun, frozenset())


@lru_cache(maxsize=1)
def _verbs() -> dict[str, frozenset[str]]:
    out: dict[str, set[str]] = {}
    for verb, nouns in _nouns().items():
        for noun in nouns:
            out.setdefault(noun, set()).add(verb)
    return {noun: frozenset(verbs) for noun, verbs in out.items()}


@lru_cache(maxsize=1)
def _nouns() -> dict[str, frozenset[str]]:
    lines = (wordnet.DATA / "nominals.txt").read_text(encoding="utf-8").splitlines()
    return {verb: frozenset(nouns) for line in lines for verb, *nouns in [line.split()]}


def verb_nouns(root: Path) -> dict[str, set[str]]:
    """verb -> the nouns its senses' "+" pointers name, from data.verb and data.noun (single words only)."""
    verbs, nouns = wordnet.synsets(root, "verb"), wordnet.synsets(root, "noun")
    out: dict[str, set[str]] = {}
    for words, pointers in verbs.values():
        for symbol, target, pos, ends in pointers:
            if symbol != "+" or pos != "n":
                continue
            source, aim = int(ends[:2], 16), int(ends[2:], 16)
            verb, noun = words[source - 1], nouns[target][0][aim - 1]
            if verb.isalpha() and noun.isalpha():
                out.setdefault(verb, set()).add(noun)
    return out


def is_deed(noun: str) -> bool:
    """Whether a noun (lower-case lemma) is, first of all, a deed, event or message that a verb of it names:
    "announcement", "decision", "closure", "visit" (not "bridge", a thing first, though one may bridge)."""
    return noun in wordnet.word_list("deeds.txt")


def deeds(root: Path) -> list[str]:
    """The nouns `is_deed` holds: a verb's noun (nominals.txt) whose commonest WordNet sense is an act, an
    event or something communicated."""
    linked = {n for nouns in verb_nouns(root).values() for n in nouns}
    return [n for n in wordnet.nouns_under(root, _DEED_ROOTS, 1) if n in linked]


_DEED_ROOTS = ("act", "event", "communication.2")  # communication.n.02: "something that is communicated"


if __name__ == "__main__":
    root = Path(next((a for a in sys.argv[1:] if not a.startswith("--")), wordnet.DEFAULT_ROOT))
    if "--deeds" in sys.argv:
        sys.setrecursionlimit(10000)  # the hypernym walk recurses as deep as WordNet's noun hierarchy
        print("\n".join(deeds(root)))
    else:
        found = verb_nouns(root)
        print("\n".join(f"{v} {' '.join(sorted(found[v]))}" for v in sorted(found)))
