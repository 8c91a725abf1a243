"""Contrast questions: the question with its doer and another participant exchanged, or with one of its
names, dates or numbers replaced by another of the same kind from the passage that answers it.

A near-miss question is usually a true one with one fact changed: "Which tankers did Aldheim send to Vesteria?"
over a passage where Vesteria sends them, "What did Lind say on Monday?" over his Thursday remarks. Word
checks see every word stated; the small model asked "does the passage answer the question?" mostly says
yes. Asked the same of the question with the fact changed back, it says yes more firmly: the passage
answers its neighbour better than the question itself (rag.checks.model_contrasts compares the two).
"""
from __future__ import annotations

from .nlp import entity_kind, parse
from .relations import speaks_for, swapped

MAX_CONTRASTS = 2


def contrasts(question: str, passage: str, article: str = "") -> list[str]:
    """Up to MAX_CONTRASTS neighbours of `question`: its roles swapped first, then its names replaced."""
    out = [s for s in [swapped(question)] if s]
    out += [q for q in replaced(question, passage, article) if q not in out]
    return out[:MAX_CONTRASTS]


def replaced(question: str, passage: str, article: str = "") -> list[str]:
    """The question with one of its entities replaced by an entity of the same kind that the passage names
    and the question does not ("What did Lind say on Monday?" -> "... on Thursday?"). Not a person the
    `article` gives a title of the named organisation, nor the organisation one of the named person's: what
    Ana Roth, "the agency's chief executive", says the agency says (rag.relations.speaks_for), so the passage
    answering for her answers for it too."""
    asked = parse(question)
    asked_words = _words(asked)
    others: dict[str, list[str]] = {}
    for e in parse(passage).ents:
        kind = entity_kind(e.label_)
        # One sharing a word with the question is one it names already, maybe in another form
        # ("Tomas Lind" for "Lind"): not another of its kind.
        if kind and _specific(e) and not _words(e) & asked_words and e.text not in others.setdefault(kind, []):
            others[kind].append(e.text)
    return [question[:e.start_char] + other + question[e.end_char:]
            for e in asked.ents if _specific(e) for other in others.get(entity_kind(e.label_), [])
            if not (article and (speaks_for(other, e.text, article) or speaks_for(e.text, other, article)))]


def _specific(span) -> bool:
    """A fact that can be changed: a name or a number. Not "what year" or "which month" (what is asked)
    nor "the first half" (no fact to swap for another)."""
    return any(t.pos_ == "PROPN" or t.tag_ == "CD" for t in span)


def _words(tokens) -> set[str]:
    return {t.lower_ for t in tokens if not (t.is_stop or t.is_punct)}
