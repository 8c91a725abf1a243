"""The vector index: chunk embeddings in Chroma (cosine), embedded on disk or on a Chroma server.

Chroma only holds ids, vectors and the doc id; texts and offsets live in the document store, which
is the source of truth. We always pass our own embeddings: Chroma's default embedding function would
download a model.
"""
from __future__ import annotations

import sqlite3
import threading
from collections.abc import Sequence
from pathlib import Path
from urllib.parse import urlparse

from .disk import is_write_failure, move_aside, write_failure
from .errors import ChromaUnavailable, ConfigError, RagError, StoreError
from .settings import Settings

# chromadb registers a client's System in a process-wide dict without a lock: two threads opening the same
# store at once (a question while an upload is ingested) both fail, with KeyError or a half-started System
# (chroma-core/chroma#7778). Opening is serialised; an open collection is shared and thread-safe.
_OPENING = threading.RLock()


def _client(settings: Settings):
    import chromadb
    from chromadb.config import Settings as ChromaSettings

    chroma_settings = ChromaSettings(anonymized_telemetry=False, allow_reset=False)
    if not settings.chroma_url:
        settings.chroma_dir.mkdir(parents=True, exist_ok=True)
        with _OPENING:
            return chromadb.PersistentClient(path=str(settings.chroma_dir), settings=chroma_settings)
    url = urlparse(settings.chroma_url)
    if url.scheme not in ("http", "https") or not url.hostname:
        raise ConfigError(f"RAG_CHROMA_URL={settings.chroma_url!r} is not an http(s) URL like http://127.0.0.1:8000")
    try:
        return chromadb.HttpClient(
            host=url.hostname,
            port=url.port or (443 if url.scheme == "https" else 80),
            ssl=url.scheme == "https",
            settings=chroma_settings,
        )
    except Exception as e:  # chromadb raises plain ValueError/ConnectionError here
        raise ChromaUnavailable(_unreachable(settings.chroma_url, e)) from e


def _unreachable(url: str, e: Exception) -> str:
    return (
        f"cannot reach the Chroma server at {url} ({type(e).__name__}: {e}). "
        "Start it (`chroma run --host 127.0.0.1 --port 8000 --path DIR`) or unset RAG_CHROMA_URL to use the embedded store."
    )


