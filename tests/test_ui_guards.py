"""The UI's guards, on the real app served on 127.0.0.1: the login throttle (exponential waits per client
address after 5 wrong passwords; a second client on 127.0.0.2; the pure logic with a fake clock), and
requests Gradio rejects logged as one line, not a traceback."""
from __future__ import annotations

import time

import httpx
import pytest

from conftest import make_settings
from rag.processes import free_port
from ui.login_throttle import LoginThrottle


class FakeClock:
    def __init__(self):
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_waits_double_after_the_free_failures_and_a_success_clears_them():
    clock = FakeClock()
    t = LoginThrottle(free=5, base_s=1.0, max_s=60.0, clock=clock)
    assert [t.failed("a") for _ in range(4)] == [0, 0, 0, 0]
    assert [t.failed("a") for _ in range(4)] == [1, 2, 4, 8]
    assert t.wait_s("a") == 8 and t.wait_s("b") == 0  # per client
    clock.now += 8
    assert t.wait_s("a") == 0
    assert max(t.failed("a") for _ in range(10)) == 60  # capped
    t.succeeded("a")
    assert t.wait_s("a") == 0 and t.failed("a") == 0


@pytest.fixture(scope="module")
def app_root(tmp_path_factory):
    from rag.engine import Engine
    from ui.app import launch

    home = tmp_path_factory.mktemp("home")
    corpus = tmp_path_factory.mktemp("corpus")
    engine = Engine(make_settings(home, corpus_dir=corpus, ui_auth="ann:s3cret", mode="extractive"))
    port = free_port()
    app = launch(engine, host="127.0.0.1", port=port, block=False)
    yield f"http://127.0.0.1:{port}/"
    app.close()


def _login(client: httpx.Client, url: str, password: str) -> httpx.Response:
    return client.post(url, data={"username": "ann", "password": password})


def test_the_real_app_throttles_password_guessing_per_client(app_root):
    login_url = app_root + "login"
    guesser = httpx.Client(timeout=30)
    other = httpx.Client(timeout=30, transport=httpx.HTTPTransport(local_address="127.0.0.2"))
    codes = [_login(guesser, login_url, f"guess{i}").status_code for i in range(30)]
    # 5 wrong answers checked, then every attempt within the wait is refused unchecked
    assert codes[:5] == [400] * 5 and set(codes[5:]) == {429}, codes
    refused = _login(guesser, login_url, "s3cret")  # even the right password waits
    assert refused.status_code == 429 and int(refused.headers["retry-after"]) >= 1
    assert "try again" in refused.json()["detail"]
    assert _login(other, login_url, "s3cret").status_code == 200  # another client is not held up
    time.sleep(float(refused.headers["retry-after"]) + 0.2)
    assert _login(guesser, login_url, "wrong").status_code == 400  # checked again, and now a 2 s wait
    assert _login(guesser, login_url, "s3cret").status_code == 429
    time.sleep(2.2)
    assert _login(guesser, login_url, "s3cret").status_code == 200
    assert _login(guesser, login_url, "wrong").status_code == 400  # the success cleared the record
    assert _login(guesser, login_url, "wrong").status_code == 400


def test_a_rejected_value_is_one_log_line_not_a_traceback(app_root, capfd, caplog):
    client = httpx.Client(timeout=30)
    assert _login(client, app_root + "login", "s3cret").status_code == 200  # the cookie lets us in
    config = client.get(app_root + "config").json()
    radios = {c["id"] for c in config["components"] if c.get("type") == "radio"}
    fn, dep = next((i, d) for i, d in enumerate(config["dependencies"]) if radios & set(d["inputs"]))
    data = ["bogus" if i in radios else None for i in dep["inputs"]]
    r = client.post(app_root + "gradio_api/queue/join", json={"data": data, "fn_index": fn, "session_hash": "x1"})
    assert r.status_code == 200
    with client.stream("GET", app_root + "gradio_api/queue/data", params={"session_hash": "x1"}) as events:
        for line in events.iter_lines():
            if "process_completed" in line:
                assert '"success":false' in line.replace(" ", "")
                break
    err = capfd.readouterr().err
    assert "Traceback" not in err, err
    rejected = [r.getMessage() for r in caplog.records if r.name == "ui.requests"]
    assert len(rejected) == 1 and "bogus" in rejected[0] and "\n" not in rejected[0]
