"""`rag eval run`: ask every dataset question through the library's answer path, score it, record it.

Resumable: each finished question is appended to results.jsonl (flushed and fsynced) before the next
one starts, and a rerun with the same --out skips every id already there. A killed run loses at most
the questions in flight; a torn last line is dropped and that question recomputed.
"""
from __future__ import annotations

import json
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor, as_completed
from pathlib import Path

from tqdm import tqdm

from rag.errors import ConfigError, DatasetError, RagError
from rag.settings import Settings, get_settings

from .dataset import Item, RowError, load_dataset, select_split
from .jsonl import Appender, read_rows, write_json_atomic, write_text_atomic
from .judge import Judge, judge_client
from .llm_cache import LLMCache
from .report import render_report
from .scoring import score_answer, summarise

RESULTS, SUMMARY, REPORT, RUN_INFO, JUDGE_CACHE = (
    "results.jsonl", "summary.json", "report.html", "run.json", "judge_cache.jsonl")


def run_eval(
    dataset: Path,
    out: Path,
    *,
    mode: str | None = None,
    workers: int = 1,
    settings: Settings | None = None,
    engine=None,
    judge: Judge | None = None,
    llm_judge: bool = True,
    retry_errors: bool = False,
    progress: bool = True,
    split: str = "all",
) -> dict:
    """Evaluate `dataset` into folder `out`; returns the summary (also written to out/summary.json).

    `engine` is anything with Engine's `ask(question, history=, mode=)` and `article(doc_id)`;
    by default rag.engine.Engine(settings). `judge` defaults to the calibrated judge on the model
    named by RAG_JUDGE_BASE_URL / RAG_JUDGE_MODEL, or the local model (`llm_judge=False`: lexical only).
    `split` asks only the tune or held-out half of the questions (eval.dataset.select_split), or all.
    """
    settings = settings or get_settings()
    mode = mode or settings.mode
    out = Path(out)
    all_items, bad_rows = load_dataset(dataset)
    items = select_split(all_items, split)
    if all_items and not items:
        raise DatasetError(f"the {split} half of {dataset} is empty: all {len(all_items)} questions hash to the other "
                           "half (eval.dataset.split_of); use --split all for a set this small")
    out.mkdir(parents=True, exist_ok=True)
    judge = judge or Judge(judge_client(settings, llm_judge), cache=LLMCache(out / JUDGE_CACHE))
    _check_same_run(out, mode, judge.name)

    done = finished(out / RESULTS, retry_errors)
    todo = [it for it in items if it.id not in done]
    if todo:
        if engine is None:
            from rag.engine import Engine

            engine = Engine(settings)
        n_workers = workers if mode == "openai" else 1  # the local model answers one question at a time
        if getattr(judge.llm, "mode", None) == "local":  # more would overflow the local model's queue
            n_workers = min(n_workers, settings.llm_queue_size)
        _answer_all(todo, engine, judge, mode, n_workers, Appender(out / RESULTS),
                    tqdm(total=len(items), initial=len(items) - len(todo), desc="eval", unit="q", disable=not progress))
    return write_outputs(out, items, bad_rows, mode, judge.name, dataset, split=split, in_dataset=len(all_items))


def finished(results: Path, retry_errors: bool = False) -> dict[str, dict]:
    """id -> the latest complete row in results.jsonl (rows that failed count only without retry_errors)."""
    rows: dict[str, dict] = {}
    for row in read_rows(results):
        if isinstance(row.get("id"), str):
            rows[row["id"]] = row
    if retry_errors:
        rows = {k: r for k, r in rows.items() if not r.get("error")}
    return rows


