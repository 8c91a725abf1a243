"""The web UI in a real browser (Debian's Chromium driven by Playwright) against a real engine.

One server for the module, on 127.0.0.1 and a free port, over a temporary copy of the shipped corpus;
uploads go to that copy. Most questions use extractive mode (no LLM, about a second); one test uses
the real local model and records what a user waits for. Screenshots go to test-artifacts/.
"""
from __future__ import annotations

import json
import re
import shutil
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from conftest import CORPUS, ROOT, make_settings
from rag.processes import free_port

pytestmark = [
    pytest.mark.browser,
    # Gradio's queue calls a pandas option pandas 3 deprecates; not ours to fix.
    pytest.mark.filterwarnings("ignore:.*(no_silent_downcasting|copy keyword).*"),
]

ARTIFACTS = ROOT / "test-artifacts"
FIXTURES = Path(__file__).parent / "fixtures" / "ui"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
Q_PLANT = "Where did Russia build Iran's first nuclear power plant?"
Q_FOLLOW_UP = "When did it become operational?"
Q_ABSENT = "What is the population of Tehran?"
MAX_FILE_MB = 0.1  # small, so the too-large upload stays small too


@dataclass
class Watched:
    """A page and everything it did: requests, dialogs (alert/confirm), console messages."""

    page: object
    requests: list[str] = field(default_factory=list)
    dialogs: list[str] = field(default_factory=list)
    console: list[str] = field(default_factory=list)


@pytest.fixture(scope="module")
def app_engine(tmp_path_factory):
    """Its own engine: uploads must not change the session-wide corpus_engine other tests share."""
    from rag.engine import Engine

    home = tmp_path_factory.mktemp("ui-home")
    corpus = tmp_path_factory.mktemp("ui-corpus")
    for f in CORPUS.iterdir():
        shutil.copy(f, corpus / f.name)
    engine = Engine(make_settings(home, corpus_dir=corpus, mode="extractive", max_file_mb=MAX_FILE_MB,
                                  llm_timeout_s=300))
    engine.ingest([corpus])
    return engine


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    ARTIFACTS.mkdir(exist_ok=True)
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        yield b
        b.close()


@pytest.fixture
def open_page(browser, app_url):
    """Opens the app in a fresh browser context (a separate user); checks afterwards that no request
    left 127.0.0.1 and that no dialog opened."""
    opened: list[tuple[object, Watched]] = []

    def open_() -> Watched:
        ctx = browser.new_context(viewport={"width": 1360, "height": 900})
        page = ctx.new_page()
        w = Watched(page)
        page.on("request", lambda r: w.requests.append(r.url))
        page.on("console", lambda m: w.console.append(m.text))

        def on_dialog(d):
            w.dialogs.append(d.message)
            d.dismiss()

        page.on("dialog", on_dialog)
        page.goto(app_url)
        page.wait_for_selector("#question textarea")
        opened.append((ctx, w))
        return w

    yield open_
    for ctx, w in opened:
        ctx.close()
        outside = [u for u in w.requests if urlsplit(u).scheme not in ("data", "blob")
                   and urlsplit(u).hostname != "127.0.0.1"]
        assert not outside, f"requests left the machine: {outside}"
        assert not w.dialogs, f"a dialog opened: {w.dialogs}"


def shot(page, name: str) -> None:
    page.screenshot(path=str(ARTIFACTS / f"ui-{name}.png"), full_page=True)


def ask(page, question: str, timeout_s: float = 120):
    """Ask in the current conversation; returns the new turn once it is finished (answer or error)."""
    n = page.locator("#transcript .turn").count()
    page.fill("#question textarea", question)
    page.click("#ask")
    turn = page.locator(f'#transcript .turn.done[data-turn="{n}"]')
    turn.wait_for(timeout=timeout_s * 1000)
    page.locator("#ask").wait_for()  # back from Stop: the page takes the next question
    return turn


def shown_quote(page, engine) -> tuple[str, str, str]:
    """(doc_id, highlighted text, article[start:end]) of the first quote in the sources panel."""
    card = page.locator("#sources .quote-card").first
    card.locator("mark").wait_for()
    doc_id = card.get_attribute("data-doc")
    start, end = int(card.get_attribute("data-start")), int(card.get_attribute("data-end"))
    return doc_id, card.locator("mark").text_content(), engine.article(doc_id).text[start:end]


