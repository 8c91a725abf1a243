"""How words are compared: one Unicode folding, one stopword list, and NLTK's English data (the copy
shipped inside llama-index-core, so nothing downloads).

`fold()` is the normaliser for matching words and quotes; `rag.clean` normalises the stored article
text itself more gently (NFC, no compatibility forms), because every quote must stay verbatim in it.
`stopwords()` is the list of words too common to carry a fact: NLTK's, less the negations (they flip
a fact), plus the connectives and hedges an answer adds around a fact. Lexical support (`rag.support`)
drops them from claims; keyword search drops only the part of them a question is framed with.
"""
from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from pathlib import Path

# Typographic apostrophes, quotes and dashes as typed on a keyboard: a model or an analyst writes
# "Norland's" for the article's "Norland’s".
_TYPOGRAPHY = str.maketrans({"\u2019": "'", "\u2018": "'", "\u02bc": "'", "\u2032": "'", "`": "'",
                             "\u201c": '"', "\u201d": '"', "\u2013": "-", "\u2014": "-", "\u00a0": " "})

NEGATIONS = frozenset({"not", "no", "nor", "never", "cannot"})
# Verbs that report speech: "What did X say?" is answered by any of them ("X warned", "X called on ...").
SAYING = frozenset({"say", "tell", "warn", "claim", "argue", "comment", "complain", "think", "believe", "write",
                    "predict", "insist", "suggest", "add", "announce", "reveal", "admit", "deny"})
# Verbs of beginning or ending: their "-ing" deed is done as far as they say ("finished paving", "began building")
ASPECTUAL = frozenset({"finish", "complete", "start", "begin", "stop", "continue", "resume", "keep", "cease", "quit"})
# Verbs of informing someone: the one told is their object, whichever of them a sentence uses.
INFORMING = frozenset({"tell", "inform", "notify", "warn", "alert", "advise", "brief", "remind", "apprise",
                       "update", "caution"})
# Connectives and hedges an answer adds around a fact; the NLTK list does not have them.
CONNECTIVES = frozenset({
    "also", "according", "although", "though", "however", "moreover", "furthermore", "additionally",
    "meanwhile", "overall", "despite", "since", "thus", "therefore", "hence", "yet", "still", "already",
    "instead", "including", "among", "amid", "within", "without", "upon", "across", "toward", "towards",
    "would", "could", "may", "might", "must", "shall", "us", "per", "via", "etc", "eg", "ie",
})
# The words questions are framed with ("what did ... have to do with ..."). Keyword search drops only
# these: BM25 already weighs common words down, and dropping all of stopwords() changed the keyword
# ranking of 52 of the 141 labelled questions. All are in stopwords() but "whose", which NLTK lacks.
QUESTION_FRAME = frozenset(
    "a an and are as at be by did do does for from had has have how i in is it its of on or that the "
    "their them they this to was were what when where which who whom whose why will with would".split()
)


# British spellings and their American forms ("criticised" / "criticized", "colour" / "color"): a model
# writes one where the article has the other, and WordNet's pairs mostly list the American one.
_SPELLINGS = [(re.compile(r"(?<=\w{3})is(e|es|ed|ing|ation|ations|er|ers)$"), r"iz\1"),
              (re.compile(r"(?<=\w{2})ys(e|es|ed|ing)$"), r"yz\1"),
              (re.compile(r"(?<=\w{3})our(s|ed|ing|ite|ites)?$"), r"or\1"),
              (re.compile(r"(?<=\w{2})tre(s)?$"), r"ter\1")]


@lru_cache(maxsize=65536)
def us_spelling(word: str) -> str:
    """A lower-case word in its American spelling, as far as its ending shows it."""
    for pattern, repl in _SPELLINGS:
        word = pattern.sub(repl, word)
    return word


def fold(text: str) -> str:
    """`text` in compatibility form (NFKC: ligatures, full-width letters) with keyboard punctuation."""
    return unicodedata.normalize("NFKC", text).translate(_TYPOGRAPHY)


@lru_cache(maxsize=1)
def stopwords() -> frozenset[str]:
    from nltk.corpus import stopwords as nltk_stopwords

    use_shipped_nltk_data()
    # "won" is there for "won't"; as a word ("Norland won") it is content.
    english = nltk_stopwords.words("english")
    return frozenset(w for w in english if w not in NEGATIONS and w != "won") | CONNECTIVES


def use_shipped_nltk_data() -> None:
    """Let NLTK find the stopwords and Punkt parameters that llama-index-core ships."""
    import llama_index.core
    import nltk

    cache = str(Path(llama_index.core.__file__).parent / "_static" / "nltk_cache")
    if cache not in nltk.data.path:
        nltk.data.path.append(cache)
