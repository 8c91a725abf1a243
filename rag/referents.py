"""What a pointing word stands for: "He", "It", "Its", "The company's", "The satellite" at the start of a quote
point back to a name the sentence before gives. A reader who sees a quote alone (the model re-reading it, the
premise checks) reads it with that name written in: "The work (The Tidewater Triptych) was restored in
Glasgow". "The governor" in a question stands for the one person the article calls so. Also how a participant
is written out ("Ashby River", "the Saga of Orm") and what counts as a name.
"""
from __future__ import annotations

import re
from functools import lru_cache

from .agents import is_group, is_someone
from .nlp import parse
from .nominals import is_deed
from .sentences import split_sentences
from .support import token_key

DEFINITE = {"the", "this", "these", "that", "those"}
DEMONSTRATIVE = DEFINITE - {"the"}
_REFERRING = {"he", "she", "it", "they"}
_OWNERS = {"its", "their", "his", "her"}
_OBJECTS = {"it", "them"}  # not "him" / "her": a person pronoun may stand for anyone the article named before
_PLURAL = {"NNS", "NNPS"}


def with_referent(source: str, before: str, earlier: str = "") -> str:
    """The source with the name its pointing-back subject stands for written after it ("The work (The
    Tidewater Triptych) was restored in Glasgow"), for a reader who sees the sentence alone. Given the
    article `earlier` than the quote, a "the <noun>" it holds is written with the one name that text gives
    such a thing (`with_names`)."""
    doc = parse(source)
    named = _with_fuller(source, doc, before, names_only=True)
    if named != source:  # "The reserve, which covers ..." after "... to the Kelso Deer Reserve": that one
        return named
    subj, ante = pointing_subject(doc) or _pointing_owner(doc) or _pointing_object(doc), named_subject(before)
    if subj is not None and ante is None and subj.lower_ in _REFERRING | _OWNERS | _OBJECTS:
        ante = _definite_subject(before)  # "It will cost 41 million": "The bridge, ..., will carry cars"
    if subj is not None and ante is not None and subj.lower_ in ("he", "she"):
        ante = _the_person(ante)
    if subj is None or ante is None or not may_stand_for(subj, ante) or not _agrees(subj, ante):
        fuller = _with_fuller(source, doc, before)
        return with_names(fuller, earlier) if fuller == source and earlier else fuller
    after = subj.doc[subj.i + 1] if subj.i + 1 < len(subj.doc) and subj.doc[subj.i + 1].tag_ == "POS" else subj
    end = after.idx + len(after.text)  # past an owner's "'s"
    # "Its chair" after "The trust denies it": the trust the article named before
    written = (named_earlier(ante.lemma_.lower(), earlier) if earlier and definite_common(ante) else None) \
        or as_written(ante)
    return f"{source[:end]} ({written}){source[end:]}"


def with_names(source: str, earlier: str) -> str:
    """The source with each "the <noun>" in it that the article `earlier` gives exactly one name for written
    with that name after it: "The charity's (Daleside Transport) chair, Ivo Reese, said ..." after "Daleside
    Transport, a charity founded in 2009, ..." paragraphs before. News names a
    thing once and then calls it "the charity", "the trust", "the council"; a reader of the quote alone
    (the model re-reading it) cannot tell which."""
    doc, out, last = parse(source), [], 0
    for t in doc:
        nxt = doc[t.i + 1] if t.i + 1 < len(doc) else None
        if not definite_common(t) or source.rfind("(", 0, t.idx) > source.rfind(")", 0, t.idx) \
                or nxt is not None and nxt.text == "(":
            continue
        name = named_earlier(t.lemma_.lower(), earlier)
        if name is None or name.lower() in source.lower():
            continue
        end = nxt.idx + len(nxt.text) if nxt is not None and nxt.tag_ == "POS" else t.idx + len(t.text)
        out.append(f"{source[last:end]} ({name})")
        last = end
    return "".join(out) + source[last:]


@lru_cache(maxsize=1024)
def named_earlier(lemma: str, earlier: str) -> str | None:
    """The one name `earlier` gives a thing it calls <lemma>: a name built on that noun ("the Corvale Arts
    Trust" for "trust"), or a name the noun stands beside or describes ("Daleside Transport, a charity", "its
    contractor, Brenner Civil", "Marra Holdings is a charity"). None when it gives none or
    several."""
    stem = re.compile(rf"\b{re.escape(lemma[:-1])}", re.I)  # "charity" and "charities"
    names: dict[str, str] = {}
    for sentence in split_sentences(earlier):
        if not stem.search(sentence):
            continue  # parse only the sentences that may hold it
        for t in parse(sentence):
            named = _named_as(t, lemma)
            if named is not None:
                name = _name_of(named)
                names[name.lower()] = name
    return next(iter(names.values())) if len(names) == 1 else None


