"""The document store: cleaned article texts, their chunks with offsets, and the BM25 keyword index.

One SQLite file (WAL) is the source of truth. The keyword index is an FTS5 table kept in step with
the chunks table by triggers, so it is updated in the same transaction as the chunks: never rebuilt,
never out of step after a crash. A document is `pending` while its vectors are being replaced in
Chroma; only `ok` documents are ever returned by retrieval, and a pending one is redone by the next ingest.
Whether all of it agrees is rag.check's question (`rag check`, and ingest before every run).
"""
from __future__ import annotations

import re
import sqlite3
import threading
import time
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from .disk import is_write_failure, write_failure
from .errors import StoreError
from .schema import Article
from .words import QUESTION_FRAME

SCHEMA = """
-- file_stat: rag.files.file_stat of the file when this text was read (NULL: not known or not trusted); while
-- the file still looks so, ingest does not read it again. Set with status 'ok', cleared by any other change.
CREATE TABLE IF NOT EXISTS documents (
    doc_id TEXT PRIMARY KEY,
    title TEXT NOT NULL,
    source TEXT NOT NULL UNIQUE,
    content_hash TEXT NOT NULL,
    text TEXT NOT NULL,
    n_chunks INTEGER NOT NULL DEFAULT 0,
    status TEXT NOT NULL CHECK (status IN ('pending', 'ok')),
    updated_at REAL NOT NULL,
    file_stat TEXT
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
-- Other files with a document's content (a copied folder): one document, its other paths listed here.
CREATE TABLE IF NOT EXISTS aliases (
    source TEXT PRIMARY KEY,
    doc_id TEXT NOT NULL REFERENCES documents(doc_id) ON DELETE CASCADE,
    content_hash TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS aliases_doc ON aliases(doc_id);
-- The vector store's state (rag.vectors.VectorIndex.state) when its count last matched the chunks, written
-- after each run that wrote vectors and deleted before the next write: lets an unchanged ingest skip opening Chroma.
CREATE TABLE IF NOT EXISTS vector_state (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    state TEXT NOT NULL,
    vectors INTEGER NOT NULL
);
CREATE VIRTUAL TABLE IF NOT EXISTS chunk_fts USING fts5(
    text, content='chunks', content_rowid='id', tokenize='porter unicode61 remove_diacritics 2'
);
-- Read-only view of the keyword index's terms and how many chunks hold each (search leaves out the commonest).
CREATE VIRTUAL TABLE IF NOT EXISTS chunk_vocab USING fts5vocab(chunk_fts, row);
CREATE TRIGGER IF NOT EXISTS chunks_ai AFTER INSERT ON chunks BEGIN
    INSERT INTO chunk_fts(rowid, text) VALUES (new.id, new.text);
END;
CREATE TRIGGER IF NOT EXISTS chunks_ad AFTER DELETE ON chunks BEGIN
    INSERT INTO chunk_fts(chunk_fts, rowid, text) VALUES ('delete', old.id, old.text);
END;
"""

# Columns added after stores were first made: CREATE TABLE IF NOT EXISTS leaves an older table as it is,
# so opening a store adds whichever of these it lacks (DocStore._add_columns).
ADDED_COLUMNS = (("documents", "file_stat", "TEXT"),)

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
    file_stat: str | None = None  # the file when its text was read (rag.files.file_stat), if trusted
    aliases: list[str] = field(default_factory=list)  # other files with the same content


@dataclass
class Alias:
    source: str
    doc_id: str
    content_hash: str


@dataclass
class ChunkRow:
    chunk_id: str
    doc_id: str
    idx: int
    start: int
    end: int
    text: str


# Keyword search ranks every chunk that holds any query word, so a word found in a third of a 100k-chunk
# archive costs tens of milliseconds while adding almost nothing to BM25. Past this many chunks the commonest
# words are left out of the query (see DocStore._affordable); a smaller corpus is searched with every word.
KEYWORD_BUDGET = 5_000  # chunks holding the query's words, summed over the words kept


def keyword_terms(question: str) -> list[str]:
    """The question's content words, lowercased, in order, once each (FTS5 has no stopword list of its own)."""
    words = dict.fromkeys(w.lower() for w in _WORD.findall(question))
    return [w for w in words if w not in QUESTION_FRAME and (len(w) > 1 or w.isdigit())][:64]


def keyword_query(terms: list[str]) -> str | None:
    """An FTS5 OR-query of `terms`, each quoted so no word acts as an operator."""
    return " OR ".join(f'"{w}"' for w in terms) if terms else None


