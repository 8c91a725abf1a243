"""`rag eval calibrate LABELLED.jsonl [MORE.jsonl ...]`: how far can the judge be trusted, and its weights.

Rows are (context, question, answer, label 1 = faithful / 0 = hallucinated). Rows are split by
record (two answers to one question stay together; a row's `source_doc`, when given, is its record,
so all claims about one article fall in the same half) into a tune half and a held-out half. With
`fit`, logistic regressions over the judge's features are fitted on the tune halves (lexical only,
and lexical + LLM), and every scorer is reported on each file's held-out half only. Without `fit`,
the shipped weights are scored on all rows and on each file's held-out half (its single claims and
its multi-sentence answers apart). LLM results are cached in the output folder.
"""
from __future__ import annotations

import json
import math
import time
from dataclasses import dataclass
from pathlib import Path

from tqdm import tqdm

from rag.errors import DatasetError

from .dataset import is_held_out, record_of
from .features import lexical_features
from .jsonl import write_json_atomic
from .judge import COMBINED, LEXICAL, Judge, combined_score, feature_value, is_multi_sentence, self_evident
from .llm_cache import LLMCache

WORD_FEATURES = ["support", "coverage", "key_coverage", "sentence_coverage", "missing"]
# The relation signals that raised balanced accuracy on the tune halves (2026-12-02). people_there,
# names_there, numbers_with_event, negation_agrees and hedge_kept are still measured and shown with each
# verdict, but weighing them did not help there (the tune half has 4 negation rows and no overclaims).
FITTED_RELATION_FEATURES = ["roles_agree", "slots_agree", "cause_backed", "sentence_coverage_min", "similarity"]
LEXICAL_FEATURES = WORD_FEATURES + FITTED_RELATION_FEATURES
# The combined judge also weighs each lexical signal times the model's P(Yes): how much a word-level
# signal counts depends on whether the model reads the claim as supported (chosen by 5-fold
# cross-validation on the tune halves against the plain sum: docs/decisions.md 2026-12-04), and whether the
# answer was a short one restated with its question (the same cross-validation, 2026-12-05).
COMBINED_FEATURES = LEXICAL_FEATURES + ["llm_yes"] + [f"{n}*llm_yes" for n in LEXICAL_FEATURES] + ["restated"]
# Regularisation strength per judge (the same cross-validation: the combined judge's 21 inputs want less).
FIT_C = {LEXICAL: 1.0, COMBINED: 10.0}


@dataclass
class Pair:
    id: str
    context: str
    question: str | None
    answer: str
    label: int
    dataset: str = ""
    source: str | None = None  # the source document or record: the unit of the tune / held-out split
    multi: bool = False  # an answer of several sentences, each labelled (its label: all of them supported)

    @property
    def record(self) -> str:
        return self.source or record_of(self.id)  # "h042r" and "h042h" are the two answers of record "h042"


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
            sentences = row.get("sentences")
            pair = Pair(str(row.get("id", f"line{lineno}")), row["context"], row.get("question"), row["answer"],
                        int(row["label"]), str(path), str(row["source_doc"]) if row.get("source_doc") else None,
                        isinstance(sentences, list) and len(sentences) > 1)
            if pair.label not in (0, 1) or not all(isinstance(x, str) for x in (pair.context, pair.answer)):
                raise ValueError("label must be 0 or 1, context and answer strings")
        except RecursionError:
            raise DatasetError(f"{path} line {lineno}: JSON nested too deeply to read") from None
        except (ValueError, KeyError, TypeError) as e:
            raise DatasetError(f"{path} line {lineno}: expected {{id, context, question, answer, label}}: {e}") from e
        pairs.append(pair)
    if limit_records is not None:
        keep = sorted({p.record for p in pairs})[:limit_records]
        pairs = [p for p in pairs if p.record in set(keep)]
    return pairs


