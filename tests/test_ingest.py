"""Ingestion end to end with the real embedding model and embedded Chroma: cleaning reaches the index,
re-runs are incremental, bad files are skipped with a reason, and a killed run is repaired."""
from __future__ import annotations

import json
import os
import shutil
import signal
import sqlite3
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


# ---- a file that looks as it did when it was read is not read again ------------------------------

@pytest.fixture()
def reads(monkeypatch) -> list[Path]:
    """Every file ingest reads, in order (read_document wrapped to count: instrumentation, behaviour unchanged)."""
    from rag import ingest

    seen: list[Path] = []
    real = ingest.read_document

    def counted(path, max_bytes):
        seen.append(Path(path))
        return real(path, max_bytes)

    monkeypatch.setattr(ingest, "read_document", counted)
    return seen


@pytest.fixture()
def settled(monkeypatch):
    """A file a test has just written counts as settled at once: the racy margin (rag.files.RACY_NS, 2 s)
    is set to 0, so that its stat is trusted. The margin's own test runs without this."""
    from rag import files

    monkeypatch.setattr(files, "RACY_NS", 0)


def names(paths: list[Path]) -> list[str]:
    return sorted(p.name for p in paths)


def rewrite_same_size(f: Path) -> None:
    """Another text of the same length in bytes, written in place (same inode)."""
    old = f.read_bytes()
    new = old[:-60] + old[-60:].swapcase()
    assert new != old and len(new) == len(old)
    with open(f, "r+b") as out:
        out.write(new)


def test_an_unchanged_file_is_not_read_again(small, settled, reads):
    engine, corpus = small
    engine.ingest([corpus])
    assert names(reads) == names(list(corpus.iterdir()))
    reads.clear()
    again = engine.ingest([corpus])
    assert reads == [] and len(again.unchanged) == 2 and again.chunks_embedded == 0, again.summary()
    assert engine.check([corpus]).ok, engine.check([corpus]).problems


def test_a_file_changed_with_a_new_mtime_is_ingested_again_and_only_it_is_read(small, settled, reads):
    engine, corpus = small
    engine.ingest([corpus])
    changed = sorted(corpus.iterdir())[0]
    before = changed.stat()
    rewrite_same_size(changed)  # same size and inode: only the times tell
    assert changed.stat().st_mtime_ns != before.st_mtime_ns and changed.stat().st_size == before.st_size
    reads.clear()
    rep = engine.ingest([corpus])
    assert names(reads) == [changed.name] and rep.updated == [changed.stem], rep.summary()
    assert engine.check([corpus]).ok, engine.check([corpus]).problems


def test_a_same_size_rewrite_with_its_mtime_put_back_is_seen_by_its_change_time(small, settled, reads):
    engine, corpus = small
    engine.ingest([corpus])
    changed = sorted(corpus.iterdir())[0]
    before = changed.stat()
    rewrite_same_size(changed)
    os.utime(changed, ns=(before.st_atime_ns, before.st_mtime_ns))  # as `cp -p` or `rsync --inplace` leave it
    after = changed.stat()
    assert (after.st_size, after.st_mtime_ns, after.st_ino) == (before.st_size, before.st_mtime_ns, before.st_ino)
    reads.clear()
    rep = engine.ingest([corpus])
    assert names(reads) == [changed.name] and rep.updated == [changed.stem], rep.summary()


def test_a_change_that_leaves_the_stat_as_it_was_is_found_by_check_and_reread(small, settled, reads):
    """The limit of the stat check: content rewritten with size, times, inode and device all as they were
    (a clock set back, a file system without change times) is not seen by `rag ingest`. Simulated by
    recording the file's new stat as the one of the ingested text; `rag check` finds it and names the fix."""
    from rag.files import file_stat

    engine, corpus = small
    engine.ingest([corpus])
    changed = sorted(corpus.iterdir())[0]
    doc = engine.docstore.document(changed.stem)
    rewrite_same_size(changed)
    engine.docstore.set_file_stats([(doc.doc_id, doc.content_hash, file_stat(changed))])
    reads.clear()
    assert len(engine.ingest([corpus]).unchanged) == 2 and reads == []  # not seen: the documented limit
    report = "\n".join(engine.check([corpus]).problems)
    assert f"document {doc.doc_id} is out of date" in report and "`rag ingest --reread`" in report, report
    rep = engine.ingest([corpus], reread=True)
    assert names(reads) == names(list(corpus.iterdir())) and rep.updated == [doc.doc_id], rep.summary()
    assert engine.check([corpus]).ok, engine.check([corpus]).problems


