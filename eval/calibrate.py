"""`rag eval calibrate LABELLED.jsonl`: how far can the judge be trusted, and its fitted weights.

Rows are (context, question, answer, label 1 = faithful / 0 = hallucinated). Rows are split by
record (two answers to one question stay together) into a tune half and a held-out half. With
`fit`, logistic regressions over the judge's features are fitted on the tune half (lexical only, and
lexical + LLM), and every scorer is reported on the held-out half only. Without `fit`, the shipped
weights are scored on all rows. LLM results are cached in the output folder: reruns are free.
"""
from __future__ import annotations

import hashlib
import json
import math
import re
import time
from dataclasses import dataclass
from pathlib import Path

from tqdm import tqdm

from rag.errors import DatasetError

from .features import lexical_features
from .jsonl import write_json_atomic
from .judge import COMBINED, LEXICAL, Judge, combined_score, self_evident
from .llm_cache import LLMCache

LEXICAL_FEATURES = ["support", "coverage", "key_coverage", "sentence_coverage", "missing"]
COMBINED_FEATURES = LEXICAL_FEATURES + ["llm_logit"]
_RECORD = re.compile(r"^(.*\d)[a-z]*$")  # "h042r" and "h042h" are the two answers of record "h042"


@dataclass
class Pair:
    id: str
    context: str
    question: str | None
    answer: str
    label: int

    @property
    def record(self) -> str:
        m = _RECORD.match(self.id)
        return m.group(1) if m else self.id


def load_pairs(path: Path, limit_records: int | None = None) -> list[Pair]:
    """Labelled rows; a malformed row is a DatasetError naming its line (calibration needs them all)."""
    pairs = []
    try:
        lines = Path(path).read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as e:
        raise DatasetError(f"cannot read labelled file {path}: {e}") from e
    for lineno, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
            pair = Pair(str(row.get("id", f"line{lineno}")), row["context"], row.get("question"), row["answer"], int(row["label"]))
            if pair.label not in (0, 1) or not all(isinstance(x, str) for x in (pair.context, pair.answer)):
                raise ValueError("label must be 0 or 1, context and answer strings")
        except (ValueError, KeyError, TypeError) as e:
            raise DatasetError(f"{path} line {lineno}: expected {{id, context, question, answer, label}}: {e}") from e
        pairs.append(pair)
    if limit_records is not None:
        keep = sorted({p.record for p in pairs})[:limit_records]
        pairs = [p for p in pairs if p.record in set(keep)]
    return pairs


def is_held_out(record: str) -> bool:
    """A fixed, content-independent half of the records (hash parity), the same on every machine."""
    return hashlib.sha256(record.encode()).digest()[0] % 2 == 1


def pair_features(pairs: list[Pair], judge: Judge, progress: bool = True) -> tuple[list[dict], float | None]:
    """Features of every pair, and the measured seconds per pair that reached the model (None if all cached)."""
    feats, paid_s, paid_n = [], 0.0, 0
    for p in tqdm(pairs, desc="features", unit="pair", disable=not progress):
        before, t0 = judge.cache.misses, time.perf_counter()
        _, f = judge.pair_features(p.answer, p.context, p.question)
        if judge.cache.misses > before:
            paid_s, paid_n = paid_s + time.perf_counter() - t0, paid_n + 1
        feats.append(f)
    return feats, (paid_s / paid_n if paid_n else None)


def calibrate(path: Path, out: Path, *, llm=None, fit: bool = True, limit_records: int | None = None,
              progress: bool = True) -> dict:
    """Score the labelled pairs; with `fit`, fit weights on the tune half and report the held-out half."""
    pairs = load_pairs(path, limit_records)
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    judge = Judge(llm, cache=LLMCache(out / "judge_cache.jsonl"))
    t0 = time.perf_counter()
    for p in pairs:
        lexical_features(p.answer, p.context)
    lexical_s = (time.perf_counter() - t0) / max(len(pairs), 1)
    feats, llm_s = pair_features(pairs, judge, progress)
    labels = [p.label for p in pairs]
    # Scored as the judge scores them: a verbatim sentence is accepted without the weights.
    evident = [self_evident(p.answer, p.context, p.question) for p in pairs]
    report = {"dataset": str(path), "pairs": len(pairs), "judge": judge.name,
              "seconds_per_pair": {"lexical": round(lexical_s, 5), "llm_uncached": _r(llm_s)}}
    if fit:
        held = [is_held_out(p.record) for p in pairs]
        if all(held) or not any(held):
            raise DatasetError(f"{path}: too few records to split into tune and held-out halves")
        report.update(fit_and_report(feats, labels, held, evident, has_llm=llm is not None, model=judge.name))
        write_json_atomic(out / "judge_weights.json", report["weights"])
    else:
        scores = [1.0 if e else judge.combine(f) for f, e in zip(feats, evident)]
        report["current_weights"] = classification_report(labels, scores, threshold=0.5)
    write_json_atomic(out / "calibration.json", report)
    return report


def install_weights(fitted: Path, shipped: Path) -> None:
    """Merge freshly fitted weights into the shipped file (a lexical-only fit keeps the combined one)."""
    new = json.loads(Path(fitted).read_text(encoding="utf-8"))
    old = json.loads(Path(shipped).read_text(encoding="utf-8")) if Path(shipped).exists() else {}
    fitted_on = {**old.get("fitted_on", {}), **{k: new["fitted_on"] for k in (LEXICAL, COMBINED) if k in new}}
    write_json_atomic(shipped, {**old, **new, "fitted_on": fitted_on})


