"""Faults: `rag ingest` killed at random points or stopped by a full disk, a damaged or missing index,
and language-model endpoints that fail mid-question.

Real `rag` subprocesses, real embedded Chroma, the real embedding model; the LLM failures use a real
misbehaving HTTP server on loopback (and the real local model for the `llm` test). After every fault,
`rag check` must name the problem and `rag ingest` (or `--rebuild`) must bring back exactly what a
clean ingest of the same corpus gives: same documents, chunk ids, texts, offsets and vectors.
"""
from __future__ import annotations

import os
import random
import resource
import shutil
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pytest

from conftest import CORPUS, ROOT, make_settings
from rag.engine import Engine
from rag.errors import StoreError
from test_llm import scripted  # noqa: F401  (the misbehaving OpenAI-compatible endpoint fixture)

ARTICLES = ["000_a5ace0b03903e5e5.txt", "002_fa893b1c2e61148b.txt", "004_d8874eefefe0925a.txt"]
KILLS = 15
BUSHEHR = "Where did Russia build Iran's first nuclear power plant?"


# ---- helpers ------------------------------------------------------------------------------------

def make_corpus(folder: Path, names: list[str] = ARTICLES) -> Path:
    folder.mkdir(parents=True)
    for name in names:
        shutil.copy(CORPUS / name, folder / name)
    return folder


def rag_env(home: Path, **extra: str) -> dict[str, str]:
    from rag.settings import get_settings

    env = {k: v for k, v in os.environ.items() if not k.startswith("RAG_")}
    return dict(env, RAG_HOME=str(home), RAG_MODEL_DIR=str(get_settings().model_dir), **extra)


def rag_cmd(*args) -> list[str]:
    return [sys.executable, "-m", "newsrag_cli", *map(str, args)]


def run_rag(home: Path, *args, fsize: int | None = None, **env) -> subprocess.CompletedProcess:
    """`rag ARGS` in a child; with fsize, under a file-size limit (writes past it fail with EFBIG)."""
    def limit_file_size() -> None:
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # else the kernel kills the child instead of EFBIG
        resource.setrlimit(resource.RLIMIT_FSIZE, (fsize, fsize))

    return subprocess.run(rag_cmd(*args), env=rag_env(home, **env), cwd=ROOT, capture_output=True, text=True,
                          timeout=900, preexec_fn=limit_file_size if fsize else None)


def assert_clear_failure(p: subprocess.CompletedProcess, *phrases: str) -> None:
    """Exit code 1 and one `Error:` message with these phrases: never a traceback."""
    out = p.stdout + p.stderr
    assert p.returncode == 1, out
    assert "Traceback" not in out, out
    assert "Error: " in p.stderr, out
    for phrase in phrases:
        assert phrase in out, out


def snapshot(home: Path, corpus: Path) -> dict:
    """Everything a clean ingest determines: documents, chunks with offsets and texts, and vectors."""
    engine = Engine(make_settings(home, corpus_dir=corpus))
    docs = {d.doc_id: (d.title, d.source, d.n_chunks, d.content_hash, d.status)
            for d in engine.docstore.documents(include_pending=True)}
    chunks = {c.chunk_id: (c.doc_id, c.idx, c.start, c.end, c.text)
              for doc_id in docs for c in engine.docstore.doc_chunks(doc_id)}
    entries = engine.vectors.entries()
    engine.docstore.close()  # the last connection checkpoints the WAL into the file
    return {"docs": docs, "chunks": chunks, "vector_ids": sorted(i for i, _ in entries),
            "vector_count": engine.vectors.count(), "embeddings": engine.vectors.embeddings(sorted(chunks))}


def assert_same_index(got: dict, want: dict) -> None:
    assert got["docs"] == want["docs"]
    assert got["chunks"] == want["chunks"]
    assert got["vector_ids"] == sorted(want["chunks"])  # one vector per chunk: none missing, none extra
    assert got["vector_count"] == len(want["chunks"])
    for cid, vec in want["embeddings"].items():
        # The vector is the one of this chunk's text, not of an older version of the document.
        assert float(np.dot(got["embeddings"][cid], vec)) > 0.999, cid


