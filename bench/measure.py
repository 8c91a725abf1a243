"""Small measuring helpers shared by the benchmarks: the labelled questions, percentiles and a process's
memory from /proc."""
from __future__ import annotations

from pathlib import Path

import numpy as np

QUESTIONS = Path(__file__).resolve().parent.parent / "eval" / "datasets" / "questions.jsonl"


def pct_ms(values: list[float], p: float) -> float:
    """The p-th percentile of durations in seconds, in milliseconds."""
    return float(np.percentile(values, p)) * 1000


def rss_kb(pid: int, key: str = "VmRSS") -> int:
    """A memory field of /proc/<pid>/status in KiB (VmRSS now, VmHWM its peak); 0 if the field is absent.
    Raises OSError if the process is gone."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(key + ":"):
            return int(line.split()[1])
    return 0
