"""Article cleaning: drop web-capture junk and fix structure, never reword the article.

The cleaned text is the ground truth every quote is verified against, so every rule here only
  * normalises invisible things (line endings, Unicode form, zero-width/control characters, spaces),
  * removes markup (`**bold**`, `__x__`, `# ` heading marks, `[text](url)` -> text),
  * splits a line (a heading glued to the sentence before it),
  * cuts a junk tail off a line (an image caption glued to a paragraph and repeated on its own line),
  * drops whole junk lines or blocks (comment/"popular posts" sections, author cards, social
    profiles, breadcrumbs, tables of contents, contact lines, repeated lines, and the block of
    short non-sentence lines that web captures leave after the article body),
  * removes URLs, e-mail addresses and phone numbers that sit inside a paragraph.

Output: one block per line (paragraph, heading or list item), blocks separated by one blank line.

Title: the first line when it looks like a title. When it does not (it is longer than 200
characters, or it ends like a sentence and holds several sentences), the title is derived from the
first sentence, cut at its first clause break (or at a word boundary with "…") if it is long; the
paragraph itself stays in the text. A `title_hint` (HTML <title>, PDF metadata, markdown `# `
heading) wins over both. The title line stays in the text once (a repeat right after it is dropped),
so `clean_article(c.text)` and `clean_article(c.text, c.title)` both give `c` back.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from .errors import InputError
from .sentences import sentence_spans


@dataclass(frozen=True)
class CleanArticle:
    title: str
    text: str


def clean_article(raw: str, title_hint: str | None = None) -> CleanArticle:
    """Clean a raw capture (see module doc). Deterministic and idempotent."""
    raw_lines = _normalise(raw).split("\n")
    _refuse_link_lists(raw_lines)
    lines = _clean_lines(raw_lines)
    # One step can uncover work for an earlier one ("...go on.Title# https://x.org/a?": the link scrubbed,
    # a heading is left glued to the sentence): clean again until nothing changes, so that cleaning the
    # result once more changes nothing.
    for _ in range(_MAX_PASSES):
        again = _clean_lines(lines)
        if again == lines:
            break
        lines = again
    if not lines:
        raise InputError("no article text left after removing boilerplate (empty or only junk lines)")
    title = _title(lines, title_hint)
    if len(lines) > 1 and _same(lines[0], title) and _same(lines[1], title):
        del lines[1]  # "Title\n\nTitle\n\n..." as in some captures
    return CleanArticle(title=title, text="\n\n".join(lines))


_MAX_PASSES = 3


def _clean_lines(lines: list[str]) -> list[str]:
    lines = [_strip_markup(line) for line in lines]
    lines = [line for line in (_tidy_spaces(x) for x in lines) if line]
    lines = [part for line in lines for part in _split_glued_heading(line)]
    lines = _cut_glued_captions(lines)
    lines = _drop_junk_lines(lines)
    lines = [line for line in (_scrub_contacts(x) for x in lines) if line]
    lines = _drop_junk_lines(lines)  # scrubbing can leave a bare junk line: "- Email: a@b.com." -> "- Email:."
    lines = _drop_repeats(lines)
    return _drop_trailing_block(lines)


# --- normalisation -------------------------------------------------------------------------------

_NEWLINES = re.compile(r"\r\n?|[\x0b\x0c\x85\u2028\u2029]")
# Zero-width space, word joiner, BOM, soft hyphen, direction marks and embeddings: never visible.
_INVISIBLE = re.compile("[\u200b\u2060\ufeff\u00ad\u200e\u200f\u061c\u202a-\u202e\u2066-\u2069]")
# ZWNJ/ZWJ shape Persian, Indic and emoji text: keep one, and only between two non-ASCII characters.
_JOINER_RUN = re.compile(r"[\u200c\u200d]+(?=[\u200c\u200d])")
_JOINER = re.compile(r"(?<![^\x00-\x7f\s])[\u200c\u200d]|[\u200c\u200d](?![^\x00-\x7f\s])")
_CONTROL = re.compile(r"[\x00-\x08\x0e-\x1f\x7f-\x9f]")
_HSPACE = re.compile(r"[^\S\n]+")


def _normalise(raw: str) -> str:
    # Not rag.words.fold (NFKC): this makes the stored text, and must not rewrite what the article wrote.
    # NFC first too: it turns a few non-ASCII letters into ASCII ones (Kelvin sign -> K), which the
    # joiner rule must see; the order below makes a second pass change nothing (idempotence).
    text = _NEWLINES.sub("\n", unicodedata.normalize("NFC", raw))
    text = _CONTROL.sub("", _INVISIBLE.sub("", text).replace("\t", " "))
    text = _unjoin(text)
    return unicodedata.normalize("NFC", text)


def _unjoin(text: str) -> str:
    return _JOINER.sub("", _JOINER_RUN.sub("", text))


def _tidy_spaces(line: str) -> str:
    return _HSPACE.sub(" ", line).strip()


_STARS = re.compile(r"\*{2,}")  # `**bold**` and stray `**`: the words stay, the marks go
# Patterns that scan forward from a start are kept linear: a start only where a run begins, link text
# without "[", emphasis without "__", so a 50,000-character line without spaces is cleaned in milliseconds.
_UNDERSCORE = re.compile(r"(?<!\w)__(?=\S)((?:(?!__).)+?)(?<=\S)__(?!\w)")
_MD_HEADING = re.compile(r"^\s*(?:#{1,6}\s+)++(.*?)(?:\s+#+)?\s*$")
_MD_TARGET = r"\((?:[^()\n]|\([^()\n]*\))*+\)"  # "(url)", one level of parentheses inside: "(…/Foo_(bar))"
_MD_IMAGE = re.compile(r"!\[[^\[\]\n]*\]" + _MD_TARGET)
_MD_LINK = re.compile(r"\[([^\[\]\n]+)\]" + _MD_TARGET)


_MARKUP_ROUNDS = 8  # real markup nests two or three deep; a deeper nest is hostile, and each round is O(line)


def _strip_markup(line: str) -> str:
    for _ in range(_MARKUP_ROUNDS):  # until nothing changes: "**# Title**" needs two rounds
        stripped = _MD_HEADING.sub(r"\1", _STARS.sub("", line))
        stripped = _UNDERSCORE.sub(r"\1", _MD_LINK.sub(r"\1", _MD_IMAGE.sub("", stripped)))
        if stripped == line:
            return line
        line = stripped
    return line


# A line that is nothing but a link: "[text](url)", "- <https://…>", "www.example.org/page".
_LINK_LINE = re.compile(r"^\s*(?:[-*•+]\s+|\d{1,3}[.)]\s+)?<?(?:\[[^\[\]\n]*\]\([^()\n]*\)|(?:https?://|www\.)\S+?)>?\s*$",
                        re.IGNORECASE)


def _refuse_link_lists(lines: list[str]) -> None:
    """A bookmark list or link dump is not an article: without this it became one titled "link 0".
    Refused when every non-empty line but at most one (a heading) is a bare link."""
    text_lines = [x for x in lines if x.strip()]
    links = sum(1 for x in text_lines if _LINK_LINE.match(x))
    if links and links >= len(text_lines) - 1 and links >= 2 - (len(text_lines) == 1):
        raise InputError(f"the file holds only links ({links}) and no article text")


# --- line shapes ---------------------------------------------------------------------------------

_TERMINAL = re.compile(r"[.!?…][\"'”’»)\]]*$")


def _is_prose(line: str) -> bool:
    """A paragraph or sentence: ends like a sentence and has a sentence's length."""
    return bool(_TERMINAL.search(line)) and len(line.split()) >= 4


