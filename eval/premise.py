"""A question's premise: what an answer to it takes as true, as a statement its quotes must support.

"Whom did Iran supply with drones?" answered "Russia" asserts "Iran supply with drones Russia"; a verbatim
sentence saying Russia supplied Iran answers a different question, and judged sentence by sentence it is
faithful. So an answer is also judged as an answer: its sentences and this statement, against its quotes.
The statement is made by rule (no model): the question word and its auxiliary dropped, the asked-about
phrase replaced by the answer when the answer is short, otherwise kept without its question word ("Which
territories did X seize?" -> "X seize territories"), so that its nouns are checked too.
"""
from __future__ import annotations

import re

_AUX = r"(?:did|does|do|was|were|is|are|has|have|had|will|would|can|could|should|might|may|must)"
_WH = r"(?:who|whom|whose|which|what|when|where|why|how(?:\s+(?:many|much|long|old|often|far|large))?)"
# "Which territories in the Caucasus did ...": the question word, up to five words of its phrase, an auxiliary.
# "In which conflict ...", "On whose trip ...": a preposition before the question word stays with the phrase.
_PREP = r"(?:(?:in|on|at|for|from|to|with|within|by|during|under|since|of|after|before)\s+)?"
_WH_AUX = re.compile(rf"^\W*(?P<wh>{_PREP}{_WH})\b(?P<phrase>(?:\s+[^\s?]+){{0,5}}?)\s+(?P<aux>{_AUX})\s+(?P<rest>.+?)\W*$",
                     re.I | re.S)
# "Who signed the treaty?": the question word is the subject.
_WH_SUBJECT = re.compile(rf"^\W*(?P<wh>{_WH})\b(?P<phrase>(?:\s+[^\s?]+){{0,3}}?)\s+(?P<rest>\w+(?:ed|s)\b.+?)\W*$",
                         re.I | re.S)
_POLAR = re.compile(rf"^\W*{_AUX}\s+(?P<rest>.+?)\W*$", re.I | re.S)
_NO = re.compile(r"^\W*no\b", re.I)
SHORT_ANSWER_WORDS = 6


def premise(question: str, answer: str) -> str | None:
    """The question as a statement with the answer filled in, or None when it takes nothing for granted
    that can be checked (not a question, a yes/no question answered "no", or too few words)."""
    q = " ".join(question.split())
    if not q.endswith("?"):
        return None
    short = answer.strip().rstrip(".") if len(answer.split()) < SHORT_ANSWER_WORDS else ""
    m = _WH_AUX.match(q)
    if m:
        filled = short or m.group("phrase").strip()
        return _statement(f"{m.group('rest')} {filled}")
    m = _WH_SUBJECT.match(q)
    if m:
        filled = short or m.group("phrase").strip()
        return _statement(f"{filled} {m.group('rest')}")
    m = _POLAR.match(q)
    if m and not _NO.match(answer):  # answering a yes/no question with a quote, or "yes", grants it
        return _statement(m.group("rest"))
    return None


def _statement(text: str) -> str | None:
    text = " ".join(text.split()).strip(" ,;:")
    if len(text.split()) < 2:
        return None
    return text[0].upper() + text[1:] + "."
