"""The local model as an OpenAI-compatible HTTP server (llama.cpp via xllamacpp) in a child process.

A separate process means a crash in the native model code cannot take the app down, a hung model
can be killed, and tests can kill it on purpose. The parent talks to it only over loopback HTTP.

Run by LocalServer as: python -m rag.llm_server --model PATH --port N --threads T --ctx C --parent-pid P
"""
from __future__ import annotations

import argparse
import atexit
import os
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

from rag.errors import LLMError
from rag.model_files import MODEL_NAME, ensure_model
from rag.processes import free_port, stop_process
from rag.settings import Settings

START_TIMEOUT_S = 180.0  # loading 1.1 GB from a cold, slow disk; typically ~5 s
_LOG_MAX_BYTES = 10 * 1024 * 1024
_PROJECT_ROOT = Path(__file__).resolve().parent.parent


class LocalServer:
    """One llama.cpp server child process serving one GGUF on a free loopback port."""

    def __init__(self, model: Path, threads: int, ctx: int, log_path: Path):
        self.model = model
        self.threads = threads
        self.ctx = ctx
        self.log_path = log_path
        self.port: int | None = None
        self._proc: subprocess.Popen | None = None
        self._log_offset = 0  # where the current run's output starts in the log
        self._lock = threading.RLock()
        atexit.register(self.stop)

    @property
    def base_url(self) -> str:
        """The OpenAI-compatible base URL (valid once started; the port changes on restart)."""
        if self.port is None:
            raise LLMError("the local model server has not been started")
        return f"http://127.0.0.1:{self.port}/v1"

    @property
    def pid(self) -> int | None:
        return self._proc.pid if self._proc else None

    def is_alive(self) -> bool:
        return self._proc is not None and self._proc.poll() is None

    def has_died(self, grace_s: float = 1.0) -> bool:
        """True if the started process is gone, waiting up to grace_s for one being killed."""
        if self._proc is None:
            return False
        try:
            self._proc.wait(timeout=grace_s)
            return True
        except subprocess.TimeoutExpired:
            return False

    def ensure_running(self) -> str:
        """Start the server if it is not running (first use, or after it died); return base_url."""
        with self._lock:
            if not self.is_alive():
                self._start()
            return self.base_url

    def stop(self) -> None:
        with self._lock:
            proc, self._proc = self._proc, None
            if proc is not None:
                stop_process(proc, timeout_s=10)

    def _start(self) -> None:
        self.stop()  # reap a dead child before replacing it
        if not self.model.is_file():
            raise LLMError(f"the local model file {self.model} is missing; run `rag model`")
        self._spawn()
        if self._wait_ready():
            return
        if self._proc.poll() is not None:
            # Most often the free port we picked was taken before the child bound it: try another.
            self._spawn()
            if self._wait_ready():
                return
        reason = (
            f"it exited with code {self._proc.returncode}" if self._proc.poll() is not None
            else f"it was not ready after {START_TIMEOUT_S:.0f} s"
        )
        self.stop()
        raise LLMError(
            f"the local model server did not start: {reason}. Model file: {self.model}. "
            f"Last lines of its log ({self.log_path}):\n{self.log_tail()}"
        )

    def _spawn(self) -> None:
        self.port = free_port()
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        if self.log_path.exists() and self.log_path.stat().st_size > _LOG_MAX_BYTES:
            self.log_path.unlink()
        with open(self.log_path, "ab") as log:
            self._log_offset = log.tell()
            cmd = [
                sys.executable, "-m", "rag.llm_server",
                "--model", str(self.model), "--port", str(self.port),
                "--threads", str(self.threads), "--ctx", str(self.ctx),
                "--parent-pid", str(os.getpid()),
            ]
            # New session: a Ctrl-C in the terminal reaches only us; our atexit hook stops the child.
            self._proc = subprocess.Popen(
                cmd, cwd=_PROJECT_ROOT, stdin=subprocess.DEVNULL, stdout=log,
                stderr=subprocess.STDOUT, start_new_session=True,
            )

    def _wait_ready(self) -> bool:
        """True once /health answers 200; False if the child exits or the start times out."""
        deadline = time.monotonic() + START_TIMEOUT_S
        url = f"http://127.0.0.1:{self.port}/health"
        while time.monotonic() < deadline and self._proc.poll() is None:
            if _health_ok(url):
                return True
            time.sleep(0.2)
        return False

    def log_tail(self, lines: int = 20) -> str:
        """The last lines the server wrote since it was last started."""
        try:
            with open(self.log_path, "rb") as f:
                f.seek(self._log_offset)
                text = f.read().decode("utf-8", "replace")
        except OSError:
            return "(no log)"
        return "\n".join(text.splitlines()[-lines:]) or "(empty log)"


