"""Embedding backends side by side (torch vs ONNX Runtime): chunks/s on the same texts, question latency,
first vector in a fresh process, and how far apart their vectors are. Rows of `make bench`'s corpus section;
`--recall` adds retrieval quality per backend on both labelled sets (corpus and wiki), ingested twice.

    python -m bench.embedding                 # speed rows
    python -m bench.embedding --recall        # and the recall tables (about 5 min more)
    python -m bench.embedding --threads-only  # ONNX on 1 thread vs ingest's threads (ingest_embed_threads)

The machine is shared: runs are interleaved (torch, onnx, torch, onnx, ...) and repeated, and CPU time is
reported beside wall time (it counts only this process's work, so other jobs disturb it less).
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

from bench.measure import pct_ms
from bench.synthetic_news import brief
from rag.chunking import chunk_spans
from rag.embeddings import Embedder
from rag.encoders import word_piece_counter
from rag.engine import Engine
from rag.settings import Settings, get_settings

ROOT = Path(__file__).resolve().parent.parent
BACKENDS = ("torch", "onnx")  # rag.embeddings.BACKENDS, the baseline first
WIKI_DOCS = ROOT / "eval" / "datasets" / "wiki" / "docs"
WIKI_QUESTIONS = ROOT / "eval" / "datasets" / "wiki_questions.jsonl"


def synthetic_chunks(n: int, chunk_tokens: int = 128, overlap: int = 1) -> list[str]:
    """n chunks of the scale bench's synthetic news briefs, cut by the project's chunker."""
    count, out, i = word_piece_counter(), [], 0
    while len(out) < n:
        text = brief(7, i).text
        out += [text[s.start:s.end] for s in chunk_spans(text, chunk_tokens, overlap, count)]
        i += 1
    return out[:n]


def embedders(settings: Settings) -> dict[str, Embedder]:
    made = {b: Embedder(settings.embed_batch_size, settings.embed_threads, b, settings.model_dir) for b in BACKENDS}
    for b, e in made.items():
        if e.backend != b:
            raise RuntimeError(f"the {b} backend is unavailable (fell back to {e.backend}); see the warning above")
    return made


def bench_throughput(sets: dict[str, list[str]], embs: dict[str, Embedder], rows: list[tuple], reps: int = 3) -> None:
    """chunks/s per backend and set: `reps` interleaved runs, medians."""
    for name, texts in sets.items():
        wall: dict[str, list[float]] = {b: [] for b in embs}
        cpu: dict[str, list[float]] = {b: [] for b in embs}
        for e in embs.values():
            e.embed(texts[:64])  # warm
        for _ in range(reps):
            for b, e in embs.items():
                t, c = time.perf_counter(), time.process_time()
                e.embed(texts)
                wall[b].append(len(texts) / (time.perf_counter() - t))
                cpu[b].append(len(texts) / (time.process_time() - c))
        base = statistics.median(wall["torch"])
        for b in embs:
            w, c = statistics.median(wall[b]), statistics.median(cpu[b])
            rows.append((f"embed {name} ({len(texts)} chunks), {b}", f"{w:.1f} chunks/s",
                         f"x{w / base:.2f} vs torch; CPU time {c:.1f} chunks/s; runs {' / '.join(f'{x:.1f}' for x in wall[b])}"))


def bench_ingest_threads(texts: list[str], settings: Settings, rows: list[tuple], reps: int = 3) -> None:
    """ONNX on one thread (questions; ingest beside a running local model) vs ingest's bulk session on
    ingest_embed_threads: interleaved runs, medians, and how far apart their vectors are."""
    e = Embedder(settings.embed_batch_size, 1, "onnx", settings.model_dir, settings.ingest_embed_threads)
    n = settings.ingest_embed_threads
    runs = {1: lambda: e.embed(texts), n: lambda: e.embed_bulk(texts)}
    wall: dict[int, list[float]] = {t: [] for t in runs}
    for run in runs.values():
        run()  # warm: sessions built, arenas grown
    for _ in range(reps):
        for t, run in runs.items():
            start = time.perf_counter()
            run()
            wall[t].append(len(texts) / (time.perf_counter() - start))
    diff = float(np.abs(runs[1]() - runs[n]()).max())
    base = statistics.median(wall[1])
    for t in runs:
        w = statistics.median(wall[t])
        rows.append((f"embed {len(texts)} synthetic chunks, onnx, {t} thread(s)" + (" (ingest)" if t == n else ""),
                     f"{w:.1f} chunks/s", f"x{w / base:.2f} vs 1 thread; runs {' / '.join(f'{x:.1f}' for x in wall[t])}"
                     + (f"; vectors max abs {diff:.1e} from 1 thread's" if t == n else "")))


def bench_questions(questions: list[str], embs: dict[str, Embedder], rows: list[tuple], reps: int = 3) -> None:
    """Encoding one question (as search does), uncached."""
    lat: dict[str, list[float]] = {b: [] for b in embs}
    for _ in range(reps):
        for b, e in embs.items():
            for q in questions:
                t = time.perf_counter()
                e.embed([q])
                lat[b].append(time.perf_counter() - t)
    for b in embs:
        rows.append((f"encode one question, {b} ({len(questions)} x {reps})", f"p50 {pct_ms(lat[b], 50):.1f} ms",
                     f"p95 {pct_ms(lat[b], 95):.1f} ms"))


# Peak RSS from VmHWM: getrusage's ru_maxrss would count the parent's memory from before exec.
FIRST_VECTOR = """
import json, os, sys, time
t = time.perf_counter()
from rag.embeddings import Embedder
e = Embedder(backend=sys.argv[1], model_dir=sys.argv[2])
e.embed(["Who built the Bushehr plant?"])
s = time.perf_counter() - t
from bench.measure import rss_kb
print(json.dumps({"s": s, "rss_mb": rss_kb(os.getpid(), "VmHWM") / 1024, "backend": e.backend, "torch": "torch" in sys.modules}))
"""


def bench_first_vector(settings: Settings, rows: list[tuple], reps: int = 3) -> None:
    """A fresh process: import, load the model, encode one question (the export already made)."""
    got: dict[str, list[dict]] = {b: [] for b in BACKENDS}
    for _ in range(reps):
        for b in BACKENDS:
            out = subprocess.run([sys.executable, "-c", FIRST_VECTOR, b, str(settings.model_dir)], cwd=ROOT,
                                 check=True, capture_output=True, text=True)
            got[b].append(json.loads(out.stdout.strip().splitlines()[-1]))
    for b in BACKENDS:
        s = statistics.median(r["s"] for r in got[b])
        rows.append((f"first vector in a fresh process, {b}", f"{s:.2f} s",
                     f"peak RSS {max(r['rss_mb'] for r in got[b]):.0f} MB; torch imported: {got[b][0]['torch']}"))


def bench_difference(texts: list[str], embs: dict[str, Embedder], rows: list[tuple]) -> None:
    a, b = embs["onnx"].embed(texts), embs["torch"].embed(texts)
    cos = (a * b).sum(axis=1)
    rows.append(("onnx vs torch vectors, same chunks", f"max abs {np.abs(a - b).max():.1e}",
                 f"min cosine {cos.min():.7f}; existing indexes need no re-embedding"))


def bench_embedding(corpus_chunks: list[str], rows: list[tuple], n_synthetic: int = 2000, reps: int = 3) -> None:
    """All speed rows (the corpus section of `make bench`)."""
    settings = get_settings()
    embs = embedders(settings)
    questions = [json.loads(l)["question"] for l in (ROOT / "eval" / "datasets" / "questions.jsonl")
                 .read_text(encoding="utf-8").splitlines() if l.strip()][:50]
    sets = {"corpus": corpus_chunks, "synthetic briefs": synthetic_chunks(n_synthetic)}
    bench_throughput(sets, embs, rows, reps)
    bench_ingest_threads(sets["synthetic briefs"], settings, rows, reps)
    bench_questions(questions, embs, rows, reps)
    bench_first_vector(settings, rows, reps)
    bench_difference(corpus_chunks, embs, rows)


# ---- recall per backend -------------------------------------------------------------------------------

def ingested(backend: str, docs: Path) -> Engine:
    base = get_settings()
    engine = Engine(Settings(home=Path(tempfile.mkdtemp(prefix=f"bench-{backend}-")), model_dir=base.model_dir,
                             embed_backend=backend))
    engine.ingest([docs], progress=False)
    if engine.embedder.backend != backend:
        raise RuntimeError(f"the {backend} backend is unavailable")
    return engine


def top_k_overlap(a: Engine, b: Engine, questions: list[str], method: str, k: int = 5) -> float:
    """Mean share of the top-k chunks two engines have in common over the questions."""
    same = 0
    for q in questions:
        same += len({h.chunk_id for h in a.search(q, k=k, method=method)} & {h.chunk_id for h in b.search(q, k=k, method=method)})
    return same / (k * len(questions))


def recall_tables() -> str:
    from bench.retrieval_quality import DATASET, retrieval_table

    parts = []
    for label, docs, dataset in (("shipped corpus", ROOT / "corpus", DATASET), ("wiki", WIKI_DOCS, WIKI_QUESTIONS)):
        engines = {b: ingested(b, docs) for b in BACKENDS}
        try:
            for b, engine in engines.items():
                parts.append(f"{label}, {b}:\n\n{retrieval_table(engine, dataset=dataset)}\n")
            qs = [json.loads(l)["question"] for l in dataset.read_text(encoding="utf-8").splitlines() if l.strip()]
            overlap = {m: top_k_overlap(engines["torch"], engines["onnx"], qs, m) for m in ("hybrid", "dense")}
            parts.append(f"{label}: top-5 chunks shared by torch and onnx over all {len(qs)} questions: "
                         f"hybrid {overlap['hybrid']:.3f}, dense {overlap['dense']:.3f}\n")
        finally:
            for engine in engines.values():
                shutil.rmtree(engine.settings.home, ignore_errors=True)
    return "\n".join(parts)


def main(argv: list[str] | None = None) -> None:
    p = argparse.ArgumentParser(prog="python -m bench.embedding", description=__doc__.splitlines()[0])
    p.add_argument("--reps", type=int, default=3)
    p.add_argument("--synthetic", type=int, default=2000, help="synthetic chunks to encode")
    p.add_argument("--recall", action="store_true", help="also retrieval quality per backend (ingests twice)")
    p.add_argument("--threads-only", action="store_true", help="only ONNX on 1 thread vs ingest's threads")
    args = p.parse_args(argv)
    rows: list[tuple] = []
    load = os.getloadavg()[0]
    if args.threads_only:
        bench_ingest_threads(synthetic_chunks(args.synthetic), get_settings(), rows, args.reps)
    else:
        corpus = ingested("onnx", ROOT / "corpus")
        texts = [c.text for d in corpus.documents() for c in corpus.docstore.doc_chunks(d.doc_id)]
        shutil.rmtree(corpus.settings.home, ignore_errors=True)
        load = os.getloadavg()[0]
        bench_embedding(texts, rows, args.synthetic, args.reps)
    print(f"_Load average (1 min) {load:.1f} at the start, {os.getloadavg()[0]:.1f} at the end, on {os.cpu_count()} cores._\n")
    print("| measure | value | note |\n|---|---|---|\n" + "\n".join(f"| {a} | {b} | {c} |" for a, b, c in rows))
    if args.recall and not args.threads_only:
        print("\n" + recall_tables())


if __name__ == "__main__":
    main()
