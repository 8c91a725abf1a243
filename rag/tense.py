"""When a sentence says a deed happens: done, still to come, only possible, refused, or asked of someone.

"Brenna Marine will build the ferries" is not "Brenna Marine built a ferry"; "threatened to join the strike",
"called for the chair to resign" and "could cost the port two lines" do not say the deed was done; "refused
to meet the union" says it was not. Read from the verb's auxiliaries and the verb it hangs on (rag.roles);
`relations.conflicts` and the answer path's `deed_not_denied` compare a claim's times with a source's.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from .agents import is_group
from .declarative import as_declared
from .nlp import entity_kind, parse
from .nominals import deed_verbs
from .referents import as_written
from .roles import LIGHT_VERBS, lemma, subject
from .support import token_key
from .words import ASPECTUAL, NEGATIONS, SAYING


@dataclass(frozen=True)
class TimeConflict:
    predicate: str
    claim_time: str  # "past" or "future"
    source_time: str

    def __str__(self) -> str:
        if self.source_time == "not":
            return f"the source says \u201c{self.predicate}\u201d was refused or failed, not done"
        if self.claim_time == "not":
            return f"the source says \u201c{self.predicate}\u201d was or will be done, not refused or left undone"
        if self.source_time == "open":
            return f"\u201c{self.predicate}\u201d happened in one; the source only says it may (or whether it will)"
        return (f"\u201c{self.predicate}\u201d is in the {self.claim_time} in one and in the {self.source_time} "
                "in the source")


@dataclass(frozen=True)
class NotYet:
    thing: str  # the claim's participant, as written there ("first report")
    predicate: str  # what the source says will or may be done to make it ("publish")

    def __str__(self) -> str:
        return f"in the source {self.thing} is still to come (to \u201c{self.predicate}\u201d), so it did nothing yet"


_FUTURE = {"will", "shall", "'ll", "wo", "would"}  # "wo" is how the parser splits "won't"
_WILL = {"will", "shall", "'ll"}  # the future itself, not a past one ("would")
_PAST_AUX = {"was", "were", "did", "had", "has", "have", "'d", "'ve"}
_OTHER_TIME = {"past": "future", "future": "past"}
_MAYBE = {"could", "might", "may"}
_WHEN = {"once", "when", "after", "until", "till", "before"}
_UNDECIDED = {"whether", "if"}  # "to decide whether to approve the deal", "if it finds harm": not said to happen
# Verbs whose "to ..." says the deed was done ("managed to join", "had to close", "went on to win", "voted to
# accept": a vote is the accepting); under any other verb it was only meant, planned or threatened
# ("threatened to join the strike").
_IMPLICATIVE = {"manage", "begin", "start", "continue", "go", "come", "get", "happen", "help", "have", "use",
                "force", "compel", "oblige", "choose", "proceed", "resume", "tend", "bother", "dare", "remember",
                "be", "seem", "appear", "prove", "turn", "vote", "opt", "elect"}
# Verbs whose "-ing" deed is only weighed, not done ("considered cancelling its registration", "discussed
# closing the centre"); not "stopped making", "admitted taking", "began building".
_WEIGHING = {"consider", "discuss", "propose", "suggest", "recommend", "contemplate", "debate", "explore",
             "envisage", "weigh", "mull", "favor", "advocate"}
# Weighing said with a verb and its preposition ("looked at closing the branch", "thought about
# selling"): the "-ing" deed is only weighed.
_LOOKED = {"at": {"look"}, "into": {"look"}, "about": {"think", "talk"}}
# Verbs whose bare infinitive happens as they do ("made the pumps fail", "saw the wall collapse"): no wish
# of the kind "demanded that the board resign".
_BARE_INFINITIVE = {"make", "let", "have", "help", "see", "hear", "watch", "feel", "notice"}
_REFUSED = {"refuse", "fail", "decline"}  # "refused to meet the union": the meeting did not happen
_REFUSED_STEMS = tuple(v.removesuffix("e") for v in _REFUSED)  # "refus" for "refused", "refusing"
# Nouns whose "to ..." is only a power, plan or threat ("has the power to order a review", "a plan to build",
# "the right to appeal"); not "decision" or "vote", whose deed is as good as done.
_ONLY_POSSIBLE = {"power", "right", "authority", "ability", "capacity", "option", "chance", "opportunity",
                  "plan", "proposal", "threat", "bid", "attempt", "offer", "intention", "aim", "hope", "promise",
                  "pledge", "call", "request", "demand", "permission", "freedom", "duty", "obligation", "licence",
                  "license", "mandate", "willingness", "readiness"}


def denied(claim: str, source: str) -> list[TimeConflict]:
    """Verbs of the claim that every use in the source says were refused or not done ("would not raise
    tolls", "refused to meet"): read against all the passages, not only the quotes picked. A source with no
    word of denial is not parsed."""
    words = {w.lower() for w in re.findall(r"[\w']+", source)}
    if not (words & NEGATIONS or any(w.endswith("n't") or w.startswith(_REFUSED_STEMS) for w in words)):
        return []
    return [t for t in time_conflicts(as_declared(claim), as_declared(source)) if t.source_time == "not"]


def withheld(question: str, source: str) -> list[TimeConflict]:
    """ "What is the cost of the deal?" over "the firm refused to disclose the cost of the deal": the thing a
    "what is the <noun>" question asks is one the source says was kept back (its verb refused or not done);
    "of ..." the source gives it must share a word with the question's."""
    out = []
    for noun in what_is(question):
        mine = _of_words(noun)
        for t in parse(source):
            if lemma(t) == lemma(noun) and t.dep_ == "dobj" and t.head.pos_ == "VERB" and _time(t.head) == "not" \
                    and (not mine or not _of_words(t) or mine & _of_words(t)):
                out.append(TimeConflict(lemma(t.head), "present", "not"))
    return out


def undone(question: str, source: str) -> list[TimeConflict]:
    """A deed a question in the past names by its noun as made ("What did the board rule on X's complaint?")
    that the source only weighs, plans or refuses ("had considered complaining ... but decided against it"):
    every use of its verb still open or not done, and the noun itself never used."""
    q, said = parse(question), parse(source)
    root = next(iter(q.sents)).root if len(q) else None
    if root is None or _time(root) != "past":
        return []
    out = []
    for noun in (t for t in q if t.pos_ == "NOUN" and t.dep_ != "compound"
                 and any(c.dep_ == "poss" or c.lower_ == "the" for c in t.children)):
        verbs = deed_verbs(lemma(noun)) - LIGHT_VERBS
        uses = [t for t in said if t.pos_ == "VERB" and lemma(t) in verbs]
        if uses and not any(lemma(t) == lemma(noun) and t.pos_ == "NOUN" and _same_owner(noun, t) for t in said) \
                and all(_time(t) in ("open", "not", "future") for t in uses):
            out.append(TimeConflict(lemma(uses[0]), "past", "open"))
    return out


def _same_owner(asked, used) -> bool:
    """A use of the noun that may be the one asked about: the question names no owner, or the use's is
    a pronoun, the same name, or "the" ("a complaint by fans" is not "X's complaint")."""
    mine = {token_key(w) for c in asked.children if c.dep_ == "poss" for w in c.subtree} - {""}
    theirs = [c for c in used.children if c.dep_ == "poss"]
    return not mine or any(c.lower_ == "the" for c in used.children) or any(
        c.pos_ == "PRON" or mine & {token_key(w) for w in c.subtree} for c in theirs)


def what_is(question: str) -> list:
    """The nouns a "what is the <noun> ..." question asks for ("What is the identity of the donor?": identity)."""
    doc = parse(question)
    root = next(iter(doc.sents)).root if len(doc) else None
    if root is None or root.lemma_ != "be" or doc[0].lower_ != "what":
        return []
    return [c for c in root.children if c.dep_ in ("nsubj", "attr") and c.pos_ == "NOUN"]


def _of_words(noun) -> set[str]:
    return {k for p in noun.children if p.dep_ == "prep" and p.lower_ == "of" for t in p.subtree
            if t.pos_ in ("NOUN", "PROPN") for k in [token_key(t)] if k}


def _time(verb) -> str | None:
    """"past" for "built", "was built", "has built", "did they build"; "future" for "will build", "would
    build"; "open" for what may or may not happen ("could cost", "whether to approve", "threatened to join");
    "not" for what was refused ("refused to meet") or denied ("has not agreed"); None for the present and for
    infinitives ("is due to build"), which name no time of their own."""
    aux = {c.lower_ for c in verb.children if c.dep_ in ("aux", "auxpass")}
    if any(c.dep_ == "neg" for c in verb.children):  # "has not agreed to a cap", "never signed"
        return "not"
    if aux & _MAYBE or any(c.dep_ == "mark" and c.lower_ in _UNDECIDED for c in verb.children):
        return "open"
    # (a question's "decline to say how much ..." may parse as a clause of purpose)
    if verb.dep_ in ("xcomp", "advcl") and "to" in aux and verb.head.pos_ == "VERB" and lemma(verb.head) in _REFUSED:
        return "not"
    if verb.dep_ == "xcomp" and "to" in aux and verb.head.pos_ == "VERB" and lemma(verb.head) not in _IMPLICATIVE:
        return "open"
    if verb.dep_ == "xcomp" and verb.tag_ == "VBG" and lemma(verb.head) in _WEIGHING:  # "considered cancelling"
        return "open"
    if verb.dep_ == "pcomp" and verb.tag_ == "VBG" and verb.head.lower_ in _LOOKED and verb.head.head.pos_ == "VERB" \
            and lemma(verb.head.head) in _LOOKED[verb.head.lower_]:  # "looked at moving", "talked about closing"
        return "open"
    if verb.dep_ == "xcomp" and verb.tag_ == "VBG" and lemma(verb.head) in ASPECTUAL:  # "finished paving"
        return _time(verb.head)
    if _for_to(verb, aux) or verb.dep_ == "acl" and "to" in aux and lemma(verb.head) in _ONLY_POSSIBLE:
        return "open"
    if _subjunctive(verb, aux):
        return "open"
    if verb.dep_ == "ccomp" and verb.tag_ == "VB" and not aux and lemma(verb.head) in _BARE_INFINITIVE:
        return _time(verb.head)
    if aux & _FUTURE:
        return "future"
    # "the pump would restart once engineers had repaired it": a time clause takes its main verb's time; not
    # a plain past under "will" ("will stay open after donors raised £9,000": the raising is done)
    if verb.dep_ == "advcl" and any(c.dep_ == "mark" and c.lower_ in _WHEN for c in verb.children) \
            and verb.head.pos_ in ("VERB", "AUX") and _time(verb.head) == "future" \
            and not (verb.tag_ == "VBD" and not aux and _WILL & {c.lower_ for c in verb.head.children}):
        return "future"
    return "past" if verb.tag_ == "VBD" or aux & _PAST_AUX else None


_NOUN_PHRASE = {"DET", "ADJ", "NOUN", "PROPN", "NUM", "PUNCT", "PART", "CCONJ", "PRON"}


def not_yet(claimed, stated) -> list[NotYet]:
    """A thing the claim has do something in the past ("What did the first report reveal?") that the source
    only says will or may be made ("expected to publish a first report within eight weeks"): each mention of
    it the one acted on of a verb still to come. Common nouns only: a name is of something that exists."""
    out = []
    for verb in (t for t in claimed if t.pos_ == "VERB" and _time(t) == "past" and lemma(t) not in LIGHT_VERBS
                 and not _modal_before(t)):
        for doer in (c for c in verb.children if c.dep_ == "nsubj" and c.pos_ == "NOUN"):
            # "the ban" is also the deed "banning" ("proposed banning late traders")
            mentions = [t for t in stated if (t.pos_ == "NOUN" or t.tag_ == "VBG") and lemma(t) == lemma(doer)]
            found = _only_to_come(mentions, verbs=False)
            if found:
                out.append(NotYet(as_written(doer), found))
    # "What was the outcome of the tenants' appeal?" over "have threatened to lodge an appeal":
    # a named owner's thing spoken about (after a preposition, not acted on: "ordered to pay the council's costs"
    # does not say the costs were paid), in a claim told in the past, is taken to have happened; the source
    # may tell it as a noun or as its verb ("the tenants would appeal if ...").
    root = next(iter(claimed.sents)).root if len(claimed) else None
    if root is not None and root.pos_ in ("VERB", "AUX") and _time(root) == "past":
        for owned in (t for t in claimed if t.pos_ == "NOUN" and _owned_and_done(t)):
            mentions = [t for t in stated if t.pos_ in ("NOUN", "VERB") and lemma(t) == lemma(owned)]
            found = _only_to_come(mentions, verbs=True)
            if found and all(o.thing != as_written(owned) for o in out):
                out.append(NotYet(as_written(owned), found))
    return out


def _owned_and_done(noun) -> bool:
    """Someone's thing the claim speaks of after a preposition (a named owner: "the outcome of the tenants'
    appeal"), or says was done ("Did the club lodge its appeal?"); not one only ordered or weighed
    ("ordered to pay the council's costs", "decided against selling their boats")."""
    owners = [c for c in noun.children if c.dep_ == "poss"]
    if noun.dep_ == "pobj":
        return any(c.pos_ in ("NOUN", "PROPN") for c in owners)
    return bool(owners) and noun.dep_ in ("dobj", "nsubjpass") and noun.head.pos_ == "VERB" \
        and _time(noun.head) == "past"


def _only_to_come(mentions: list, verbs: bool) -> str | None:
    """The verb that makes the first of these mentions, when every one is still to come or only asked for
    ("will publish a report", "threatened to lodge an appeal", "called for an inquiry", "was considering a takeover
    bid"; with `verbs`, a mention
    that is a verb with no maker is its own: "would appeal if ..."); None otherwise (or when there
    are none)."""
    if any(_done_in_own_clause(t) for t in mentions):
        return None
    makers = [_maker(t) or _deed_to_come(t) or (t if verbs and t.pos_ == "VERB" else None) for t in mentions]
    if mentions and all(m is not None and (_time(m) in ("future", "open") or m is not t and (
            _asks_for(m, t) or _weighed(m, t))) for m, t in zip(makers, mentions)):
        return lemma(makers[0])
    return None


def _done_in_own_clause(noun) -> bool:
    """A thing a clause of its own tells as under way or done ("would end the survey's work on rare owls, which
    has been running since 1994", hung by the parser on "owls"): it exists, whatever is still to come for it."""
    return any(c.dep_ in ("relcl", "acl") and c.pos_ in ("VERB", "AUX") and _time(c) == "past"
               for c in noun.subtree if c is not noun)


def _modal_before(verb) -> bool:
    """ "What could the deal set off?": a modal before the verb, wherever the parser hangs it ("set" may be read
    as a past tense), asks what may happen, not what did."""
    return any(t.tag_ == "MD" and t.i < verb.i for t in verb.sent)


def _deed_to_come(noun):
    """The verb a noun does that is still to come ("an external review would report in June"): of a thing
    that has done nothing yet, if no other mention says otherwise, nor a clause of its own ("a ferry service
    that closed in 1974 may return")."""
    verb = noun.head
    if noun.dep_ == "nsubj" and verb.pos_ == "VERB" and _time(verb) in ("future", "open") \
            and not any(c.dep_ in ("relcl", "acl") for c in noun.children):
        return verb
    return None


# "called for an inquiry", "demanded a recount": the thing is asked for, not yet made
_ASKING = {"demand", "request", "seek", "propose", "urge"}
_ASKING_FOR = {"call", "ask", "press", "push", "campaign", "appeal"}


def _maker(noun):
    """The verb a noun is made or asked for by: its verb as object ("publish a report", "proposed banning"), or
    the verb of its "for" ("called for an inquiry")."""
    if noun.dep_ in ("dobj", "nsubjpass") + (("xcomp",) if noun.tag_ == "VBG" else ()) and noun.head.pos_ == "VERB":
        return noun.head
    if noun.dep_ == "pobj" and noun.head.lower_ == "for" and noun.head.head.pos_ == "VERB":
        return noun.head.head
    return None


def _weighed(verb, noun) -> bool:
    """Only weighed: "was considering a takeover bid" (not "considered the report", which exists)."""
    return lemma(verb) in _WEIGHING and noun.dep_ == "dobj" \
        and not any(c.dep_ in ("det", "poss") and c.lower_ not in ("a", "an") for c in noun.children)


def _asks_for(verb, noun) -> bool:
    """Only asked for: not "demanded a recount, which was held on Friday"."""
    return lemma(verb) in (_ASKING_FOR if noun.dep_ == "pobj" else _ASKING) \
        and not any(c.dep_ in ("relcl", "acl") for c in noun.children)


def _for_to(verb, aux: set[str]) -> bool:
    """ "called for the chair, Bo Lind, to resign", "calls from tenants for her to step aside": a deed asked or
    arranged "for X to do", not said to be done. Read from the words, not the parse: the parser hangs such a
    "to resign" on the main verb, a noun or a name, as it happens."""
    to = next((c for c in verb.children if c.lower_ == "to" and c.i == verb.i - 1), None)
    if "to" not in aux or to is None:
        return False
    for t in reversed(verb.doc[max(verb.sent.start, to.i - 12):to.i]):
        if t.lower_ == "for":
            return t.i < to.i - 1
        if t.pos_ not in _NOUN_PHRASE:
            return False
    return False


def _subjunctive(verb, aux: set[str]) -> bool:
    """ "recommended that the scheme be approved", "said it should be approved": a clause under another verb
    with no tense of its own (or only "should") says what someone wanted done, not that it was."""
    if verb.dep_ != "ccomp" or aux - {"be", "should"} or lemma(verb.head) in _BARE_INFINITIVE:
        return False
    return verb.tag_ == "VB" or verb.tag_ == "VBN" and bool(aux)  # "be approved", "should be approved"


def time_conflicts(claimed, stated) -> list[TimeConflict]:
    """Verbs of the claim whose every use in the source is at the other time (past against future), that
    the claim says happened where the source only says they may, or that the source says were refused; or
    that the claim says were refused or not done where the source only says they were or will be."""
    out = []
    for verb in (t for t in claimed if t.pos_ == "VERB" and lemma(t) not in LIGHT_VERBS):
        mine = _time(verb)
        theirs = {_time(t) for t in _closest_uses(verb, [t for t in stated if t.pos_ == "VERB"
                                                         and _one_deed(verb, t) and not _other_subjects(verb, t)])}
        if theirs == {"not"} and mine != "not":
            out.append(TimeConflict(lemma(verb), mine or "present", "not"))
        elif mine == "not" and theirs and theirs <= {"past", "future"}:  # "Why did X refuse to pay?" / "X paid"
            out.append(TimeConflict(lemma(verb), "not", theirs.pop()))
        elif mine in _OTHER_TIME and theirs == {_OTHER_TIME[mine]}:
            out.append(TimeConflict(lemma(verb), mine, _OTHER_TIME[mine]))
        elif mine == "past" and "open" in theirs and theirs <= {"open", "future"}:
            out.append(TimeConflict(lemma(verb), mine, "open"))
        elif mine == "past" and not theirs and _only_to_come(_deed_nouns(verb, stated), verbs=False):
            out.append(TimeConflict(lemma(verb), mine, "open"))  # "appealed" over "was considering an appeal"
    return out


def _deed_nouns(verb, stated) -> list:
    """The source's nouns of the verb's deed ("an appeal" of "appeal", "the approval" of "approve")."""
    return [t for t in stated if t.pos_ == "NOUN"
            and lemma(verb) in deed_verbs(t.lemma_.lower()) | {t.lemma_.lower()}]


def _one_deed(verb, other) -> bool:
    """The same verb; or two of saying: "declined to comment" is no telling ("What did X tell the crowd?"),
    unless the same doer says something elsewhere."""
    return lemma(other) == lemma(verb) or lemma(verb) in SAYING and lemma(other) in SAYING


def _closest_uses(verb, uses: list) -> list:
    """The source's uses of the claim's verb that share the most words of what it is done to or says
    ("said it had repaired 12 pumps, but refused to say when the others would run": the claim's "said the others
    would run on Friday" is the second); all of them when none shares any."""
    mine = _said_of(verb)
    shared = [len(mine & _said_of(t)) for t in uses]
    best = max(shared, default=0)
    return [t for t, n in zip(uses, shared) if n == best] if best else uses


_NOT_SAID_OF = {"nsubj", "nsubjpass", "aux", "auxpass", "neg", "punct", "cc", "conj", "mark", "advmod"}


def _said_of(verb) -> set[str]:
    """The content words of what a verb is done to or says (not its doer)."""
    return {k for c in verb.children if c.dep_ not in _NOT_SAID_OF for t in c.subtree
            if t.pos_ in ("NOUN", "PROPN", "VERB", "NUM") for k in [token_key(t)] if k}


def _other_subjects(a, b) -> bool:
    """Two uses of a verb by plainly different doers: two names ("Pennock paid" / "Garside could pay"), or a
    person's name and a group ("the family could no longer pay"). A pronoun or a common noun may be either."""
    x, y = subject(a), subject(b)
    if x is None or y is None or x.pos_ == "PRON" or y.pos_ == "PRON":
        return False
    if x.pos_ == y.pos_ == "PROPN":
        return token_key(x) != token_key(y)
    return {_doer_kind(x), _doer_kind(y)} == {"person", "group"}


def _doer_kind(tok) -> str:
    """A name's entity kind, "group" for a noun naming one ("the family"), or ""."""
    return entity_kind(tok.ent_type_) if tok.pos_ == "PROPN" else "group" if is_group(tok.lemma_.lower()) else ""
