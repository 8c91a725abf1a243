"""The web UI: chat with cited answers, a sources panel, and corpus management (Gradio Blocks).

The conversation is a list of turns kept in the browser (gr.BrowserState: it survives a reload); the
answer being written runs on a worker (ui.runs), one per page, which Stop cancels. Everything shown
comes from ui.render, which escapes all text; nothing on the page comes from gr.Markdown or unescaped
HTML. The page's own scripts (scrolling, marker clicks, copy) are the *_JS constants below.
"""
from __future__ import annotations

import ipaddress
import logging
import time
from pathlib import Path

# rag first: its __init__ turns Gradio analytics and hub access off before gradio is imported.
from rag.errors import ConfigError, InputError, RagError

import gradio as gr  # noqa: E402  (must come after rag)

from ui import render
from ui.login_throttle import throttle_middleware
from ui.runs import DONE, Runs
from ui.server_log import quiet_rejections
from ui.uploads import follow, start_upload

log = logging.getLogger(__name__)

# Answers in progress at once, beyond those the local model holds. A local-model answer waits in the
# model's own bounded queue (rag.llm, RAG_LLM_QUEUE_SIZE) and past it gets "busy" at once, so at most
# queue size + 1 asks are held by the model; these lanes keep extractive answers (well under a second)
# and busy replies flowing meanwhile, instead of serialising them behind a 40-second model answer.
FREE_ASK_LANES = 4
GRADIO_QUEUE_SIZE = 64  # requests waiting for a lane; past that Gradio answers "queue is full"
STREAM_EVERY_S = 0.08  # re-render a streaming answer at most this often
STYLE = Path(__file__).with_name("style.css")
# System fonts only: the page must not fetch fonts from anywhere.
THEME = gr.themes.Default(
    primary_hue="blue", neutral_hue="slate",
    font=["ui-sans-serif", "system-ui", "Segoe UI", "Roboto", "Helvetica Neue", "Arial", "sans-serif"],
    font_mono=["ui-monospace", "SFMono-Regular", "Menlo", "Consolas", "monospace"],
)
READINESS_POLL_S = 1.0  # how often the page asks whether the models have loaded, until they have
TICK_S = 0.1  # how often a running answer checks for Stop; the clock on the page moves every second
CONVERSATION_KEY = "news-qa-conversation"  # localStorage key: the conversation survives a reload
# The transcript's one listener (it survives every re-render): citation markers and source cards become
# a "click" event with the turn, sentence and number; "Copy answer" copies Markdown; and the newest turn
# is kept in view unless the user has scrolled up to read an older one.
TRANSCRIPT_JS = """
const box = element.closest('#transcript') || element;
let count = -1, stick = true, setTop = -1;
box.addEventListener('scroll', () => {
  if (Math.abs(box.scrollTop - setTop) > 2) stick = box.scrollHeight - box.scrollTop - box.clientHeight < 48;
});
const follow = () => {
  const turns = element.querySelectorAll('.turn');
  if (turns.length !== count) { stick = true; count = turns.length; }
  const last = turns[turns.length - 1];
  if (!last || !stick) return;
  const top = last.getBoundingClientRect().top - box.getBoundingClientRect().top;
  // A turn taller than the box is shown from its question; a shorter one, whole, at the bottom.
  box.scrollTop = last.offsetHeight > box.clientHeight ? box.scrollTop + top - 8 : box.scrollHeight;
  setTop = box.scrollTop;
};
new MutationObserver(follow).observe(element, {subtree: true, childList: true, characterData: true});
element.addEventListener('click', async (ev) => {
  const copy = ev.target.closest('button.copy-md');
  if (copy && element.contains(copy)) {
    const md = copy.dataset.md;
    try { await navigator.clipboard.writeText(md); } catch (err) {
      const t = document.createElement('textarea');
      t.value = md; document.body.appendChild(t); t.select(); document.execCommand('copy'); t.remove();
    }
    copy.textContent = 'Copied'; setTimeout(() => { copy.textContent = 'Copy answer'; }, 1500);
    return;
  }
  const b = ev.target.closest('button.cite, button.src-card');
  if (!b || !element.contains(b)) return;
  element.querySelectorAll('.active').forEach((x) => x.classList.remove('active'));
  b.classList.add('active');
  window.newsQaWantsSource = {turn: b.dataset.turn, n: b.dataset.n, at: Date.now()};
  const shown = document.querySelector(`#sources .panel-title[data-turn="${b.dataset.turn}"][data-n="${b.dataset.n}"]`);
  if (shown) window.newsQaShowSource();
  trigger('click', {turn: Number(b.dataset.turn), n: Number(b.dataset.n),
                    sentence: b.dataset.s === undefined ? null : Number(b.dataset.s)});
});
"""
# The sources panel: a new answer's sources start at the top; the quote a marker asked for is scrolled
# into view (on a phone the panel is far below the answer, so the click would otherwise seem to do nothing).
SOURCES_JS = """
const box = element.closest('#sources') || element;
window.newsQaShowSource = () => {
  const want = window.newsQaWantsSource;
  window.newsQaWantsSource = null;
  const el = element.querySelector('.quote-card mark') || element.querySelector('.panel-title');
  if (!want || !el) return;
  box.scrollTop = 0;
  el.scrollIntoView({block: window.innerWidth < 900 ? 'center' : 'nearest'});
};
new MutationObserver(() => {
  const want = window.newsQaWantsSource;
  const title = element.querySelector('.panel-title');
  if (want && title && title.dataset.turn === want.turn && title.dataset.n === want.n) window.newsQaShowSource();
  else if (!want) box.scrollTop = 0;
}).observe(element, {subtree: true, childList: true});
"""
# Example questions put their text in the question box.
EXAMPLES_JS = """
element.addEventListener('click', (ev) => {
  const b = ev.target.closest('button.example');
  if (!b) return;
  const box = document.querySelector('#question textarea');
  box.value = b.dataset.q;
  box.dispatchEvent(new Event('input', {bubbles: true}));
  box.focus();
});
"""
HEADER = (
    '<div class="app-header"><h1>News Q&amp;A</h1><p>Answers from your news articles, every sentence '
    "backed by a verbatim quote you can check. Runs entirely on this machine.</p></div>"
)


