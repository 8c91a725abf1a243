"""Cleaning and chunking a large article in a child process.

Both are pure Python (regular expressions, sentence splitting) and hold the interpreter lock while they
run: in the web server, a 20 MB upload would make every other user's question wait its turn for
minutes. A child process has its own interpreter, so questions keep their pace while it works; the
embedding that follows runs in torch, which releases the lock. Small articles stay in process (a
child costs a second or two to start).
"""
from __future__ import annotations

import multiprocessing
import threading
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from functools import lru_cache

from .chunking import Span, TokenCounter, chunk_spans
from .clean import clean_article
from .errors import InputError

OFFLOAD_CHARS = 1_000_000  # above this an article is cleaned and chunked in the child process

_pool: ProcessPoolExecutor | None = None
_pool_lock = threading.Lock()


def prepare_article(text: str, title_hint: str | None, chunk_tokens: int, overlap: int,
                    count_tokens: TokenCounter) -> tuple[str, str, list[Span]]:
    """(title, cleaned text, chunk spans); InputError if no article text is left."""
    if len(text) < OFFLOAD_CHARS:
        return _prepare(text, title_hint, chunk_tokens, overlap, count_tokens)
    try:
        return _child().submit(_prepare_in_child, text, title_hint, chunk_tokens, overlap).result()
    except BrokenProcessPool:  # the child was killed (out of memory?): say so rather than crash the caller
        _reset()
        raise InputError("cleaning this file stopped its worker process (out of memory?); try a smaller file") from None


def offloaded(fn, *args):
    """fn(*args) in the child process (fn and args must be picklable); for large files only."""
    try:
        return _child().submit(fn, *args).result()
    except BrokenProcessPool:
        _reset()
        raise InputError("reading this file stopped its worker process (out of memory?); try a smaller file") from None


def _prepare(text: str, title_hint: str | None, chunk_tokens: int, overlap: int,
             count_tokens: TokenCounter) -> tuple[str, str, list[Span]]:
    cleaned = clean_article(text, title_hint)
    if not cleaned.text.strip():
        raise InputError("no article text left after cleaning")
    return cleaned.title, cleaned.text, chunk_spans(cleaned.text, chunk_tokens, overlap, count_tokens)


def _prepare_in_child(text: str, title_hint: str | None, chunk_tokens: int, overlap: int):
    return _prepare(text, title_hint, chunk_tokens, overlap, _child_token_counter())


@lru_cache(maxsize=1)
def _child_token_counter() -> TokenCounter:
    from .embeddings import word_piece_counter

    return word_piece_counter()


def _child() -> ProcessPoolExecutor:
    global _pool
    with _pool_lock:
        if _pool is None:
            # spawn, not fork: the parent has threads (Gradio, torch) that a fork would copy mid-state
            _pool = ProcessPoolExecutor(max_workers=1, mp_context=multiprocessing.get_context("spawn"))
        return _pool


def _reset() -> None:
    global _pool
    with _pool_lock:
        if _pool is not None:
            _pool.shutdown(wait=False, cancel_futures=True)
        _pool = None