def _named_as(t, lemma: str):
    """The name token `t` makes a <lemma>, if it does."""
    if t.lemma_.lower() != lemma:
        return None
    if t.pos_ == "PROPN":
        return t if t.dep_ not in ("compound", "flat") else None
    if t.pos_ != "NOUN":
        return None
    if t.dep_ == "appos" and t.head.pos_ == "PROPN":
        return t.head
    if t.dep_ == "attr":  # "Marra Holdings is a charity"
        return next((c for c in t.head.children if c.dep_ == "nsubj" and c.pos_ == "PROPN"), None)
    return next((c for c in t.children if c.dep_ == "appos" and c.pos_ == "PROPN"), None)


def _name_of(tok) -> str:
    """A name as its entity span writes it, without a leading "the" ("Corvale Arts Trust"), else with the
    words of its name before it."""
    span = next((e for e in tok.doc.ents if e.root == tok), None)
    text = span.text if span is not None else full_name(tok)
    return text[4:] if text.lower().startswith("the ") else text


def _with_fuller(source: str, doc, before: str, names_only: bool = False) -> str:
    """ "The foundation's president, Peter Onwuka, said ..." after "... a grant from the Pellow Foundation":
    a subject (or its owner) "the/those <noun>" written after it as the sentence before writes that noun
    in full, with a name or an "of/on" phrase ("Those talks (talks on their own contract) are due ...");
    with `names_only`, a name built on the noun only ("the Pellow Foundation")."""
    sent = next(iter(doc.sents), None)
    subj = root_subject(sent) if sent else None
    owner = next((c for c in subj.children if c.dep_ == "poss"), None) if subj is not None else None
    pointing = next((t for t in (subj, owner) if t is not None and definite_common(t)), None)
    if pointing is None or not before.strip():
        return source
    last = list(parse(before).sents)[-1]
    fuller = [t for t in last if t.lemma_.lower() == pointing.lemma_.lower() and t.pos_ in ("NOUN", "PROPN")
              and (t.pos_ == "PROPN" or not names_only and any(
                  c.dep_ == "prep" and c.lower_ in ("of", "on") or c.dep_ == "appos" and c.pos_ == "PROPN"
                  for c in t.children))]
    if len(fuller) != 1:
        return source
    tok = fuller[0]
    # "its newest weather satellite, Zephra-2": the name beside the noun is the fuller way to write it.
    named = next((c for c in tok.children if c.dep_ == "appos" and c.pos_ == "PROPN"), None)
    written = full_name(named) if named is not None else \
        tok.doc[tok.left_edge.i:tok.right_edge.i + 1].text if tok.pos_ == "NOUN" else as_written(tok)
    after = pointing.doc[pointing.i + 1] if pointing is owner and pointing.i + 1 < len(pointing.doc) else pointing
    end = after.idx + len(after.text)  # past an owner's "'s"
    return f"{source[:end]} ({written}){source[end:]}"


def may_stand_for(subj, ante) -> bool:
    """"He", "it", "the work" may stand for the subject before; "this <noun>" mostly sums up what the
    sentence before says ("This naval cooperation has intensified" after "Norland supplied
    ..."), so only for a subject that sentence calls that noun ("This poem" after "Aldmere is a poem")."""
    demonstrative = any(c.dep_ == "det" and c.lower_ in DEMONSTRATIVE for c in subj.children)
    return not demonstrative or subj.lemma_.lower() in {t.lemma_.lower() for t in ante.sent}


def root_subject(sent):
    """The subject of a sentence's main verb, if it has one."""
    return next((t for t in sent.root.children if t.dep_ in ("nsubj", "nsubjpass")), None)


def pointing_subject(doc):
    """The first sentence's subject when it points back: "he/she/it/they" or "the <noun>" with no name."""
    sent = next(iter(doc.sents), None)
    subj = root_subject(sent) if sent else None
    return subj if subj is not None and (subj.lower_ in _REFERRING or definite_common(subj)) else None


def points_to_a_deed(text: str) -> bool:
    """The text's subject is "the <noun of a deed>" and nothing more ("The announcement was made on Monday",
    "The move angered traders"): it stands for what the sentence before told, which a reader of the quote
    alone (the model re-reading it) does not see. "The announcement of the fund" says its own."""
    subj = pointing_subject(parse(text))
    # "the" only: "This military cooperation has intensified, with <what it is>" sums up and goes on to say
    # what; read with the sentence before it, the small model rated a right answer lower (shipped tune half).
    return subj is not None and subj.pos_ == "NOUN" and is_deed(subj.lemma_.lower()) \
        and all(c.dep_ == "amod" or c.dep_ == "det" and c.lower_ == "the" for c in subj.children)


