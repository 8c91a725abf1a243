"""The library API: one Engine serves the CLI, the web UI and the evaluation harness.

    engine = Engine()                      # settings from the environment
    engine.ingest([Path("corpus")])        # files -> Chroma + keyword index
    engine.search("Who built the dam?")    # hybrid retrieval (engine.retriever.retrieve) -> list[Hit]
    engine.ask("Who built the dam?")       # Answer with verified quotes (see rag.answer)
"""
from __future__ import annotations

import logging
import re
import threading
import time
import unicodedata
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

from .disk import move_aside
from .docstore import DocInfo, DocStore
from .errors import InputError, StoreError
from .schema import Answer, Article, Hit
from .settings import Settings, get_settings

log = logging.getLogger(__name__)

_CONTROL = re.compile(r"[\x00-\x08\x0e-\x1f\x7f]")  # C0 controls and DEL; tab and line breaks are fine
_SURROGATE = re.compile(r"[\ud800-\udfff]")


@dataclass
class Readiness:
    """How far `Engine.warm` got: "cold" (never started), "warming", "ready" or "failed" (with why)."""

    state: str = "cold"
    local: bool = False  # whether the local model is part of it
    seconds: float | None = None  # how long warming took
    why: str = ""
    _t0: float = field(default=0.0, repr=False)

    def begin(self, local: bool) -> None:
        self.state, self.local, self.why, self._t0 = "warming", local, "", time.monotonic()

    def finish(self) -> None:
        self.state, self.seconds = "ready", time.monotonic() - self._t0

    def fail(self, err: Exception) -> None:
        self.state, self.seconds, self.why = "failed", time.monotonic() - self._t0, str(err) or type(err).__name__


