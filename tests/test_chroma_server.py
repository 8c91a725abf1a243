"""The same ingest + search against a real `chroma run` server on loopback, started and stopped here."""
from __future__ import annotations

import shutil

import pytest

from bench.chroma_server import STOP_TIMEOUT_S, running_chroma, start_chroma
from conftest import CORPUS, make_settings
from rag.engine import Engine
from rag.errors import ChromaUnavailable
from rag.processes import free_port, stop_process

pytestmark = pytest.mark.server


@pytest.fixture()
def chroma_server(tmp_path):
    with running_chroma(tmp_path / "chroma-data") as server:
        yield server.proc, server.port, tmp_path / "chroma-data"


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
        stop_process(restarted, STOP_TIMEOUT_S)


def test_unreachable_chroma_url_is_a_clear_error(tmp_path):
    engine = Engine(make_settings(tmp_path / "home", chroma_url=f"http://127.0.0.1:{free_port()}"))
    with pytest.raises(ChromaUnavailable, match="RAG_CHROMA_URL"):
        engine.ingest([CORPUS])
