"""Cleaning and chunking a large article in a child process.

Both are pure Python (regular expressions, sentence splitting) and hold the interpreter lock while they
run: in the web server, a 20 MB upload would make every other user's question wait its turn for
minutes. A child process has its own interpreter, so questions keep their pace while it works; the
embedding that follows runs in torch, which releases the lock. Small articles stay in process (a
child costs a second or two to start).
"""
from __future__ import annotations

import os
import pickle
import subprocess
import sys
from functools import lru_cache
from pathlib import Path

from .chunking import Span, TokenCounter, chunk_spans
from .clean import clean_article
from .errors import InputError
from .readers import read_document

OFFLOAD_CHARS = 1_000_000  # above this an article is cleaned and chunked in the child process


def prepare_article(text: str, title_hint: str | None, chunk_tokens: int, overlap: int,
                    count_tokens: TokenCounter) -> tuple[str, str, list[Span]]:
    """(title, cleaned text, chunk spans); InputError if no article text is left."""
    if len(text) < OFFLOAD_CHARS:
        return _prepare(text, title_hint, chunk_tokens, overlap, count_tokens)
    return offloaded(_prepare_in_child, text, title_hint, chunk_tokens, overlap)


def check_file(path: Path, max_bytes: int) -> None:
    """InputError unless the file reads and cleans into a non-empty article (in the child process for a
    large file): the web UI asks this before it copies an upload into the corpus folder."""
    try:
        large = path.stat().st_size >= OFFLOAD_CHARS
    except OSError:
        large = False  # read_document says what is wrong with it
    if large:
        offloaded(check_article, path, max_bytes)
    else:
        check_article(path, max_bytes)


def check_article(path: Path, max_bytes: int) -> None:
    raw = read_document(path, max_bytes)
    if not clean_article(raw.text, raw.title_hint).text.strip():
        raise InputError("no article text in this file (it is empty after cleaning)")


def offloaded(fn, *args):
    """fn(*args) in a fresh Python process (`python -m rag.offload`; fn and args travel pickled).

    A plain child interpreter rather than multiprocessing: "spawn" re-imports the caller's main module,
    which breaks any program without an `if __name__ == "__main__"` guard. The child's InputError is
    raised here; any other failure becomes an InputError naming it."""
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(p for p in sys.path if p)}  # the same modules
    proc = subprocess.run([sys.executable, "-m", "rag.offload"], input=pickle.dumps((fn, args)),
                          capture_output=True, env=env, check=False)
    try:
        ok, value = pickle.loads(proc.stdout)
    except Exception:
        last = (proc.stderr.decode("utf-8", "replace").strip().splitlines() or ["no message"])[-1]
        raise InputError(f"the worker process that cleans large files failed (exit code {proc.returncode}: "
                         f"{last[:200]})") from None
    if ok:
        return value
    raise value


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
    from .encoders import word_piece_counter

    return word_piece_counter()


def _serve() -> None:
    """The child: read (fn, args) from stdin, write (True, result) or (False, InputError) to stdout."""
    out = sys.stdout.buffer
    sys.stdout = sys.stderr  # a library that prints must not corrupt the reply
    fn, args = pickle.load(sys.stdin.buffer)
    try:
        reply = (True, fn(*args))
    except InputError as e:
        reply = (False, e)
    pickle.dump(reply, out)
    out.flush()


if __name__ == "__main__":
    _serve()
