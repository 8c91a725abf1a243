"""Uploaded files -> the corpus folder -> ingested, or refused with a reason and nothing changed.

A file is read and cleaned from the upload area first; only a file that would really become an
article is copied into the corpus folder (under a sanitised name that cannot leave it) and ingested.
"""
from __future__ import annotations

import os
import re
import shutil
import tempfile
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from rag.clean import clean_article
from rag.errors import InputError, UnsupportedFile
from rag.readers import SUPPORTED_EXTENSIONS, read_document

MAX_NAME_CHARS = 120
_UNSAFE = re.compile(r"[^\w.\- ()]+")  # \w is Unicode-aware: accented names stay readable


@dataclass
class UploadResult:
    added: list[str] = field(default_factory=list)  # "name.txt: Title (7 chunks)"
    rejected: list[tuple[str, str]] = field(default_factory=list)  # (name, reason)


def safe_filename(name: str) -> str:
    """The name an upload gets in the corpus folder; InputError if there is no safe one.

    Only the last path component counts (either slash), it may not be hidden, "." or "..", and
    characters outside letters, digits, space and ._-() become "_".
    """
    base = unicodedata.normalize("NFC", re.split(r"[\\/]", str(name))[-1]).strip()
    if not base or base in (".", "..") or base.startswith("."):
        raise InputError(f"{name!r} is not an acceptable file name (empty, hidden or a folder reference)")
    if any(ord(ch) < 32 for ch in base):
        raise InputError(f"{name!r}: the file name contains control characters")
    stem, ext = os.path.splitext(base)
    if ext.lower() not in SUPPORTED_EXTENSIONS:
        shown = ext or "without an extension"
        raise UnsupportedFile(f"unsupported file type {shown}; supported: {', '.join(SUPPORTED_EXTENSIONS)}")
    stem = _UNSAFE.sub("_", stem).strip(" .") or "article"
    return stem[:MAX_NAME_CHARS] + ext.lower()


def check_article(path: Path, max_bytes: int) -> None:
    """Raise InputError unless the file reads and cleans into a non-empty article."""
    raw = read_document(path, max_bytes)
    if not clean_article(raw.text, raw.title_hint).text.strip():
        raise InputError("no article text in this file (it is empty after cleaning)")


def add_uploads(engine, uploads: list[Path], progress: Callable[[float, str], None] | None = None) -> UploadResult:
    """Check each upload, copy the good ones into engine.settings.corpus_dir and ingest them.

    `uploads` are files in the upload area whose names are the names the user gave.
    """
    corpus = Path(engine.settings.corpus_dir)
    corpus.mkdir(parents=True, exist_ok=True)
    result = UploadResult()
    for i, upload in enumerate(uploads):
        upload = Path(upload)
        if progress:
            progress(i / max(len(uploads), 1), f"Reading {upload.name}")
        try:
            name = safe_filename(upload.name)
            check_article(upload, engine.settings.max_file_bytes)
            dest = _copy_into(upload, corpus, name)
            report = engine.ingest([dest], prune=False)
        except InputError as err:
            result.rejected.append((upload.name, str(err).removeprefix(f"{upload.name}: ")))
            continue
        if report.skipped:  # refused by a check only ingestion makes: take the file out again
            dest.unlink(missing_ok=True)
            result.rejected.append((upload.name, report.skipped[0].reason))
            continue
        result.added.append(_describe(engine, name, report))
    if progress:
        progress(1.0, "Done")
    return result


def _copy_into(upload: Path, corpus: Path, name: str) -> Path:
    """Copy atomically: a reader of the corpus folder never sees half a file."""
    dest = corpus / name
    if dest.resolve().parent != corpus.resolve():  # safe_filename prevents it; a symlink could not
        raise InputError(f"{name!r} would be saved outside the corpus folder")
    fd, tmp = tempfile.mkstemp(dir=corpus, prefix=".upload-")
    os.close(fd)
    try:
        shutil.copyfile(upload, tmp)
        os.replace(tmp, dest)
    except OSError as err:
        Path(tmp).unlink(missing_ok=True)
        raise InputError(f"could not save the file into the corpus folder: {err.strerror}") from err
    return dest


def _describe(engine, name: str, report) -> str:
    ids = report.added + report.updated + report.unchanged
    docs = {d.doc_id: d for d in engine.documents()}
    d = docs.get(ids[0]) if ids else None
    if d is None:
        return name
    verb = "updated" if report.updated else ("already there, unchanged" if report.unchanged else "new")
    return f"{name}: “{d.title}” ({d.n_chunks} chunks, {verb})"
