"""A question read as the statement it presupposes, which the small parser reads far better than the question:
"Which country did Norland supply with grain?" -> "Did Norland supply with grain?"; "When was the choir formed?"
-> "the choir was formed."; and a short answer as the claim it makes ("Who approved the merger?" answered "Priya
Nandakumar" -> "Priya Nandakumar approved the merger."). Read by rag.relations and the answer path's checks."""
from __future__ import annotations

import re

from spacy.util import filter_spans

from .nlp import irregular_forms, parse
from .nominals import known_verb

_AUX = r"(?:did|does|do|was|were|is|are|has|have|had|will|would|can|could|should)"
# "To which firm did ...", "From whom was ...": the asked phrase may open with its preposition.
_WH_AUX = re.compile(rf"^\W*(?:(?:to|from|for|with|by|in|on|at|into|against|of)\s+)?"
                     rf"(?:who|whom|whose|which|what|when|where|why|how)\b(?P<wh>.*?)\s+(?P<aux>{_AUX})\s+"
                     rf"(?P<rest>.+?)\W*$", re.I | re.S)


def declarative(question: str) -> str:
    """A wh-question as the yes/no question it presupposes, which the small parser reads far better:
    "Which country did Norland supply with grain?" -> "Did Norland supply with grain?" (Norland the subject,
    not a compound of "supply"). The asked-about phrase is dropped: it is the unknown, not a participant.
    Other text is returned as it is."""
    m = _WH_AUX.match(question)
    if not m or not question.rstrip().endswith("?") or not _asked_phrase(m.group("wh")):
        return question
    aux, rest = m.group("aux").lower(), m.group("rest")
    if aux in ("did", "does", "do"):
        asked = f"{aux.capitalize()} {rest}?"
        if not _do_misread(asked):
            return asked
        # "Did Maria Costa invent?" parses with a noun "invent": the asked phrase was the
        # object, so "it" stands in for it ("Did ... invent it?") when that makes the verb a verb again.
        if not _do_misread(f"{aux.capitalize()} {rest} it?"):
            return f"{aux.capitalize()} {rest} it?"
        # "Did the airline collapse into administration?" parses with a noun "collapse" too: an adverb before
        # it ("really collapse") makes it the verb.
        root = next(iter(parse(asked).sents)).root
        if root.pos_ == "NOUN" and root.i > 1:
            cued = f"{asked[:root.idx]}really {asked[root.idx:]}"
            if not _do_misread(cued):
                return cued
        return (_in_the_past(asked) if aux == "did" else None) or asked
    if aux in ("was", "were", "is", "are"):
        return _passive(aux, rest) or question
    # "How many staff has Eastmere hired?" parses with two subjects of "hired"; "Has Eastmere hired?"
    # does not. Only when a subject follows the auxiliary: "Which firm has won it?" asks for the subject.
    asked = f"{aux.capitalize()} {rest}?"
    if _subject_after_aux(asked):
        return asked
    # "How much has Brightwater Events offered to people ...?" -> "Has Brightwater Events offered to people?" parses
    # "Has" as the verb: the asked amount was the object, and "it" after the verb stands in for it.
    cued = _object_after_verb(asked)
    return cued if cued is not None and _subject_after_aux(cued) else question


def _in_the_past(asked: str) -> str | None:
    """ "Did the senior referee caution X?" as "the senior referee cautioned X.": a verb the small tagger knows
    only in its past form (it reads "referee" as the verb and "caution" as a noun). The first word after the
    subject that WordNet lists as a verb, put in the past, if the parse then takes it for the main verb."""
    doc = parse(asked)
    for t in doc[2:]:
        if t.pos_ == "VERB" or not known_verb(t.lower_) or irregular_forms(t.lower_):
            continue
        past = t.lower_ + ("d" if t.lower_.endswith("e") else "ed")
        said = f"{asked[doc[1].idx:t.idx]}{past}{asked[t.idx + len(t.text):]}".rstrip("?") + "."
        root = next(iter(parse(said).sents)).root
        if root.lower_ == past and _subject_after_aux(said):
            return said
    return None


