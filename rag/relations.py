"""Where a claim and its source disagree on who did what to whom, though every word of the claim is there.

Word-level support cannot tell "Norland supplied Vesteria with grain" from "Vesteria supplied Norland with grain":
every word is there. A dependency parse can: Norland is the subject of "supply" in one and its object in the
other. Each sentence's roles come from rag.roles (agent, patient, attr, owner, holder, from/to); when each
deed happens (done, to come, only possible, refused) from rag.tense.

Two sentences conflict when one participant has, for the same predicate, roles that exclude each other
(agent vs patient or attr or recipient, from vs to, owner vs to) and the second sentence never gives it the
first one's role. Also when the claim gives a title or thing to one country it names ("Vesteria's finance
minister") and the source's only one belongs to another country the claim names ("Norlandic Finance Minister
Tomas Lind"). And when the claim puts a deed at another time than the source does (rag.tense: "will build"
over "built"; "resigned" over "called for her to resign"). And when the claim means one thing ("the ferries",
"the Harrier Hill reservoir") and the source's same verb has only another of its kind ("a similar ferry", "a
smaller reservoir"). And when the claim gives a person a title ("Senator Mara Kowal") that the source gives to
someone else while naming them under another ("Senator Mara Kessler and Representative Mara Kowal").
And when a question about a renaming takes the source's former name for the current one or the reverse
("What was the Harbour Light Authority formerly called?" over "Coastline Power (formerly Harbour Light
Authority)"). And when the claim names a doer ("Which character did Lena Strand create?") that the source
names too but gives the same verb's doer as another name of the same kind ("voiced by Lena Strand, and created
by Tom Adler"); an organisation the claim names by a noun ("the county council") is such a doer too. And
(`strangers`, read against all of an answer's quotes) when the claim's person or organisation is named in
none of them while the same verb's doer is someone who cannot be them ("an automated survey photographed the
comet" for "How many times had Ekvall photographed the comet?").
Same-role restatements and paraphrases with other verbs are never conflicts: this step only
rejects, it does not confirm.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from .agents import is_agent, is_group, is_someone
from .declarative import as_declared
from .nlp import NOT_NAMES, entity_kind, parse
from .nominals import names_deed
from .opposites import opposites, takers
from .referents import (as_written, definite_common, full_name, is_named, may_stand_for, named_subject,
                        pointing_subject)
from .support import NAME, terms, token_key
from .roles import (ANOTHER, LIGHT_VERBS, Role, antecedent, lemma, phrase_keys, reporter, role_of, roles,
                    subject)
from .tense import NotYet, TimeConflict, not_yet, time_conflicts
from .words import INFORMING, SAYING, fold

OPPOSED = {frozenset(p) for p in (("agent", "patient"), ("agent", "attr"), ("agent", "to"), ("from", "to"),
                                   ("owner", "to"), ("owner", "from"), ("agent", "patient_owner"),
                                   ("holder", "owner"))}


@dataclass(frozen=True)
class Conflict:
    participant: str  # as written in the claim
    predicate: str
    claim_role: str
    source_role: str
    instead: str = ""  # the other participant the source gives that role to

    def __str__(self) -> str:
        if self.instead:
            return (f"the source's \u201c{self.predicate}\u201d is {self.instead}, not {self.participant}'s")
        return (f"{self.participant} is the {_ROLE_WORDS[self.claim_role]} of \u201c{self.predicate}\u201d in one "
                f"and the {_ROLE_WORDS[self.source_role]} in the source")


@dataclass(frozen=True)
class OtherDoer:
    participant: str  # as written in the claim
    predicate: str
    doer: str  # who does it in the source, as written there
    acted_on: bool = False  # `doer` is the one the source does it to

    def __str__(self) -> str:
        if self.acted_on:
            return (f"in the source {self.doer} is the one \u201c{self.predicate}\u201d was done to, "
                    f"not {self.participant}")
        return f"in the source {self.doer} is the one who did \u201c{self.predicate}\u201d, not {self.participant}"


@dataclass(frozen=True)
class AnotherOne:
    participant: str
    predicate: str
    marker: str  # "similar", "another", "other", "different", or a comparative ("smaller")

    def __str__(self) -> str:
        one = {"similar": "a similar one", "different": "a different one"}.get(self.marker, "another one")
        return f"\u201c{self.predicate}\u201d in the source is about {one}, not the claim's {self.participant}"


@dataclass(frozen=True)
class Exchanged:
    first: str  # as written in the claim
    second: str
    predicate: str  # the first one's verb or noun in the claim

    def __str__(self) -> str:
        first, second = (w if w[:1].isupper() else f"the {w}" for w in (self.first, self.second))
        return (f"the source has {first} and {second} the other way round (\u201c{self.predicate}\u201d is "
                f"{second}'s part there, not {first}'s)")


@dataclass(frozen=True)
class OtherKind:
    thing: str  # the head noun both name
    claim_kind: str  # the noun before it in the claim ("drone")
    source_kind: str  # and in the source ("ultrasound")

    def __str__(self) -> str:
        return (f"the source's {self.thing} is the \u201c{self.source_kind} {self.thing}\u201d, not the claim's "
                f"\u201c{self.claim_kind} {self.thing}\u201d")


@dataclass(frozen=True)
class MovedComplement:
    thing: str  # the noun both name ("price")
    claim_part: str  # its complement in the claim ("of wheat")
    source_part: str  # and in the source ("of barley")

    def __str__(self) -> str:
        return (f"the source's \u201c{self.thing} {self.source_part}\u201d is not the claim's "
                f"\u201c{self.thing} {self.claim_part}\u201d")


@dataclass(frozen=True)
class OtherTitle:
    person: str
    claim_title: str
    source_title: str

    def __str__(self) -> str:
        return f"the source calls {self.person} \u201c{self.source_title}\u201d, not \u201c{self.claim_title}\u201d"


@dataclass(frozen=True)
class OtherReferent:
    participant: str  # as written in the claim
    written: str  # the source's subject as written ("The poem", "He")
    referent: str  # what the sentence before makes it ("Aldmere")

    def __str__(self) -> str:
        return (f"the source's \u201c{self.written}\u201d is {self.referent} (named in the sentence before), "
                f"not {self.participant}")


@dataclass(frozen=True)
class Renamed:
    name: str  # as written in the claim
    claim_says: str  # "current" or "former": what the claim takes the name for

    def __str__(self) -> str:
        other = "former" if self.claim_says == "current" else "current"
        return f"the source gives {self.name} as the {other} name, not the {self.claim_says} one"


_ROLE_WORDS = {"agent": "doer", "patient": "one acted on", "attr": "complement", "owner": "owner",
               "holder": "subject",
               "patient_owner": "owner of what is acted on",
               "from": "origin", "to": "destination or recipient"}


Found = Conflict | OtherDoer | TimeConflict | AnotherOne | OtherKind | MovedComplement | OtherTitle | Renamed \
    | Exchanged | NotYet


def conflicts(claim: str, source: str) -> list[Found]:
    """Participants the claim gives a role that the source gives them the opposite of (see the module doc)."""
    claimed, stated = as_declared(claim), as_declared(source)
    source_roles = roles(stated)
    surfaces: dict[str, str] = {}
    for t in claimed:  # the fullest name a word has in the claim ("Ashby River" over "which river")
        surfaces[token_key(t)] = max(surfaces.get(token_key(t), ""), full_name(t), key=len)
    places = _places(claimed)
    claim_roles = roles(claimed)
    other_sense = _other_sense(claimed, stated)
    out = []
    for r in claim_roles:
        if r.predicate in LIGHT_VERBS:
            continue  # "be", "have": too general to say who does what
        same = [s for s in source_roles if _one_deed(s.predicate, r.predicate) and _same_participant(r, s)]
        alike = [s for s in same if s.role == r.role]
        if alike and r.marked == "definite" and all(_another(r, s) for s in alike):
            out.append(AnotherOne(surfaces.get(r.key, r.key), r.predicate, alike[0].marked))
        if alike:
            continue
        opposite = next((s.role for s in same if frozenset((r.role, s.role)) in OPPOSED
                         and not _owned_from(r, s, claim_roles, source_roles)), None)
        if opposite:
            out.append(Conflict(surfaces.get(r.key, r.key), r.predicate, r.role, opposite))
        elif r.predicate in other_sense:
            continue
        elif r.role == "agent" and _doer(r, claimed) and (namesake := _namesake_doer(r, stated)):
            out.append(OtherDoer(surfaces.get(r.key, r.key), r.predicate, namesake))
        elif r.role == "agent" and _doer(r, claimed) and not any(r.key in s.names for s in _same_verb(r, source_roles)):
            doer = _other_doer(r, stated)
            if doer:
                out.append(OtherDoer(surfaces.get(r.key, r.key), r.predicate, doer))
        elif r.role == "owner" and r.key in places:
            other = _other_country(stated, r, places - {r.key})
            if other:
                out.append(Conflict(surfaces.get(r.key, r.key), r.predicate, r.role, "owner", other))
        elif r.role == "owner" and _who(r, claimed):
            other = _other_owner(r, stated)
            if other:
                out.append(Conflict(surfaces.get(r.key, r.key), r.predicate, r.role, "owner", other))
    return out + time_conflicts(claimed, stated) + _kind_conflicts(claimed, stated) + not_yet(claimed, stated) \
        + _exchanged(claim_roles, source_roles, surfaces) + _moved_complements(claimed, stated) \
        + _title_conflicts(claimed, stated) + _renamed(claim, source) \
        + _received(claimed, stated, surfaces) + _converse_takers(claim_roles, source_roles, claimed, stated, surfaces)


def _owned_from(r: Role, s: Role, claim_roles: list[Role], source_roles: list[Role]) -> bool:
    """ "The council's lawyers" and "lawyers from the council" say one thing: a noun's "from" is its owner when
    nothing else owns it on that side ("Russia's imports from Iran" against "Iran's imports from Russia" is
    still the owner and the origin swapped)."""
    if {r.role, s.role} != {"owner", "from"}:
        return False
    side = source_roles if s.role == "from" else claim_roles
    return not any(x.predicate == s.predicate and x.role == "owner" and x.key != r.key for x in side)


def _one_deed(a: str, b: str) -> bool:
    """Two verbs telling one deed with the same roles: the same verb, or two of informing ("notified the
    company" / "it had been told": the one informed is the object of either)."""
    return a == b or a in INFORMING and b in INFORMING


def _converse_takers(claim_roles: list[Role], source_roles: list[Role], claimed, stated,
                     surfaces: dict) -> list[OtherDoer]:
    """A claim's doer of a deed ("The council bought the field") that the source tells only from the other
    side, giving it to someone else: "The council sold the field to Corlett Homes" makes Corlett Homes the
    buyer (the opposite verb, rag.opposites, with "to": "lost the final to Brenford" makes Brenford the winner)."""
    out = []
    for r in (r for r in claim_roles if r.role == "agent" and _doer(r, claimed)):
        if any(s.predicate == r.predicate for s in source_roles):
            continue  # the source tells the deed itself: the other checks read who does it
        verb = next((t for t in claimed if t.pos_ == "VERB" and lemma(t) == r.predicate), None)
        turned = set(opposites(verb)) if verb is not None else set()
        things = {s.key for s in claim_roles if s.predicate == r.predicate and s.role == "patient"}
        for o in (t for t in stated if t.pos_ == "VERB" and lemma(t) in turned):
            given_to = takers(o)
            given = {token_key(w) for c in o.children if c.dep_ in ("dobj", "nsubjpass") for w in c.subtree}
            if given_to and (not things or things & given) and not any(r.key in phrase_keys(g) for g in given_to):
                out.append(OtherDoer(surfaces.get(r.key, r.key), r.predicate, as_written(given_to[0])))
    return out


def _other_sense(claimed, stated) -> set[str]:
    """The claim's verbs with a particle ("call in" administrators) that the source uses only without it
    ("called for" a resignation): another verb, whose doer is no other doer of the claim's."""
    def particles(verb) -> frozenset[str]:
        return frozenset(c.lower_ for c in verb.children if c.dep_ == "prt")
    return {lemma(v) for v in claimed if v.pos_ == "VERB" and particles(v) and particles(v) not in {
        particles(u) for u in stated if u.pos_ == "VERB" and lemma(u) == lemma(v)}}


def strangers(claim: str, source: str) -> list[OtherDoer | Conflict]:
    """The claim's people and organisations that the source never names, while it gives their deed, or what
    they own, to one who cannot be them (`_stranger_doer`): "Where is Torvald's head office?" over "GreenCart's
    head office in Marksby". Read against all of an answer's quotes together: one quote may name the claim's
    doer doing it in other words ("came third with 4,211 votes") and another someone else doing it ("Thursby
    received 18,406 votes")."""
    claimed, stated = as_declared(claim), as_declared(source)
    out = []
    for r in roles(claimed):
        if r.role in ("agent", "owner") and r.predicate not in LIGHT_VERBS \
                and not any(_mentions(r, s) for s in stated.sents) and (doer := _stranger_doer(r, claimed, stated)):
            # Named as the claim writes it ("Had Ekvall" is the declared form's misreading of "had Ekvall").
            asked = next((t for t in parse(claim) if token_key(t) == r.key), None)
            named = full_name(asked) if asked is not None else r.key
            out.append(OtherDoer(named, r.predicate, doer) if r.role == "agent"
                       else Conflict(named, r.predicate, "owner", "owner", f"{doer}'s"))
    return out


def restates(question: str, found: Found) -> bool:
    """The question gives the participant of `found` (a clash between an answer sentence and its quote) the
    same role the answer sentence does: the answer restated the question's own premise ("Why does Ruritania
    see the plan as a threat?" -> "Ruritania views the plan as a threat [1]" over "Elbonia views the plan as
    a threat"), so the question, not only the answer, is at odds with the quote."""
    role = found.claim_role if isinstance(found, Conflict) else "agent" if isinstance(found, OtherDoer) else None
    if role is None:
        return False
    named = {k for t in parse(found.participant) for k in [token_key(t)] if k}
    return any(r.role == role and named & ({r.key} | r.names) for r in roles(question))


def done_by_others(claim: str, source: str) -> list[OtherDoer]:
    """The claim's doer (a person or organisation) of a verb that every use of it in the source gives to
    another by name, and none to a pronoun or to them ("Cardiff Press retracted the paper" for "Why did Ana
    Roth retract the paper?"): read against all the passages, as `denied` is. The kinds told apart as
    `_stranger_doer` does; a verb with no named doer in the source proves nothing."""
    claimed, stated = as_declared(claim), parse(source)
    out = []
    for r in _deed_doers(claimed):
        uses = [v for v in stated if v.pos_ in ("VERB", "AUX") and lemma(v) == r.predicate]
        titled = _titled_doers(stated, r.predicate)
        # "She retracted it" may be the claim's doer; "Luftmark said it had tested ..." is Luftmark.
        # ("Ana Roth, who chairs the board" is Ana Roth: roles reads a relative pronoun's antecedent)
        reported = [_reported_speaker(v) for v in uses if subject(v) is not None and subject(v).pos_ == "PRON"
                    and antecedent(subject(v)) is None]
        if not (uses or titled) or None in reported or any(_untold_doer(v, claimed, r) for v in uses):
            continue
        doers = [s for sent in stated.sents for s in _same_verb(r, roles(sent.as_doc(), relatives=True))] \
            + [Role(r.predicate, "agent", token_key(t), phrase_keys(t), "", entity_kind(t.ent_type_)) for t in reported] \
            + titled
        if not doers or any(s.key in r.names or r.key in s.names for s in doers):
            continue
        others = [s for s in doers if _rival(r, s)]
        named = _names_of(others, stated)
        if any(token_key(t) in r.names for t in named):  # "the chair, Bo Lind" is Bo Lind
            continue
        if len(others) == len(doers) and named:
            asked = next((t for t in parse(claim) if token_key(t) == r.key), None)
            written = r.key if asked is None else full_name(asked) if asked.pos_ == "PROPN" else as_written(asked)
            out.append(OtherDoer(written, r.predicate, _fullest(named)))
    return out


def said_by_others(claim: str, source: str) -> list[OtherDoer]:
    """Words the claim quotes and gives to a named speaker ("Why did Ivo Pellam say the plan was 'rushed'?")
    that every sentence of the source holding them gives to another by name ("The chair, Rhona Vetch, said the
    plan was 'rushed'"): read against all the passages, as `done_by_others` is. A speaker the source leaves
    unnamed ("she said") may be theirs: nothing is found."""
    quoted = [fold(q).lower() for q in _QUOTED.findall(fold(claim))]
    asked = next((subject(v) for v in as_declared(claim) if lemma(v) in SAYING and subject(v) is not None
                  and subject(v).pos_ == "PROPN"), None) if quoted else None
    if asked is None:
        return []
    others = []
    for sent in parse(source).sents:
        if not any(q in fold(sent.text).lower() for q in quoted):
            continue
        names = [n for v in sent if lemma(v) in SAYING and (who := subject(v)) is not None for n in _named(who)]
        if not names or token_key(asked) in {token_key(n) for n in names}:
            return []
        others += names
    return [OtherDoer(full_name(asked), "say", _fullest(others))] if others else []


_QUOTED = re.compile(r'"([^"]{3,})"')  # after `fold`: curly quotes made straight; not single ones (apostrophes)


def _named(who) -> list:
    """The names a speaker is written with: their own, or set beside their title ("The chair, Rhona Vetch")."""
    if who.pos_ == "PROPN":
        return [who]
    return [t for t in who.sent if t.pos_ == "PROPN" and _holder_of(t, token_key(who))]


def _titled_doers(stated, verb: str) -> list[Role]:
    """The doers of a verb the source names by the doer's noun ("its supplier, Hallam Foods" supplies; "the
    builder Corrie & Sons" builds; rag.nominals)."""
    out = []
    for t in stated:
        noun = t.lemma_.lower()
        if t.pos_ != "NOUN" or not is_agent(noun) or not names_deed(noun, verb):
            continue
        out += [c for c in t.children if c.dep_ == "appos" and c.pos_ == "PROPN"]
        if t.dep_ in ("appos", "compound") and t.head.pos_ == "PROPN":
            out.append(t.head)
    return [Role(verb, "agent", token_key(n), phrase_keys(n), "", entity_kind(n.ent_type_)) for n in out]


def _names_of(participants: list[Role], stated) -> list:
    """The name tokens the source writes for these participants: their own, or set beside their title."""
    return [t for s in participants for t in stated
            if t.pos_ == "PROPN" and (token_key(t) == s.key or _holder_of(t, s.key))]


def _fullest(names: list) -> str:
    """The longest of these names as written in full ("Bo Lind", not "Lind")."""
    return max((full_name(t).lstrip("# ") for t in names), key=len)


def _holder_of(name, key: str) -> bool:
    """`name` is set beside the common noun `key` as its holder's name: "the chair, Bo Lind" or "the mayor of
    Ossery, Bo Lind" (where the parser hangs the name on "Ossery")."""
    head = name.head
    if name.dep_ != "appos":
        return False
    if head.dep_ == "pobj" and head.head.lower_ == "of" and name.ent_type_ == "PERSON" != head.ent_type_:
        head = head.head.head
    return head.pos_ == "NOUN" and token_key(head) == key


def _untold_doer(verb, claimed, r: Role) -> bool:
    """A passive use of the verb with no "by", on the claim's own thing ("The fee was paid with money the club
    received" for "How did the club pay the fee?"): the deed may be the claim's doer's, whoever did it to
    something else ("the 1.5 million pounds United paid Dundee for Ian Moss")."""
    if not any(c.dep_ == "auxpass" for c in verb.children) or any(c.dep_ == "agent" for c in verb.children):
        return False
    acted_on = {s.key for s in roles(claimed) if s.predicate == r.predicate and s.role == "patient"}
    return any(c.dep_ == "nsubjpass" and token_key(c) in acted_on for c in verb.children)


def names_doer(claim: str, text: str) -> bool:
    """`text` names some doer of the claim's deeds (as `done_by_others` reads them), or one they were done to
    (as `done_to_others` does)."""
    named = _deed_doers(as_declared(claim)) + _acted_on(as_declared(claim))
    return bool(named) and any(_mentions(r, sent) for r in named for sent in parse(text).sents)


def doer_untold(claim: str, windows: list[str]) -> list[str]:
    """The claim's named doer ("When did Brennock Marine open the pier?") where the quotes tell the same deed
    done to the same thing with no doer at all ("The pier, which opened in 1872, ...", "The pier was opened in
    1872") and never name the doer: the deed is there, whose it was is not."""
    claimed = as_declared(claim)
    found = roles(claimed)
    out = []
    named = {token_key(t) for t in claimed if t.pos_ == "PROPN"}
    for doer in (r for r in found if r.role == "agent" and r.predicate not in LIGHT_VERBS and r.key in named):
        things = {r.key for r in found if r.predicate == doer.predicate and r.role == "patient"}
        told = [w for w in windows if any(s.predicate == doer.predicate and s.key in things
                                          and s.role in ("patient", "undergoer") for s in roles(w, relatives=True))]
        if told and not any(doer.key in {token_key(t) for t in parse(w)} for w in windows) \
                and not any(_with_doer(w, doer.predicate) for w in told):
            out.append(next((full_name(t) for t in claimed if token_key(t) == doer.key), doer.key))
    return out


def _with_doer(text: str, predicate: str) -> bool:
    """Some use of the verb in the text has a doer: a "by" phrase, or a subject of its own that is not the thing
    it is done to ("The pier, which opened in 1872": "which" is the pier; "the charity that runs the zoo" has
    its doer)."""
    for v in parse(text):
        if v.pos_ not in ("VERB", "AUX") or lemma(v) != predicate:
            continue
        if any(c.dep_ == "agent" for c in v.children) or any(
                c.dep_ == "nsubj" and not _undergoes(c, v) for c in v.children):
            return True
    return False


def _undergoes(subj, verb) -> bool:
    """The subject of a verb used without an object, to which the deed is done ("the pier opened", "the pier,
    which opened")."""
    if any(c.dep_ == "dobj" for c in verb.children):
        return False
    said = subj.sent.as_doc()
    stands = antecedent(subj) if subj.lower_ in ("which", "that") else subj
    return stands is not None and any(r.role == "undergoer" and r.key == token_key(stands)
                                      and r.predicate == lemma(verb) for r in roles(said, relatives=True))


def done_to_others(claim: str, source: str) -> list[OtherDoer]:
    """A person or organisation the claim has a deed done to ("Why was Ana Roth suspended?") where every use of
    the verb in the source does it to another by name ("the governors suspended Adam Crane"), and none to a
    pronoun or to no one said: `done_by_others` for the one acted on."""
    claimed, stated = as_declared(claim), parse(source)
    out = []
    for r in _acted_on(claimed):
        uses = [v for v in stated if v.pos_ == "VERB" and lemma(v) == r.predicate]
        objects = [[c for c in v.children if c.dep_ in ("dobj", "nsubjpass")] for v in uses]
        if not uses or any(not found or any(c.pos_ == "PRON" for c in found) for found in objects):
            continue
        acted = [s for sent in stated.sents for s in _same_verb(r, roles(sent.as_doc(), relatives=True))]
        if not acted or any(s.key in r.names or r.key in s.names for s in acted):
            continue
        named = _names_of([s for s in acted if _rival(r, s)], stated)
        if named and not any(token_key(t) in r.names for t in named) and all(_rival(r, s) for s in acted):
            asked = next((t for t in parse(claim) if token_key(t) == r.key), None)
            out.append(OtherDoer(full_name(asked) if asked is not None else r.key, r.predicate, _fullest(named),
                                 acted_on=True))
    return out


def _acted_on(claimed) -> list[Role]:
    """The claim's named people and organisations something is done to ("Ana Roth" in "Why was Ana Roth
    suspended?"), of a verb other than saying."""
    return [r for r in roles(claimed) if r.role == "patient" and r.predicate not in LIGHT_VERBS | SAYING
            and r.kind in _WHO and any(token_key(t) == r.key and t.pos_ == "PROPN" for t in claimed)]


def _deed_doers(claimed) -> list[Role]:
    """The claim's doers whose deeds `done_by_others` reads: a person or organisation by name, or one known to
    the reader ("the agency"); not a place (news writes "Moscow" for Russia's deeds), and not of a verb of
    saying (what someone said is told by many verbs: "called on the company to ...")."""
    return [r for r in roles(claimed) if r.role == "agent" and r.predicate not in LIGHT_VERBS | SAYING
            and r.kind != "place" and (_who(r, claimed) or _doer(r, claimed))]


# Forms of address, not offices: "Mr Halvorsen" and "President Halvorsen" are one person under one title.
_HONORIFICS = {"mr", "mrs", "ms", "miss", "mx", "dr", "sir", "dame", "lord", "lady"}


def _title_words(tok, name: set[str]) -> tuple[set[str], str]:
    """The title written before a person's name ("Senator Mara Kowal" -> "Senator"; "Norlandic Finance
    Minister Tomas Lind" -> "Finance Minister"): the words compounded onto the name that are not the
    name itself (`name`, as the claim writes it), a country, or a form of address."""
    words, todo = [], [c for c in tok.children if c.dep_ == "compound" and c.i < tok.i]
    while todo:
        w = todo.pop()
        if token_key(w) and token_key(w) not in name and w.ent_type_ not in _COUNTRY and w.lower_.rstrip(".") not in _HONORIFICS:
            words.append(w)
        todo += [c for c in w.children if c.dep_ in ("compound", "amod") and c.i < w.i]
    words.sort(key=lambda w: w.i)
    return {token_key(w) for w in words}, " ".join(w.text for w in words)


def _kind_conflicts(claimed, stated) -> list[OtherKind]:
    """A thing the claim names by a noun before it ("the drone inspection") that the source names only by
    another ("the ultrasound inspection"), the claim's noun said nowhere in the source: another kind of that
    thing. Nouns only: adjectives reword too freely ("the new runway", "the second runway")."""
    said = {token_key(t) for t in stated}
    out = []
    for t in claimed:
        if t.dep_ != "compound" or t.pos_ != "NOUN" or t.head.pos_ != "NOUN" or token_key(t) in said:
            continue
        if t.text.isupper():
            continue  # an abbreviation ("TV series") may stand for the source's word ("television series")
        for o in (o for o in stated if o.pos_ == "NOUN" and lemma(o) == lemma(t.head)):
            other = next((c for c in o.children if c.dep_ == "compound" and c.pos_ == "NOUN" and not c.text.isupper()),
                         None)
            if other is not None:
                out.append(OtherKind(t.head.text, t.text, other.text))
                break
    return out + _described_otherwise(claimed, stated)


def _described_otherwise(claimed, stated) -> list[MovedComplement]:
    """A thing the claim describes by what it does ("a letter supporting the decision") that the source
    describes by another deed ("a letter demanding that ..."), the claim's verb used nowhere in the source."""
    used = {lemma(t) for t in stated if t.pos_ in ("VERB", "AUX")} | {token_key(t) for t in stated}
    out = []
    for v in claimed:
        if v.dep_ != "acl" or v.tag_ != "VBG" or v.head.pos_ != "NOUN" or lemma(v) in used or token_key(v) in used:
            continue
        for o in (o for o in stated if o.pos_ == "NOUN" and lemma(o) == lemma(v.head)):
            other = next((c for c in o.children if c.dep_ == "acl" and c.tag_ == "VBG"), None)
            if other is not None:
                out.append(MovedComplement(v.head.text, v.text, other.text))
                break
    return out


_COMPLEMENTS = {"of", "for", "on", "about", "against", "over"}


def _exchanged(claim_roles: list[Role], source_roles: list[Role], surfaces: dict[str, str]) -> list[Exchanged]:
    """Two participants the source puts in each other's places, in whatever roles: "ordered the union to pay
    the council's costs" over "ordered the council to pay the union's costs". Each place is held by
    the other one in the source, and by neither itself; common nouns count, since both are said in both."""
    places: dict[tuple[str, str], set[str]] = {}
    for s in source_roles:
        places.setdefault((s.predicate, s.role), set()).add(s.key)
    for a in claim_roles:
        for b in claim_roles:
            if a.key == b.key or (a.predicate, a.role) == (b.predicate, b.role) or a.predicate in LIGHT_VERBS:
                continue
            held_a, held_b = places.get((a.predicate, a.role), set()), places.get((b.predicate, b.role), set())
            if b.key in held_a and a.key in held_b and a.key not in held_a and b.key not in held_b:
                return [Exchanged(surfaces.get(a.key, a.key), surfaces.get(b.key, b.key), a.predicate)]
    return []


def _moved_complements(claimed, stated) -> list[MovedComplement]:
    """"the price of wheat" over "the price of barley rose as farmers sowed more wheat": the claim gives a
    noun a complement ("of ...") that the source says elsewhere, while the source gives that noun only another
    complement after the same word, sharing none of its words: a phrase moved from one part of the sentence
    to another. (A complement the source says nowhere may be a rewording.)"""
    said = {token_key(t) for t in stated if t.pos_ in ("NOUN", "PROPN")}
    out = []
    for t in claimed:
        prep = t.head
        if t.dep_ != "pobj" or t.pos_ not in ("NOUN", "PROPN") or prep.lower_ not in _COMPLEMENTS \
                or prep.head.pos_ != "NOUN" or token_key(t) not in said:
            continue
        if any(w.tag_ in ("WDT", "WP", "WP$", "WRB") for w in prep.subtree):
            continue  # "the son of which queen": the unknown asked for
        mine = _content_keys(t.subtree)
        # A complement naming a thing: not "a population of 6,960" (a measure) or "the editor of each".
        theirs = [g for o in stated if o.pos_ == "NOUN" and lemma(o) == lemma(prep.head) for c in o.children
                  if c.dep_ == "prep" and c.lower_ == prep.lower_ for g in c.children
                  if g.dep_ == "pobj" and g.pos_ in ("NOUN", "PROPN")]
        # "the end of the war" over "the conclusion of the war": the source gives it to a noun of its own;
        # "the running of the race" over "the running of the Bathurst 12 Hour": "the race" may be its name.
        reworded = any(o.dep_ == "pobj" and o.head.lower_ == prep.lower_ and o.head.head.pos_ == "NOUN"
                       and token_key(o) == token_key(t) for o in stated)
        if theirs and not reworded and not any(definite_common(x) for x in [t, *theirs]) \
                and not any(mine & _content_keys(g.subtree) for g in theirs):
            first = theirs[0]
            out.append(MovedComplement(prep.head.text, _span_text(prep), _span_text(first.head)))
    return out


_NAME_PREPS = {"in", "from", "for", "at", "to", "of", "with", "against", "by"}


def moved_names(claim: str, source: str, article: str) -> list[MovedComplement]:
    """A name the claim puts after a word and its preposition ("a gallery in Porto", "score for Pellam")
    where the source has that word and preposition with other names only ("the Rua Gallery in Braga",
    "scored 9 goals for Hollin"), the claim's name said nowhere in the source but elsewhere in its article: a
    name moved from another sentence ("cleaned in Porto"). A name the article never uses may be a rewording
    ("in Portugal"), and one the source also holds may be joined to it otherwise: both are left alone. So too a
    body a deed is given to, called by its noun ("left it to the coastguard" over "left it to the charity")."""
    claimed, stated = as_declared(claim), as_declared(source)
    said = {token_key(t) for t in stated}
    out = []
    for t in claimed:
        prep = t.head
        if t.dep_ != "pobj" or prep.lower_ not in _NAME_PREPS or not (_a_name(t) or _recipient(t)) \
                or token_key(t) in said:
            continue
        if any(w.tag_ in ("WDT", "WP", "WP$", "WRB") for w in prep.subtree):
            continue  # "in which city": the unknown asked for
        if t.ent_type_ in _COUNTRY and prep.lower_ not in ("in", "at"):
            continue  # "an agreement with Lisbon" may be one with Portugal: a capital stands for its country
        name = full_name(t)
        if not re.search(rf"\b{re.escape(name)}\b", article):
            continue
        theirs = [o for p in stated if p.lower_ == prep.lower_ and _anchors(p.head) & _anchors(prep.head)
                  for pobj in p.children if pobj.dep_ == "pobj" for o in [pobj, *pobj.conjuncts]]
        mine = {x.key for x in terms(name)}
        # (a body called by its noun against one by name may be the same: "the charity", "Oxfam")
        if theirs and all(_recipient(o) if _recipient(t) else _a_name(o) for o in theirs) \
                and not any(mine & {x.key for x in terms(full_name(o))} for o in theirs):
            first = theirs[0]
            out.append(MovedComplement(prep.head.text, f"{prep.text} {name}", f"{prep.text} {full_name(first)}"))
    return out


def other_named_doer(claim: str, source: str, article: str) -> list[OtherDoer]:
    """A doer the claim calls by a common noun ("the trust") where the source's doer of that verb is another
    common noun ("the association"), and the article names one of each ("the Hollin River Trust", "the Pellam
    Anglers' Association"): two organisations, not one described twice. Without such names ("the firm" and
    "the company") the two words may be one doer: left alone."""
    out = []
    stated = roles(as_declared(source))
    for r in roles(as_declared(claim)):
        if r.role != "agent" or r.marked != "definite" or r.kind or r.predicate in LIGHT_VERBS:
            continue
        doers = [s for s in stated if s.predicate == r.predicate and s.role == "agent"]
        if not doers or any(s.key == r.key or s.kind or s.marked != "definite" for s in doers):
            continue
        mine = _named_with_head(article, r.key)
        theirs = [n for s in doers for n in _named_with_head(article, s.key)]
        if mine and theirs and not set(mine) & set(theirs):
            mine_word, their_word = _head_word(claim, r.key), _head_word(source, doers[0].key)
            out.append(OtherDoer(f"the {mine_word}", r.predicate, f"the {their_word}"))
    return out


def _named_with_head(article: str, key: str) -> list[str]:
    """The article's names (capitalised runs of two words or more) whose last word has this key: "Hollin
    River Trust" for "trust"."""
    return [m.group(0) for m in re.finditer(r"\b(?:[A-Z][\w'\u2019-]*\s+)+([A-Z][\w-]*)\b", article)
            if [t.key for t in terms(m.group(1).lower())] == [key]]  # the key the common noun has


def _head_word(text: str, key: str) -> str:
    return next((t.text for t in parse(text) if token_key(t) == key), key)


def _a_name(tok) -> bool:
    return tok.pos_ == "PROPN" and tok.ent_type_ not in NOT_NAMES


def _recipient(tok) -> bool:
    """A body or person given something by a deed, called by its noun: "left £2 million to the animal
    charity" (not "to the town", "to 2025")."""
    return tok.pos_ == "NOUN" and tok.head.lower_ == "to" and tok.head.head.pos_ == "VERB" and is_agent(lemma(tok))


def _anchors(head) -> set[str]:
    """The word a preposition hangs on, with the verb and its object read as one ("scored 9 goals for
    Hollin": the parser may hang "for" on either)."""
    out = {lemma(head)}
    if head.pos_ == "VERB":
        out |= {lemma(c) for c in head.children if c.dep_ in ("dobj", "nsubjpass")}
    elif head.dep_ in ("dobj", "nsubjpass") and head.head.pos_ == "VERB":
        out.add(lemma(head.head))
    return out


def _content_keys(tokens) -> set[str]:
    return {k for t in tokens if t.pos_ in ("NOUN", "PROPN", "NUM", "ADJ") for k in [token_key(t)] if k}


def _span_text(tok) -> str:
    return tok.doc[tok.left_edge.i:tok.right_edge.i + 1].text


def _title_conflicts(claimed, stated) -> list[OtherTitle]:
    """A person the claim gives a title ("Senator Mara Kowal") whom the source only ever names under
    another one ("Representative Mara Kowal"), giving the claim's title to someone else ("Senator Mara
    Kessler"): no word in common, nor one the short form of the other ("Sen." for "Senator"). A source that
    names them without a title, or no one with the claim's, says nothing against it (a middle name reads
    as a title here)."""
    out = []
    for ent in claimed.ents:
        key = token_key(ent.root) if ent.label_ == "PERSON" else None
        name = {k for t in ent for k in [token_key(t)] if k}
        mine, written = _title_words(ent.root, name) if key else (set(), "")
        people = [t for t in stated if t.ent_type_ == "PERSON" and t.dep_ != "compound"] if mine else []
        theirs = [_title_words(t, name) for t in people if token_key(t) == key]
        given = any(_same_title(mine, _title_words(t, name)[0]) for t in people if token_key(t) != key)
        if given and theirs and all(t and not _same_title(mine, t) for t, _ in theirs):
            out.append(OtherTitle(ent.text, written, theirs[0][1]))
    return out


def _same_title(a: set[str], b: set[str]) -> bool:
    return any(x.startswith(y) or y.startswith(x) for x in a for y in b)


def referent_conflicts(claim: str, source: str, before: str) -> list[OtherReferent]:
    """The source's subject points back ("The poem tells of a winter voyage", "He invented ...") to a
    name the sentence before gives as its own subject ("Aldmere is an Old Norlandic poem"), and the claim gives
    that role of the same verb to another name that the source never mentions ("Feldsong tells of ...")."""
    stated = parse(source)
    subj, ante = pointing_subject(stated), named_subject(before)
    if subj is None or ante is None or not may_stand_for(subj, ante):
        return []
    sent = subj.sent
    role = "patient" if subj.dep_ == "nsubjpass" else "agent"
    # "He said the decision was painful and praised the players": he did both (the parser may hang "praised"
    # on "was", the clause he said).
    heads = [sent.root] + [c for c in sent.root.children if c.dep_ == "ccomp"]
    verbs = {lemma(sent.root)} | {lemma(c) for h in heads for c in h.children if c.dep_ == "conj"
                                   and c.pos_ == "VERB" and not any(g.dep_ in ("nsubj", "nsubjpass") for g in c.children)}
    claimed = as_declared(claim)
    named = {token_key(t): t for t in claimed if is_named(t) and token_key(t)}
    said = {token_key(t) for t in stated} | phrase_keys(ante) | _employers(ante)
    return [OtherReferent(as_written(named[r.key]), as_written(subj), as_written(ante)) for r in roles(claimed)
            if r.predicate in verbs and r.role == role and r.key in named and not r.names & said]


def _title_owners(person) -> list:
    """The owners of the titles set beside a person, after the name ("Ida Berglund, Tarrow's finance
    director": Tarrow) or before it ("Tarrow's finance director, Ida Berglund,")."""
    titles = [a for a in person.children if a.dep_ == "appos"]
    if person.dep_ == "appos" and person.head.pos_ == "NOUN":
        titles.append(person.head)
    return [p for a in titles for p in a.children if p.dep_ == "poss"]


def _employers(person) -> frozenset[str]:
    """The names a person's titles belong to (`_title_owners`, written as names): such a person speaks and
    acts for them, so "He said the firm hoped ..." may answer what Tarrow hoped."""
    return frozenset(k for p in _title_owners(person) if p.pos_ == "PROPN" for k in phrase_keys(p))


def speaks_for(speaker: str, organisation: str, article: str) -> bool:
    """The article gives the person `speaker` a title of the organisation's ("Ana Roth, the agency's chief
    executive"), so what she says or does the organisation does: the owner written by one of its names, by
    the abbreviation the article gives it in brackets ("the Tarrow Water Agency (TWA)"), or by the head noun
    of its name ("the agency")."""
    mine = {x.key for x in terms(organisation)}
    if not mine:
        return False
    doc = parse(article)
    names = [organisation]
    for m in re.finditer(r"((?:[A-Z][\w'&-]*\s+){1,6})\(([A-Z]{2,6})\)", article):
        if mine & {x.key for x in terms(m.group(2))} or mine & {x.key for x in terms(m.group(1))}:
            names += [m.group(1), m.group(2)]
    keys = {x.key for n in names for x in terms(n)}
    heads = {n.split()[-1].lower() for n in names if len(n.split()) > 1}
    said = {x.key for x in terms(speaker)}
    for ent in doc.ents:
        if ent.label_ != "PERSON" or not said & {x.key for x in terms(ent.text)}:
            continue
        for owner in _title_owners(ent.root):
            if phrase_keys(owner) & keys or owner.pos_ == "NOUN" and owner.lower_ in heads:
                return True
    return False


_MARKER = re.compile(r"\s*[(,]\s*(?:formerly|previously|originally|once)(?:\s+(?:known\s+as|called|named))?\s+", re.I)
_SEGMENT = re.compile(r"[^(),;.]{1,120}")
# "What was X formerly called?", "What was X called before?" (X is the name now); "What is X now called?",
# "What was X renamed?" (X is the old name).
_FORMERLY = r"(?:formerly|previously|originally|once)(?:\s+(?:known\s+as|called|named))?"
_ASKS_OLD = re.compile(rf"^\W*what\s+(?:was|were|is)\s+(?P<x>.{{1,120}}?)\s+(?:{_FORMERLY}|called\s+(?:before|earlier|"
                       rf"previously|originally))\W*$", re.I)
_ASKS_NEW = re.compile(r"^\W*what\s+(?:is|are|was|were)\s+(?P<x>.{1,120}?)\s+(?:(?:now|currently)\s+(?:called|named|known"
                       r"\s+as)|renamed)\b", re.I)


def _named_before(source: str):
    """(current, former) name pairs: "Coastline Power (formerly Harbour Light Authority)",
    "The Lanterns, formerly known as Daybreak,"."""
    for m in _MARKER.finditer(source):
        new = _SEGMENT.search(source[max(0, m.start() - 120):m.start()][::-1])
        old = _SEGMENT.match(source, m.end())
        if new and old and new.start() == 0:
            yield new.group()[::-1], old.group()


def _renamed(claim: str, source: str) -> list[Renamed]:
    """A question about a renaming that takes the source's former name for the current one or the reverse:
    "What was the Harbour Light Authority formerly called?" over "Coastline Power (formerly Harbour Light
    Authority)"."""
    asks = [(m, "current") for m in [_ASKS_OLD.match(claim)] if m] + [(m, "former") for m in [_ASKS_NEW.match(claim)] if m]
    if not asks:
        return []
    m, says = asks[0]
    named = [t for t in terms(m.group("x")) if t.kind == NAME]  # "the band Daybreak": the name is what counts
    x = {t.key for t in named or terms(m.group("x"))}
    for pair in _named_before(source):
        new, old = ({t.key for t in terms(part)} for part in pair)
        mine, other = (new, old) if says == "current" else (old, new)
        if x and x <= other and not x <= mine:
            return [Renamed(m.group("x").strip(), says)]
    return []


def _places(doc) -> set[str]:
    return {token_key(t) for t in doc if t.ent_type_ in _COUNTRY}


_COUNTRY = {"GPE", "NORP"}


def _other_country(stated, r: Role, others: set) -> str | None:
    """"Vesteria's finance minister said Norland and Vesteria ..." over "Norlandic Finance Minister Tomas Lind
    said ...": the source's only <predicate>s belong to another country of the claim (a country or nationality
    word before them), never to the claim's. Only another country the claim names: "French" is not matched
    to "France" by spelling, so an unnamed one proves nothing."""
    marks = [c for t in stated if lemma(t) == r.predicate
             for c in t.children if c.dep_ in ("amod", "compound", "poss") and c.ent_type_ in _COUNTRY]
    if not marks or any(_same_place(token_key(c), r.names) for c in marks):
        return None
    return next((c.text for c in marks if _same_place(token_key(c), others)), None)


# Verbs whose subject gets what their object names: "wins approval" is approved by someone else.
_RECEIVING = {"win", "receive", "get", "gain", "secure", "obtain", "earn", "land", "award", "grant", "give"}


def _received(claimed, stated, surfaces: dict) -> list[Conflict]:
    """A claim's doer of a verb whom the source has receive the verb's noun: "Hartridge approved the trial"
    over "Hartridge wins approval for the trial", "X funded it" over "X secured funding for it", "X
    granted ..." over "X won a grant": the source's subject got the act, someone else did it. (Passive
    "was awarded / granted / given" too: its subject is the one given.)"""
    out = []
    for r in roles(claimed):
        if r.role != "agent" or r.predicate in LIGHT_VERBS:
            continue
        stem = r.predicate[:-1] if r.predicate.endswith("e") else r.predicate
        for noun in (t for t in stated if t.pos_ == "NOUN" and t.lemma_.lower().startswith(stem)
                     and t.dep_ in ("dobj", "nsubjpass")):
            verb = noun.head
            if lemma(verb) not in _RECEIVING:
                continue
            passive = any(c.dep_ == "auxpass" for c in verb.children)
            getter = next((c for c in verb.children if c.dep_ == ("nsubjpass" if passive else "nsubj")), None)
            if passive and noun.dep_ == "nsubjpass":
                getter = next((c for c in verb.children if c.dep_ == "dative"), None)
            if getter is not None and r.key in {token_key(t) for t in getter.subtree}:
                out.append(Conflict(surfaces.get(r.key, r.key), r.predicate, "agent", "to"))
                break
    return out


def _other_owner(r: Role, stated) -> str | None:
    """Another name's <predicate> in a sentence of the source that names the claim's owner too: "Tamsin Reed
    vowed to reopen the baths, which Hugo Kessler's council shut" does not say Reed's council shut them.
    (A source that names only the other owner may be about another <predicate> altogether.) A person and an
    organisation are one kind here: the tagger takes "Hugo Kessler's" for an organisation."""
    for sent in stated.sents:
        if not _mentions(r, sent):
            continue
        for s in roles(sent.as_doc()):
            if s.predicate == r.predicate and s.role == "owner" and s.key != r.key and not r.names & s.names \
                    and _who(s, sent) and (s.kind == r.kind or not s.kind or r.kind in ("", *_WHO)):
                return next((full_name(t) for t in sent if token_key(t) == s.key), s.key)
    return None


def _same_place(key: str | None, names) -> bool:
    """"Vesterian" is Vesteria's: one word begins with the other."""
    return bool(key) and any(n and (key.startswith(n) or n.startswith(key)) for n in names)


def _same_participant(a: Role, b: Role) -> bool:
    """Same head word, and where both phrases say more ("Ashby Copper Mine", "Harlan Mines"),
    some of it in common. A company named after its founder is not the founder: "Hartridge" tagged an
    organisation is not "Lucien Hartridge" tagged a person."""
    if a.key != b.key:
        return False
    more_a, more_b = a.names - {a.key}, b.names - {b.key}
    if {a.kind, b.kind} == {"person", "group"} and more_a != more_b:
        return False
    return not more_a or not more_b or bool(more_a & more_b)


def _another(claimed: Role, stated: Role) -> bool:
    """The source's participant is another one than the claim's: "a similar ferry" against "the ferries"; a
    comparative ("a smaller reservoir") only against a claim that names its own ("the Harrier Hill reservoir"),
    since "a smaller study for it" may be the very study a question calls "the study for the triptych"."""
    if stated.marked in ANOTHER:
        return True
    return stated.marked not in ("", "definite") and bool(claimed.names - stated.names - {claimed.key})


_SWAPPABLE = {"patient", "to", "from", "owner", "patient_owner", "attr"}


def swapped(question: str) -> str | None:
    """The question with its doer and another named participant exchanged ("Which tankers did Vesteria send to
    Norland?" -> "Which tankers did Norland send to Vesteria?"), or None when it has no such pair. A question that
    swaps who did what to whom is the true one read backwards: a passage that answers the swapped question
    better than the question itself states the relation the other way round."""
    doc = as_declared(question)
    named = []
    for tok in doc:
        found = role_of(tok)
        if found is None or tok.dep_ in ("conj", "appos") or not is_named(tok):
            continue
        start, end = _name_span(tok)
        if any(t.tag_ in ("WDT", "WP", "WP$", "WRB") for t in doc[start:end]):
            continue  # the asked-about phrase is the unknown, not a participant
        named.append((found[0], found[1], doc[start:end].text))
    doer = next((p for p in named if p[1] == "holder" or (p[1] == "agent" and p[0] not in LIGHT_VERBS)), None)
    # The other: acted on by the doer's verb, or playing a part in a clause under it ("Why does Aldheim want
    # Velmar to get involved?"), named differently.
    other = next((p for p in named if doer and p[2] != doer[2] and (p[1] in _SWAPPABLE or p[0] != doer[0])), None)
    if other is None:
        return None
    # Exchanged in the question as written (the roles were read from its declarative form).
    spans = [[m.span() for m in re.finditer(rf"(?<!\w){re.escape(p[2])}(?!\w)", question)] for p in (doer, other)]
    if any(len(found) != 1 for found in spans):
        return None
    (a0, a1), (b0, b1) = sorted(found[0] for found in spans)
    if a1 > b0:
        return None
    return question[:a0] + question[b0:b1] + question[a1:b0] + question[a0:a1] + question[b1:]


def _name_span(tok) -> tuple[int, int]:
    """Token offsets of a participant's name: its head with the determiner, compounds and adjectives that
    run up to it ("the Norlandic Empire", "Vesterian rulers")."""
    start = tok.i
    for c in sorted(tok.lefts, key=lambda c: -c.i):
        if c.dep_ in ("det", "compound", "amod", "flat", "nmod", "nummod") and max(t.i for t in c.subtree) == start - 1:
            start = min(t.i for t in c.subtree)
    end = tok.i + 1
    while end < len(tok.doc) and tok.doc[end].head == tok and tok.doc[end].dep_ in ("flat", "compound"):
        end += 1
    return start, end


_DOERS = {"person", "place", "group"}  # kinds of name that do things (not dates or amounts)


def _doer(r: Role, claimed) -> bool:
    """A participant that does things: a name of a person, place or group, or an organisation known to the
    reader ("the county council", "the ministry"). Not one described by a job ("the producer"): a claim
    may call someone named elsewhere so ("The producer of the album also produced ...")."""
    return r.kind in _DOERS or not r.kind and (r.marked == "definite" and any(
        token_key(t) == r.key and t.pos_ == "NOUN" and is_group(t.lemma_.lower()) for t in claimed)
        or any(token_key(t) == r.key and t.pos_ == "PROPN" for t in claimed))  # a name the tagger left untyped


def _same_verb(r: Role, source_roles: list[Role]) -> list[Role]:
    """The source's participants in the claim participant's role of the same predicate."""
    return [s for s in source_roles if s.predicate == r.predicate and s.role == r.role]


def _other_doer(r: Role, stated) -> str | None:
    """Another doer of the same verb, in a sentence of the source that names the claim's doer too: the
    source then speaks of both and gives the act to the other. The other is a name of the claim doer's kind,
    or anyone when that sentence has the claim's doer do something else ("proposed by Priya Nandakumar and
    approved by the board": she proposed, the board approved). (Another sentence may be about something
    else, and "which she formed" names no one to compare.)"""
    for sent in stated.sents:
        mentions = _mentions(r, sent)
        if not mentions:
            continue
        # "Greyfield Seeds, which will sell the barley ...; the institute will keep the patent": the
        # relative clause is Greyfield Seeds' deed, so the institute keeping the patent is another doer.
        here = roles(sent.as_doc(), relatives=True) + _titled_doers(sent, r.predicate)
        if any(r.key in s.names for s in _same_verb(r, here)):
            continue  # the claim's doer does it too ("the council and a cooperative, which together argued")
        busy = any(s.role == "agent" and s.predicate != r.predicate and _same_participant(r, s) for s in here)
        for doer in [s for s in _same_verb(r, here) if (s.kind == r.kind or busy or _untyped_name(s, r, sent))
                     and s.key not in r.names]:  # "whose father Reginald bought" for "Reginald Garside bought"
            tok = next(t for t in sorted(sent, key=lambda t: not t.ent_type_)  # "Greyfield Seeds", not "seed"
                       if token_key(t) == doer.key and t.pos_ in ("NOUN", "PROPN", "NUM"))
            # "Vesterian President Agnes Okereke and Norlandic President Henrik Halvorsen" parsed as one
            # phrase headed by Halvorsen: a doer whose phrase holds the claim's is no other doer.
            # "as the visiting ministers held a meeting": an unnamed plural may be the claim's doer among others.
            plural = not doer.kind and tok.tag_ in ("NNS", "NNPS")
            if not any(m in tok.subtree for m in mentions) and not plural and not _officer_of(tok, r):
                return as_written(tok) if not doer.kind else full_name(tok)
        pronoun = _pronoun_doer(r.predicate, sent, mentions, r.names | {r.key}) \
            or _reported_doer(r.predicate, sent, mentions)
        if pronoun:
            return pronoun
    return None


def _officer_of(tok, r: Role) -> bool:
    """ "Its chief executive" or "the board's chair" doing the claim doer's deed: one who acts and speaks for
    it, not another doer; so is the name beside such a title ("Its chairman, Ivo Brandt, said"). (Reads a
    title as the doer itself, where `_title_owners` reads a person's.)"""
    titles = [tok, *(c for c in tok.children if c.dep_ == "appos")] + ([tok.head] if tok.dep_ == "appos" else [])
    # "its supplier, X" supplies it: a noun of the deed itself names whom it is done for, not an officer
    return any(c.dep_ == "poss" and (c.lower_ in ("its", "their") or token_key(c) in r.names | {r.key})
               for t in titles if not names_deed(t.lemma_.lower(), r.predicate) for c in t.children)


def _stranger_doer(r: Role, claimed, stated) -> str | None:
    """For a claim's person or organisation, a doer of the same verb (or owner of the same thing) who cannot
    be them: another name of their kind, or, for a doer, one thing brought in by "a" ("an automated survey in
    Chile had photographed the comet" for "How many times had Ekvall photographed the comet?"). Not a place (news
    writes "Moscow" for Russia), a plural ("officials" may be the claim doer's own) or "the ..." (may describe
    them)."""
    if not _who(r, claimed):
        return None
    for sent in stated.sents:
        for s in _same_verb(r, roles(sent.as_doc(), relatives=True)):
            tok = next((t for t in sent if token_key(t) == s.key and t.pos_ in ("NOUN", "PROPN")), None)
            if tok is None or s.key in r.names:
                continue
            # The tagger types some names and not others: an untyped one is anyone's kind. An owner is a person
            # or an organisation alike (it takes "Hugo Kessler's" for an organisation, "Ostmark's" for a person).
            # An organisation's deed is not a person's the quotes never name ("The dockers' union called the plan a
            # disgrace" for "What did Lena Holt call it?"); a person may speak for an organisation asked about.
            if tok.pos_ == "PROPN" and (_rival(r, s) or r.role == "owner" and s.kind in ("", *_WHO)):
                return full_name(tok)
            # "A potter from <a county> has won £40,000" may be the lede's way of introducing the
            # person asked about: only a thing or a group ("an automated survey") cannot be them.
            if r.role == "agent" and not s.kind and tok.tag_ == "NN" and any(
                    c.dep_ == "det" and c.lower_ in ("a", "an") for c in tok.children) \
                    and not (r.kind in ("person", "") and is_someone(tok.lemma_.lower())):
                return as_written(tok)
    return None


def _rival(r: Role, s: Role) -> bool:
    """`s` is a person or organisation of a kind that cannot be the claim's `r` doing the same deed: another
    name of their kind (an untyped name is anyone's), or an organisation where `r` is a person."""
    return s.kind in ("", *_WHO) and (s.kind == r.kind or "" in (s.kind, r.kind)
                                       or (r.kind, s.kind) == ("person", "group"))


def _namesake_doer(r: Role, stated) -> str | None:
    """Another of the same kind doing the deed, told apart by its name: "the district court, which had
    allowed the dredging" for "the appeals court allowed it" ("the city council" is not "the county council";
    "the harbour board" is "the Port Ellery Harbour Board")."""
    mine = r.names - {r.key}
    for s in roles(stated, relatives=True) if mine and not r.kind else []:  # names are told apart elsewhere
        theirs = s.names - {s.key}
        if s.predicate == r.predicate and s.role == "agent" and s.key == r.key and not s.kind and theirs \
                and not theirs & mine:
            return next((full_name(t) for t in stated if token_key(t) == s.key and phrase_keys(t) == s.names), s.key)
    return None


def _reported_doer(predicate: str, sent, mentions) -> str | None:
    """"Hartridge said on Thursday it would recall 60,000 heaters ...": the pronoun doing a reported deed
    is the one who reports it, a name; someone else when the claim's doer is not in that name."""
    for verb in (t for t in sent if t.pos_ == "VERB" and lemma(t) == predicate and t.dep_ == "ccomp"):
        subj, speaker = subject(verb), _reported_speaker(verb)
        if subj is not None and subj.pos_ == "PRON" and speaker is not None \
                and not any(m in speaker.subtree for m in mentions):
            return full_name(speaker)
    return None


def _reported_speaker(verb):
    """The named speaker a pronoun doing a reported deed stands for ("Luftmark said it had tested ..."), or
    None (rag.roles.reporter, names only)."""
    speaker = reporter(verb)
    return speaker if speaker is not None and speaker.pos_ == "PROPN" else None


def _untyped_name(doer: Role, r: Role, sent) -> bool:
    """A proper noun the tagger left untyped where it does the claim doer's deed: a name like theirs ("Reed
    has vowed ..." at the head of a sentence is often not typed as a person)."""
    return not doer.kind and r.kind in _WHO and _who(doer, sent)


_WHO = ("person", "group")


def _who(r: Role, doc) -> bool:
    """A person or an organisation: typed so, or a proper noun the tagger left untyped."""
    return r.kind in _WHO or not r.kind and any(token_key(t) == r.key and t.pos_ == "PROPN" for t in doc)


_PERSONAL = {"he", "she", "they"}  # not "it": "It appears as ..." is mostly a thing, and things rarely "do"


def _pronoun_doer(predicate: str, sent, mentions, names: set[str]) -> str | None:
    """A pronoun that does the verb while the claim's name is said inside that verb's own clause: "He ...
    invented a valve that was used by Maria Costa" cannot have Maria Costa for "he" (a pronoun does not
    stand for a name it governs, binding theory's principle C), so someone else invented it. A name before
    the pronoun may be what it stands for ("The trust asked Pennock ...; she has promised ...")."""
    for verb in (t for t in sent if t.pos_ == "VERB" and lemma(t) == predicate):
        subj = subject(verb)
        if subj is not None and subj.lower_ in _PERSONAL and any(
                m in verb.subtree and m.i > subj.i and not _inside_other_name(m, names) for m in mentions):
            return f"\u201c{subj.text}\u201d (someone else)"
    return None


def _inside_other_name(tok, names: set[str]) -> bool:
    """ "Pennock" in "Pennock Freight": part of a longer name than the claim's, not a mention of Pennock."""
    return tok.dep_ == "compound" and tok.head.pos_ == "PROPN" and token_key(tok.head) not in names


def _mentions(r: Role, sent) -> list:
    """Where a sentence names the claim's participant (a country also by its people's adjective, "Vesterian";
    a person or organisation by a word of their name, "Clearwater" for "Clearwater Logistics")."""
    return [t for t in sent if token_key(t) == r.key or r.kind == "place" and t.ent_type_ in _COUNTRY
            and _same_place(token_key(t), {r.key}) or r.kind in _WHO and t.pos_ == "PROPN" and token_key(t) in r.names]
