"""HTML for the web UI, built only from escaped text and character offsets.

Article text, titles, questions and model output are all data: every piece goes through
`html.escape` here, and the only tags on the page are the ones written in this module. The browser
shows `<script>` in an article as text; nothing from an article can add an element or an attribute.
"""
from __future__ import annotations

import re
from html import escape
from os.path import basename

# How much article text to show around a quote when its paragraph is very long.
CONTEXT_CHARS = 600
_FINAL_PUNCT = re.compile(r"[.!?…]+[\"'”’)\]]*\s*$")
_BULLET = re.compile(r"^\s*(?:[-*•]|\d+[.)])\s")

EMPTY_TRANSCRIPT = (
    '<div class="empty-chat"><p><b>Ask a question about the articles.</b></p>'
    "<p>Every sentence of an answer cites the article it comes from: click a marker like "
    '<span class="cite demo">1</span> to read the quote in its paragraph.</p></div>'
)
EMPTY_SOURCES = (
    '<div class="panel-hint">Sources appear here. Click a citation marker in an answer to see the '
    "quoted passage highlighted in its article.</div>"
)


def e(text: object) -> str:
    """Escape text for element content and double-quoted attribute values."""
    return escape(str(text), quote=True)


# ---- the conversation ----------------------------------------------------------------------------

def transcript_html(turns: list[dict]) -> str:
    """All turns of a conversation: the question, then the answer, a stream in progress or an error."""
    if not turns:
        return EMPTY_TRANSCRIPT
    return "".join(_turn_html(i, t) for i, t in enumerate(turns))


def _turn_html(i: int, turn: dict) -> str:
    question = f'<div class="msg user"><div class="bubble">{e(turn["question"])}</div></div>'
    if turn.get("answer") is not None:
        body = answer_html(i, turn["answer"])
    elif turn.get("error"):
        body = f'<div class="notice error" role="alert"><b>Could not answer.</b> {e(turn["error"])}</div>'
    else:
        body = _pending_html(turn)
    return f'<div class="turn" data-turn="{i}">{question}<div class="msg bot">{body}</div></div>'


def _pending_html(turn: dict) -> str:
    status = f'<div class="status"><span class="spinner"></span>{e(turn.get("status") or "Working…")}</div>'
    partial = turn.get("partial") or ""
    if not partial:
        return status
    # Unverified model text: shown plainly while it streams, replaced by the checked answer at the end.
    return f'{status}<div class="answer streaming">{e(partial)}<span class="caret"></span></div>'


def answer_html(turn: int, ans: dict) -> str:
    """A finished answer: abstention notice or cited sentences, error note, and who answered how fast."""
    parts = []
    if ans.get("abstained"):
        parts.append(
            '<div class="notice abstain" role="note"><div class="notice-title">Not in the articles</div>'
            f'{e(ans["answer"])}</div>'
        )
    else:
        parts.append(f'<div class="answer">{_sentences_html(turn, ans["sentences"])}</div>')
    if ans.get("error"):
        parts.append(f'<div class="notice warn" role="note"><b>Note:</b> {e(ans["error"])}</div>')
    parts.append(meta_html(ans))
    return "".join(parts)


def _sentences_html(turn: int, sentences: list[dict]) -> str:
    out = []
    for j, s in enumerate(sentences):
        text = s["text"]
        end = _FINAL_PUNCT.search(text) if s["citations"] else None
        body, punct = (text[: end.start()], end.group()) if end else (text, "")
        marks = "".join(
            f'<button type="button" class="cite" data-turn="{turn}" data-s="{j}" data-n="{int(n)}" '
            f'title="Show source {int(n)}">{int(n)}</button>'
            for n in s["citations"]
        )
        klass = "sent" if s["supported"] else "sent unsupported"
        label = "" if s["supported"] else (
            f'<span class="unsupported-label" title="support {float(s.get("support", 0)):.2f}: no source '
            'passage backs this sentence">unsupported</span>'
        )
        sep = "<br>" if out and _BULLET.match(text) else (" " if out else "")
        out.append(f'{sep}<span class="{klass}">{e(body)}{marks}{e(punct)}</span>{label}')
    return "".join(out)


def meta_html(ans: dict) -> str:
    t = ans.get("timings") or {}
    bits = [e(ans.get("model") or ans.get("mode") or "")]
    if ans.get("mode") not in (None, "extractive") and t.get("first_token_s") is not None:
        bits.append(f"first token {t['first_token_s']:.1f} s")
    if t.get("total_s") is not None:
        bits.append(f"total {t['total_s']:.1f} s")
    asked = ""
    if ans.get("standalone_question") and ans["standalone_question"] != ans.get("question"):
        asked = f'<div class="meta">Searched for: “{e(ans["standalone_question"])}”</div>'
    return f'{asked}<div class="meta">{" · ".join(bits)}</div>'


# ---- the sources panel ---------------------------------------------------------------------------

def citation_panel_html(index: int, turn: dict, n: int, sentence: int | None,
                        articles: dict[str, str | None]) -> str:
    """The quotes behind marker [n] of answer number `index`, each highlighted inside its paragraph(s).

    `articles` maps doc_id to the stored article text (None if the article has been removed since).
    When a source gave several quotes to the answer, the one sharing most words with the clicked
    sentence comes first.
    """
    ans = turn["answer"]
    cits = [c for c in ans["citations"] if c["n"] == n]
    if not cits:
        return f'<div class="panel-hint">Source {int(n)} has no verified quote in this answer.</div>'
    if sentence is not None and 0 <= sentence < len(ans["sentences"]):
        words = _words(ans["sentences"][sentence]["text"])
        cits.sort(key=lambda c: -len(words & _words(c["quote"])))
    cards = "".join(_quote_card(c, articles.get(c["doc_id"])) for c in cits)
    title = f'<div class="panel-title" data-turn="{int(index)}" data-n="{int(n)}">Source {int(n)}</div>'
    return f'{title}{cards}{sources_list_html(ans["sources"], closed=True)}'


