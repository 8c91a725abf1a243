"""Opposites: a quote that states the opposite of the question's own word does not answer it. "Which public
university is in Millbrook?" is not answered by "Alder College, a private university in Millbrook,
teaches law", nor "What began with the 1833 uprising?" by "... ended with the 1833 uprising": every
name matches, one word is turned round (rag.checks.not_the_opposite). Without a model nothing else sees it.

The pairs are WordNet 3.0's direct antonyms (rag/data/opposites.tsv: single words, with their part of
speech; WordNet's licence in rag/data/WORDNET-LICENSE), a curated lexicon rather than a list of our own.
Rebuilt from the WordNet database files (Debian's wordnet-base puts them in /usr/share/wordnet) with

    python -m rag.opposites /usr/share/wordnet > rag/data/opposites.tsv

Direct antonyms, and the verbs of more and of less (`amount_pairs`): WordNet's wider "similar to" clusters
made "kind" an opposite of "hostile".
"""
from __future__ import annotations

import sys
from collections import defaultdict
from functools import lru_cache
from pathlib import Path

from . import wordnet
from .nlp import misread_verb, parse
from .roles import lemma
from .support import token_key
from .words import stopwords, us_spelling

DATA = Path(__file__).resolve().parent / "data" / "opposites.tsv"
_POS = {"ADJ": "a", "VERB": "v", "ADV": "r", "NOUN": "n"}  # spaCy's coarse tags -> WordNet's parts of speech
_DESCRIBING = {"a", "r", "n"}


@lru_cache(maxsize=1)
def _pairs() -> dict[tuple[str, str], dict[str, int]]:
    """(word, part of speech) -> {opposite: how common the word's sense that has it is (0 = commonest)}."""
    found: dict[tuple[str, str], dict[str, int]] = defaultdict(dict)
    for line in DATA.read_text(encoding="utf-8").splitlines():
        pos, a, b, rank_a, rank_b = line.split("\t")
        a, b = us_spelling(a), us_spelling(b)  # as words are looked up: one spelling of each
        found[(a, pos)][b] = int(rank_a)
        found[(b, pos)][a] = int(rank_b)
    return dict(found)


def opposites(token) -> list[str]:
    """WordNet's opposites of a spaCy token in its part of speech, that of its commonest sense first ("raise":
    "lower", then "level", as in razing); [] for a function word."""
    pos = _pos(token)
    if pos is None or token.lower_ in stopwords():
        return []
    base = lemma(token)  # "criticised": WordNet pairs "criticize" / "praise"
    found = _pairs().get((base, pos), {})
    if not found and pos in _DESCRIBING:  # "How far east ...?" (an adverb) where WordNet pairs adjectives
        found = next((f for p in sorted(_DESCRIBING - {pos}) for f in [_pairs().get((base, p))] if f), {})
    return sorted(found, key=lambda w: (found[w], w))


def _pos(token) -> str | None:
    """WordNet's part of speech of a token: a question's verb the tagger misread as a noun is a verb
    (rag.nlp.misread_verb)."""
    if misread_verb(token):
        return "v"
    return _POS.get(token.pos_)


def opposed(question: str, quote: str) -> list[tuple[str, str]]:
    """(the question's word, the quote's opposite of it) for each content word of the question that the quote
    states the opposite of, in the same part of speech, of the same thing: where the quote lacks the word, or
    says it only of other things ("Why did Vallora's shares fall in Stockholm?" over "Hartridge's shares
    fell in Paris, while Vallora's shares rose in Stockholm": the opposite is said of more of what the
    question says it of)."""
    said = parse(quote)
    found = []
    for t, others in _unstated(question, said):
        mine = _anchors(t)
        held = max((len(mine & _anchors(o)) for o in said if lemma(o) == lemma(t)
                    or o.lower_ == t.lower_), default=0)
        # With the question's verb stated too, an opposite done by someone else is another deed ("Garside,
        # whose father Reginald bought the club, decided to sell").
        other = next((o for o in said if lemma(o) in others and _alike(_pos(o), _pos(t))
                      and len(mine & _anchors(o)) > held and not (_held_verb(t, said) and _other_doers(t, o))
                      and not _converse(t, o)), None)
        if other is not None:
            found.append((t.text, other.text))
    return found + _particles_turned(parse(question), said) + _sides_turned(parse(question), said)


