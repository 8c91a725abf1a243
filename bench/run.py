"""`make bench`: ingest throughput vs the embedding model's own ceiling, re-ingest (in process, and
`rag ingest` / `rag docs` as commands), and search latency
on the shipped corpus and on a synthetic 100,000-chunk index; embedding speed per backend (torch vs ONNX
Runtime, bench/embedding.py); clean + chunk time of 1, 5 and 20 MB articles (bench/cleaning.py); answer
latency; the running app under
concurrent load with its memory (bench/load.py); memory over 1,000 questions; `rag eval run` speed.
Writes bench/results/<section>.md and bench/results/bench.md (all sections measured so far).

    python -m bench.run                      # everything (about half an hour)
    python -m bench.run --only load,memory   # some sections
    python -m bench.run --skip load,memory,eval
    python -m bench.run --skip scale         # without the 10,000-article ingest (bench/scale.py)
    python -m bench.run --skip scale100k     # without the ~100,000-chunk ingest (about 45 min)
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

from bench.measure import QUESTIONS, pct_ms
from bench.synthetic_news import synthetic_index
from rag.engine import Engine
from rag.settings import Settings, get_settings

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "bench" / "results"


def bench_corpus(rows: list[tuple]) -> Engine:
    home = Path(tempfile.mkdtemp(prefix="bench-"))
    engine = Engine(Settings(home=home, model_dir=get_settings().model_dir))
    engine.embedder.embed_bulk(["warm up"])  # model load (and ingest's session) is not ingestion
    t = time.perf_counter()
    rep = engine.ingest([ROOT / "corpus"])
    ingest_s = time.perf_counter() - t
    texts = [c.text for d in engine.documents() for c in engine.docstore.doc_chunks(d.doc_id)]
    t = time.perf_counter()
    engine.embedder.embed_bulk(texts)  # as ingest encodes (ingest_embed_threads)
    encode_s = time.perf_counter() - t
    t = time.perf_counter()
    engine.ingest([ROOT / "corpus"])
    reingest_s = time.perf_counter() - t
    rows += [
        ("ingest corpus/ (5 articles)", f"{ingest_s:.2f} s", f"{rep.chunks_embedded / ingest_s:.1f} chunks/s"),
        ("raw encode, same chunks (ceiling)", f"{encode_s:.2f} s", f"{len(texts) / encode_s:.1f} chunks/s"),
        ("ingest overhead vs ceiling", f"{(ingest_s / encode_s - 1) * 100:+.0f} %", "target within +20 %"),
        ("re-ingest unchanged corpus", f"{reingest_s:.2f} s", "target < 2 s"),
    ]
    return engine


def bench_commands(engine: Engine, rows: list[tuple], runs: int = 3) -> None:
    """Wall time of `rag ingest` of the unchanged corpus and of `rag docs`, each in a fresh process as a user
    runs them (imports included): the median of `runs`."""
    env = {**os.environ, "RAG_HOME": str(engine.settings.home),
           "RAG_MODEL_DIR": str(Path(get_settings().model_dir).resolve())}
    for label, args in (("unchanged `rag ingest` wall", ["ingest", str(ROOT / "corpus")]), ("`rag docs` wall", ["docs"])):
        walls = []
        for _ in range(runs):
            t = time.perf_counter()
            subprocess.run([sys.executable, "-m", "newsrag_cli", *args], env=env, cwd=ROOT, check=True, capture_output=True)
            walls.append(time.perf_counter() - t)
        rows.append((label, f"{float(np.median(walls)):.2f} s", f"median of {runs} fresh processes; target < 1 s"))


def bench_search(engine: Engine, label: str, questions: list[str], rows: list[tuple]) -> None:
    engine.search(questions[0])  # warm
    lat = []
    for q in questions:
        t = time.perf_counter()
        engine.search(q, k=6)
        lat.append(time.perf_counter() - t)
    rows.append((f"search {label}", f"p50 {pct_ms(lat, 50):.1f} ms", f"p95 {pct_ms(lat, 95):.1f} ms"))


def bench_answers(engine: Engine, questions: list[str], rows: list[tuple], n: int = 24) -> None:
    """Answer latency with the local model, and the retrieval + alignment overhead around it."""
    from rag.align import align_answer

    engine.ask(questions[0], mode="local")  # start the model server; not part of a user's wait
    first, total, overhead, extractive = [], [], [], []
    for q in questions[:n]:
        ans = engine.ask(q, mode="local")
        first.append(ans.timings["first_token_s"])
        total.append(ans.timings["total_s"])
        t = time.perf_counter()
        engine.search(q)
        align_answer(ans.answer, ans.sources, {s.doc_id: engine.article(s.doc_id).text for s in ans.sources},
                     similarity=engine.answerer.similarity)
        overhead.append(time.perf_counter() - t)
        t = time.perf_counter()
        engine.ask(q, mode="extractive")
        extractive.append(time.perf_counter() - t)
    rows += [
        (f"local model: first token ({n} questions)", f"p50 {pct_ms(first, 50) / 1000:.2f} s",
         f"p95 {pct_ms(first, 95) / 1000:.2f} s; target p50 <= 4 s"),
        ("local model: whole answer", f"p50 {pct_ms(total, 50) / 1000:.2f} s",
         f"p95 {pct_ms(total, 95) / 1000:.2f} s; target p50 <= 8 s"),
        ("retrieval + alignment overhead", f"p50 {pct_ms(overhead, 50):.0f} ms", f"p95 {pct_ms(overhead, 95):.0f} ms; target < 300 ms"),
        ("extractive answer", f"p50 {pct_ms(extractive, 50):.0f} ms", f"p95 {pct_ms(extractive, 95):.0f} ms"),
    ]


# ---- load, memory and evaluation speed (issues 5 and 6) ------------------------------------------------

def bench_cold_start(questions: list[str], rows: list[tuple], n: int = 5) -> None:
    """The first answer after the app starts (the models are warmed in the background) against the next ones,
    asked the moment the page opens and, in a second start, once the page says the models are ready."""
    from bench.load import cold_start

    for wait in (False, True):
        c = cold_start(questions[:n], wait_for_ready=wait)
        ready = f"{c['ready_s']:.1f} s after start" if c["ready_s"] is not None else "never said"
        when = f"once the models are ready ({c['waited_s']:.1f} s after the page opened)" if wait else "the moment the page opens"
        rows += [
            ("app start (`rag ui`, local mode): page answers", f"{c['page_s']:.1f} s",
             f"incl. ingesting a corpus copy; warm-up: models ready {ready}"),
            (f"first answer, asked {when}", f"{c['first_s']:.2f} s",
             f"{c['first_kind']}; the same question asked again last: {c['again_s']:.2f} s; next {c['n_later']} "
             f"questions p50 {c['later_p50_s']:.2f} s ({', '.join(c['later_kinds'])}); each in a conversation "
             "of its own; target: first as fast as the others"),
        ]


def bench_load(seconds: float, rows: list[tuple]) -> None:
    """20 extractive conversations and 4 local-model ones against the running app (bench/load.py)."""
    from bench.load import drive_app

    for mode, users in (("extractive", 20), ("local", 4)):
        s = drive_app(mode, users, seconds).summary()
        busy = f", {s['busy']} busy (p50 {s['busy_p50_s']} s)" if s["busy"] else ", 0 busy"
        kinds = ", ".join(f"{n} {k}" for k, n in sorted(s["kinds"].items()))
        rows += [
            (f"app under load: {users} {mode} conversations, {s['duration_s']:.0f} s",
             f"{s['requests']} requests ({kinds}), {s['errors']} errors{busy}",
             f"answered p50 {s['p50_s']} s, p95 {s['p95_s']} s; {s['throughput_rps']} answers/s; target 0 errors"),
            (f"app RSS ({mode}, {s['server_processes']} process(es) incl. model server)",
             f"peak {s['rss_peak_mb']:.0f} MB", f"{s['rss_start_mb']:.0f} MB before, {s['rss_end_mb']:.0f} MB after"),
        ]
        for label, texts in (("error", s["error_samples"]), ("quotes instead of the model's answer", s.get("fallback_notes", []))):
            rows += [(f"{label} ({mode})", t.replace("|", "/")[:200], "") for t in texts]
    bench_upload(seconds, rows)


def bench_upload(seconds: float, rows: list[tuple]) -> None:
    """Question latency while a 20 MB article uploaded through the page is being ingested (bench/load.py)."""
    from bench.load import drive_app_during_upload

    u = drive_app_during_upload(20.0, 4, seconds)
    rows.append((f"4 extractive conversations while a {u['size_mb']:g} MB upload is ingested ({u['followed_s']:.0f} s)",
                 f"answered p95 {u['upload_p95_s']} s (p50 {u['upload_p50_s']} s), {u['errors']} errors",
                 f"idle before: p95 {u['idle_p95_s']} s (p50 {u['idle_p50_s']} s); upload reached: "
                 f"{u['upload_stage'].replace('|', '/')}"))


def bench_memory(questions: int, rows: list[tuple]) -> None:
    """RSS before and after `questions` sequential extractive questions, in a fresh process."""
    out = subprocess.run([sys.executable, "-m", "bench.load", "memory", "--questions", str(questions), "--warmup", "50"],
                         cwd=ROOT, check=True, capture_output=True, text=True)
    m = json.loads(out.stdout.strip().splitlines()[-1])
    rows.append((f"memory: {m['questions']} different extractive questions (after {m['warmup']} warm-up)",
                 f"RSS {m['rss_before_mb']:.0f} -> {m['rss_after_mb']:.0f} MB ({m['growth_mb']:+.1f} MB)",
                 f"{m['per_question_s'] * 1000:.0f} ms/question; target: no growth"))


def bench_eval(n_extractive: int, n_local: int, rows: list[tuple]) -> None:
    """Wall time of `rag eval run` (a fresh process: imports, model loads, answering and judging)."""
    home = Path(tempfile.mkdtemp(prefix="bench-eval-"))
    shutil.copytree(ROOT / "corpus", home / "corpus")
    env = {**os.environ, "RAG_HOME": str(home), "RAG_CORPUS_DIR": str(home / "corpus"),
           "RAG_MODEL_DIR": str(Path(get_settings().model_dir).resolve())}
    try:
        subprocess.run([sys.executable, "-m", "newsrag_cli", "ingest"], env=env, cwd=ROOT, check=True, capture_output=True)
        lines = QUESTIONS.read_text(encoding="utf-8").splitlines()
        for mode, n in (("extractive", n_extractive), ("local", n_local)):
            if n <= 0:
                continue
            data = home / f"q{n}.jsonl"
            data.write_text("\n".join(lines[:n]) + "\n", encoding="utf-8")
            out = home / f"run-{mode}"
            t = time.perf_counter()
            subprocess.run([sys.executable, "-m", "newsrag_cli", "eval", "run", str(data), "--mode", mode, "--out", str(out)],
                           env=env, cwd=ROOT, check=True, capture_output=True)
            wall = time.perf_counter() - t
            res = [json.loads(l) for l in (out / "results.jsonl").read_text(encoding="utf-8").splitlines() if l.strip()]
            answer_s = [r.get("wall_s") or 0 for r in res]
            judged = _lines(out / "judge_cache.jsonl")
            target = "; target < 120 s" if mode == "extractive" else ""
            rows.append((f"`rag eval run`, {n} questions, {mode}, default judge",
                         f"{wall:.0f} s ({wall / n:.1f} s/question)",
                         f"answering {sum(answer_s):.0f} s (the first, loading the models: {answer_s[0]:.0f} s), "
                         f"{judged} judge model calls, {sum(bool(r.get('error')) for r in res)} errors{target}"))
    finally:
        shutil.rmtree(home, ignore_errors=True)


def _lines(path: Path) -> int:
    try:
        return sum(1 for l in path.read_text(encoding="utf-8").splitlines() if l.strip())
    except OSError:
        return 0


# ---- sections ------------------------------------------------------------------------------------------

SECTIONS = ("corpus", "cleaning", "answers", "synthetic", "load", "memory", "eval", "ablation", "scale", "scale100k")
TABLE_HEAD = "| measure | value | note |\n|---|---|---|\n"


def run_section(name: str, args: argparse.Namespace, ctx: dict) -> str:
    """One section's markdown (a table, plus the retrieval-quality table for `corpus`)."""
    from bench.retrieval_quality import retrieval_table

    if name == "ablation":  # what each answer-path check buys, per question set, on the held-out halves
        subprocess.run([sys.executable, "-m", "bench.ablation", "--split", "held-out", "--mode", "local",
                        "--out", str(OUT)], cwd=ROOT, check=True)
        return (OUT / "ablation-ship-wiki-held-out-local.md").read_text(encoding="utf-8")
    if name == "scale":  # its own tables, measured in a fresh process (bench/scale.py)
        subprocess.run([sys.executable, "-m", "bench.scale", "--articles", str(args.scale_articles),
                        "--out", str(OUT / "scale.md")], cwd=ROOT, check=True)
        return (OUT / "scale.md").read_text(encoding="utf-8")
    if name == "scale100k":  # a real cold ingest of ~100k chunks (about 45 min idle), embedded store only
        subprocess.run([sys.executable, "-m", "bench.scale", "--articles", str(args.scale100k_articles), "--skip-server",
                        "--out", str(OUT / "scale100k.md")], cwd=ROOT, check=True)
        return (OUT / "scale100k.md").read_text(encoding="utf-8")
    rows: list[tuple] = []
    extra = ""
    questions = ctx["questions"]
    load_before = os.getloadavg()[0]
    if name == "corpus":
        from bench.embedding import bench_embedding

        ctx["engine"] = engine = bench_corpus(rows)
        bench_commands(engine, rows)
        bench_search(engine, "shipped corpus", questions, rows)
        bench_embedding([c.text for d in engine.documents() for c in engine.docstore.doc_chunks(d.doc_id)], rows)
        extra = retrieval_table(engine)
    elif name == "cleaning":
        from bench.cleaning import bench_cleaning

        bench_cleaning([1, 5, 20], rows)
    elif name == "answers":
        if "engine" not in ctx:
            ctx["engine"] = bench_corpus([])
        bench_answers(ctx["engine"], questions, rows)
        bench_cold_start(questions, rows)
    elif name == "synthetic":
        t = time.perf_counter()
        ctx["big"] = big = synthetic_index(100_000)
        rows.append(("build synthetic 100k-chunk index", f"{time.perf_counter() - t:.0f} s", "vectors generated, not encoded"))
        from bench.embedding import embedders
        from bench.search_breakdown import bench_search_breakdown

        bench_search_breakdown(big, questions, embedders(get_settings()), rows)  # both backends, by stage
        from bench.keyword_scale import main as keyword_scale

        for budget in (0, None):  # every word, then the default KEYWORD_BUDGET
            r = keyword_scale(["--budget", str(budget)] if budget is not None else [])
            rows.append((f"keyword search alone, {r['chunks']:,} synthetic chunks, "
                         f"{'every word' if budget == 0 else 'commonest words left out'}",
                         f"p50 {r['p50_ms']:.1f} ms", f"p95 {r['p95_ms']:.1f} ms; brief found in top 6: "
                         f"{r['found']}/{r['questions']} (`python -m bench.keyword_scale`)"))
    elif name == "load":
        bench_load(args.load_seconds, rows)
    elif name == "memory":
        bench_memory(args.memory_questions, rows)
    elif name == "eval":
        bench_eval(args.eval_extractive, args.eval_local, rows)
    table = TABLE_HEAD + "\n".join(f"| {a} | {b} | {c} |" for a, b, c in rows)
    # Other work on the machine slows every figure: say how busy it was.
    load = f"_Load average (1 min) {load_before:.1f} at the start, {os.getloadavg()[0]:.1f} at the end, on {os.cpu_count()} cores._"
    return f"### {name}\n\n{load}\n\n{table}\n" + (f"\n{extra}\n" if extra else "")


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    p = argparse.ArgumentParser(prog="python -m bench.run", description="`make bench`: writes bench/results/bench.md.")
    p.add_argument("--only", default="", help=f"comma-separated sections to run ({', '.join(SECTIONS)}); default all")
    p.add_argument("--skip", default="", help="comma-separated sections to leave out (e.g. load,memory: the slow ones)")
    p.add_argument("--load-seconds", type=float, default=120.0, help="duration of each load run")
    p.add_argument("--memory-questions", type=int, default=1000)
    p.add_argument("--eval-extractive", type=int, default=50, help="questions in the extractive evaluation run")
    p.add_argument("--eval-local", type=int, default=10, help="questions in the local-model evaluation run")
    p.add_argument("--scale-articles", type=int, default=10_000,
                   help="synthetic news briefs for the scale section (10,000: ~7 min of ingest on 2 idle cores)")
    p.add_argument("--scale100k-articles", type=int, default=59_000,
                   help="synthetic news briefs for the scale100k section (1.7 chunks each: ~100,000 chunks)")
    args = p.parse_args(argv)
    chosen = [s for s in args.only.split(",") if s] or list(SECTIONS)
    unknown = set(chosen) | {s for s in args.skip.split(",") if s}
    if unknown - set(SECTIONS):
        p.error(f"unknown section(s) {sorted(unknown - set(SECTIONS))}; choose from {', '.join(SECTIONS)}")
    args.sections = [s for s in SECTIONS if s in chosen and s not in args.skip.split(",")]
    return args