# ---- SIGKILL at random points -------------------------------------------------------------------

class StderrWatch:
    """Reads a child's stderr; `embedding` is set once the progress bar appears (model loaded,
    documents chunked, embedding starts)."""

    def __init__(self, proc: subprocess.Popen):
        self.text = ""
        self.embedding = threading.Event()
        self._thread = threading.Thread(target=self._read, args=(proc,), daemon=True)
        self._thread.start()

    def _read(self, proc: subprocess.Popen) -> None:
        for chunk in iter(lambda: proc.stderr.read1(4096), b""):
            self.text += chunk.decode("utf-8", "replace")
            if "embedding" in self.text:
                self.embedding.set()

    def join(self) -> str:
        self._thread.join(timeout=10)
        return self.text


def writes_started(db: Path, since: float) -> bool:
    """True once a document was marked pending after `since`: its vectors are being replaced."""
    try:
        with sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=0.05) as c:
            return c.execute("SELECT count(*) FROM documents WHERE status = 'pending' AND updated_at > ?",
                             (since,)).fetchone()[0] > 0
    except sqlite3.Error:
        return False  # not created yet, or locked for a moment


def pending_docs(db: Path) -> int:
    try:
        with sqlite3.connect(f"file:{db}?mode=ro", uri=True) as c:
            return c.execute("SELECT count(*) FROM documents WHERE status = 'pending'").fetchone()[0]
    except sqlite3.Error:
        return -1


@dataclass
class Timing:
    startup: float  # until the progress bar appears
    work: float  # from there to the end