def _asked_phrase(wh: str) -> bool:
    """What follows the wh-word is the asked phrase alone: short, or a longer noun phrase with no verb ("How
    many people with heat stroke has ...") rather than a clause of its own ("Who said the plan ...")."""
    words = wh.split()
    return len(words) <= 4 or len(words) <= 8 and not any(t.pos_ in ("VERB", "AUX") for t in parse(wh))


def _object_after_verb(asked: str) -> str | None:
    """`asked` with "it" after its first participle past a subject ("Has X offered it to ..."), if it has one."""
    verb = next((t for t in parse(asked)[2:] if t.tag_ in ("VBN", "VBD")), None)
    return None if verb is None else f"{asked[:verb.idx + len(verb.text)]} it{asked[verb.idx + len(verb.text):]}"


def _subject_after_aux(text: str) -> bool:
    root = next(iter(parse(text).sents)).root
    return root.pos_ == "VERB" and any(c.dep_ in ("nsubj", "nsubjpass") and c.i < root.i for c in root.children)


def as_declared(text: str):
    """The parse of `declarative(text)`, its names typed as in the question itself: the tagger knows
    "Obidike" for a person in "Which library has Obidike promised to reopen?", not in "Has Obidike promised
    to reopen?"."""
    said = declarative(text)
    doc = parse(said)
    if said == text:
        return doc
    doc = doc.copy()  # parses are cached and shared
    typed = []
    for ent in parse(text).ents:
        start = said.find(ent.text)
        if start >= 0 and (span := doc.char_span(start, start + len(ent.text), label=ent.label_)) is not None:
            typed.append(span)
    doc.ents = filter_spans(typed + list(doc.ents))  # the question's own types first
    return doc


def _do_misread(text: str) -> bool:
    """The auxiliary "Did" / "Does" parsed as the main verb, or the main verb as a noun."""
    root = next(iter(parse(text).sents)).root
    return root.pos_ != "VERB" or root.i == 0 and root.lemma_.lower() == "do"


def answered(question: str, answer: str) -> str | None:
    """A short answer to a question about who or what did something, as the claim it makes: "Who approved
    the merger?" answered "Priya Nandakumar" claims "Priya Nandakumar approved the merger." None when the
    question asks about anything but its verb's doer ("What did X propose?") or the answer has a verb."""
    if any(t.pos_ in ("VERB", "AUX") for t in parse(answer)):
        return None
    doc = parse(question)
    wh = doc[0] if len(doc) > 2 else None
    if wh is None or wh.lower_ not in ("who", "which", "what"):
        return None
    subject = wh if wh.lower_ == "who" else wh.head if wh.dep_ == "det" else None
    if subject is None or subject.dep_ not in ("nsubj", "nsubjpass") or subject.head.pos_ != "VERB" \
            or subject.head.i < subject.i:
        return None
    rest = doc[subject.i + 1:].text.rstrip(" ?")
    return f"{answer.strip()} {rest}."


def _passive(aux: str, rest: str) -> str | None:
    """"When was the choir The Night Ferries formed?" read as "the choir The Night Ferries was formed": asked
    as it is, the parser makes "formed" a clause of "choir" with "The Night Ferries" as its doer; so too "Why is
    Harlow Foods suing the council?" ("Harlow Foods is suing the council"). None when no past participle or
    "-ing" form follows a subject as its first verb."""
    doc = parse(rest)
    verb = next((t for t in doc if t.pos_ in ("VERB", "AUX")), None)
    if verb is None or verb.tag_ not in ("VBN", "VBD", "VBG") or verb.i == 0 \
            or verb.tag_ == "VBG" and verb.dep_ in ("amod", "compound") \
            or any(t.tag_ in ("WDT", "WP", "WP$") for t in doc[:verb.i]) or _second_phrase(doc[:verb.i]):
        return None  # "was weighing ... when Halvorsen issued", "the event that Caldora competed in": no passive
    return f"{doc[:verb.i].text} {aux} {doc[verb.i:].text}."


def _second_phrase(span) -> bool:
    """A second noun phrase of its own before the verb ("the grant the institute won", "the prize her
    team won"): the verb's subject in a relative clause without "that", not a passive. A name set beside
    its noun ("the band The Night Ferries") is one phrase."""
    first = span[0].head if span[0].dep_ in ("det", "poss") else span[0]
    return any(t.dep_ in ("det", "poss") and t.text.islower() and t.head != first for t in span[1:])
