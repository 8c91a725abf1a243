"""The UI's pure logic: escaping, quote highlighting, upload names, and who may bind where (no browser)."""
from __future__ import annotations

import re
from html.parser import HTMLParser
from types import SimpleNamespace

import pytest

from rag.errors import ConfigError, InputError, UnsupportedFile
from ui import render
from ui.app import check_bind, launch
from ui.uploads import safe_filename

PAYLOAD = "<script>alert(1)</script><img src=x onerror=alert(2)> [x](javascript:alert(3)) \" ' & ${alert(4)}"


class _Tags(HTMLParser):
    """Every tag and attribute in a piece of HTML."""

    def __init__(self):
        super().__init__()
        self.tags: list[tuple[str, dict]] = []
        self.text = ""

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))

    def handle_data(self, data):
        self.text += data


def parse(html: str) -> _Tags:
    p = _Tags()
    p.feed(html)
    p.close()
    return p


def answer(**kw) -> dict:
    base = {
        "question": "q", "standalone_question": "q", "answer": "", "abstained": False, "sentences": [],
        "citations": [], "sources": [], "timings": {"retrieve_s": 0.1, "first_token_s": 0.5, "total_s": 1.25},
        "model": "m", "mode": "local", "error": None,
    }
    return base | kw


def test_untrusted_text_never_becomes_markup():
    text = f"Intro.\n\nBefore {PAYLOAD} after.\n\nEnd."
    start = text.index("<script>")
    end = start + len(PAYLOAD)
    ans = answer(
        question=PAYLOAD, error=PAYLOAD,
        sentences=[{"text": PAYLOAD, "citations": [1], "supported": False, "support": 0.1}],
        citations=[{"n": 1, "doc_id": "d<1>", "title": PAYLOAD, "source": f"/c/{PAYLOAD}.txt",
                    "quote": PAYLOAD, "start": start, "end": end}],
        sources=[{"n": 1, "doc_id": "d<1>", "title": PAYLOAD, "source": "/c/a.txt", "score": 1.0,
                  "text": PAYLOAD, "start": start, "end": end}],
    )
    turn = {"question": PAYLOAD, "answer": ans}
    docs = [SimpleNamespace(doc_id="d<1>", title=PAYLOAD, source="/c/x.txt", n_chunks=3)]
    pages = [
        render.transcript_html([turn, {"question": PAYLOAD, "answer": None, "partial": PAYLOAD, "status": PAYLOAD}]),
        render.transcript_html([{"question": PAYLOAD, "answer": ans, "replaced": PAYLOAD},
                                {"question": PAYLOAD, "answer": None, "stopped": True, "partial": PAYLOAD}]),
        render.confirm_remove_html(docs[0]),
        render.citation_panel_html(0, turn, 1, 0, {"d<1>": text}),
        render.abstention_panel_html(ans),
        render.documents_html(docs),
        render.upload_report_html([PAYLOAD], [(PAYLOAD, PAYLOAD)]),
        render.notice_html("error", PAYLOAD),
    ]
    allowed = {"div", "span", "button", "b", "br", "mark", "blockquote", "details", "summary", "ol", "ul", "li",
               "table", "thead", "tbody", "tr", "th", "td"}
    for page in pages:
        parsed = parse(page)
        assert {t for t, _ in parsed.tags} <= allowed
        assert not any(name.startswith("on") or name == "href" for _, attrs in parsed.tags for name in attrs)
        assert PAYLOAD in parsed.text  # shown, as text
    line = parse(render.corpus_line_html(docs))
    assert {t for t, _ in line.tags} <= allowed and PAYLOAD in line.text


def test_quote_is_marked_exactly_inside_its_paragraph():
    text = "Title\n\nFirst paragraph here. The quoted sentence is this one. Then more.\n\nNext paragraph."
    start = text.index("The quoted")
    end = text.index(" Then")
    html = render.quote_in_context(text, start, end)
    parsed = parse(html)
    assert re.search(r"<mark>(.*)</mark>", html).group(1) == "The quoted sentence is this one."
    assert parsed.text == "First paragraph here. The quoted sentence is this one. Then more."


def test_long_paragraph_is_cut_at_spaces_around_the_quote():
    words = " ".join(f"w{i}" for i in range(2000))
    start = words.index("w1000 ")
    end = start + len("w1000 w1001")
    parsed = parse(render.quote_in_context(words, start, end, width=100))
    assert parsed.text.startswith("…w") and parsed.text.endswith("…")
    assert "w1000 w1001" in parsed.text and len(parsed.text) < 260
    assert all(re.fullmatch(r"w\d+", w) for w in parsed.text.strip("…").split())  # no word cut in half


def test_citation_panel_warns_when_the_article_changed_or_went():
    ans = answer(citations=[{"n": 2, "doc_id": "a", "title": "T", "source": "/c/a.txt", "quote": "Quoted.",
                             "start": 0, "end": 7}],
                 sentences=[{"text": "Claim.", "citations": [2], "supported": True, "support": 1.0}])
    turn = {"question": "q", "answer": ans}
    assert "<mark>Quoted.</mark>" in render.citation_panel_html(0, turn, 2, 0, {"a": "Quoted. More."})
    assert "has changed" in render.citation_panel_html(0, turn, 2, 0, {"a": "Other text entirely."})
    assert "has been removed" in render.citation_panel_html(0, turn, 2, 0, {"a": None})


