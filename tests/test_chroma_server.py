"""The same ingest + search against a real `chroma run` server on loopback, started and stopped here."""
from __future__ import annotations

import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from conftest import CORPUS, make_settings
from rag.engine import Engine
from rag.errors import ChromaUnavailable

pytestmark = pytest.mark.server


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_chroma(path: Path, port: int) -> subprocess.Popen:
    exe = Path(sys.executable).with_name("chroma")
    proc = subprocess.Popen([str(exe), "run", "--host", "127.0.0.1", "--port", str(port), "--path", str(path)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)
    deadline = time.time() + 60
    while time.time() < deadline:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/api/v2/heartbeat", timeout=1).status_code == 200:
                return proc
        except httpx.HTTPError:
            time.sleep(0.3)
    proc.kill()
    raise RuntimeError("chroma server did not start")


@pytest.fixture()
def chroma_server(tmp_path):
    port = free_port()
    proc = start_chroma(tmp_path / "chroma-data", port)
    yield proc, port, tmp_path / "chroma-data"
    proc.terminate()
    proc.wait(timeout=20)


def test_ingest_and_search_against_chroma_server(chroma_server, tmp_path):
    proc, port, data = chroma_server
    corpus = tmp_path / "corpus"
    shutil.copytree(CORPUS, corpus)
    engine = Engine(make_settings(tmp_path / "home", corpus_dir=corpus, chroma_url=f"http://127.0.0.1:{port}"))
    rep = engine.ingest([corpus])
    assert len(rep.added) == 5
    hits = engine.search("Where did Russia build Iran's first nuclear power plant?")
    assert "port of Bushehr" in hits[0].text
    assert engine.check().ok
    assert not (tmp_path / "home" / "chroma").exists()  # vectors went to the server, not to disk here

    # Server killed mid-session: a clear error, then it works again once the server is back.
    proc.kill()
    proc.wait()
    with pytest.raises(ChromaUnavailable, match="cannot reach the Chroma server"):
        engine.search("Bushehr nuclear plant")
    restarted = start_chroma(data, port)
    try:
        assert "Bushehr" in engine.search("Bushehr nuclear plant")[0].text
    finally:
        restarted.terminate()
        restarted.wait(timeout=20)


def test_unreachable_chroma_url_is_a_clear_error(tmp_path):
    engine = Engine(make_settings(tmp_path / "home", chroma_url=f"http://127.0.0.1:{free_port()}"))
    with pytest.raises(ChromaUnavailable, match="RAG_CHROMA_URL"):
        engine.ingest([CORPUS])
