"""Ingestion: files -> cleaned articles -> chunks with offsets -> embeddings in Chroma + keyword index.

Incremental by content hash, and a file that looks as it did when its ingested text was read (size,
times, inode: rag.files.file_stat) is not read again. Crash-safe by ordering: a document is recorded
`pending` in the document store before its vectors change, and becomes `ok` (with its chunks, keyword
entries and file stat) in one transaction after. Whatever is pending when a run dies is redone by the next run.
"""
from __future__ import annotations

import hashlib
import re
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from tqdm import tqdm

from .check import chunk_problems, keyword_problems, orphan_chunks, sqlite_problems
from .docstore import Alias, ChunkRow, DocInfo, DocStore
from .errors import InputError, StoreError
from .files import content_hash, file_stat, one_line
from .offload import prepare_article
from .readers import RawDocument, is_system_path, iter_files, read_document
from .settings import Settings
from .vectors import VectorIndex

if TYPE_CHECKING:  # the model (torch, llama-index) is imported only when something is to be embedded
    from .embeddings import Embedder


@dataclass
class Skipped:
    path: str
    reason: str


@dataclass
class Duplicate:
    path: str
    doc_id: str  # the document whose content this file holds


@dataclass
class IngestReport:
    added: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)
    chunks_embedded: int = 0
    seconds: float = 0.0
    repaired: list[str] = field(default_factory=list)  # what was found broken and fixed first
    duplicates: list[Duplicate] = field(default_factory=list)  # files recorded as another path of a document

    def summary(self) -> str:
        if not (self.added or self.updated or self.removed):
            head = f"Nothing to embed: {len(self.unchanged)} document(s) unchanged."
        else:
            head = (
                f"Ingested {len(self.added)} new and {len(self.updated)} changed document(s) "
                f"({self.chunks_embedded} chunks embedded in {self.seconds:.1f} s); "
                f"{len(self.unchanged)} unchanged, {len(self.removed)} removed."
            )
        lines = [f"Repaired: {r}" for r in self.repaired] + [head]
        if self.duplicates:
            lines.append(f"{len(self.duplicates)} file(s) hold the content of another document "
                         "(kept as one document, with its paths listed):")
            lines += [f"  {one_line(d.path)} = {d.doc_id}" for d in self.duplicates[:20]]
            lines += [f"  ... (+{len(self.duplicates) - 20} more)"] if len(self.duplicates) > 20 else []
        if self.skipped:
            lines.append(f"Skipped {len(self.skipped)} file(s):")
            lines += [f"  {one_line(s.path)}: {one_line(s.reason)}" for s in self.skipped]
        return "\n".join(lines)

    def to_json(self) -> dict:
        return {
            "added": self.added, "updated": self.updated, "unchanged": self.unchanged, "removed": self.removed,
            "skipped": [vars(s) for s in self.skipped], "chunks_embedded": self.chunks_embedded,
            "seconds": round(self.seconds, 3), "repaired": self.repaired,
            "duplicates": [vars(d) for d in self.duplicates],
        }


@dataclass
class _Scan:
    """What one run found: work to do, and the content hashes that tell copies apart from new text."""
    known: dict[str, DocInfo]  # source -> document, before this run
    aliases: dict[str, Alias]  # source -> other path of a document, before this run
    by_hash: dict[str, str]  # content hash -> doc_id of the document holding it
    ids_taken: dict[str, str]  # doc_id -> source
    todo: list["_Prepared"] = field(default_factory=list)
    seen: set[str] = field(default_factory=set)
    new_aliases: dict[str, Alias] = field(default_factory=dict)
    drop: dict[str, str] = field(default_factory=dict)  # source -> its document, now a copy of another
    # Copies of a document that changed, to be looked at again (source -> path): once each, after the change.
    # A copy the folder walk reaches after the change is looked at then, and leaves this queue.
    requeue: dict[str, Path] = field(default_factory=dict)
    # (doc_id, content hash, stat) of files read and found unchanged, whose stat was not the recorded one
    restat: list[tuple[str, str, str | None]] = field(default_factory=list)

    def copies_of(self, doc_id: str) -> list[str]:
        return [a.source for a in [*self.aliases.values(), *self.new_aliases.values()] if a.doc_id == doc_id]


