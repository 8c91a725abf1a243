"""Citation alignment: tie every answer sentence to the source sentences that actually support it.

The model's [n] markers and quotes are hints, never trusted. Each answer sentence is scored against
every sentence of every numbered source (`rag.support`); the best one (or the best two together) is
cited, as an exact span of the full article text. A marker the evidence does not back is replaced, a
missing one added, and a sentence nothing backs is marked unsupported and cites nothing. Right before
returning, every citation is checked once more: `articles[doc_id][start:end] == quote`.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from itertools import combinations
from typing import Callable

from .injection import is_instruction_to_assistant
from .question import DATE, DURATIONS, NUMBER_, analyse, asked_part
from .schema import Citation, Sentence, Source
from .sentences import sentence_spans
from .support import NAME, NUMBER, Evidence, Term, coverage, rarity, score_terms, terms, unbacked
from .words import fold

# Calibrated on 61 hand-labelled claim/quote pairs from the corpus (tests/test_support.py): plain
# paraphrases all score >= 0.71; claims with a wrong number, name or negation score <= 0.43, and
# on-topic claims adding unbacked facts <= 0.56. 0.6 sits in that gap. Paraphrases through synonyms
# land around 0.55-0.65 (one of three passes); with MiniLM cosine as `similarity` all three pass and
# still none of the unsupported ones does.
SUPPORT_THRESHOLD = 0.6
CITED_SLACK = 0.15  # keep the model's own [n] if it supports nearly as well as the best source
PAIR_POOL = 6  # when no single quote supports a sentence, pairs of these best few are tried

Similarity = Callable[[str, str], float]

_NUMS = r"\d{1,3}(?:\s*(?:,|;|&|and|-|\u2013)\s*\d{1,3})*"  # "[2013]" is a year, not a marker
_BRACKET = rf"\[\^?\s*(?:sources?\s*:?\s*)?({_NUMS})\s*\]"
_FULLWIDTH = rf"\u3010\s*(?:sources?\s*:?\s*)?({_NUMS})(?:\u2020[^\u3011]*)?\s*\u3011"
_PAREN = rf"\(\s*(?:see\s+)?sources?\s*:?\s*({_NUMS})\s*\)"
_LABEL = rf"\bsources?\s+({_NUMS})\s*:"
_MARKER = re.compile("|".join((_BRACKET, _FULLWIDTH, _PAREN, _LABEL)), re.IGNORECASE)
# Markers that may trail a sentence and so belong to the one before them ("2013. [1] Next").
_TRAILING = re.compile(rf"^(?:\s*(?:{_BRACKET}|{_FULLWIDTH}|{_PAREN}))+", re.IGNORECASE)
_ENUMERATOR = re.compile(r"^(?:\(?\d{1,2}[.)]|[-*\u2022])$")  # "1." split off a numbered list
_BULLET = re.compile(r"^(?:[-*\u2022]|\d{1,2}[.)])\s")
# An opening mark cannot sit inside its own quote: "«a«a«a…" is scanned once, not once per mark.
_MODEL_QUOTE = re.compile(r"\"([^\"\n]+)\"|\u201c([^\u201c\u201d\n]+)\u201d|\u00ab([^\u00ab\u00bb\n]+)\u00bb")
_ELLIPSIS = re.compile(r"\.\.\.|\u2026")
_FINAL_PUNCT = re.compile(r"[.!?\u2026]+$")
MAX_RANGE = 20  # "[1-3]" expands; a "range" wider than this is not a marker list


@dataclass(frozen=True)
class _Quote:
    """One candidate quote: a sentence of a source passage, as a span of the full article."""

    source: Source
    start: int
    end: int
    text: str
    evidence: Evidence
    context: Evidence  # the passage and article title: where "both nations" gets its names


@dataclass
class _Choice:
    quotes: list[_Quote]
    score: float


def parse_markers(sentence: str) -> tuple[str, list[int]]:
    """The sentence without its citation markers, and the cited numbers in order, deduplicated."""
    cited: list[int] = []

    def take(m: re.Match) -> str:
        nums = next(g for g in m.groups() if g is not None)
        for n in _expand(nums):
            if n not in cited:
                cited.append(n)
        return " "

    clean = _MARKER.sub(take, sentence)
    clean = re.sub(r"[ \t]+([.,;:!?])", r"\1", clean)
    clean = re.sub(r"[ \t]{2,}", " ", clean).strip()
    return clean, cited


def split_answer(answer: str) -> list[str]:
    """The answer's sentences, each keeping the markers written after its final period."""
    pieces: list[str] = []
    prefix = ""
    prev_end = 0
    for a, b in sentence_spans(answer):
        piece = prefix + answer[a:b]
        prefix = ""
        lead = _TRAILING.match(piece)
        if lead and pieces and ("\n" not in answer[prev_end:a] or not parse_markers(piece)[0]):
            pieces[-1] += " " + lead.group().strip()
            piece = piece[lead.end():].strip()
        prev_end = b
        if _ENUMERATOR.match(piece):
            prefix = piece + " "  # "1." belongs to the list item after it
        elif parse_markers(piece)[0]:
            pieces.append(piece)
    return pieces


