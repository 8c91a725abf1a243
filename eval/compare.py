"""`rag eval compare runs/A runs/B`: metric deltas, and the questions that got worse from A to B."""
from __future__ import annotations

from pathlib import Path

from rag.errors import InputError
from rag.json_input import load_json

from .runner import RESULTS, SUMMARY, finished

MIN_DROP = 0.1  # per-question score changes smaller than this are noise, not a regression
PER_QUESTION = ("faithfulness", "token_f1", "key_containment", "recall@5", "citation_precision")
LOWER_IS_BETTER = {"latency_p50_s", "latency_p95_s", "errors", "invalid_quotes"}


def compare_runs(a: Path, b: Path) -> dict:
    sa, sb = _summary(a), _summary(b)
    ma, mb = sa["metrics"], sb["metrics"]
    deltas = []
    for key, va in ma.items():
        vb = mb.get(key)
        if isinstance(va, (int, float)) and isinstance(vb, (int, float)) and not isinstance(va, bool):
            delta = vb - va
            better = delta < 0 if key in LOWER_IS_BETTER else delta > 0
            deltas.append({"metric": key, "a": va, "b": vb, "delta": round(delta, 4),
                           "change": "same" if delta == 0 else "better" if better else "worse"})
    rows_a, rows_b = finished(Path(a) / RESULTS), finished(Path(b) / RESULTS)
    worse = []
    for qid, ra in rows_a.items():
        if qid in rows_b and (reasons := regressions(ra, rows_b[qid])):
            worse.append({"id": qid, "question": ra["item"]["question"], "reasons": reasons})
    return {"a": str(a), "b": str(b), "runs": [sa.get("run"), sb.get("run")], "deltas": deltas, "worse": worse,
            "common_questions": len(rows_a.keys() & rows_b.keys())}


def regressions(ra: dict, rb: dict) -> list[str]:
    """Why question row `rb` is worse than `ra` (empty if it is not)."""
    if rb.get("error") and not ra.get("error"):
        return [f"failed: {rb['error']}"]
    ma, mb = ra.get("metrics") or {}, rb.get("metrics") or {}
    if not ma or not mb:
        return []
    reasons = []
    for key in PER_QUESTION:
        va, vb = ma.get(key), mb.get(key)
        if va is not None and vb is not None and va - vb >= MIN_DROP:
            reasons.append(f"{key} {va:.2f} -> {vb:.2f}")
    answerable = ra["item"].get("answerable", True)
    if ma.get("abstained") != mb.get("abstained") and mb.get("abstained") == answerable:
        reasons.append("now abstains on an answerable question" if answerable else "now answers an unanswerable question")
    bad_a = ma.get("quotes_total", 0) - ma.get("quotes_valid", 0)
    bad_b = mb.get("quotes_total", 0) - mb.get("quotes_valid", 0)
    if bad_b > bad_a:
        reasons.append(f"invalid quotes {bad_a} -> {bad_b}")
    return reasons


def format_comparison(cmp: dict) -> str:
    lines = [f"A = {cmp['a']}", f"B = {cmp['b']}", ""]
    splits = [(run or {}).get("split", "all") for run in cmp["runs"]]
    if splits[0] != splits[1]:
        lines += [f"note: A ran the {splits[0]} questions and B the {splits[1]} ones: the metrics compare "
                  "different questions", ""]
    lines.append(f"{'metric':<24}{'A':>10}{'B':>10}{'delta':>10}")
    for d in cmp["deltas"]:
        mark = {"better": "  +", "worse": "  -", "same": ""}[d["change"]]
        lines.append(f"{d['metric']:<24}{_num(d['a']):>10}{_num(d['b']):>10}{d['delta']:>+10.4f}{mark}")
    lines += ["", f"{len(cmp['worse'])} of {cmp['common_questions']} common questions got worse"]
    for w in cmp["worse"]:
        lines.append(f"- {w['id']}: {' '.join(w['question'].split())[:90]}")
        lines += [f"    {r}" for r in w["reasons"]]
    return "\n".join(lines)


def _num(x) -> str:
    return f"{x:.4f}" if isinstance(x, float) else str(x)


def _summary(run: Path) -> dict:
    path = Path(run) / SUMMARY
    if not path.is_file():
        raise InputError(f"{run} is not an evaluation run (no {SUMMARY}); give folders made by `rag eval run --out`")
    try:
        summary = load_json(path, "run summary")
    except InputError as e:
        raise InputError(f"{e}; rerun `rag eval run` with that --out to rewrite it") from None
    if not isinstance(summary, dict):
        raise InputError(f"{path} is not a run summary (a JSON object); rerun `rag eval run` with that --out")
    return summary