def upload(page, *paths: Path):
    page.get_by_role("tab", name="Articles").click()
    page.set_input_files("#upload input[type=file]", [str(p) for p in paths])
    msg = page.locator("#upload-msg .notice:not(.progress)").first  # the report, not a progress line
    msg.wait_for(timeout=120_000)
    return page.locator("#upload-msg")


def test_answer_cites_sources_and_follow_up_uses_the_conversation(open_page, app_engine):
    page = open_page().page
    first = ask(page, Q_PLANT)
    assert "Bushehr" in first.locator(".answer").inner_text()
    assert first.locator("button.cite").count() >= 1
    assert "extractive" in first.locator(".meta").last.inner_text()
    shot(page, "01-answer")

    second = ask(page, Q_FOLLOW_UP)
    assert "2013" in second.locator(".answer").inner_text()
    # The follow-up was resolved with the first question: the conversation reached the engine.
    assert "Searched for" in second.locator(".meta").first.inner_text()
    shot(page, "02-follow-up")

    # Clicking a marker of the FIRST answer shows its quote (the panel was showing the second's).
    first.locator("button.cite").first.click()
    page.locator('#sources .panel-title[data-turn="0"]').wait_for()
    doc_id, marked, expected = shown_quote(page, app_engine)
    assert marked == expected and "Bushehr" in marked
    context = page.locator("#sources blockquote.context").first.text_content().strip("…")
    assert context in app_engine.article(doc_id).text  # the surrounding paragraph is the stored text
    assert page.locator("#sources .src-title").first.inner_text() == app_engine.article(doc_id).title
    shot(page, "03-citation")

    page.click("#new-chat")
    page.locator("#transcript .empty-chat").wait_for()
    assert page.locator("#transcript .turn").count() == 0
    third = ask(page, Q_FOLLOW_UP)  # a new conversation: nothing to resolve "it" with
    assert "Searched for" not in third.inner_text()


def test_abstention_is_shown_as_a_notice(open_page):
    page = open_page().page
    turn = ask(page, Q_ABSENT)
    shot(page, "04-abstention")
    assert turn.locator(".notice.abstain").count() == 1
    assert turn.locator(".answer").count() == 0
    assert turn.locator(".meta").count() == 0  # no model name or timings on an abstention
    # The notice says the passages are "listed under Sources": the panel is titled so.
    assert "listed under Sources" in turn.locator(".notice.abstain").inner_text()
    assert page.locator("#sources .panel-title").inner_text().startswith("Sources")


def test_empty_question_is_refused_with_a_message(open_page):
    page = open_page().page
    page.click("#ask")
    page.get_by_text("the question is empty").first.wait_for(timeout=10_000)
    assert page.locator("#transcript .turn").count() == 0


def test_uploaded_article_is_searchable_at_once(open_page, app_engine):
    page = open_page().page
    msg = upload(page, FIXTURES / "velmora-tidal.md")
    assert "velmora-tidal.md" in msg.locator(".notice.ok").inner_text()
    assert page.locator('#docs tr[data-doc="velmora-tidal"]').count() == 1
    assert (Path(app_engine.settings.corpus_dir) / "velmora-tidal.md").is_file()
    shot(page, "05-upload")

    page.get_by_role("tab", name="Ask").click()
    turn = ask(page, "Which firm built the Velmora tidal power station?")
    assert "Oskaren Marine" in turn.locator(".answer").inner_text()
    doc_id, marked, expected = shown_quote(page, app_engine)
    assert doc_id == "velmora-tidal" and marked == expected
    shot(page, "06-answer-from-upload")


