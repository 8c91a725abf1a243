"""Evaluation datasets: one JSON object per line, validated row by row, and their tune / held-out halves.

A malformed row never stops a run: it is skipped and reported with its line number and field,
so a user can fix a 500-row file in one pass instead of one crash at a time.

Every labelled set is split in two by a fixed hash of each id: decisions are made on the tune half and
figures reported on the held-out half. The split depends on the id alone, so adding or reordering
rows never moves a question from one half to the other. Ids that differ only in trailing letters
("h042a", "h042b") belong to one record and fall in the same half: questions written from one source
passage are never split between tuning and reporting.
"""
from __future__ import annotations

import hashlib
import json
import re
from dataclasses import asdict, dataclass, field
from pathlib import Path

from rag.errors import DatasetError, InputError

SPLITS = ("tune", "held-out", "all")
MAX_ROW_BYTES = 100_000  # a question row is a few hundred bytes; anything this big is a mistake
_SURROGATE = re.compile("[\ud800-\udfff]")
_RECORD = re.compile(r"^(.*\d)[a-z]*$")  # "h042a" and "h042b" are two questions of record "h042"


@dataclass
class Item:
    """One question to ask the assistant, with whatever ground truth the dataset provides."""

    id: str
    line: int
    question: str
    history: list[dict] = field(default_factory=list)
    reference: str | None = None
    gold_docs: list[str] = field(default_factory=list)
    gold_quotes: list[str] = field(default_factory=list)
    answerable: bool = True
    kind: str | None = None
    key: str | None = None  # the words a right answer must hold, where the reference's wording is not the answer

    def to_json(self) -> dict:
        return asdict(self)


@dataclass
class RowError:
    line: int
    field: str | None
    message: str

    def __str__(self) -> str:
        where = f"line {self.line}" + (f", field '{self.field}'" if self.field else "")
        return f"{where}: {self.message}"

    def to_json(self) -> dict:
        return asdict(self)


class _Bad(Exception):
    def __init__(self, field_name: str | None, message: str):
        super().__init__(message)
        self.field = field_name
        self.message = message


def record_of(item_id: str) -> str:
    """The record an id belongs to: the id without its trailing letters when it has a digit before them."""
    m = _RECORD.match(item_id)
    return m.group(1) if m else item_id


def is_held_out(record: str) -> bool:
    """A fixed, content-independent half of the records (hash parity), the same on every machine."""
    return hashlib.sha256(record.encode()).digest()[0] % 2 == 1


def split_of(item_id: str) -> str:
    """'tune' or 'held-out': the half a question id belongs to (by its record)."""
    return "held-out" if is_held_out(record_of(item_id)) else "tune"


def select_split(items: list[Item], split: str) -> list[Item]:
    """The items of one half ('tune', 'held-out'), or all of them ('all'), in file order."""
    if split not in SPLITS:
        raise InputError(f"unknown split {split!r}; use one of: {', '.join(SPLITS)}")
    return list(items) if split == "all" else [it for it in items if split_of(it.id) == split]


def load_dataset(path: Path) -> tuple[list[Item], list[RowError]]:
    """Every valid row of `path` as an Item, and one RowError per invalid row.

    Raises DatasetError only when the file itself is unusable (missing, a directory, empty, binary,
    UTF-16, or one JSON array instead of JSON lines).
    """
    try:
        raw = Path(path).read_bytes()
    except OSError as e:
        raise DatasetError(f"cannot read dataset {path}: {e.strerror or e}. Give the path of a .jsonl file.") from e
    raw = _check_file(raw, path)
    items: list[Item] = []
    errors: list[RowError] = []
    seen: dict[str, int] = {}
    for lineno, line in enumerate(raw.split(b"\n"), start=1):
        if not line.strip():
            continue
        try:
            item = parse_row(line, lineno)
        except _Bad as bad:
            errors.append(RowError(lineno, bad.field, bad.message))
            continue
        if item.id in seen:
            errors.append(RowError(lineno, "id", f"duplicate id {item.id!r} (first used on line {seen[item.id]})"))
            continue
        seen[item.id] = lineno
        items.append(item)
    if not items and not errors:
        raise DatasetError(f"dataset {path} is empty: write one JSON object per line with at least a 'question'.")
    return items, errors