def align_answer(answer: str, sources: list[Source], articles: dict[str, str], *,
                 threshold: float = SUPPORT_THRESHOLD,
                 similarity: Similarity | None = None) -> tuple[list[Sentence], list[Citation]]:
    """Align every answer sentence to the source sentence(s) that support it; repair its markers.

    Returns the sentences (clean text, the [n] they now cite, verdict) and the deduplicated citations.
    `similarity(claim, quote)` in 0..1, if given, is mixed into the lexical score; it is called once
    per answer sentence and candidate quote, so it should cache its embeddings.
    """
    quotes = _candidate_quotes(sources, articles)
    numbers = {s.n for s in sources}
    aligned = []
    for raw in split_answer(answer):
        text, cited = parse_markers(raw)
        cited = [n for n in cited if n in numbers]  # out-of-range markers are dropped
        choice = _align_sentence(text, cited, quotes, sources, articles, threshold, similarity)
        supported = choice.score >= threshold and bool(choice.quotes)
        own = unbacked(text, Evidence(set().union(*(q.evidence.keys for q in choice.quotes)))) if supported else []
        sentence = Sentence(text=text, supported=supported, support=round(choice.score, 4), own_words=own)
        aligned.append((sentence, [_citation(q) for q in choice.quotes] if supported else []))
    return _checked(aligned, articles)


def render_answer(sentences: list[Sentence]) -> str:
    """The answer rebuilt with its repaired markers, placed before the final punctuation: "It rose [1]." """
    out = ""
    for s in sentences:
        text = s.text
        if s.citations:
            marks = "".join(f"[{n}]" for n in s.citations)
            end = _FINAL_PUNCT.search(text)
            text = f"{text[:end.start()]} {marks}{end.group()}" if end else f"{text} {marks}"
        if out:
            out += "\n" if _BULLET.match(s.text) else " "
        out += text
    return out


def extractive_answer(question: str, sources: list[Source], articles: dict[str, str], max_sentences: int = 2,
                      min_relevance: float | None = None, hint: str | None = None
                      ) -> tuple[str, list[Sentence], list[Citation]]:
    """An answer made only of verbatim source sentences: the ones that best answer the question.

    Returns ("", [], []) when no source sentence covers `min_relevance` of the question's words
    (default EXTRACTIVE_MIN_RELEVANCE; the caller abstains). A caller that already knows the passage
    answers (the model said so) passes 0 to quote its best sentence whatever the wording. `hint` is a
    reply the model wrote but the sources did not back: its own words ("dangerous escalation") still
    point at the sentence it read, so among the sentences relevant to the question they weigh in.
    """
    floor = EXTRACTIVE_MIN_RELEVANCE if min_relevance is None else min_relevance
    picked = _answering_quotes(asked_part(question), _candidate_quotes(sources, articles), articles,
                               max_sentences, floor, hint)
    # Each sentence is its own quote, so it is fully supported by it.
    sentences, citations = _checked([(Sentence(text=q.text, supported=True, support=1.0), [_citation(q)])
                                     for q in picked], articles)
    return render_answer(sentences), sentences, citations