def wait_for(cond, proc: subprocess.Popen, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while not cond() and proc.poll() is None and time.monotonic() < deadline:
        time.sleep(0.01)


def ingest_killed(home: Path, corpus: Path, phase: str, rng: random.Random, timing: Timing) -> tuple[bool, str]:
    """Start `rag ingest`, SIGKILL it at a random point of `phase`; (killed?, what happened)."""
    env = rag_env(home, RAG_EMBED_BATCH_SIZE="4", RAG_INGEST_GROUP_CHUNKS="1")  # commit per document
    started_wall, started = time.time(), time.monotonic()
    proc = subprocess.Popen(rag_cmd("ingest", corpus), env=env, cwd=ROOT, stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE)
    watch = StderrWatch(proc)
    if phase == "startup":  # imports, model load, repair, scan
        delay = rng.uniform(0.1, timing.startup)
    elif phase == "embedding":
        wait_for(watch.embedding.is_set, proc, 10 * timing.startup + 60)
        delay = rng.uniform(0.0, timing.work)
    else:  # "write": a document is pending, its vectors are being deleted and added, then committed
        wait_for(lambda: writes_started(home / "docs.sqlite", started_wall), proc, 10 * timing.startup + 60)
        delay = rng.uniform(0.0, 0.3)
    wait_for(lambda: False, proc, delay)
    killed = proc.poll() is None
    if killed:
        proc.send_signal(signal.SIGKILL)
    proc.wait()
    stderr = watch.join()
    if not killed:
        assert proc.returncode == 0, stderr  # a run that was not killed must have succeeded
    at = time.monotonic() - started
    return killed, f"{phase} +{delay:.2f}s -> {'killed' if killed else 'finished'} at {at:.1f}s"


def set_corpus_state(corpus: Path, state: dict[str, str], round_no: int) -> None:
    """Each article: as shipped, edited (a new closing paragraph: re-embedded), or deleted (pruned)."""
    for name, how in state.items():
        path = corpus / name
        if how == "absent":
            path.unlink(missing_ok=True)
            continue
        text = (CORPUS / name).read_text(encoding="utf-8")
        if how == "edited":
            text += f"\n\nUpdate {round_no}: officials in Tehran and Moscow met again to discuss the Caspian ports.\n"
        path.write_text(text, encoding="utf-8")


def test_sigkill_at_random_points_then_ingest_matches_a_clean_ingest(tmp_path):
    seed = int(os.environ.get("FAULTS_SEED") or random.SystemRandom().randrange(2**32))
    rng = random.Random(seed)
    print(f"\nFAULTS_SEED={seed}")
    corpus = make_corpus(tmp_path / "corpus")

    # The reference: one clean, uninterrupted ingest of the final corpus; it also times the phases.
    ref = tmp_path / "ref"
    started = time.monotonic()
    proc = subprocess.Popen(rag_cmd("ingest", corpus), env=rag_env(ref), cwd=ROOT, stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE)
    watch = StderrWatch(proc)
    watch.embedding.wait(timeout=600)
    startup = time.monotonic() - started
    assert proc.wait(timeout=600) == 0, watch.join()
    timing = Timing(startup=startup, work=max(0.5, time.monotonic() - started - startup))
    print(f"clean ingest: startup {timing.startup:.1f} s, embedding and writes {timing.work:.1f} s")

    # Kill ingests of a changing corpus (new, edited and deleted articles) at random points.
    home, log, kills = tmp_path / "home", [], 0
    for round_no in range(3 * KILLS):
        if kills == KILLS:
            break
        state = {n: rng.choices(["as shipped", "edited", "absent"], [0.5, 0.35, 0.15])[0] for n in ARTICLES}
        set_corpus_state(corpus, state, round_no)
        phase = rng.choices(["startup", "embedding", "write"], [0.25, 0.35, 0.4])[0]
        killed, what = ingest_killed(home, corpus, phase, rng, timing)
        kills += killed
        log.append(f"round {round_no}: {what}; pending after: {pending_docs(home / 'docs.sqlite')}; "
                   f"corpus {sorted(state.values())}")
    print("\n".join(log))
    assert kills == KILLS, log

    # Back to the shipped corpus: one normal ingest completes and matches the clean one exactly.
    set_corpus_state(corpus, {n: "as shipped" for n in ARTICLES}, -1)
    final = run_rag(home, "ingest", corpus)
    assert final.returncode == 0, final.stdout + final.stderr
    print(final.stdout)
    check = run_rag(home, "check", corpus)
    assert check.returncode == 0 and check.stdout.startswith("OK:"), check.stdout + check.stderr
    assert_same_index(snapshot(home, corpus), snapshot(ref, corpus))
    assert "Nothing to embed" in Engine(make_settings(home, corpus_dir=corpus)).ingest([corpus]).summary()


# ---- full disk ----------------------------------------------------------------------------------

def test_full_disk_fails_clearly_and_the_next_ingest_completes(tmp_path):
    corpus = make_corpus(tmp_path / "corpus", ARTICLES[:2])
    home = tmp_path / "home"
    # Too small for the document store's schema (~45 KB), then for Chroma's (~190 KB): fails before
    # any embedding, at whichever store cannot be created.
    assert_clear_failure(run_rag(home, "ingest", corpus, fsize=20_000), "cannot write the document store",
                         "disk is full")
    assert_clear_failure(run_rag(home, "ingest", corpus, fsize=100_000), "cannot write the vector store",
                         "disk is full")
    # Both stores exist now (`rag check` finishes creating them); a limit just above their size lets
    # the embedding run and makes its writes fail.
    assert run_rag(home, "check").returncode == 0
    biggest = max(f.stat().st_size for f in home.rglob("*") if f.is_file())
    mid = run_rag(home, "ingest", corpus, fsize=biggest + 8_000)
    assert_clear_failure(mid, "cannot write the", "disk is full", "Free some space and run")
    after_failure = run_rag(home, "check")
    print(mid.stderr[-600:], after_failure.stdout, sep="\n")
    # Nothing half-written is visible: whatever did not finish is still pending, no `ok` chunk lacks its vector.
    assert "have no vector" not in after_failure.stdout and "Traceback" not in after_failure.stderr

    done = run_rag(home, "ingest", corpus)
    assert done.returncode == 0, done.stdout + done.stderr
    check = run_rag(home, "check", corpus)
    assert check.returncode == 0 and check.stdout.startswith("OK: 2 document(s)"), check.stdout + check.stderr


# ---- a damaged or missing index -----------------------------------------------------------------

@pytest.fixture(scope="module")
def pristine(tmp_path_factory):
    """(home, corpus, snapshot) of a clean ingest; each test damages its own copy of home."""
    root = tmp_path_factory.mktemp("pristine")
    corpus = make_corpus(root / "corpus")
    engine = Engine(make_settings(root / "home", corpus_dir=corpus))
    engine.ingest([corpus])
    assert engine.check([corpus]).ok
    engine.docstore.close()
    return root / "home", corpus, snapshot(root / "home", corpus)


def sql(home: Path, *statements: str) -> None:
    with sqlite3.connect(home / "docs.sqlite") as c:
        c.execute("PRAGMA foreign_keys=OFF")
        for s in statements:
            c.execute(s)


def garble(path: Path, size: int = 200_000) -> None:
    path.write_bytes(random.Random(7).randbytes(size))


FIRST = "000_a5ace0b03903e5e5"

# name -> (damage(home, engine), phrases `rag check` must report, the repair): "ingest" is a plain
# `rag ingest`; "rebuild" needs `--rebuild` (rows changed outside rag); "refuse" also makes a plain
# ingest refuse to build on a damaged file.
DAMAGE = {
    "chroma dir deleted": (lambda h, e: shutil.rmtree(h / "chroma"), ["chunk(s) have no vector"], "ingest"),
    "vectors deleted": (lambda h, e: e.vectors.delete_ids([f"{FIRST}:0", f"{FIRST}:2"]),
                        [f"2 chunk(s) have no vector: {FIRST}:0, {FIRST}:2"], "ingest"),
    "foreign vector": (lambda h, e: e.vectors.add(["ghost:0"], [[0.05] * 384], ["ghost"]),
                       ["1 vector(s) belong to no chunk: ghost:0"], "ingest"),
    "vector under another document": (
        lambda h, e: e.vectors.add([f"{FIRST}:1"], [[0.05] * 384], ["002_fa893b1c2e61148b"]),
        [f"filed under another document: {FIRST}:1", "--rebuild"], "rebuild"),  # same count: no crash does it
    "keyword table dropped": (lambda h, e: sql(h, "DROP TABLE chunk_fts"),
                              ["keyword index:", "chunk(s) not indexed"], "ingest"),
    "chunk deleted": (lambda h, e: sql(h, f"DELETE FROM chunks WHERE chunk_id = '{FIRST}:1'"),
                      ["chunk numbers are not 0..n-1", f"belong to no chunk: {FIRST}:1"], "ingest"),
    "chunk duplicated": (lambda h, e: sql(h, "INSERT INTO chunks(chunk_id, doc_id, idx, start, end, text) "
                                          f"SELECT '{FIRST}:99', doc_id, 99, start, end, text FROM chunks "
                                          f"WHERE chunk_id = '{FIRST}:0'"),
                         ["duplicate chunks (same offsets twice)", f"chunk(s) have no vector: {FIRST}:99"], "ingest"),
    "document row deleted": (lambda h, e: sql(h, f"DELETE FROM documents WHERE doc_id = '{FIRST}'"),
                             [f"chunk(s) belong to no document: {FIRST}:0", "file(s) not ingested: "], "ingest"),
    "chunk text edited": (lambda h, e: sql(h, f"UPDATE chunks SET text = 'X' || text WHERE chunk_id = '{FIRST}:1'"),
                          [f"differ from the article text at their offsets: {FIRST}:1",
                           "keyword index does not match the chunk texts"], "rebuild"),
    "sqlite truncated": (lambda h, e: os.truncate(h / "docs.sqlite", (h / "docs.sqlite").stat().st_size // 2),
                         ["is damaged", "--rebuild"], "refuse"),
    "sqlite garbage": (lambda h, e: garble(h / "docs.sqlite"), ["is damaged (file is not a database)", "--rebuild"],
                       "refuse"),
    "chroma garbage": (lambda h, e: garble(h / "chroma" / "chroma.sqlite3"),
                       ["vector store", "failed", "--rebuild"], "refuse"),
}


@pytest.mark.parametrize("damage", list(DAMAGE))
def test_damage_is_reported_and_repaired(pristine, tmp_path, damage):
    src, corpus, want = pristine
    home = tmp_path / "home"
    shutil.copytree(src, home)
    # A finished ingest records the vector store's state so that the next one can skip opening it: the
    # damage must still be found by a run that starts from such a record.
    settled = run_rag(home, "ingest", corpus)
    assert "Nothing to embed" in settled.stdout, settled.stdout + settled.stderr
    with sqlite3.connect(home / "docs.sqlite") as c:
        assert c.execute("SELECT count(*) FROM vector_state").fetchone() == (1,)
    c.close()
    do, phrases, repair = DAMAGE[damage]
    if damage.startswith(("vector", "foreign")):  # through Chroma's API, as another program could
        engine = Engine(make_settings(home, corpus_dir=corpus))
        assert engine.check([corpus]).ok  # the copy is sound before we damage it
        do(home, engine)
    else:
        # Files damaged on disk: Chroma must not have the copy open already (it caches open stores).
        do(home, None)
    engine = Engine(make_settings(home, corpus_dir=corpus))  # a fresh start, as the next command would be
    rep = engine.check([corpus])
    assert not rep.ok
    report = "\n".join(rep.problems)
    for phrase in phrases:
        assert phrase in report, report

    if repair == "refuse":
        with pytest.raises(StoreError, match="--rebuild"):  # a normal ingest refuses to build on damage
            engine.ingest([corpus])
    result = engine.ingest([corpus], rebuild=repair != "ingest")
    assert result.repaired or repair == "rebuild", result.summary()  # says what it found and fixed
    assert engine.check([corpus]).ok, engine.check([corpus]).problems
    assert_same_index(snapshot(home, corpus), want)
    assert engine.search(BUSHEHR, k=3, method="keyword")  # the keyword index answers again
    if damage.endswith("garbage"):
        assert list(home.glob("*.damaged-*")), "the damaged store is kept aside, not deleted"


def test_check_compares_documents_with_the_files(tmp_path):
    corpus = make_corpus(tmp_path / "corpus", ARTICLES[:2])
    engine = Engine(make_settings(tmp_path / "home", corpus_dir=corpus))
    engine.ingest([corpus])
    assert engine.check([corpus]).ok
    changed, deleted = sorted(corpus.iterdir())
    changed.write_text(changed.read_text(encoding="utf-8") + "\nA late correction.\n", encoding="utf-8")
    deleted.unlink()
    shutil.copy(CORPUS / ARTICLES[2], corpus / "late.txt")
    report = "\n".join(engine.check([corpus]).problems)
    assert f"document {changed.stem} is out of date" in report, report
    assert f"document {deleted.stem}: its file {deleted} is gone" in report, report
    assert f"1 file(s) not ingested: {corpus / 'late.txt'}" in report, report
    assert "is gone" in "\n".join(engine.check().problems)  # without PATHS: documents against their files
    engine.ingest([corpus])
    assert engine.check([corpus]).ok


def test_cli_check_and_rebuild_on_garbage_stores(pristine, tmp_path):
    src, corpus, want = pristine
    home = tmp_path / "home"
    shutil.copytree(src, home)
    garble(home / "docs.sqlite")
    garble(home / "chroma" / "chroma.sqlite3")
    check = run_rag(home, "check")
    assert check.returncode == 1 and "Traceback" not in check.stdout + check.stderr, check.stdout + check.stderr
    assert "2 problem(s)" in check.stdout, check.stdout
    assert "docs.sqlite is damaged (file is not a database)" in check.stdout
    assert "the vector store in" in check.stdout and "file is not a database" in check.stdout
    assert_clear_failure(run_rag(home, "ingest", corpus), "is damaged", "rag ingest --rebuild")

    rebuilt = run_rag(home, "ingest", "--rebuild", corpus)
    assert rebuilt.returncode == 0, rebuilt.stdout + rebuilt.stderr
    assert "Repaired: the document store was damaged" in rebuilt.stdout
    assert "Repaired: the vector store could not be opened" in rebuilt.stdout
    assert run_rag(home, "check", corpus).returncode == 0
    assert_same_index(snapshot(home, corpus), want)


# ---- the language model fails mid-question: the sources are still returned ------------------------

@pytest.mark.parametrize("steps, phrase", [
    (["503"], "HTTP 503: loading model"),
    (["stream_then_drop"], "stopped in the middle of its reply"),
    (["slow"], "did not answer within 0.5 s"),
], ids=["5xx", "stream-cut", "slow"])
def test_failing_endpoint_still_returns_the_sources(corpus_engine, scripted, steps, phrase):  # noqa: F811
    run, handler = scripted
    endpoint = run(*steps)  # sets the script; the endpoint's settings carry its URL
    settings = corpus_engine.settings.model_copy(update={
        "llm_base_url": endpoint.settings.llm_base_url, "llm_retries": 2, "llm_timeout_s": 0.5})
    engine = Engine(settings)
    answer = engine.ask(BUSHEHR, mode="openai")
    assert answer.error and "the language model failed" in answer.error and phrase in answer.error, answer.error
    assert handler.calls == (1 if steps == ["stream_then_drop"] else 3)  # bounded retries, none mid-stream
    assert answer.sources and any("Bushehr" in s.text for s in answer.sources)
    assert not answer.abstained and "Bushehr" in answer.answer  # the best quotes instead
    for c in answer.citations:
        assert engine.article(c.doc_id).text[c.start:c.end] == c.quote


def test_a_copy_of_the_prompts_example_is_never_shown_and_counts_as_not_found(corpus_engine, scripted):  # noqa: F811
    """Lost among the passages, the 1.5B model sometimes copies the rules' format example ("The talks were
    held in Vienna [2]."): no token of it reaches the user, and the quotes answer as after NOT FOUND."""
    run, handler = scripted
    endpoint = run("stream:The| talks| were held| in Vienna| [2].", "yes")  # then "Yes" to the yes/no checks
    engine = Engine(corpus_engine.settings.model_copy(update={"llm_base_url": endpoint.settings.llm_base_url}))
    events = list(engine.ask_stream(BUSHEHR, mode="openai"))
    shown = "".join(p for kind, p in events if kind == "token")
    answer = events[-1][1]
    assert shown == "" and "Vienna" not in answer.answer
    assert not answer.abstained and "Bushehr" in answer.answer and answer.error is None
    for c in answer.citations:
        assert engine.article(c.doc_id).text[c.start:c.end] == c.quote

    # A reply that only starts like the example is shown whole, as soon as it parts from it.
    run("stream:The| talks| were held| in Bushehr| [1].", "yes")
    events = list(engine.ask_stream(BUSHEHR, mode="openai"))
    tokens = [p for kind, p in events if kind == "token"]
    assert tokens == ["The talks were held in Bushehr", " [1]."]


@pytest.mark.llm
def test_local_model_killed_mid_answer_then_restarted(corpus_engine):
    from rag.llm_server import get_local_server

    events = corpus_engine.ask_stream(BUSHEHR, mode="local")
    for kind, _ in events:
        if kind == "token":
            break
    server = get_local_server(corpus_engine.settings)
    old_pid = server.pid
    os.kill(old_pid, signal.SIGKILL)
    answer = next(payload for kind, payload in events if kind == "answer")
    assert answer.error and "stopped in the middle" in answer.error, answer.error
    assert answer.sources and "Bushehr" in answer.answer
    again = corpus_engine.ask(BUSHEHR, mode="local")  # the next question restarts the model
    assert "the language model failed" not in (again.error or "") and "Bushehr" in again.answer
    assert server.is_alive() and server.pid != old_pid