def main(argv: list[str] | None = None) -> None:
    """Each section writes bench/results/<section>.md; bench.md joins every section measured so far,
    so `--only load` refreshes the load figures without rerunning the rest."""
    args = parse_args(argv)
    questions = [json.loads(l)["question"] for l in QUESTIONS.read_text(encoding="utf-8").splitlines() if l.strip()]
    ctx: dict = {"questions": questions}
    OUT.mkdir(parents=True, exist_ok=True)
    try:
        for name in args.sections:
            text = run_section(name, args, ctx)
            (OUT / f"{name}.md").write_text(text, encoding="utf-8")
            print(text, flush=True)
    finally:
        for key in ("engine", "big"):
            if key in ctx:
                shutil.rmtree(ctx[key].settings.home, ignore_errors=True)
    parts = [(OUT / f"{n}.md").read_text(encoding="utf-8") for n in SECTIONS if (OUT / f"{n}.md").exists()]
    (OUT / "bench.md").write_text(BENCH_HEAD + "\n".join(parts), encoding="utf-8")


BENCH_HEAD = ("# Benchmarks\n\nWritten by `make bench` (`python -m bench.run`, `--only`/`--skip` sections). "
              "Each section is measured on this machine (2 cores, no GPU); see bench/results/<section>.md.\n\n")


if __name__ == "__main__":
    main()
