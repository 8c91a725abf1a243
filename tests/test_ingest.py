"""Ingestion end to end with the real embedding model and embedded Chroma: cleaning reaches the index,
re-runs are incremental, bad files are skipped with a reason, and a killed run is repaired."""
from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
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


def test_ingest_encodes_on_two_threads_unless_a_local_model_runs_here_with_the_question_time_vectors(small, tmp_path):
    """Ingest's batches go to a two-thread ONNX session, except while this process's local model server is
    alive (a real child process stands in for it: only its liveness matters); either way the stored vectors
    are the ones a question-time (one-thread) encoding gives."""
    from rag import llm_server

    engine, corpus = small
    server = llm_server.LocalServer(tmp_path / "unused.gguf", threads=2, ctx=512, log_path=tmp_path / "server.log")
    server._proc = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(120)"])
    saved, llm_server._server = llm_server._server, server
    try:
        assert llm_server.local_server_running()
        engine.ingest([corpus])
        assert set(engine.embedder._encoders) == {1}  # the question-time session only
        server.stop()
        assert not llm_server.local_server_running()
        f = sorted(corpus.iterdir())[0]
        f.write_text(f.read_text(encoding="utf-8") + "\n\nA new closing paragraph about Caspian shipping routes.\n",
                     encoding="utf-8")
        assert engine.ingest([corpus]).updated == [f.stem]
        assert set(engine.embedder._encoders) == {1, 2}
        assert engine.embedder.encoder_for(2).session.get_session_options().intra_op_num_threads == 2
    finally:
        llm_server._server = saved
        server.stop()
    chunks = [c for d in engine.documents() for c in engine.docstore.doc_chunks(d.doc_id)]
    stored = engine.vectors.embeddings([c.chunk_id for c in chunks])
    want = engine.embedder.embed([c.text for c in chunks])
    assert len(stored) == len(chunks) > 10
    assert np.abs(np.array([stored[c.chunk_id] for c in chunks], dtype=np.float32) - want).max() <= 1e-6


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
    cmd = [sys.executable, "-m", "newsrag_cli", "ingest", str(corpus)]
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


def _two_articles(folder: Path) -> list[Path]:
    folder.mkdir(parents=True)
    names = sorted(CORPUS.iterdir())[:2]
    for f in names:
        shutil.copy(f, folder / f.name)
    return [folder / f.name for f in names]


def rag_cli(args: list[str], home: Path) -> subprocess.CompletedProcess:
    env = dict(os.environ, RAG_HOME=str(home))
    return subprocess.run([sys.executable, "-m", "newsrag_cli", *args], env=env, cwd=ROOT, capture_output=True,
                          text=True, timeout=300)


def test_symlinks_loops_and_system_files_leave_the_good_files_ingested_and_check_clean(tmp_path):
    corpus = tmp_path / "corpus"
    first, _ = _two_articles(corpus)
    (corpus / "again.txt").symlink_to(first)  # inside: the same file, followed once
    (corpus / "passwd.txt").symlink_to("/etc/passwd")
    (corpus / "status.txt").symlink_to("/proc/self/status")
    (corpus / "loop.txt").symlink_to(corpus / "loop.txt")
    (corpus / "gone.txt").symlink_to(corpus / "nothing.txt")
    (corpus / "sub").mkdir()
    (corpus / "sub" / "up").symlink_to(corpus)
    (corpus / "links.md").write_text("[link 0](http://a.example/0)\n[link 1](http://a.example/1)\n")
    (corpus / "two\nlines.txt").write_text("Harbour News\n\nThe harbour reopened on Monday after repairs.\n")
    proc = rag_cli(["ingest", str(corpus)], tmp_path / "home")
    assert proc.returncode == 0, proc.stderr
    assert "Traceback" not in proc.stderr
    assert "Ingested 3 new" in proc.stdout
    assert "links.md: the file holds only links (2) and no article text" in proc.stdout
    docs = rag_cli(["docs"], tmp_path / "home").stdout.splitlines()
    assert len(docs) == 4 and docs[-1] == "3 document(s)" and any("two\\nlines.txt" in x for x in docs), docs
    for name in ("passwd.txt", "status.txt", "loop.txt", "gone.txt", "up"):
        line = next(x for x in proc.stdout.splitlines() if x.strip().startswith(str(corpus)) and f"/{name}:" in x)
        assert "not followed" in line or "never read" in line, line
    check = rag_cli(["check", str(corpus)], tmp_path / "home")
    assert check.returncode == 0 and check.stdout.startswith("OK: 3 document(s)"), check.stdout + check.stderr
    again = rag_cli(["ingest", str(corpus)], tmp_path / "home")
    assert "Nothing to embed: 3 document(s) unchanged" in again.stdout