# --- one sentence -------------------------------------------------------------------------------

def _align_sentence(text: str, cited: list[int], quotes: list[_Quote], sources: list[Source],
                    articles: dict[str, str], threshold: float, similarity: Similarity | None) -> _Choice:
    claim = terms(text)
    if not claim or not quotes:
        return _Choice([], 0.0)
    fabricated, verified = _model_quotes(text, sources, articles)
    if fabricated:
        return _Choice([], 0.0)
    # A quote the model copied correctly points at the sentence it came from.
    pool = [q for q in quotes if _contains(q.text, verified)] if verified else quotes
    pool = pool or quotes
    scored = sorted(((_score(claim, text, q, similarity), q) for q in pool), key=_rank, reverse=True)
    best = _Choice([scored[0][1]], scored[0][0])

    # The model's own marker stands if its source backs the sentence about as well as the best one.
    kept = []
    for n in cited:
        own = next(((s, q) for s, q in scored if q.source.n == n), None)
        if own and own[0] >= threshold and own[0] >= best.score - CITED_SLACK:
            kept.append(own)
    if kept:
        return _Choice([q for _, q in kept], max(s for s, _ in kept))

    if best.score < threshold:  # two quotes may together back what neither does alone
        pair = _best_pair(claim, scored[:PAIR_POOL])
        if pair and pair.score >= threshold:
            return pair
    return best


def _score(claim: list[Term], text: str, q: _Quote, similarity: Similarity | None) -> float:
    sim = similarity(text, q.text) if similarity is not None else None
    return score_terms(claim, q.evidence, similarity=sim, context=q.context)


def _rank(item: tuple[float, _Quote]) -> tuple:
    """Best score first; on a tie the tighter quote (fewer other words), then the higher-ranked source."""
    score, q = item
    return round(score, 6), -len(q.evidence.keys), -q.source.n


def _best_pair(claim: list[Term], scored: list[tuple[float, _Quote]]) -> _Choice | None:
    """The two quotes that together back the claim best (on words alone, like each one's share)."""
    alone = {id(q): score_terms(claim, q.evidence, context=q.context) for _, q in scored}
    best: _Choice | None = None
    for (_, q1), (_, q2) in combinations(scored, 2):
        if alone[id(q1)] <= 0 or alone[id(q2)] <= 0:
            continue  # a quote sharing nothing with the claim adds nothing
        score = score_terms(claim, q1.evidence | q2.evidence, context=q1.context | q2.context)
        # Each quote must add something the other lacks, or the pair is one quote plus padding.
        if score > max(alone[id(q1)], alone[id(q2)]) and (best is None or score > best.score):
            best = _Choice(sorted((q1, q2), key=lambda q: (q.source.n, q.start)), score)
    return best


# --- the model's own quotation marks ---------------------------------------------------------------

def _model_quotes(text: str, sources: list[Source], articles: dict[str, str]) -> tuple[bool, list[str]]:
    """(fabricated, verified): what the sentence puts in quotation marks, checked against the articles.

    A quote of two or more content words must be in a source article (whitespace, case and
    typographic quotes aside), or the sentence is fabricated; a one-word quote is scare quotes.
    """
    found = [next(g for g in m.groups() if g is not None) for m in _MODEL_QUOTE.finditer(text)]
    if not found:
        return False, []
    haystacks = [_loose_article(articles[d]) for d in _unique(s.doc_id for s in sources) if d in articles]
    verified = []
    for quote in found:
        parts = [_loose(p).strip(" .,;:!?'\"") for p in _ELLIPSIS.split(quote)]
        parts = [p for p in parts if p]
        if parts and any(all(p in h for p in parts) for h in haystacks):
            verified.extend(parts)
        elif len(terms(quote)) >= 2:
            return True, []
    return False, verified


