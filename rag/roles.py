"""Who did what to whom in one sentence: the grammatical roles of its participants, per predicate.

A predicate is a verb, or a noun like "ambassador" with its owner and its "to". The roles:

    agent    subject of an active verb, or "by X" of a passive one
    patient  object, or subject of a passive verb
    undergoer  subject of an ergative verb used without an object ("The pier closed"): opposed to neither
             agent nor patient, as "the council closed the pier" says the same, and a question's object
             may be the part it asks ("What did the audit find?")
    attr     what the subject becomes or is ("X became Y")
    owner    "X's" of a noun, or its "of X"
    holder   X of "X is a N of Y": the one the relation N is said of (Y owns it)
    from/to  the ends of a movement or direction

Read from spaCy's dependency parse (rag.nlp); rag.relations compares two sentences' roles.
"""
from __future__ import annotations

import re

from dataclasses import dataclass

from .agents import is_agent
from .declarative import as_declared
from .ergative import is_ergative
from .nlp import entity_kind
from .referents import DEFINITE
from .support import token_key
from .words import us_spelling


LIGHT_VERBS = {"be", "have", "do", "get", "make", "take"}
_DIRECTIONS = {"from": "from", "to": "to", "into": "to", "toward": "to", "towards": "to"}


@dataclass(frozen=True)
class Role:
    predicate: str  # lemma of the verb or noun the participant belongs to
    role: str
    key: str  # the participant's head word, normalised as rag.support does
    names: frozenset[str] = frozenset()  # every word of its phrase ("Finance Minister Tomas Lind")
    marked: str = ""  # "the ferries" / "these ferries" (definite), "similar" / "another" (said to be another one)
    kind: str = ""  # what the participant names (rag.nlp.entity_kind): "person", "place", "group"; "" for no name


_DEED_PREPS = ("for", "by", "after", "before", "in", "on", "without")


def roles(doc_or_text, relatives: bool = False) -> list[Role]:
    """The roles of the participants (nouns, names; not pronouns) of a parsed sentence or a text; a reported
    subject pronoun's role goes to the one reporting (`_reporter`); with `relatives`, a relative pronoun's role
    goes to the noun it stands for (`antecedent`)."""
    doc = as_declared(doc_or_text) if isinstance(doc_or_text, str) else doc_or_text
    out = []
    for tok in doc:
        stands_for = (antecedent(tok) if relatives else None) or _reporter(tok)
        found = _noun_role(tok) if stands_for is not None else role_of(tok)
        if found is None:
            continue
        predicate, role = found
        tok = stands_for if stands_for is not None else tok
        if _dateline(tok):  # "KELSO — Cresswick Air, the carrier, collapsed": the name beside it has its place
            tok = next((c for c in tok.children if c.dep_ == "appos" and c.pos_ == "PROPN"), None)
            if tok is None:
                continue
        # "Norland built Vesteria's plant": Vesteria owns what Norland acted on, a role of "build" too, so that
        # "Vesteria built Norland's plant" reads as the doer and the owner swapped.
        acted_on = role_of(tok.head) if role == "owner" and tok.head != tok and stands_for is None else None
        extra = [(acted_on[0], "patient_owner")] if acted_on and acted_on[1] == "patient" else []
        # "Zelenka welcomed the decision but said ...": a doer does each verb joined to its own that has no subject.
        extra += [(lemma(v), "agent") for v in _joined_verbs(tok.head)] if role == "agent" \
            and tok.dep_ == "nsubj" and stands_for is None else []
        # "The deal, signed by Norland in 2019": a noun is the one acted on of the participle describing it.
        extra += [(lemma(c), "patient") for c in tok.children if c.dep_ == "acl" and c.tag_ == "VBN"
                  and not any(g.dep_.startswith("nsubj") for g in c.children) and (_by_doer(c) or not any(
                      g.dep_ == "agent" for g in c.children))]
        # "accused the union of delaying the repairs", "blamed the council for closing it": the one accused
        # or blamed is the doer of the deed it is accused of.
        extra += [(lemma(g), "agent") for c in tok.head.children if tok.dep_ == "dobj" and stands_for is None
                  and c.dep_ == "prep" and c.lower_ in ("of", "for") for g in c.children
                  if g.dep_ == "pcomp" and g.tag_ == "VBG"]
        # "got 2 million for selling the site", "resigned after losing the vote": a deed told by a gerund with
        # no subject of its own is its verb's subject's.
        extra += [(lemma(g), "agent") for c in tok.head.children if tok.dep_ == "nsubj" and stands_for is None
                  and c.dep_ == "prep" and c.lower_ in _DEED_PREPS for g in c.children
                  if g.dep_ == "pcomp" and g.tag_ == "VBG" and not any(x.dep_.startswith("nsubj") for x in g.children)]
        # "The trust was ordered to pay the board's costs", "ordered the council to pay": the doer of an infinitive
        # with no subject of its own.
        extra += [(lemma(x), "agent") for x in _to_verbs(tok)] if stands_for is None else []
        # "the council and a cooperative, which together argued": the clause may be about the whole list.
        listed = stands_for is not None and tok.dep_ == "conj" and tok.head.pos_ in ("NOUN", "PROPN")
        first = [tok.head] if listed else []
        for part in [*first, tok, *_conjuncts(tok)]:
            key = token_key(part)
            if key:
                out += [Role(p, r, key, phrase_keys(part), _marked(part), entity_kind(part.ent_type_))
                        for p, r in [(predicate, role), *extra]]
    return out