_MAX_HEADING_CHARS = 100


def _is_heading(text: str) -> bool:
    """A short Title-Case phrase without a final period ("Looking Back: A Fragile Balance")."""
    if not text or len(text) > _MAX_HEADING_CHARS or not text[0].isupper():
        return False
    words = text.split()
    if not 1 <= len(words) <= 12:
        return False
    if re.search(r"[.!…][\"'”’)]*$", text):
        return False
    long_words = [w for w in words if sum(c.isalpha() for c in w) >= 4]
    capitalised = [w for w in long_words if w[0].isupper()]
    return len(capitalised) >= max(1, 0.6 * len(long_words))


# --- structure fixes -----------------------------------------------------------------------------

# "...agreement.Looking Back" : a word, sentence punctuation, no space, a capital.
_GLUE = re.compile(r"(?<![^\W_])(?P<word>[^\W_]++)[.!?][\"'”’)]*(?=(?:- )?[^\W\d_])")


def _split_glued_heading(line: str) -> list[str]:
    """Put a heading glued to the end of the previous sentence on its own line.

    Only when the rest of the line is a heading (or a "- item"); the word before the period must be
    lower-case (2+ letters) or a number, so "U.S.", "e.g.", "St.Petersburg" and "3.5" never split.
    The leftmost such glue wins, then the part before it is split again; a heading is at most 100
    characters, so only glue near the current end is tried (linear however many glues a line has).
    """
    ends = [m.end() for m in _GLUE.finditer(line) if _may_end_sentence(m["word"])]
    tails: list[str] = []
    end, i = len(line), len(ends)
    while True:
        near = i
        while near > 0 and ends[near - 1] >= end - _MAX_HEADING_CHARS - 2:  # "- " + heading
            near -= 1
        cut = next((k for k in range(near, i) if _is_heading(line[ends[k]:end].removeprefix("- "))), None)
        if cut is None:
            break
        tails.append(line[ends[cut]:end])
        end, i = ends[cut], cut
    # each tail may hold another glued heading ("...end.Heading One.Heading Two")
    return [line[:end]] + [part for tail in reversed(tails) for part in _split_glued_heading(tail)]


