"""Load and memory: many conversations against the RUNNING web app, and RSS over a long run.

`drive_app` starts the real app (`rag ui`, on 127.0.0.1 and a free port, over a fresh copy of the
corpus) in a child process and drives its /ask API over HTTP with gradio_client: N concurrent
conversations of a few turns each (follow-ups carry the conversation, which lives in the server's
session state). Every reply is classified from what the user would see: an answer, an abstention,
a "busy" note (the local model's queue is full), or an error. The server's RSS, with its local-model
child, is sampled throughout. Bounded in requests and time; loopback only.

`memory_run` asks the library Engine many varied questions in one process and compares RSS after a
warm-up with RSS at the end.

    python -m bench.load app --mode extractive --conversations 20 --duration 120
    python -m bench.load app --mode local --conversations 4 --duration 120
    python -m bench.load upload --size-mb 20 --conversations 4 --duration 120
    python -m bench.load memory --questions 1000 --warmup 50
"""
from __future__ import annotations

import argparse
import gc
import html
import json
import os
import random
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from bench.measure import rss_kb
from rag.processes import free_port

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "corpus"
QUESTIONS = ROOT / "eval" / "datasets" / "questions.jsonl"
START_TIMEOUT_S = 240.0  # imports, embedding model and (local mode) the 1.1 GB model, on a loaded machine
SAMPLE_EVERY_S = 0.25
CLIENT_HTTP_TIMEOUT_S = 60.0
SERVED = ("answered", "abstained", "fallback")  # the user got an answer or a reasoned "not in the articles"


# ---- conversations ---------------------------------------------------------------------------------

def dataset_rows() -> list[dict]:
    return [json.loads(line) for line in QUESTIONS.read_text(encoding="utf-8").splitlines() if line.strip()]


def conversation_scripts(rows: list[dict] | None = None) -> list[list[str]]:
    """Multi-turn scripts: the user turns of each labelled follow-up (its history, then the follow-up),
    then one unrelated question, so every conversation has 3-4 turns and at least one follow-up."""
    rows = rows if rows is not None else dataset_rows()
    singles = [r["question"] for r in rows if not r.get("history")]
    rng = random.Random(0)
    return [[m["content"] for m in r["history"] if m["role"] == "user"] + [r["question"], rng.choice(singles)]
            for r in rows if r.get("history")]


# ---- what the user saw -----------------------------------------------------------------------------

_TURN = re.compile(r"<div class=\"turn(?: [\w-]+)*\" data-turn=\"\d+\">")
_TAGS = re.compile(r"<[^>]+>")


def classify(transcript_html: str) -> tuple[str, str]:
    """(kind, detail) of the last turn of a rendered transcript (ui.render.transcript_html)."""
    turns = _TURN.split(transcript_html)
    last = turns[-1] if len(turns) > 1 else ""
    text = html.unescape(" ".join(_TAGS.sub(" ", last).split()))
    if 'class="notice error"' in last:
        return ("busy" if "busy" in text.lower() else "error"), text
    if 'class="notice abstain"' in last:  # declined (its note, if any, says why)
        return "abstained", text
    if 'class="notice warn"' in last:
        return ("busy" if "busy" in text.lower() else "fallback"), text
    if 'class="answer"' in last:
        return "answered", text
    return "error", f"no finished turn in the reply: {text[:200]}"


@dataclass
class Reply:
    kind: str  # answered | abstained | fallback | busy | error
    latency_s: float
    detail: str = ""


@dataclass
class LoadResult:
    mode: str
    conversations: int
    duration_s: float = 0.0
    replies: list[Reply] = field(default_factory=list)
    rss_start: int = 0
    rss_peak: int = 0
    rss_end: int = 0
    processes: int = 0

    def count(self, *kinds: str) -> int:
        return sum(r.kind in kinds for r in self.replies)

    def latencies(self, *kinds: str) -> list[float]:
        return [r.latency_s for r in self.replies if r.kind in kinds]

    def summary(self) -> dict:
        served = self.latencies(*SERVED)
        busy = self.latencies("busy")
        return {
            "mode": self.mode, "conversations": self.conversations, "duration_s": round(self.duration_s, 1),
            "requests": len(self.replies), "kinds": dict(Counter(r.kind for r in self.replies)),
            "served": len(served), "busy": len(busy), "errors": self.count("error"),
            "throughput_rps": round(len(served) / self.duration_s, 2) if self.duration_s else 0.0,
            "p50_s": _pct(served, 50), "p95_s": _pct(served, 95), "max_s": round(max(served), 2) if served else None,
            "busy_p50_s": _pct(busy, 50),
            "rss_start_mb": _mb(self.rss_start), "rss_peak_mb": _mb(self.rss_peak), "rss_end_mb": _mb(self.rss_end),
            "server_processes": self.processes,
            "error_samples": sorted({r.detail[:300] for r in self.replies if r.kind == "error"})[:5],
            # A fallback is served (quotes), but says why the model's answer is not shown: worth reading.
            "fallback_notes": sorted({_note(r.detail) for r in self.replies if r.kind == "fallback"})[:5],
        }


