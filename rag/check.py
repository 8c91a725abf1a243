"""`rag check`: do the document store, the keyword index, the vectors and the article files agree?

Read-only apart from what opening the store itself does. Every problem is one line naming what is
wrong (with a few example ids) and the command that repairs it: `rag ingest` for anything a crash can
leave behind, `rag ingest --rebuild` for a damaged file.
"""
from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from .docstore import Alias, DocInfo, DocStore
from .errors import InputError, StoreError
from .files import file_hash, file_stat, ingestible, one_line
from .readers import iter_files
from .settings import Settings


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

    def summary(self) -> str:
        counts = f"{self.documents} document(s), {self.chunks} chunk(s), {self.vectors} vector(s)"
        if self.ok:
            return f"OK: {counts}; the document store, keyword index, vectors and files agree."
        return "\n".join([f"{len(self.problems)} problem(s) ({counts}):"] + [f"  - {p}" for p in self.problems])


def check_index(settings: Settings, docstore: Callable[[], DocStore], vectors,
                paths: list[Path] | None = None) -> CheckReport:
    """Compare everything; `paths` (files or folders) also checks that they are exactly what is ingested."""
    rep = CheckReport()
    try:
        store = docstore()
        if damage := sqlite_problems(store):
            raise StoreError("; ".join(damage))
        rep.problems += content_problems(store)
        docs = store.documents(include_pending=True)
        aliases = list(store.aliases().values())
        chunks = store.chunk_docs()
    except Exception as e:  # a damaged or unreadable file: nothing compared with it can be trusted
        rep.problems.append(_describe(e))
        rep.problems += _vector_store_opens(vectors, rep)
        return rep
    rep.documents, rep.chunks = len(docs), len(chunks)
    for part in (lambda: file_problems(settings, docs, paths, aliases), lambda: vector_problems(vectors, chunks, rep)):
        try:
            rep.problems += part()
        except Exception as e:
            rep.problems.append(_describe(e))
    return rep


def _vector_store_opens(vectors, rep: CheckReport) -> list[str]:
    try:
        rep.vectors = vectors.count()
        return []
    except Exception as e:
        return [_describe(e)]


def _describe(e: Exception) -> str:
    return str(e) if isinstance(e, StoreError) else f"check failed: {type(e).__name__}: {e}"


# --- the document store --------------------------------------------------------------------------

def sqlite_problems(store: DocStore, quick: bool = False) -> list[str]:
    """SQLite's own integrity check: damage only `rag ingest --rebuild` repairs.
    quick: skip the index-vs-table comparison (O(N log N)); still reads every page."""
    pragma = "PRAGMA quick_check" if quick else "PRAGMA integrity_check"
    if damage := [r[0] for r in store.read(pragma) if r[0] != "ok"]:
        return [_listing(f"document store {store.path} is damaged", damage, "run `rag ingest --rebuild`")]
    return []


def content_problems(store: DocStore) -> list[str]:
    """Rows that disagree: chunks of no document, the keyword index against the chunks, documents
    left pending, and every document's chunks against its text."""
    problems = []
    if orphans := orphan_chunks(store):
        problems.append(_listing(f"{len(orphans)} chunk(s) belong to no document", orphans, "run `rag ingest`"))
    problems += keyword_problems(store)
    pending = [d.doc_id for d in store.documents(include_pending=True) if d.status == "pending"]
    if pending:
        problems.append(_listing(f"{len(pending)} document(s) half-ingested (pending)", pending,
                                 "run `rag ingest` to finish them"))
    for doc_id, found in chunk_problems(store).items():
        problems.append(f"document {doc_id}: " + "; ".join(found) + " (run `rag ingest` to re-chunk it)")
    for doc_id, found in chunk_text_problems(store).items():
        problems.append(f"document {doc_id}: " + "; ".join(found) + " (changed outside rag: run "
                        "`rag ingest --rebuild`)")
    return problems


def orphan_chunks(store: DocStore) -> list[str]:
    """Chunks whose document row is gone (only possible if something bypassed the foreign key)."""
    return sorted(r[0] for r in store.read(
        "SELECT c.chunk_id FROM chunks c LEFT JOIN documents d USING (doc_id) WHERE d.doc_id IS NULL"))


def keyword_problems(store: DocStore, thorough: bool = True) -> list[str]:
    """The FTS5 index against the chunks table: rows missing from it, rows it has for no chunk,
    and if thorough (FTS5's own check with rank=1, reads the whole index) terms that differ."""
    fix = "run `rag ingest` to rebuild the keyword index"
    problems = []
    # FTS5 keeps one docsize row per indexed chunk (rowid = chunks.id).
    missing = [r[0] for r in store.read(
        "SELECT chunk_id FROM chunks WHERE id NOT IN (SELECT id FROM chunk_fts_docsize) ORDER BY chunk_id")]
    if missing:
        problems.append(_listing(f"keyword index: {len(missing)} chunk(s) not indexed", missing, fix))
    extra = [str(r[0]) for r in store.read(
        "SELECT id FROM chunk_fts_docsize WHERE id NOT IN (SELECT id FROM chunks) ORDER BY id")]
    if extra:
        problems.append(_listing(f"keyword index: {len(extra)} row(s) for no chunk", extra, fix))
    if thorough and not problems:
        try:
            store.read("INSERT INTO chunk_fts(chunk_fts, rank) VALUES ('integrity-check', 1)")  # writes nothing
        except StoreError as e:
            problems.append(f"keyword index does not match the chunk texts ({e.__cause__}); {fix}")
    return problems


