"""Article files as ingest records them: the content hash of a file's text, what the file looked like
when it was read, whether a file holds an article at all, and a file name written on one line. Ingest
records them; check compares with them.
"""
from __future__ import annotations

import hashlib
import os
import re
import time
from pathlib import Path

from .chunking import CHUNKER_VERSION
from .clean import clean_article
from .errors import InputError
from .readers import read_document


def content_hash(data: bytes) -> str:
    # The chunker version is part of the hash: changing how we chunk re-embeds everything once.
    return hashlib.sha256(CHUNKER_VERSION.encode() + b"\0" + data).hexdigest()


def file_hash(path: Path, max_bytes: int) -> str:
    """The content hash ingest records for this file (raises InputError if it cannot be read)."""
    return content_hash(read_document(path, max_bytes).text.encode("utf-8"))


# A file written less than this long before it is looked at may be written again within the same tick of
# the file system's clock (1-2 s on some), leaving its times as they were: git's "racy clean" files.
RACY_NS = 2_000_000_000


def file_stat(path: Path) -> str | None:
    """What a file looks like without reading it: size, modification and change times (ns), inode and
    device, with the chunker version (a new version must still re-read every file). Ingest records it with
    the text it read, and does not read the file again while this stays the same. None when it cannot be
    trusted: the file cannot be stat'ed, or a time is within RACY_NS of now or in the future. The change
    time is the one a user cannot set: a rewrite whose mtime is put back with os.utime still changes it."""
    now = time.time_ns()
    try:
        st = os.stat(path)
    except OSError:
        return None
    if max(st.st_mtime_ns, st.st_ctime_ns) > now - RACY_NS:
        return None
    return f"{CHUNKER_VERSION} {st.st_size} {st.st_mtime_ns} {st.st_ctime_ns} {st.st_ino} {st.st_dev}"


def ingestible(path: Path, max_bytes: int) -> bool:
    """Would ingest keep this file (readable, with article text left after cleaning)?"""
    try:
        raw = read_document(path, max_bytes)
        return bool(clean_article(raw.text, raw.title_hint).text.strip())
    except InputError:
        return False


def one_line(text: str) -> str:
    """`text` with line breaks and other control characters escaped: a file name holding a newline
    must not split a line of a report or a listing."""
    return _CONTROL_CHARS.sub(lambda m: repr(m.group())[1:-1], text)


_CONTROL_CHARS = re.compile(r"[\x00-\x1f\x7f\x85\u2028\u2029]")
