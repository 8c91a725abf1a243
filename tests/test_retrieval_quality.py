"""Retrieval quality on the labelled questions: a test of recall (speed lives in `make bench`)."""
from __future__ import annotations


def _answerable(questions):
    return [q for q in questions if q.get("answerable", True) and q["gold_docs"] and not q.get("history")]


def test_hybrid_recall_meets_targets(corpus_engine, questions):
    qs = _answerable(questions)
    assert len(qs) >= 30
    doc_hits = quote_hits = 0
    misses = []
    for q in qs:
        hits = corpus_engine.search(q["question"], k=5)
        if any(h.doc_id in q["gold_docs"] for h in hits):
            doc_hits += 1
        if any(g in h.text for h in hits for g in q["gold_quotes"]):
            quote_hits += 1
        else:
            misses.append(q["question"])
    assert doc_hits / len(qs) >= 0.95
    assert quote_hits / len(qs) >= 0.90, misses