def _the_person(ante):
    """Whom "he" or "she" after a sentence with subject `ante` stands for: a person, not "The council" of "The
    council must decide again, and its leader, <a name>, said ...", where the one person that sentence
    names is meant; "Its chief executive, <a name>, said" is that name. None when no one person fits."""
    if ante.ent_type_ == "PERSON":
        return ante
    named = next((c for c in ante.children if c.dep_ == "appos" and c.ent_type_ == "PERSON"), None)
    if named is not None:
        return named
    if ante.pos_ == "NOUN" and is_someone(ante.lemma_.lower()):
        return ante  # "The minister said ... He added"
    people = {e.text: e.root for e in ante.sent.ents if e.label_ == "PERSON"}
    return next(iter(people.values())) if len(people) == 1 else None


def _agrees(owner, ante) -> bool:
    """An owner pronoun agrees in number with what it stands for: "its" a thing, "their" several ("Their
    collaboration" after "The convergence of Iranian and Russian interests" is Iran's and Russia's), "his"
    and "her" a person."""
    if owner.lower_ not in _OWNERS | _OBJECTS:
        return True
    if owner.lower_ in ("its", "it"):
        return (ante.tag_ not in _PLURAL or _named_group(ante)) and ante.ent_type_ != "PERSON"
    if owner.lower_ in ("their", "them"):
        return ante.tag_ in _PLURAL
    return ante.ent_type_ == "PERSON"


def _named_group(tok) -> bool:
    """A plural word heading one group's name: "Friends of the 12", "the campaign group Friends of Route 9"
    (a capital inside the sentence, or a group noun before it), which "its" stands for."""
    return (tok.text[:1].isupper() and tok.i > tok.sent.start) or any(
        c.dep_ == "compound" and is_group(c.lemma_.lower()) for c in tok.children)


def _pointing_object(doc):
    """"Them" in "The minister first asked for them in 2019", "their" in "to advise on their care": a pronoun
    past the subject that points back (the model, reading the quote alone, cannot tell what was asked for).
    Not one its own sentence's subject may stand for ("With its growing influence, Norland can ...")."""
    sent = next(iter(doc.sents), None)
    subj = root_subject(sent) if sent else None
    found = next((t for t in sent if t.lower_ in _OBJECTS | {"its", "their"}
                  and t.dep_ in ("dobj", "pobj", "dative", "poss")), None) if sent else None
    return found if found is not None and (subj is None or not _agrees(found, subj)) else None


def _pointing_owner(doc):
    """"Its" in "Its chair, Morag Flett, said ...", "The firm's" in "The firm's profits rose": the subject's
    owner, pointing back."""
    sent = next(iter(doc.sents), None)
    subj = root_subject(sent) if sent else None
    return next((c for c in subj.children if c.dep_ == "poss" and (c.lower_ in _OWNERS or definite_common(c))),
                None) if subj else None


def _last_subject(text: str):
    """The subject of the last sentence of `text`, if it has one."""
    prev = list(parse(text).sents)[-1:] if text.strip() else []
    return root_subject(prev[0]) if prev else None


def named_subject(text: str):
    """The named subject of the last sentence of `text` ("Aldmere is an Old Norlandic poem"), if any."""
    ante = _last_subject(text)
    return ante if ante is not None and is_named(ante) and token_key(ante) is not None else None


def _definite_subject(text: str):
    """The last sentence's subject when it is "the <noun>" ("The bridge ... will carry cars"): what a
    following "it" or "he" most likely stands for."""
    ante = _last_subject(text)
    if ante is None or ante.pos_ != "NOUN":
        return None
    own = [c for c in ante.children if c.dep_ in ("det", "compound", "amod")]  # not "designed by <name>"
    definite = any(c.dep_ == "det" and c.lower_ in DEFINITE for c in own) or any(
        c.dep_ == "poss" and c.pos_ != "PRON" for c in ante.children)  # "The island's community council"
    return ante if definite and not any(c.pos_ == "PROPN" for c in own) else None


def definite_common(tok) -> bool:
    """"the poem", "this company": a common noun that points back, with no name of its own (a name in a clause
    describing it is another's: "The paper, founded by <a name>, ...")."""
    if tok.pos_ != "NOUN" or not any(c.dep_ == "det" and c.lower_ in DEFINITE for c in tok.children):
        return False
    described = {t.i for c in tok.children if c.dep_ in ("acl", "relcl") for t in c.subtree}
    return not any(t.pos_ == "PROPN" and t.i not in described for t in tok.subtree)