def _particles_turned(q, said) -> list[tuple[str, str]]:
    """ "Why did the company switch on two lines?" over "... had switched off two lines": the question's verb
    stated only with the opposite particle (WordNet pairs on / off, up / down as adjectives and adverbs).
    The tagger may read the question's particle as a preposition ("switch on two lines"); the quote's must be
    a particle."""
    found = []
    for t in q:
        after = t.doc[t.i + 1] if t.i + 1 < len(t.doc) else None
        if t.pos_ != "VERB" or after is None or after.head.i != t.i or after.dep_ not in ("prt", "prep"):
            continue
        turned = {w for pos in _DESCRIBING for w in _pairs().get((after.lower_, pos), {})}
        said_with = {(o, c) for o in said if lemma(o) == lemma(t)
                     for c in o.children if c.dep_ == "prt"}
        if turned and not any(c.lower_ == after.lower_ for _, c in said_with):
            found += [(f"{t.text} {after.text}", f"{o.text} {c.text}") for o, c in said_with if c.lower_ in turned][:1]
    return found


_SIDES = {"for": "against", "against": "for"}  # prepositions WordNet cannot pair: "voted for" / "voted against"


def _sides_turned(q, said) -> list[tuple[str, str]]:
    """ "When did the party vote for the runway?" over "voted against it in 2019": the question's verb stated
    only with the other side's preposition."""
    found = []
    for t in (t for t in q if _pos(t) == "v"):
        side = next((c.lower_ for c in t.children if c.dep_ == "prep" and c.lower_ in _SIDES), None)
        uses = [(o, c) for o in said if o.pos_ == "VERB" and lemma(o) == lemma(t)
                for c in o.children if c.dep_ == "prep" and c.lower_ in _SIDES]
        if side and uses and all(c.lower_ == _SIDES[side] for _, c in uses):
            found.append((f"{t.text} {side}", f"{uses[0][0].text} {uses[0][1].text}"))
    return found


_WH_WORDS = {"who", "whom", "what", "which"}


def _converse(asked, said) -> bool:
    """The same deed told from the other side: "has been sold to Carla Pennock" is Pennock buying, "lost the
    semi-final to Brenford Athletic" Brenford winning it. The quote's opposite verb gives its deed *to* someone,
    who is the question's doer (or the one it asks for); "sold her company in 2019" is no buying."""
    if asked.pos_ != "VERB" or said.pos_ != "VERB":
        return False
    to = [w for g in takers(said) for w in g.subtree if w.pos_ in ("PROPN", "NOUN")]
    if not to:
        return False
    subj = next((c for c in asked.children if c.dep_ in ("nsubj", "nsubjpass")), None)
    doer = _doer_words(asked)
    asks_doer = subj is not None and (subj.lower_ in _WH_WORDS or any(c.tag_ == "WDT" for c in subj.children))
    if asks_doer:  # "Who" or "Which company": a named taker ("to Carla Pennock"; not "to the public")
        return any(w.pos_ == "PROPN" for w in to)
    return bool(doer) and doer <= {token_key(w) for w in to}


def takers(verb) -> list:
    """Whom a deed is given to: the objects of its "to" ("sold the club to Carla Pennock")."""
    return [g for c in verb.children if c.dep_ in ("prep", "dative") and c.lower_ == "to"
            for g in c.children if g.dep_ == "pobj"]


def _held_verb(t, said) -> bool:
    return t.pos_ == "VERB" and any(lemma(o) == lemma(t) for o in said)


def _other_doers(a, b) -> bool:
    """Two verbs whose subjects share no word ("Nigel Garside ... decide to sell" / "whose father Reginald
    bought"); a pronoun or a missing subject may be anyone."""
    x, y = _doer_words(a), _doer_words(b)
    return bool(x) and bool(y) and not x & y


def _doer_words(verb) -> set[str]:
    """The words of a verb's doer: its subject, its "by" for a passive one ("was sold by an auction house"; none
    without one), or the doer of the verb it hangs on ("decided to sell", "raised money to buy": who decided,
    who raised)."""
    while verb is not None:
        if any(c.dep_ in ("auxpass", "nsubjpass") for c in verb.children):
            agent = next((g for c in verb.children if c.dep_ == "agent" for g in c.children if g.dep_ == "pobj"), None)
            return _words(agent) if agent is not None else set()
        subj = next((c for c in verb.children if c.dep_ == "nsubj"), None)
        if subj is not None:
            return _words(subj)
        purpose = verb.dep_ == "advcl" and any(c.dep_ == "aux" and c.lower_ == "to" for c in verb.children)
        verb = verb.head if (verb.dep_ in ("conj", "xcomp") or purpose) and verb.head.i != verb.i else None
    return set()


