"""What a question takes for granted, and whether a quote states it: its people (by one of their names,
not under another given name), and its numbers and dates together with the event they belong to. The
`premise_stated` step of rag.checks reads these against each quote's window (the quote, and the sentence
before when it points back). (eval/premise.py is another thing: the question restated as a statement for
the judge.)
"""
from __future__ import annotations

import re

from .nlp import parse
from .question import SMALL_NUMBER_WORDS, Question
from .relations import LIGHT_VERBS
from .schema import Source
from .support import NAME, NUMBER, WORD, Evidence, terms, token_key


def people_missing(q: Question, windows: list[str], people: tuple[tuple[str, ...], ...]) -> list[str]:
    """Each person (their name keys) no window names, as the question writes them."""
    said = " ".join(windows)
    return [" ".join(t.surface for t in q.facts if t.key in person) or person[-1]
            for person in people if not _names_person(said, person)]


def people_in_sources(q: Question, sources: list[Source]) -> tuple[tuple[str, ...], ...]:
    """The question's names the tagger did not type there ("Why did Adeyemi call ...?") but does in the
    passages, where they stand in a sentence ("Vesterian President Ruth Adeyemi"): people too."""
    known = {k for person in q.people for k in person}
    loose = {t.key for t in q.facts if t.kind == NAME and t.key not in known}
    if not loose:
        return ()
    named = (tuple(x.key for x in terms(e.text) if x.key in loose)
             for s in sources for e in parse(s.text).ents if e.label_ == "PERSON")
    people = list(dict.fromkeys(p for p in named if p))
    return tuple(p for p in people if not any(set(p) < set(o) for o in people))  # "Tomas" within "Tomas Lind"


def numbers_missing(q: Question, windows: list[str]) -> list[str]:
    """Numbers and dates: all in one quote, together with something of the event asked about: a date from
    one sentence and a deed from another ("What did Norland supply in 2011?" -> "... partner of Caldora in
    2011") are not one fact."""
    numbers = [t for t in q.facts if t.kind == NUMBER]
    if not numbers:
        return []
    event = [t for t in terms(q.asked[:1].lower() + q.asked[1:]) if t.kind == WORD]
    named = _named_event(parse(q.asked), [t.key for t in numbers])
    best = max(([t for t in numbers if Evidence.of(w).credit(t) > 0.0 and _dates_same_event(q.asked, w, t)]
                if _shares(w, event) or _states_all(w, named) else [] for w in windows), key=len)
    return [t.surface for t in numbers if t not in best]


def counts_missing(q: Question, windows: list[str]) -> list[str]:
    """A count the question gives a thing ("its three boats") where the quotes count that thing otherwise
    ("its two boats") and never as asked. News spells counts under ten in words, which are no number facts
    (numbers_missing reads digits and amounts)."""
    out = []
    for tok in parse(q.asked):
        asked = _count(tok) if tok.dep_ == "nummod" else None
        if asked is None:
            continue
        thing = tok.head.lemma_.lower()
        counted = {_count(c) for w in windows for t in parse(w) if t.lemma_.lower() == thing
                   for c in t.children if c.dep_ == "nummod"} - {None}
        if counted and asked not in counted:
            out.append(f"{tok.text} {tok.head.text}")
    return out


def _count(tok) -> int | None:
    word = tok.lower_
    if word.isdigit():
        return int(word)
    return SMALL_NUMBER_WORDS.index(word) + 1 if word in SMALL_NUMBER_WORDS else None


def _named_event(doc, keys: list[str]) -> list:
    """The name a question's year is part of ("the 2019 Coastal Rowing Championships"; not "March 2021", nor
    the "Northwave 100" chart): a quote stating the year with the whole name is about the event asked, whatever
    verb it uses ("took place" for "held")."""
    for tok in doc:
        if (tok.dep_ in ("nummod", "compound") and _YEAR.fullmatch(tok.text) and tok.text in keys
                and tok.head.ent_type_ != "DATE"):
            head = tok.head
            while head.dep_ == "compound" and head.head.pos_ == "PROPN":
                head = head.head
            if head.pos_ == "PROPN":
                return [t for w in head.subtree if w.pos_ == "PROPN" for t in terms(w.text)]
    return []


def _states_all(quote: str, words: list) -> bool:
    """Every one of `words` (at least one) is in the quote."""
    ev = Evidence.of(quote)
    return bool(words) and all(ev.credit(t) > 0.0 for t in words)


def _names_person(window: str, person: tuple[str, ...]) -> bool:
    """One of the person's names is in the window, and not only as part of another person's name; their
    whole name, as the question writes it, always counts ("Dunmore Boats" beside "Tess Dunmore")."""
    if not any(k in Evidence.of(window).keys for k in person):
        return False
    keys = [t.key for t in terms(window)]
    if len(person) < 2 or any(tuple(keys[i:i + len(person)]) == person for i in range(len(keys))):
        return True
    names = set(person)
    mentions = [{t.key for t in terms(e.text)} for e in parse(window).ents if e.label_ == "PERSON"]
    theirs = [m for m in mentions if m & names]
    # A name that shares a word with theirs but has a word of its own where theirs has another is someone
    # else: "Lind" and "Tomas Lind" are one, "Anders Lind" another; "Maria Costa" is not "Maria Santos".
    return not theirs or any(not (m - names and names - m) for m in theirs)


def _dates_same_event(question: str, window: str, number) -> bool:
    """The word the question's number dates or counts is in the quote with it: "What was the choir renamed in
    2006?" is not answered by a choir "formed in 2006". Light verbs ("What happened in 2019?") date nothing.
    (Comparing the word each number hangs from in both parses was tried: the small parser attaches "the
    2011 comedy film" to "film" and "the 2011 comedy" to "comedy", which cost right answers.)"""
    asked = _number_head(parse(question), number.key)
    return asked is None or (asked in Evidence.of(window).keys and not _year_of_another(window, asked, number.key))


_YEAR = re.compile(r"1\d{3}|20\d{2}")


def _year_of_another(window: str, head: str, year: str) -> bool:
    """The quote puts another year right on the noun the question dates ("Which 1974 film ...?" over "a 2003
    film based on ... 1974 novel"): the year belongs to something else there. A year hung elsewhere in the
    sentence ("released in 2000") proves nothing: the small parser attaches those loosely."""
    if not _YEAR.fullmatch(year):
        return False
    years = {c.text for tok in parse(window) if token_key(tok) == head
             for c in tok.children if c.dep_ == "nummod" and _YEAR.fullmatch(c.text)}
    return bool(years) and year not in years


_GENERIC_HEADS = LIGHT_VERBS | {"happen", "occur", "year", "time"}


def _number_head(doc, key: str) -> str | None:
    """The key of the verb or noun the number `key` dates or counts in `doc` ("in 1976" -> its verb)."""
    head = dated(doc, key)
    return token_key(head) if head is not None else None


def dated(doc, key: str):
    """The token of the verb or noun the number `key` dates or counts in `doc`, if not a generic one."""
    for tok in doc:
        if token_key(tok) != key:
            continue
        head = tok.head.head if tok.dep_ == "pobj" else tok.head
        if head == tok or head.pos_ not in ("VERB", "NOUN") or head.lemma_.lower() in _GENERIC_HEADS:
            return None
        return head
    return None


def _shares(quote: str, words: list) -> bool:
    ev = Evidence.of(quote)
    return not words or any(ev.credit(t) > 0.0 for t in words)
