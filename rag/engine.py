"""The library API: one Engine serves the CLI, the web UI and the evaluation harness.

    engine = Engine()                      # settings from the environment
    engine.ingest([Path("corpus")])        # files -> Chroma + keyword index
    engine.search("Who built Bushehr?")    # hybrid retrieval -> list[Hit]
    engine.ask("Who built Bushehr?")       # Answer with verified quotes (see rag.answer)
"""
from __future__ import annotations

import re
import threading
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

from .docstore import DocInfo, DocStore
from .errors import InputError, StoreError
from .schema import Answer, Article, Hit
from .settings import Settings, get_settings

_CONTROL = re.compile(r"[\x00-\x08\x0e-\x1f\x7f]")  # C0 controls and DEL; tab and line breaks are fine
_SURROGATE = re.compile(r"[\ud800-\udfff]")


@dataclass
class CheckReport:
    documents: int = 0
    chunks: int = 0
    vectors: int = 0
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems

    def to_json(self) -> dict:
        return {"ok": self.ok, "documents": self.documents, "chunks": self.chunks, "vectors": self.vectors,
                "problems": self.problems}


class Engine:
    def __init__(self, settings: Settings | None = None):
        self.settings = settings or get_settings()
        self.settings.home.mkdir(parents=True, exist_ok=True)
        self._write_lock = threading.Lock()  # one ingest/remove at a time; reads go on meanwhile

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

        return Embedder(self.settings.embed_batch_size, self.settings.embed_threads)

    @cached_property
    def retriever(self):
        from .retrieve import HybridRetriever

        return HybridRetriever(self.docstore, self.vectors, self.embedder, k=self.settings.top_k)

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
               progress: bool = False):
        paths = [Path(p) for p in (paths or [self.settings.corpus_dir])]
        with self._write_lock:
            if rebuild:
                return self._rebuild(paths, progress)
            return self._ingestor.ingest(paths, prune=prune, progress=progress)

    def _rebuild(self, paths: list[Path], progress: bool):
        # A corrupt SQLite file cannot even be opened: start it afresh, the files are the truth.
        self.__dict__.pop("docstore", None)
        self.__dict__.pop("_ingestor", None)
        self.__dict__.pop("retriever", None)
        for suffix in ("", "-wal", "-shm"):
            Path(str(self.settings.db_path) + suffix).unlink(missing_ok=True)
        return self._ingestor.rebuild(paths, progress=progress)

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
    def search(self, question: str, k: int | None = None, mode: str = "hybrid") -> list[Hit]:
        question = self.validate_question(question)
        return self.retriever.search(question, k or self.settings.top_k, mode=mode)

    def ask(self, question: str, history: list[dict] | None = None, mode: str | None = None,
            k: int | None = None) -> Answer:
        return self.answerer.ask(question, history=history, mode=mode, k=k)

    def ask_stream(self, question: str, history: list[dict] | None = None, mode: str | None = None,
                   k: int | None = None) -> Iterator[tuple[str, object]]:
        """Yields ("status", str), ("token", str) ... and finally ("answer", Answer)."""
        return self.answerer.ask_stream(question, history=history, mode=mode, k=k)

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

    # ---- health
    def check(self) -> CheckReport:
        rep = CheckReport()
        try:
            store = self.docstore
            rep.problems += store.integrity_problems()
            docs = store.documents(include_pending=True)
            rep.documents = len(docs)
            chunk_ids = store.chunk_ids()
            rep.chunks = len(chunk_ids)
        except Exception as e:  # a corrupt file raises on open or on first read
            rep.problems.append(f"document store {self.settings.db_path}: {e}")
            return rep
        rep.problems += [f"document {d.doc_id} is half-ingested (pending); run `rag ingest`" for d in docs
                         if d.status == "pending"]
        rep.problems += [f"document {d.doc_id}: source file {d.source} is gone; run `rag ingest` to prune it"
                         for d in docs if not Path(d.source).exists()]
        bad_chunks = 0
        for d in docs:
            art = store.article(d.doc_id)
            for ch in store.doc_chunks(d.doc_id):
                if art is None or art.text[ch.start:ch.end] != ch.text:
                    bad_chunks += 1
        if bad_chunks:
            rep.problems.append(f"{bad_chunks} chunk(s) do not match their article text at their offsets")
        try:
            vec_ids = self.vectors.ids()
        except StoreError as e:
            rep.problems.append(str(e))
            return rep
        rep.vectors = len(vec_ids)
        if missing := chunk_ids - vec_ids:
            rep.problems.append(f"{len(missing)} chunk(s) have no vector (e.g. {sorted(missing)[0]})")
        if orphans := vec_ids - chunk_ids:
            rep.problems.append(f"{len(orphans)} vector(s) belong to no chunk (e.g. {sorted(orphans)[0]})")
        return rep