def pair_features(pairs: list[Pair], judge: Judge, progress: bool = True) -> tuple[list[dict], dict]:
    """Features of every pair, and the measured seconds per pair and per claim (one model call reads one
    claim: a restated short answer or one sentence of a longer one) among pairs that reached the model
    (None if all were cached)."""
    feats, paid_s, paid_n, calls = [], 0.0, 0, 0
    for p in tqdm(pairs, desc="features", unit="pair", disable=not progress):
        before, t0 = judge.cache.misses, time.perf_counter()
        _, f = judge.pair_features(p.answer, p.context, p.question)
        if judge.cache.misses > before:
            paid_s, paid_n, calls = paid_s + time.perf_counter() - t0, paid_n + 1, calls + judge.cache.misses - before
        feats.append(f)
    return feats, {"llm_uncached": paid_s / paid_n if paid_n else None,
                   "llm_uncached_per_claim": paid_s / calls if calls else None}


def calibrate(paths: list[Path], out: Path, *, llm=None, fit: bool = True, limit_records: int | None = None,
              progress: bool = True) -> dict:
    """Score labelled pairs from one or more files; with `fit`, fit weights on the pooled tune halves
    (each file weighing the same) and report every file's held-out half on its own."""
    pairs = [p for path in paths for p in load_pairs(path, limit_records)]
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    judge = Judge(llm, cache=LLMCache(out / "judge_cache.jsonl"))
    t0 = time.perf_counter()
    for p in pairs:
        lexical_features(p.answer, p.context)
    lexical_s = (time.perf_counter() - t0) / max(len(pairs), 1)
    feats, llm_s = pair_features(pairs, judge, progress)
    report = {"datasets": [str(p) for p in paths], "pairs": len(pairs), "judge": judge.name,
              "seconds_per_pair": {"lexical": round(lexical_s, 5), "llm_uncached": _r(llm_s["llm_uncached"])},
              "seconds_per_claim": {"llm_uncached": _r(llm_s["llm_uncached_per_claim"])}}
    if fit:
        report.update(fit_and_report(pairs, feats, has_llm=llm is not None, model=judge.name))
        write_json_atomic(out / "judge_weights.json", report["weights"])
    else:
        scored = [(p, judge_score(judge.model, p, f)) for p, f in zip(pairs, feats)]
        report["current_weights"] = {ds: _report(group) for ds, group in _by_dataset(scored).items()}
        report["current_weights_held_out"] = {ds: held_out_parts(group) for ds, group in _by_dataset(scored).items()}
    write_json_atomic(out / "calibration.json", report)
    return report


def held_out_parts(scored: list[tuple[Pair, float]], all_held_out: bool = False) -> dict:
    """A judge on a file's held-out half: all of it, and apart its single claims and its answers of
    several sentences (judged whole), when it has both."""
    held = scored if all_held_out else [(p, s) for p, s in scored if is_held_out(p.record)]
    parts = {"all": held, "single claims": [(p, s) for p, s in held if not p.multi],
             "multi-sentence answers": [(p, s) for p, s in held if p.multi]}
    if not parts["multi-sentence answers"]:
        parts = {"all": held}
    return {name: _report(rows) for name, rows in parts.items() if rows}


def _report(scored: list[tuple[Pair, float]]) -> dict:
    return classification_report([p.label for p, _ in scored], [s for _, s in scored], 0.5)


def judge_score(model: dict, pair: Pair, feats: dict) -> float:
    """What the judge says about this pair with these weights: verbatim sentences need no weights."""
    if self_evident(pair.answer, pair.context, pair.question):
        return 1.0
    return combined_score(model, feats, is_multi_sentence(pair.answer))


def install_weights(fitted: Path, shipped: Path) -> None:
    """Merge freshly fitted weights into the shipped file (a lexical-only fit keeps the combined one)."""
    new = json.loads(Path(fitted).read_text(encoding="utf-8"))
    old = json.loads(Path(shipped).read_text(encoding="utf-8")) if Path(shipped).exists() else {}
    fitted_on = {**old.get("fitted_on", {}), **{k: new["fitted_on"] for k in (LEXICAL, COMBINED) if k in new}}
    write_json_atomic(shipped, {**old, **new, "fitted_on": fitted_on})


