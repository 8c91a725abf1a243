"""The disk under the stores: a write failure told apart from damage, and a damaged store moved aside.

A full, read-only or size-limited disk is not damage: the user frees space and runs the command
again, and nothing is moved. A store that cannot be opened is renamed out of the way, never deleted.
"""
from __future__ import annotations

import errno
import shutil
import time
from pathlib import Path

from .errors import StoreError

# How SQLite (ours, and the one inside Chroma's Rust core, which reports EFBIG/ENOSPC as "disk I/O
# error") and the OS word a write the disk refused.
_WRITE_FAILURES = ("disk i/o error", "disk is full", "readonly database", "unable to open database file",
                   "no space left", "file too large", "read-only file system")


def is_write_failure(e: BaseException) -> bool:
    """True if `e` (or its cause) says the disk is full, read-only or over a file-size limit."""
    if isinstance(e, OSError) and e.errno in (errno.EFBIG, errno.ENOSPC, errno.EROFS):
        return True
    text = f"{e} {e.__cause__ or ''}".lower()
    return any(w in text for w in _WRITE_FAILURES)


def write_failure(store: str, where: Path, detail: str, then: str) -> StoreError:
    """The error for a write the disk refused: which store, why, the free space, and what to do."""
    return StoreError(
        f"cannot write {store} ({detail}{_free_space(where)}): the disk is full, read-only or over a "
        f"file-size limit. Free some space and run {then}"
    )


def _free_space(path: Path) -> str:
    try:
        return f", {shutil.disk_usage(path if path.exists() else path.parent).free / 1e6:,.0f} MB free"
    except OSError:
        return ""


def move_aside(path: Path, companions: tuple[str, ...] = ()) -> Path:
    """Rename a damaged store (a file or a folder) to `<name>.damaged-<time>` and return that path.
    `companions`: suffixes of files that go by the store's name (SQLite's "-wal", "-shm")."""
    target = path.with_name(f"{path.name}.damaged-{time.strftime('%Y%m%d-%H%M%S')}")
    for suffix in (*companions, ""):  # the main file last: SQLite pairs a WAL with its database by name
        if Path(f"{path}{suffix}").exists():
            Path(f"{path}{suffix}").rename(f"{target}{suffix}")
    return target