def _may_end_sentence(word: str) -> bool:
    return word.isdigit() or (word.islower() and len(word) >= 2)


def _cut_glued_captions(lines: list[str]) -> list[str]:
    """Cut a caption glued after a paragraph's last sentence when it also stands on its own line.

    "...at sea. Edith Olusanya: Vesteria's president ... - Coastal Herald" keeps "...at sea."
    A caption has 3-25 words, so only a line's last 3-25 words can be one: looking those up in a set
    keeps this linear in the text (comparing every line with every caption was quadratic).
    """
    captions = {x for x in lines if not _is_prose(x) and _MIN_CAPTION_WORDS <= len(x.split()) <= _MAX_CAPTION_WORDS}
    return [_cut_caption(line, captions) if captions else line for line in lines]


_MIN_CAPTION_WORDS, _MAX_CAPTION_WORDS = 3, 25


def _cut_caption(line: str, captions: set[str]) -> str:
    """The line without its longest glued caption (lines are tidied: words are single-space separated)."""
    words = line.rsplit(" ", _MAX_CAPTION_WORDS)
    for n in range(min(_MAX_CAPTION_WORDS, len(words) - 1), _MIN_CAPTION_WORDS - 1, -1):
        cap = " ".join(words[-n:])
        if cap in captions and line.endswith(" " + cap):
            head = line[: -len(cap)].rstrip()
            if _TERMINAL.search(head):
                return head
    return line


# --- junk lines ----------------------------------------------------------------------------------

# Everything from one of these lines to the end is comments, "popular posts" and the like.
_TAIL_MARKER = re.compile(
    r"(?i)^(?:\d+\s+)?(?:comments?|leave a (?:comment|reply)|popular posts(?: from this blog)?"
    r"|related (?:posts|articles|stories)|you (?:may|might) also like|more from this blog"
    r"|recommended(?: for you)?)\s*:?$"
)
_TOC = re.compile(r"(?i)^(?:table of contents|contents)\s*:?$")
_BOILERPLATE = re.compile(
    r"(?i)^(?:advertisement|socials?|share(?: this(?: article| post)?)?|follow us(?: on \w+)?"
    r"|detail author|about the author|author details?"
    r"|(?:linkedin|facebook|instagram|twitter|x|youtube|tiktok|pinterest|telegram|whatsapp|reddit))\s*:?$"
)
# Fake author cards and social profiles: "• Email : ...", "• followers : 1288".
_CARD_FIELD = re.compile(
    r"(?i)^[•·*\-–]\s*(?:name|username|e-?mail|birth ?date|birthday|address|phone|company|job|bio"
    r"|url|website|followers|following)\s*:"
)
_BREADCRUMB_SEP = re.compile(r"\s[∙•·|»›]\s")

_COPYRIGHT = re.compile(r"(?i)^(?:©|\(c\)|copyright\b)")
# Contact details: a URL (scheme, "www." or domain/path; trailing punctuation is the sentence's),
# an e-mail address, a phone number ("+1 202-555-0143", "1-555-301-7720", "(202) 555-0143").
_URL_CHARS = r"[^\s<>\"“”‘’]*[^\s<>\"“”‘’.,;:!?)\]]"
_URL = rf"\b(?:https?://|www\.){_URL_CHARS}|(?<![\w-])(?<!\w\.)(?:[\w-]++\.)++[a-z]{{2,}}/{_URL_CHARS}"
_EMAIL = r"(?<![\w.+-])[\w.+-]++@[\w-]++(?:\.[\w-]++)+"
_PHONE = r"(?<![\w+-])(?:\+\d{1,3}[ .-]?)?(?:\d{1,3}[.-])?\(?\d{3}\)?[ .-]\d{3}[.-]\d{4}(?![\w-])"
_CONTACT = re.compile(f"{_URL}|{_EMAIL}|{_PHONE}", re.IGNORECASE)


