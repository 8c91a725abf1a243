"""Is an answer right? Scored against the dataset's reference answer, independently of the engine.

Nothing here imports rag/: the engine's own word matching (rag.support) decides what it answers and
verifies, so grading with it would let the system under test grade itself. Instead, SQuAD-style:

- normalise (SQuAD): lower case, no punctuation, no articles a/an/the, single spaces. Two changes,
  both applied to prediction and reference alike: a possessive 's is dropped ("Iran's" = "Iran") and
  punctuation, Unicode quotes and dashes included, becomes a space rather than nothing ("20-year" =
  "20 year", "Russia–Iran" stays two words);
- token F1 between the answer and the whole reference (the SQuAD metric);
- the reference's *key span*: its answer part (before the first ";", the rest is context the answer
  need not repeat; an aside in parentheses may be left out too) without stop words (spaCy's English list, less negations and number words) and
  without the words the question or the conversation already holds (echoing "Russia" and "Iran" back
  answers nothing), compared as Snowball stems. `key_containment` is the share of those words the
  answer holds; `key_names_containment` the share of those written with a capital or a digit;
- a phrase the reference puts in quotation marks ("Strategic transactionalism.") is the answer's
  wording itself: it must appear whole, in order;
- gold citation, where labelled: one of the answer's quotes overlaps a gold quote (either holds the
  other, up to case and spacing).

`correct`, for an answerable question: answered (not declined), every quoted phrase said whole, and
key_containment >= KEY_MIN and key_names_containment >= KEY_MIN (so "the port of Bandar Abbas" is not
"the port of Bushehr" for sharing "port"); where the dataset labels a `key` (a reference whose wording
is not the answer: "The premise is wrong: ... 2013, not 2015." has key "2013"), every word of the key
instead. For an unanswerable question: declined. KEY_MIN was chosen on the tune half of
eval/datasets/questions.jsonl (python -m eval.correctness_tuning); token F1 is reported but left out of
the rule: on the tune half it changed no verdict (eval/README.md).
"""
from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Iterable

from nltk.stem.snowball import SnowballStemmer
from spacy.lang.en.stop_words import STOP_WORDS as SPACY_STOP_WORDS

from .metrics import quote_found, strip_markers

KEY_MIN = 0.5

_POSSESSIVE = re.compile(r"(?<=\w)['\u2019]s\b", re.IGNORECASE)
_ARTICLES = {"a", "an", "the"}
# A stop word list from a well-kept library, less the words that can be the answer itself: "No, he
# said...", "not 2015", "the first trip", "two".
_ANSWER_WORDS = {"no", "not", "nor", "never", "none", "nothing", "nobody", "neither", "first", "third", "one", "two",
                 "three", "four", "five", "six", "eight", "nine", "ten", "eleven", "twelve", "fifteen", "twenty",
                 "forty", "fifty", "sixty", "hundred", "last", "next"}
STOP_WORDS = frozenset(SPACY_STOP_WORDS) - _ANSWER_WORDS
# Quoted phrases: straight or curly, double or single. A straight single quote is left out: it is
# also the apostrophe.
_QUOTED = re.compile(r"\u201c([^\u201d]+)\u201d|\"([^\"]+)\"|\u2018([^\u2019]+)\u2019")


def normalize(text: str) -> list[str]:
    """SQuAD normalisation as tokens (see the module docstring for the two changes)."""
    return [t.lower() for t in _words(text) if t.lower() not in _ARTICLES]


def _words(text: str) -> list[str]:
    text = _POSSESSIVE.sub("", strip_markers(text))
    return "".join(" " if unicodedata.category(ch).startswith(("P", "S")) else ch for ch in text).split()


def token_f1(prediction: str, reference: str) -> float:
    pred, ref = normalize(prediction), normalize(reference)
    if not pred or not ref:
        return float(pred == ref)
    common = sum((Counter(pred) & Counter(ref)).values())
    if common == 0:
        return 0.0
    precision, recall = common / len(pred), common / len(ref)
    return 2 * precision * recall / (precision + recall)


def answer_part(reference: str) -> str:
    """ "In the port of Bushehr; the plant became operational in 2013." -> "In the port of Bushehr" """
    return reference.split(";", 1)[0]


_ASIDE = re.compile(r"\s*\([^()]*(?:\)|$)")  # "(he retired in 1979)"; "(born 1975" cut short by the ";"


def without_asides(reference: str) -> str:
    """The answer part without its asides in parentheses: "A media commentator and businessman (he retired
    in 1979)." -> "A media commentator and businessman." An aside is context an answer may leave out, as
    after a ";"."""
    return _ASIDE.sub("", answer_part(reference)).strip()


_STEMMER = SnowballStemmer("english")


def stems(text: str) -> list[str]:
    """Normalised words as Snowball (Porter2) stems: "wants" = "want", "involved" = "involvement"."""
    return [_STEMMER.stem(t) for t in normalize(text)]


