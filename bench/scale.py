"""Scale benchmark: ingest N synthetic news briefs (default 10,000) into embedded Chroma and into a
`chroma run` server on 127.0.0.1, then measure search.

    python -m bench.scale [--articles N] [--out bench/results/scale.md] [--skip-server] [--embedding-cache F.npz]

Embedding is most of the cost of ingest (~17 chunks/s on 2 cores), so it is paid once: a read-through
cache keyed by the chunk text's hash serves the second store. The table reports the embedding cost
once and, per store, the rest of ingest (read, clean, chunk, SQLite + FTS5, Chroma writes) broken down
by step, with the store writes' cost per chunk in each quarter of the run: cost growing in step with
the index size would mean O(n^2) over a whole ingest.
"""
from __future__ import annotations

import argparse
import hashlib
import json
import os
import shutil
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from bench.chroma_server import ChromaServer, running_chroma
from bench.measure import pct_ms, rss_kb
from bench.synthetic_news import Brief, write_corpus
from rag.embeddings import Embedder
from rag.engine import Engine
from rag.settings import Settings, get_settings

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_OUT = ROOT / "bench" / "results" / "scale.md"
N_PROBES = 200  # search questions per store
STORE_STEPS = ("chroma upsert", "chroma delete", "sqlite pending", "sqlite chunks + FTS5")


# ---- measuring helpers -------------------------------------------------------------------------

class CachingEmbedder:
    """Embedder whose batch `embed` is read-through cached by text hash (ingest only: questions are
    always encoded, so search latency includes encoding the question)."""

    def __init__(self, real: Embedder):
        self.real = real
        self.batch_size = real.batch_size
        self.cache: dict[bytes, np.ndarray] = {}
        self.encode_s = 0.0
        self.encoded = 0
        self.hits = 0

    def embed_bulk(self, texts: list[str], threads: int | None = None) -> np.ndarray:
        keys = [hashlib.sha1(t.encode("utf-8")).digest() for t in texts]
        missing = list(dict.fromkeys(k for k in keys if k not in self.cache))
        if missing:
            by_key = dict(zip(keys, texts))
            t0 = time.perf_counter()
            vecs = self.real.embed_bulk([by_key[k] for k in missing], threads)
            self.encode_s += time.perf_counter() - t0
            self.encoded += len(missing)
            self.cache.update(zip(missing, vecs))
        self.hits += len(keys) - len(missing)
        return np.stack([self.cache[k] for k in keys]) if keys else self.real.embed([])

    def embed_query(self, text: str) -> np.ndarray:
        # Every probe is asked once per retrieval method and store: bypass the app's question cache so each search
        # pays for encoding its question, as a new question does.
        return self.real.embed([text])[0]

    def save(self, path: Path) -> None:
        """Vectors plus what computing them cost, so a later run can skip the encoding."""
        meta = {"chunks": self.encoded, "seconds": self.encode_s, "date": time.strftime("%Y-%m-%d %H:%M"),
                "load_avg": os.getloadavg()[0], "encoder": self.encoder}
        np.savez(path, keys=np.array(list(self.cache), dtype="S20"), vectors=np.stack(list(self.cache.values())),
                 meta=json.dumps(meta))

    def load(self, path: Path) -> dict:
        with np.load(path) as f:
            self.cache.update(zip((bytes(k) for k in f["keys"]), f["vectors"]))
            return json.loads(str(f["meta"]))

    def count_tokens(self, texts: list[str]) -> list[int]:
        return self.real.count_tokens(texts)

    @property
    def encoder(self) -> str:
        """What encodes ingest's batches, e.g. "onnx, 2 thread(s)"."""
        return f"{self.real.backend}, {self.real.encoder_for(self.real.bulk_threads).threads} thread(s)"


@dataclass
class StepTimes:
    """Wall time per ingest step, and the per-chunk store cost of each group in order."""
    seconds: dict[str, float] = field(default_factory=dict)
    groups: list[tuple[int, float]] = field(default_factory=list)  # (chunks, store seconds)

    def timed(self, name: str, fn: Callable) -> Callable:
        def wrapper(*a, **kw):
            t0 = time.perf_counter()
            try:
                return fn(*a, **kw)
            finally:
                self.seconds[name] = self.seconds.get(name, 0.0) + time.perf_counter() - t0
        return wrapper

    def quarters_ms(self) -> list[float] | None:
        """Store cost per chunk (ms) in each quarter of the run, in order: flat means O(n) overall;
        rising in step with the index size would mean O(n^2)."""
        q = len(self.groups) // 4
        if q < 1:
            return None
        parts = [self.groups[i * q:(i + 1) * q] for i in range(3)] + [self.groups[3 * q:]]
        return [1000 * sum(s for _, s in p) / max(1, sum(n for n, _ in p)) for p in parts]