# ---- binding ---------------------------------------------------------------------------------------

def parse_auth(auth: str | None) -> tuple[str, str] | None:
    if not auth:
        return None
    user, sep, password = auth.partition(":")
    if not sep or not user or not password:
        raise ConfigError("RAG_UI_AUTH must look like user:password (both non-empty)")
    return user, password


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:  # a host name: it may resolve to anything
        return False


def check_bind(host: str, auth: str | None) -> tuple[str, str] | None:
    """The credentials to require; ConfigError when listening beyond this machine without any."""
    creds = parse_auth(auth)
    if not is_loopback(host) and creds is None:
        raise ConfigError(
            f"refusing to serve the UI on {host}: anyone who can reach it could read and change the corpus. "
            "Set RAG_UI_AUTH=user:password to require a login, or use the default host 127.0.0.1."
        )
    return creds


# ---- the app ---------------------------------------------------------------------------------------

def mode_choices(settings) -> list[tuple[str, str]]:
    choices = [("Local model", "local")]
    if settings.llm_base_url:
        choices.append((f"OpenAI-compatible endpoint ({settings.llm_model})", "openai"))
    choices.append(("Extractive (quotes only)", "extractive"))
    return choices


def ask_concurrency(settings) -> int:
    """Questions answered at once: every request the local model accepts, plus FREE_ASK_LANES."""
    return settings.llm_queue_size + 1 + FREE_ASK_LANES


