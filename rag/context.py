"""Context selection: the few source sentences worth showing the model, numbered [1]..[n].

Prompt length is latency on a CPU (~60 prompt tokens/s), so instead of pasting whole chunks we rank
the sentences of the retrieved chunks against the question and keep the best handful. Each becomes a
`Source` whose offsets point into the full article text, so quotes can be verified later.
"""
from __future__ import annotations

import re

import numpy as np

from .schema import Hit, Source
from .sentences import sentence_spans
from .support import content_tokens, rarity

MIN_WORDS = 6  # a shorter "sentence" (a heading, a caption) is merged with the one after it
# The question's own words found in the sentence (names, numbers the embedding blurs), each weighted by
# its rarity among the candidates: "Norland" and "Vesteria" are in nearly every sentence of an article on
# the two and say nothing, "bloc" or "tariff" say a lot. On the labelled questions rarity weighting at 0.5 puts the
# answering sentence among the 6 shown for 90 % instead of 86 % (plain overlap at 0.3).
TERM_WEIGHT = 0.5
RANK_PRIOR = 0.3  # bonus for a sentence of the best-ranked chunk; RANK_PRIOR / (1 + rank) below it
# Past the best few, a sentence scoring this far below the best one is shown no more: it costs prompt
# time (~0.4 s of first token per sentence) and is a distractor. On the labelled questions a gap of 0.6
# drops 8 % of the context text and no answering sentence (0.5 would drop two).
KEEP_AT_LEAST, MAX_GAP = 3, 0.6
QUESTION_PENALTY = 0.5
HEADING_PENALTY = 0.2
_WORD = re.compile(r"\w+")


def candidate_spans(hits: list[Hit], articles: dict[str, str]) -> list[tuple[Hit, int, int]]:
    """Sentence windows (article offsets) inside the retrieved chunks, deduplicated across overlaps."""
    seen: set[tuple[str, int]] = set()
    out = []
    for h in hits:
        text = articles[h.doc_id]
        spans = [(h.start + a, h.start + b) for a, b in sentence_spans(h.text)]
        i = 0
        while i < len(spans):
            a, b = spans[i]
            # Short pieces are headings or fragments: attach the next sentence so the window says something.
            while len(_WORD.findall(text[a:b])) < MIN_WORDS and i + 1 < len(spans):
                i += 1
                b = spans[i][1]
            if (h.doc_id, a) not in seen:
                seen.add((h.doc_id, a))
                out.append((h, a, b))
            i += 1
    return out


def select_sources(question_vec: np.ndarray, question_terms: set[str], hits: list[Hit],
                   articles: dict[str, str], embed, n: int = 6) -> list[Source]:
    """The `n` best sentence windows for the question, as numbered Sources (best first)."""
    cands = candidate_spans(hits, articles)
    if not cands:
        return []
    texts = [articles[h.doc_id][a:b] for h, a, b in cands]
    sims = embed(texts) @ question_vec
    rank = {id(h): r for r, h in enumerate(hits)}
    words = [set(content_tokens(t)) for t in texts]
    rarity = term_rarity(question_terms, words)
    scores = [sentence_score(float(s), w, rarity, rank[id(h)], t)
              for s, t, w, (h, _, _) in zip(sims, texts, words, cands)]
    order = sorted(range(len(cands)), key=lambda i: -scores[i])[:n]
    order = [i for rank_, i in enumerate(order) if rank_ < KEEP_AT_LEAST or scores[i] >= scores[order[0]] - MAX_GAP]
    sources = []
    for n_, i in enumerate(order, start=1):
        h, a, b = cands[i]
        sources.append(Source(n=n_, doc_id=h.doc_id, title=h.title, source=h.source, start=a, end=b,
                              text=texts[i], score=round(scores[i], 4)))
    return sources


def sentence_score(cosine: float, words: set[str], rarity: dict[str, float], chunk_rank: int, text: str) -> float:
    """How likely a sentence window answers the question.

    Its own cosine and rarity-weighted overlap with the question's terms (`words`: the sentence's
    content tokens; `rarity`: term_rarity of the question's terms), plus the rank hybrid retrieval
    gave its chunk: the chunk was matched with its neighbouring sentences and by BM25 too, which one
    sentence's embedding misses
    (on the labelled questions this lifts the gold sentence into the top 3 for 80 % instead of 70 %).
    A question in the article ("Who gains from the merger?") echoes the user's words without
    answering them, and a heading or caption (no final punctuation) rarely answers either.
    """
    score = cosine + TERM_WEIGHT * term_overlap(rarity, words) + RANK_PRIOR / (1 + chunk_rank)
    ending = text.rstrip(" \"'\u201d\u2019)")
    if ending.endswith("?"):
        score -= QUESTION_PENALTY
    elif not ending.endswith((".", "!")):
        score -= HEADING_PENALTY
    return score


def term_rarity(terms: set[str], candidates: list[set[str]]) -> dict[str, float]:
    """Smoothed inverse document frequency of each question term among the candidate sentences."""
    return {t: rarity(len(candidates), sum(t in words for words in candidates)) for t in terms}


def term_overlap(rarity: dict[str, float], words: set[str]) -> float:
    """Rarity-weighted share of the question's terms that occur among a sentence's words (0..1)."""
    total = sum(rarity.values())
    return sum(w for t, w in rarity.items() if t in words) / total if total else 0.0