def test_a_racy_file_is_read_again_until_its_times_are_two_seconds_old(small, reads):
    """Real clock, real margin: a file whose mtime is now, or in the future, may change again without its
    stat changing (the file system's clock ticks coarsely), so its stat is not recorded and it is read."""
    engine, corpus = small
    engine.ingest([corpus])
    now_file, future_file = sorted(corpus.iterdir())
    touched = time.time()
    os.utime(now_file)  # mtime (and ctime) = now
    future = time.time_ns() + 3600 * 10**9
    os.utime(future_file, ns=(future, future))  # written by a machine whose clock is ahead
    for _ in range(2):  # the first run sees new stats; the second, that the first recorded none
        reads.clear()
        assert len(engine.ingest([corpus]).unchanged) == 2
        assert names(reads) == [now_file.name, future_file.name], f"{time.time() - touched:.2f} s after touching"
    time.sleep(max(0.0, 2.2 - (time.time() - touched)))
    reads.clear()
    engine.ingest([corpus])  # read once more, now settled: its stat is recorded
    assert names(reads) == [now_file.name, future_file.name]
    reads.clear()
    engine.ingest([corpus])
    assert names(reads) == [future_file.name]  # a future mtime is never trusted


def test_a_store_made_before_file_stats_is_migrated(small, settled, reads):
    engine, corpus = small
    engine.ingest([corpus])
    db = engine.settings.db_path
    engine.docstore.close()
    c = sqlite3.connect(db)
    c.execute("ALTER TABLE documents DROP COLUMN file_stat")  # the table as older versions made it
    c.commit()
    c.close()
    engine = Engine(make_settings(engine.settings.home, corpus_dir=corpus))  # as the next command
    reads.clear()
    first = engine.ingest([corpus])
    assert len(first.unchanged) == 2 and first.chunks_embedded == 0 and not first.repaired, first.summary()
    assert names(reads) == names(list(corpus.iterdir()))  # read once more: no stat was recorded
    reads.clear()
    assert len(engine.ingest([corpus]).unchanged) == 2 and reads == []
    assert engine.check([corpus]).ok, engine.check([corpus]).problems


def test_a_new_chunker_version_or_a_document_marked_for_re_embedding_is_read_again(small, settled, reads,
                                                                                      monkeypatch):
    from rag import files

    engine, corpus = small
    engine.ingest([corpus])
    marked = sorted(corpus.iterdir())[0]
    engine.docstore.invalidate([marked.stem])  # as ingest's repairs do
    reads.clear()
    rep = engine.ingest([corpus])
    assert names(reads) == [marked.name] and rep.updated == [marked.stem], rep.summary()
    monkeypatch.setattr(files, "CHUNKER_VERSION", "bumped")
    reads.clear()
    rep = engine.ingest([corpus])
    assert names(reads) == names(list(corpus.iterdir())) and len(rep.updated) == 2, rep.summary()


def test_copies_are_recognised_when_their_documents_are_not_read(tmp_path, settled, reads):
    corpus = tmp_path / "corpus"
    docs = _two_articles(corpus / "b")
    engine = Engine(make_settings(tmp_path / "home", corpus_dir=corpus))
    engine.ingest([corpus])
    shutil.copytree(corpus / "b", corpus / "a")  # copies, listed before the documents' own files
    copies = [corpus / "a" / f.name for f in docs]
    reads.clear()
    rep = engine.ingest([corpus])
    assert sorted(reads) == copies and len(rep.duplicates) == 2 and rep.chunks_embedded == 0, rep.summary()
    reads.clear()
    rep = engine.ingest([corpus])
    assert sorted(reads) == copies  # a copy is not a document: it is read to be compared with them
    assert len(rep.duplicates) == 2 and not rep.removed and not rep.added and rep.chunks_embedded == 0, rep.summary()
    # A document's file changes: re-ingested, and its copy, which holds the old text, is looked at again and
    # becomes a document of its own.
    docs[0].write_text(docs[0].read_text(encoding="utf-8") + "\n\nA closing paragraph about ferries.\n",
                       encoding="utf-8")
    reads.clear()
    rep = engine.ingest([corpus])
    assert reads == [*copies, docs[0], copies[0]], reads
    assert rep.updated == [docs[0].stem] and len(rep.added) == 1 and len(rep.duplicates) == 1, rep.summary()
    reads.clear()
    rep = engine.ingest([corpus])
    assert reads == [copies[1]] and len(rep.unchanged) == 3 and len(rep.duplicates) == 1, rep.summary()
    assert engine.check([corpus]).ok, engine.check([corpus]).problems


def _no_self_aliases(engine: Engine) -> None:
    """No file is both a document's own file and listed as a copy (of that document or another one)."""
    sources = {d.source for d in engine.documents()}
    aliases = engine.docstore.aliases()
    assert not sources & set(aliases), sorted(sources & set(aliases))
    assert all(d.source not in d.aliases for d in engine.documents())