def test_a_longer_upload_shows_its_progress_then_its_report(open_page, app_engine, tmp_path):
    """An upload that takes seconds reports how far it is, then what was added (each progress message
    must fill every output of the upload event, or the page gets no message at all)."""
    from bench.cleaning import big_article

    article = tmp_path / "regional wire.txt"
    article.write_text(big_article(int(MAX_FILE_MB * 1024 * 1024 * 0.8)), encoding="utf-8")  # ~190 passages
    w = open_page()
    page = w.page
    page.get_by_role("tab", name="Articles").click()
    page.set_input_files("#upload input[type=file]", [str(article)])
    page.locator("#upload-msg .notice.progress").wait_for(timeout=60_000)
    assert re.search(r"\(\d+%\)", page.locator("#upload-msg .notice.progress").inner_text())
    report = page.locator("#upload-msg .notice:not(.progress)").first
    report.wait_for(timeout=180_000)
    assert "regional wire.txt" in report.inner_text() and "Added" in report.inner_text()
    assert page.locator('#docs tr[data-doc="regional-wire"]').count() == 1


def test_article_with_scripts_is_shown_as_text(open_page, app_engine):
    w = open_page()
    page = w.page
    upload(page, FIXTURES / "zarnukh-script.txt")
    row = page.locator('#docs tr[data-doc="zarnukh-script"]')
    assert "<img src=x onerror=" in row.locator(".doc-title").inner_text()
    page.locator("#doc-pick input").click()  # the title as a dropdown option, too
    page.get_by_role("option", name="(zarnukh-script)").wait_for()
    page.keyboard.press("Escape")

    page.get_by_role("tab", name="Ask").click()
    turn = ask(page, "What cooling system does the Zarnukh reactor have?")
    turn.locator("button.cite").first.click()
    doc_id, marked, expected = shown_quote(page, app_engine)
    assert doc_id == "zarnukh-script" and marked == expected
    article = app_engine.article(doc_id).text
    assert "<script>" in article  # the stored text really carries the payload
    panel = page.locator("#sources").text_content()
    assert "<img src=x onerror=\"alert(2);console.log('xss-2')\">" in panel
    page.wait_for_timeout(500)  # give anything that would run a chance to
    shot(page, "07-script-article")
    for where in ("#transcript", "#sources", "#docs"):
        assert page.locator(f"{where} script, {where} img, {where} a, {where} iframe").count() == 0
    assert not w.dialogs
    assert not [m for m in w.console if "xss" in m]
    assert not [u for u in w.requests if urlsplit(u).path.endswith("/x")]  # <img src=x> never loaded


def test_bad_uploads_get_a_reason_and_change_nothing(open_page, app_engine, tmp_path):
    page = open_page().page
    page.get_by_role("tab", name="Articles").click()
    page.locator("#docs table").wait_for()
    before_rows = page.locator("#docs table").inner_text()
    before_docs = [d.doc_id for d in app_engine.documents()]
    before_files = sorted(p.name for p in Path(app_engine.settings.corpus_dir).iterdir())

    (tmp_path / "empty.txt").write_bytes(b"")
    (tmp_path / "notes.docx").write_bytes(b"PK\x03\x04" + bytes(range(256)) * 4)
    (tmp_path / "binary.txt").write_bytes(b"\x00\x01\x02\xff" * 200)
    msg = upload(page, tmp_path / "empty.txt", tmp_path / "notes.docx", tmp_path / "binary.txt")
    text = msg.locator(".notice.error").inner_text()
    assert msg.locator(".notice.ok").count() == 0
    for name in ("empty.txt", "notes.docx", "binary.txt"):
        assert name in text
    assert "unsupported file type .docx" in text
    shot(page, "08-bad-upload")

    assert page.locator("#docs table").inner_text() == before_rows
    assert [d.doc_id for d in app_engine.documents()] == before_docs
    assert sorted(p.name for p in Path(app_engine.settings.corpus_dir).iterdir()) == before_files


def test_too_large_upload_is_refused(open_page, app_engine, tmp_path):
    page = open_page().page
    big = tmp_path / "huge.txt"
    big.write_text("A long article sentence about nothing in particular. " * 4000)  # > MAX_FILE_MB
    before_docs = [d.doc_id for d in app_engine.documents()]
    page.get_by_role("tab", name="Articles").click()
    page.set_input_files("#upload input[type=file]", [str(big)])
    # Gradio refuses it before our handler runs (launch(max_file_size=...)), with its own message.
    page.get_by_text("exceed the maximum allowed size").first.wait_for(timeout=30_000)
    shot(page, "09-too-large")
    assert [d.doc_id for d in app_engine.documents()] == before_docs
    assert not (Path(app_engine.settings.corpus_dir) / "huge.txt").exists()


