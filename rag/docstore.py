"""The document store: cleaned article texts, their chunks with offsets, and the BM25 keyword index.

One SQLite file (WAL) is the source of truth. The keyword index is an FTS5 table kept in step with
the chunks table by triggers, so it is updated in the same transaction as the chunks: never rebuilt,
never out of step after a crash. A document is `pending` while its vectors are being replaced in
Chroma; only `ok` documents are ever returned by retrieval, and a pending one is redone by the next ingest.
"""
from __future__ import annotations

import re
import sqlite3
import threading
import time
from dataclasses import dataclass
from pathlib import Path

from .errors import StoreError
from .schema import Article

SCHEMA = """
CREATE TABLE IF NOT EXISTS documents (
    doc_id TEXT PRIMARY KEY,
    title TEXT NOT NULL,
    source TEXT NOT NULL UNIQUE,
    content_hash TEXT NOT NULL,
    text TEXT NOT NULL,
    n_chunks INTEGER NOT NULL DEFAULT 0,
    status TEXT NOT NULL CHECK (status IN ('pending', 'ok')),
    updated_at REAL NOT NULL
);
CREATE TABLE IF NOT EXISTS chunks (
    id INTEGER PRIMARY KEY,
    chunk_id TEXT NOT NULL UNIQUE,
    doc_id TEXT NOT NULL REFERENCES documents(doc_id) ON DELETE CASCADE,
    idx INTEGER NOT NULL,
    start INTEGER NOT NULL,
    end INTEGER NOT NULL,
    text TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS chunks_doc ON chunks(doc_id);
CREATE VIRTUAL TABLE IF NOT EXISTS chunk_fts USING fts5(
    text, content='chunks', content_rowid='id', tokenize='porter unicode61 remove_diacritics 2'
);
CREATE TRIGGER IF NOT EXISTS chunks_ai AFTER INSERT ON chunks BEGIN
    INSERT INTO chunk_fts(rowid, text) VALUES (new.id, new.text);
END;
CREATE TRIGGER IF NOT EXISTS chunks_ad AFTER DELETE ON chunks BEGIN
    INSERT INTO chunk_fts(chunk_fts, rowid, text) VALUES ('delete', old.id, old.text);
END;
"""

# Words too common to help keyword ranking; FTS5 has no stopword list of its own.
_STOP = frozenset(
    "a an and are as at be by did do does for from had has have how i in is it its of on or that the "
    "their them they this to was were what when where which who whom whose why will with would".split()
)
_WORD = re.compile(r"\w+", re.UNICODE)


@dataclass
class DocInfo:
    doc_id: str
    title: str
    source: str
    n_chunks: int
    status: str
    content_hash: str
    updated_at: float


@dataclass
class ChunkRow:
    chunk_id: str
    doc_id: str
    idx: int
    start: int
    end: int
    text: str


def keyword_query(question: str) -> str | None:
    """An FTS5 OR-query of the question's content words, each quoted so no word acts as an operator."""
    words = dict.fromkeys(w.lower() for w in _WORD.findall(question))
    terms = [w for w in words if w not in _STOP and (len(w) > 1 or w.isdigit())]
    if not terms:
        return None
    return " OR ".join(f'"{w}"' for w in terms[:64])


