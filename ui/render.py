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
    done = " done"
    if turn.get("answer") is not None:
        body = _replaced_html(turn) + answer_html(i, turn["answer"])
    elif turn.get("stopped"):
        body = _stopped_html(turn)
    elif turn.get("error"):
        body = f'<div class="notice error" role="alert"><b>Could not answer.</b> {e(turn["error"])}</div>'
    else:
        body, done = _pending_html(turn), ""
    return f'<div class="turn{done}" data-turn="{i}">{question}<div class="msg bot">{body}</div></div>'


def _pending_html(turn: dict) -> str:
    elapsed = turn.get("elapsed_s")
    clock = f' <span class="elapsed">{int(elapsed)} s</span>' if elapsed is not None else ""
    status = (f'<div class="status" role="status"><span class="spinner" aria-hidden="true"></span>'
              f'{e(turn.get("status") or "Working…")}{clock}</div>')
    return status + draft_html(turn.get("partial") or "", live=True)


def draft_html(text: str, live: bool) -> str:
    """Unchecked model text, visibly not an answer: it is replaced by the checked sentences at the end."""
    if not text:
        return ""
    label = ("Draft, checking quotes… Only sentences a quote backs will be shown as the answer." if live
             else "Unchecked draft: it was stopped before its quotes were checked.")
    caret = '<span class="caret"></span>' if live else ""
    return (f'<div class="draft" aria-label="unchecked draft"><div class="draft-label">{label}</div>'
            f'<div class="draft-text">{e(text)}{caret}</div></div>')


def _stopped_html(turn: dict) -> str:
    note = ('<div class="notice stopped" role="status"><b>Stopped.</b> Nothing was checked yet, so there is '
            "no answer. Ask again, or ask another question.</div>")
    return note + draft_html(turn.get("partial") or "", live=False)


def _replaced_html(turn: dict) -> str:
    why = turn.get("replaced")
    return f'<div class="notice replaced" role="status">{e(why)}</div>' if why else ""


def replaced_note(draft: str, ans: dict) -> str | None:
    """What to tell the user when the checked answer drops words of the draft they watched being written
    (markers, spacing and punctuation aside; an answer that only adds to the draft needs no note)."""
    if not draft.strip():
        return None
    if ans.get("abstained") and ans.get("sentences"):
        return "The draft was replaced: the articles do not state what the question assumes (see the note)."
    if ans.get("abstained"):
        return "The draft was replaced: its sentences were not supported by the articles."
    if _words_of(draft) <= _words_of(ans.get("answer") or ""):
        return None
    if ans.get("error"):
        return "The draft was replaced by the best quotes from the articles (see the note below)."
    return "The draft was revised: only sentences backed by a quote from the articles are shown."


def _words_of(text: str) -> set[str]:
    return set(re.findall(r"\w+", re.sub(r"\[\d+(?:\s*,\s*\d+)*\]", " ", text).lower()))


def answer_html(turn: int, ans: dict) -> str:
    """A finished answer: abstention notice or cited sentences with source cards, error note, and (for
    an answer) who answered how fast."""
    parts = []
    if ans.get("abstained") and ans.get("sentences"):
        # Declined as asked (a premise or roles the articles contradict), with what the articles do say.
        parts.append(
            '<div class="notice abstain" role="note"><div class="notice-title">Not in the articles as asked</div>'
            "The articles don't say that. What they say:</div>"
        )
        parts.append(f'<div class="answer">{_sentences_html(turn, ans)}</div>')
        parts.append(source_cards_html(turn, ans))
    elif ans.get("abstained"):
        parts.append(
            '<div class="notice abstain" role="note"><div class="notice-title">Not in the articles</div>'
            f'{e(ans["answer"])}</div>'
        )
    else:
        parts.append(f'<div class="answer">{_sentences_html(turn, ans)}</div>')
        parts.append(source_cards_html(turn, ans))
    if ans.get("error"):
        parts.append(f'<div class="notice warn" role="note"><b>Note:</b> {e(ans["error"])}</div>')
    parts.append(meta_html(ans))
    return "".join(parts)