def test_remove_an_article(open_page, app_engine):
    page = open_page().page
    upload(page, FIXTURES / "velmora-tidal.md")
    page.locator('#docs tr[data-doc="velmora-tidal"]').wait_for()
    page.locator("#doc-pick input").click()
    page.get_by_role("option", name="(velmora-tidal)").click()
    page.click("#remove")
    page.locator("#confirm-msg").get_by_text("Remove “Velmora Tidal Station").wait_for()  # asks first
    page.click("#cancel-remove")
    page.locator("#confirm-row").wait_for(state="hidden")
    assert "velmora-tidal" in [d.doc_id for d in app_engine.documents()]
    page.click("#remove")
    page.click("#confirm-remove")
    page.get_by_text("Removed “Velmora Tidal Station").wait_for()
    assert page.locator("#confirm-row").is_hidden()
    assert page.locator('#docs tr[data-doc="velmora-tidal"]').count() == 0
    assert "velmora-tidal" not in [d.doc_id for d in app_engine.documents()]
    assert not (Path(app_engine.settings.corpus_dir) / "velmora-tidal.md").exists()


def test_two_users_at_once_each_get_their_own_answer(open_page):
    a, b = open_page().page, open_page().page
    questions = {a: Q_PLANT, b: "Why does Russia help Iran?"}
    for page, q in questions.items():
        page.fill("#question textarea", q)
    a.click("#ask")
    b.click("#ask")
    for page, q in questions.items():
        turn = page.locator('#transcript .turn[data-turn="0"]')
        page.locator('#transcript .turn.done[data-turn="0"]').wait_for(timeout=120_000)
        assert turn.locator(".notice.error").count() == 0
        assert page.locator("#transcript .turn").count() == 1
        assert turn.locator(".msg.user").inner_text() == q
        assert turn.locator("button.cite").count() >= 1
    shot(b, "10-second-user")


def test_page_loads_nothing_from_outside(open_page):
    w = open_page()
    w.page.wait_for_load_state("load")
    w.page.wait_for_timeout(2000)  # late fetches (fonts, icons, theme); the queue's stream never idles
    hosts = {urlsplit(u).netloc for u in w.requests if urlsplit(u).scheme in ("http", "https", "ws", "wss")}
    assert len(hosts) == 1 and next(iter(hosts)).startswith("127.0.0.1:")
    fonts = w.page.evaluate("[...document.fonts].map(f => f.family)")
    assert not [f for f in fonts if "googleapis" in f]


def test_page_says_when_the_models_are_loaded(open_page, app_engine):
    # launch() warms the models in the background; the page polls until they are loaded, then stops.
    page = open_page().page
    ready = page.locator("#readiness .ready")
    ready.wait_for(timeout=60_000)
    assert app_engine.readiness.state == "ready"
    assert re.fullmatch(r"Search models loaded in \d+ s\.", ready.inner_text().strip())


TEN_QUESTIONS = [
    Q_PLANT, Q_FOLLOW_UP, "Why does Russia help Iran?", Q_ABSENT,
    "In which conflict does Iran want Moscow to take an active role?",
    "Which areas did imperial Russia seize from Persia in its historical wars?",
    "What brought the early 20th-century Russian occupation of northern Iran to an end?",
    "What military hardware in particular has Iran sent to Russia's armed forces?",
    "Which Western-controlled financial messaging system does linking the Russian and Iranian banks avoid?",
    "What role could Russia potentially play in resolving the Israel-Hamas conflict?",
]
# Where an element is, as seen by the user: its box, the scrolling box it is in, and the window.
RECTS = """(sel) => {
  const el = document.querySelector(sel[0]), box = document.querySelector(sel[1]);
  const r = el.getBoundingClientRect(), b = box.getBoundingClientRect();
  return {top: r.top, bottom: r.bottom, boxTop: b.top, boxBottom: b.bottom, winH: window.innerHeight,
          overflow: getComputedStyle(box).overflowY, scrollH: box.scrollHeight, clientH: box.clientHeight};
}"""