def build_app(engine) -> gr.Blocks:
    """The Blocks app; call .queue() and .launch() on it (see `launch`), or use `launch` directly."""
    settings = engine.settings
    modes = mode_choices(settings)
    default_mode = settings.mode if settings.mode in {v for _, v in modes} else "local"
    runs = Runs()
    # delete_cache: uploads are copied into the corpus folder; Gradio's copies go after an hour.
    with gr.Blocks(title="News Q&A", analytics_enabled=False, delete_cache=(3600, 3600)) as app:
        turns = gr.BrowserState([], storage_key=CONVERSATION_KEY)
        gr.HTML(HEADER)
        with gr.Tabs():
            with gr.Tab("Ask", id="ask") as ask_tab:
                with gr.Row(equal_height=False, elem_id="ask-layout"):
                    with gr.Column(scale=3, min_width=400):
                        corpus_line = gr.HTML("", elem_id="corpus-line", js_on_load=EXAMPLES_JS)
                        transcript = gr.HTML(render.EMPTY_TRANSCRIPT, elem_id="transcript", js_on_load=TRANSCRIPT_JS,
                                             autoscroll=False, padding=True, container=True)
                        with gr.Row(elem_id="ask-row", equal_height=True):
                            question = gr.Textbox(show_label=False, placeholder="Ask about the articles…",
                                                  elem_id="question", scale=6, lines=1, max_lines=4,
                                                  autofocus=True, container=False)
                            ask_btn = gr.Button("Ask", variant="primary", elem_id="ask", scale=1, min_width=90)
                            stop_btn = gr.Button("Stop", variant="stop", elem_id="stop", scale=1, min_width=90,
                                                 visible=False)
                            new_btn = gr.Button("New conversation", elem_id="new-chat", scale=0, min_width=190)
                        ask_note = gr.HTML("", elem_id="ask-note")
                        readiness = gr.HTML(render.readiness_html(engine.readiness), elem_id="readiness")
                        readiness_timer = gr.Timer(READINESS_POLL_S)
                        with gr.Row(elem_id="options-row"):
                            mode = gr.Radio(modes, value=default_mode, label="Answer with", elem_id="mode", scale=3)
                            k = gr.Slider(1, 20, value=settings.top_k, step=1, label="Passages to search",
                                          elem_id="k", scale=2)
                    with gr.Column(scale=2, min_width=320):
                        sources = gr.HTML(render.EMPTY_SOURCES, elem_id="sources", js_on_load=SOURCES_JS,
                                          padding=True, container=True)
            with gr.Tab("Articles", id="articles") as articles_tab:
                upload = gr.File(label="Add articles: .txt, .md, .html, .pdf (several at once)",
                                 file_count="multiple", type="filepath", elem_id="upload")
                upload_msg = gr.HTML("", elem_id="upload-msg")
                with gr.Row(elem_id="remove-row"):
                    doc_pick = gr.Dropdown([], label="Article to remove", elem_id="doc-pick", scale=4)
                    remove_btn = gr.Button("Remove article…", variant="stop", elem_id="remove", scale=0,
                                           min_width=160)
                with gr.Row(elem_id="confirm-row", visible=False) as confirm_row:
                    confirm_msg = gr.HTML("", elem_id="confirm-msg")
                    confirm_btn = gr.Button("Yes, remove it", variant="stop", elem_id="confirm-remove", scale=0,
                                            min_width=150)
                    cancel_btn = gr.Button("Cancel", elem_id="cancel-remove", scale=0, min_width=100)
                docs = gr.HTML("", elem_id="docs")

        chat_out = [transcript, sources, question, turns, ask_btn, stop_btn, ask_note]
        # trigger_mode="multiple": a question sent while an answer runs reaches the handler, which says
        # it was not asked (Gradio's default would drop it without a word).
        ask_args = dict(fn=_ask_handler(engine, runs), inputs=[question, turns, mode, k], outputs=chat_out,
                        concurrency_limit=ask_concurrency(settings), concurrency_id="ask", show_progress="hidden",
                        trigger_mode="multiple")
        ask_btn.click(**ask_args)
        question.submit(**ask_args)
        stop_btn.click(_stop_handler(runs), queue=False, show_progress="hidden")
        new_btn.click(_new_conversation(runs), outputs=chat_out, queue=False)
        transcript.click(_citation_handler(engine), inputs=turns, outputs=sources, concurrency_limit=None,
                         show_progress="hidden")
        readiness_timer.tick(_readiness_handler(engine), outputs=[readiness, readiness_timer], queue=False,
                             show_progress="hidden")
        # A page opened after the warm-up says so at once, not a poll later (its HTML was built before).
        app.load(_readiness_handler(engine), outputs=[readiness, readiness_timer], queue=False, show_progress="hidden")
        app.load(_restore, inputs=turns, outputs=[transcript, sources, turns], show_progress="hidden")

        docs_out = [docs, doc_pick, corpus_line]
        refresh = _docs_handler(engine)
        app.load(refresh, outputs=docs_out, show_progress="hidden")
        articles_tab.select(refresh, outputs=docs_out, show_progress="hidden")
        ask_tab.select(refresh, outputs=docs_out, show_progress="hidden")
        upload.upload(_upload_handler(engine), inputs=upload, outputs=[upload_msg, upload, *docs_out],
                      concurrency_limit=1, concurrency_id="corpus", show_progress_on=upload_msg)
        remove_btn.click(_confirm_handler(engine), inputs=doc_pick, outputs=[confirm_row, confirm_msg, upload_msg],
                         show_progress="hidden")
        cancel_btn.click(lambda: gr.update(visible=False), outputs=confirm_row, queue=False)
        confirm_btn.click(_remove_handler(engine), inputs=doc_pick, outputs=[upload_msg, *docs_out, confirm_row],
                          concurrency_limit=1, concurrency_id="corpus")
    return app