def chunk_problems(store: DocStore) -> dict[str, list[str]]:
    """doc_id -> what is wrong with the count, numbering or ids of its chunks. In SQL, since ingest
    runs it before every run; it finds what a crash or a bad write could leave."""
    out: dict[str, list[str]] = {}
    for doc_id, recorded, n, distinct, lo, hi in store.read(
        "SELECT d.doc_id, d.n_chunks, count(c.id), count(DISTINCT c.idx), min(c.idx), max(c.idx) "
        "FROM documents d LEFT JOIN chunks c USING (doc_id) WHERE d.status = 'ok' GROUP BY d.doc_id"
    ):
        if n != recorded or n == 0:
            out.setdefault(doc_id, []).append(f"{n} chunk(s) stored, {recorded} recorded" if n else "no chunks")
        if n and (distinct != n or lo != 0 or hi != n - 1):
            out.setdefault(doc_id, []).append("chunk numbers are not 0..n-1 (duplicated or missing chunks)")
    bad_ids: dict[str, list[str]] = {}
    for doc_id, chunk_id in store.read("SELECT doc_id, chunk_id FROM chunks WHERE chunk_id != doc_id || ':' || idx"):
        bad_ids.setdefault(doc_id, []).append(chunk_id)
    for doc_id, ids in bad_ids.items():
        out.setdefault(doc_id, []).append(_listing(f"{len(ids)} chunk id(s) not <doc>:<n>", ids))
    return out


def chunk_text_problems(store: DocStore) -> dict[str, list[str]]:
    """doc_id -> chunks whose text is not the article's at their offsets, duplicated, out of order,
    or leaving text uncovered. Reads every text: for `rag check`, not for every ingest."""
    chunks: dict[str, list[tuple]] = {}
    for row in store.read("SELECT doc_id, idx, chunk_id, start, end, text FROM chunks"):
        chunks.setdefault(row[0], []).append(row[1:])
    out = {}
    for doc_id, text in store.read("SELECT doc_id, text FROM documents WHERE status = 'ok'"):
        rows = sorted(chunks.get(doc_id, []))
        if found := _text_problems(text, rows):
            out[doc_id] = found
    return out


def _text_problems(text: str, rows: list[tuple]) -> list[str]:
    """rows: (idx, chunk_id, start, end, chunk text) in idx order."""
    found = []
    if bad := [cid for _, cid, a, b, t in rows if not (0 <= a < b <= len(text)) or text[a:b] != t]:
        found.append(_listing(f"{len(bad)} chunk(s) differ from the article text at their offsets", bad))
    spans = [(a, b) for _, _, a, b, _ in rows]
    if len(set(spans)) != len(spans):
        found.append("duplicate chunks (same offsets twice)")
    # Starts strictly increase; an end may repeat (a sentence too long to share is its own chunk).
    elif any(y[0] <= x[0] or y[1] < x[1] for x, y in zip(spans, spans[1:])):
        found.append("chunks are out of order")
    elif spans and _uncovered(text, spans):
        found.append("article text not covered by any chunk")
    return found


def _uncovered(text: str, spans: list[tuple[int, int]]) -> bool:
    """True if text outside every chunk holds anything but whitespace (chunks are runs of sentences)."""
    pos = 0
    for start, end in spans:
        if start > pos and text[pos:start].strip():
            return True
        pos = max(pos, end)
    return bool(text[pos:].strip())


def _listing(what: str, items: list[str], fix: str = "") -> str:
    """'3 chunk(s) ...: a:1, a:2, b:0' with at most 5 examples, then the fix."""
    shown = ", ".join(items[:5]) + (f", ... (+{len(items) - 5} more)" if len(items) > 5 else "")
    return f"{what}: {shown}" + (f"; {fix}" if fix else "")


# --- the vectors ---------------------------------------------------------------------------------

def vector_problems(vectors, chunks: dict[str, str], rep: CheckReport) -> list[str]:
    """Chroma's ids against the chunk ids: missing, orphaned, duplicated, filed under the wrong document."""
    entries = vectors.entries()
    rep.vectors = len(entries)
    stored = dict(entries)
    # `rag ingest` compares ids only when the counts differ (see Ingestor._repair_vectors).
    fix = "run `rag ingest` to repair" if len(entries) != len(chunks) else "run `rag ingest --rebuild`"
    problems = []
    if dup := sorted(cid for cid, n in Counter(cid for cid, _ in entries).items() if n > 1):
        problems.append(_listing(f"vectors: {len(dup)} chunk id(s) stored more than once", dup, fix))
    if missing := sorted(set(chunks) - set(stored)):
        problems.append(_listing(f"vectors: {len(missing)} chunk(s) have no vector", missing, fix))
    if orphans := sorted(set(stored) - set(chunks)):
        problems.append(_listing(f"vectors: {len(orphans)} vector(s) belong to no chunk", orphans, fix))
    if wrong := sorted(cid for cid, doc in chunks.items() if cid in stored and stored[cid] != doc):
        problems.append(_listing(f"vectors: {len(wrong)} vector(s) filed under another document", wrong, fix))
    if entries:
        problems += _query_problems(vectors, entries[0][0])
    return problems