def fit_and_report(feats: list[dict], labels: list[int], held: list[bool], evident: list[bool], has_llm: bool,
                   model: str) -> dict:
    tune = [i for i, h in enumerate(held) if not h]
    test = [i for i, h in enumerate(held) if h]
    sub = lambda xs, idx: [xs[i] for i in idx]  # noqa: E731
    weights = {"fitted_on": {"records": "tune half (is_held_out false)", "pairs": len(tune), "judge": model}}
    results = {}
    # The reference point: share of the answer's content words found in the passage.
    cov = [f["coverage"] for f in feats]
    t = best_threshold(sub(labels, tune), sub(cov, tune))
    results["coverage_only"] = classification_report(sub(labels, test), sub(cov, test), threshold=t)
    kinds = [(LEXICAL, LEXICAL_FEATURES)] + ([(COMBINED, COMBINED_FEATURES)] if has_llm else [])
    for kind, names in kinds:
        w = fit_logistic(sub(feats, tune), sub(labels, tune), names)
        weights[kind] = w
        scores = [1.0 if evident[i] else combined_score(w, feats[i]) for i in test]
        results[kind] = classification_report(sub(labels, test), scores, 0.5)
    if has_llm:
        llm = [f["llm_yes"] for f in feats]
        t = best_threshold(sub(labels, tune), sub(llm, tune))
        results["llm_only"] = classification_report(sub(labels, test), sub(llm, test), threshold=t)
    return {"weights": weights, "held_out": results, "tune_pairs": len(tune), "held_out_pairs": len(test)}


def fit_logistic(feats: list[dict], labels: list[int], names: list[str]) -> dict:
    """Logistic regression on the named features; the intercept is shifted so that the threshold
    with the best balanced accuracy on these (tune) rows becomes 0.5."""
    from sklearn.linear_model import LogisticRegression

    x = [[f[n] for n in names] for f in feats]
    lr = LogisticRegression(C=1.0, class_weight="balanced", max_iter=1000).fit(x, labels)
    coef, intercept = [float(c) for c in lr.coef_[0]], float(lr.intercept_[0])
    model = {"features": names, "coef": [round(c, 6) for c in coef], "intercept": round(intercept, 6)}
    t = best_threshold(labels, [combined_score(model, f) for f in feats])
    model["intercept"] = round(intercept - math.log(t / (1 - t)), 6)
    return model


def best_threshold(labels: list[int], scores: list[float]) -> float:
    """The score threshold (midpoint between neighbouring scores) with the best balanced accuracy."""
    cuts = sorted(set(scores))
    candidates = [(a + b) / 2 for a, b in zip(cuts, cuts[1:])] or cuts
    return max(candidates, key=lambda t: (balanced_accuracy(labels, [s >= t for s in scores]), -abs(t - 0.5)))


def classification_report(labels: list[int], scores: list[float], threshold: float) -> dict:
    from sklearn.metrics import roc_auc_score

    return {
        "balanced_accuracy": round(balanced_accuracy(labels, [s >= threshold for s in scores]), 4),
        "roc_auc": round(float(roc_auc_score(labels, scores)), 4) if len(set(labels)) == 2 else None,
        "threshold": round(threshold, 4),
        "best_threshold_here": round(best_threshold(labels, scores), 4),
        "pairs": len(labels),
    }


def balanced_accuracy(labels: list[int], predicted: list[bool]) -> float:
    pos = [p for y, p in zip(labels, predicted) if y == 1]
    neg = [not p for y, p in zip(labels, predicted) if y == 0]
    rates = [sum(g) / len(g) for g in (pos, neg) if g]
    return sum(rates) / len(rates) if rates else 0.0


def format_report(report: dict) -> str:
    lines = [f"{report['pairs']} pairs from {report['dataset']}; judge {report['judge']}"]
    sp = report["seconds_per_pair"]
    lines.append(f"cost per pair: lexical {sp['lexical']:.5f} s, LLM {_fmt(sp['llm_uncached'])} s (uncached calls)")
    if "held_out" in report:
        lines.append(f"tune {report['tune_pairs']} pairs, held-out {report['held_out_pairs']} pairs (split by record)")
        lines.append(f"{'scorer (held-out)':<18}{'bal.acc':>9}{'ROC-AUC':>9}{'threshold':>11}")
        for name, r in report["held_out"].items():
            lines.append(f"{name:<18}{r['balanced_accuracy']:>9.4f}{_fmt(r['roc_auc']):>9}{r['threshold']:>11.4f}")
    else:
        r = report["current_weights"]
        lines.append(f"shipped weights on all pairs: balanced accuracy {r['balanced_accuracy']:.4f}, "
                     f"ROC-AUC {_fmt(r['roc_auc'])}, best threshold {r['best_threshold_here']:.4f} (0.5 in use)")
    return "\n".join(lines)


def _r(x: float | None) -> float | None:
    return round(x, 3) if x is not None else None


def _fmt(x) -> str:
    return f"{x:.4f}" if isinstance(x, float) else "–"