def _note(detail: str) -> str:
    return detail[detail.find("Note:"):][:300] if "Note:" in detail else detail[:300]


def _pct(values: list[float], p: float) -> float | None:
    return round(float(np.percentile(values, p)), 2) if values else None


def _mb(n: int) -> float:
    return round(n / 2**20, 1)


# ---- memory of a process tree (/proc: no extra dependency) -------------------------------------------

def rss_bytes(pid: int) -> int:
    """Resident set size of one process (0 if it is gone)."""
    try:
        return rss_kb(pid) * 1024
    except OSError:
        return 0


def process_tree(root: int) -> list[int]:
    """root and all its descendants (the app and the local-model server it starts)."""
    children: dict[int, list[int]] = {}
    for d in Path("/proc").iterdir():
        if not d.name.isdigit():
            continue
        try:
            # The command name may hold spaces and parentheses: the ppid is the 2nd field after the last ')'.
            ppid = int((d / "stat").read_text().rsplit(")", 1)[1].split()[1])
        except (OSError, IndexError, ValueError):
            continue
        children.setdefault(ppid, []).append(int(d.name))
    out, todo = [], [root]
    while todo:
        pid = todo.pop()
        out.append(pid)
        todo += children.get(pid, [])
    return out


class RssSampler(threading.Thread):
    """Samples the summed RSS of a process tree until stopped; keeps the peak and the process count."""

    def __init__(self, root: int):
        super().__init__(name="rss-sampler", daemon=True)
        self.root = root
        self.peak = 0
        self.processes = 0
        self._stop_event = threading.Event()

    def current(self) -> int:
        pids = process_tree(self.root)
        self.processes = max(self.processes, len(pids))
        return sum(rss_bytes(p) for p in pids)

    def run(self) -> None:
        while not self._stop_event.is_set():
            self.peak = max(self.peak, self.current())
            self._stop_event.wait(SAMPLE_EVERY_S)

    def stop(self) -> int:
        self._stop_event.set()
        self.join()
        last = self.current()
        self.peak = max(self.peak, last)
        return last


# ---- the running app ---------------------------------------------------------------------------------

class AppServer:
    """`rag ui` in a child process over a fresh data directory (a copy of the corpus, ingested first)."""

    def __init__(self, mode: str, env: dict[str, str] | None = None):
        from rag.settings import get_settings

        self.home = Path(tempfile.mkdtemp(prefix="load-"))
        corpus = self.home / "corpus"
        shutil.copytree(CORPUS, corpus)
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}/"
        self.env = {**os.environ, "RAG_HOME": str(self.home), "RAG_CORPUS_DIR": str(corpus),
                    "RAG_MODEL_DIR": str(Path(get_settings().model_dir).resolve()), "RAG_MODE": mode,
                    "RAG_UI_HOST": "127.0.0.1", **(env or {})}
        self.log_path = self.home / "server.log"
        self.proc: subprocess.Popen | None = None

    def __enter__(self) -> "AppServer":
        try:
            subprocess.run([sys.executable, "-m", "newsrag_cli", "ingest", str(self.home / "corpus")], env=self.env,
                           cwd=ROOT, check=True, capture_output=True, timeout=600)
            with open(self.log_path, "wb") as log:
                self.proc = subprocess.Popen(
                    [sys.executable, "-m", "newsrag_cli", "ui", "--host", "127.0.0.1", "--port", str(self.port)],
                    env=self.env, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
            self._wait_ready()
        except BaseException:
            self.__exit__(None, None, None)
            raise
        return self

    def _wait_ready(self) -> None:
        deadline = time.monotonic() + START_TIMEOUT_S
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"the app exited with code {self.proc.returncode}:\n{self.log_tail()}")
            try:
                with urllib.request.urlopen(self.url + "config", timeout=5) as r:
                    if r.status == 200:
                        return
            except (urllib.error.URLError, OSError):
                pass
            time.sleep(0.5)
        raise RuntimeError(f"the app did not answer on {self.url} within {START_TIMEOUT_S:.0f} s:\n{self.log_tail()}")

    def wait_for_log(self, pattern: str, timeout_s: float) -> float:
        """Seconds until the app's console prints a line matching `pattern` (counted from this call)."""
        t0 = time.monotonic()
        while time.monotonic() - t0 < timeout_s:
            if re.search(pattern, self.log_path.read_text(errors="replace")):
                return time.monotonic() - t0
            if self.proc.poll() is not None:
                raise RuntimeError(f"the app exited with code {self.proc.returncode}:\n{self.log_tail()}")
            time.sleep(0.2)
        raise RuntimeError(f"the app never printed {pattern!r} within {timeout_s:.0f} s:\n{self.log_tail()}")

    def log_tail(self, lines: int = 30) -> str:
        try:
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return "(no log)"

    def __exit__(self, *exc) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGINT)  # as Ctrl-C: Gradio closes, atexit stops the model server
            try:
                self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        shutil.rmtree(self.home, ignore_errors=True)