@lru_cache(maxsize=1)
def _stemmer():
    from nltk.stem import PorterStemmer

    # FTS5's porter tokenizer: Martin Porter's own version of the algorithm (checked on the corpus's
    # words: it differs only where unicode61 also splits or folds a word). A word stemmed differently is
    # not found in the vocabulary and simply counts as rare: kept.
    return PorterStemmer(mode=PorterStemmer.MARTIN_EXTENSIONS)


_DOC_COLUMNS = "doc_id, title, source, n_chunks, status, content_hash, updated_at, file_stat"  # DocInfo's order


class DocStore:
    def __init__(self, path: Path):
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._local = threading.local()
        self._df: dict[str, int] = {}  # keyword document frequencies (see _affordable)
        self._df_for = -1  # ... valid while the chunk table's highest id is this
        # Recreates whatever schema object is missing (e.g. a dropped keyword table, which starts empty:
        # `rag check` reports it and the next `rag ingest` refills it).
        self._conn().executescript(SCHEMA)
        self._add_columns()

    def _add_columns(self) -> None:
        """Bring a store made by an older version up to SCHEMA. Looked at again inside the transaction:
        two processes opening an old store at once add each column once."""
        for table, column, decl in ADDED_COLUMNS:
            if self._has_column(table, column):
                continue
            with self._conn() as c:
                if not self._has_column(table, column):
                    c.execute(f"ALTER TABLE {table} ADD COLUMN {column} {decl}")

    def _has_column(self, table: str, column: str) -> bool:
        return any(r[1] == column for r in self._conn().execute(f"PRAGMA table_info({table})"))

    def _conn(self) -> "_Tx":
        # One connection per thread: the UI serves requests from a thread pool.
        conn = getattr(self._local, "conn", None)
        if conn is None:
            try:
                raw = sqlite3.connect(self.path, timeout=30, isolation_level=None)
            except sqlite3.Error as e:
                raise store_error(self.path, e) from e
            conn = _Tx(raw, self.path)
            try:
                conn.execute("PRAGMA journal_mode=WAL")  # the first read: fails here on a garbage file
                conn.execute("PRAGMA synchronous=NORMAL")
                conn.execute("PRAGMA foreign_keys=ON")
            except StoreError:
                raw.close()
                raise
            self._local.conn = conn
        return conn

    # ---- documents
    def documents(self, include_pending: bool = False) -> list[DocInfo]:
        sql = f"SELECT {_DOC_COLUMNS} FROM documents"
        if not include_pending:
            sql += " WHERE status = 'ok'"
        rows = self._conn().execute(sql + " ORDER BY source").fetchall()
        docs = [DocInfo(*r) for r in rows]
        by_id = {d.doc_id: d for d in docs}
        for a in self.aliases().values():
            if a.doc_id in by_id:
                by_id[a.doc_id].aliases.append(a.source)
        return docs

    def document(self, doc_id: str) -> DocInfo | None:
        r = self._conn().execute(
            f"SELECT {_DOC_COLUMNS} FROM documents WHERE doc_id = ?",
            (doc_id,),
        ).fetchone()
        return DocInfo(*r) if r else None

    def by_source(self) -> dict[str, DocInfo]:
        return {d.source: d for d in self.documents(include_pending=True)}

    # ---- other paths of a document's content
    def aliases(self) -> dict[str, Alias]:
        rows = self._conn().execute("SELECT source, doc_id, content_hash FROM aliases ORDER BY source")
        return {r[0]: Alias(*r) for r in rows}

    def add_aliases(self, aliases: list[Alias]) -> None:
        with self._conn() as c:
            c.executemany("INSERT OR REPLACE INTO aliases(source, doc_id, content_hash) VALUES (?, ?, ?)",
                          [(a.source, a.doc_id, a.content_hash) for a in aliases])

    def delete_aliases(self, sources: list[str]) -> None:
        with self._conn() as c:
            c.executemany("DELETE FROM aliases WHERE source = ?", [(s,) for s in sources])

    def promote_alias(self, alias: Alias) -> None:
        """Make an alias its document's main path (the main file is gone; the copy carries on)."""
        with self._conn() as c:
            c.execute("DELETE FROM aliases WHERE source = ?", (alias.source,))
            c.execute("UPDATE documents SET source = ?, file_stat = NULL WHERE doc_id = ?",
                      (alias.source, alias.doc_id))

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
                    "status='pending', updated_at=excluded.updated_at, file_stat=NULL",
                    (doc_id, title, source, chash, text, now),
                )

    def commit_chunks(self, doc_hashes: dict[str, str], chunks: list[ChunkRow],
                      file_stats: dict[str, str | None] | None = None) -> None:
        """Replace the chunks of these documents and mark them ok, with the stat of each one's file taken
        before its text was read (`file_stats`, by doc_id; none: NULL), in one transaction."""
        file_stats = file_stats or {}
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
                    "UPDATE documents SET status='ok', content_hash=?, n_chunks=?, updated_at=?, file_stat=? "
                    "WHERE doc_id=?", (chash, by_doc[doc_id], time.time(), file_stats.get(doc_id), doc_id),
                )

    # ---- the vector store's state, as last seen in step with the chunks
    def vector_state(self) -> tuple[str, int] | None:
        """(state, vector count) recorded by set_vector_state, or None."""
        row = self._conn().execute("SELECT state, vectors FROM vector_state WHERE id = 1").fetchone()
        return (row[0], row[1]) if row else None

    def set_vector_state(self, state: str, vectors: int) -> None:
        with self._conn() as c:
            c.execute("INSERT OR REPLACE INTO vector_state(id, state, vectors) VALUES (1, ?, ?)", (state, vectors))

    def forget_vector_state(self) -> None:
        with self._conn() as c:
            c.execute("DELETE FROM vector_state")

    def set_file_stats(self, stats: list[tuple[str, str, str | None]]) -> None:
        """(doc_id, content hash, stat): the stat of a file found unchanged by reading it, taken before it was
        read. Only while the document is ok with that hash, so it never vouches for another text."""
        if not stats:
            return  # as on an unchanged run: no write lock taken for nothing
        with self._conn() as c:
            c.executemany("UPDATE documents SET file_stat = ? WHERE doc_id = ? AND status = 'ok' "
                          "AND content_hash = ?", [(stat, doc_id, chash) for doc_id, chash, stat in stats])

    def invalidate(self, doc_ids: list[str]) -> None:
        """Forget the content hash and the file's stat: the next ingest re-reads and re-embeds these documents."""
        with self._conn() as c:
            c.executemany("UPDATE documents SET content_hash = '', file_stat = NULL WHERE doc_id = ?",
                          [(d,) for d in doc_ids])

    def delete(self, doc_ids: list[str]) -> None:
        with self._conn() as c:
            for doc_id in doc_ids:
                c.execute("DELETE FROM aliases WHERE doc_id = ?", (doc_id,))
                c.execute("DELETE FROM chunks WHERE doc_id = ?", (doc_id,))
                c.execute("DELETE FROM documents WHERE doc_id = ?", (doc_id,))

    def clear(self) -> None:
        with self._conn() as c:
            c.execute("DELETE FROM vector_state")
            c.execute("DELETE FROM aliases")
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

    def doc_chunks(self, doc_id: str) -> list[ChunkRow]:
        rows = self._conn().execute(
            "SELECT chunk_id, doc_id, idx, start, end, text FROM chunks WHERE doc_id = ? ORDER BY idx", (doc_id,)
        ).fetchall()
        return [ChunkRow(*r) for r in rows]

    def count_chunks(self) -> int:
        return self._conn().execute("SELECT count(*) FROM chunks").fetchone()[0]

    def keyword_search(self, question: str, k: int) -> list[tuple[str, float]]:
        """(chunk_id, BM25 score) best first; higher is better (FTS5's bm25() is negated)."""
        q = keyword_query(self._affordable(keyword_terms(question)))
        if q is None:
            return []
        rows = self._conn().execute(
            "SELECT c.chunk_id, -bm25(chunk_fts) AS s FROM chunk_fts JOIN chunks c ON c.id = chunk_fts.rowid "
            "JOIN documents d ON d.doc_id = c.doc_id "
            "WHERE chunk_fts MATCH ? AND d.status = 'ok' ORDER BY bm25(chunk_fts) LIMIT ?",
            (q, k),
        ).fetchall()
        return [(r[0], float(r[1])) for r in rows]

    def _affordable(self, terms: list[str]) -> list[str]:
        """`terms`, rarest first while the chunks holding them add up to KEYWORD_BUDGET (the rarest always
        kept), in their own order. Document frequencies come from FTS5's vocabulary and are remembered
        until the chunk table changes; a corpus smaller than the budget keeps every term without a lookup."""
        top = self._conn().execute("SELECT coalesce(max(id), 0) FROM chunks").fetchone()[0]
        if top <= KEYWORD_BUDGET or len(terms) < 2:
            return terms
        if self._df_for != top:
            self._df, self._df_for = {}, top
        for w in terms:
            if w not in self._df:
                row = self._conn().execute("SELECT doc FROM chunk_vocab WHERE term = ?", (_stem(w),)).fetchone()
                self._df[w] = row[0] if row else 0
        kept, total = set(), 0
        for w in sorted(terms, key=self._df.__getitem__):
            if kept and total + self._df[w] > KEYWORD_BUDGET:
                break
            kept.add(w)
            total += self._df[w]
        return [w for w in terms if w in kept]

    def delete_orphan_chunks(self) -> None:
        with self._conn() as c:
            c.execute("DELETE FROM chunks WHERE doc_id NOT IN (SELECT doc_id FROM documents)")

    def chunk_docs(self) -> dict[str, str]:
        """chunk_id -> doc_id for every chunk, pending documents' included."""
        return {r[0]: r[1] for r in self._conn().execute("SELECT chunk_id, doc_id FROM chunks")}

    def read(self, sql: str, params: tuple = ()) -> list[tuple]:
        """The rows of one statement, for the integrity checks (rag.check), which compare tables in SQL."""
        return self._conn().execute(sql, params)

    def rebuild_keyword_index(self) -> None:
        with self._conn() as c:
            c.execute("INSERT INTO chunk_fts(chunk_fts) VALUES ('rebuild')")

    def close(self) -> None:
        conn = getattr(self._local, "conn", None)
        if conn is not None:
            conn.close()
            self._local.conn = None