def _to_verbs(tok) -> list:
    """The infinitives `tok` does as the passive subject ("was ordered to pay") or the object ("ordered the
    council to pay") of the verb they complete (see `roles`). Not an active subject: "called for her to step
    down" gives the deed to her, and a question's object may be missing ("Which firm has the council appointed
    to carry out ...?" is read without "which firm"). Not a number ("voted six to two to restore")."""
    head = tok.head
    if tok.dep_ not in ("dobj", "nsubjpass") or tok.like_num or tok.pos_ not in ("NOUN", "PROPN"):
        return []
    return [x for x in head.children if x.dep_ == "xcomp" and x.pos_ in ("VERB", "AUX")
            and any(c.dep_ == "aux" and c.lower_ == "to" for c in x.children)
            and not any(c.dep_.startswith("nsubj") for c in x.children)]


def _dateline(tok) -> bool:
    """ "LYON" in "LYON — Hartridge said ...": where the story was filed, which the parser takes for a subject."""
    following = tok.doc[tok.i + 1].text if tok.i + 1 < len(tok.doc) else ""
    return following in ("\u2014", "\u2013", "-") and in_dateline(tok.doc[tok.sent.start:tok.i + 1])


def in_dateline(span) -> bool:
    """ "KILDALE BRIDGE" of "KILDALE BRIDGE, 14 March - ..." (or "LYON — ..."): where the story was filed, in
    capitals at the start, which the tagger may take for a person."""
    after = span.doc.text[span.end_char:span.end_char + 40]
    return span.start == span.sent.start and span.text.isupper() and len(span.text) > 1 \
        and _DATELINE_END.match(after) is not None


# "—" right after the place, or after ", <a date> " ("KELSO, 3 May - "); not a hyphen inside a word ("US-based")
_DATELINE_END = re.compile(r"(?:\s*,[^\n\-\u2013\u2014]{1,25}\s|\s*)[\-\u2013\u2014]")


def _joined_verbs(verb) -> list:
    """Verbs joined to `verb` by "and" / "but" with no subject of their own: they share its doer ("welcomed the
    decision but said ..."). Not a passive one ("was arrested and charged"). (`subject` reads the same
    joining from the other end but walks up through a passive verb joined between: "Hot Feet is a musical ...
    and was conceived, directed and choreographed by Hines" would make the musical the choreographer.)"""
    out = []
    for c in joined_without_subject(verb):
        if c.pos_ == "VERB" and not any(g.dep_ == "auxpass" for g in c.children):
            out += [c, *_joined_verbs(c)]
    return out


def joined_without_subject(verb) -> list:
    """Verbs joined to `verb` by "and" / "but" that have no subject of their own: theirs is its ("the bill
    passed its first reading and was signed in May")."""
    return [c for c in verb.children if c.dep_ == "conj" and c.pos_ in ("VERB", "AUX")
            and not any(g.dep_ in ("nsubj", "nsubjpass", "expl") for g in c.children)]


def antecedent(tok):
    """The noun a relative pronoun stands for ("Harrier Line, which will run the ferry": Harrier Line runs
    it), or None for any other word."""
    clause = tok.head
    if tok.tag_ not in ("WDT", "WP") and not (tok.lower_ == "that" and tok.dep_.startswith("nsubj")) \
            or clause.dep_ != "relcl" or clause.head.pos_ not in ("NOUN", "PROPN"):
        return None
    # "Ana Roth, a nurse who lives in Leeds": the nurse is Ana Roth, who lives there
    noun = clause.head
    return noun.head if noun.dep_ == "appos" and noun.head.pos_ == "PROPN" else noun


