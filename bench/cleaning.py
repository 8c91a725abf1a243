"""Cleaning and chunking time against file size: one huge article (synthetic briefs run together, each
headline a short non-sentence line, as in a long web capture), so a step that is quadratic in the number
of lines or in a line's length shows up as a ratio, not as a guess.

    python -m bench.cleaning 1 5 20      # clean + chunk time for 1, 5 and 20 MB files
"""
from __future__ import annotations

import sys
import time

from bench.synthetic_news import brief

MB = 1024 * 1024


def big_article(n_bytes: int, seed: int = 11) -> str:
    """At least `n_bytes` of UTF-8 article text: a title, then briefs one after another."""
    parts, size, i = ["A long capture of the regional news wire\n\n"], 0, 0
    while size < n_bytes:
        text = brief(seed, i).text + "\n"
        parts.append(text)
        size += len(text.encode("utf-8"))
        i += 1
    return "".join(parts)


def clean_seconds(text: str) -> float:
    """CPU seconds of this process to clean `text` (CPU, not wall time: the machine is shared, and a
    neighbour's load would skew a ratio of wall times)."""
    from rag.clean import clean_article

    t = time.process_time()
    clean_article(text)
    return time.process_time() - t


def token_counter():
    from rag.embeddings import Embedder
    from rag.settings import get_settings

    s = get_settings()
    count = Embedder(s.embed_batch_size, s.embed_threads).count_tokens
    count(["warm up"])  # the tokenizer's load is not chunking
    return count


def clean_and_chunk_seconds(text: str, count=None) -> dict[str, float]:
    """Wall and CPU seconds to clean and to chunk `text` with the real tokenizer, and the chunk count."""
    from rag.chunking import chunk_spans
    from rag.clean import clean_article
    from rag.settings import get_settings

    s, count = get_settings(), count or token_counter()
    w, c = time.perf_counter(), time.process_time()
    cleaned = clean_article(text)
    w1, c1 = time.perf_counter(), time.process_time()
    spans = chunk_spans(cleaned.text, s.chunk_tokens, s.chunk_overlap, count)
    w2, c2 = time.perf_counter(), time.process_time()
    return {"clean_s": w1 - w, "chunk_s": w2 - w1, "cpu_s": c2 - c, "wall_s": w2 - w, "chunks": len(spans)}


def bench_cleaning(sizes_mb: list[float], rows: list[tuple]) -> None:
    count = token_counter()
    for mb in sizes_mb:
        m = clean_and_chunk_seconds(big_article(int(mb * MB)), count)
        rows.append((f"clean + chunk a {mb:g} MB article", f"{m['wall_s']:.1f} s ({m['cpu_s']:.1f} s CPU)",
                     f"clean {m['clean_s']:.1f} s, chunk {m['chunk_s']:.1f} s ({m['chunks']:,} chunks); "
                     "target 20 MB < 30 s"))


if __name__ == "__main__":
    out: list[tuple] = []
    bench_cleaning([float(a) for a in sys.argv[1:]] or [1, 5, 20], out)
    for row in out:
        print(" | ".join(row), flush=True)