def _words(phrase) -> set[str]:
    return {k for w in phrase.subtree if w.pos_ in ("NOUN", "PROPN") for k in [token_key(w)] if k}


def _alike(a: str | None, b: str | None) -> bool:
    """The same part of speech, or both describing ones: the tagger calls a direction ("east", "west") an
    adjective, an adverb or a noun by its place in the sentence, and WordNet pairs it under one of them."""
    return a == b or {a, b} <= _DESCRIBING


def _anchors(tok) -> set[str]:
    """What a word is said of: the nouns, names and numbers next to it in the parse (its head, the head of
    a compound it is in, its own dependents, the objects of its prepositions, and for "turn hostile" the
    subject). Opposite words contradict only when said of the same thing: "the old harbour" and "new
    residents" do not."""
    near = [tok.head, *tok.children] + [g for c in tok.children if c.dep_ == "prep" for g in c.children]
    # "the valve was replaced and passed an inspection": a verb joined with no subject of its own shares its
    # first verb's
    if tok.pos_ == "VERB" and tok.dep_ == "conj" and not any(c.dep_ in ("nsubj", "nsubjpass") for c in tok.children):
        near += [c for c in tok.head.children if c.dep_ in ("nsubj", "nsubjpass")]
    # "the single fare on the 12 would rise": said of the fare on the 12, which names which fare.
    near += [g for c in tok.children if c.dep_ in ("nsubj", "nsubjpass") for p in c.children if p.dep_ == "prep"
             for g in p.children if g.dep_ == "pobj"]
    # "X's index is expected to fall": said of what the verb it completes is said of (the parser may hang
    # "expected" on "index" as a describing clause)
    done = tok
    while done.dep_ == "xcomp" and done.head.pos_ == "VERB" and done.head.i != done.i:
        done = done.head
    if done is not tok:
        near += [c for c in done.children if c.dep_ in ("nsubj", "nsubjpass")]
        near += [done.head] if done.dep_ == "acl" else []
    head = tok.head
    while head.dep_ == "compound" and head.head.i != head.i:  # "public research university": university
        head = head.head
        near.append(head)
    if tok.dep_ in ("acomp", "attr", "oprd"):
        near += [c for c in tok.head.children if c.dep_ in ("nsubj", "nsubjpass")]
        if tok.head.dep_ in ("aux", "auxpass"):  # "How far upstream were fish found?": said of the finding
            found_verb = tok.head.head
            near += [c for c in found_verb.children if c.dep_ in ("nsubj", "nsubjpass")]
    # "sold her trucking company, Pennock Freight": the name beside a noun is what it is said of too.
    near += [w for n in list(near) if n.i != tok.i for a in n.children if a.dep_ == "appos" for w in a.subtree
             if w.dep_ in ("appos", "compound")]
    found = {lemma(t) for t in near if t.pos_ in ("NOUN", "PROPN", "NUM") and t.i != tok.i}
    if tok.dep_ in ("advmod", "oprd") and tok.head.pos_ == "VERB":  # "first built" / "last built": one deed
        found.add(lemma(tok.head))
    if tok.dep_ == "acomp" and tok.head.dep_ in ("aux", "auxpass") and tok.head.head.pos_ == "VERB":
        found.add(lemma(tok.head.head))
    # Whose the subject is: "Vallora's shares fell" is said of Vallora's, not Hartridge's.
    found |= {lemma(g) for c in tok.children if c.dep_ in ("nsubj", "nsubjpass") for g in c.children
              if g.dep_ == "poss" and g.pos_ in ("NOUN", "PROPN")}
    return found


def _unstated(question: str, passage) -> list[tuple[object, list[str]]]:
    """(token, its opposites) for the question's words that have opposites, and that `passage` (text or Doc)
    lacks, or for a verb, states with its opposite too. A question holding a word and its opposite ("Did
    prices rise or fall?") asks which: neither counts. The adjective of "How old / how long ..." names a
    scale to measure, not a claim ("How old is she?" over "the young heroine" is no contradiction); a phrasal
    verb means what its particle makes it ("pull out" is not the opposite of "push out")."""
    q, said = parse(question), parse(passage) if isinstance(passage, str) else passage
    asked = {lemma(t) for t in q} | {t.lower_ for t in q}
    stated = {lemma(t) for t in said} | {t.lower_ for t in said}
    found = []
    for t in q:
        if any(c.lower_ == "how" for c in t.children) or _phrasal(t):
            continue
        others = [o for o in opposites(t) if o not in asked]
        # A verb stated and its opposite too may be two deeds ("A's shares fell while B's rose"); a
        # describing word stated is taken as said ("Brookvale, public once, is now private"). Stated as
        # another part of speech is another word: "a fall in recruitment, with rising costs" states no rise.
        held = any((lemma(o) == lemma(t) or o.lower_ == t.lower_) and _alike(_pos(o), _pos(t)) for o in said)
        if held and not (t.pos_ == "VERB" and stated & set(others)):
            continue
        if others:
            found.append((t, others))
    return found