def new_client(url: str):
    """An API client: one session, i.e. one user with one conversation (reset_session starts another).
    HTTP calls wait up to CLIENT_HTTP_TIMEOUT_S like a browser would, not httpx's default 5 s: on a busy
    machine the app's config and queue-join replies can take longer, and that is slowness, not failure."""
    from gradio_client import Client

    return Client(url, verbose=False, analytics_enabled=False, download_files=False,
                  httpx_kwargs={"timeout": CLIENT_HTTP_TIMEOUT_S})


def ask_app(client, question: str, mode: str, timeout_s: float, k: int = 6) -> Reply:
    """One question through the app's /ask endpoint, in the client's session (its conversation)."""
    t = time.perf_counter()
    # The conversation lives in the browser (gr.BrowserState): a client sends it along and keeps the reply's.
    turns = getattr(client, "turns", [])
    job = client.submit(question, turns, mode, k, api_name="/ask")
    try:
        out = job.result(timeout=timeout_s)
    except TimeoutError:
        job.cancel()
        return Reply("error", time.perf_counter() - t, f"no reply within {timeout_s:.0f} s")
    except Exception as e:  # what the browser would show as an error toast
        msg = f"{type(e).__name__}: {e}"
        kind = "busy" if "queue is full" in msg.lower() else "error"
        return Reply(kind, time.perf_counter() - t, msg)
    if isinstance(out[3], list):
        client.turns = out[3]
    kind, detail = classify(out[0])
    return Reply(kind, time.perf_counter() - t, detail)


def drive(url: str, mode: str, conversations: int, duration_s: float, max_requests: int,
          timeout_s: float, seed: int = 0) -> tuple[list[Reply], float]:
    """`conversations` users, each running scripted conversations until `duration_s` has passed
    (a request under way is finished) or `max_requests` were sent in all."""
    scripts = conversation_scripts()
    replies: list[Reply] = []
    lock = threading.Lock()
    sent = [0]
    t0 = time.monotonic()
    deadline = t0 + duration_s

    def take() -> bool:
        with lock:
            if time.monotonic() >= deadline or sent[0] >= max_requests:
                return False
            sent[0] += 1
            return True

    def user(i: int) -> None:
        rng = random.Random(seed * 1000 + i)
        client = None
        try:
            client = new_client(url)
            while True:
                client.reset_session()  # a new conversation: empty history
                client.turns = []
                for question in rng.choice(scripts):
                    if not take():
                        return
                    reply = ask_app(client, question, mode, timeout_s)
                    with lock:
                        replies.append(reply)
        except Exception as e:  # the client itself failed (connection refused...): an error, not a crash
            with lock:
                replies.append(Reply("error", 0.0, f"client failed: {type(e).__name__}: {e}"))
        finally:
            if client is not None:
                client.close()

    threads = [threading.Thread(target=user, args=(i,), name=f"user-{i}") for i in range(conversations)]
    for th in threads:
        th.start()
        time.sleep(0.05)  # users arrive over a second, not in one packet
    for th in threads:
        th.join()
    return replies, time.monotonic() - t0