_REPORTED = {"he", "she", "it", "they"}


def reporter(clause):
    """Who reports a reported clause ("Luftmark said it had tested ...": Luftmark), or None: the nearest
    subject before it (a dateline, "LYON — Hartridge said", is parsed as a second one); for "he" / "she" after
    a common noun, the person named beside it ("One of them, Anjali Varma, said she had spent ...")."""
    if clause.dep_ != "ccomp":
        return None
    speakers = [c for c in clause.head.children if c.dep_ == "nsubj" and c.i < clause.i]
    speaker = speakers[-1] if speakers else None
    pointer = subject(clause)
    if speaker is not None and speaker.pos_ != "PROPN" and pointer is not None and pointer.lower_ in ("he", "she"):
        speaker = next((c for c in speaker.children if c.dep_ == "appos" and c.ent_type_ == "PERSON"), None)
    return speaker


def _reporter(tok):
    """The one reporting a clause whose subject pronoun `tok` is, when they agree: "The inspectorate confirmed
    it had been told", "Marsh said she was sacked" (the one reporting is who the pronoun means, as in most
    news copy); None for any other word."""
    if tok.lower_ not in _REPORTED or not tok.dep_.startswith("nsubj"):
        return None
    who = reporter(tok.head)
    if who is None or who.pos_ not in ("NOUN", "PROPN"):
        return None
    if tok.lower_ == "it":
        return who if who.tag_ in ("NN", "NNP") and who.ent_type_ != "PERSON" else None
    if tok.lower_ == "they":
        return who if who.tag_ in ("NNS", "NNPS") else None
    return who if who.ent_type_ == "PERSON" else None


def role_of(tok) -> tuple[str, str] | None:
    if tok.pos_ == "PRON" or tok.pos_ not in ("NOUN", "PROPN", "NUM"):
        return None
    found = _noun_role(tok)
    # "a vote of 7 to 4", "from 5 to 10": a tally or a range, not an owner or the ends of a movement.
    return None if found and tok.pos_ == "NUM" and found[1] in ("owner", "from", "to") else found


def _by_doer(verb) -> bool:
    """The verb has a doer after "by": not a time ("burned by Wednesday evening"), which the parser also
    takes for one."""
    return any(c.dep_ == "agent" and not any(g.ent_type_ in ("DATE", "TIME") for g in c.subtree)
               for c in verb.children)


def _noun_role(tok) -> tuple[str, str] | None:
    head, dep = tok.head, tok.dep_
    # Looked for only under "be": a head's children are every token of a long unparsable run (quadratic).
    complement = next((c for c in head.children if c.dep_ == "attr" and c.pos_ == "NOUN"), None) \
        if dep == "nsubj" and head.lemma_ == "be" else None
    if complement is not None:
        return lemma(complement), "holder"  # "X is a subsidiary of Y": X holds the relation, Y owns it
    if dep == "nsubj" and head.pos_ in ("VERB", "AUX"):
        # "Where were the talks held?"; "A comet spotted last month by a teacher ...": a doer after "by"
        # makes the verb passive, however the parser tagged it, and its subject the one acted on.
        aux = any(c.dep_ == "aux" for c in head.children)  # "had burned by Wednesday": perfect, active
        passive = any(c.dep_ == "auxpass" for c in head.children) or _by_doer(head) and not aux or _had_done(head)
        if head.tag_ == "VBN" and not passive and not aux:
            return None  # "(born Tomasz Wierzbic)": a participle alone has no subject; the parser guessed one
        return lemma(head), "patient" if passive else "undergoer" if _undergoes(tok, head) else "agent"
    if dep in ("dobj", "nsubjpass", "dative"):
        return lemma(head), "patient" if dep != "dative" else "to"
    if dep in ("attr", "oprd") and head.pos_ in ("VERB", "AUX") and head.lemma_ != "be":
        return lemma(head), "attr"
    if dep == "poss" and head.pos_ in ("NOUN", "PROPN"):
        return lemma(head), "owner"
    if dep == "pobj" and head.dep_ == "prep" and head.lower_ == "of" and head.head.pos_ == "NOUN":
        return lemma(head.head), "owner"  # "a subsidiary of Y" says what "Y's subsidiary" says
    if dep == "pobj" and head.dep_ == "agent":
        return lemma(head.head), "agent"
    if dep == "pobj" and head.dep_ == "prep" and head.lower_ in _DIRECTIONS:
        return lemma(head.head), _DIRECTIONS[head.lower_]
    return None


_ACTORS = {"PERSON", "ORG", "GPE", "NORP"}
_OBJECTS = {"dobj", "ccomp", "xcomp", "attr", "oprd", "dative"}


