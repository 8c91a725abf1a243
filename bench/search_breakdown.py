"""Where a hybrid search's time goes, per embedding backend: question encoding, dense (Chroma), keyword
(SQLite FTS5), and fusion with the rest (reciprocal-rank fusion, reading the chunks' texts, llama-index's
retrieve()). Rows of `make bench`'s synthetic section, over the 100k-chunk index.

    python -m bench.search_breakdown          # builds the synthetic 100k-chunk index first (~80 s)

Each stage is timed inside the same search call (the retriever's own embedder, vector and keyword calls
are wrapped), so the stages add up to the whole. Every search encodes its question afresh, as a user's new
question does (the query cache is emptied). Backends alternate question by question, the order swapping
each time, so a load change on a shared machine hits both alike.
"""
from __future__ import annotations

import json
import os
import shutil
import time
from collections import defaultdict
from contextlib import contextmanager

from bench.embedding import embedders
from bench.measure import QUESTIONS, pct_ms
from bench.synthetic_news import synthetic_index
from rag.embeddings import QUERY_CACHE_SIZE, Embedder, VectorCache
from rag.engine import Engine
from rag.retrieve import HybridRetriever, to_hit
from rag.settings import get_settings

STAGES = ("encode question", "dense (Chroma)", "keyword (FTS5)", "fusion and the rest")


@contextmanager
def timing(obj, method: str, spent: dict[str, float], stage: str):
    """Add the time of every obj.method call to spent[stage] while inside the block."""
    fn = getattr(obj, method)

    def timed(*args, **kwargs):
        t = time.perf_counter()
        try:
            return fn(*args, **kwargs)
        finally:
            spent[stage] += time.perf_counter() - t

    setattr(obj, method, timed)  # an instance attribute shadows the method; deleting it restores the method
    try:
        yield
    finally:
        delattr(obj, method)


def timed_search(retriever: HybridRetriever, question: str) -> dict[str, float]:
    """One search, as Engine.search runs it, with the seconds spent in each stage and in the whole."""
    spent: dict[str, float] = defaultdict(float)
    retriever.embedder.query_cache = VectorCache(QUERY_CACHE_SIZE)  # a new question every time
    with timing(retriever.embedder, "embed", spent, STAGES[0]), \
            timing(retriever.vectors, "query", spent, STAGES[1]), \
            timing(retriever.docstore, "keyword_search", spent, STAGES[2]):
        t = time.perf_counter()
        [to_hit(n) for n in retriever.retrieve(question)]
        spent["whole search"] = time.perf_counter() - t
    spent[STAGES[3]] = spent["whole search"] - sum(spent[s] for s in STAGES[:3])
    return spent


def bench_search_breakdown(engine: Engine, questions: list[str], embs: dict[str, Embedder],
                           rows: list[tuple], reps: int = 3, k: int = 6) -> dict[str, dict[str, list[float]]]:
    """p50/p95 per backend of the whole search and of each stage; returns the raw seconds too."""
    retrievers = {b: HybridRetriever(engine.docstore, engine.vectors, e, k=k) for b, e in embs.items()}
    for r in retrievers.values():
        for q in questions[:5]:  # warm: model, Chroma's index, SQLite's pages
            timed_search(r, q)
    got: dict[str, dict[str, list[float]]] = {b: defaultdict(list) for b in retrievers}
    order = list(retrievers)
    for _ in range(reps):
        for q in questions:
            for b in order:
                for stage, s in timed_search(retrievers[b], q).items():
                    got[b][stage].append(s)
            order.reverse()
    n = f"{len(questions)} questions x {reps}"
    for b in retrievers:
        whole = got[b]["whole search"]
        per_rep = [whole[i * len(questions):(i + 1) * len(questions)] for i in range(reps)]
        rows.append((f"hybrid search 100k chunks, {b} backend ({n})", f"p50 {pct_ms(whole, 50):.1f} ms",
                     f"p95 {pct_ms(whole, 95):.1f} ms; p95 per run "
                     + " / ".join(f"{pct_ms(r, 95):.1f}" for r in per_rep) + "; target p95 < 50 ms"))
        for stage in STAGES:
            rows.append((f"&nbsp;&nbsp;{stage}, {b}", f"p50 {pct_ms(got[b][stage], 50):.1f} ms",
                         f"p95 {pct_ms(got[b][stage], 95):.1f} ms"))
    return got


def main() -> None:
    questions = [json.loads(l)["question"] for l in QUESTIONS.read_text(encoding="utf-8").splitlines() if l.strip()]
    engine = synthetic_index(100_000)
    try:
        rows: list[tuple] = []
        load = os.getloadavg()[0]
        bench_search_breakdown(engine, questions, embedders(get_settings()), rows)
        print(f"_Load average (1 min) {load:.1f} at the start, {os.getloadavg()[0]:.1f} at the end, "
              f"on {os.cpu_count()} cores._\n")
        print("| measure | value | note |\n|---|---|---|\n" + "\n".join(f"| {a} | {b} | {c} |" for a, b, c in rows))
    finally:
        shutil.rmtree(engine.settings.home, ignore_errors=True)


if __name__ == "__main__":
    main()