def test_markers_sit_before_the_final_punctuation_and_unsupported_is_labelled():
    ans = answer(sentences=[
        {"text": "It rose in 2013.", "citations": [1, 3], "supported": True, "support": 0.9},
        {"text": "Nobody knows why.", "citations": [], "supported": False, "support": 0.05},
    ])
    html = render.answer_html(0, ans)
    assert re.search(r'It rose in 2013<button[^>]*data-n="1"[^>]*>1</button><button[^>]*data-n="3"', html)
    assert '<span class="sent unsupported">Nobody knows why.</span><span class="unsupported-label"' in html
    assert "first token 0.5 s" in html and "total 1.2 s" in html


def test_the_models_own_words_are_underlined_and_explained_once():
    ans = answer(sentences=[
        {"text": "40 farms would be flooded by the <b>pit</b>.", "citations": [1], "supported": True,
         "support": 0.8, "own_words": ["flooded", "<b>pit</b>"]},
        {"text": "Flooded fields were not mentioned.", "citations": [], "supported": False, "support": 0.1,
         "own_words": ["Flooded"]},
    ])
    html = render.answer_html(0, ans)
    own = [m for m in re.findall(r'<span class="own"[^>]*>([^<]*)</span>', html)]
    assert own == ["flooded", "&lt;b&gt;pit&lt;/b&gt;"]  # escaped; an unsupported sentence is marked as such
    assert html.count('class="own-note"') == 1
    plain = render.answer_html(0, answer(sentences=[{"text": "It rose.", "citations": [1], "supported": True,
                                                     "support": 1.0}]))
    assert 'class="own' not in plain  # turns saved before the field existed render as before


def test_abstention_is_a_notice_not_an_answer():
    html = render.answer_html(0, answer(abstained=True, answer="The articles don't say."))
    assert 'class="notice abstain"' in html and "class=\"answer\"" not in html
    assert "first token" not in html and "total" not in html and "src-card" not in html  # no model line


def _cited() -> dict:
    return answer(
        answer="It opened in 2013 [1]. Firm X built it [2].",
        sentences=[{"text": "It opened in 2013.", "citations": [1], "supported": True, "support": 0.9},
                   {"text": "Firm X built it.", "citations": [2], "supported": True, "support": 0.9}],
        citations=[{"n": 1, "doc_id": "a", "title": "Plant opens", "source": "/c/a.txt", "quote": "opened in 2013",
                    "start": 0, "end": 14},
                   {"n": 2, "doc_id": "b", "title": "Builders", "source": "/c/b.md", "quote": "X built the plant",
                    "start": 5, "end": 22}],
    )


def test_markers_name_their_article_and_cards_list_each_source_once():
    html = render.answer_html(3, _cited())
    assert 'data-tip="Source 1: Plant opens"' in html and 'data-tip="Source 2: Builders"' in html
    cards = re.findall(r'<button type="button" class="src-card" data-turn="3" data-n="(\d)" data-s="(\d)"', html)
    assert cards == [("1", "0"), ("2", "1")]
    assert "“X built the plant”" in parse(html).text


def test_copy_gives_the_answer_with_its_citations_as_markdown():
    md = render.answer_markdown(_cited())
    assert md == ("It opened in 2013. [1] Firm X built it. [2]\n\n"
                  "[1] Plant opens (a.txt): “opened in 2013”\n[2] Builders (b.md): “X built the plant”\n")


@pytest.mark.parametrize("draft, final, expected", [
    ("", answer(abstained=True, answer="None."), None),  # nothing was shown: nothing to explain
    ("It opened in 2013 [1].", answer(answer="It opened in 2013 [1]."), None),
    ("It opened in 2013 [1].", answer(answer="It opened in 2013."), None),  # markers and spacing aside
    ("It opened in 2013.", answer(answer="It opened in 2013. Firm X built it [2]."), None),  # only added to
    ("It was 2014 [1].", answer(abstained=True, answer="The articles don't say."), "not supported by the articles"),
    ("It was 2014 [1].", answer(answer="It opened in 2013 [1]."), "only sentences backed by a quote"),
    ("It was 2014 [1].", answer(answer="Quote.", error="the model failed"), "best quotes"),
])
def test_a_replaced_draft_is_explained(draft, final, expected):
    note = render.replaced_note(draft, final)
    assert note is None if expected is None else expected in note


def test_a_draft_is_labelled_and_never_looks_like_an_answer():
    live = render.transcript_html([{"question": "q", "answer": None, "partial": "Maybe 2014 [1].", "status": "s",
                                    "elapsed_s": 7}])
    assert 'class="draft"' in live and "checking quotes" in live and "7 s" in live
    assert 'class="answer' not in live and "cite" not in live and 'class="turn done"' not in live
    stopped = render.transcript_html([{"question": "q", "answer": None, "stopped": True, "partial": "Maybe."}])
    assert "Stopped." in stopped and "Unchecked draft" in stopped and 'class="turn done"' in stopped