def drive_app(mode: str = "extractive", conversations: int = 20, duration_s: float = 120.0,
              max_requests: int = 5000, timeout_s: float | None = None, env: dict[str, str] | None = None) -> LoadResult:
    """Start the app, warm it up with one question, then drive it; the server's memory is sampled throughout."""
    timeout_s = timeout_s or (600.0 if mode == "local" else 60.0)
    result = LoadResult(mode, conversations)
    with AppServer(mode, env) as app:
        warm = new_client(app.url)
        try:
            ask_app(warm, "Where did Russia build Iran's first nuclear power plant?", mode, timeout_s)
        finally:
            warm.close()
        sampler = RssSampler(app.proc.pid)
        result.rss_start = sampler.current()
        sampler.start()
        result.replies, result.duration_s = drive(app.url, mode, conversations, duration_s, max_requests, timeout_s)
        result.rss_end = sampler.stop()
        result.rss_peak, result.processes = sampler.peak, sampler.processes
    return result


def cold_start(questions: list[str], wait_for_ready: bool, timeout_s: float = 600.0) -> dict:
    """`rag ui` in local mode from a cold start: when the page answers, when the background warm-up says the
    models are ready (its console line), and how long the first question takes, asked the moment the page
    opens or once the models are ready (`wait_for_ready`). The same first question is asked again at the end,
    after the others (so the server's prompt cache no longer holds it): first minus that is the price of
    being first. Every question goes in a conversation of its own (no history to lengthen later prompts)."""
    t0 = time.monotonic()
    with AppServer("local") as app:
        page_s = time.monotonic() - t0  # includes ingesting the corpus copy (AppServer does that first)
        ready_s = app.wait_for_log(READY_LINE, timeout_s) if wait_for_ready else None
        replies = [_ask_alone(app.url, q, timeout_s) for q in [*questions, questions[0]]]
        ready = re.search(READY_LINE, app.log_path.read_text(errors="replace"))
    first, later, again = replies[0], replies[1:-1], replies[-1]
    return {"page_s": page_s, "ready_s": float(ready.group(1)) if ready else None,
            "waited_s": ready_s, "first_s": first.latency_s, "first_kind": first.kind,
            "again_s": again.latency_s, "again_kind": again.kind,
            "later_p50_s": _pct([r.latency_s for r in later], 50),
            "later_kinds": sorted({r.kind for r in later}), "n_later": len(later)}


READY_LINE = r"Models ready \(local model, ([\d.]+) s after start\)"


def _ask_alone(url: str, question: str, timeout_s: float) -> Reply:
    client = new_client(url)
    try:
        return ask_app(client, question, "local", timeout_s)
    finally:
        client.close()


# ---- questions while a large upload is ingested --------------------------------------------------------

def drive_app_during_upload(size_mb: float = 20.0, conversations: int = 4, duration_s: float = 120.0) -> dict:
    """Question latency with the app idle, then while a `size_mb` article uploaded through the page's
    upload endpoint is being ingested (extractive answers: the model's own speed would hide the effect).
    The upload is followed for `duration_s` only: embedding 20 MB takes about an hour on this machine."""
    from gradio_client import handle_file

    from bench.cleaning import MB, big_article

    with AppServer("extractive") as app:
        warm = new_client(app.url)
        try:
            ask_app(warm, "Where did Russia build Iran's first nuclear power plant?", "extractive", 60.0)
        finally:
            warm.close()
        idle, _ = drive(app.url, "extractive", conversations, duration_s / 2, 5000, 60.0)
        article = app.home / "regional wire.txt"
        text = big_article(int(size_mb * MB) - 64 * 1024)  # just under RAG_MAX_FILE_MB (20 by default)
        article.write_text(text, encoding="utf-8")
        uploader = new_client(app.url)
        t0 = time.monotonic()
        job = uploader.submit([handle_file(str(article))], api_name="/upload")
        during, _ = drive(app.url, "extractive", conversations, duration_s, 5000, 60.0, seed=1)
        outputs = job.outputs()
        if outputs:
            stage = re.sub(r"<[^>]+>", "", str(outputs[-1][0]))
        else:
            stage = f"no progress reported ({job.status().code}: {job.exception(timeout=0) if job.done() else ''})"
        uploader.close()
    ok = lambda replies: [r.latency_s for r in replies if r.kind in SERVED]  # noqa: E731
    return {
        "size_mb": round(len(text.encode("utf-8")) / MB, 2), "conversations": conversations, "followed_s": round(time.monotonic() - t0, 1),
        "idle_p50_s": _pct(ok(idle), 50), "idle_p95_s": _pct(ok(idle), 95), "idle_served": len(ok(idle)),
        "upload_p50_s": _pct(ok(during), 50), "upload_p95_s": _pct(ok(during), 95), "upload_served": len(ok(during)),
        "errors": sum(r.kind == "error" for r in idle + during), "upload_stage": html.unescape(stage)[:200],
    }