def _contains(quote_text: str, parts: list[str]) -> bool:
    loose = _loose(quote_text)
    return any(p in loose for p in parts)


def _loose(text: str) -> str:
    return " ".join(fold(text).casefold().split())


_loose_article = lru_cache(maxsize=64)(_loose)  # articles are long and the same for every sentence


# --- extractive answers ----------------------------------------------------------------------------

EXTRACTIVE_MIN_RELEVANCE = 0.3  # rarity-weighted share of the question a sentence must cover
ANSWER_BONUS = 0.25  # the sentence holds what the question asks for (a year for "when", a name for "who")
SOURCE_WEIGHT = 0.2  # retrieval's opinion of the passage, as a tie-breaker between equally relevant ones
SECOND_SENTENCE_RATIO = 0.8  # a second sentence must score this close to the first
# How much the words of an unbacked model reply lift the sentence that holds them (0.5, 1 and 2 picked
# the same sentences when measured; docs/decisions.md).
HINT_WEIGHT = 1.0
_DURATION = re.compile(DURATIONS, re.IGNORECASE)


def _answering_quotes(question: str, quotes: list[_Quote], articles: dict[str, str],
                      max_sentences: int, min_relevance: float, hint: str | None = None) -> list[_Quote]:
    q_terms = terms(question[:1].lower() + question[1:])  # a question's first word is not a name
    rarity = _rarity(q_terms, quotes)
    asked = {t.key for t in q_terms}
    # The reply's own words, not the question's it repeats: those are what the model took from a source.
    h_terms = [t for t in terms(parse_markers(hint)[0]) if t.key not in asked] if hint else []
    h_rarity = _rarity(h_terms, quotes)
    top_source = max((q.source.score for q in quotes), default=0.0)
    scored = []
    for q in quotes:
        # Words the question shares with every candidate ("Norland", "Vesteria") say little, so terms
        # count by rarity. A name the sentence leaves implicit ("both nations") gets half credit if
        # its article has it. A name found nowhere costs no more than its weight: questions carry
        # wrong names on purpose (a false premise the quote corrects) and whether to answer at all
        # is the caller's decision, from retrieval scores.
        relevance = coverage(q_terms, q.evidence, weights=rarity,
                             context=_article_facts(articles[q.source.doc_id]))
        if relevance >= min_relevance:
            echo = coverage(h_terms, q.evidence, weights=h_rarity) if h_terms else 0.0
            scored.append((relevance * _answer_shape(question, q_terms, q, top_source) * (1 + HINT_WEIGHT * echo), q))
    scored.sort(key=lambda item: (-item[0], item[1].source.n, item[1].start))
    picked: list[_Quote] = []
    for score, q in scored:
        if len(picked) >= max_sentences or (picked and score < SECOND_SENTENCE_RATIO * scored[0][0]):
            break
        if all(_adds_something(q, p) for p in picked):
            picked.append(q)
    return picked


def _rarity(q_terms: list[Term], quotes: list[_Quote]) -> dict[str, float]:
    """support.rarity of each question term among the candidate sentences. A sentence has a term if it
    earns credit for it, prefix matches included ("Vesterian" for "Vesteria"), as alignment scores it;
    context.term_rarity counts exact content tokens, as context selection scores them."""
    return {t.key: rarity(len(quotes), sum(q.evidence.credit(t) > 0 for q in quotes)) for t in q_terms}


