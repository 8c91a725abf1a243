"""A real `chroma run` server on 127.0.0.1, for the scale benchmark and the tests of RAG_CHROMA_URL."""
from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx

from rag.processes import free_port, stop_process

START_TIMEOUT_S = 60.0
STOP_TIMEOUT_S = 20.0  # it flushes its SQLite and index files on SIGTERM: give it time before a kill


@dataclass(frozen=True)
class ChromaServer:
    proc: subprocess.Popen
    port: int

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"


def start_chroma(path: Path, port: int, log: Path | None = None) -> subprocess.Popen:
    """Start `chroma run` over the data folder `path` and return once its heartbeat answers.
    Its output is appended to `log` (discarded if None)."""
    exe = Path(sys.executable).with_name("chroma")  # the venv's, whatever PATH says
    cmd = [str(exe), "run", "--host", "127.0.0.1", "--port", str(port), "--path", str(path)]
    with open(log or os.devnull, "ab") as out:
        proc = subprocess.Popen(cmd, stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
    deadline = time.time() + START_TIMEOUT_S
    while time.time() < deadline and proc.poll() is None:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/api/v2/heartbeat", timeout=1).status_code == 200:
                return proc
        except httpx.HTTPError:
            time.sleep(0.3)
    proc.kill()
    proc.wait()
    raise RuntimeError("chroma run did not start" + (f"; see {log}" if log else ""))


@contextmanager
def running_chroma(path: Path, log: Path | None = None) -> Iterator[ChromaServer]:
    """A server on a free port for the duration of the block, stopped after it."""
    port = free_port()
    server = ChromaServer(start_chroma(path, port, log), port)
    try:
        yield server
    finally:
        stop_process(server.proc, STOP_TIMEOUT_S)