def _drop_junk_lines(lines: list[str]) -> list[str]:
    out: list[str] = []
    in_toc = prose_kept = False
    last = {line: i for i, line in enumerate(lines)}  # "comes back later" in O(1)
    for i, line in enumerate(lines):
        if _TAIL_MARKER.match(line) and prose_kept:
            break
        if _TOC.match(line):
            in_toc = True  # its entries are the short lines that come back later as headings
            continue
        if in_toc and not _is_prose(line) and last[line] > i:
            continue
        in_toc = False
        if _BOILERPLATE.match(line) or _CARD_FIELD.match(line) or _is_breadcrumb(line):
            continue
        if _COPYRIGHT.match(line) and len(line.split()) <= 20:
            continue
        if _CONTACT.search(line) and not _is_prose(line):
            continue
        out.append(line)
        prose_kept = prose_kept or _is_prose(line)
    return out


def _is_breadcrumb(line: str) -> bool:
    """"Photo archive ∙ For the Press ∙ President of Vesteria": navigation, not text."""
    return len(_BREADCRUMB_SEP.findall(line)) >= 2 and len(line.split()) <= 15 and not _is_prose(line)


def _scrub_contacts(line: str) -> str:
    """Remove URLs, e-mails and phone numbers inside a paragraph; the rest of it is kept as is."""
    scrubbed = _CONTACT.sub("", line)
    if scrubbed == line:
        return line
    scrubbed = re.sub(r"\(\s*\)|\[\s*\]", "", scrubbed)
    return _tidy_spaces(_unjoin(re.sub(r"\s+([.,;:!?])", r"\1", scrubbed)))


def _drop_repeats(lines: list[str]) -> list[str]:
    return [x for i, x in enumerate(lines) if i == 0 or x != lines[i - 1]]


# "- Thornby clinic: open Wednesday only": a list item stating a fact as label and value.
_FACT_ITEM = re.compile(r"^[-*•]\s+[^:]{2,60}:\s+\S+(?:\s+\S+){1,}")


def _drop_trailing_block(lines: list[str]) -> list[str]:
    """Drop the short non-sentence lines after the last paragraph (captions, link lists, credits). A list of
    two or more "label: value" items is the article's own (a fact box: opening times, key dates), and it
    and everything before it stay; link lists and captions are headlines without such labels."""
    end = len(lines)
    while end > 0 and not _is_prose(lines[end - 1]):
        if end > 1 and _FACT_ITEM.match(lines[end - 1]) and _FACT_ITEM.match(lines[end - 2]):
            return lines[:end]
        end -= 1
    return lines[:end] if end else lines  # no paragraph at all: nothing to tell junk from


# --- title ---------------------------------------------------------------------------------------

_TITLE_WINDOW = 1000  # a title comes from the first 140 characters: longer first sentences are cut anyway


def _is_title_line(line: str) -> bool:
    return len(line) <= 200 and not (_TERMINAL.search(line) and len(sentence_spans(line)) > 1)


def _title(lines: list[str], hint: str | None) -> str:
    hint = _tidy_spaces(_strip_markup(_normalise(hint or "").replace("\n", " ")))
    hint = re.sub(r"\s+\|\s+[^|]{1,40}$", "", hint)  # "Headline | Site Name"
    if hint:
        return hint
    if _is_title_line(lines[0]):
        return lines[0]
    return _derive_title(lines[0])


def _derive_title(paragraph: str) -> str:
    """First sentence; if long, up to its first clause break, else up to a word boundary + "…"."""
    spans = sentence_spans(paragraph[:_TITLE_WINDOW])
    sentence = paragraph[: spans[0][1]] if len(spans) > 1 else paragraph
    sentence = re.sub(r"[.!?]+$", "", sentence).strip() or paragraph  # ". ...." has no words to title with
    if len(sentence) <= 120:
        return sentence
    for m in re.finditer(r"[,;:]\s|\s[—–-]\s", sentence):
        if 30 <= m.start() <= 140:
            return sentence[: m.start()]
    return sentence[:100].rsplit(" ", 1)[0] + "…"


def _same(a: str, b: str) -> bool:
    return a.casefold() == b.casefold()
