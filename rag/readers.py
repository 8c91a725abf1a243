"""Reading user files into raw text: .txt, .md, .html/.htm (trafilatura) and .pdf (pypdf text layer).

Every refusal is an InputError (UnsupportedFile for extensions) with a one-line reason the user can
act on. The text returned here is raw: `rag.clean.clean_article` turns it into the stored article.
"""
from __future__ import annotations

import codecs
import errno
import io
import logging
import os
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from rag.errors import InputError, UnsupportedFile

SUPPORTED_EXTENSIONS: tuple[str, ...] = (".htm", ".html", ".md", ".pdf", ".txt")


@dataclass
class RawDocument:
    path: Path
    text: str
    title_hint: str | None  # from the file's own metadata (HTML title, PDF info, markdown `# `)
    format: str  # "txt" | "md" | "html" | "pdf"


def read_document(path: Path, max_bytes: int) -> RawDocument:
    """Read one file; raise InputError/UnsupportedFile with the reason when it cannot be used."""
    path = Path(path)
    data = _read_bytes(path, max_bytes)
    ext = path.suffix.lower()
    if ext == ".pdf":
        text, title = _read_pdf(path, data)
        return RawDocument(path, text, title, "pdf")
    text = _decode(path, data)
    if ext in (".html", ".htm"):
        text, title = _read_html(path, text)
        return RawDocument(path, text, title, "html")
    if _looks_hard_wrapped(text):
        text = unwrap_lines(text)
    if ext == ".md":
        return RawDocument(path, text, _markdown_title(text), "md")
    return RawDocument(path, text, None, "txt")


# Never read, not even through a link or when named: reading /dev/zero or a FIFO never ends, and
# /proc and /sys files describe this machine, not news.
SYSTEM_TREES: tuple[str, ...] = ("/proc", "/sys", "/dev")

Report = Callable[[Path, str], None]


def iter_files(paths: Iterable[Path | str], on_error: Report | None = None,
               on_skip: Report | None = None) -> Iterator[Path]:
    """The given files, and every file under the given folders (recursively, sorted, each once).

    Hidden files and folders (".name") inside folders are skipped; unsupported extensions are not,
    so that read_document can tell the user why they were not ingested. A path that does not exist
    or a folder that cannot be listed goes to `on_error(path, reason)`, or raises InputError without it.

    Symbolic links inside a folder are followed once when their target lies inside that folder (a file
    reached by several links, or also directly, comes out once); a link leading outside it, a loop and a
    dangling link go to `on_skip(path, reason)`. Nothing under /proc, /sys or /dev is ever listed or
    yielded, even when named directly. A link or folder named on the command line is the user's choice.
    """
    def fail(path: Path, reason: str) -> None:
        if on_error is None:
            raise InputError(f"{path}: {reason}")
        on_error(path, reason)

    def skip(path: Path, reason: str) -> None:
        if on_skip is not None:
            on_skip(path, reason)

    seen: set[Path] = set()
    for path in map(Path, paths):
        if not path.exists() and not path.is_symlink():
            fail(path, "no such file or directory")
            continue
        real, why = follow_link(path, None)
        if real is None:
            (skip if path.is_symlink() else fail)(path, why)
            continue
        for file, real_file in _walk(path, real, fail, skip) if real.is_dir() else [(path, real)]:
            if real_file not in seen:
                seen.add(real_file)
                yield file


def follow_link(path: Path, root: Path | None) -> tuple[Path | None, str]:
    """(the real path, "") or (None, why it is not followed): a loop, a dangling link, a system path,
    or a target outside `root` (a real folder path; None: anywhere)."""
    try:
        real = Path(os.path.realpath(path, strict=True))
    except OSError as e:
        if e.errno == errno.ELOOP:
            return None, "symbolic link loop; not followed"
        if path.is_symlink():
            return None, f"dangling symbolic link (its target {_link_target(path)} does not exist); not followed"
        return None, f"cannot resolve the path ({e.strerror or e})"
    if system := is_system_path(real):
        return None, f"leads into {system}: system files are never read"
    if root is not None and real != root and root not in real.parents:
        return None, f"symbolic link to {real}, outside the folder {root}; not followed"
    return real, ""


def is_system_path(real: Path) -> str | None:
    """The system tree (/proc, /sys, /dev) a resolved path lies in, if any. By its first two parts ("/",
    "proc"): walking `parents` cost 43 us a path, 2.5 s for each re-ingest of 59,000 documents."""
    top = os.path.join(*real.parts[:2]) if real.is_absolute() else ""
    return top if top in SYSTEM_TREES else None


def _link_target(path: Path) -> str:
    try:
        return os.readlink(path)
    except OSError:
        return "?"