def visible_in(page, selector: str, box: str) -> dict:
    """Whether the top of `selector` is inside the scrolling box `box` and inside the window."""
    r = page.evaluate(RECTS, [selector, box])
    r["shown"] = r["boxTop"] - 1 <= r["top"] < r["boxBottom"] and 0 <= r["top"] < r["winH"]
    return r


def test_ten_question_conversation_stays_scrollable(open_page):
    page = open_page().page
    for i, q in enumerate(TEN_QUESTIONS):
        ask(page, q)
        newest = f'#transcript .turn[data-turn="{i}"] .msg.bot'
        page.wait_for_timeout(150)  # the scroll follows the last re-render
        r = visible_in(page, newest, "#transcript")
        assert r["shown"], f"answer {i + 1} is outside the chat box: {r}"
        if r["bottom"] - r["top"] <= r["boxBottom"] - r["boxTop"]:
            assert r["bottom"] <= r["boxBottom"] + 1, f"answer {i + 1} is cut off: {r}"
        if q == Q_ABSENT:  # an abstention opens its list of closest passages: all of them reachable
            assert page.locator("#sources details.all-sources[open]").count() == 1
            reach_last_passage(page)
    assert r["overflow"] == "auto" and r["scrollH"] > r["clientH"]  # the chat really scrolls
    ask_row = page.locator("#ask-row").bounding_box()
    assert ask_row["y"] + ask_row["height"] <= 900  # the input row stays on screen
    shot(page, "13-ten-questions")

    # The mouse wheel takes the chat back to the first question.
    page.hover("#transcript")
    for _ in range(40):
        page.mouse.wheel(0, -600)
        if visible_in(page, '#transcript .turn[data-turn="0"] .msg.user', "#transcript")["shown"]:
            break
    assert visible_in(page, '#transcript .turn[data-turn="0"] .msg.user', "#transcript")["shown"]

    # Every passage in the sources panel can be reached, down to the last one.
    page.locator("#sources details.all-sources summary").click()
    reach_last_passage(page)
    shot(page, "14-last-passage")


def reach_last_passage(page) -> None:
    """Scrolls the sources panel with the mouse wheel until its last passage shows."""
    last = "#sources ol.sources li:last-child"
    page.hover("#sources")
    for _ in range(40):
        if visible_in(page, last, "#sources")["shown"]:
            break
        page.mouse.wheel(0, 600)
    r = visible_in(page, last, "#sources")
    assert r["shown"] and r["overflow"] == "auto", r


def test_reload_keeps_the_conversation(open_page, app_engine):
    page = open_page().page
    ask(page, Q_PLANT)
    ask(page, Q_FOLLOW_UP)
    before = page.locator("#transcript").inner_text()
    page.reload()
    page.locator('#transcript .turn.done[data-turn="1"]').wait_for()
    assert page.locator("#transcript").inner_text() == before
    page.locator('#transcript .turn[data-turn="0"] button.cite').first.click()  # still answers clicks
    doc_id, marked, expected = shown_quote(page, app_engine)
    assert marked == expected
    third = ask(page, "Who built it?")  # and the restored turns are still the conversation
    assert "Searched for" in third.inner_text()

    page.click("#new-chat")
    page.locator("#transcript .empty-chat").wait_for()
    page.reload()
    page.wait_for_selector("#question textarea")
    page.wait_for_timeout(1000)
    assert page.locator("#transcript .turn").count() == 0