def fit_and_report(pairs: list[Pair], feats: list[dict], has_llm: bool, model: str) -> dict:
    tune = [(p, f) for p, f in zip(pairs, feats) if not is_held_out(p.record)]
    held = [(p, f) for p, f in zip(pairs, feats) if is_held_out(p.record)]
    for ds, group in _by_dataset(list(zip(pairs, feats))).items():
        if len({is_held_out(p.record) for p, _ in group}) < 2:
            raise DatasetError(f"{ds}: too few records to split into tune and held-out halves")
    # Each file weighs the same in the fit, however many rows it has: a small set of paraphrases
    # must not drown in a thousand copied-span QA pairs.
    sizes = {ds: len(g) for ds, g in _by_dataset(tune).items()}
    weight = [len(tune) / (len(sizes) * sizes[p.dataset]) for p, _ in tune]
    labels, tune_feats, groups = [p.label for p, _ in tune], [f for _, f in tune], [p.dataset for p, _ in tune]
    fitted = {"fitted_on": {"datasets": sorted(sizes), "records": "tune halves (is_held_out false)",
                            "pairs": len(tune), "judge": model}}
    kinds = [(LEXICAL, LEXICAL_FEATURES)] + ([(COMBINED, COMBINED_FEATURES)] if has_llm else [])
    for kind, names in kinds:
        fitted[kind] = fit_logistic(tune_feats, labels, names, weight, groups, c=FIT_C[kind])
        fitted[kind]["multi_sentence_shift"] = multi_sentence_shift(fitted[kind], tune)
    # Reference points with thresholds tuned on the same rows: word coverage alone, the model alone.
    singles = [("coverage_only", "coverage")] + ([("llm_only", "llm_yes")] if has_llm else [])
    cuts = {name: best_threshold(labels, [f[key] for f in tune_feats], groups) for name, key in singles}
    results, validation = {}, {kind: {} for kind, _ in kinds}
    for ds, group in _by_dataset(held).items():
        y = [p.label for p, _ in group]
        results[ds] = {name: classification_report(y, [f[key] for _, f in group], cuts[name]) for name, key in singles}
        for kind, _ in kinds:
            scored = [(p, judge_score(fitted[kind], p, f)) for p, f in group]
            results[ds][kind] = _report(scored)
            # What a run's report shows next to its faithfulness figure: how far this judge can be trusted.
            for part, r in held_out_parts(scored, all_held_out=True).items():
                if part != "all":
                    results[ds][f"{kind} ({part})"] = r
                validation[kind][f"{ds} ({part})" if part != "all" else ds] = {
                    k: r[k] for k in ("balanced_accuracy", "roc_auc", "pairs")}
    for kind, _ in kinds:
        fitted[kind]["validation"] = {"held_out": validation[kind]}
    return {"weights": fitted, "held_out": results, "tune_pairs": len(tune), "held_out_pairs": len(held)}


def multi_sentence_shift(model: dict, tune: list[tuple[Pair, dict]]) -> float:
    """The logit shift that puts the best threshold for multi-sentence claims of the tune halves at 0.5
    (0 when there are none of both labels)."""
    rows = [(p, f) for p, f in tune if is_multi_sentence(p.answer)]
    if len({p.label for p, _ in rows}) < 2:
        return 0.0
    t = best_threshold([p.label for p, _ in rows], [combined_score(model, f) for _, f in rows])
    t = min(max(t, 1e-6), 1 - 1e-6)
    return round(-math.log(t / (1 - t)), 6)


def _by_dataset(rows: list[tuple]) -> dict[str, list[tuple]]:
    out: dict[str, list[tuple]] = {}
    for p, f in rows:
        out.setdefault(p.dataset, []).append((p, f))
    return out