class DocStore:
    def __init__(self, path: Path):
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._local = threading.local()
        try:
            self._conn().executescript(SCHEMA)
        except sqlite3.DatabaseError as e:
            raise StoreError(
                f"the document store {self.path} is unreadable ({e}); run `rag ingest --rebuild` to recreate it"
            ) from e

    def _conn(self) -> sqlite3.Connection:
        # One connection per thread: the UI serves requests from a thread pool.
        conn = getattr(self._local, "conn", None)
        if conn is None:
            conn = sqlite3.connect(self.path, timeout=30, isolation_level=None)
            conn.execute("PRAGMA journal_mode=WAL")
            conn.execute("PRAGMA synchronous=NORMAL")
            conn.execute("PRAGMA foreign_keys=ON")
            self._local.conn = _Tx(conn)
            conn = self._local.conn
        return conn

    # ---- documents
    def documents(self, include_pending: bool = False) -> list[DocInfo]:
        sql = "SELECT doc_id, title, source, n_chunks, status, content_hash, updated_at FROM documents"
        if not include_pending:
            sql += " WHERE status = 'ok'"
        rows = self._conn().execute(sql + " ORDER BY source").fetchall()
        return [DocInfo(*r) for r in rows]

    def document(self, doc_id: str) -> DocInfo | None:
        r = self._conn().execute(
            "SELECT doc_id, title, source, n_chunks, status, content_hash, updated_at FROM documents WHERE doc_id = ?",
            (doc_id,),
        ).fetchone()
        return DocInfo(*r) if r else None

    def by_source(self) -> dict[str, DocInfo]:
        return {d.source: d for d in self.documents(include_pending=True)}

    def article(self, doc_id: str) -> Article | None:
        r = self._conn().execute(
            "SELECT doc_id, title, source, text FROM documents WHERE doc_id = ? AND status = 'ok'", (doc_id,)
        ).fetchone()
        return Article(*r) if r else None

    def mark_pending(self, docs: list[tuple[str, str, str, str, str]]) -> None:
        """Record (doc_id, title, source, content_hash, text) as pending before their vectors change."""
        now = time.time()
        with self._conn() as c:
            for doc_id, title, source, chash, text in docs:
                c.execute(
                    "INSERT INTO documents(doc_id, title, source, content_hash, text, status, updated_at) "
                    "VALUES (?, ?, ?, ?, ?, 'pending', ?) ON CONFLICT(doc_id) DO UPDATE SET "
                    "title=excluded.title, source=excluded.source, content_hash='', text=excluded.text, "
                    "status='pending', updated_at=excluded.updated_at",
                    (doc_id, title, source, chash, text, now),
                )

    def commit_chunks(self, doc_hashes: dict[str, str], chunks: list[ChunkRow]) -> None:
        """Replace the chunks of these documents and mark them ok, in one transaction."""
        by_doc: dict[str, int] = {d: 0 for d in doc_hashes}
        for ch in chunks:
            by_doc[ch.doc_id] += 1
        with self._conn() as c:
            for doc_id in doc_hashes:
                c.execute("DELETE FROM chunks WHERE doc_id = ?", (doc_id,))
            c.executemany(
                "INSERT INTO chunks(chunk_id, doc_id, idx, start, end, text) VALUES (?, ?, ?, ?, ?, ?)",
                [(ch.chunk_id, ch.doc_id, ch.idx, ch.start, ch.end, ch.text) for ch in chunks],
            )
            for doc_id, chash in doc_hashes.items():
                c.execute(
                    "UPDATE documents SET status='ok', content_hash=?, n_chunks=?, updated_at=? WHERE doc_id=?",
                    (chash, by_doc[doc_id], time.time(), doc_id),
                )

    def invalidate(self, doc_ids: list[str]) -> None:
        """Forget the content hash so the next ingest re-embeds these documents."""
        with self._conn() as c:
            c.executemany("UPDATE documents SET content_hash = '' WHERE doc_id = ?", [(d,) for d in doc_ids])

    def delete(self, doc_ids: list[str]) -> None:
        with self._conn() as c:
            for doc_id in doc_ids:
                c.execute("DELETE FROM chunks WHERE doc_id = ?", (doc_id,))
                c.execute("DELETE FROM documents WHERE doc_id = ?", (doc_id,))

    def clear(self) -> None:
        with self._conn() as c:
            c.execute("DELETE FROM chunks")
            c.execute("DELETE FROM documents")

    # ---- chunks
    def chunks(self, chunk_ids: list[str]) -> dict[str, ChunkRow]:
        """Chunks of ok documents by id (ids of pending or removed documents are silently absent)."""
        out: dict[str, ChunkRow] = {}
        for i in range(0, len(chunk_ids), 500):
            part = chunk_ids[i : i + 500]
            marks = ",".join("?" * len(part))
            rows = self._conn().execute(
                "SELECT c.chunk_id, c.doc_id, c.idx, c.start, c.end, c.text FROM chunks c "
                f"JOIN documents d USING (doc_id) WHERE d.status = 'ok' AND c.chunk_id IN ({marks})",
                part,
            ).fetchall()
            out.update((r[0], ChunkRow(*r)) for r in rows)
        return out

    def chunk_ids(self) -> set[str]:
        return {r[0] for r in self._conn().execute("SELECT chunk_id FROM chunks")}

    def doc_chunks(self, doc_id: str) -> list[ChunkRow]:
        rows = self._conn().execute(
            "SELECT chunk_id, doc_id, idx, start, end, text FROM chunks WHERE doc_id = ? ORDER BY idx", (doc_id,)
        ).fetchall()
        return [ChunkRow(*r) for r in rows]

    def count_chunks(self) -> int:
        return self._conn().execute("SELECT count(*) FROM chunks").fetchone()[0]

    def keyword_search(self, question: str, k: int) -> list[tuple[str, float]]:
        """(chunk_id, BM25 score) best first; higher is better (FTS5's bm25() is negated)."""
        q = keyword_query(question)
        if q is None:
            return []
        rows = self._conn().execute(
            "SELECT c.chunk_id, -bm25(chunk_fts) AS s FROM chunk_fts JOIN chunks c ON c.id = chunk_fts.rowid "
            "JOIN documents d ON d.doc_id = c.doc_id "
            "WHERE chunk_fts MATCH ? AND d.status = 'ok' ORDER BY bm25(chunk_fts) LIMIT ?",
            (q, k),
        ).fetchall()
        return [(r[0], float(r[1])) for r in rows]

    def integrity_problems(self) -> list[str]:
        """What SQLite and FTS5 themselves find wrong (empty list = fine)."""
        c = self._conn()
        problems = [r[0] for r in c.execute("PRAGMA integrity_check") if r[0] != "ok"]
        try:
            c.execute("INSERT INTO chunk_fts(chunk_fts) VALUES ('integrity-check')")
        except sqlite3.DatabaseError as e:
            problems.append(f"keyword index: {e}")
        return problems

    def rebuild_keyword_index(self) -> None:
        with self._conn() as c:
            c.execute("INSERT INTO chunk_fts(chunk_fts) VALUES ('rebuild')")

    def close(self) -> None:
        conn = getattr(self._local, "conn", None)
        if conn is not None:
            conn.close()
            self._local.conn = None


class _Tx:
    """A connection whose `with` block is one IMMEDIATE transaction (autocommit outside)."""

    def __init__(self, conn: sqlite3.Connection):
        self._c = conn

    def execute(self, *a):
        return self._c.execute(*a)

    def executemany(self, *a):
        return self._c.executemany(*a)

    def executescript(self, s: str):
        return self._c.executescript(s)

    def close(self) -> None:
        self._c.close()

    def __enter__(self) -> "_Tx":
        self._c.execute("BEGIN IMMEDIATE")
        return self

    def __exit__(self, exc_type, exc, tb) -> None:
        self._c.execute("ROLLBACK" if exc_type else "COMMIT")
