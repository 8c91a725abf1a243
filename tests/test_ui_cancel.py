"""Stop in the web UI cancels the model call in flight (rag.llm.CancelScope), with real sockets on loopback."""
from __future__ import annotations

import http.server
import threading
import time

import pytest

from conftest import make_settings
from rag.llm import CancelScope, Cancelled, llm_client


class _Silent(http.server.BaseHTTPRequestHandler):
    """Reads a request and then answers nothing, like a model server reading a long prompt; records
    when the client's side of the connection closes."""

    closed = threading.Event()

    def do_POST(self):
        self.rfile.read(int(self.headers["Content-Length"]))
        self.connection.settimeout(30)
        if self.connection.recv(1) == b"":  # blocks until the client shuts the connection
            type(self).closed.set()

    def log_message(self, *args):
        pass


@pytest.fixture
def silent_endpoint(tmp_path):
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Silent)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    _Silent.closed.clear()
    yield make_settings(tmp_path, mode="openai", llm_base_url=f"http://127.0.0.1:{server.server_port}/v1",
                        llm_timeout_s=60, llm_retries=2)
    server.shutdown()


@pytest.mark.parametrize("call", ["chat", "stream"])
def test_cancel_cuts_off_a_call_in_flight_and_refuses_the_next(silent_endpoint, call):
    client = llm_client(silent_endpoint, "openai")
    scope, outcome = CancelScope(), {}

    def ask():
        with scope:
            try:
                if call == "chat":
                    client.chat([{"role": "user", "content": "hi"}])
                else:
                    list(client.stream([{"role": "user", "content": "hi"}]))
            except Exception as err:
                outcome["error"] = err
            outcome["at"] = time.monotonic()

    worker = threading.Thread(target=ask)
    worker.start()
    time.sleep(0.5)  # the request is at the server, which is silent
    assert worker.is_alive()
    cancelled_at = time.monotonic()
    scope.cancel()
    worker.join(5)
    assert isinstance(outcome.get("error"), Cancelled)  # not retried, not reported as a model failure
    assert outcome["at"] - cancelled_at < 2
    assert _Silent.closed.wait(5)  # the server saw the connection go: that is what stops llama.cpp
    with scope, pytest.raises(Cancelled):
        client.chat([{"role": "user", "content": "again"}])  # nothing more is sent once cancelled