def fit_logistic(feats: list[dict], labels: list[int], names: list[str], sample_weight: list[float] | None = None,
                 groups: list[str] | None = None, c: float = 1.0) -> dict:
    """Logistic regression on the named features; the intercept is shifted so that the threshold
    with the best balanced accuracy on these (tune) rows becomes 0.5."""
    from sklearn.linear_model import LogisticRegression

    x = [[feature_value(f, n) for n in names] for f in feats]
    lr = LogisticRegression(C=c, class_weight="balanced", max_iter=5000).fit(x, labels, sample_weight=sample_weight)
    coef, intercept = [float(c) for c in lr.coef_[0]], float(lr.intercept_[0])
    model = {"features": names, "coef": [round(c, 6) for c in coef], "intercept": round(intercept, 6)}
    t = best_threshold(labels, [combined_score(model, f) for f in feats], groups)
    model["intercept"] = round(intercept - math.log(t / (1 - t)), 6)
    return model


def best_threshold(labels: list[int], scores: list[float], groups: list[str] | None = None) -> float:
    """The score threshold (midpoint between neighbouring scores) with the best balanced accuracy,
    averaged over `groups` (datasets) when given; ties go to the threshold nearest 0.5."""
    groups = groups or [""] * len(labels)
    parts = [[i for i, g in enumerate(groups) if g == name] for name in sorted(set(groups))]

    def quality(t: float) -> float:
        return sum(balanced_accuracy([labels[i] for i in idx], [scores[i] >= t for i in idx]) for idx in parts) / len(parts)

    cuts = sorted(set(scores))
    candidates = [(a + b) / 2 for a, b in zip(cuts, cuts[1:])] or cuts
    return max(candidates, key=lambda t: (quality(t), -abs(t - 0.5)))


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
    """sklearn's balanced_accuracy_score, written out: best_threshold calls it for every candidate cut of
    every group (thousands of calls), where sklearn's per-call input validation costs seconds; and a
    group with one class gets that class's rate instead of a warning."""
    pos = [p for y, p in zip(labels, predicted) if y == 1]
    neg = [not p for y, p in zip(labels, predicted) if y == 0]
    rates = [sum(g) / len(g) for g in (pos, neg) if g]
    return sum(rates) / len(rates) if rates else 0.0


def format_report(report: dict) -> str:
    lines = [f"{report['pairs']} pairs from {', '.join(report['datasets'])}; judge {report['judge']}"]
    sp = report["seconds_per_pair"]
    per_claim = report.get("seconds_per_claim", {}).get("llm_uncached")
    lines.append(f"cost per pair: lexical {sp['lexical']:.5f} s, LLM {_fmt(sp['llm_uncached'])} s (uncached calls); "
                 f"LLM per claim read {_fmt(per_claim)} s")
    if "held_out" in report:
        lines.append(f"fitted on {report['tune_pairs']} tune pairs; reported on {report['held_out_pairs']} held-out pairs "
                     "(split by record)")
        for ds, scorers in report["held_out"].items():
            lines.append(f"\n{ds} (held-out)\n{'scorer':<38}{'pairs':>6}{'bal.acc':>9}{'ROC-AUC':>9}{'threshold':>11}")
            for name, r in scorers.items():
                lines.append(f"{name:<38}{r['pairs']:>6}{r['balanced_accuracy']:>9.4f}{_fmt(r['roc_auc']):>9}{r['threshold']:>11.4f}")
    else:
        for ds, r in report["current_weights"].items():
            lines.append(f"{ds}: shipped weights on all {r['pairs']} pairs: balanced accuracy {r['balanced_accuracy']:.4f}, "
                         f"ROC-AUC {_fmt(r['roc_auc'])}, best threshold {r['best_threshold_here']:.4f} (0.5 in use)")
            for part, h in report.get("current_weights_held_out", {}).get(ds, {}).items():
                lines.append(f"  held-out, {part}: {h['pairs']} pairs, balanced accuracy {h['balanced_accuracy']:.4f}, "
                             f"ROC-AUC {_fmt(h['roc_auc'])}, best threshold {h['best_threshold_here']:.4f}")
    return "\n".join(lines)


def _r(x: float | None) -> float | None:
    return round(x, 3) if x is not None else None


def _fmt(x) -> str:
    return f"{x:.4f}" if isinstance(x, float) else "–"