def _walk(root: Path, real_root: Path, fail: Report, skip: Report) -> list[tuple[Path, Path]]:
    """(path, real path) of every file under `root`, sorted by path. Folders are read once each and a
    link to a folder containing it (a loop) is skipped, so no tree of links is walked forever."""
    files: list[tuple[Path, Path]] = []
    visited = {real_root}
    stack = [(root, real_root)]
    while stack:
        folder, real_folder = stack.pop()
        try:
            with os.scandir(folder) as it:
                entries = sorted(it, key=lambda e: e.name)
        except OSError as e:
            fail(folder, f"cannot list the folder ({e.strerror})")
            continue
        for entry in entries:
            if entry.name.startswith("."):
                continue
            path = Path(entry.path)
            real = real_folder / entry.name
            is_dir = entry.is_dir(follow_symlinks=False)  # from the listing: no extra stat per file
            if entry.is_symlink():
                real, why = follow_link(path, real_root)
                if real is None:
                    skip(path, why)
                    continue
                if real == real_folder or real in real_folder.parents:
                    skip(path, f"symbolic link to {real}, a folder that contains it (a loop); not followed")
                    continue
                path = real  # named by its real path: a file behind several links comes out once
                is_dir = real.is_dir()
            if not is_dir:
                files.append((path, real))
            elif real not in visited:  # a folder reached by a link and directly is read once
                visited.add(real)
                stack.append((path, real))
    return sorted(files)


# --- bytes and text ------------------------------------------------------------------------------


def _read_bytes(path: Path, max_bytes: int) -> bytes:
    if not path.exists():
        raise InputError(f"{path}: no such file")
    if path.is_dir():
        raise InputError(f"{path} is a directory, not a file (ingest the folder to read the files in it)")
    if path.suffix.lower() not in SUPPORTED_EXTENSIONS:
        kind = f"'{path.suffix}'" if path.suffix else "(no extension)"
        raise UnsupportedFile(
            f"{path.name}: unsupported file type {kind}; supported: {', '.join(SUPPORTED_EXTENSIONS)}"
        )
    if system := is_system_path(Path(os.path.realpath(path))):
        raise InputError(f"{path} leads into {system}: system files are never read")
    if not path.is_file():
        raise InputError(f"{path} is not a regular file")
    try:
        size = path.stat().st_size
        _check_size(path, size, max_bytes)
        with path.open("rb") as f:
            data = f.read(max_bytes + 1)  # never more than the limit, even if the file grows
    except PermissionError:
        raise InputError(f"{path.name}: permission denied (cannot read the file)") from None
    except OSError as e:
        raise InputError(f"{path.name}: cannot read the file ({e.strerror or e})") from None
    _check_size(path, len(data), max_bytes)
    if not data:
        raise InputError(f"{path.name} is empty (0 bytes)")
    return data


def _check_size(path: Path, size: int, max_bytes: int) -> None:
    if size > max_bytes:
        raise InputError(
            f"{path.name} is {_human(size)}, larger than the {_human(max_bytes)} limit "
            f"(raise RAG_MAX_FILE_MB to accept it)"
        )


def _human(n: int) -> str:
    if n >= 1024 * 1024:
        return f"{n / (1024 * 1024):.1f} MB"
    if n >= 1024:
        return f"{n / 1024:.1f} KB"
    return f"{n} bytes"


def _decode(path: Path, data: bytes) -> str:
    """Strict UTF-8 (a BOM is dropped): guessing another encoding could silently garble quotes."""
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        raise InputError(f"{path.name} is UTF-16 text, not UTF-8; save it as UTF-8")
    if b"\x00" in data:
        raise InputError(f"{path.name} is a binary file (contains NUL bytes), not text")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        raise InputError(
            f"{path.name} is not UTF-8 text (byte 0x{data[e.start]:02x} at offset {e.start}); "
            f"convert it to UTF-8"
        ) from None
    controls = sum(1 for c in text if c < " " and c not in "\n\r\t\f")
    if controls > 0.01 * len(text):
        raise InputError(f"{path.name} is a binary file (control characters), not text")
    if not text.strip():
        raise InputError(f"{path.name} is empty (only white space)")
    return text


# --- formats -------------------------------------------------------------------------------------


def _read_html(path: Path, html: str) -> tuple[str, str | None]:
    import trafilatura  # heavy import; only HTML needs it

    doc = trafilatura.bare_extraction(
        html, include_comments=False, include_tables=True, include_images=False, with_metadata=True
    )
    body = (doc.text if doc else None) or ""
    if not body.strip():
        raise InputError(f"{path.name}: no article text could be extracted from this HTML page")
    # trafilatura puts one block per line; the article format separates blocks by a blank line
    text = "\n\n".join(line.strip() for line in body.splitlines() if line.strip())
    return text, (doc.title or None)


