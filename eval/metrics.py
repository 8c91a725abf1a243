"""Pure metric functions over answer JSON (Answer.to_json()) and dataset ground truth. No model here.

Each function answers one question with a number; the per-question scoring that needs the judge
lives in eval/scoring.py, which calls these.
"""
from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from pathlib import PurePath

import numpy as np
from llama_index.core.evaluation.retrieval.metrics import MRR, Recall

_MARKER = re.compile(r"\s*\[\d+(?:\s*,\s*\d+)*\]")  # the [n] citation markers inside answer text


# ---- quotes
def quote_checks(answer: dict, article_text: Callable[[str], str | None]) -> list[dict]:
    """Each citation of `answer` with `valid`: its quote is exactly article_text(doc_id)[start:end].

    `article_text` returns the engine's stored article text, or None when the document is gone
    (then the quote cannot be verified and counts as invalid).
    """
    out = []
    for c in answer.get("citations", []):
        text = article_text(c["doc_id"])
        start, end = c.get("start"), c.get("end")
        valid = (
            text is not None and isinstance(start, int) and isinstance(end, int)
            and 0 <= start < end <= len(text) and bool(c.get("quote")) and text[start:end] == c["quote"]
        )
        out.append({"n": c.get("n"), "doc_id": c["doc_id"], "valid": valid})
    return out


# ---- retrieval
def ranked_docs(answer: dict) -> list[str]:
    """Document ids in the order the answer's sources rank them, each once."""
    seen: list[str] = []
    for s in answer.get("sources", []):
        if s["doc_id"] not in seen:
            seen.append(s["doc_id"])
    return seen


def doc_key(name: str) -> str:
    """Gold docs may be given as ids ('001_bb40') or file names ('corpus/001_bb40.txt'): compare stems."""
    return PurePath(name.strip()).stem if "." in PurePath(name.strip()).name else name.strip()


def recall_at_k(ranked: list[str], gold: Iterable[str], k: int) -> float:
    """Share of the gold documents among the first k (llama-index's Recall metric on document keys)."""
    gold_keys = [doc_key(g) for g in gold]
    if not gold_keys:
        raise ValueError("recall@k needs at least one gold document")
    top = [doc_key(d) for d in ranked[:k]]
    return Recall().compute(expected_ids=gold_keys, retrieved_ids=top).score if top else 0.0


def reciprocal_rank(ranked: list[str], gold: Iterable[str]) -> float:
    """1 / rank of the first gold document (llama-index's MRR metric for one query); 0 if none is ranked."""
    keys = [doc_key(d) for d in ranked]
    return MRR().compute(expected_ids=[doc_key(g) for g in gold], retrieved_ids=keys).score if keys else 0.0


def quote_found(gold_quote: str, passages: Iterable[str]) -> bool:
    """A gold quote counts as retrieved when it appears, up to white space and case, in one passage."""
    q = " ".join(gold_quote.split()).lower()
    return any(q in " ".join(p.split()).lower() for p in passages)


# ---- answer text
def strip_markers(text: str) -> str:
    return _MARKER.sub("", text)


# ---- abstention
def abstention_scores(pairs: Iterable[tuple[bool, bool]]) -> dict:
    """(answerable, abstained) per question -> precision and recall of abstaining.

    Precision: of the questions the assistant declined, the share that really had no answer.
    Recall: of the questions with no answer, the share it declined. None when undefined.
    """
    tp = fp = fn = 0
    for answerable, abstained in pairs:
        tp += abstained and not answerable
        fp += abstained and answerable
        fn += not abstained and not answerable
    return {
        "precision": tp / (tp + fp) if tp + fp else None,
        "recall": tp / (tp + fn) if tp + fn else None,
        "abstained": tp + fp,
        "unanswerable": tp + fn,
    }


# ---- aggregation
def percentile(values: list[float], q: float) -> float | None:
    """The q-th percentile (0..100), numpy's linear interpolation; None for no values."""
    return float(np.percentile(values, q)) if values else None


def mean(values: Iterable[float | None]) -> float | None:
    xs = [v for v in values if v is not None]
    return float(np.mean(xs)) if xs else None