def _undergoes(subj, verb) -> bool:
    """ "The strike ended at noon", "the pier, which closed in May": an ergative verb (rag.ergative) with no
    object has a subject that undergoes it, unless that subject is one that acts (a person, an organisation,
    a country, a noun naming people, a name left untyped: "The union closed", "Officials met"); a ship or a
    building the tagger types as such undergoes it ("The Kestrel sank")."""
    who = antecedent(subj) or subj
    return is_ergative(lemma(verb)) and not any(c.dep_ in _OBJECTS for c in verb.children) \
        and who.ent_type_ not in _ACTORS and not is_agent(who.lemma_.lower()) \
        and not (who.pos_ == "PROPN" and not who.ent_type_)  # a name the tagger left untyped: a firm, a person


def _had_done(verb) -> bool:
    """ "had their results annulled", "got the fee waived": a participle after "have" or "get" and its noun
    says what was done to that noun (the parser makes the noun its subject, the participle often a past)."""
    return verb.dep_ in ("ccomp", "xcomp") and verb.tag_ in ("VBN", "VBD") and verb.head.lemma_ in ("have", "get") \
        and not any(c.dep_ in ("aux", "auxpass") for c in verb.children) \
        and any(c.dep_ == "nsubj" and verb.head.i < c.i < verb.i for c in verb.children)


ANOTHER = {"similar", "another", "other", "different"}


def _marked(tok) -> str:
    """"similar" for "a similar ferry", "smaller" for "a smaller reservoir" (the source says it is another
    one), "definite" for "the ferries" or "Vesteria's plant" (the claim means one it knows), "" otherwise."""
    dets = {c.lower_ for c in tok.children if c.dep_ == "det"}
    mods = [c for c in tok.children if c.dep_ in ("amod", "det")]
    other = next((c.lower_ for c in mods if c.lower_ in ANOTHER), None)
    if other is None and dets & {"a", "an"}:  # "a smaller reservoir": not the one it is compared to
        other = next((c.lower_ for c in mods if c.tag_ == "JJR"), None)
    if other:
        return other
    return "definite" if dets & DEFINITE or any(c.dep_ == "poss" for c in tok.children) else ""


def _conjuncts(tok) -> list:
    """"Norland and Vesteria" share a role; so do "Vesteria's president, Edith Olusanya" and every name of a list
    ("A, B and C": the parser hangs C on B)."""
    out, todo = [], [tok]
    while todo:
        found = [c for c in todo.pop().children if c.dep_ in ("conj", "appos") and c.pos_ in ("NOUN", "PROPN")]
        out += found
        todo += found
    return out


def phrase_keys(tok) -> frozenset[str]:
    """The keys of a participant's name words: itself, its compounds and titles, its appositions, and a
    person's name written right after a common noun ("by the surveyor Ana Ruiz", which the parser may hang
    elsewhere)."""
    words = [tok] + [c for c in tok.children if c.dep_ in ("compound", "appos", "flat")
                     or (c.dep_ == "amod" and c.pos_ == "PROPN")] + _name_after(tok)
    return frozenset(k for w in words for k in [token_key(w)] if k)


def _name_after(tok) -> list:
    """The words of a person's name that starts right after the common noun `tok` ("the surveyor Ana
    Ruiz")."""
    if tok.pos_ != "NOUN" or tok.i + 1 >= len(tok.doc) or tok.doc[tok.i + 1].ent_type_ != "PERSON" \
            or tok.doc[tok.i + 1].ent_iob_ != "B":
        return []
    ent = next(e for e in tok.doc.ents if e.start == tok.i + 1)
    return list(ent)


def lemma(tok) -> str:
    """A token's dictionary form in one spelling ("criticised" in the claim, "criticized" in the source)."""
    return us_spelling(tok.lemma_.lower())


def opened_by_when(verb) -> bool:
    """The verb's clause opens with "when" ("when the mill closed"): it tells the time of what it hangs on."""
    return any(c.lower_ == "when" and c.dep_ in ("advmod", "mark") for c in verb.children)


def subject(verb):
    """An active verb's subject, or that of the verb it is joined to ("He is known ... and invented ...")."""
    if any(c.dep_ in ("nsubjpass", "auxpass") for c in verb.children):
        return None
    while verb is not None:
        subj = next((c for c in verb.children if c.dep_ in ("nsubj", "nsubjpass")), None)
        if subj is not None:
            return subj
        verb = verb.head if verb.dep_ == "conj" and verb.head.i != verb.i else None
    return None