@pytest.mark.parametrize("main_dir, copy_dir", [("b", "a"), ("a", "c")], ids=["copy-first", "copy-last"])
def test_a_changed_document_whose_copy_holds_its_old_text_leaves_the_copy_its_own_document(
        tmp_path, settled, reads, main_dir, copy_dir):
    """A folder is ingested, then a copy of it (one document per article, the copy's files listed as its
    other paths); then one article's own file gets a new paragraph, its copy does not. Whichever of the two comes
    first in scan order, the right end state is the same:
      - the article's document (same id, same file) holds the new text and lists no copy: no file holds it;
      - the copy now holds text no document has (the old one), so it is a document of its own, under
        another id, with the old text and its own file as its source (not a copy of anything);
      - the other article is untouched, its copy still listed as its other path;
      - no file is both a document and a copy (of itself or another), `rag check` is clean, and the next
        ingest embeds nothing.
    Each file is scanned once after the change: the copy after the changed file is not read a second time
    (before the fix it was, became its own document and then an alias of itself)."""
    corpus = tmp_path / "corpus"
    mains = _two_articles(corpus / main_dir)
    engine = Engine(make_settings(tmp_path / "home", corpus_dir=corpus))
    engine.ingest([corpus], progress=False)
    shutil.copytree(corpus / main_dir, corpus / copy_dir)  # copied after: the documents stay at main_dir
    copies = [corpus / copy_dir / f.name for f in mains]
    rep = engine.ingest([corpus], progress=False)
    assert len(rep.duplicates) == 2 and rep.chunks_embedded == 0, rep.summary()
    changed, kept = (engine.docstore.document(f.stem) for f in mains)
    old_text = engine.article(changed.doc_id).text

    mains[0].write_text(mains[0].read_text(encoding="utf-8") + "\n\nA closing paragraph about ferries.\n",
                        encoding="utf-8")
    reads.clear()
    rep = engine.ingest([corpus], progress=False)
    assert rep.updated == [changed.doc_id] and len(rep.added) == 1 and not rep.removed, rep.summary()
    assert [(Path(d.path), d.doc_id) for d in rep.duplicates] == [(copies[1].resolve(), kept.doc_id)], rep.summary()
    # read again only if it was read before the change was seen
    assert reads.count(copies[0]) == (2 if copy_dir < main_dir else 1), reads

    docs = {d.source: d for d in engine.documents()}
    assert len(docs) == 3, sorted(docs)
    new = docs[str(mains[0].resolve())]
    assert new.doc_id == changed.doc_id and new.aliases == [] and new.content_hash != changed.content_hash
    assert "A closing paragraph about ferries." in engine.article(new.doc_id).text
    own = docs[str(copies[0].resolve())]
    assert own.doc_id not in (changed.doc_id, kept.doc_id) and own.aliases == []
    assert own.content_hash == changed.content_hash and engine.article(own.doc_id).text == old_text
    assert docs[str(mains[1].resolve())].aliases == [str(copies[1].resolve())]
    _no_self_aliases(engine)
    assert engine.check([corpus]).ok, engine.check([corpus]).problems

    rep = engine.ingest([corpus], progress=False)
    assert rep.chunks_embedded == 0 and len(rep.unchanged) == 3 and len(rep.duplicates) == 1, rep.summary()
    _no_self_aliases(engine)


def test_check_finds_a_file_listed_as_a_copy_of_its_own_document_and_ingest_repairs_it(tmp_path):
    """A self-alias (left by an older version: a document's own file also listed as its copy) is named by
    `rag check` with the fix, and so is a document's file listed as a copy of another document; `rag ingest`
    forgets both copies and re-embeds nothing."""
    from rag.docstore import Alias

    corpus = tmp_path / "corpus"
    _two_articles(corpus)
    engine = Engine(make_settings(tmp_path / "home", corpus_dir=corpus))
    engine.ingest([corpus], progress=False)
    one, two = engine.documents()
    engine.docstore.add_aliases([Alias(one.source, one.doc_id, one.content_hash),
                                 Alias(two.source, one.doc_id, one.content_hash)])
    problems = engine.check([corpus]).problems
    assert problems == [
        f"document {one.doc_id}: its own file {one.source} is also listed as a copy of it; "
        "run `rag ingest` to forget the copy",
        f"document {one.doc_id}: {two.source} is listed as a copy of it but is the file of document {two.doc_id}; "
        "run `rag ingest` to forget the copy"], problems
    rep = engine.ingest([corpus], progress=False)
    assert rep.chunks_embedded == 0 and len(rep.unchanged) == 2 and not rep.duplicates, rep.summary()
    assert rep.repaired == [f"2 file(s) listed both as a document's own file and as a copy: the copy forgotten "
                            f"({one.source}, {two.source})"], rep.repaired
    _no_self_aliases(engine)
    assert engine.check([corpus]).ok, engine.check([corpus]).problems