def test_a_copied_folder_is_one_document_per_article_with_its_paths_listed(tmp_path):
    corpus = tmp_path / "corpus"
    originals = _two_articles(corpus / "a")
    shutil.copytree(corpus / "a", corpus / "copy")
    engine = Engine(make_settings(tmp_path / "home", corpus_dir=corpus))
    rep = engine.ingest([corpus])
    assert len(rep.added) == 2 and len(rep.duplicates) == 2, rep.summary()
    docs = engine.documents()
    assert len(docs) == 2
    assert sorted(d.source for d in docs) == sorted(str(p.resolve()) for p in originals)
    assert all(d.aliases == [str((corpus / "copy" / Path(d.source).name).resolve())] for d in docs)
    assert engine.check([corpus]).ok
    hits = engine.search("Bushehr nuclear power plant", k=10)
    texts = [h.text for h in hits]
    assert len(texts) == len(set(texts)), "the same passage twice among the sources"

    # the original goes: the copy carries the document on, nothing re-embedded
    doc = next(d for d in docs if d.source == str(originals[0].resolve()))
    originals[0].unlink()
    rep = engine.ingest([corpus])
    assert rep.chunks_embedded == 0 and not rep.removed, rep.summary()
    moved = engine.docstore.document(doc.doc_id)
    assert moved.source == str((corpus / "copy" / originals[0].name).resolve())
    # a copy that changes becomes a document of its own
    other = corpus / "copy" / originals[1].name
    other.write_text(other.read_text(encoding="utf-8") + "\n\nA new closing paragraph about grain exports.\n",
                     encoding="utf-8")
    rep = engine.ingest([corpus])
    assert len(rep.added) == 1 and len(engine.documents()) == 3, rep.summary()
    assert engine.check([corpus]).ok, engine.check([corpus]).problems


def test_a_document_an_older_version_read_from_proc_is_removed_by_the_next_ingest(small):
    from rag.docstore import ChunkRow

    engine, corpus = small
    engine.ingest([corpus])
    text = "Name: python\nState: R (running)"
    engine.docstore.mark_pending([("status", "status", "/proc/self/status", "h", text)])
    engine.docstore.commit_chunks({"status": "h"}, [ChunkRow("status:0", "status", 0, 0, len(text), text)])
    rep = engine.ingest([corpus])
    assert "status" in rep.removed and any("system files" in r for r in rep.repaired), rep.summary()
    assert "status" not in [d.doc_id for d in engine.documents()]
    assert engine.check([corpus]).ok, engine.check([corpus]).problems


# ---- an unchanged corpus: the vector store is not opened ----------------------------------------

def _unit(i: int) -> list[float]:
    return [1.0 if j == i else 0.0 for j in range(384)]


def test_the_vector_store_state_changes_with_every_write_and_with_no_read(tmp_path):
    from rag.vectors import VectorIndex

    vectors = VectorIndex(make_settings(tmp_path / "home"))
    assert vectors.state() is None  # no store yet
    vectors.add(["a:0", "a:1"], [_unit(0), _unit(1)], ["a", "a"])
    written = vectors.state()
    assert written is not None
    vectors.count(), vectors.entries(), vectors.query(_unit(0), 1), vectors.embeddings(["a:0"])
    assert vectors.state() == written  # reads leave it (although Chroma writes to its file on each open)
    seen = {written}
    for write in (lambda: vectors.add(["a:0"], [_unit(2)], ["a"]),  # same ids, same count, another vector
                  lambda: vectors.add(["a:0"], [_unit(2)], ["b"]),  # filed under another document
                  lambda: vectors.delete_ids(["a:1"]),
                  lambda: vectors.add(["a:1"], [_unit(1)], ["a"]),  # back to the first count
                  lambda: vectors.delete_docs(["a", "b"])):
        write()
        assert vectors.state() not in seen
        seen.add(vectors.state())
    vectors.reset()  # a new, empty collection: nothing to tell from
    assert vectors.state() is None
    server = VectorIndex(make_settings(tmp_path / "other", chroma_url="http://127.0.0.1:9"))
    assert server.state() is None  # a server's store is only known by asking it


HEAVY = {"chromadb", "torch", "onnxruntime", "transformers", "sentence_transformers", "spacy", "llama_index"}


def ingest_in_child(home: Path, corpus: Path) -> tuple[dict, set[str]]:
    """`rag ingest --json CORPUS` in a fresh process: its report, and the top-level modules it imported."""
    script = ("import json, sys\nfrom newsrag_cli import main\n"
              f"sys.argv = ['rag', 'ingest', '--json', {str(corpus)!r}]\n"
              "try:\n    main()\nexcept SystemExit as e:\n    assert not e.code, e.code\n"
              "print(json.dumps(sorted({m.split('.')[0] for m in sys.modules})))")
    out = subprocess.run([sys.executable, "-c", script], cwd=ROOT, env=dict(os.environ, RAG_HOME=str(home)),
                         capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stderr
    *report, modules = out.stdout.splitlines()
    return json.loads("\n".join(report)), set(json.loads(modules))


def test_an_unchanged_corpus_is_ingested_without_opening_the_vector_store(tmp_path):
    """Nothing changed since the last run (reads do not count): no model, no chromadb. The vector store
    deleted since: opened, and every document re-embedded."""
    corpus, home = tmp_path / "corpus", tmp_path / "home"
    _two_articles(corpus)
    first, loaded = ingest_in_child(home, corpus)
    # The first run opens the store and loads a model backend (onnxruntime, or torch to export its graph).
    assert len(first["added"]) == 2 and "chromadb" in loaded and loaded & {"onnxruntime", "torch"}
    check = rag_cli(["check", str(corpus)], home)  # opens Chroma and reads every vector
    assert check.returncode == 0, check.stdout + check.stderr
    again, loaded = ingest_in_child(home, corpus)
    assert len(again["unchanged"]) == 2 and again["chunks_embedded"] == 0 and not again["repaired"], again
    assert loaded & HEAVY == set()

    shutil.rmtree(home / "chroma")
    repaired, loaded = ingest_in_child(home, corpus)
    assert repaired["chunks_embedded"] == first["chunks_embedded"] and repaired["repaired"], repaired
    assert "chromadb" in loaded
    check = rag_cli(["check", str(corpus)], home)
    assert check.returncode == 0 and check.stdout.startswith("OK: 2 document(s)"), check.stdout + check.stderr
    assert ingest_in_child(home, corpus)[1] & HEAVY == set()