# ---- memory over a long run (library) ----------------------------------------------------------------

_VARIANTS = ("{q}", "Tell me: {q}", "{q} Please cite the article.", "According to the articles, {q}",
             "Quick question. {q}", "{q} (asked again, #{i})")


def varied_questions(n: int, rows: list[dict] | None = None) -> list[str]:
    """n questions from the labelled set, reworded so that (almost) no two texts are the same."""
    rows = rows if rows is not None else dataset_rows()
    base = [r["question"] for r in rows if not r.get("history")]
    return [_VARIANTS[(i // len(base)) % len(_VARIANTS)].format(q=base[i % len(base)], i=i) for i in range(n)]


def self_rss() -> int:
    gc.collect()
    return rss_bytes(os.getpid())


def memory_run(engine, n: int = 1000, warmup: int = 50, mode: str = "extractive") -> dict:
    """RSS of this process after `warmup` questions and after `n` more (all different texts)."""
    questions = varied_questions(warmup + n)
    for q in questions[:warmup]:
        engine.ask(q, mode=mode)
    before = self_rss()
    t = time.perf_counter()
    abstained = 0
    for q in questions[warmup:]:
        abstained += engine.ask(q, mode=mode).abstained
    elapsed = time.perf_counter() - t
    after = self_rss()
    return {"questions": n, "warmup": warmup, "mode": mode, "rss_before_mb": _mb(before), "rss_after_mb": _mb(after),
            "growth_mb": round(_mb(after) - _mb(before), 1), "per_question_s": round(elapsed / n, 3),
            "abstained": abstained}


def memory_engine():
    """An Engine over a fresh copy of the corpus (ingested), in this process."""
    from rag.engine import Engine
    from rag.settings import Settings, get_settings

    home = Path(tempfile.mkdtemp(prefix="mem-"))
    shutil.copytree(CORPUS, home / "corpus")
    engine = Engine(Settings(home=home, corpus_dir=home / "corpus", model_dir=get_settings().model_dir))
    engine.ingest([home / "corpus"])
    return engine


# ---- command line --------------------------------------------------------------------------------------

def main(argv: list[str] | None = None) -> None:
    p = argparse.ArgumentParser(prog="python -m bench.load", description=__doc__.split("\n\n")[0])
    sub = p.add_subparsers(dest="cmd", required=True)
    a = sub.add_parser("app", help="concurrent conversations against the running web app")
    a.add_argument("--mode", choices=["extractive", "local"], default="extractive")
    a.add_argument("--conversations", type=int, default=20)
    a.add_argument("--duration", type=float, default=120.0, help="seconds during which new questions are sent")
    a.add_argument("--max-requests", type=int, default=5000)
    a.add_argument("--queue-size", type=int, default=None, help="RAG_LLM_QUEUE_SIZE for the server")
    u = sub.add_parser("upload", help="question latency while a large upload is ingested")
    u.add_argument("--size-mb", type=float, default=20.0)
    u.add_argument("--conversations", type=int, default=4)
    u.add_argument("--duration", type=float, default=120.0)
    m = sub.add_parser("memory", help="RSS before/after many sequential questions (library, one process)")
    m.add_argument("--questions", type=int, default=1000)
    m.add_argument("--warmup", type=int, default=50)
    args = p.parse_args(argv)
    if args.cmd == "app":
        env = {"RAG_LLM_QUEUE_SIZE": str(args.queue_size)} if args.queue_size else None
        out = drive_app(args.mode, args.conversations, args.duration, args.max_requests, env=env).summary()
    elif args.cmd == "upload":
        out = drive_app_during_upload(args.size_mb, args.conversations, args.duration)
    else:
        engine = memory_engine()
        try:
            out = memory_run(engine, args.questions, args.warmup)
        finally:
            shutil.rmtree(engine.settings.home, ignore_errors=True)
    print(json.dumps(out))


if __name__ == "__main__":
    main()