def _answer_shape(question: str, q_terms: list[Term], q: _Quote, top_source: float) -> float:
    """A multiplier: up when the sentence holds what is asked, down for headings and questions."""
    asked = {t.key for t in q_terms}
    new = [t for t in terms(q.text) if t.key not in asked]
    wanted = analyse(question)
    if wanted.wants in (NUMBER_, DATE):
        answers = any(t.kind == NUMBER for t in new) or bool(
            wanted.asks_duration and any(_DURATION.fullmatch(t.surface) for t in new))
    elif wanted.wants is not None:
        answers = any(t.kind == NAME for t in new)
    else:
        answers = len({t.key for t in new}) >= 2  # not just the question's words echoed back
    retrieval = max(q.source.score, 0.0) / top_source if top_source > 0 else 1.0
    shape = (1 + ANSWER_BONUS * answers) * (1 - SOURCE_WEIGHT + SOURCE_WEIGHT * retrieval)
    ending = q.text.rstrip(" \"'\u201d\u2019)")
    if ending.endswith("?"):
        shape *= 0.5  # a question in the article is not an answer to one
    elif not ending.endswith((".", "!")):
        shape *= 0.8  # no final punctuation: a heading or caption
    return shape


@lru_cache(maxsize=64)
def _article_facts(article: str) -> Evidence:
    """The names and numbers of a whole article."""
    return Evidence({t.key for t in terms(article) if t.kind in (NAME, NUMBER)})


def _adds_something(q: _Quote, other: _Quote) -> bool:
    """q is not the same span as, or a near-copy of, the sentence already picked."""
    if q.source.doc_id == other.source.doc_id and q.start < other.end and other.start < q.end:
        return False
    return len(q.evidence.keys - other.evidence.keys) >= max(2, len(q.evidence.keys) // 2)


# --- candidates, citations and the final check ----------------------------------------------------

def _candidate_quotes(sources: list[Source], articles: dict[str, str]) -> list[_Quote]:
    """Every sentence of every source passage, located in its full article (bar injected orders)."""
    out = []
    for s in sources:
        article = articles.get(s.doc_id)
        if article is None or not s.text:
            continue
        base = s.start if article[s.start:s.end] == s.text else article.find(s.text)
        if base < 0:
            continue  # the passage is not in the article we hold: nothing quotable from it
        # An order to the assistant inside an article is never quotable: it would "support" an obeying answer.
        spans = [(base + a, base + b) for a, b in sentence_spans(s.text)
                 if not is_instruction_to_assistant(s.text[a:b])]
        evidence = [Evidence.of(article[a:b]) for a, b in spans]
        context = Evidence(set(Evidence.of(s.title).keys).union(*(e.keys for e in evidence)))
        out.extend(_Quote(s, a, b, article[a:b], e, context) for (a, b), e in zip(spans, evidence))
    return out


def _citation(q: _Quote) -> Citation:
    s = q.source
    return Citation(n=s.n, doc_id=s.doc_id, title=s.title, source=s.source, quote=q.text, start=q.start,
                    end=q.end)


def _checked(aligned: list[tuple[Sentence, list[Citation]]],
             articles: dict[str, str]) -> tuple[list[Sentence], list[Citation]]:
    """The last gate before anything leaves: a citation whose quote is not exactly the article text at
    its offsets is dropped, and with it the support it gave. The rest are listed once each."""
    sentences: list[Sentence] = []
    citations: list[Citation] = []
    seen: set[tuple[int, int, int]] = set()
    for sentence, cits in aligned:
        exact = [c for c in cits if c.quote and articles.get(c.doc_id, "")[c.start:c.end] == c.quote]
        sentence.citations = _unique(c.n for c in exact)
        sentence.supported = sentence.supported and bool(exact)
        sentences.append(sentence)
        for c in exact:
            if (c.n, c.start, c.end) not in seen:
                seen.add((c.n, c.start, c.end))
                citations.append(c)
    return sentences, citations


def _expand(nums: str) -> list[int]:
    """"1, 2" -> [1, 2]; "1-3" -> [1, 2, 3] (a wider "range" keeps only its two ends)."""
    out: list[int] = []
    for part in re.split(r"\s*(?:,|;|&|and)\s*", nums):
        ends = [int(x) for x in re.split(r"\s*[-\u2013]\s*", part)]
        if len(ends) == 2 and 0 <= ends[1] - ends[0] <= MAX_RANGE:
            out.extend(range(ends[0], ends[1] + 1))
        else:
            out.extend(ends)
    return out


def _unique(items) -> list:
    return list(dict.fromkeys(items))
