"""Recall@1/@5, MRR and supporting-sentence recall of hybrid vs dense-only vs keyword-only retrieval
on the labelled questions (answerable, single-turn). Part of `make bench`; the test suite asserts the targets."""
from __future__ import annotations

import json
from pathlib import Path

from rag.engine import Engine

DATASET = Path(__file__).resolve().parent.parent / "eval" / "datasets" / "questions.jsonl"


def retrieval_table(engine: Engine, k: int = 5, dataset: Path = DATASET) -> str:
    """`dataset`: any labelled set in the same format (eval/datasets/wiki_questions.jsonl over its docs)."""
    rows = [json.loads(l) for l in dataset.read_text(encoding="utf-8").splitlines() if l.strip()]
    qs = [q for q in rows if q.get("answerable", True) and q.get("gold_docs") and not q.get("history")]
    lines = [f"| retriever ({len(qs)} questions) | recall@1 | recall@{k} | MRR | sentence in top-{k} |",
             "|---|---|---|---|---|"]
    for method in ("hybrid", "dense", "keyword"):
        r1 = rk = mrr = sent = 0.0
        for q in qs:
            hits = engine.search(q["question"], k=k, method=method)
            docs = list(dict.fromkeys(h.doc_id for h in hits))
            rank = next((i for i, d in enumerate(docs, 1) if d in q["gold_docs"]), None)
            r1 += rank == 1
            rk += rank is not None
            mrr += 1 / rank if rank else 0
            sent += any(g in h.text for h in hits for g in q["gold_quotes"])
        n = len(qs)
        lines.append(f"| {method} | {r1 / n:.3f} | {rk / n:.3f} | {mrr / n:.3f} | {sent / n:.3f} |")
    return "\n".join(lines)
