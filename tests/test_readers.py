"""Reading .txt/.md/.html/.pdf files, and refusing bad ones with a reason the user can act on.

PDFs are written here byte by byte (a one-page PDF with a Helvetica text layer), so the test does
not depend on a PDF writer and no binary fixture is committed.
"""
from __future__ import annotations

import io
import os
from pathlib import Path

import pytest

from rag.clean import clean_article
from rag.errors import InputError, UnsupportedFile
from rag.readers import SUPPORTED_EXTENSIONS, iter_files, read_document, unwrap_lines
from rag.settings import Settings

FIXTURES = Path(__file__).parent / "fixtures"
MB = 1024 * 1024
LIMIT = 20 * MB


def make_pdf(lines: list[str], title: str | None = None, text_layer: bool = True) -> bytes:
    """A minimal valid one-page PDF: each entry of `lines` is one line of text (or a filled box)."""
    if text_layer:
        ops = ["BT /F1 11 Tf 14 TL 72 720 Td"]
        for line in lines:
            escaped = line.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")
            ops.append(f"({escaped}) Tj T*")
        ops.append("ET")
    else:
        ops = ["0 0 1 rg 72 600 200 100 re f"]  # a picture of sorts, no text
    stream = "\n".join(ops).encode("latin-1")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R"
        b" /Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
    ]
    if title:
        objects.append(b"<< /Title (" + title.encode("latin-1") + b") >>")
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n" % number + body + b"\nendobj\n")
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    out.writelines(b"%010d 00000 n \n" % o for o in offsets)
    info = b" /Info %d 0 R" % len(objects) if title else b""
    out.write(b"trailer\n<< /Size %d /Root 1 0 R%s >>\n" % (len(objects) + 1, info))
    out.write(b"startxref\n%d\n%%%%EOF\n" % xref)
    return out.getvalue()


PDF_LINES = [
    "Caspian corridor opens",
    "Russian and Iranian officials opened a new rail link on Monday that joins the",
    "Caspian ports to the Gulf, cutting the journey for cargo by about ten days.",
    "Next steps",
    "Both governments said more terminals would be built along the route next year.",
]


def write(tmp_path: Path, name: str, data: bytes | str) -> Path:
    path = tmp_path / name
    path.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
    return path


# --- formats -------------------------------------------------------------------------------------


def test_txt(tmp_path):
    doc = read_document(write(tmp_path, "a.txt", "Headline\n\nFirst paragraph of the story.\n"), LIMIT)
    assert doc.format == "txt" and doc.title_hint is None
    assert doc.text == "Headline\n\nFirst paragraph of the story.\n"


def test_utf8_bom_is_stripped(tmp_path):
    doc = read_document(write(tmp_path, "bom.txt", b"\xef\xbb\xbfHeadline\nText."), LIMIT)
    assert doc.text == "Headline\nText."


def test_markdown_title_from_first_heading():
    doc = read_document(FIXTURES / "article.md", LIMIT)
    assert doc.format == "md" and doc.title_hint == "Iran and Russia sign a partnership treaty"
    article = clean_article(doc.text, doc.title_hint)
    assert article.title == "Iran and Russia sign a partnership treaty"
    assert article.text == (
        "Iran and Russia sign a partnership treaty\n\n"
        "The two governments signed a 20-year treaty in Moscow on Friday, covering defence, energy and trade.\n\n"
        "What the treaty covers\n\n"
        "The text commits both sides to joint exercises and to closer banking links that avoid Western "
        "payment systems."
    )


def test_markdown_without_heading_leaves_the_title_to_the_first_line(tmp_path):
    doc = read_document(write(tmp_path, "b.md", "Plain first line\n\nSome **text** here.\n"), LIMIT)
    assert doc.title_hint is None
    assert clean_article(doc.text, doc.title_hint).title == "Plain first line"


def test_html_main_text_without_script_nav_footer():
    doc = read_document(FIXTURES / "article.html", LIMIT)
    assert doc.format == "html"
    assert doc.title_hint == "Putin visits Tehran for talks on trade and security"
    for junk in ["SCRIPT_JUNK", "SCRIPT_WRITE_JUNK", "INLINE_SCRIPT_JUNK", "STYLE_JUNK", "NAV_JUNK",
                 "FOOTER_JUNK", "Privacy policy", "tracker", "<"]:
        assert junk not in doc.text, junk
    assert "Russian President Vladimir Putin arrived in Iran on Tuesday for talks with Iranian leaders" in doc.text
    # paragraphs and headings are blocks separated by a blank line
    assert "between the two countries.\n\nEconomic ties\n\nThe two sides discussed" in doc.text
    assert "had grown sharply this year.\n\nAnalysts said" in doc.text
    article = clean_article(doc.text, doc.title_hint)
    assert article.title == "Putin visits Tehran for talks on trade and security"
    assert article.text.count(article.title) == 1