def test_source_cards_examples_and_copy(browser, app_url, app_engine):
    ctx = browser.new_context(viewport={"width": 1360, "height": 900})
    ctx.grant_permissions(["clipboard-read", "clipboard-write"])
    try:
        page = ctx.new_page()
        page.goto(app_url)
        line = page.locator("#corpus-line")
        line.get_by_text(f"{len(app_engine.documents())} articles loaded").wait_for()
        line.locator("button.example").first.click()  # an example question drawn from an article
        assert page.input_value("#question textarea").startswith("What does “")
        turn = ask(page, Q_PLANT)
        cards = turn.locator("button.src-card")
        assert cards.count() == len({c["n"] for c in _answer_of(turn)}) >= 1
        title = cards.first.locator(".card-title").inner_text()
        marker = turn.locator("button.cite").first
        assert marker.get_attribute("data-tip") == f"Source {marker.inner_text()}: {title}"
        page.keyboard.press("Shift")  # a keyboard user: focus is then shown (:focus-visible)
        marker.focus()  # the tooltip names the article on keyboard focus too
        tip = page.evaluate("(el) => getComputedStyle(el, '::after').content", marker.element_handle())
        assert title in tip
        cards.first.click()
        shown_doc, marked, expected = shown_quote(page, app_engine)
        assert marked == expected
        turn.locator("button.copy-md").click()
        md = page.evaluate("navigator.clipboard.readText()")
        assert "Bushehr" in md and "[1]" in md and f"[1] {title}" in md and f"“{marked}”" in md
        shot(page, "15-source-cards")
        radio = page.locator("#mode input:checked")
        colour = "(el) => getComputedStyle(el).backgroundColor"
        before = radio.evaluate(colour)
        radio.hover()  # the selected radio keeps its filled look (and so its dot) under the mouse
        assert radio.evaluate(colour) == before
    finally:
        ctx.close()


def _answer_of(turn) -> list[dict]:
    """The citations behind a turn's cards, read back from the page's markers."""
    return [{"n": int(b.get_attribute("data-n"))} for b in turn.locator("button.cite").all()]


def test_narrow_screen_marker_click_brings_the_quote_into_view(browser, app_url, app_engine):
    ctx = browser.new_context(viewport={"width": 420, "height": 900})
    try:
        page = ctx.new_page()
        page.goto(app_url)
        page.wait_for_selector("#question textarea")
        turn = ask(page, Q_PLANT)
        ask(page, "Why does Russia help Iran?")
        shot(page, "16-narrow")
        assert page.evaluate("document.documentElement.scrollWidth") <= 420  # nothing wider than the phone
        turn.locator("button.cite").first.click()
        page.locator('#sources .panel-title[data-turn="0"]').wait_for()
        page.wait_for_function("""() => { const m = document.querySelector('#sources .quote-card mark');
            if (!m) return false; const r = m.getBoundingClientRect();
            return r.top >= 0 && r.top < window.innerHeight; }""", timeout=5000)
        shown_doc, marked, expected = shown_quote(page, app_engine)
        assert marked == expected
        page.screenshot(path=str(ARTIFACTS / "ui-17-narrow-quote.png"))  # the viewport, as the user sees it
    finally:
        ctx.close()


# Contrast of every piece of text in the chat, the notices and the sources panel, against the colour
# actually behind it (WCAG 2 relative luminance). Notice kinds that only the local model produces
# (stopped, replaced draft) are added as elements with the app's own classes, so their CSS is measured too.
CONTRAST = """() => {
  const host = document.querySelector('#transcript .prose') || document.querySelector('#transcript');
  for (const kind of ['abstain', 'warn', 'error', 'ok', 'replaced', 'stopped']) {
    const d = document.createElement('div');
    d.className = `notice ${kind} probe`; d.innerHTML = `<b>${kind}</b> text`; host.appendChild(d);
  }
  const d = document.createElement('div'); d.className = 'draft probe';
  d.innerHTML = '<div class="draft-label">label</div><div class="draft-text">draft</div>'; host.appendChild(d);
  const rgb = (c) => { const m = c.match(/[\\d.]+/g).map(Number); return {r: m[0], g: m[1], b: m[2], a: m.length > 3 ? m[3] : 1}; };
  const lum = ({r, g, b}) => { const f = (v) => { v /= 255; return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; };
                              return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b); };
  const bg = (el) => { for (; el; el = el.parentElement) { const c = rgb(getComputedStyle(el).backgroundColor);
                       if (c.a > 0.5) return c; } return {r: 255, g: 255, b: 255, a: 1}; };
  const out = [];
  const sel = '#transcript *, #sources *, #ask-note *, #corpus-line *';
  for (const el of document.querySelectorAll(sel)) {
    const own = [...el.childNodes].some((n) => n.nodeType === 3 && n.textContent.trim());
    if (!own || !el.getClientRects().length || el.closest('button.cite')) continue;
    const fg = lum(rgb(getComputedStyle(el).color)), back = lum(bg(el));
    const ratio = (Math.max(fg, back) + 0.05) / (Math.min(fg, back) + 0.05);
    out.push({text: el.textContent.trim().slice(0, 40), cls: el.className, ratio: Math.round(ratio * 100) / 100});
  }
  return out;
}"""