_DAMAGE = ("not a database", "malformed", "no such table", "no such column", "corrupt")


def store_error(path: Path, e: sqlite3.Error) -> StoreError:
    """A SQLite error as a message that says which file, what happened and what to do."""
    msg = str(e)
    low = msg.lower()
    if is_write_failure(e):
        return write_failure(f"the document store {path}", path, msg, "the command again; the last complete "
                             "write is kept and `rag ingest` resumes where it stopped")
    if any(w in low for w in _DAMAGE):
        return StoreError(
            f"the document store {path} is damaged ({msg}); run `rag ingest --rebuild` to recreate it from "
            "the corpus files (the damaged file is kept aside)"
        )
    if "locked" in low or "busy" in low:
        return StoreError(f"the document store {path} is locked by another process ({msg}); try again")
    return StoreError(f"the document store {path} failed ({type(e).__name__}: {msg})")


class _Rows(list):
    """Query results, fetched eagerly so that read errors surface inside _Tx's error translation."""

    def fetchone(self):
        return self[0] if self else None

    def fetchall(self):
        return list(self)


class _Tx:
    """A connection whose `with` block is one IMMEDIATE transaction (autocommit outside).
    Every SQLite error leaves it as a StoreError with an actionable message."""

    def __init__(self, conn: sqlite3.Connection, path: Path):
        self._c = conn
        self._path = path

    def _run(self, fn, *a):
        try:
            return fn(*a)
        except sqlite3.Error as e:
            raise store_error(self._path, e) from e

    def execute(self, *a) -> _Rows:
        return self._run(lambda: _Rows(self._c.execute(*a).fetchall()))

    def executemany(self, *a) -> None:
        self._run(self._c.executemany, *a)

    def executescript(self, s: str) -> None:
        self._run(self._c.executescript, s)

    def close(self) -> None:
        self._c.close()

    def __enter__(self) -> "_Tx":
        self.execute("BEGIN IMMEDIATE")
        return self

    def __exit__(self, exc_type, exc, tb) -> None:
        if exc_type is None:
            try:
                self.execute("COMMIT")
                return
            except StoreError:
                self._rollback()  # e.g. the disk filled up at commit: nothing of it is kept
                raise
        self._rollback()

    def _rollback(self) -> None:
        try:
            self._c.execute("ROLLBACK")
        except sqlite3.Error:
            pass  # SQLite already rolled back (it does on a full disk or an I/O error)


def _stem(word: str) -> str:
    """A query word as FTS5's `porter unicode61 remove_diacritics 2` tokenizer stores it (near enough)."""
    plain = "".join(c for c in unicodedata.normalize("NFKD", word) if not unicodedata.combining(c))
    return _stemmer().stem(plain)
