"""VectorIndex.query on a real Chroma, embedded and behind a `chroma run` server: nearest first, and
fewer than k (or none) when fewer are stored, without counting first."""
from __future__ import annotations

import numpy as np
import pytest

from bench.chroma_server import running_chroma
from conftest import make_settings
from rag.vectors import VectorIndex


def unit_vectors(n: int, seed: int = 0) -> np.ndarray:
    v = np.random.default_rng(seed).normal(size=(n, 384))
    return v / np.linalg.norm(v, axis=1, keepdims=True)


def check_query(index: VectorIndex) -> None:
    vecs = unit_vectors(3)
    assert index.query(vecs[0], 30) == []  # nothing stored yet
    index.add(["d1:0", "d1:1", "d2:0"], vecs, ["d1", "d1", "d2"])
    got = index.query(vecs[1], 30)
    assert [c for c, _ in got][0] == "d1:1" and len(got) == 3  # all there are, the nearest first
    assert got[0][1] == pytest.approx(1.0, abs=1e-5)
    assert [s for _, s in got] == sorted((s for _, s in got), reverse=True)
    assert [c for c, _ in index.query(vecs[2], 1)] == ["d2:0"]
    index.delete_docs(["d1", "d2"])
    assert index.query(vecs[0], 30) == []


def test_query_embedded_store(tmp_path):
    check_query(VectorIndex(make_settings(tmp_path / "home")))


@pytest.mark.server
def test_query_chroma_server(tmp_path):
    with running_chroma(tmp_path / "chroma-data") as server:
        check_query(VectorIndex(make_settings(tmp_path / "home", chroma_url=f"http://127.0.0.1:{server.port}")))


def test_two_threads_opening_a_fresh_store_at_once_both_get_it(tmp_path):
    """A question asked while an upload is ingested opens the store from two threads at once: chromadb's
    client registry then failed both (KeyError, half-started System) until opening was serialised."""
    import threading

    for trial in range(4):
        index = VectorIndex(make_settings(tmp_path / f"home{trial}"))
        gate, errors = threading.Barrier(2), []

        def use() -> None:
            gate.wait()
            try:
                index.query(unit_vectors(1)[0], 3)
            except Exception as e:  # noqa: BLE001 - recorded, asserted below
                errors.append(repr(e))

        threads = [threading.Thread(target=use) for _ in range(2)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert errors == []
