"""Keyword search alone at archive scale: a document store (no vectors) of synthetic news briefs, one chunk
per paragraph, and each brief's own question; p50/p95 of DocStore.keyword_search and how often the brief
asked about is in the top 6. Cheap enough to build 175k chunks in well under a minute.

    python -m bench.keyword_scale                 # 50,000 briefs (~175,000 chunks)
    python -m bench.keyword_scale --budget 20000  # another KEYWORD_BUDGET (0: every word)
"""
from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

import rag.docstore as docstore
from bench.measure import pct_ms
from bench.synthetic_news import brief, paragraph_chunks, stored_doc
from rag.docstore import DocStore


def build(db: Path, n: int, seed: int = 7) -> DocStore:
    store = DocStore(db)
    for start in range(0, n, 1000):
        docs, rows = [], []
        for b in (brief(seed, i) for i in range(start, min(n, start + 1000))):
            docs.append(stored_doc(b))
            rows += paragraph_chunks(b)
        store.mark_pending(docs)
        store.commit_chunks({d[0]: "x" for d in docs}, rows)
    return store


def measure(store: DocStore, n: int, questions: int = 200, seed: int = 7) -> dict:
    picked = [brief(seed, i) for i in range(0, n, max(1, n // questions))]
    store.keyword_search(picked[0].question, 30)  # warm: page cache, frequencies of the common words
    lat, found = [], 0
    for b in picked:
        t = time.perf_counter()
        hits = store.keyword_search(b.question, 30)
        lat.append(time.perf_counter() - t)
        found += any(c.startswith(f"{b.doc_id}:") for c, _ in hits[:6])
    return {"chunks": store.count_chunks(), "p50_ms": pct_ms(lat, 50), "p95_ms": pct_ms(lat, 95),
            "found": found, "questions": len(picked)}


def main(argv: list[str] | None = None) -> dict:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--briefs", type=int, default=50_000)
    p.add_argument("--budget", type=int, default=docstore.KEYWORD_BUDGET, help="0: every word")
    args = p.parse_args(argv)
    default, docstore.KEYWORD_BUDGET = docstore.KEYWORD_BUDGET, args.budget or 10**12
    try:
        with tempfile.TemporaryDirectory(prefix="kw-scale-") as d:
            r = measure(build(Path(d) / "docs.sqlite", args.briefs), args.briefs)
    finally:
        docstore.KEYWORD_BUDGET = default
    print(f"{r['chunks']:,} chunks, budget {args.budget or 'none'}: keyword p50 {r['p50_ms']:.1f} ms, "
          f"p95 {r['p95_ms']:.1f} ms; brief in top 6 for {r['found']}/{r['questions']}")
    return r


if __name__ == "__main__":
    main()