def _check_file(raw: bytes, path: Path) -> bytes:
    """The file's bytes, once it is known to be JSON lines at all: a whole-file mistake is one clear
    error, not one per line (a binary file would otherwise give thousands)."""
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise DatasetError(f"dataset {path} is UTF-16 text; save it as UTF-8, one JSON object per line.")
    if b"\x00" in raw:
        raise DatasetError(f"dataset {path} contains NUL bytes: it is a binary file (or UTF-16 text), not "
                           "JSON lines; save it as UTF-8 text, one JSON object per line.")
    raw = raw.removeprefix(b"\xef\xbb\xbf")  # a UTF-8 byte-order mark, as some editors write
    if raw.lstrip().startswith(b"["):
        try:
            whole = json.loads(raw)
        except (ValueError, RecursionError):
            whole = None
        if isinstance(whole, list):
            raise DatasetError(f"dataset {path} is one JSON array; write one JSON object per line (JSON Lines), "
                               f"e.g. with: jq -c '.[]' {path.name} > {Path(path).stem}.jsonl")
    return raw


def parse_row(line: bytes, lineno: int) -> Item:
    if len(line) > MAX_ROW_BYTES:
        raise _Bad(None, f"row is {len(line):,} bytes, over the {MAX_ROW_BYTES:,}-byte limit")
    try:
        row = json.loads(line.decode("utf-8"))
    except UnicodeDecodeError:
        raise _Bad(None, "not valid UTF-8") from None
    except json.JSONDecodeError as e:
        raise _Bad(None, f"broken JSON: {e.msg} at column {e.colno}") from None
    except RecursionError:
        raise _Bad(None, "JSON nested too deeply") from None
    except ValueError as e:  # e.g. an integer of thousands of digits
        raise _Bad(None, f"unreadable JSON value: {str(e).split(';')[0]}") from None
    if not isinstance(row, dict):
        raise _Bad(None, f"expected a JSON object, got {type(row).__name__}")
    for name in ("id", "question", "history", "reference", "gold_docs", "gold_quotes", "kind", "key"):
        if _has_surrogate(row.get(name)):  # "\ud800" escapes: the results file could not store it
            raise _Bad(name, "holds an unpaired surrogate escape (e.g. \\ud800): not valid Unicode text")
    question = _text(row, "question", required=True)
    history = _history(row.get("history"))
    return Item(
        id=_row_id(row, question, history),
        line=lineno,
        question=question,
        history=history,
        reference=_text(row, "reference"),
        gold_docs=_strings(row, "gold_docs"),
        gold_quotes=_strings(row, "gold_quotes"),
        answerable=_bool(row, "answerable", default=True),
        kind=_text(row, "kind"),
        key=_text(row, "key"),
    )


def _text(row: dict, name: str, required: bool = False) -> str | None:
    value = row.get(name)
    if value is None:
        if required:
            raise _Bad(name, "missing (a non-empty string is required)")
        return None
    if not isinstance(value, str):
        raise _Bad(name, f"must be a string, got {type(value).__name__}")
    if required and not value.strip():
        raise _Bad(name, "must not be empty")
    return value


def _strings(row: dict, name: str) -> list[str]:
    value = row.get(name)
    if value is None:
        return []
    if isinstance(value, str):  # a single gold doc written without brackets is unambiguous
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        raise _Bad(name, "must be a list of non-empty strings")
    return value


def _bool(row: dict, name: str, default: bool) -> bool:
    value = row.get(name, default)
    if not isinstance(value, bool):
        raise _Bad(name, f"must be true or false, got {json.dumps(value)[:40]}")
    return value


def _history(value) -> list[dict]:
    from rag.answer import validate_history  # the answer path's own check, so both accept the same

    try:
        return validate_history(value)
    except InputError as e:
        raise _Bad("history", str(e)) from None


def _has_surrogate(value) -> bool:
    """In a string, a list of strings or a list of messages: the shapes the fields may have."""
    for v in value if isinstance(value, list) else [value]:
        if any(isinstance(t, str) and _SURROGATE.search(t) for t in (v.values() if isinstance(v, dict) else [v])):
            return True
    return False


def _row_id(row: dict, question: str, history: list[dict]) -> str:
    value = row.get("id")
    if value is None:
        # Derived from the content, not the line number, so inserting a row does not shift resume state.
        blob = json.dumps([question, history], ensure_ascii=False).encode()
        return "q-" + hashlib.sha1(blob).hexdigest()[:10]
    if isinstance(value, bool) or not isinstance(value, (str, int)) or not str(value).strip():
        raise _Bad("id", "must be a non-empty string or an integer")
    return str(value)