def _read_pdf(path: Path, data: bytes) -> tuple[str, str | None]:
    import pypdf

    # pypdf logs what it repairs ("EOF marker not found") straight to stderr; a file it cannot read
    # becomes our own one-line InputError below, so its warnings are noise to the user.
    logging.getLogger("pypdf").setLevel(logging.ERROR)

    if b"%PDF-" not in data[:1024]:
        raise InputError(f"{path.name} is not a PDF (no %PDF header)")
    try:
        reader = pypdf.PdfReader(io.BytesIO(data))
        if reader.is_encrypted and not reader.decrypt(""):
            raise InputError(f"{path.name} is a password-protected PDF; remove the password first")
        pages = [page.extract_text() or "" for page in reader.pages]
        meta_title = (reader.metadata or {}).get("/Title")
    except InputError:
        raise
    except Exception as e:  # a malformed upload can make the parser fail in many ways; all mean "bad file"
        raise InputError(f"{path.name} is not a readable PDF ({type(e).__name__}: {e})") from None
    if not "".join(pages).strip():
        raise InputError(f"{path.name} has no text layer (scanned or image-only PDF?); run OCR on it first")
    text = "\n".join(pages).translate(_LIGATURES)  # "ﬁ" -> "fi": what a reader (or a model) types
    lines = [x for x in text.splitlines() if not _PAGE_NUMBER.match(x)]
    return unwrap_lines("\n".join(lines)), _usable_title(meta_title)


_LIGATURES = str.maketrans({"ﬀ": "ff", "ﬁ": "fi", "ﬂ": "fl", "ﬃ": "ffi", "ﬄ": "ffl", "ﬅ": "st", "ﬆ": "st"})
_PAGE_NUMBER = re.compile(r"(?i)^\s*(?:page\s+)?\d+(?:\s*(?:/|of)\s*\d+)?\s*$")


def _usable_title(title: object) -> str | None:
    """PDF info titles are often "Microsoft Word - draft.docx" or "untitled": ignore those."""
    title = str(title or "").strip()
    if not title or re.search(r"(?i)\.(docx?|odt|rtf|pdf|txt|indd|tex)$|^untitled", title):
        return None
    return title


_MD_TITLE = re.compile(r"^#[ \t]+(.+?)[ \t#]*$", re.MULTILINE)


def _markdown_title(text: str) -> str | None:
    """The first `# heading`; without one the cleaner takes the first line."""
    m = _MD_TITLE.search(text)
    return m.group(1).strip() if m else None


# --- hard-wrapped text (PDF lines, e-mail style .txt) ---------------------------------------------

_ENDS_SENTENCE = re.compile(r"[.!?:…][\"'”’)\]]*$")
_LIST_ITEM = re.compile(r"(?:[-•*]|\d{1,3}[.)])\s")


def unwrap_lines(text: str) -> str:
    """Join the lines of each paragraph; a newline in the article text always ends a sentence.

    A line was wrapped if the next line's first word would not have fitted on it (the text width is
    the longest line, with slack for proportional PDF fonts) or if the next line starts in lower case.
    Blank lines, list items and a short line after a sentence end (a heading) start a new block.
    Paragraphs come out separated by a blank line.
    """
    lines = [x.strip() for x in text.splitlines()]
    width = max((len(x) for x in lines), default=0)
    paragraphs: list[list[str]] = []  # parts joined at the end: `+=` on a str would copy it per line
    previous = ""  # the last physical line: it decides whether the next one continues it
    for line in lines:
        if previous and line and _continues(previous, line, width):
            glue = "" if re.search(r"[^\W\d_]-$", previous) and line[0].islower() else " "
            paragraphs[-1] += [glue, line]
        elif line:
            paragraphs.append([line])
        previous = line
    return "\n\n".join("".join(parts) for parts in paragraphs)


def _continues(previous: str, line: str, width: int) -> bool:
    if _LIST_ITEM.match(line):
        return False
    if line[0].islower():
        return True
    if len(previous) + 1 + len(line.split()[0]) <= 0.9 * width:
        return False  # the next word would have fitted: the line ended on purpose
    looks_like_heading = len(line) < 0.6 * width and not _ENDS_SENTENCE.search(line)
    return not (_ENDS_SENTENCE.search(previous) and looks_like_heading)


_MAX_WRAP_WIDTH = 160  # e-mail and wire copy wrap at 70-80 columns, editors at up to 120 or so


def _looks_hard_wrapped(text: str) -> bool:
    """Lines no wider than _MAX_WRAP_WIDTH characters that often break mid-sentence before a lower-case
    word. (A web capture keeps a paragraph on one line: its lines are far longer, or seldom break so.)"""
    lines = text.splitlines()
    if max(map(len, lines), default=0) > _MAX_WRAP_WIDTH:
        return False
    breaks = sum(
        1
        for a, b in zip(lines, lines[1:])
        if a.strip() and b.strip()[:1].islower() and not _ENDS_SENTENCE.search(a.strip())
    )
    return breaks >= 2