def _sentences_html(turn: int, ans: dict) -> str:
    titles = _titles(ans)
    out = []
    for j, s in enumerate(ans["sentences"]):
        text = s["text"]
        end = _FINAL_PUNCT.search(text) if s["citations"] else None
        body, punct = (text[: end.start()], end.group()) if end else (text, "")
        marks = "".join(_marker_html(turn, j, int(n), titles.get(int(n), "")) for n in s["citations"])
        klass = "sent" if s["supported"] else "sent unsupported"
        label = "" if s["supported"] else (
            f'<span class="unsupported-label" title="support {float(s.get("support", 0)):.2f}: no source '
            'passage backs this sentence">unsupported</span>'
        )
        sep = "<br>" if out and _BULLET.match(text) else (" " if out else "")
        words = _own_words_html(body, s.get("own_words") or []) if s["supported"] else e(body)
        out.append(f'{sep}<span class="{klass}">{words}{marks}{e(punct)}</span>{label}')
    if any(s["supported"] and s.get("own_words") for s in ans["sentences"]):
        out.append('<div class="own-note">Underlined words are the model\'s own: its quotes do not contain them. '
                   "Read the quote before relying on them.</div>")
    return "".join(out)


def _own_words_html(text: str, own: list[str]) -> str:
    """`text` escaped, each word its quotes lack (the model's own wording) underlined with a tip."""
    if not own:
        return e(text)
    found = re.compile(r"(?<!\w)(?:" + "|".join(re.escape(w) for w in own) + r")(?!\w)", re.I)
    out, at = [], 0
    for m in found.finditer(text):
        out.append(e(text[at:m.start()]))
        out.append(f'<span class="own" title="Not in the quoted sentence: the model\'s own word">{e(m.group())}</span>')
        at = m.end()
    return "".join(out) + e(text[at:])


def _marker_html(turn: int, sentence: int, n: int, title: str) -> str:
    """A citation marker: a button naming its article on hover and keyboard focus (data-tip, CSS)."""
    tip = f"Source {n}: {title}" if title else f"Source {n}"
    return (f'<button type="button" class="cite" data-turn="{turn}" data-s="{sentence}" data-n="{n}" '
            f'data-tip="{e(tip)}" aria-label="{e(tip)}">{n}</button>')


def _titles(ans: dict) -> dict[int, str]:
    out = {int(s["n"]): s["title"] for s in ans.get("sources") or []}
    out.update({int(c["n"]): c["title"] for c in ans.get("citations") or []})
    return out


def source_cards_html(turn: int, ans: dict) -> str:
    """Under an answer: one card per cited source (number, article title, its first quote on one line),
    and a button copying the answer with its citations as Markdown."""
    firsts: dict[int, dict] = {}
    for c in ans.get("citations") or []:
        firsts.setdefault(int(c["n"]), c)
    cards = []
    for n, c in sorted(firsts.items()):
        s = next((j for j, x in enumerate(ans["sentences"]) if n in x["citations"]), None)
        s_attr = f' data-s="{s}"' if s is not None else ""
        cards.append(
            f'<button type="button" class="src-card" data-turn="{turn}" data-n="{n}"{s_attr} '
            f'aria-label="Source {n}: {e(c["title"])}"><span class="src-n">{n}</span>'
            f'<span class="card-title">{e(c["title"])}</span><span class="card-quote">“{e(c["quote"])}”</span>'
            "</button>"
        )
    copy = (f'<button type="button" class="copy-md" data-md="{e(answer_markdown(ans))}" '
            'title="Copy the answer and its quotes as Markdown">Copy answer</button>')
    return f'<div class="source-cards">{"".join(cards)}</div><div class="answer-actions">{copy}</div>'