def test_pdf_text_layer_and_metadata_title(tmp_path):
    path = write(tmp_path, "story.pdf", make_pdf(PDF_LINES, title="Caspian rail link"))
    assert path.stat().st_size < 5000
    doc = read_document(path, LIMIT)
    assert doc.format == "pdf" and doc.title_hint == "Caspian rail link"
    # wrapped lines of a paragraph are joined: a newline would end the sentence for quoting
    assert doc.text == (
        "Caspian corridor opens\n\n"
        "Russian and Iranian officials opened a new rail link on Monday that joins the Caspian ports to the "
        "Gulf, cutting the journey for cargo by about ten days.\n\n"
        "Next steps\n\n"
        "Both governments said more terminals would be built along the route next year."
    )


def test_pdf_without_metadata_title_uses_first_line(tmp_path):
    doc = read_document(write(tmp_path, "story.pdf", make_pdf(PDF_LINES)), LIMIT)
    assert doc.title_hint is None
    assert clean_article(doc.text, doc.title_hint).title == "Caspian corridor opens"


def test_pdf_placeholder_metadata_title_is_ignored(tmp_path):
    pdf = make_pdf(PDF_LINES, title="Microsoft Word - draft3.docx")
    assert read_document(write(tmp_path, "story.pdf", pdf), LIMIT).title_hint is None


def test_hard_wrapped_text_is_unwrapped():
    doc = read_document(FIXTURES / "wrapped.txt", LIMIT)
    assert doc.text == (
        "Caspian shipping grows\n\n"
        "Ships carrying grain and steel between the Russian port of Astrakhan and the Iranian port of Anzali "
        "made more crossings this year than in any year before, port officials said on Monday.\n\n"
        "Traders said the route lets both countries avoid Western insurers and banks, and that new terminals "
        "should open on both shores next spring."
    )


def test_text_wrapped_at_120_columns_is_unwrapped_too(tmp_path):
    """Editors wrap at up to 120 columns or so; a sentence broken there is one sentence again."""
    text = ("Bridge approved\n\n"
            "The Harrow Bay town council voted 9 to 2 on Tuesday to approve a new tidal bridge across the old harbour's\n"
            "Merrin estuary, ending a dispute that has divided the town for six years, and the regional transport\n"
            "fund will pay 30 million pounds of its cost, the council said in a statement issued late on Tuesday night,\n"
            "after the vote.\n")
    doc = read_document(write(tmp_path, "bridge.txt", text.encode()), LIMIT)
    assert max(map(len, text.splitlines())) > 100
    assert "old harbour's Merrin estuary, ending" in doc.text and "night, after the vote." in doc.text
    assert doc.text.startswith("Bridge approved\n\nThe Harrow Bay")


def test_unwrap_keeps_lists_headings_and_hyphenated_words():
    text = (
        "Summary of the agreement signed in the Iranian capital\n"
        "The agreement covers energy, transport and a well-\n"
        "known banking link that both central banks have tested over the last few\n"
        "months in a pilot with two commercial banks.\n"
        "- first item\n"
        "- second item\n"
    )
    assert unwrap_lines(text) == (
        "Summary of the agreement signed in the Iranian capital\n\n"
        "The agreement covers energy, transport and a well-known banking link that both central banks have "
        "tested over the last few months in a pilot with two commercial banks.\n\n"
        "- first item\n\n- second item"
    )


def test_long_lines_are_not_unwrapped(tmp_path):
    corpus_file = Path(__file__).resolve().parents[1] / "corpus" / "001_bb4054422fb8fb17.txt"
    doc = read_document(corpus_file, LIMIT)
    assert doc.text == corpus_file.read_text(encoding="utf-8")


# --- refusals ------------------------------------------------------------------------------------


def test_empty_file(tmp_path):
    with pytest.raises(InputError, match="empty"):
        read_document(write(tmp_path, "e.txt", b""), LIMIT)
    with pytest.raises(InputError, match="empty"):
        read_document(write(tmp_path, "w.md", " \n\t\r\n"), LIMIT)


def test_binary_file(tmp_path):
    with pytest.raises(InputError, match="binary.*NUL"):
        read_document(write(tmp_path, "b.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"), LIMIT)
    with pytest.raises(InputError, match="binary.*control"):
        read_document(write(tmp_path, "c.txt", bytes(range(1, 32)) * 20), LIMIT)