def instrument(engine: Engine, times: StepTimes) -> None:
    """Time each store step by wrapping the instance's methods (behaviour unchanged)."""
    vec, docs = engine.vectors, engine.docstore
    vec.add = times.timed("chroma upsert", vec.add)
    vec.delete_docs = times.timed("chroma delete", vec.delete_docs)
    docs.mark_pending = times.timed("sqlite pending", docs.mark_pending)
    docs.commit_chunks = times.timed("sqlite chunks + FTS5", docs.commit_chunks)
    ing = engine._ingestor
    store_group = ing._store_group

    def timed_group(group, bar):
        before = sum(times.seconds.get(k, 0.0) for k in STORE_STEPS)
        store_group(group, bar)
        after = sum(times.seconds.get(k, 0.0) for k in STORE_STEPS)
        times.groups.append((sum(len(p.spans) for p in group), after - before))

    ing._store_group = timed_group


def reset_peak_rss(pid: int) -> None:
    """Restart VmHWM from the current RSS (Linux >= 4.0), so a phase's peak is its own."""
    try:
        Path(f"/proc/{pid}/clear_refs").write_text("5")
    except OSError:
        pass


class RssSampler:
    """RSS of one process every 0.5 s: the curve shows growth that a single peak would hide."""

    def __init__(self, pid: int):
        self.pid, self.samples = pid, []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.wait(0.5):
            self.samples.append(rss_kb(self.pid))

    def __enter__(self) -> "RssSampler":
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join()

    def quartiles_mb(self) -> list[int]:
        s = self.samples or [rss_kb(self.pid)]
        return [round(s[min(len(s) - 1, int(len(s) * f))] / 1024) for f in (0.25, 0.5, 0.75)] + [round(s[-1] / 1024)]


def dir_mb(path: Path) -> float:
    return sum(f.stat().st_size for f in Path(path).rglob("*") if f.is_file()) / 1e6


def sqlite_mb(db: Path) -> float:
    return sum(Path(str(db) + s).stat().st_size for s in ("", "-wal") if Path(str(db) + s).exists()) / 1e6


# ---- one store ---------------------------------------------------------------------------------

