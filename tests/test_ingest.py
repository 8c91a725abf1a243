"""Ingestion end to end with the real embedding model and embedded Chroma: cleaning reaches the index,
re-runs are incremental, bad files are skipped with a reason, and a killed run is repaired."""
from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from conftest import CORPUS, ROOT, make_settings
from rag.engine import Engine


def all_chunk_text(engine: Engine) -> str:
    return "\n".join(c.text for d in engine.documents() for c in engine.docstore.doc_chunks(d.doc_id))


def test_junk_never_reaches_the_index(corpus_engine):
    text = all_chunk_text(corpus_engine)
    for junk in ["anabelle29@schmitt.com", "Popular posts", "Anna Malygons", "Mason Dixick", "Detail Author",
                 "instagram.com", "1-458-594-6287", "Table of Contents", "**"]:
        assert junk not in text, junk
    assert "partnership.The Strategic" not in text
    assert "Bushehr, which became operational in 2013." in text


def test_search_finds_bushehr_first(corpus_engine):
    hits = corpus_engine.search("Where did Russia build Iran's first nuclear power plant?")
    assert "Russia built Iran’s first nuclear power plant in the port of Bushehr" in hits[0].text
    h = hits[0]
    assert corpus_engine.article(h.doc_id).text[h.start:h.end] == h.text
    assert h.dense_score is not None and h.keyword_score is not None


@pytest.fixture()
def small(tmp_path):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for f in sorted(CORPUS.iterdir())[:2]:
        shutil.copy(f, corpus / f.name)
    engine = Engine(make_settings(tmp_path / "home", corpus_dir=corpus))
    return engine, corpus


def test_incremental_reingest(small):
    engine, corpus = small
    first = engine.ingest([corpus])
    assert len(first.added) == 2 and first.chunks_embedded > 0
    again = engine.ingest([corpus])
    assert again.chunks_embedded == 0 and len(again.unchanged) == 2
    assert "Nothing to embed" in again.summary()
    # change one file: only it is re-embedded
    f = sorted(corpus.iterdir())[0]
    f.write_text(f.read_text(encoding="utf-8") + "\n\nA new closing paragraph about Caspian shipping routes.\n",
                 encoding="utf-8")
    changed = engine.ingest([corpus])
    assert changed.updated == [f.stem] and len(changed.unchanged) == 1
    assert engine.search("Caspian shipping routes", k=1)[0].doc_id == f.stem
    # delete one file: pruned with its chunks and vectors
    f.unlink()
    pruned = engine.ingest([corpus])
    assert pruned.removed == [f.stem]
    assert [d.doc_id for d in engine.documents()] == [sorted(corpus.iterdir())[0].stem]
    assert engine.check().ok, engine.check().problems


def test_remove_and_check(small):
    engine, corpus = small
    engine.ingest([corpus])
    doc = engine.documents()[0].doc_id
    engine.remove(doc)
    assert doc not in [d.doc_id for d in engine.documents()]
    assert all(h.doc_id != doc for h in engine.search("Russia Iran", k=10))
    rep = engine.check()
    assert rep.ok and rep.chunks == rep.vectors


def test_bad_inputs_are_skipped_with_reasons(tmp_path):
    corpus = tmp_path / "in"
    corpus.mkdir()
    shutil.copy(CORPUS / "000_a5ace0b03903e5e5.txt", corpus / "good.txt")
    (corpus / "empty.txt").write_bytes(b"")
    (corpus / "binary.txt").write_bytes(b"\x00\x01\x02PNG\x00" * 100)
    (corpus / "latin1.txt").write_bytes("Caf\xe9 au lait in Tehran, a long enough text.".encode("latin-1"))
    (corpus / "notes.docx").write_bytes(b"PK\x03\x04")
    (corpus / "huge.txt").write_bytes(b"Big article text. " * 80_000)  # ~1.4 MB, over a 1 MB limit
    engine = Engine(make_settings(tmp_path / "home", corpus_dir=corpus, max_file_mb=1))
    rep = engine.ingest([corpus, tmp_path / "does-not-exist.txt"])
    assert rep.added == ["good"]
    reasons = {Path(s.path).name: s.reason.lower() for s in rep.skipped}
    assert set(reasons) == {"empty.txt", "binary.txt", "latin1.txt", "notes.docx", "huge.txt", "does-not-exist.txt"}
    assert "empty" in reasons["empty.txt"]
    assert "binary" in reasons["binary.txt"]
    assert "utf-8" in reasons["latin1.txt"]
    assert "unsupported" in reasons["notes.docx"] or ".docx" in reasons["notes.docx"]
    assert "mb" in reasons["huge.txt"] or "larger" in reasons["huge.txt"]
    assert "Skipped 6 file(s)" in rep.summary()


def _synthetic_corpus(folder: Path, n: int) -> None:
    folder.mkdir()
    for i in range(n):
        body = " ".join(f"Article {i} sentence {j} reports on pipeline number {i * 100 + j} near the Caspian Sea."
                        for j in range(60))
        (folder / f"a{i:03d}.txt").write_text(f"Synthetic report {i}\n\n{body}\n", encoding="utf-8")


def test_killed_ingest_is_repaired_by_the_next_run(tmp_path):
    corpus = tmp_path / "corpus"
    _synthetic_corpus(corpus, 40)
    home = tmp_path / "home"
    env = dict(os.environ, RAG_HOME=str(home), RAG_EMBED_BATCH_SIZE="8")
    cmd = [sys.executable, "-m", "rag.cli", "ingest", str(corpus)]
    for delay in (9.0, 12.0, 15.0):  # after model load, at different points of the embedding loop
        proc = subprocess.Popen(cmd, env=env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(delay)
        if proc.poll() is None:
            proc.send_signal(signal.SIGKILL)
        proc.wait()
    engine = Engine(make_settings(home, corpus_dir=corpus))
    rep = engine.ingest([corpus])
    docs = engine.documents()
    assert len(docs) == 40, rep.summary()
    check = engine.check()
    assert check.ok, check.problems
    assert check.chunks == check.vectors == sum(d.n_chunks for d in docs)
    assert engine.ingest([corpus]).chunks_embedded == 0
