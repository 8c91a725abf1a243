"""Whether a passage gives a reason for the deed a "why" question asks about.

"Why did the bank call in the loan?" is not answered by "Administrators were appointed after the bank called
in a loan": the calling-in is there, but as the reason for something else, with none of its own. Nor "Why
didn't the cabinet put the grant to a vote?" by "... but the proposal was not put to a vote": the deed alone.
A reason is read from the parse: a word that gives one ("because", "due to", "citing", "blamed"), a clause
that explains ("after engineers found cracks", "when the firm asked for ..."), a purpose ("resigned to run for
the Senate"), a finding or argument given with the deed ("ruling that ...", "saying ..."). When a sentence has
the asked verb, a reason must be given in its sentence, and inside the verb's own clause when that clause is
the reason for another (and be more than the deed named again: "corroded due to corrosion", rag.nominals);
when none has it (the passage words it otherwise), only a word that says a reason outright will do. Who the question asks about giving their own account ("X said ...") answers "Why does X
oppose ...?" in X's words. The answer path's `reason_given` step reads the answer and its quotes so.
"""
from __future__ import annotations

import re

from .declarative import as_declared
from .kindred import kindred
from .nlp import parse
from .nominals import names_deed
from .roles import lemma, phrase_keys
from .support import token_key
from .words import SAYING

_WHY = re.compile(r"^\W*why\b", re.I)
# Words that say a reason whatever they hang on ("because", "due to", "thanks to", "blamed", "citing").
_REASON_WORDS = {"because", "cause", "reason", "blame", "cite", "due", "owing", "thanks", "amid", "result",
                 "response", "protest", "purpose", "order"}
# Conjunctions that open a clause explaining the verb it hangs on ("closed after engineers found ...",
# "broke down in September, when the firm asked ..."), and prepositions that do ("following the ruling",
# "fined for failing to ..."); not "since 2017", "as part of".
_EXPLAINING = {"after", "as", "since", "when", "so"}
_EXPLAINING_PREP = {"after", "following", "for"}
# "ruling that ...", "arguing that ...": the finding or argument given with the deed.
_GIVING = SAYING | {"rule", "argue", "cite", "find", "conclude", "accuse"}
# Verbs of telling where something was read ("as reported", "as stated"), which "as" does not make a reason.
_SOURCING = SAYING | {"report", "state", "mention", "note", "indicate", "show", "describe", "quote", "see"}
_CAUSING = {"make", "cause", "force", "lead", "prompt", "drive", "compel", "trigger", "push"}  # "made X do"
_MEANT = {"design", "aim", "intend", "mean"}  # "designed to ...": what the thing is for


def asks_reason(question: str) -> bool:
    return bool(_WHY.match(question))


def gives_reason(question: str, text: str) -> bool:
    """`text` gives a reason for the deed `question` asks why of (see the module doc)."""
    deed = _asked_deed(question)
    doc = parse(text)
    telling = [t for t in doc if t.pos_ == "VERB" and deed is not None and _tells(t, deed)]
    doer = next((t for t in as_declared(question) if t.dep_ == "nsubj" and t.pos_ in ("NOUN", "PROPN")), None)
    # "Why did X say ...?" asks the reason for a saying: X saying something else is not one; nor is X telling
    # of the deed done by another ("X said Y had declined, saying ..." for "Why did X turn down ...?")
    if deed not in SAYING and _in_own_words(question, doc) and all(_same_doer(doer, t) for t in telling):
        return True
    verbs = [t for t in telling if deed in (lemma(t), _phrasal(t))]
    if verbs:
        return any(_explained(v) for v in verbs)
    if deed is None:  # "Why is X significant?": a state, which any reason of the passage may explain
        return any(_explains(t) for t in doc)
    # The deed worded otherwise, or not there at all: only a word that says a reason or purpose outright,
    # since a clause explaining some other verb ("objected to the plans, after ...") may be of another deed;
    # or a kindred verb explained as the asked one would be ("turn down" told as "declined, saying ...").
    kin = [t for t in telling if _same_doer(doer, t)]
    return any(lemma(t) in _REASON_WORDS or _meant(t) for t in doc) or any(_explained(v) for v in kin)


