"""Relation-level signals of whether a claim is backed by its evidence: who did what to whom, when, and why.

Word overlap cannot tell "Iran built Russia's plant" from "Russia built Iran's plant", a date moved to
another event of the same passage, an added "not" or an unsupported "because": every word is there. So
each sentence of the claim is read against the evidence sentence that bears on it (the one holding most of
its words, numbers aside, so that a date moved from another sentence is seen as moved) and these signals
are measured, each in 0..1 with 1 = nothing against the claim:

    roles_agree       no participant has the opposite role (doer / done-to, origin / destination, owner /
                      recipient) in the evidence (rag.relations.conflicts, spaCy dependency roles), nor a
                      role the evidence gives someone else while giving it another part
    slots_agree       no role of the claim that the evidence fills only with others
    numbers_with_event  each number or date of the claim is in an evidence sentence within a few words of
                      the word it belongs to in the claim ("formed in 1985": 1985 near "form")
    people_there      the claim's people (spaCy PERSON) are named in that sentence or the one before
    names_there       the claim's other names are in that sentence or the one before
    negation_agrees   both negated or neither
    no_opposite       the evidence does not state the opposite of a word of the claim it lacks ("private"
                      for its "public": WordNet's antonyms, rag.opposites)
    cause_backed      a "because / due to / led to" of the claim has a causal link in the evidence
    hedge_kept        a "may / could / plans to" on a verb of the evidence sentence is not stated as a fact
    sentence_coverage_min  the claim's words in its best evidence sentence
    similarity        MiniLM cosine of the claim sentence and its closest evidence sentence

A claim of several sentences is supported only if every sentence is: each signal is its worst value over
the claim's sentences. The judge combines them with the word-level signals (eval/features.py) in a
logistic regression fitted by `rag eval calibrate`.
"""
from __future__ import annotations

import re
from functools import lru_cache

from rag.nlp import parse
from rag.opposites import opposed
from rag.relations import conflicts
from rag.roles import Role, roles
from rag.support import NAME, NUMBER, WORD, Evidence, terms

from .features import evidence_sentences, split_claim

RELATION_FEATURES = ["roles_agree", "slots_agree", "numbers_with_event", "people_there", "names_there", "negation_agrees",
                     "no_opposite", "cause_backed", "hedge_kept", "sentence_coverage_min", "similarity"]
_CAUSAL_CLAIM = re.compile(r"\b(because|due to|so that|led to|leads? to|leading to|caused|causes|as a result|"
                           r"resulted in|results? in|thanks to|owing to|therefore|in order to|prompted|"
                           r"in response to|since)\b", re.I)
# What counts as a causal link in the evidence: a connective, or a verb of causing.
_CAUSAL_EVIDENCE = re.compile(r"\b(because|due|so that|so as|led|leads?|leading|caus\w*|result\w*|thanks to|"
                              r"owing|therefore|thus|hence|in order|prompt\w*|response|since|consequen\w*|"
                              r"reason|aim\w*|to \w+)\b", re.I)
_HEDGE = re.compile(r"\b(may|might|could|would|potentially|possibly|likely|unlikely|expected|plans?|planned|"
                    r"planning|proposed|hopes?|intends?|reportedly|allegedly)\b", re.I)
NEAR = 6  # content words between a number and the word it belongs to, at most
_LIGHT_VERBS = {"be", "have", "do", "get", "make", "take", "become"}
_NEGATORS = {"no", "never", "none", "nothing", "nobody", "neither", "nor", "not", "n't", "cannot"}
_NOT_DENYING = {"only", "just", "merely", "simply"}


def relation_features(claim: str, evidence: str, similarity=None) -> dict[str, float]:
    """The worst value of each signal over the claim's sentences. `similarity(a, b)` is a cosine in
    0..1 (eval.similarity); without it the signal is neutral."""
    sentences = evidence_sentences(evidence)
    per = [sentence_features(c, sentences, evidence, similarity) for c in split_claim(claim)]
    per = [f for f in per if f is not None]
    if not per:
        return dict.fromkeys(RELATION_FEATURES, 1.0)
    return {name: min(f[name] for f in per) for name in RELATION_FEATURES}


def sentence_features(claim: str, sentences: list[str], evidence: str, similarity=None) -> dict[str, float] | None:
    own = _unique(terms(claim))
    if not own:
        return None
    i = best_sentence(own, sentences)
    best, window = sentences[i], " ".join(sentences[max(0, i - 1):i + 1])
    return {
        "roles_agree": 0.0 if conflicts(claim, evidence) or wrong_fillers(claim, evidence) else 1.0,
        "slots_agree": 0.0 if wrong_fillers(claim, evidence, known_only=False) else 1.0,
        "numbers_with_event": numbers_with_event(claim, sentences),
        "people_there": _people_there(claim, Evidence.of(window)),
        "names_there": _share([t for t in own if t.kind == NAME], Evidence.of(window)),
        "negation_agrees": 1.0 if negated(claim) == negated(best) else 0.0,
        "no_opposite": 0.0 if opposed(claim, evidence) else 1.0,
        "hedge_kept": 0.0 if hedged_as_fact(claim, best) else 1.0,
        "cause_backed": 0.0 if _CAUSAL_CLAIM.search(claim) and not _CAUSAL_EVIDENCE.search(evidence) else 1.0,
        "sentence_coverage_min": _share(own, Evidence.of(best)),
        "similarity": max(similarity(claim, s) for s in sentences) if similarity is not None else 1.0,
    }