class VectorIndex:
    def __init__(self, settings: Settings):
        self.settings = settings
        self._collection = None

    @property
    def collection(self):
        # Connect lazily and reconnect after a failure, so a Chroma server that comes back is used again.
        if self._collection is None:
            with _OPENING:
                if self._collection is None:
                    self._collection = self._open()
        return self._collection

    def _open(self):
        try:
            return _client(self.settings).get_or_create_collection(
                self.settings.collection,
                configuration={"hnsw": {"space": "cosine"}},
                embedding_function=None,
            )
        except (ChromaUnavailable, ConfigError, KeyboardInterrupt, SystemExit):
            raise
        except BaseException as e:  # see _call
            raise self._error(e) from e

    def _error(self, e: BaseException) -> StoreError:
        self._collection = None
        if self.settings.chroma_url:
            return ChromaUnavailable(_unreachable(self.settings.chroma_url, e))
        where = self.settings.chroma_dir
        if is_write_failure(e):
            return write_failure(f"the vector store in {where}", where, f"{type(e).__name__}: {e}",
                                 "`rag ingest` again: it redoes the unfinished documents")
        return StoreError(
            f"the vector store in {where} failed ({type(e).__name__}: {e}); "
            "run `rag check`, then `rag ingest --rebuild` to recreate it from the corpus"
        )

    def _call(self, fn, *args, **kwargs):
        try:
            return fn(*args, **kwargs)
        except (RagError, KeyboardInterrupt, SystemExit, GeneratorExit):
            raise
        except BaseException as e:  # chromadb's Rust core raises PanicException, a BaseException
            raise self._error(e) from e

    def add(self, ids: Sequence[str], embeddings: Sequence[Sequence[float]], doc_ids: Sequence[str]) -> None:
        col = self.collection
        step = 1000  # well under any Chroma max batch size
        for i in range(0, len(ids), step):
            self._call(
                col.upsert,
                ids=list(ids[i : i + step]),
                embeddings=[list(map(float, e)) for e in embeddings[i : i + step]],
                metadatas=[{"doc_id": d} for d in doc_ids[i : i + step]],
            )

    def delete_docs(self, doc_ids: Sequence[str]) -> None:
        if doc_ids:
            self._call(self.collection.delete, where={"doc_id": {"$in": list(doc_ids)}})

    def query(self, embedding: Sequence[float], k: int) -> list[tuple[str, float]]:
        """(chunk_id, cosine similarity) best first; fewer than k when fewer are stored.

        No count() first: Chroma returns what it has when asked for more, and counting cost 14 ms of the
        16 at 100k chunks (docs/decisions.md)."""
        res = self._call(self.collection.query, query_embeddings=[list(map(float, embedding))], n_results=k,
                         include=["distances"])
        return [(i, 1.0 - float(d)) for i, d in zip(res["ids"][0], res["distances"][0])]

    def entries(self) -> list[tuple[str, str | None]]:
        """Every (chunk id, doc id) stored, as Chroma lists them (a duplicate would show twice)."""
        col = self.collection
        out: list[tuple[str, str | None]] = []
        n = self._call(col.count)
        for off in range(0, n, 5000):
            got = self._call(col.get, include=["metadatas"], limit=5000, offset=off)
            out += [(i, (m or {}).get("doc_id")) for i, m in zip(got["ids"], got["metadatas"])]
        return out

    def embeddings(self, ids: Sequence[str]) -> dict[str, list[float]]:
        """The stored vectors of these chunk ids (absent ids are left out)."""
        got = self._call(self.collection.get, ids=list(ids), include=["embeddings"])
        return {i: list(map(float, e)) for i, e in zip(got["ids"], got["embeddings"])}

    def delete_ids(self, ids: Sequence[str]) -> None:
        for i in range(0, len(ids), 1000):
            self._call(self.collection.delete, ids=list(ids[i : i + 1000]))

    def count(self) -> int:
        return self._call(self.collection.count)

    @property
    def is_open(self) -> bool:
        return self._collection is not None

    def state(self) -> str | None:
        """Where the embedded store stands, read from Chroma's SQLite file with the standard library (no
        chromadb import, milliseconds): its file, our collection's id, the sequence number of the last write applied
        to it and its vector count. Every add or delete raises the sequence number and a recreated collection
        has a new id, so the string changes with every write and stays the same across reads (which also
        write to the file: Chroma records each open, so the file's mtime cannot tell). A copy or restore of
        the directory is another file. None if it cannot be told (a server, no store yet, a file Chroma
        would have to recover or a chromadb that lays it out otherwise): then the store must be opened."""
        db = self.settings.chroma_dir / "chroma.sqlite3"
        if self.settings.chroma_url or not db.is_file():
            return None
        try:
            conn = sqlite3.connect(f"{db.resolve().as_uri()}?mode=ro", uri=True, timeout=1)
            try:
                rows = conn.execute(_STATE_SQL, (self.settings.collection,)).fetchall()
            finally:
                conn.close()
            st = db.stat()
        except (sqlite3.Error, OSError):
            return None
        if len(rows) != 1 or rows[0][1] is None:  # no such collection, several, or never written to
            return None
        return "/".join(map(str, (st.st_dev, st.st_ino, *rows[0])))

    def reset(self) -> str | None:
        """Drop and recreate the collection (for `rag ingest --rebuild`). An embedded store Chroma
        cannot open any more is moved aside; returns a note saying where, or None."""
        from chromadb.errors import NotFoundError

        try:
            client = self._call(_client, self.settings)
            try:
                self._call(client.delete_collection, self.settings.collection)
            except StoreError as e:
                if not isinstance(e.__cause__, NotFoundError):
                    raise  # else there was nothing to drop
            self._collection = None
            self.count()  # recreate it now: a store that still fails is damaged
            return None
        except StoreError as e:
            if self.settings.chroma_url or is_write_failure(e.__cause__ or e):
                raise  # a server's data is not ours to move, and a full disk is not damage
            moved = move_aside(self.settings.chroma_dir)
            _forget(self.settings.chroma_dir)
            self.count()
            return f"the vector store could not be opened ({e.__cause__ or e}); moved it aside to {moved}"


# Chroma's own tables (chromadb 1.x, local persistent mode): the metadata segment of a collection holds one row
# per vector, and max_seq_id the last write applied to it.
_STATE_SQL = """
SELECT c.id, m.seq_id, (SELECT count(*) FROM embeddings e WHERE e.segment_id = s.id)
FROM collections c JOIN segments s ON s.collection = c.id AND s.scope = 'METADATA'
LEFT JOIN max_seq_id m ON m.segment_id = s.id
WHERE c.name = ?
"""


def _forget(path: Path) -> None:
    """Make chromadb forget it had the store at `path` open (it was moved aside).

    chromadb shares one System per path in a process and would keep using the moved files. Only this
    path's entry is dropped: other stores open in the process stay as they are."""
    from chromadb.api.shared_system_client import SharedSystemClient

    SharedSystemClient._identifier_to_system.pop(str(path), None)
    SharedSystemClient._identifier_to_refcount.pop(str(path), None)
