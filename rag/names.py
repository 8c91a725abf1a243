"""Names as the sources write them: a name in an answer must not be pieced together from two of theirs.

"Which company released Night Harbour?" answered "Harlan Brothers Studios [1]" over "... produced by Harlan
Brothers and released by Larkspur Film Studios": every word of the answer is in its quote, so word-level
support passes it, and a small model asked whether the quote states "Harlan Brothers Studios released Night
Harbour." may well say yes (it did for such a case). The answer's name is one name with the last word of
another: no source writes it (rag.checks.names_as_written).

A name counts as written when its words appear together, in order, in a given text (the quotes and the
question; case, punctuation and a possessive "'s" aside). One that does not, and takes its words from two
names of its quotes that share no word, one of them only in part, is pieced together. Two whole names
joined ("Norland-Vesteria") are a compound, not a new name; a word no quote has ("Dave" for "David") is left to
word-level support.
"""
from __future__ import annotations

import re

from .nlp import parse
from .words import fold

# Entity labels that name one thing; dates, numbers and nationalities are checked elsewhere.
NAMING = {"PERSON", "ORG", "GPE", "LOC", "FAC", "EVENT", "WORK_OF_ART", "PRODUCT", "LAW"}
_WORD = re.compile(r"\w+")
_SKIP = {"the", "s"}  # "the Citadel" is "Citadel"; "Norland's" is "Norland"


def words(text: str) -> list[str]:
    """A name's words as compared here: lower case, punctuation and "the" and a possessive left out."""
    return [w for w in _WORD.findall(fold(text).lower()) if w not in _SKIP]


def pieced(text: str, quotes: list[str], written: list[str]) -> list[tuple[str, list[str]]]:
    """(name, the quotes' names it takes its words from) for each name of `text` pieced together from
    two names of `quotes` that no text of `written` writes as such."""
    written = [" " + " ".join(words(a)) + " " for a in written]
    theirs = [(e.text, set(words(e.text))) for q in quotes for e in parse(q).ents if e.label_ in NAMING]
    found = []
    for e in parse(text).ents:
        mine = words(e.text)
        if e.label_ not in NAMING or len(mine) < 2 or any(f" {' '.join(mine)} " in w for w in written):
            continue
        pieces = _pieces(set(mine), theirs)
        if pieces:
            found.append((e.text, pieces))
    return found


def _pieces(mine: set[str], theirs: list[tuple[str, set[str]]]) -> list[str]:
    """Two names that together hold every word of `mine`, share no word, and one of which `mine` takes
    only in part; [] if there are none."""
    touching = [(name, ws) for name, ws in theirs if ws & mine]
    if not mine <= set().union(*(ws for _, ws in touching)):
        return []
    for i, (a, wa) in enumerate(touching):
        for b, wb in touching[i + 1:]:
            if not wa & wb and mine <= wa | wb and (not wa <= mine or not wb <= mine):
                return [a, b]
    return []