@dataclass
class _Prepared:
    doc_id: str
    title: str
    source: str
    content_hash: str
    text: str
    spans: list = field(default_factory=list)
    file_stat: str | None = None  # taken before the file was read


def doc_id_for(path: Path) -> str:
    """A readable, stable id from the file name: '001_bb40.txt' -> '001_bb40'."""
    return re.sub(r"[^A-Za-z0-9_.-]+", "-", path.stem).strip("-.") or "doc"


Progress = Callable[[float, str], None]
PREPARE_SHARE = 0.2  # of the progress bar: reading, cleaning and chunking; the rest is embedding


class Ingestor:
    def __init__(self, settings: Settings, docstore: DocStore, vectors: VectorIndex,
                 embedder: Callable[[], Embedder]):
        self.settings = settings
        self.docstore = docstore
        self.vectors = vectors
        self._embedder = embedder  # loaded only if something changed: an unchanged re-run stays fast
        self._notify: Progress = lambda fraction, what: None
        self._embedded = [0, 0]  # chunks embedded, of how many, in this run
        self._reread = False  # read every file, whatever its stat says

    @property
    def embedder(self) -> Embedder:
        return self._embedder()

    def ingest(self, paths: Iterable[Path], prune: bool = True, progress: bool = True,
               on_progress: Progress | None = None, reread: bool = False) -> IngestReport:
        """`progress`: a bar on the terminal; `on_progress(fraction, what)`: for the web UI; `reread`:
        read every file, even one whose stat is the one recorded when its text was read."""
        self._notify = on_progress or (lambda fraction, what: None)
        self._reread = reread
        t0 = time.perf_counter()
        report = IngestReport()
        paths = [Path(p) for p in paths]
        self._repair(report)
        known = self.docstore.by_source()
        self._finish_interrupted(known, report)
        self._forget_copies_that_are_documents(known, report)
        scan = self._scan(paths, known, report)
        self.docstore.set_file_stats(scan.restat)
        self._embed_and_store(scan.todo, report, progress)
        if drop := list(scan.drop.values()):
            self.remove(drop)
            report.removed += drop
        self.docstore.add_aliases(list(scan.new_aliases.values()))
        if prune:
            self._prune(paths, scan.seen, report)
        self._note_vector_state()
        report.seconds = time.perf_counter() - t0
        return report

    # ---- steps
    def _finish_interrupted(self, known: dict, report: IngestReport) -> None:
        """A pending document whose file is gone is removed; one whose file exists is redone by _scan.
        So is one read from /proc, /sys or /dev (an older version followed links there)."""
        system = [d.doc_id for d in known.values() if is_system_path(Path(d.source))]
        if system:
            report.repaired.append(f"{len(system)} document(s) read from system files removed: {', '.join(system[:5])}")
        gone = system + [d.doc_id for d in known.values() if d.status == "pending" and not Path(d.source).exists()
                         and d.doc_id not in system]
        if gone:
            self.remove(gone)
            report.removed += gone

    def _forget_copies_that_are_documents(self, known: dict, report: IngestReport) -> None:
        """A file is a document or a copy of one, never both; an older version could list a document's own
        file as its copy (a copy scanned twice in one run). The document is what has chunks: the copy goes,
        and the scan below looks at the file as the document it is."""
        if both := sorted(set(self.docstore.aliases()) & set(known)):
            self.docstore.delete_aliases(both)
            report.repaired.append(f"{len(both)} file(s) listed both as a document's own file and as a copy: "
                                   f"the copy forgotten ({', '.join(map(one_line, both[:5]))})")

    def _repair(self, report: IngestReport) -> None:
        """Put the indexes back in step with the chunks (after a crash, a lost Chroma dir, a dropped
        keyword table, edited rows): documents whose chunks or vectors are wrong are re-embedded below."""
        redo = self._repair_store(report) | self._repair_vectors(report)
        pending = {d.doc_id for d in self.docstore.documents(include_pending=True) if d.status == "pending"}
        if redo - pending:  # pending ones are redone anyway
            report.repaired.append(f"{len(redo - pending)} document(s) with incomplete chunks or vectors marked "
                                   f"for re-embedding from their files: {', '.join(sorted(redo - pending)[:5])}")
        self.docstore.invalidate(sorted(redo))

    def _repair_store(self, report: IngestReport) -> set[str]:
        if damage := sqlite_problems(self.docstore, quick=True):
            raise StoreError("; ".join(damage))  # only --rebuild can help: do not build on it
        orphans = orphan_chunks(self.docstore)
        redo = set(chunk_problems(self.docstore))
        # Chunk rows changed behind our back may desync the keyword index too, and deleting them (to
        # redo them) through it would corrupt it further: rebuild it first.
        if orphans or redo or keyword_problems(self.docstore, thorough=False):
            self.docstore.rebuild_keyword_index()
            report.repaired.append("keyword index rebuilt from the chunks")
        if orphans:
            self.docstore.delete_orphan_chunks()
            report.repaired.append(f"{len(orphans)} chunk(s) of no document deleted")
        return redo

    def _repair_vectors(self, report: IngestReport) -> set[str]:
        # Opening Chroma costs seconds (chromadb's imports): not when nothing has written to it since its
        # count last matched the chunks and the chunks still number that many.
        if self._vectors_unchanged():
            return set()
        # Listing every id costs seconds per 100k vectors, so only when the counts disagree: a crash or a
        # lost store changes the count; an equal count hiding a swap is `rag check`'s to find.
        if self.vectors.count() == self.docstore.count_chunks():
            return set()
        chunks = self.docstore.chunk_docs()
        vectors = dict(self.vectors.entries())
        if orphans := sorted(set(vectors) - set(chunks)):
            self.docstore.forget_vector_state()
            self.vectors.delete_ids(orphans)
            report.repaired.append(f"{len(orphans)} vector(s) of no chunk deleted")
        # A missing vector, or one filed under another document: redo that document.
        return {doc for cid, doc in chunks.items() if vectors.get(cid) != doc}

    def _vectors_unchanged(self) -> bool:
        recorded = self.docstore.vector_state()
        return recorded is not None and recorded == (self.vectors.state(), self.docstore.count_chunks())

    def _note_vector_state(self) -> None:
        """If this run opened the vector store and its count matches the chunks, record its state for the
        next run's _vectors_unchanged. The state is read before counting: a write in between makes the
        record stale (the next run opens the store), never wrong."""
        if not self.vectors.is_open:
            return
        state = self.vectors.state()
        if state is not None and (n := self.vectors.count()) == self.docstore.count_chunks():
            self.docstore.set_vector_state(state, n)

    def _scan(self, paths: list[Path], known: dict, report: IngestReport) -> _Scan:
        scan = _Scan(known=known, aliases=self.docstore.aliases(), by_hash={},
                     ids_taken={d.doc_id: d.source for d in known.values()})
        for d in known.values():  # in source order: of two documents with one text (ingested before
            if d.status == "ok" and d.content_hash:  # copies were recognised), the first one is kept
                scan.by_hash.setdefault(d.content_hash, d.doc_id)

        def skipped(path: Path, why: str) -> None:
            report.skipped.append(Skipped(str(path), why))

        for path in iter_files(paths, on_error=skipped, on_skip=skipped):
            self._scan_file(path, scan, report)
        while scan.requeue:
            self._scan_file(scan.requeue.pop(next(iter(scan.requeue))), scan, report)
        return scan

    def _scan_file(self, path: Path, scan: _Scan, report: IngestReport) -> None:
        source = str(path.resolve())
        scan.seen.add(source)
        scan.requeue.pop(source, None)  # looked at now, after whatever change queued it
        old = scan.known.get(source)
        stat = file_stat(path)  # before reading: a write during the read makes it stale, never wrong
        try:
            chash, raw = self._content(path, old, stat)
        except InputError as e:
            report.skipped.append(Skipped(str(path), str(e)))
            return
        twin = scan.by_hash.get(chash)
        if twin is not None and twin != (old.doc_id if old else None):
            self._record_copy(Alias(source, twin, chash), old, scan, report)
            return
        if old is not None and old.status == "ok" and old.content_hash == chash:
            report.unchanged.append(old.doc_id)
            scan.by_hash.setdefault(chash, old.doc_id)
            if stat != old.file_stat:  # read and found unchanged: next time its stat vouches for it
                scan.restat.append((old.doc_id, chash, stat))
            return
        if source in scan.aliases:  # was a copy of a document; its content differs now
            self.docstore.delete_aliases([source])
            del scan.aliases[source]
        try:
            prepared = self._prepare(path, raw, chash, source, old, scan.ids_taken, stat)
        except InputError as e:
            report.skipped.append(Skipped(str(path), str(e)))
            return
        if old is not None:  # its copies hold the old content: look at them again
            self._forget_copies(old.doc_id, scan, report)
            if scan.by_hash.get(old.content_hash) == old.doc_id:
                del scan.by_hash[old.content_hash]
        scan.ids_taken[prepared.doc_id] = source
        scan.by_hash[chash] = prepared.doc_id
        (report.updated if old is not None else report.added).append(prepared.doc_id)
        scan.todo.append(prepared)

    def _content(self, path: Path, old: DocInfo | None, stat: str | None) -> tuple[str, RawDocument | None]:
        """(content hash, the file read). Not read if it looks as it did when the text of its document, ok
        and not marked for re-embedding, was read: (that text's hash, None). Raises InputError."""
        if (not self._reread and stat is not None and old is not None and old.status == "ok"
                and old.content_hash and old.file_stat == stat):
            return old.content_hash, None
        self._notify(PREPARE_SHARE / 2, f"Reading, cleaning and chunking {one_line(path.name)}")
        raw = read_document(path, self.settings.max_file_bytes)
        return content_hash(raw.text.encode("utf-8")), raw  # as file_hash()

    def _record_copy(self, alias: Alias, old: DocInfo | None, scan: _Scan, report: IngestReport) -> None:
        """Identical content at another path: one document, this path listed as another of its paths."""
        if scan.aliases.get(alias.source) != alias:
            scan.new_aliases[alias.source] = alias
        report.duplicates.append(Duplicate(alias.source, alias.doc_id))
        if old is not None:  # this file was a document of its own, and now holds another one's content
            scan.drop[alias.source] = old.doc_id
            self._forget_copies(old.doc_id, scan, report)

    def _forget_copies(self, doc_id: str, scan: _Scan, report: IngestReport) -> None:
        copies = scan.copies_of(doc_id)
        if not copies:
            return
        self.docstore.delete_aliases([c for c in copies if c in scan.aliases])
        for c in copies:
            scan.aliases.pop(c, None)
            scan.new_aliases.pop(c, None)
            scan.drop.pop(c, None)  # looked at afresh below
        report.duplicates = [d for d in report.duplicates if d.path not in copies]
        scan.requeue.update((c, Path(c)) for c in copies if Path(c).exists())

    def _prepare(self, path: Path, raw, chash: str, source: str, old, ids_taken: dict,
                 stat: str | None) -> _Prepared:
        title, text, spans = prepare_article(raw.text, raw.title_hint, self.settings.chunk_tokens,
                                             self.settings.chunk_overlap, self.embedder.count_tokens)
        doc_id = old.doc_id if old is not None else doc_id_for(path)
        if old is None and ids_taken.get(doc_id, source) != source:
            doc_id = f"{doc_id}-{hashlib.sha1(source.encode()).hexdigest()[:8]}"  # same file name elsewhere
        return _Prepared(doc_id, title, source, chash, text, spans, stat)

    def _prune(self, paths: list[Path], seen: set[str], report: IngestReport) -> None:
        """Documents whose file lived under an ingested folder and is gone now. One whose file is gone
        but which has a copy elsewhere lives on at the copy's path (a moved file is not re-embedded)."""
        aliases = self.docstore.aliases()
        gone_copies = [a.source for a in aliases.values() if not Path(a.source).exists()]
        self.docstore.delete_aliases(gone_copies)
        living: dict[str, Alias] = {}
        for a in aliases.values():
            if a.source not in gone_copies:
                living.setdefault(a.doc_id, a)
        roots = [str(p.resolve()) + "/" for p in paths if p.is_dir()]
        gone = []
        for d in self.docstore.documents(include_pending=True):
            if d.source in seen or Path(d.source).exists():
                continue
            if d.doc_id in living:
                self.docstore.promote_alias(living[d.doc_id])
                report.repaired.append(f"{d.doc_id}: its file {one_line(d.source)} is gone; "
                                       f"now read from its copy {one_line(living[d.doc_id].source)}")
            elif any(d.source.startswith(r) for r in roots):
                gone.append(d.doc_id)
        if gone:
            self.remove(gone)
            report.removed += gone

    def _embed_and_store(self, todo: list[_Prepared], report: IngestReport, progress: bool) -> None:
        total = sum(len(p.spans) for p in todo)
        bar = tqdm(total=total, unit="chunk", desc="embedding", disable=not progress or total == 0)
        self._embedded = [0, total]  # a disabled tqdm counts nothing: the UI's progress needs its own count
        group: list[_Prepared] = []
        for p in todo:
            group.append(p)
            if sum(len(g.spans) for g in group) >= self.settings.ingest_group_chunks:
                self._store_group(group, bar)
                group = []
        if group:
            self._store_group(group, bar)
        bar.close()
        report.chunks_embedded = total

    def _store_group(self, group: list[_Prepared], bar: tqdm) -> None:
        rows = [
            ChunkRow(f"{p.doc_id}:{i}", p.doc_id, i, s.start, s.end, p.text[s.start : s.end])
            for p in group for i, s in enumerate(p.spans)
        ]
        vectors = []
        for i in range(0, len(rows), self.settings.embed_batch_size):
            part = rows[i : i + self.settings.embed_batch_size]
            vectors.extend(self.embedder.embed_bulk([r.text for r in part], self._embed_threads()))
            bar.update(len(part))
            self._embedded[0] += len(part)
            done, total = self._embedded
            self._notify(PREPARE_SHARE + (1 - PREPARE_SHARE) * done / total, f"Embedding: {done:,} of {total:,} passages")
        # Order matters for crash safety: pending -> vectors replaced -> chunks + ok in one transaction.
        self.docstore.mark_pending([(p.doc_id, p.title, p.source, p.content_hash, p.text) for p in group])
        self.docstore.forget_vector_state()
        self.vectors.delete_docs([p.doc_id for p in group])
        self.vectors.add([r.chunk_id for r in rows], vectors, [r.doc_id for r in rows])
        self.docstore.commit_chunks({p.doc_id: p.content_hash for p in group}, rows,
                                    {p.doc_id: p.file_stat for p in group})

    def _embed_threads(self) -> int:
        """Threads for the next batch: ingest_embed_threads, or embed_threads while this process's local
        model server is alive (an upload in the UI). Its threads take both cores when it answers and wait
        for each other, so an embedding thread preempting one slows the answer. Alive rather than answering:
        a question can arrive mid-batch. Asked per batch (a poll), so a model started mid-ingest is seen at
        the next batch. A server in another process is not seen: RAG_INGEST_EMBED_THREADS=1 beside one."""
        from .llm_server import local_server_running

        return self.settings.embed_threads if local_server_running() else self.settings.ingest_embed_threads

    def remove(self, doc_ids: list[str]) -> None:
        # Vectors first: if we die in between, the document row is still there to be removed again.
        self.docstore.forget_vector_state()
        self.vectors.delete_docs(doc_ids)
        self.docstore.delete(doc_ids)
        self._note_vector_state()

    def rebuild(self, paths: Iterable[Path], progress: bool = True) -> IngestReport:
        """Forget every index and re-ingest from the files (recovery from a missing/corrupt index)."""
        self.docstore.forget_vector_state()
        note = self.vectors.reset()
        self.docstore.clear()
        report = self.ingest(paths, prune=True, progress=progress)
        report.repaired[:0] = [note] if note else []
        return report