def evaluate_item(item: Item, engine, judge: Judge, mode: str) -> dict:
    """Ask one question and score the answer; a RagError becomes the row's `error`, never a crash."""
    row = {"id": item.id, "item": item.to_json(), "answer": None, "error": None, "metrics": None, "sentences": []}
    t0 = time.perf_counter()
    try:
        answer = engine.ask(item.question, history=item.history or None, mode=mode).to_json()
    except RagError as e:
        row["error"] = f"answering failed: {type(e).__name__}: {e}"
        return row
    row["answer"] = answer
    row["wall_s"] = round(time.perf_counter() - t0, 3)
    try:
        scored = score_answer(item, answer, _article_lookup(engine), judge)
    except RagError as e:  # the judge's endpoint failed: keep the answer, rescore with --retry-errors
        row["error"] = f"judging failed: {type(e).__name__}: {e}"
        return row
    if scored["metrics"]["latency_s"] is None:
        scored["metrics"]["latency_s"] = row["wall_s"]
    row.update(scored)
    return row


def _answer_all(todo: list[Item], engine, judge: Judge, mode: str, workers: int, appender: Appender, bar: tqdm) -> None:
    with bar:
        if workers <= 1:
            for item in todo:
                appender.append(evaluate_item(item, engine, judge, mode))
                bar.update()
            return
        pool = ThreadPoolExecutor(max_workers=workers)
        try:
            futures = [pool.submit(evaluate_item, item, engine, judge, mode) for item in todo]
            for fut in as_completed(futures):
                appender.append(fut.result())
                bar.update()
        finally:
            # On Ctrl-C do not wait for the queue: what is appended is kept, the rest reruns next time.
            pool.shutdown(wait=True, cancel_futures=True)


def _article_lookup(engine) -> Callable[[str], str | None]:
    texts: dict[str, str | None] = {}

    def article_text(doc_id: str) -> str | None:
        if doc_id not in texts:
            try:
                texts[doc_id] = engine.article(doc_id).text
            except RagError:
                texts[doc_id] = None  # deleted since: its quotes cannot be verified
        return texts[doc_id]

    return article_text


def _check_same_run(out: Path, mode: str, judge_name: str) -> None:
    """A run folder holds one configuration: resuming with another mode or judge would mix results."""
    info_path = out / RUN_INFO
    info = {"mode": mode, "judge": judge_name}
    old = read_json(info_path)
    if old and (old.get("mode"), old.get("judge")) != (mode, judge_name):
        raise ConfigError(
            f"{out} holds a run with mode={old.get('mode')} and judge={old.get('judge')}, not "
            f"mode={mode} and judge={judge_name}; use another --out, or the same settings to resume"
        )
    if not old:
        write_json_atomic(info_path, info)


def write_outputs(out: Path, items: list[Item], bad_rows: list[RowError], mode: str, judge_name: str,
                  dataset: Path, split: str = "all", in_dataset: int | None = None) -> dict:
    """summary.json and report.html from results.jsonl, for the questions of the current dataset and split
    (rows of another split asked in the same folder stay in results.jsonl but are not summarised)."""
    done = finished(out / RESULTS)
    rows = [done[it.id] for it in items if it.id in done]
    summary = {
        "run": {"dataset": str(dataset), "split": split, "mode": mode, "judge": judge_name,
                "questions_in_dataset": len(items) if in_dataset is None else in_dataset,
                "questions_in_split": len(items), "questions_done": len(rows)},
        "metrics": summarise(rows),
        "judge_validation": judge_validation(judge_name),
        "dataset_errors": [str(e) for e in bad_rows],
        "failed": [{"id": r["id"], "error": r["error"]} for r in rows if r.get("error")],
    }
    write_json_atomic(out / SUMMARY, summary)
    write_text_atomic(out / REPORT, render_report(summary, rows))
    return summary


def judge_validation(judge_name: str) -> dict:
    """The shipped judge's measured accuracy on each labelled set's held-out half (eval/judge_weights.json),
    so a reader knows how far to trust the faithfulness figures."""
    from .judge import COMBINED, LEXICAL, load_weights

    kind = LEXICAL if judge_name == LEXICAL else COMBINED
    weights = load_weights()
    return {"judge": kind, "fitted_on": weights.get("fitted_on", {}).get(kind, {}).get("datasets", []),
            **weights.get(kind, {}).get("validation", {"held_out": {}})}


def read_json(path: Path) -> dict | None:
    try:
        return json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError, RecursionError):
        return None