@pytest.mark.parametrize("name, expected", [
    ("report.txt", "report.txt"),
    ("../../etc/passwd.txt", "passwd.txt"),
    ("C:\\Users\\me\\Story.MD", "Story.md"),
    ("/abs/path/news.html", "news.html"),
    ("naïve café.pdf", "naïve café.pdf"),
    ("a;b|c$(d).txt", "a_b_c_(d).txt"),
])
def test_safe_filename_keeps_only_a_plain_basename(name, expected):
    assert safe_filename(name) == expected


@pytest.mark.parametrize("name", ["", "..", "../", ".hidden.txt", "a/.env.md", "tab\there.txt"])
def test_safe_filename_refuses_names_that_are_not_files(name):
    with pytest.raises(InputError):
        safe_filename(name)


@pytest.mark.parametrize("name", ["notes.docx", "script.sh", "README"])
def test_safe_filename_refuses_unsupported_types(name):
    with pytest.raises(UnsupportedFile, match="supported: .htm, .html, .md, .pdf, .txt"):
        safe_filename(name)


def test_loopback_needs_no_login_but_any_other_address_does():
    assert check_bind("127.0.0.1", None) is None
    assert check_bind("::1", None) is None
    assert check_bind("localhost", None) is None
    for host in ("0.0.0.0", "192.168.1.5", "::", "example.org"):
        with pytest.raises(ConfigError, match="RAG_UI_AUTH=user:password"):
            check_bind(host, None)
    assert check_bind("0.0.0.0", "ann:s3cret:x") == ("ann", "s3cret:x")
    with pytest.raises(ConfigError, match="user:password"):
        check_bind("0.0.0.0", "no-colon")


def test_launch_refuses_0000_without_auth_before_serving(tmp_path):
    from rag.settings import Settings

    engine = SimpleNamespace(settings=Settings(home=tmp_path, ui_auth=None))
    with pytest.raises(ConfigError, match="refusing to serve the UI on 0.0.0.0"):
        launch(engine, host="0.0.0.0", port=1, block=False)


def test_runs_refuse_a_second_answer_and_stop_closes_the_stream():
    import threading

    from ui.runs import DONE, Runs

    release, closed = threading.Event(), threading.Event()

    def events():
        try:
            yield "status", "one"
            release.wait(10)
            yield "token", "two"
            yield "token", "never read"
        finally:
            closed.set()

    runs = Runs()
    run = runs.start("page", events)
    assert runs.start("page", events) is None  # one answer at a time per page
    assert run.next(5) == ("status", "one")
    assert runs.stop("page", "cleared")
    assert run.reason == "cleared"
    release.set()
    assert closed.wait(5)  # the stream was closed, not left to run on
    assert run.next(5) is DONE
    runs.finish("page", run)
    other = runs.start("page", lambda: iter([("answer", 1)]))
    assert other.next(5) == ("answer", 1) and other.next(5) is DONE


def test_runs_hand_over_a_failure_as_an_event():
    from ui.runs import DONE, Runs

    def events():
        yield "status", "s"
        raise InputError("bad")

    run = Runs().start("page", events)
    assert run.next(5) == ("status", "s")
    kind, err = run.next(5)
    assert kind == "error" and isinstance(err, InputError)
    assert run.next(5) is DONE


def test_a_declined_premise_shows_what_the_articles_say_with_markers_and_cards():
    from ui import render

    quote = "The Bushehr plant became operational in 2013."
    ans = {"question": "Why did the plant only open in 2015?", "standalone_question": "Why did the plant only open in 2015?",
           "answer": f"The articles don't say that. What they say: {quote[:-1]} [1].", "abstained": True,
           "sentences": [{"text": quote, "citations": [1], "supported": True, "support": 1.0}],
           "citations": [{"n": 1, "doc_id": "d", "title": "Allies", "source": "a.txt", "quote": quote, "start": 0,
                          "end": len(quote)}],
           "sources": [], "timings": {}, "model": "m", "mode": "local", "error": "no quote states the question's 2015"}
    html = render.answer_html(0, ans)
    assert "Not in the articles as asked" in html and 'class="cite"' in html and "src-card" in html
    assert "2015" in html  # the reason, in the note
    assert render.replaced_note("The plant opened in 2015 [1].", ans).startswith("The draft was replaced: the articles")


def test_readiness_line_follows_the_warm_up():
    from rag.engine import Readiness

    r = Readiness()
    assert render.readiness_html(r) == ""  # never warmed (e.g. no launch): nothing to say
    r.begin(local=True)
    assert "Loading the local model" in render.readiness_html(r) and 'class="notice warn"' in render.readiness_html(r)
    r.finish()
    assert re.search(r"Local model loaded in \d+ s\.", render.readiness_html(r))
    r.begin(local=False)
    r.fail(RuntimeError(PAYLOAD))
    html = render.readiness_html(r)
    assert "Could not load the search models" in html and "<script>" not in html and r.state == "failed"