@pytest.mark.parametrize("theme", ["light", "dark"])
def test_text_contrast_meets_wcag_aa(browser, app_url, theme):
    ctx = browser.new_context(viewport={"width": 1360, "height": 900}, color_scheme=theme)
    try:
        page = ctx.new_page()
        page.goto(app_url + ("?__theme=dark" if theme == "dark" else ""))
        page.wait_for_selector("#question textarea")
        ask(page, Q_PLANT)
        ask(page, Q_ABSENT)
        page.fill("#question textarea", "")
        shot(page, f"18-contrast-{theme}")
        measured = page.evaluate(CONTRAST)
        assert len(measured) > 20 and any("probe" in str(m["cls"]) for m in measured)
        low = [m for m in measured if m["ratio"] < 4.5]
        assert not low, f"text below 4.5:1 in {theme} mode: {low}"
    finally:
        ctx.close()


class _WithLogin:
    """The test engine, with RAG_UI_AUTH set."""

    def __init__(self, engine, auth: str):
        self._engine = engine
        self.settings = engine.settings.model_copy(update={"ui_auth": auth})

    def __getattr__(self, name):
        return getattr(self._engine, name)


def test_login_is_required_when_auth_is_set(browser, app_engine):
    from ui.app import launch

    port = free_port()
    app = launch(_WithLogin(app_engine, "ann:s3cret"), host="127.0.0.1", port=port, block=False)
    ctx = browser.new_context()
    try:
        page = ctx.new_page()
        page.goto(f"http://127.0.0.1:{port}/")
        page.locator("input[type=password]").wait_for()
        assert page.locator("#question").count() == 0
        page.fill("input[data-testid=textbox]", "ann")
        page.fill("input[type=password]", "wrong")
        page.keyboard.press("Enter")
        page.get_by_text("Incorrect Credentials").wait_for()
        page.fill("input[data-testid=textbox]", "ann")  # the form was cleared
        page.fill("input[type=password]", "s3cret")
        page.keyboard.press("Enter")
        page.wait_for_selector("#question textarea")
    finally:
        ctx.close()
        app.close()


# Seen from the browser, over the whole stream of turn n: when the draft first showed text, when the turn
# was done, and every text ever shown with the look of an answer (.answer).
STREAM_WATCH = """(n) => {
  const t = window.__t = {start: performance.now(), answers: []};
  new MutationObserver(() => {
    const turn = document.querySelector(`#transcript .turn[data-turn="${n}"]`);
    if (!turn) return;
    const draft = turn.querySelector('.draft-text');
    if (!t.first && draft && draft.textContent.trim()) t.first = performance.now();
    for (const a of turn.querySelectorAll('.answer')) {
      if (t.answers[t.answers.length - 1] !== a.textContent) t.answers.push(a.textContent);
    }
    if (!t.done && turn.classList.contains('done')) t.done = performance.now();
  }).observe(document.getElementById('transcript'), {subtree: true, childList: true, characterData: true});
}"""
Q_LONG = "How have relations between Russia and Iran changed over the centuries?"


def slot_busy(llm) -> bool:
    """Whether the llama.cpp server is working on a request (its /slots report)."""
    with urllib.request.urlopen(f"http://127.0.0.1:{llm.port}/slots", timeout=10) as r:
        return any(s.get("is_processing") for s in json.load(r))