def _asked_deed(question: str) -> str | None:
    """The lemma of the verb the question asks why of ("Why did X call in the loan?": call); None when it
    asks why of a state ("Why is X unhappy?")."""
    root = next(iter(as_declared(question).sents)).root
    if root.pos_ == "VERB" and lemma(root) not in _AUXILIARY:
        return _phrasal(root)
    # "the bridge was closed.": the statement's participle reads as an adjective; the question's as a verb
    verb = next((t for t in parse(question) if t.pos_ == "VERB" and lemma(t) not in _AUXILIARY), None)
    return lemma(verb) if verb is not None else None


def _tells(verb, deed: str) -> bool:
    """The verb tells the asked deed, in its words or kindred ones (rag.kindred: "declined" for "turn_down")."""
    return deed in (lemma(verb), _phrasal(verb)) or kindred(_phrasal(verb), deed)


def _same_doer(asked, verb) -> bool:
    """The verb's named doer is not another than the question's subject `asked` ("Why did the council turn down
    ...?" is not told by "Fellside had declined, saying ...")."""
    theirs = next((t for t in verb.children if t.dep_ == "nsubj" and t.pos_ in ("NOUN", "PROPN")), None)
    return asked is None or theirs is None or bool(phrase_keys(asked) & phrase_keys(theirs))


def _phrasal(verb) -> str:
    """The verb's lemma with its particle as WordNet writes a two-word verb ("turn_down")."""
    particle = next((c.lower_ for c in verb.children if c.dep_ == "prt"), None)
    return f"{lemma(verb)}_{particle}" if particle else lemma(verb)


_AUXILIARY = {"do", "be", "have"}  # "Did the firm miss ...?" may parse with "did" as its verb


def _explained(verb) -> bool:
    """A reason is given with `verb`: in its sentence ("was among the four not inspected, because it arrived
    late"), or, when the verb's clause is itself the reason for another ("appointed after the bank called in
    a loan"), inside that clause past the word that opens it."""
    if verb.dep_ in ("ccomp", "xcomp") and lemma(verb.head) in _CAUSING:
        return True  # "a fault which made the gates reject tickets": the fault is the reason
    if _explaining_another(verb):
        return any(_explains(t) and not _deed_again(t, verb) for t in verb.subtree
                   if not (t.head == verb and t.dep_ in ("mark", "advmod")))
    others = _coordinate_clauses(verb)
    return any(_explains(t) and not _deed_again(t, verb) and (lemma(t) in _REASON_WORDS or t.i not in others)
               for t in verb.sent if not (t.head == verb and t.dep_ in ("mark", "advmod")))


def _coordinate_clauses(verb) -> set[int]:
    """Token positions of the other statements beside the verb's: "found that the compressor had stopped, and
    that an alarm had not been connected after an upgrade" gives the upgrade as the alarm's story, not the
    stopping's. A clause joined to the verb's with its own subject, or a statement ("that ...") or joined
    clause beside it under a verb above; not a clause explaining a verb above ("was among the four not
    inspected, because it arrived late"). A word that says a reason outright ("and the firm blamed ...")
    counts wherever it is."""
    above = {a.i for a in verb.ancestors}
    mine = {t.i for t in verb.subtree} - {t.i for c in verb.children if c.dep_ == "conj" and any(
        g.dep_ in ("nsubj", "nsubjpass") for g in c.children) for t in c.subtree}

    def apart(t) -> bool:
        while t.i not in above and t.i not in mine and t.head.i != t.i:
            if t.pos_ in ("VERB", "AUX") and t.dep_ in ("ccomp", "conj"):
                return True
            t = t.head
        return t.i not in above and t.i not in mine

    return {t.i for t in verb.sent if apart(t)}