def test_not_utf8_is_named_not_guessed(tmp_path):
    with pytest.raises(InputError, match=r"not UTF-8.*0xe9 at offset 3.*convert it to UTF-8"):
        read_document(write(tmp_path, "l.txt", "Café in Tehran".encode("latin-1")), LIMIT)
    with pytest.raises(InputError, match="UTF-16"):
        read_document(write(tmp_path, "u.txt", "Tehran talks".encode("utf-16")), LIMIT)
    with pytest.raises(InputError, match="not UTF-8"):
        read_document(write(tmp_path, "l.html", "<p>Caf\xe9</p>".encode("cp1252")), LIMIT)


def test_too_large_names_size_limit_and_setting(tmp_path):
    path = write(tmp_path, "big.txt", "Big article text. " * 80_000)  # 1.4 MB
    with pytest.raises(InputError) as err:
        read_document(path, 1 * MB)
    assert "1.4 MB" in str(err.value) and "1.0 MB" in str(err.value) and "RAG_MAX_FILE_MB" in str(err.value)


def test_too_large_with_the_default_setting(tmp_path):
    path = tmp_path / "huge.pdf"
    with path.open("wb") as f:
        f.truncate(21 * MB)  # sparse: takes no disk space, and the reader must not read it
    with pytest.raises(InputError, match=r"21\.0 MB, larger than the 20\.0 MB limit"):
        read_document(path, Settings(max_file_mb=20).max_file_bytes)


def test_unsupported_extension_lists_supported_ones(tmp_path):
    with pytest.raises(UnsupportedFile) as err:
        read_document(write(tmp_path, "notes.docx", b"PK\x03\x04"), LIMIT)
    assert "'.docx'" in str(err.value)
    assert all(ext in str(err.value) for ext in SUPPORTED_EXTENSIONS)
    with pytest.raises(UnsupportedFile, match="no extension"):
        read_document(write(tmp_path, "README", "text"), LIMIT)


def test_missing_file_and_directory(tmp_path):
    with pytest.raises(InputError, match="no such file"):
        read_document(tmp_path / "missing.txt", LIMIT)
    with pytest.raises(InputError, match="is a directory"):
        read_document(tmp_path, LIMIT)


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads files whatever their permissions")
def test_permission_denied(tmp_path):
    path = write(tmp_path, "secret.txt", "text")
    path.chmod(0)
    with pytest.raises(InputError, match="permission denied"):
        read_document(path, LIMIT)


def test_permission_denied_by_the_os(tmp_path, monkeypatch):
    # Fault injection for when the suite runs as root (chmod does not stop root): the OS refusal
    # that open() raises must become a one-line InputError.
    path = write(tmp_path, "secret.txt", "text")

    def denied(self, *args, **kwargs):
        raise PermissionError(13, "Permission denied", str(self))

    monkeypatch.setattr(Path, "open", denied)
    with pytest.raises(InputError, match="secret.txt: permission denied"):
        read_document(path, LIMIT)


def test_pdf_without_text_layer(tmp_path):
    with pytest.raises(InputError, match="no text layer"):
        read_document(write(tmp_path, "scan.pdf", make_pdf([], text_layer=False)), LIMIT)


def test_broken_pdfs(tmp_path):
    with pytest.raises(InputError, match="not a PDF"):
        read_document(write(tmp_path, "fake.pdf", "just text pretending"), LIMIT)
    with pytest.raises(InputError, match="not a readable PDF"):
        read_document(write(tmp_path, "cut.pdf", make_pdf(PDF_LINES)[:200]), LIMIT)


def test_html_without_text(tmp_path):
    html = "<html><head><title>Empty</title><script>var x = 'only code here';</script></head><body></body></html>"
    with pytest.raises(InputError, match="no article text could be extracted"):
        read_document(write(tmp_path, "e.html", html), LIMIT)


# --- iter_files ----------------------------------------------------------------------------------


def test_iter_files_recursive_sorted_without_hidden(tmp_path):
    for rel in ["b.txt", "a.md", "sub/c.html", "sub/deeper/d.pdf", ".hidden.txt", ".git/config.txt",
                "sub/.cache/e.txt", "notes.docx"]:
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text("x")
    single = tmp_path / "b.txt"
    found = [p.relative_to(tmp_path).as_posix() for p in iter_files([tmp_path, single])]
    assert found == ["a.md", "b.txt", "notes.docx", "sub/c.html", "sub/deeper/d.pdf"]
    # an explicitly named hidden file is the user's choice
    assert list(iter_files([tmp_path / ".hidden.txt"])) == [tmp_path / ".hidden.txt"]


