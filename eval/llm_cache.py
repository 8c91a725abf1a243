"""A file-backed memo of LLM results, so re-scoring the same pairs costs nothing.

Calibrating 1,000 pairs with the local model takes a quarter of an hour; with this cache a rerun
(another threshold, another feature set) takes seconds, and a killed run keeps what it paid for.
"""
from __future__ import annotations

import hashlib
import json
import threading
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

from .jsonl import Appender, read_rows

T = TypeVar("T")


def cache_key(model: str, kind: str, messages: list[dict]) -> str:
    blob = json.dumps([model, kind, messages], ensure_ascii=False, sort_keys=True)
    return hashlib.sha256(blob.encode()).hexdigest()


class LLMCache:
    """key -> JSON value, in memory and (when `path` is given) appended to a JSON-lines file."""

    def __init__(self, path: Path | None = None):
        self._memo: dict[str, object] = {r["key"]: r["value"] for r in read_rows(path) if "key" in r} if path else {}
        self._file = Appender(path) if path else None
        self._lock = threading.Lock()
        self.misses = 0  # calls that reached the model (for the cost report)

    def __len__(self) -> int:
        return len(self._memo)

    def get_or_compute(self, key: str, compute: Callable[[], T]) -> T:
        with self._lock:
            if key in self._memo:
                return self._memo[key]
        value = compute()  # outside the lock: a remote judge may serve several calls at once
        with self._lock:
            self._memo[key] = value
            self.misses += 1
        if self._file:
            self._file.append({"key": key, "value": value})
        return value
