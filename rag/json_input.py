"""JSON the user gives us (a chat history, evaluation files): any mistake is one InputError line.

`json.loads` fails in more ways than JSONDecodeError: deep nesting overflows the parser's recursion
(RecursionError), an integer of thousands of digits is a plain ValueError, and bytes that are not
UTF-8 fail before parsing starts. Each gets its own message naming the file and what to fix.
"""
from __future__ import annotations

import json
from pathlib import Path

from .errors import InputError


def parse_json(text: str | bytes, what: str) -> object:
    """The parsed value of `text`; `what` names it in the error ("history file turns.json")."""
    try:
        return json.loads(text)
    except json.JSONDecodeError as e:
        raise InputError(f"{what} is not valid JSON: {e.msg} at line {e.lineno} column {e.colno}") from None
    except RecursionError:
        raise InputError(f"{what} is JSON nested too deeply to read (thousands of levels); "
                         "a chat history is a flat list of messages") from None
    except UnicodeDecodeError as e:
        raise InputError(f"{what} is not UTF-8 text (byte offset {e.start}); save it as UTF-8") from None
    except ValueError as e:  # e.g. an integer with more digits than Python converts
        raise InputError(f"{what} holds a JSON value that cannot be read: {str(e).split(';')[0]}") from None


def load_json(path: Path, what: str) -> object:
    """Read and parse the JSON file at `path` (InputError if it is missing, a folder, unreadable or bad)."""
    path = Path(path)
    if path.is_dir():
        raise InputError(f"{what} {path} is a folder, not a JSON file")
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise InputError(f"{what} {path} does not exist") from None
    except OSError as e:
        raise InputError(f"cannot read {what} {path}: {e.strerror or e}") from None
    return parse_json(data, f"{what} {path}")