def launch(engine, host: str | None = None, port: int | None = None, block: bool = True) -> gr.Blocks:
    """Serve the UI (used by `rag ui`). With block=False it returns at once; call .close() to stop."""
    settings = engine.settings
    host = host or settings.ui_host
    port = port or settings.ui_port
    auth = check_bind(host, settings.ui_auth)
    engine.warm_in_background(say=_say)
    quiet_rejections()
    app = build_app(engine)
    app.queue(default_concurrency_limit=1, max_size=GRADIO_QUEUE_SIZE)
    app.launch(
        server_name=host, server_port=port, auth=auth, share=False, inbrowser=False,
        prevent_thread_lock=True, show_error=False, quiet=True,
        max_file_size=settings.max_file_bytes, footer_links=[], ssr_mode=False, mcp_server=False, pwa=False,
        enable_monitoring=False, theme=THEME, css_paths=[STYLE],
        app_kwargs={"middleware": [throttle_middleware()]},  # wrong passwords: slower and slower
    )
    if not block:
        return app
    login = ", login required" if auth else ""
    print(f"News Q&A is running on {app.local_url} (listening on {host}{login}; Ctrl-C to stop)", flush=True)
    app.block_thread()
    return app


def _say(line: str) -> None:
    print(line, flush=True)


def _readiness_handler(engine):
    """Every READINESS_POLL_S until the models are loaded (or failed): then the timer stops."""
    def show():
        r = engine.readiness
        return render.readiness_html(r), gr.Timer(active=r.state == "warming")
    return show


# ---- handlers (each closes over the engine) ---------------------------------------------------------

def _history(turns: list[dict]) -> list[dict]:
    """The finished turns as the chat history the engine expects."""
    out = []
    for t in turns:
        if t.get("answer") is not None:
            out += [{"role": "user", "content": t["question"]}, {"role": "assistant", "content": t["answer"]["answer"]}]
    return out


def _ask_handler(engine, runs: Runs):
    """Streams one question's answer into the conversation; the buttons show Stop while it runs."""
    running = (gr.update(visible=False), gr.update(visible=True))
    idle = (gr.update(visible=True), gr.update(visible=False))

    def ask(question: str, turns: list[dict] | None, mode: str, k: float, request: gr.Request):
        skip = gr.skip()
        try:
            question = engine.validate_question(question)
        except InputError as err:
            gr.Warning(str(err))
            yield skip, skip, skip, skip, skip, skip, ""
            return
        turns = list(turns or [])
        history = _history(turns)
        key = _session_key(request)
        run = runs.start(key, lambda: engine.ask_stream(question, history=history, mode=mode, k=int(k)))
        if run is None:  # the page sends it anyway (trigger_mode="multiple"): say it was not asked
            yield skip, skip, skip, skip, skip, skip, render.notice_html("warn", BUSY_NOTE)
            return
        turn = {"question": question, "answer": None, "error": None, "status": "Searching the articles…",
                "partial": "", "elapsed_s": 0}
        turns.append(turn)
        try:
            yield render.transcript_html(turns), skip, "", turns, *running, ""
            for changed in _follow(run, turn):
                if changed:
                    yield render.transcript_html(turns), skip, skip, skip, skip, skip, skip
        finally:
            runs.finish(key, run)
        if run.reason == "cleared":  # "New conversation" already emptied the page: leave it so
            yield skip, skip, skip, skip, *idle, ""
            return
        if turn["answer"] is not None:
            turn["replaced"] = render.replaced_note(turn["partial"], turn["answer"])
        elif not turn["error"] and not turn.get("stopped"):
            turn["error"] = "the answer was interrupted"
        turn.pop("status", None)
        turn.pop("elapsed_s", None)
        panel = _panel_for_new_answer(engine, len(turns) - 1, turn) if turn["answer"] else skip
        yield render.transcript_html(turns), panel, skip, turns, *idle, ""

    return ask


