"""Uploaded files -> the corpus folder -> ingested, or refused with a reason and nothing changed.

A file is read and cleaned from the upload area first; only a file that would really become an
article is copied into the corpus folder (under a sanitised name that cannot leave it) and ingested.

Uploads run in the background (`start_upload`, one at a time, in order) and report their progress;
the page follows a job with `follow`. A large file is read and cleaned in a child process
(rag.offload), so a 20 MB upload does not stall other users' questions.
"""
from __future__ import annotations

import logging
import os
import re
import shutil
import tempfile
import threading
import unicodedata
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from rag.errors import InputError, RagError, UnsupportedFile
from rag.readers import SUPPORTED_EXTENSIONS

log = logging.getLogger(__name__)

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


def add_uploads(engine, uploads: list[Path], progress: Callable[[float, str], None] | None = None) -> UploadResult:
    """Check each upload, copy the good ones into engine.settings.corpus_dir and ingest them.

    `uploads` are files in the upload area whose names are the names the user gave.
    """
    corpus = Path(engine.settings.corpus_dir)
    corpus.mkdir(parents=True, exist_ok=True)
    result = UploadResult()
    n = max(len(uploads), 1)
    for i, upload in enumerate(uploads):
        upload = Path(upload)
        step = (lambda f, what, i=i: progress((i + f) / n, what)) if progress else None
        if step:
            step(0.0, f"Checking {upload.name}")
        try:
            name = safe_filename(upload.name)
            engine.check_file(upload)
            dest = _copy_into(upload, corpus, name)
            report = engine.ingest([dest], prune=False, on_progress=step)
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
    ids = report.added + report.updated + report.unchanged + [d.doc_id for d in report.duplicates]
    docs = {d.doc_id: d for d in engine.documents()}
    d = docs.get(ids[0]) if ids else None
    if d is None:
        return name
    verb = "updated" if report.updated else ("already there, unchanged" if report.unchanged else "new")
    if report.duplicates and not (report.added or report.updated or report.unchanged):
        verb = f"same text as {d.doc_id}, kept as one article"
    return f"{name}: “{d.title}” ({d.n_chunks} chunks, {verb})"


# --- background jobs -----------------------------------------------------------------------------

@dataclass
class UploadJob:
    """One upload's progress, as the page shows it; `result` is set when it is finished."""
    names: list[str]
    fraction: float = 0.0
    stage: str = "Waiting for the upload before it to finish"
    result: UploadResult | None = None
    done: threading.Event = field(default_factory=threading.Event)

    def update(self, fraction: float, stage: str) -> None:
        self.fraction, self.stage = max(0.0, min(1.0, fraction)), stage


# One upload at a time, in order (ingestion takes the engine's write lock anyway); questions go on.
_worker = ThreadPoolExecutor(max_workers=1, thread_name_prefix="upload")


def start_upload(engine, uploads: list[Path]) -> UploadJob:
    """Ingest `uploads` in the background; returns at once with the job to follow."""
    job = UploadJob([Path(u).name for u in uploads])

    def run() -> None:
        try:
            job.result = add_uploads(engine, uploads, progress=job.update)
        except RagError as err:
            job.result = UploadResult(rejected=[("upload", str(err))])
        except Exception as err:  # never a stack trace in the page; the log has it
            log.exception("ingesting the uploads %s failed", job.names)
            job.result = UploadResult(rejected=[("upload", f"unexpected {type(err).__name__}; the server log has "
                                                           "the details")])
        finally:
            job.done.set()

    _worker.submit(run)
    return job


def follow(job: UploadJob, every_s: float = 0.5) -> Iterator[UploadJob]:
    """The job every `every_s` while it runs, then once more when it is finished (result set)."""
    while not job.done.wait(every_s):
        yield job
    yield job