def bench_store(label: str, settings: Settings, corpus: Path, briefs: list[Brief], embedder: CachingEmbedder,
                chroma_dir: Path, server: ChromaServer | None = None) -> dict:
    engine = Engine(settings)
    engine.__dict__["embedder"] = embedder  # cached_property: the ingestor and retriever use this one
    times = StepTimes()
    instrument(engine, times)
    encode_before = embedder.encode_s
    pids = [os.getpid()] + ([server.proc.pid] if server else [])
    for pid in pids:
        reset_peak_rss(pid)
    with RssSampler(os.getpid()) as sampler:
        t0 = time.perf_counter()
        rep = engine.ingest([corpus], progress=True)
        ingest_s = time.perf_counter() - t0
    assert not rep.skipped, rep.skipped[:3]
    encode_s = embedder.encode_s - encode_before
    stats = {
        "label": label,
        "articles": len(rep.added),
        "chunks": rep.chunks_embedded,
        "ingest_s": ingest_s,
        "encode_s": encode_s,
        "store_s": ingest_s - encode_s,
        "steps": dict(times.seconds),
        "store_ms_per_chunk_by_quarter": times.quarters_ms(),
        "groups": times.groups,
        "rss_mb": {"bench": rss_kb(os.getpid(), "VmHWM") // 1024, "bench_curve": sampler.quartiles_mb()},
    }
    if server:
        stats["rss_mb"]["chroma server"] = rss_kb(server.proc.pid, "VmHWM") // 1024
    stats["disk_mb"] = {
        "chroma": dir_mb(chroma_dir),
        "sqlite": sqlite_mb(settings.db_path),
    }
    stats.update(bench_incremental(engine, corpus))
    stats.update(bench_search(engine, briefs))
    return stats


def bench_incremental(engine: Engine, corpus: Path) -> dict:
    """A re-run over the unchanged corpus, and one new article added to the full index, each split into
    the consistency checks run before every ingest, the scan that re-reads and hashes every file, and
    the rest (storing what changed)."""
    times = StepTimes()
    ing = engine._ingestor
    for name, label in (("_repair", "checks"), ("_scan", "scan")):
        if hasattr(ing, name):  # private steps: time them if they are still called so
            setattr(ing, name, times.timed(label, getattr(ing, name)))

    def timed_ingest() -> tuple[float, dict, object]:
        times.seconds.clear()
        t0 = time.perf_counter()
        rep = engine.ingest([corpus], progress=False)
        return time.perf_counter() - t0, dict(times.seconds), rep

    reingest_s, reingest_steps, rep = timed_ingest()
    assert len(rep.unchanged) > 0 and not rep.added, "unchanged re-ingest embedded something"
    extra = corpus / "zz-extra" / "extra_brief.txt"
    extra.parent.mkdir(exist_ok=True)
    extra.write_text("Harbour crane contract\n\nThe Portsea Port Commission on Monday signed a contract for "
                     "two electric harbour cranes, officials said.\n", encoding="utf-8")
    add_one_s, add_one_steps, rep = timed_ingest()
    assert rep.added == ["extra_brief"], rep.added
    shutil.rmtree(extra.parent)
    return {"reingest_s": reingest_s, "reingest_steps": reingest_steps, "add_one_s": add_one_s,
            "add_one_steps": add_one_steps}


def bench_search(engine: Engine, briefs: list[Brief]) -> dict:
    """Latency per retrieval method over questions naming one brief's facts; recall@5 of that brief.
    The methods take turns on each question, so a busy moment on the machine hits them alike."""
    step = max(1, len(briefs) // N_PROBES)
    probes = briefs[::step][:N_PROBES]
    methods = ("hybrid", "dense", "keyword")
    for b in probes[:10]:  # warm caches and connections
        for method in methods:
            engine.search(b.question, k=5, method=method)
    lat: dict[str, list[float]] = {m: [] for m in methods}
    found = dict.fromkeys(methods, 0)
    for b in probes:
        for method in methods:
            t0 = time.perf_counter()
            hits = engine.search(b.question, k=5, method=method)
            lat[method].append(time.perf_counter() - t0)
            found[method] += any(h.doc_id == b.doc_id for h in hits)
    return {"probes": len(probes), "search": {
        m: {"p50_ms": pct_ms(lat[m], 50), "p95_ms": pct_ms(lat[m], 95), "recall@5": found[m] / len(probes)}
        for m in methods}}


# ---- the run -----------------------------------------------------------------------------------

def run(n_articles: int, with_server: bool = True, seed: int = 7, cache_file: Path | None = None) -> dict:
    work = Path(tempfile.mkdtemp(prefix="bench-scale-"))
    load_start = os.getloadavg()[0]
    try:
        t0 = time.perf_counter()
        briefs = write_corpus(work / "corpus", n_articles, seed)
        gen_s = time.perf_counter() - t0
        base = get_settings()
        real = Embedder.from_settings(base)
        real.embed_bulk(["warm up"])  # loading the model (and its ingest session) is not ingestion
        embedder = CachingEmbedder(real)
        cached = embedder.load(cache_file) if cache_file and cache_file.exists() else None
        results = {"articles": n_articles, "seed": seed, "generate_s": gen_s, "stores": []}
        embedded = Settings(home=work / "embedded", model_dir=base.model_dir)
        results["stores"].append(bench_store("embedded Chroma", embedded, work / "corpus", briefs, embedder,
                                             embedded.chroma_dir))
        if with_server:
            with running_chroma(work / "chroma-server", work / "chroma-server.log") as server:
                remote = Settings(home=work / "remote", model_dir=base.model_dir, chroma_url=server.url)
                results["stores"].append(bench_store("Chroma server (loopback)", remote, work / "corpus", briefs,
                                                     embedder, work / "chroma-server", server))
        results["embedding"] = {"chunks": embedder.encoded, "seconds": embedder.encode_s, "cache_hits": embedder.hits,
                                "encoder": embedder.encoder}
        if cached:  # the encoding was measured when the cache file was filled
            results["embedding"].update(chunks=cached["chunks"], seconds=cached["seconds"],
                                        from_cache=f"{cache_file.name}, {cached['date']}",
                                        load_avg=cached["load_avg"], encoder=cached.get("encoder", "threads not recorded"))
        elif cache_file:
            embedder.save(cache_file)
        results["load_avg"] = [load_start, os.getloadavg()[0]]
        return results
    finally:
        shutil.rmtree(work, ignore_errors=True)


def render(r: dict) -> str:
    emb = r["embedding"]
    lines = [
        f"### scale: {r['articles']:,} synthetic news briefs (seed {r['seed']}), "
        + " and ".join(s["label"] for s in r["stores"]),
        "",
        f"_Load average (1 min) {r['load_avg'][0]:.1f} at the start, {r['load_avg'][1]:.1f} at the end, on "
        f"{os.cpu_count()} cores" + (": other work shared the machine._" if r["load_avg"][0] > 1.0 else
                                      " (idle at the start; the ingest itself loads both cores)._"),
        "",
        f"Embedding, paid once: {emb['chunks']:,} distinct chunk texts in {emb['seconds']:.0f} s = "
        f"**{emb['chunks'] / emb['seconds']:.1f} chunks/s** (all-MiniLM-L6-v2, {emb.get('encoder', '1 torch thread')}); "
        + (f"both stores read the vectors from a cache file, filled and timed by an earlier run ({emb['from_cache']}, "
           f"load average {emb['load_avg']:.1f})." if emb.get("from_cache") else
           f"the second store reads the same vectors from a cache ({emb['cache_hits']:,} hits)."),
        "",
    ]
    stores = r["stores"]
    head = "| measure | " + " | ".join(s["label"] for s in stores) + " |"
    rows = [head, "|---|" + "---|" * len(stores)]

    def row(name: str, fmt: Callable[[dict], str]) -> None:
        rows.append(f"| {name} | " + " | ".join(fmt(s) for s in stores) + " |")

    full = lambda s: emb["seconds"] + s["store_s"]  # noqa: E731  what a cold ingest into this store costs
    row("articles / chunks", lambda s: f"{s['articles']:,} / {s['chunks']:,}")
    row("ingest, cold (embedding + rest)", lambda s: f"{full(s):.0f} s: {s['articles'] / full(s):.1f} articles/s, "
                                                    f"{s['chunks'] / full(s):.1f} chunks/s")
    row("ingest without embedding", lambda s: f"{s['store_s']:.0f} s: {s['articles'] / s['store_s']:.0f} articles/s, "
                                              f"{s['chunks'] / s['store_s']:.0f} chunks/s")
    for step in STORE_STEPS:
        row(f"  of which {step}", lambda s, k=step: f"{s['steps'].get(k, 0):.1f} s")
    row("  of which read, clean, chunk, rest", lambda s: f"{s['store_s'] - sum(s['steps'].values()):.1f} s")
    row("  store writes per chunk, by quarter of the run", lambda s: "–" if not s["store_ms_per_chunk_by_quarter"] else
        " / ".join(f"{v:.1f}" for v in s["store_ms_per_chunk_by_quarter"]) + " ms")
    row("re-ingest unchanged corpus", lambda s: f"{s['reingest_s']:.1f} s")
    row("  of which consistency checks / re-hashing the files", lambda s: " / ".join(
        f"{s['reingest_steps'][k]:.1f} s" if k in s["reingest_steps"] else "–" for k in ("checks", "scan")))
    row("add 1 article to the full index", lambda s: f"{s['add_one_s']:.1f} s")
    row("  of which consistency checks / re-hashing the files", lambda s: " / ".join(
        f"{s['add_one_steps'][k]:.1f} s" if k in s["add_one_steps"] else "–" for k in ("checks", "scan")))
    row("disk: Chroma", lambda s: f"{s['disk_mb']['chroma']:.0f} MB")
    row("disk: SQLite (texts, chunks, FTS5)", lambda s: f"{s['disk_mb']['sqlite']:.0f} MB")
    row("peak RSS, bench process (model + client)", lambda s: f"{s['rss_mb']['bench']:,} MB")
    row("  RSS at 25/50/75/100 % of ingest", lambda s: " / ".join(map(str, s["rss_mb"]["bench_curve"])) + " MB")
    row("peak RSS, `chroma run` server", lambda s: f"{s['rss_mb']['chroma server']:,} MB" if "chroma server" in s["rss_mb"] else "–")
    for method in ("hybrid", "dense", "keyword"):
        row(f"search {method} (k=5), p50 / p95", lambda s, m=method: f"{s['search'][m]['p50_ms']:.0f} / {s['search'][m]['p95_ms']:.0f} ms")
    for method in ("hybrid", "dense", "keyword"):
        row(f"recall@5 of the named brief, {method}", lambda s, m=method: f"{s['search'][m]['recall@5']:.2f}")
    note = (f"\n{stores[0]['probes']} search questions, each naming one brief's official, project and city. "
            "Times measured beside other work: treat them as upper bounds.\n")
    return "\n".join(lines + rows) + "\n" + note


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--articles", type=int, default=10_000, help="synthetic briefs to ingest (default 10,000)")
    ap.add_argument("--out", type=Path, default=DEFAULT_OUT, help="markdown table (a .json with the raw numbers beside it)")
    ap.add_argument("--skip-server", action="store_true", help="only the embedded store")
    ap.add_argument("--embedding-cache", type=Path, default=None,
                    help="keep the chunk vectors in this .npz (outside the repo): a rerun skips the encoding and "
                         "reports the encoding cost measured when the file was filled")
    args = ap.parse_args(argv)
    if args.articles < 20:
        ap.error("--articles must be at least 20")
    results = run(args.articles, with_server=not args.skip_server, cache_file=args.embedding_cache)
    text = render(results)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(text, encoding="utf-8")
    args.out.with_suffix(".json").write_text(json.dumps(results, indent=2), encoding="utf-8")
    print(text)


if __name__ == "__main__":
    main()