class Engine:
    def __init__(self, settings: Settings | None = None):
        self.settings = settings or get_settings()
        self.settings.home.mkdir(parents=True, exist_ok=True)
        self._write_lock = threading.Lock()  # one ingest/remove at a time; reads go on meanwhile
        self.readiness = Readiness()
        self._warming: threading.Thread | None = None
        self._warming_lock = threading.Lock()

    # Components are built on first use: `rag docs` should not load the embedding model.
    @cached_property
    def docstore(self) -> DocStore:
        return DocStore(self.settings.db_path)

    @cached_property
    def vectors(self):
        from .vectors import VectorIndex

        return VectorIndex(self.settings)

    @cached_property
    def embedder(self):
        from .embeddings import Embedder

        return Embedder.from_settings(self.settings)

    @cached_property
    def retriever(self):
        """Hybrid retrieval of the top_k chunks, as a llama-index retriever (`retriever.retrieve(question)`)."""
        return self.retriever_for()

    def retriever_for(self, k: int | None = None, method: str = "hybrid"):
        """A llama-index retriever of the best `k` chunks (default top_k) by `method`: hybrid, dense or keyword."""
        from .retrieve import HybridRetriever

        return HybridRetriever(self.docstore, self.vectors, self.embedder, k=k or self.settings.top_k, method=method)

    @cached_property
    def _ingestor(self):
        from .ingest import Ingestor

        return Ingestor(self.settings, self.docstore, self.vectors, lambda: self.embedder)

    @cached_property
    def answerer(self):
        from .answer import Answerer

        return Answerer(self)

    # ---- corpus
    def ingest(self, paths: Iterable[Path] | None = None, prune: bool = True, rebuild: bool = False,
               progress: bool = False, on_progress=None, reread: bool = False):
        """on_progress(fraction, what), if given, hears how far the run is (the web UI's progress bar);
        reread: read every file, even one that looks as it did when it was ingested (size, times, inode)."""
        paths = [Path(p) for p in (paths or [self.settings.corpus_dir])]
        with self._write_lock:
            if rebuild:
                return self._rebuild(paths, progress)
            return self._ingestor.ingest(paths, prune=prune, progress=progress, on_progress=on_progress,
                                         reread=reread)

    def _rebuild(self, paths: list[Path], progress: bool):
        note = self._reset_docstore()
        report = self._ingestor.rebuild(paths, progress=progress)
        report.repaired[:0] = [note] if note else []
        return report

    def _reset_docstore(self) -> str | None:
        """Start the SQLite file afresh (the files are the truth). A damaged one, which cannot even be
        opened, is moved aside rather than deleted; returns a note saying where."""
        from .check import sqlite_problems

        if "docstore" in self.__dict__:
            self.docstore.close()
        for name in ("docstore", "_ingestor", "retriever"):
            self.__dict__.pop(name, None)
        db = self.settings.db_path
        probe = None
        try:
            probe = DocStore(db)
            damage = sqlite_problems(probe, quick=True)
        except StoreError as e:
            damage = [str(e.__cause__ or e)]
        finally:
            if probe is not None:
                probe.close()
        if not damage:
            for suffix in ("", "-wal", "-shm"):
                Path(f"{db}{suffix}").unlink(missing_ok=True)
            return None
        aside = move_aside(db, companions=("-wal", "-shm"))
        return f"the document store was damaged ({damage[0]}); moved it aside to {aside}"

    def check_file(self, path: Path) -> None:
        """InputError (with the reason) unless `path` would become an article: readable, supported, within
        RAG_MAX_FILE_MB, with text left after cleaning. Checks without ingesting anything."""
        from .offload import check_file

        check_file(Path(path), self.settings.max_file_bytes)

    def documents(self) -> list[DocInfo]:
        return self.docstore.documents()

    def remove(self, doc_id: str) -> None:
        if self.docstore.document(doc_id) is None:
            raise InputError(f"no document with id {doc_id!r}; `rag docs` lists the ids")
        with self._write_lock:
            self._ingestor.remove([doc_id])

    def article(self, doc_id: str) -> Article:
        art = self.docstore.article(doc_id)
        if art is None:
            raise InputError(f"no document with id {doc_id!r}")
        return art

    # ---- questions
    def search(self, question: str, k: int | None = None, method: str = "hybrid") -> list[Hit]:
        """The best `k` chunks (default top_k) by `method` (hybrid, dense or keyword), through the llama-index
        retriever's retrieve()."""
        from .retrieve import to_hit

        question = self.validate_question(question)
        nodes = self.retriever_for(k, method).retrieve(question)
        return [to_hit(n) for n in nodes]

    def ask(self, question: str, history: list[dict] | None = None, mode: str | None = None,
            k: int | None = None) -> Answer:
        return self.answerer.ask(question, history=history, mode=mode, k=k)

    def ask_stream(self, question: str, history: list[dict] | None = None, mode: str | None = None,
                   k: int | None = None) -> Iterator[tuple[str, object]]:
        """Yields ("status", str), ("token", str) ... and finally ("answer", Answer)."""
        return self.answerer.ask_stream(question, history=history, mode=mode, k=k)

    def query_engine(self, mode: str | None = None, streaming: bool = False, history: list[dict] | None = None):
        """The answer path as a llama-index query engine (rag.query_engine.NewsQueryEngine)."""
        from .query_engine import NewsQueryEngine

        return NewsQueryEngine(engine=self, mode=mode, streaming=streaming, history=history or [])

    def validate_question(self, question: str) -> str:
        if not isinstance(question, str) or not question.strip():
            raise InputError("the question is empty: type a question about the articles")
        if _CONTROL.search(question):
            raise InputError("the question contains binary data (NUL bytes or other control characters)")
        if _SURROGATE.search(question):  # undecodable bytes (surrogateescape) or a "\ud800" JSON escape
            raise InputError("the question is not valid Unicode (unpaired surrogates): retype it as plain text")
        if not any(unicodedata.category(c)[0] in "LNPS" for c in question):  # only invisible characters
            raise InputError("the question is empty: type a question about the articles")
        q = " ".join(question.split())
        limit = self.settings.max_question_chars
        if len(q) > limit:
            raise InputError(f"the question is {len(q):,} characters long; the limit is {limit:,} (RAG_MAX_QUESTION_CHARS)")
        return q

    def warm(self, mode: str | None = None) -> None:
        """Load what the first question would otherwise wait for: the embedding model and the stores (one
        search), the question analysis (spaCy, and NLTK's sentence splitter: 2.4 s of imports) and, in local
        mode, the model server. Safe to call from a background thread;
        `readiness` says how far it got (the web UI shows it); errors are re-raised and surface again on use."""
        from .question import analyse

        local = (mode or self.settings.mode) == "local"
        self.readiness.begin(local)
        try:
            # The model server loads in its own process (~9 s): meanwhile this one loads the rest (~8 s).
            with ThreadPoolExecutor(1, thread_name_prefix="warm-model") as pool:
                model = pool.submit(self.answerer.warm, "local") if local else None
                self.search("warm up", 1)
                analyse("Who warmed up the models? They did.")
                if model is not None:
                    model.result()
        except Exception as e:
            self.readiness.fail(e)
            raise
        self.readiness.finish()

    def warm_in_background(self, say: Callable[[str], None] | None = None) -> None:
        """`warm` in a daemon thread, once per engine: a second call does nothing. `say` gets one line when it
        is done. (Started before gradio's import instead, both slowed each other: page 9-10 s, ready 15-16 s,
        against 4.4-5.2 s and 13-15 s.)"""
        with self._warming_lock:
            if self._warming is None:
                self._warming = threading.Thread(target=self._warm_and_say, args=(say,), name="warm-up", daemon=True)
                self._warming.start()

    def _warm_and_say(self, say: Callable[[str], None] | None) -> None:
        try:
            self.warm()
        except Exception:  # the first question reports the problem properly
            log.warning("could not warm up the models in advance", exc_info=True)
            return
        r = self.readiness
        if say is not None:
            say(f"Models ready ({'local model, ' if r.local else ''}{r.seconds:.1f} s after start)")

    # ---- health
    def check(self, paths: Iterable[Path] | None = None):
        """A CheckReport (rag.check): every disagreement between the document store, keyword index,
        vectors and files; with `paths`, also whether they are exactly the ingested documents."""
        from .check import check_index

        return check_index(self.settings, lambda: self.docstore, self.vectors,
                           [Path(p) for p in paths] if paths is not None else None)