def _phrasal(tok) -> bool:
    """A verb with its particle ("pull out", "give up"): spaCy tags the particle a particle or, before "of",
    a preposition attached to the verb."""
    after = tok.doc[tok.i + 1] if tok.i + 1 < len(tok.doc) else None
    return tok.pos_ == "VERB" and after is not None and after.head.i == tok.i and (
        after.dep_ == "prt" or (after.dep_ == "prep" and any(c.dep_ == "prep" for c in after.children)))


def wordnet_pairs(root: Path) -> list[tuple[str, str, str, int, int]]:
    """WordNet's direct antonym pairs of single words, (part of speech, word a, word b, rank of a's sense,
    rank of b's), from its database files (wndb format): in each synset line of data.<pos>, a pointer "!"
    from word s to word t of another synset; a sense's rank is its place in the word's line of index.<pos>,
    which lists senses commonest first."""
    pairs: dict[tuple[str, str, str], tuple[int, int]] = {}
    for pos, tag in [("adj", "a"), ("verb", "v"), ("adv", "r"), ("noun", "n")]:
        senses, synsets = wordnet.senses(root, pos), wordnet.synsets(root, pos)
        for offset, (words, pointers) in synsets.items():
            for symbol, other, _, source_target in pointers:
                s, t = int(source_target[:2], 16), int(source_target[2:], 16)
                if symbol != "!" or not (s and t):
                    continue
                a, b = words[s - 1], synsets[other][0][t - 1]
                if "_" in a + b or a == b:  # "say_farewell" is never one token of a question
                    continue
                ranks = (senses[a].index(offset), senses[b].index(other))
                key, ranks = ((tag, a, b), ranks) if a < b else ((tag, b, a), ranks[::-1])
                best = pairs.get(key, ranks)
                pairs[key] = (min(best[0], ranks[0]), min(best[1], ranks[1]))
    return sorted((*k, *v) for k, v in pairs.items())


def amount_pairs(root: Path) -> list[tuple[str, str, str, int, int]]:
    """Verbs of more against verbs of less: WordNet pairs "increase" with "decrease" but not the verbs news
    uses for them ("raised its rate" / "cut its rate"). For each antonym pair of a sense of "increase" and
    one of "decrease", the single-word verbs one of whose two commonest senses is that sense or a kind of
    it (a direct hyponym), paired across. Wider (every antonym, or deeper kinds) pairs "bicycle" with "hike"."""
    senses, synsets = wordnet.senses(root, "verb"), wordnet.synsets(root, "verb")
    poles = {o: {p[1] for p in synsets[o][1] if p[0] == "!"} for w in ("increase", "decrease") for o in senses[w]}
    members: dict[str, dict[str, int]] = defaultdict(dict)  # pole sense -> {verb: rank of its sense}
    for verb, offsets in senses.items():
        for rank, o in enumerate(offsets[:2]):
            for pole in [o] + [p[1] for p in synsets[o][1] if p[0] == "@"]:
                if pole in poles and "_" not in verb:
                    members[pole].setdefault(verb, rank)
    pairs: dict[tuple[str, str, str], tuple[int, int]] = {}
    for a_pole, others in poles.items():
        for b_pole in others & poles.keys():
            for a, ra in members[a_pole].items():
                for b, rb in members[b_pole].items():
                    if a < b:
                        pairs[("v", a, b)] = min(pairs.get(("v", a, b), (ra, rb)), (ra, rb))
    return sorted((*k, *v) for k, v in pairs.items())


if __name__ == "__main__":
    root = Path(sys.argv[1]) if len(sys.argv) > 1 else wordnet.DEFAULT_ROOT
    rows = {r[:3]: r for r in amount_pairs(root)}
    rows.update({r[:3]: r for r in wordnet_pairs(root)})  # a direct antonym's own ranks first
    for row in sorted(rows.values()):
        print("\t".join(map(str, row)))