def key_tokens(reference: str, asked: str = "") -> list[str]:
    """The reference's key span as stems: its answer part's content words that `asked` (the question
    and the conversation before it) lacks. A reference that only restates the question ("Yes, Russia
    did") keeps all its content words; one of stop words only keeps all its words."""
    part = normalize(answer_part(reference))
    content = list(dict.fromkeys(_STEMMER.stem(t) for t in part if t not in STOP_WORDS))
    known = set(stems(asked))
    new = [t for t in content if t not in known]
    return new or content or list(dict.fromkeys(map(_STEMMER.stem, part)))


def key_names(reference: str) -> set[str]:
    """Stems of the names and numbers in the reference's answer part: words written with a capital
    (not at a sentence start, where any word has one) or with a digit."""
    names = set()
    for sentence in re.split(r"(?<=[.!?])\s+", answer_part(reference)):
        for i, word in enumerate(_words(sentence)):
            if any(ch.isdigit() for ch in word) or (i > 0 and word[0].isupper()):
                names.add(_STEMMER.stem(word.lower()))
    return names


def key_containment(prediction: str, reference: str, asked: str = "", key: str | None = None) -> float:
    """Share of the reference's key words (key_tokens, stemmed) that the prediction holds; with a
    labelled `key`, of the key's own words."""
    keys = key_tokens(key) if key else key_tokens(reference, asked)
    return _share(keys, set(stems(prediction)))


def key_names_containment(prediction: str, reference: str, asked: str = "") -> float:
    """Share of the key words that are names or numbers (key_names) that the prediction holds; 1.0
    when the key span has none."""
    names = key_names(reference)
    return _share([t for t in key_tokens(reference, asked) if t in names], set(stems(prediction)))


def _share(wanted: list[str], have: set[str]) -> float:
    return sum(t in have for t in wanted) / len(wanted) if wanted else 1.0


def quoted_phrases(reference: str) -> list[str]:
    return [next(g for g in m.groups() if g is not None) for m in _QUOTED.finditer(answer_part(reference))]


def phrases_held(prediction: str, reference: str) -> bool:
    """Every phrase the reference's answer part quotes appears whole, in order, in the prediction:
    half of "strategic transactionalism" ("a strategic alliance") is a different answer."""
    pred = " " + " ".join(normalize(prediction)) + " "
    return all(" " + " ".join(normalize(p)) + " " in pred for p in quoted_phrases(reference) if normalize(p))


def gold_cited(citation_quotes: Iterable[str], gold_quotes: Iterable[str]) -> bool:
    """A citation's quote overlaps a gold quote: either holds the other, up to case and spacing."""
    quotes = [q for q in citation_quotes if q]
    return any(quote_found(g, [q]) or quote_found(q, [g]) for g in gold_quotes for q in quotes)


def correctness(question: str, reference: str | None, answer_text: str, abstained: bool, answerable: bool,
                citation_quotes: Iterable[str] = (), gold_quotes: Iterable[str] = (), history: str = "",
                key: str | None = None, key_min: float = KEY_MIN, corrects_premise: bool = False) -> dict:
    """Every correctness score of one answer. `history`: the conversation's earlier turns as text;
    `key`: a labelled key phrase, all of whose words a right answer must hold; `key_min`: KEY_MIN,
    or another value to try (eval/correctness_tuning.py).

    An unanswerable question is right when declined (overlap with "The articles do not say." means
    nothing). Without a reference there is nothing to compare: `correct` is None. `correct_cited`
    also asks for the gold sentence to be cited, where one is labelled. `corrects_premise`: the question
    carries a wrong detail that the articles correct (kind false_premise); an answer that declines the
    question as asked ("The articles don't say that. What they say: ... 2013") is right when it states the
    correction, so there `correct` does not require `abstained` to be false.
    """
    if not answerable:
        return {"correct": abstained}
    if reference is None:
        return {"correct": None}
    gold = list(gold_quotes)
    out = {
        "token_f1": round(token_f1(answer_text, reference), 4),
        "key_containment": round(key_containment(answer_text, reference, f"{history}\n{question}", key), 4),
        "quoted_phrases_held": phrases_held(answer_text, reference),
    }
    if not key:
        out["key_names_containment"] = round(key_names_containment(answer_text, reference, f"{history}\n{question}"), 4)
    key_held = (out["key_containment"] == 1.0 if key
                else min(out["key_containment"], out["key_names_containment"]) >= key_min
                or _held_without_asides(answer_text, reference, f"{history}\n{question}", key_min))
    out["correct"] = (corrects_premise or not abstained) and out["quoted_phrases_held"] and key_held
    if gold:
        out["gold_cited"] = gold_cited(citation_quotes, gold)
        out["correct_cited"] = out["correct"] and out["gold_cited"]
    return out


def _held_without_asides(answer_text: str, reference: str, asked: str, key_min: float) -> bool:
    """The key held with the reference's asides left out, when that leaves a word the question lacks:
    "Mary Pierce (born 1975" for "Kim Clijsters and Mary Pierce, who is older?" without its aside names
    only who was asked about, and a wrong answer names them too."""
    bare = without_asides(reference)
    if bare == answer_part(reference).strip() or not set(key_tokens(bare)) - set(stems(asked)):
        return False
    return min(key_containment(answer_text, bare, asked), key_names_containment(answer_text, bare, asked)) >= key_min