def _deed_again(tok, verb) -> bool:
    """A reason word whose reason is the verb's own deed named as a noun ("the fans corroded due to
    corrosion"): no reason. Not the deed of something else ("closed because of the closure of the road")."""
    if lemma(tok) not in _REASON_WORDS:
        return False
    noun = next((t for t in tok.subtree if t.dep_ == "pobj" and t.pos_ == "NOUN" and t.i > tok.i), None)
    if noun is None or not (lemma(noun) == lemma(verb) or names_deed(lemma(noun), lemma(verb))):
        return False
    doers = {token_key(t) for t in verb.children if t.dep_ in ("nsubj", "nsubjpass")}
    whose = [g for c in noun.children if c.dep_ == "poss" or c.dep_ == "prep" and c.lower_ == "of"
             for g in ([c] if c.dep_ == "poss" else c.children) if g.pos_ in ("NOUN", "PROPN")]
    return all(token_key(g) in doers for g in whose)


def _explaining_another(verb) -> bool:
    opener = any(c.dep_ in ("mark", "advmod") and (c.lower_ in _EXPLAINING or c.lower_ == "because")
                 for c in verb.children)
    return opener or verb.dep_ == "pcomp" and verb.head.lower_ in _EXPLAINING_PREP


def _explains(tok) -> bool:
    if lemma(tok) in _REASON_WORDS:
        return True
    if tok.lower_ in _EXPLAINING and (tok.dep_ == "mark" or tok.dep_ == "advmod" and tok.head.dep_ in (
            "advcl", "relcl")):
        # "as reported in source [1]", "as the article states": where it was read, not why it happened
        return not (tok.lower_ == "as" and lemma(tok.head) in _SOURCING)
    if tok.lower_ in _EXPLAINING_PREP and tok.dep_ == "prep":
        # "for failing to tell it": a deed; not "for six months", "for the council"
        return tok.lower_ != "for" or any(c.dep_ == "pcomp" and c.tag_ == "VBG" for c in tok.children)
    if tok.dep_ in ("advcl", "xcomp") and tok.pos_ == "VERB":
        # "resigned to run for the Senate", "a measure designed to increase trade" (a purpose); "...,
        # ruling that the agency had ..." (a finding)
        purpose = tok.dep_ == "advcl" and any(c.dep_ == "aux" and c.lower_ == "to" for c in tok.children)
        return purpose or _meant(tok) or tok.dep_ == "advcl" and tok.tag_ == "VBG" and lemma(tok) in _GIVING
    return False


def _meant(tok) -> bool:
    """ "a measure designed to increase trade": what a thing is for."""
    return tok.dep_ == "xcomp" and lemma(tok.head) in _MEANT and any(
        c.dep_ == "aux" and c.lower_ == "to" for c in tok.children)


def _in_own_words(question: str, doc) -> bool:
    """The one the question asks about, or the one it asks to hear it from, says something in the passage ("Why
    does Pettifer oppose the plan?" over "Pettifer said he would vote against it")."""
    asked = as_declared(question)
    subject = next((t for t in asked if t.dep_ in ("nsubj", "nsubjpass") and t.pos_ in ("NOUN", "PROPN")), None)
    # or the one it names as the source of the account ("Why, according to its spokeswoman, did X ...?")
    cited = [g for t in parse(question) if t.lower_ == "according" for p in t.children if p.lower_ == "to"
             for g in p.children if g.dep_ == "pobj"]
    if subject is None and not cited:
        return False
    keys = set().union(*(phrase_keys(t) for t in [subject, *cited] if t is not None))
    asked_words = {token_key(t) for t in asked}
    return any(t.dep_ == "nsubj" and lemma(t.head) in SAYING and phrase_keys(t) & keys
               and not _restates(t.head, asked_words) for t in doc)


def _restates(saying, asked_words: set[str]) -> bool:
    """What is said holds no word the question lacks ("The board said it had no record of the letter" for "Why
    did the board have no record of the letter?"): the asked state told again, no account of it."""
    said = {token_key(t) for c in saying.children if c.dep_ == "ccomp" for t in c.subtree
            if t.pos_ in ("NOUN", "PROPN", "VERB", "ADJ", "NUM") and lemma(t) not in _AUXILIARY}
    return bool(said) and said - {""} <= asked_words