def wrong_fillers(claim: str, evidence: str, known_only: bool = True) -> list[Role]:
    """Claim roles whose slot the evidence gives to someone else, while it gives the claim's participant
    another part: "directed by Hughes" where the evidence has "directed by Deutch, produced by Hughes"
    (a swapped or wrong participant). A participant the evidence gives no part is left to word coverage."""
    source = [s for s in roles(evidence) if s.predicate not in _LIGHT_VERBS]
    out = []
    for r in roles(claim):
        if r.predicate in _LIGHT_VERBS:
            continue
        here = [s for s in source if _same(r, s)]
        slot = [s for s in source if s.predicate == r.predicate and s.role == r.role]
        if slot and (here or not known_only) and not any(s.key == r.key or r.key in s.names for s in slot) and not any((s.predicate, s.role) == (r.predicate, r.role) for s in here):
            out.append(r)
    return out


def _same(a: Role, b: Role) -> bool:
    return a.key == b.key or a.key in b.names or b.key in a.names


def numbers_with_event(claim: str, sentences: list[str]) -> float:
    """Share of the claim's numbers and dates that an evidence sentence states together with the word they
    belong to in the claim ("formed in 1985": 1985 with "form"), so that a date of another event of the
    same passage does not count. A number whose word is a light verb needs only to be in some sentence."""
    wanted = [(t, _anchor(tok)) for tok in parse(claim) if tok.like_num or any(ch.isdigit() for ch in tok.text)
              for t in terms(tok.text) if t.kind == NUMBER]
    if not wanted:
        return 1.0
    evidence = [terms(s) for s in sentences]
    found = 0
    for number, anchor in wanted:
        found += any(_near(number, anchor, ev) for ev in evidence)
    return found / len(wanted)


def _near(number, anchor: list, sentence: list) -> bool:
    """The number is in the sentence, and (when it hangs on a word) that word within NEAR content words
    of it: "first aired in September 2006 and the last episode was broadcast on December 4, 2009" states
    2006 with "aired", not 2009."""
    at = [i for i, t in enumerate(sentence) if t.key == number.key]
    if not at or not anchor:
        return bool(at)
    keys = {a.key for a in anchor}
    near = Evidence(keys)
    return any(near.credit(t) > 0 or Evidence({t.key}).credit(a) > 0
               for i in at for t in sentence[max(0, i - NEAR):i + NEAR + 1] for a in anchor)


def _anchor(tok) -> list:
    """The terms of the word a number hangs on: up the parse past prepositions and other numbers."""
    head = tok.head
    for _ in range(4):
        if head.i == tok.i or head.pos_ not in ("ADP", "NUM", "PUNCT", "CCONJ") and not head.like_num:
            break
        head = head.head
    if head.i == tok.i or head.lemma_.lower() in _LIGHT_VERBS or head.pos_ == "AUX":
        return []
    return terms(head.text) + terms(head.lemma_)


def hedged_as_fact(claim: str, best: str) -> bool:
    """The evidence sentence hedges ("may lead to", "could embolden", "plans to sign") a verb the claim
    states without any hedge: an overclaim. Hedges on other verbs of the sentence do not count."""
    if _HEDGE.search(claim):
        return False
    claim_lemmas = {t.lemma_.lower() for t in parse(claim) if t.pos_ in ("VERB", "AUX", "NOUN")}
    for tok in parse(best):
        if _HEDGE.fullmatch(tok.text) and tok.head.lemma_.lower() in claim_lemmas and tok.head.i != tok.i:
            return True
    return False


def best_sentence(own: list, sentences: list[str]) -> int:
    """The evidence sentence holding most of the claim's words and names (numbers left out, so that a date
    taken from another sentence does not pull the choice there); ties go to the earlier one."""
    words = [t for t in own if t.kind != NUMBER] or own
    scores = [_share(words, Evidence.of(s)) for s in sentences]
    return max(range(len(sentences)), key=lambda k: (scores[k], -k))


def negated(text: str) -> bool:
    """A negation that denies something: "not only X but also Y" and "not merely" assert X."""
    doc = parse(text)
    return any((t.dep_ == "neg" or t.lower_ in _NEGATORS)
               and not (t.i + 1 < len(doc) and doc[t.i + 1].lower_ in _NOT_DENYING) for t in doc)


def _people_there(claim: str, window: Evidence) -> float:
    """Each person the claim names needs one of their names ("Lavrov" for "Sergei Lavrov") in the window."""
    people = [[t for t in terms(e.text) if t.kind in (NAME, WORD)] for e in parse(claim).ents if e.label_ == "PERSON"]
    people = [p for p in people if p]
    if not people:
        return 1.0
    return sum(any(window.credit(t) > 0 for t in p) for p in people) / len(people)


def _share(wanted: list, ev: Evidence) -> float:
    return sum(ev.credit(t) for t in wanted) / len(wanted) if wanted else 1.0


def _unique(found: list) -> list:
    return list({t.key: t for t in found}.values())


@lru_cache(maxsize=1)
def _embedder():
    """MiniLM (rag.embeddings), one thread: the embedding model, not the LLM."""
    from rag.embeddings import Embedder

    return Embedder(threads=1)


@lru_cache(maxsize=20_000)
def _vector(text: str):
    # One text per call: a vector never depends on what else happened to be in its batch.
    return _embedder().embed([text])[0]


def cosine(a: str, b: str) -> float:
    """Cosine of two sentences' MiniLM vectors, in 0..1."""
    return round(max(0.0, float(_vector(a) @ _vector(b))), 4)