BUSY_NOTE = ("Still answering the previous question, so this one was not asked. Press Stop to end that answer, "
             "or wait for it; your question is still in the box.")


def _follow(run, turn: dict):
    """Applies the run's events to `turn`; yields True when the page should be redrawn. Ends at the
    answer, an error, or a Stop press (turn["stopped"])."""
    t0 = time.monotonic()
    drawn = 0.0
    while True:
        event = run.next(TICK_S)
        if run.stopped.is_set():
            turn["stopped"] = True
            return
        now = time.monotonic()
        if event is None or event is DONE:
            if event is DONE:
                return
            if int(now - t0) != turn["elapsed_s"]:
                turn["elapsed_s"] = int(now - t0)
                yield True
            continue
        kind, payload = event
        if kind == "status":
            turn["status"] = str(payload)
        elif kind == "token":
            turn["partial"] += str(payload)
            if now - drawn < STREAM_EVERY_S:
                continue
        elif kind == "answer":
            turn["answer"] = payload.to_json()
            return
        elif kind == "error":
            turn["error"] = _error_text(turn["question"], payload)
            return
        else:
            continue  # an event kind this page does not know yet
        drawn = now
        yield True


def _error_text(question: str, err: BaseException) -> str:
    if isinstance(err, RagError):
        return str(err)
    # never a stack trace in the page; the log has it
    log.error("answering %r failed", question, exc_info=(type(err), err, err.__traceback__))
    return f"unexpected {type(err).__name__}; the server log has the details"


def _session_key(request: gr.Request | None) -> str:
    """One key per open page; a request without a session (an API call) gets a key of its own."""
    key = getattr(request, "session_hash", None) if request is not None else None
    return key or f"request-{id(request)}"


def _stop_handler(runs: Runs):
    def stop(request: gr.Request):
        runs.stop(_session_key(request))

    return stop


def _panel_for_new_answer(engine, index: int, turn: dict) -> str:
    ans = turn.get("answer")
    if ans is None:
        return render.EMPTY_SOURCES
    if not ans["citations"]:
        return render.abstention_panel_html(ans)
    first = next((s for s in ans["sentences"] if s["citations"]), None)
    n = first["citations"][0] if first else ans["citations"][0]["n"]
    return render.citation_panel_html(index, turn, n, ans["sentences"].index(first) if first else None,
                                      _article_texts(engine, ans, n))


def _article_texts(engine, ans: dict, n: int) -> dict[str, str | None]:
    out: dict[str, str | None] = {}
    for c in ans["citations"]:
        if c["n"] == n and c["doc_id"] not in out:
            try:
                out[c["doc_id"]] = engine.article(c["doc_id"]).text
            except InputError:  # removed since the answer was given
                out[c["doc_id"]] = None
    return out


def _citation_handler(engine):
    def show(turns: list[dict] | None, evt: gr.EventData):
        turns = turns or []
        data = getattr(evt, "_data", None) or {}
        try:
            i, n = int(data["turn"]), int(data["n"])
            sentence = int(data["sentence"]) if data.get("sentence") is not None else None
        except (KeyError, TypeError, ValueError):
            return gr.skip()  # a click that is not on a citation marker
        if not 0 <= i < len(turns) or turns[i].get("answer") is None:
            return gr.skip()
        return render.citation_panel_html(i, turns[i], n, sentence, _article_texts(engine, turns[i]["answer"], n))

    return show