def _health_ok(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2) as r:
            return r.status == 200
    except (urllib.error.URLError, OSError):
        return False  # refused while starting, or 503 while the model loads


_server: LocalServer | None = None
_server_lock = threading.Lock()


def get_local_server(settings: Settings) -> LocalServer:
    """The process-wide LocalServer (not necessarily started: call ensure_running()).

    Assembles the model on first use. There is one local model (a fixed checksum), so a server
    already set up with the same threads/ctx is reused even if `settings.home` differs; otherwise
    the old server is stopped and replaced.
    """
    global _server
    with _server_lock:
        reusable = (
            _server is not None
            and (_server.threads, _server.ctx) == (settings.llm_threads, settings.llm_ctx)
            and _server.model.is_file()
        )
        if not reusable:
            model = ensure_model(settings)  # may raise ModelError: leave any running server alone
            if _server is not None:
                _server.stop()
            log = settings.log_dir / "llm-server.log"
            _server = LocalServer(model, settings.llm_threads, settings.llm_ctx, log)
        return _server


def local_server_running() -> bool:
    """Whether this process has a local model server alive (started, not yet stopped or dead)."""
    server = _server
    return server is not None and server.is_alive()


# ---- the child process -------------------------------------------------------------------------

def _server_params(model: str, port: int, threads: int, ctx: int):
    import xllamacpp  # only the child loads the native library

    p = xllamacpp.CommonParams()
    p.model.path = model
    p.model_alias = {MODEL_NAME}
    p.hostnames = ["127.0.0.1"]
    p.port = port
    p.n_ctx = ctx
    p.n_parallel = 1  # 2 cores: one request at a time is fastest; callers queue (rag.llm)
    p.cpuparams.n_threads = threads
    p.cpuparams_batch.n_threads = threads
    # Reuse the KV cache of a shared prompt prefix (fixed system prompt), and keep a few recent
    # prompts' caches in RAM so alternating prompt templates still hit (default is 8 GiB: too much).
    p.cache_prompt = True
    p.cache_ram_mib = 512
    p.ui = False
    return p


def _watch_parent(parent_pid: int) -> None:
    # Polling rather than PR_SET_PDEATHSIG: that signal fires when the *thread* that forked us
    # exits, and the parent may start us from a short-lived worker thread.
    while os.getppid() == parent_pid:
        time.sleep(1.0)
    os._exit(0)


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description="Serve the local GGUF over an OpenAI-compatible API.")
    ap.add_argument("--model", required=True)
    ap.add_argument("--port", type=int, required=True)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--ctx", type=int, default=4096)
    ap.add_argument("--parent-pid", type=int, default=None)
    args = ap.parse_args(argv)
    if args.parent_pid is not None:
        threading.Thread(target=_watch_parent, args=(args.parent_pid,), daemon=True).start()
    import xllamacpp

    # The Server constructor loads the model, then serves from its own threads until we exit.
    server = xllamacpp.Server(_server_params(args.model, args.port, args.threads, args.ctx))
    print(f"rag.llm_server: ready at {server.listening_address}", flush=True)
    threading.Event().wait()


if __name__ == "__main__":
    main()