def _quote_card(c: dict, text: str | None) -> str:
    head = _source_head(c["title"], c["source"])
    if text is None:
        body = f'<blockquote class="context"><mark>{e(c["quote"])}</mark></blockquote>' \
               '<div class="notice warn">This article has been removed since the answer was given.</div>'
    elif text[c["start"]:c["end"]] != c["quote"]:
        body = f'<blockquote class="context"><mark>{e(c["quote"])}</mark></blockquote>' \
               '<div class="notice warn">The article has changed since the answer was given.</div>'
    else:
        body = f'<blockquote class="context">{quote_in_context(text, c["start"], c["end"])}</blockquote>'
    return f'<div class="quote-card" data-doc="{e(c["doc_id"])}" data-start="{int(c["start"])}" ' \
           f'data-end="{int(c["end"])}">{head}{body}</div>'


def quote_in_context(text: str, start: int, end: int, width: int = CONTEXT_CHARS) -> str:
    """The paragraph(s) around text[start:end], with exactly that span inside <mark>."""
    para_start = text.rfind("\n\n", 0, start)
    para_start = 0 if para_start < 0 else para_start + 2
    para_end = text.find("\n\n", end)
    para_end = len(text) if para_end < 0 else para_end
    lo, hi = max(para_start, start - width), min(para_end, end + width)
    # Cut long paragraphs at a space, not inside a word.
    if lo > para_start:
        lo = min(start, text.find(" ", lo) + 1 or start)
    if hi < para_end:
        hi = max(end, text.rfind(" ", end, hi))
    lead = "…" if lo > para_start else ""
    tail = "…" if hi < para_end else ""
    return (f"{lead}{e(text[lo:start])}<mark>{e(text[start:end])}</mark>{e(text[end:hi])}{tail}")


def sources_list_html(sources: list[dict], closed: bool = False) -> str:
    """Every passage the answer was drawn from (for an abstention: the closest ones found)."""
    if not sources:
        return '<div class="panel-hint">No passage was found.</div>'
    items = "".join(
        f'<li>{_source_head(s["title"], s["source"], n=s["n"])}'
        f'<div class="passage">{e(s["text"])}</div></li>' for s in sources
    )
    title = f"All {len(sources)} passages retrieved for this answer"
    return f'<details class="all-sources"{"" if closed else " open"}><summary>{title}</summary>' \
           f'<ol class="sources">{items}</ol></details>'


def abstention_panel_html(ans: dict) -> str:
    return f'<div class="panel-title">Closest passages</div>{sources_list_html(ans["sources"])}'


def _source_head(title: str, source: str, n: int | None = None) -> str:
    num = f'<span class="src-n">{int(n)}</span>' if n is not None else ""
    return (f'<div class="src-head">{num}<span class="src-title">{e(title)}</span>'
            f'<span class="src-file" title="{e(source)}">{e(basename(source))}</span></div>')


def _words(text: str) -> set[str]:
    return {w for w in re.findall(r"\w+", text.lower()) if len(w) > 2}


# ---- the corpus tab ------------------------------------------------------------------------------

def documents_html(docs: list) -> str:
    """The ingested articles as a table (DocInfo rows)."""
    if not docs:
        return '<div class="panel-hint">No articles yet: upload some above.</div>'
    rows = "".join(
        f'<tr data-doc="{e(d.doc_id)}"><td class="doc-title">{e(d.title)}</td>'
        f'<td class="doc-file" title="{e(d.source)}">{e(basename(d.source))}</td>'
        f'<td class="num">{int(d.n_chunks)}</td></tr>'
        for d in docs
    )
    total = sum(d.n_chunks for d in docs)
    return (f'<div class="doc-count">{len(docs)} article(s), {total} chunks</div>'
            '<table class="docs"><thead><tr><th>Title</th><th>File</th><th class="num">Chunks</th>'
            f'</tr></thead><tbody>{rows}</tbody></table>')


def upload_report_html(added: list[str], rejected: list[tuple[str, str]]) -> str:
    """What happened to each uploaded file, in words."""
    parts = []
    if added:
        items = "".join(f"<li>{e(a)}</li>" for a in added)
        parts.append(f'<div class="notice ok" role="status"><b>Added and searchable now:</b><ul>{items}</ul></div>')
    if rejected:
        items = "".join(f"<li>{_reason_html(name, why)}</li>" for name, why in rejected)
        parts.append(f'<div class="notice error" role="alert"><b>Not added:</b><ul>{items}</ul></div>')
    return "".join(parts)


def _reason_html(name: str, why: str) -> str:
    """Readers' reasons often start with the file name: show it once, in bold."""
    if why.startswith(name):
        return f"<b>{e(name)}</b>{e(why[len(name):])}"
    return f"<b>{e(name)}</b>: {e(why)}"


def notice_html(kind: str, text: str) -> str:
    """A one-line message box; kind is "ok", "warn" or "error"."""
    role = "alert" if kind == "error" else "status"
    return f'<div class="notice {e(kind)}" role="{role}">{e(text)}</div>'