def answer_markdown(ans: dict) -> str:
    """The answer as Markdown: sentences with [n] markers, then each source's title and quotes."""
    lines = []
    for s in ans["sentences"]:
        marks = "".join(f"[{int(n)}]" for n in s["citations"])
        lines.append(f'{s["text"].rstrip()} {marks}'.rstrip() if marks else s["text"].rstrip())
    body = " ".join(lines)
    refs: dict[int, list[dict]] = {}
    for c in ans.get("citations") or []:
        refs.setdefault(int(c["n"]), []).append(c)
    notes = [f'[{n}] {cs[0]["title"]} ({basename(cs[0]["source"])}): '
             + " … ".join(f'“{c["quote"]}”' for c in cs) for n, cs in sorted(refs.items())]
    return body + ("\n\n" + "\n".join(notes) if notes else "") + "\n"


def meta_html(ans: dict) -> str:
    """The question searched for, if rewritten; for an answer (not an abstention), who answered how fast."""
    asked = ""
    if ans.get("standalone_question") and ans["standalone_question"] != ans.get("question"):
        asked = f'<div class="meta">Searched for: “{e(ans["standalone_question"])}”</div>'
    if ans.get("abstained"):
        return asked
    t = ans.get("timings") or {}
    bits = [e(ans.get("model") or ans.get("mode") or "")]
    if ans.get("mode") not in (None, "extractive") and t.get("first_token_s") is not None:
        bits.append(f"first token {t['first_token_s']:.1f} s")
    if t.get("total_s") is not None:
        bits.append(f"total {t['total_s']:.1f} s")
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
    # Titled "Sources", as the abstention's text ("listed under Sources") says.
    return ('<div class="panel-title">Sources: the closest passages found</div>'
            '<div class="panel-hint">None of them answers the question.</div>'
            f'{sources_list_html(ans["sources"])}')


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


def upload_progress_html(stage: str, fraction: float) -> str:
    """How far an upload's ingest is; the report (upload_report_html) replaces it when it ends."""
    return f'<div class="notice ok progress" role="status">{e(stage)} ({fraction:.0%})</div>'


def notice_html(kind: str, text: str) -> str:
    """A one-line message box; kind is "ok", "warn" or "error"."""
    role = "alert" if kind == "error" else "status"
    return f'<div class="notice {e(kind)}" role="{role}">{e(text)}</div>'


def readiness_html(r) -> str:
    """The line under the options saying whether the models are loaded (rag.engine.Readiness)."""
    what = "local model" if r.local else "search models"
    if r.state == "warming":
        return notice_html("warn", f"Loading the {what}… a question asked now waits for it.")
    if r.state == "failed":
        return notice_html("error", f"Could not load the {what} in advance: {r.why}")
    if r.state == "ready":
        return f'<div class="ready" role="status">{e(what.capitalize())} loaded in {r.seconds:.0f} s.</div>'
    return ""


def corpus_line_html(docs: list, examples: int = 3) -> str:
    """Above the chat: how many articles are loaded, and a few example questions drawn from their titles."""
    if not docs:
        return '<div class="corpus-line">No articles loaded yet: add some in the Articles tab.</div>'
    count = f"{len(docs)} article{'s' if len(docs) != 1 else ''} loaded"
    picks = sorted(docs, key=lambda d: d.title.lower())[:examples]
    chips = "".join(
        f'<button type="button" class="example" data-q="{e(q)}" title="{e(q)}">{e(q)}</button>'
        for q in (f"What does “{d.title}” report?" for d in picks)
    )
    return f'<div class="corpus-line"><span class="doc-total">{count}.</span> Try: {chips}</div>'


def confirm_remove_html(info) -> str:
    """The question asked before an article is removed (DocInfo)."""
    return (f'<div class="notice warn" role="alert"><b>Remove “{e(info.title)}”?</b> It will no longer be '
            f"searched or cited. Its file {e(basename(info.source))} is not deleted.</div>")
