"""Append-only JSON-lines files that survive being killed mid-write.

Each row is written as one line, flushed and fsynced before the writer moves on, so after a crash
the file holds every finished row plus at most one torn line at the end. Readers skip that line;
`repair_tail` cuts it off before new rows are appended, so it cannot swallow the next row.
"""
from __future__ import annotations

import json
import os
import threading
from pathlib import Path


def read_rows(path: Path) -> list[dict]:
    """Every complete JSON object in `path` (missing file: none); torn or foreign lines are skipped."""
    rows = []
    try:
        data = Path(path).read_bytes()
    except FileNotFoundError:
        return rows
    for line in data.split(b"\n"):
        try:
            row = json.loads(line)
        except (ValueError, UnicodeDecodeError, RecursionError):  # RecursionError: nested thousands deep
            continue
        if isinstance(row, dict):
            rows.append(row)
    return rows


def repair_tail(path: Path) -> None:
    """Drop an unterminated last line (a write cut short by a kill)."""
    try:
        with open(path, "rb+") as f:
            data = f.read()
            if data and not data.endswith(b"\n"):
                f.truncate(data.rfind(b"\n") + 1)
    except FileNotFoundError:
        pass


class Appender:
    """Thread-safe appends of one JSON object per line, each durable before `append` returns."""

    def __init__(self, path: Path):
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        repair_tail(self.path)
        self._lock = threading.Lock()

    def append(self, row: dict) -> None:
        line = json.dumps(row, ensure_ascii=False) + "\n"
        with self._lock, open(self.path, "a", encoding="utf-8") as f:
            f.write(line)
            f.flush()
            os.fsync(f.fileno())


def write_json_atomic(path: Path, obj) -> None:
    """Write `obj` as JSON via a temp file and rename, so readers never see half a file."""
    write_text_atomic(path, json.dumps(obj, indent=2, ensure_ascii=False) + "\n")


def write_text_atomic(path: Path, text: str) -> None:
    path = Path(path)
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)