def _query_problems(vectors, probe: str) -> list[str]:
    """The stored ids can be fine while the search index is not: a vector must find itself."""
    found = vectors.query(vectors.embeddings([probe])[probe], 1)
    if not found or found[0][1] < 0.99:
        return [f"vectors: searching for the stored vector of {probe} does not find it ({found}); "
                "run `rag ingest --rebuild`"]
    return []


# --- the files -----------------------------------------------------------------------------------

def file_problems(settings: Settings, docs: list[DocInfo], paths: list[Path] | None,
                  aliases: list[Alias] = ()) -> list[str]:
    """Each document against its file (still there, unchanged), and each other path of a document (a
    copy) against the document; with `paths`, also files not ingested and documents from elsewhere."""
    problems = _copy_problems(settings, docs, aliases)
    for d in docs:
        source = Path(d.source)
        if not source.exists():
            problems.append(f"document {d.doc_id}: its file {d.source} is gone; run `rag ingest` on its folder "
                            f"to prune it, or `rag remove {d.doc_id}`")
            continue
        if d.status != "ok":
            continue  # already reported as pending by the store
        if not d.content_hash:
            problems.append(f"document {d.doc_id} is marked for re-embedding; run `rag ingest`")
            continue
        try:
            if file_hash(source, settings.max_file_bytes) != d.content_hash:
                problems.append(f"document {d.doc_id} is out of date: {d.source} (or the chunker) changed "
                                f"since it was ingested; run {_reingest(source, d)}")
        except InputError as e:
            problems.append(f"document {d.doc_id}: its file can no longer be read ({e})")
    if paths is not None:
        problems += _corpus_problems(settings, docs, [Path(p) for p in paths], aliases)
    return problems


def _reingest(source: Path, d: DocInfo) -> str:
    """The command that re-ingests a changed file: a plain ingest does not read a file whose stat is the
    one recorded with its text (content rewritten with its size, times and inode as they were)."""
    if d.file_stat is not None and file_stat(source) == d.file_stat:
        return "`rag ingest --reread` (its size and times did not change, so `rag ingest` does not read it)"
    return "`rag ingest`"


def _copy_problems(settings: Settings, docs: list[DocInfo], aliases: list[Alias]) -> list[str]:
    hashes = {d.doc_id: d.content_hash for d in docs}
    owners = {d.source: d.doc_id for d in docs}
    problems = []
    for a in aliases:
        if (owner := owners.get(a.source)) is not None:  # a file is a document or a copy, never both
            what = (f"its own file {one_line(a.source)} is also listed as a copy of it" if owner == a.doc_id else
                    f"{one_line(a.source)} is listed as a copy of it but is the file of document {owner}")
            problems.append(f"document {a.doc_id}: {what}; run `rag ingest` to forget the copy")
            continue
        if not Path(a.source).exists():
            problems.append(f"document {a.doc_id}: its copy {one_line(a.source)} is gone; run `rag ingest` to forget it")
            continue
        try:
            same = file_hash(Path(a.source), settings.max_file_bytes) == a.content_hash == hashes.get(a.doc_id)
        except InputError:
            same = False
        if not same:
            problems.append(f"document {a.doc_id}: {one_line(a.source)} is listed as a copy of it but its content "
                            "differs now; run `rag ingest`")
    return problems


def _corpus_problems(settings: Settings, docs: list[DocInfo], paths: list[Path],
                     aliases: list[Alias]) -> list[str]:
    unreadable: list[str] = []
    # Links the symlink policy leaves out are not problems: ingest reported them when it skipped them.
    files = {str(f.resolve()): f for f in iter_files(paths, on_error=lambda p, why: unreadable.append(str(p)))}
    known = {d.source for d in docs} | {a.source for a in aliases}
    new = sorted(str(f) for source, f in files.items()
                 if source not in known and ingestible(f, settings.max_file_bytes))
    roots = [str(p.resolve()) for p in paths]
    foreign = sorted(d.doc_id for d in docs if d.source not in files and Path(d.source).exists()
                     and not any(d.source == r or d.source.startswith(r.rstrip("/") + "/") for r in roots))
    problems = []
    if new:
        problems.append(_listing(f"{len(new)} file(s) not ingested", new, "run `rag ingest`"))
    if foreign:
        problems.append(_listing(f"{len(foreign)} document(s) from outside {', '.join(map(str, paths))}",
                                 foreign, "`rag remove` them if they should not be there"))
    if unreadable:
        problems.append(_listing("paths that cannot be read", unreadable))
    return problems