@pytest.mark.llm
def test_local_model_stop_refusal_and_checked_stream(open_page, app_engine):
    from rag.llm_server import get_local_server

    # Started first, as `rag ui` does at launch: the timings below are what a user waits for per question.
    t0 = time.monotonic()
    llm = get_local_server(app_engine.settings)
    llm.ensure_running()
    cold_start_s = time.monotonic() - t0
    try:
        page = open_page().page
        page.locator("#mode").get_by_label("Local model").check()
        _refused_then_stopped(page, llm)
        _ask_local_and_time(page, cold_start_s)
    finally:
        llm.stop()


def _refused_then_stopped(page, llm) -> None:
    page.fill("#question textarea", Q_LONG)
    page.click("#ask")
    page.locator("#stop").wait_for()
    spinner = page.locator("#transcript .spinner")
    assert float(spinner.evaluate("(el) => parseFloat(getComputedStyle(el).borderTopWidth)")) >= 2
    assert spinner.is_visible()
    page.locator("#transcript .draft-text").wait_for(timeout=600_000)
    # A second question while the answer is written: refused in words, kept in the box.
    page.fill("#question textarea", Q_PLANT)
    page.press("#question textarea", "Enter")
    note = page.locator("#ask-note .notice")
    note.wait_for(timeout=10_000)
    assert "was not asked" in note.inner_text()
    assert page.input_value("#question textarea") == Q_PLANT
    assert page.locator("#transcript .turn").count() == 1
    assert "Draft" in page.locator("#transcript .draft-label").inner_text()
    shot(page, "11-draft-and-refusal")

    assert slot_busy(llm)
    page.click("#stop")
    clicked = time.monotonic()
    page.locator('#transcript .turn.done[data-turn="0"] .notice.stopped').wait_for(timeout=2000)
    while slot_busy(llm):  # the model stops generating: its HTTP response was closed
        assert time.monotonic() - clicked < 2.0, "the local model kept generating after Stop"
        time.sleep(0.05)
    assert page.locator('#transcript .turn[data-turn="0"] .answer').count() == 0  # the draft never became one
    page.locator("#ask").wait_for()
    assert page.locator("#ask-note .notice").count() == 0
    shot(page, "12-stopped")


def _ask_local_and_time(page, cold_start_s: float) -> None:
    """The question kept in the box, asked now: it streams as a draft and ends as a checked answer."""
    assert page.input_value("#question textarea") == Q_PLANT
    page.evaluate(STREAM_WATCH, 1)
    page.click("#ask")
    page.locator('#transcript .turn[data-turn="1"] .draft-text').wait_for(timeout=600_000)
    page.locator('#transcript .turn.done[data-turn="1"]').wait_for(timeout=600_000)
    shot(page, "12-local-answer")
    t = page.evaluate("window.__t")
    first_s, done_s = (t["first"] - t["start"]) / 1000, (t["done"] - t["start"]) / 1000
    turn = page.locator('#transcript .turn[data-turn="1"]')
    meta = turn.locator(".meta").last.inner_text() if turn.locator(".meta").count() else "abstained"
    timings = {"question": Q_PLANT, "browser_first_text_s": round(first_s, 2),
               "browser_answer_s": round(done_s, 2), "server_reported": meta,
               "model_cold_start_s": round(cold_start_s, 2)}
    (ARTIFACTS / "ui-timings.json").write_text(json.dumps(timings, indent=2) + "\n")
    print(f"\nlocal model in the browser: first text after {first_s:.1f} s, checked answer after {done_s:.1f} s"
          f" ({meta}; model start beforehand {cold_start_s:.1f} s)")
    assert 0 < first_s < done_s  # text appeared before the final answer
    assert turn.locator(".notice.error").count() == 0
    assert "Searched for" not in turn.inner_text()  # the stopped turn is not part of the conversation
    assert turn.locator("button.cite").count() >= 1 or turn.locator(".notice.abstain").count() == 1
    # Nothing was ever shown as the answer and then taken back: the only answer text is the final one.
    final = [a.text_content() for a in turn.locator(".answer").all()]
    assert t["answers"] == final, f"shown as the answer over the stream: {t['answers']}; final: {final}"
    if turn.locator(".notice.replaced").count():
        assert "draft was" in turn.locator(".notice.replaced").inner_text()