def _new_conversation(runs: Runs):
    def new(request: gr.Request):
        runs.stop(_session_key(request), "cleared")  # a new conversation does not wait for the old answer
        return (render.EMPTY_TRANSCRIPT, render.EMPTY_SOURCES, "", [], gr.update(visible=True),
                gr.update(visible=False), "")

    return new


def _restore(turns: list[dict] | None):
    """The conversation saved in the browser, after a reload. A turn still running when the page went
    away has lost its answer: say so."""
    turns = [t for t in (turns or []) if isinstance(t, dict) and t.get("question")]
    for t in turns:
        if t.get("answer") is None and not t.get("error") and not t.get("stopped"):
            t["error"] = "the page was reloaded before this answer was finished; ask again"
            t.pop("status", None)
    if not turns:
        return render.EMPTY_TRANSCRIPT, render.EMPTY_SOURCES, []
    return render.transcript_html(turns), render.EMPTY_SOURCES, turns


def _docs_handler(engine):
    def refresh():
        return _docs_outputs(engine)

    return refresh


DOCS_OUTPUTS = ("documents table", "article picker", "corpus line")  # what _docs_outputs fills, in order


def _docs_outputs(engine) -> tuple:
    docs = engine.documents()
    choices = [(f"{d.title} ({d.doc_id})", d.doc_id) for d in docs]
    return render.documents_html(docs), gr.update(choices=choices, value=None), render.corpus_line_html(docs)


def _upload_handler(engine):
    def upload(files: list[str] | None, progress=gr.Progress()):
        # Ingests in the background (ui.uploads); this only follows it, so questions go on meanwhile.
        for job in follow(start_upload(engine, [Path(f) for f in (files or [])])):
            if job.result is None:
                progress(job.fraction, desc=job.stage)
                yield render.upload_progress_html(job.stage, job.fraction), *(gr.skip(),) * (1 + len(DOCS_OUTPUTS))
        yield (render.upload_report_html(job.result.added, job.result.rejected), None, *_docs_outputs(engine))

    return upload


def _confirm_handler(engine):
    """Remove asks first: which article, and what happens to its file."""
    def confirm(doc_id: str | None):
        if not doc_id:
            return (gr.update(visible=False), "",
                    render.upload_report_html([], [("remove", "choose an article first")]))
        info = next((d for d in engine.documents() if d.doc_id == doc_id), None)
        if info is None:
            return gr.update(visible=False), "", render.upload_report_html([], [(doc_id, "it is not loaded")])
        return gr.update(visible=True), render.confirm_remove_html(info), ""

    return confirm


def _remove_handler(engine):
    hide = gr.update(visible=False)

    def remove(doc_id: str | None):
        if not doc_id:
            return (render.upload_report_html([], [("remove", "choose an article first")]), *_docs_outputs(engine),
                    hide)
        try:
            msg = _remove_document(engine, doc_id)
        except RagError as err:
            msg = render.upload_report_html([], [(doc_id, str(err))])
        return (msg, *_docs_outputs(engine), hide)

    return remove


def _remove_document(engine, doc_id: str) -> str:
    """Remove from the index. A file in the corpus folder is moved to corpus/.removed/ (hidden folders are not
    ingested), so the next `rag ingest` does not revive it and the user's file is never destroyed."""
    info = next((d for d in engine.documents() if d.doc_id == doc_id), None)
    engine.remove(doc_id)
    if info is None:
        return render.notice_html("ok", f"Removed {doc_id}.")
    src = Path(info.source)
    note = ""
    if src.parent.resolve() == Path(engine.settings.corpus_dir).resolve():
        trash = src.parent / ".removed"
        trash.mkdir(exist_ok=True)
        if src.exists():
            src.replace(trash / src.name)
        note = f" Its file {src.name} was moved to {trash.name}/ in the corpus folder."
    return render.notice_html("ok", f"Removed “{info.title}”.{note}")
