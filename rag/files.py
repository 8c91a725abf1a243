"""Article files as ingest records them: the content hash of a file's text, whether a file holds an
article at all, and a file name written on one line. Ingest records them; check compares with them.
"""
from __future__ import annotations

import hashlib
import re
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