def test_iter_files_reports_missing_paths(tmp_path):
    (tmp_path / "a.txt").write_text("x")
    errors: list[tuple[Path, str]] = []
    found = list(iter_files([tmp_path / "nope", tmp_path], on_error=lambda p, why: errors.append((p, why))))
    assert found == [tmp_path / "a.txt"]
    assert errors == [(tmp_path / "nope", "no such file or directory")]
    with pytest.raises(InputError, match="nope: no such file"):
        list(iter_files([tmp_path / "nope"]))


# --- symbolic links --------------------------------------------------------------------------------


def _linked_tree(tmp_path: Path) -> Path:
    root = tmp_path / "news"
    (root / "sub").mkdir(parents=True)
    (root / "a.txt").write_text("x")
    (root / "sub" / "b.txt").write_text("x")
    (tmp_path / "secret.txt").write_text("x")
    links = {
        "inside.txt": root / "sub" / "b.txt", "linked-dir": root / "sub",  # inside: b.txt comes out once
        "secret.txt": tmp_path / "secret.txt", "passwd.txt": "/etc/passwd", "etc": "/etc",  # outside
        "status.txt": "/proc/self/status", "zero.txt": "/dev/zero", "cpu": "/sys/devices",  # system
        "loop1.txt": root / "loop2.txt", "loop2.txt": root / "loop1.txt", "self.txt": "self.txt",  # loops
        "sub/up": root,  # a folder loop
        "dangling.txt": root / "gone.txt",
    }
    for name, target in links.items():
        (root / name).symlink_to(target)
    return root


def test_links_inside_the_folder_are_followed_once_and_the_rest_skipped_with_a_reason(tmp_path):
    root = _linked_tree(tmp_path)
    skipped: dict[str, str] = {}
    found = list(iter_files([root], on_skip=lambda p, why: skipped.setdefault(Path(p).name, why)))
    assert [p.relative_to(root).as_posix() for p in found] == ["a.txt", "sub/b.txt"]
    assert set(skipped) == {"secret.txt", "passwd.txt", "etc", "status.txt", "zero.txt", "cpu", "loop1.txt",
                            "loop2.txt", "self.txt", "up", "dangling.txt"}
    assert all("\n" not in why and why for why in skipped.values())
    assert "outside the folder" in skipped["secret.txt"] and "outside the folder" in skipped["etc"]
    assert "/proc" in skipped["status.txt"] and "/dev" in skipped["zero.txt"] and "/sys" in skipped["cpu"]
    assert "loop" in skipped["loop1.txt"] and "loop" in skipped["self.txt"] and "loop" in skipped["up"]
    assert "dangling" in skipped["dangling.txt"] and "gone.txt" in skipped["dangling.txt"]


def test_system_paths_are_never_read_even_when_named(tmp_path):
    errors: list[str] = []
    found = list(iter_files([Path("/proc/self/status"), Path("/dev"), Path("/sys/kernel")],
                            on_error=lambda p, why: errors.append(why)))
    assert found == [] and len(errors) == 3 and all("never read" in e for e in errors)
    (tmp_path / "status.txt").symlink_to("/proc/self/status")
    with pytest.raises(InputError, match="never read"):
        read_document(tmp_path / "status.txt", 1_000_000)


def test_a_folder_named_through_a_link_is_read(tmp_path):
    (tmp_path / "real").mkdir()
    (tmp_path / "real" / "a.txt").write_text("x")
    (tmp_path / "via").symlink_to(tmp_path / "real")
    assert [p.name for p in iter_files([tmp_path / "via", tmp_path / "real"])] == ["a.txt"]


def test_a_fifo_is_refused_without_blocking(tmp_path):
    os.mkfifo(tmp_path / "pipe.txt")
    assert list(iter_files([tmp_path])) == [tmp_path / "pipe.txt"]
    with pytest.raises(InputError, match="not a regular file"):
        read_document(tmp_path / "pipe.txt", 1_000_000)


def test_a_broken_pdf_is_one_error_and_nothing_on_stderr(tmp_path, capfd):
    (tmp_path / "cut.pdf").write_bytes(b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n")
    with pytest.raises(InputError, match="not a readable PDF"):
        read_document(tmp_path / "cut.pdf", LIMIT)
    assert capfd.readouterr().err == ""


def test_system_trees_are_recognised_by_the_path_alone():
    from rag.readers import is_system_path
    assert [is_system_path(Path(p)) for p in ("/proc", "/proc/self/environ", "/dev/null", "/sys/kernel")] == \
        ["/proc", "/proc", "/dev", "/sys"]
    assert not any(is_system_path(Path(p)) for p in ("/devices/x", "/work/proc", "/", "proc/x", "/procx/a"))
