"""`rag eval run | calibrate | compare`: added to the `rag` program by newsrag_cli.py.

Errors are RagError subclasses; the main CLI group prints them as one line with exit code 1.
"""
from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from rag.settings import get_settings

from .dataset import SPLITS

MODES = ["local", "openai", "extractive"]
JUDGES = ["llm", "lexical"]
HEADLINE = ["faithfulness", "support_score", "sentences_supported", "answers_sentences_supported",
            "answers_supported_as_answers", "quote_validity", "invalid_quotes", "citation_precision",
            "citation_recall", "correct", "correct_answerable", "correct_cited", "token_f1", "key_containment",
            "recall@1", "recall@5", "mrr", "abstention_precision", "abstention_recall", "latency_p50_s", "latency_p95_s",
            "errors"]


@click.group("eval")
def eval_group() -> None:
    """Measure answer quality: run a question set, calibrate the judge, compare two runs."""


@eval_group.command("run")
@click.argument("dataset", type=click.Path(path_type=Path))
@click.option("--mode", type=click.Choice(MODES), default=None, help="Answering mode (default RAG_MODE).")
@click.option("--workers", type=click.IntRange(1, 32), default=1, show_default=True,
              help="Questions in flight at once (mode openai only; the local model answers one at a time).")
@click.option("--out", type=click.Path(path_type=Path), default=None,
              help="Run folder (default runs/<dataset>-<mode>). Rerun with the same folder to resume.")
@click.option("--judge", type=click.Choice(JUDGES), default="llm", show_default=True,
              help="llm: calibrated lexical + model judge (RAG_JUDGE_BASE_URL, else the local model); "
                   "lexical: no model, faster, weaker on paraphrase.")
@click.option("--retry-errors", is_flag=True, help="Redo questions that failed in an earlier run of this folder.")
@click.option("--split", type=click.Choice(SPLITS), default="all", show_default=True,
              help="Ask only the tune half (make decisions on it) or the held-out half (report it), fixed by a "
                   "hash of each question id.")
def run_cmd(dataset: Path, mode: str | None, workers: int, out: Path | None, judge: str, retry_errors: bool,
            split: str) -> None:
    """Answer every question of DATASET.jsonl, score the answers, write results, summary and report."""
    from .runner import REPORT, RESULTS, run_eval

    settings = get_settings()
    mode = mode or settings.mode
    suffix = "" if split == "all" else f"-{split}"
    out = out or Path("runs") / f"{dataset.stem}-{mode}{suffix}"
    try:
        summary = run_eval(dataset, out, mode=mode, workers=workers, settings=settings,
                           llm_judge=judge == "llm", retry_errors=retry_errors, split=split)
    except KeyboardInterrupt:
        click.secho(f"\nInterrupted. Finished questions are kept in {out / RESULTS}; "
                    "rerun the same command to continue.", fg="yellow", err=True)
        sys.exit(130)
    for err in summary["dataset_errors"]:
        click.secho(f"skipped {err}", fg="yellow", err=True)
    for f in summary["failed"]:
        click.secho(f"failed {f['id']}: {f['error']}", fg="red", err=True)
    click.echo(format_summary(summary))
    click.echo(f"\nReport: {out / REPORT}")


def format_summary(summary: dict) -> str:
    run, m = summary["run"], summary["metrics"]
    split = run.get("split", "all")
    total = run.get("questions_in_split", run["questions_in_dataset"])
    where = "" if split == "all" else f" ({split} half of {run['questions_in_dataset']})"
    lines = [f"{run['questions_done']}/{total} questions{where} · mode {run['mode']} · judge {run['judge']}"]
    for key in HEADLINE:
        value = m.get(key)
        lines.append(f"  {key:<30}{'–' if value is None else value}")
    validation = (summary.get("judge_validation") or {}).get("held_out") or {}
    if validation:
        lines.append(f"\n  judge measured on held-out labelled sets (balanced accuracy / ROC-AUC / pairs):")
        lines += [f"    {name:<56}{v['balanced_accuracy']:.3f} / {v['roc_auc']:.3f} / {v['pairs']}" for name, v in validation.items()]
    if m.get("targets"):
        lines += ["", format_targets(m["targets"])]
    return "\n".join(lines)


def format_targets(targets: dict) -> str:
    """The target table: one line per figure, one column per split; then the figures by kind, for
    the tune and the held-out half."""
    from .report import TARGETS, format_count

    splits = ["all", "tune", "held_out"]
    lines = [f"  {'target table':<44}" + "".join(f"{s:>20}" for s in splits)]
    lines += [f"  {label:<44}" + "".join(f"{format_count(targets[s][key]):>20}" for s in splits) for key, label in TARGETS]
    for split in ("tune", "held_out"):
        lines.append(f"\n  by kind, {split}")
        for kind, k in targets[split]["by_kind"].items():
            lines.append(f"  {kind}")
            lines += [f"    {label:<42}{format_count(k[key]):>20}" for key, label in TARGETS if k[key]["of"]]
    return "\n".join(lines)


@eval_group.command("calibrate")
@click.argument("labelled", type=click.Path(path_type=Path), nargs=-1, required=True)
@click.option("--out", type=click.Path(path_type=Path), default=None,
              help="Folder for the report, fitted weights and the LLM cache (default runs/calibrate-<folder>-<name>).")
@click.option("--fit/--no-fit", default=True, show_default=True,
              help="Fit weights on the tune half and report the held-out half; --no-fit scores the shipped weights.")
@click.option("--judge", type=click.Choice(JUDGES), default="llm", show_default=True)
@click.option("--limit", type=click.IntRange(1), default=None, help="Use only the first N records (quick check).")
@click.option("--install", is_flag=True, help="Copy the fitted weights to eval/judge_weights.json (the shipped judge).")
@click.option("--json", "as_json", is_flag=True, help="Print the full report as JSON.")
def calibrate_cmd(labelled: tuple[Path, ...], out: Path | None, fit: bool, judge: str, limit: int | None,
                  install: bool, as_json: bool) -> None:
    """Score labelled (context, question, answer, label) rows: balanced accuracy, ROC-AUC, threshold, cost.

    With several files, weights are fitted on all their tune halves (each file weighing the same)
    and each file's held-out half is reported on its own.
    """
    from .calibrate import calibrate, format_report, install_weights
    from .judge import WEIGHTS_PATH, judge_client

    out = out or Path("runs") / ("calibrate-" + "+".join(f"{p.parent.name}-{p.stem}" for p in labelled))
    llm = judge_client(get_settings(), judge == "llm")
    report = calibrate(list(labelled), out, llm=llm, fit=fit, limit_records=limit)
    click.echo(json.dumps(report, indent=2) if as_json else format_report(report))
    if install and fit:
        install_weights(out / "judge_weights.json", WEIGHTS_PATH)
        click.echo(f"Installed the fitted weights in {WEIGHTS_PATH}")


@eval_group.command("compare")
@click.argument("run_a", type=click.Path(path_type=Path))
@click.argument("run_b", type=click.Path(path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="Print the comparison as JSON.")
def compare_cmd(run_a: Path, run_b: Path, as_json: bool) -> None:
    """Metric deltas from RUN_A to RUN_B, and the questions that got worse."""
    from .compare import compare_runs, format_comparison

    cmp = compare_runs(run_a, run_b)
    click.echo(json.dumps(cmp, indent=2) if as_json else format_comparison(cmp))