def as_written(tok) -> str:
    """A participant as written, from its first word to its head and an "of" name after it ("Torvald's Lay",
    "the Saga of Orm", "Friends of the 12", "The poem")."""
    end = tok.i + 1
    of = next((c for c in tok.rights if c.dep_ == "prep" and c.lower_ == "of"), None)
    if of is not None and any(g.pos_ == "PROPN" or g.pos_ == "NUM" and tok.text[:1].isupper() for g in of.children):
        end = of.right_edge.i + 1
    return tok.doc[tok.left_edge.i if tok.left_edge.i < tok.i else tok.i:end].text


def full_name(tok) -> str:
    """A participant as written, with the words of its name before it ("Ashby River", not "River")."""
    start = tok.i
    # "Harrier Hill reservoir": "Harrier" is a compound of "Hill", "Hill" of "reservoir".
    while start > 0 and tok.doc[start - 1].dep_ in ("compound", "flat") and start <= tok.doc[start - 1].head.i <= tok.i:
        start -= 1
    return tok.doc[start:tok.i + 1].text


def is_named(tok) -> bool:
    """A name ("Aldheim", "the Citadel") or a people's group ("Vesterian rulers"); not a thing that merely has a
    name in front of it ("a Coastal League veto"). A capitalised noun inside the sentence is a name the tagger
    read as a common noun ("Harlow Events, the firm that ...")."""
    return tok.pos_ == "PROPN" or bool(tok.ent_type_) or any(
        c.dep_ == "amod" and c.ent_type_ in ("NORP", "GPE") for c in tok.children) or (
        tok.pos_ == "NOUN" and tok.is_title and tok.i > tok.sent.start)


def with_title_holder(question: str, article: str) -> str:
    """The question with a person it names only by a job ("What did the governor say?") named as the one
    person the article gives that title ("Governor Vera Lenski"), so that who did what is read as for a name.
    Unchanged when the article gives it to none or to several."""
    doc = parse(question)
    for tok in doc:
        if not definite_common(tok) or not is_someone(tok.lemma_.lower()) \
                or any(c.dep_ in ("poss", "prep") for c in tok.children):
            continue
        title = {k for t in [tok, *_title_part(tok)] for k in [token_key(t)] if k}
        titled = [x for x in split_sentences(article) if tok.lower_ in x.lower()]  # parse only these
        holders = {token_key(p): full_name(p) for x in titled for p in parse(x) if p.pos_ == "PROPN"
                   and p.ent_type_ in ("PERSON", "") and p.dep_ not in ("compound", "flat")
                   and any(title <= h for h in _titles(p))}
        if len(holders) == 1:
            start = tok.left_edge.i
            return f"{doc[:start].text_with_ws}{next(iter(holders.values()))}{doc[tok.i:].text_with_ws[len(tok.text):]}"
    return question


def _title_part(tok) -> list:
    """The words before a title noun that say which ("finance" of "the finance minister")."""
    return [c for c in tok.children if c.dep_ in ("compound", "amod") and c.i < tok.i]


def _titles(person) -> list[set[str]]:
    """The title keys written before a person's name as a title, capitalised ("Finance Minister Bohdan
    Zelenka": the words up to the last one naming a person's role): an office. Descriptions ("the Spanish
    rider Javier Solano", "the opposition leader, Beatrix Lowther") are left out: "the rider" of a later sentence
    may be another rider."""
    words = sorted((c for c in person.subtree if c.i < person.i and c.dep_ == "compound"), key=lambda t: t.i)
    roles = [i for i, w in enumerate(words) if is_someone(w.lower_)]
    title = words[:roles[-1] + 1] if roles else []
    if not title or not all(w.text.istitle() for w in title):
        return []
    return [{k for w in title for k in [token_key(w)] if k}]


def calls_by_head(text: str, name, any_noun: bool = False) -> bool:
    """`text` calls the name (a parsed span) by the group noun it is built on: "the bank" for "the Bank of
    Valdoria", as news writes it after the first mention; with `any_noun`, by any noun ("the reserve" for
    "the Kelso Deer Reserve"), for a text the name is written beside."""
    head = name.root
    return head.pos_ == "PROPN" and head.text.istitle() and (any_noun or is_group(head.lower_)) \
        and re.search(rf"\bthe {re.escape(head.lower_)}\b", text.lower()) is not None
