"""The evaluation runner, report and comparison, driven by a small in-test fake engine.

These are unit tests of the harness (resume, determinism, error handling, report rendering): the fake
engine stands in for rag.engine.Engine's ask()/article() so no model or index is needed. The product's
real answer path is exercised by the `llm`-marked test at the end.
"""
from __future__ import annotations

import json
import subprocess
import sys
import time
from html.parser import HTMLParser
from pathlib import Path

import pytest
from click.testing import CliRunner

from eval.cli import eval_group, format_summary
from eval.compare import compare_runs, format_comparison
from eval.dataset import split_of
from eval.judge import Judge
from eval.runner import RESULTS, finished, run_eval
from rag.errors import ConfigError, DatasetError, InputError, LLMError
from rag.schema import Answer, Article, Citation, Sentence, Source

ARTICLES = {
    "bushehr": Article("bushehr", "Bushehr", "corpus/bushehr.txt",
                       "Bushehr is Iran's only nuclear power plant. Russia's Rosatom finished building it in 2011. "
                       "The plant sits on the Persian Gulf coast."),
    "trade": Article("trade", "Trade", "corpus/trade.txt",
                     "Trade between Iran and Russia grew by 20 percent in 2022. <script>alert(1)</script> was seen in a comment."),
}
LEXICAL = {"lexical": {"features": ["coverage", "key_coverage", "missing"], "coef": [3.0, 3.0, -4.0], "intercept": -3.5}}


def span(doc: str, text: str) -> tuple[int, int]:
    start = ARTICLES[doc].text.index(text)
    return start, start + len(text)


def cite(n: int, doc: str, quote: str, shift: int = 0) -> Citation:
    a, b = span(doc, quote)
    return Citation(n, doc, ARTICLES[doc].title, ARTICLES[doc].source, quote, a + shift, b + shift)


def src(n: int, doc: str, text: str | None = None) -> Source:
    text = text or ARTICLES[doc].text
    a, b = span(doc, text)
    return Source(n, doc, ARTICLES[doc].title, ARTICLES[doc].source, a, b, text, 1.0 / n)


def answer(question: str, sentences: list[tuple[str, list[int]]], citations: list[Citation], sources: list[Source],
           abstained: bool = False, total_s: float = 1.0) -> Answer:
    return Answer(question, question, " ".join(t for t, _ in sentences) or "The articles don't say.", abstained,
                  [Sentence(t, ns) for t, ns in sentences], citations, sources,
                  {"retrieve_s": 0.1, "first_token_s": 0.2, "total_s": total_s}, "fake", "extractive")


def canned(question: str) -> Answer:
    if question.startswith("Who built"):
        return answer(question, [("Russia's Rosatom finished building it in 2011 [1].", [1])],
                      [cite(1, "bushehr", "Russia's Rosatom finished building it in 2011.")],
                      [src(1, "bushehr"), src(2, "trade")], total_s=1.5)
    if question.startswith("When"):  # paraphrase plus an invented sentence, and a quote with wrong offsets
        return answer(question, [("Rosatom completed the Bushehr plant in 2011 [1].", [1]),
                                 ("It cost 9 billion dollars and employs 4000 Chinese engineers [2].", [2])],
                      [cite(1, "bushehr", "Russia's Rosatom finished building it in 2011."),
                       cite(2, "trade", "Trade between Iran and Russia grew by 20 percent in 2022.", shift=3)],
                      [src(1, "bushehr"), src(2, "trade")], total_s=3.0)
    if question.startswith("Uncited"):
        return answer(question, [("Trade grew by 20 percent in 2022.", [])], [], [src(1, "trade")], total_s=2.0)
    if question.startswith("What is the GDP"):
        return answer(question, [], [], [src(1, "trade")], abstained=True, total_s=0.5)
    if question.startswith("Broken"):
        raise LLMError("the language model at http://127.0.0.1:9/v1 failed: boom")
    if question.startswith("<b>"):
        return answer(question, [("<script>alert(1)</script> was seen [1].", [1])],
                      [cite(1, "trade", "<script>alert(1)</script> was seen in a comment.")], [src(1, "trade")], total_s=1.0)
    return answer(question, [], [], [], abstained=True, total_s=0.4)


class FakeEngine:
    """Engine's ask()/article() interface over two hand-made articles, answering from a fixed script."""

    def __init__(self, delay_s: float = 0.0):
        self.delay_s = delay_s
        self.asked: list[str] = []

    def ask(self, question, history=None, mode=None, k=None) -> Answer:
        self.asked.append(question)
        time.sleep(self.delay_s)
        return canned(question)

    def article(self, doc_id: str) -> Article:
        if doc_id not in ARTICLES:
            raise InputError(f"no document with id {doc_id!r}")
        return ARTICLES[doc_id]


ROWS = [
    {"id": "built", "kind": "answerable", "question": "Who built Bushehr?", "reference": "Rosatom",
     "gold_docs": ["bushehr"], "gold_quotes": ["Russia's Rosatom finished building it in 2011."]},
    {"id": "when", "kind": "answerable", "question": "When was Bushehr finished?", "reference": "in 2011",
     "gold_docs": ["trade.txt", "bushehr"]},
    {"id": "uncited", "question": "Uncited trade growth?", "reference": "20 percent"},
    {"id": "gdp", "kind": "unanswerable", "question": "What is the GDP of Iran?", "answerable": False,
     "reference": "The articles do not say."},
    {"id": "broken", "question": "Broken endpoint question"},
    {"id": "xss", "question": "<b>bold</b> <img src=x onerror=alert(1)>", "gold_docs": ["trade"]},
]


def write_dataset(path: Path, rows=ROWS, extra_lines: tuple[str, ...] = ()) -> Path:
    path.write_text("\n".join([json.dumps(r) for r in rows] + list(extra_lines)) + "\n", encoding="utf-8")
    return path


def run(tmp_path: Path, out: str = "run", engine=None, **kw) -> dict:
    ds = write_dataset(tmp_path / "ds.jsonl", extra_lines=('{"question": 5}', "not json"))
    return run_eval(ds, tmp_path / out, mode="extractive", engine=engine or FakeEngine(),
                    judge=Judge(None, weights=LEXICAL), progress=False, **kw)


def test_run_writes_results_summary_and_report(tmp_path):
    summary = run(tmp_path)
    rows = {r["id"]: r for r in map(json.loads, (tmp_path / "run" / RESULTS).read_text().splitlines())}
    assert set(rows) == {"built", "when", "uncited", "gdp", "broken", "xss"}
    assert summary["dataset_errors"] == ["line 7, field 'question': must be a string, got int",
                                         "line 8: broken JSON: Expecting value at column 1"]
    assert summary["failed"] == [{"id": "broken", "error": "answering failed: LLMError: the language model at "
                                  "http://127.0.0.1:9/v1 failed: boom"}]

    built = rows["built"]["metrics"]
    assert built["faithfulness"] == 1.0 and rows["built"]["sentences"][0]["verdict"]["features"] == {"verbatim": 1.0}
    assert (built["quote_validity"], built["citation_precision"], built["citation_recall"]) == (1.0, 1.0, 1.0)
    assert (built["recall@1"], built["mrr"], built["gold_quote_retrieved"], built["gold_quote_cited"]) == (1.0, 1.0, 1.0, 1.0)
    assert built["token_f1"] == pytest.approx(0.25)  # "rosatom" is 1 of 7 answer tokens: P=1/7, R=1

    when = rows["when"]
    assert [s["supported"] for s in when["sentences"]] == [True, False]  # paraphrase kept, invention caught
    assert when["metrics"]["faithfulness"] == 0.5 and 0.3 < when["metrics"]["support_score"] < 0.5
    assert when["metrics"]["unsupported"] == ["It cost 9 billion dollars and employs 4000 Chinese engineers [2]."]
    assert (when["metrics"]["quotes_valid"], when["metrics"]["quotes_total"]) == (1, 2)
    assert when["metrics"]["recall@1"] == 0.5 and when["metrics"]["mrr"] == 1.0  # gold "trade.txt" == doc "trade"

    uncited = rows["uncited"]
    assert uncited["metrics"]["faithfulness"] == 0.0 and uncited["sentences"][0]["supportable"]
    assert uncited["metrics"]["citation_recall"] == 0.0  # supportable by a source, but not cited

    m = summary["metrics"]
    assert (m["questions"], m["scored"], m["errors"]) == (6, 5, 1)
    assert m["invalid_quotes"] == 1 and m["quote_validity"] == 0.75
    assert m["abstention_precision"] == 1.0 and m["abstention_recall"] == 1.0
    assert m["latency_p50_s"] == 1.5 and m["latency_p95_s"] == pytest.approx(2.8)
    assert m["by_kind"]["unanswerable"]["abstained"] == 1
    # The target table: "xss" has no reference (not scored for correctness), "broken" failed (left out).
    t = m["targets"]
    assert t["all"]["answerable_correct"] == {"n": 3, "of": 3, "rate": 1.0}
    assert t["all"]["declined"] == {"n": 1, "of": 1, "rate": 1.0}
    assert t["all"]["false_abstentions"] == {"n": 0, "of": 4, "rate": 0.0}
    assert t["all"]["quotes_verbatim"] == {"n": 3, "of": 4, "rate": 0.75}
    # Split by the hash of the id: "when" and "gdp" are held out, "built", "uncited" and "xss" tune.
    assert (t["tune"]["questions"], t["held_out"]["questions"]) == (3, 2)
    assert t["held_out"]["quotes_verbatim"] == {"n": 1, "of": 2, "rate": 0.5}
    assert t["held_out"]["by_kind"]["unanswerable"]["declined"]["n"] == 1
    assert t["tune"]["by_kind"]["answerable"]["answerable_correct"] == {"n": 1, "of": 1, "rate": 1.0}
    assert json.loads((tmp_path / "run" / "summary.json").read_text()) == summary


def test_a_split_asks_only_its_half_and_the_summary_says_which(tmp_path):
    engine = FakeEngine()
    tune = run(tmp_path, engine=engine, split="tune")
    tune_ids = {r["id"] for r in ROWS if split_of(r["id"]) == "tune"}
    assert 0 < len(tune_ids) < len(ROWS)  # the hand-made rows fall in both halves
    assert set(engine.asked) == {r["question"] for r in ROWS if r["id"] in tune_ids}
    assert tune["run"]["split"] == "tune" and tune["metrics"]["questions"] == len(tune_ids)
    assert (tune["run"]["questions_in_dataset"], tune["run"]["questions_in_split"]) == (len(ROWS), len(tune_ids))
    assert "(tune half of 6)" in format_summary(tune)
    # The held-out half in the same folder: only its questions are asked and summarised.
    engine.asked.clear()
    held = run(tmp_path, engine=engine, split="held-out")
    assert {r["id"] for r in ROWS if r["question"] in engine.asked} == {r["id"] for r in ROWS} - tune_ids
    assert held["metrics"]["questions"] == len(ROWS) - len(tune_ids)
    assert run(tmp_path, engine=engine)["metrics"]["questions"] == len(ROWS)  # "all": both halves, nothing redone
    assert len((tmp_path / "run" / RESULTS).read_text().splitlines()) == len(ROWS)
    run(tmp_path, "tune", engine=engine, split="tune")
    run(tmp_path, "held", engine=engine, split="held-out")
    cmp = format_comparison(compare_runs(tmp_path / "tune", tmp_path / "held"))
    assert "note: A ran the tune questions and B the held-out ones" in cmp
    only_tune = write_dataset(tmp_path / "small.jsonl", rows=[r for r in ROWS if r["id"] in tune_ids])
    with pytest.raises(DatasetError, match="the held-out half of .*small.jsonl is empty: all 3 questions hash"):
        run_eval(only_tune, tmp_path / "small", mode="extractive", engine=engine, judge=Judge(None, weights=LEXICAL),
                 progress=False, split="held-out")
    assert not (tmp_path / "small").exists()


def test_cli_passes_the_split_and_names_the_run_folder_after_it(tmp_path, monkeypatch):
    import eval.runner

    seen = {}

    def fake_run_eval(dataset, out, **kw):  # the CLI's wiring only; run_eval itself is tested above
        seen.update(out=out, split=kw["split"])
        return {"run": {"questions_done": 0, "questions_in_dataset": 0, "questions_in_split": 0, "mode": "extractive",
                        "judge": "lexical", "split": kw["split"]}, "metrics": {}, "dataset_errors": [], "failed": []}

    monkeypatch.setattr(eval.runner, "run_eval", fake_run_eval)
    monkeypatch.chdir(tmp_path)
    ds = write_dataset(tmp_path / "ds.jsonl")
    result = CliRunner().invoke(eval_group, ["run", str(ds), "--mode", "extractive", "--judge", "lexical",
                                             "--split", "held-out"])
    assert result.exit_code == 0, result.output
    assert seen == {"out": Path("runs/ds-extractive-held-out"), "split": "held-out"}
    bad = CliRunner().invoke(eval_group, ["run", str(ds), "--split", "test"])
    assert bad.exit_code == 2 and "'test' is not one of 'tune', 'held-out', 'all'" in bad.output


def test_two_runs_give_identical_summaries(tmp_path):
    a = run(tmp_path, "a")
    b = run(tmp_path, "b")
    assert a["metrics"] == b["metrics"]
    strip = lambda p: [{k: v for k, v in r.items() if k != "wall_s"} for r in map(json.loads, p.read_text().splitlines())]  # noqa: E731
    assert sorted(strip(tmp_path / "a" / RESULTS), key=lambda r: r["id"]) == sorted(strip(tmp_path / "b" / RESULTS), key=lambda r: r["id"])


def test_rerun_resumes_without_recomputing_and_redoes_a_torn_line(tmp_path):
    first = FakeEngine()
    run(tmp_path, engine=first)
    results = tmp_path / "run" / RESULTS
    lines = results.read_text().splitlines(keepends=True)
    # Simulate a kill in the middle of writing the last row: keep only half of it, no newline.
    torn_id = json.loads(lines[-1])["id"]
    results.write_text("".join(lines[:-1]) + lines[-1][: len(lines[-1]) // 2])
    second = FakeEngine()
    summary = run(tmp_path, engine=second)
    assert len(second.asked) == 1 and second.asked[0] == next(r["question"] for r in ROWS if r["id"] == torn_id)
    assert summary["run"]["questions_done"] == 6
    assert [json.loads(l)["id"] for l in results.read_text().splitlines()].count(torn_id) == 1
    third = FakeEngine()
    run(tmp_path, engine=third)
    assert third.asked == []  # nothing left to do
    run(tmp_path, engine=third, retry_errors=True)
    assert third.asked == ["Broken endpoint question"]  # only the failed one is redone


def test_resume_after_killing_a_real_run_process(tmp_path):
    """Kill a running `run_eval` subprocess mid-run, then finish the run: nothing done twice."""
    ds = write_dataset(tmp_path / "ds.jsonl", rows=[{"id": f"q{i}", "question": f"Who built Bushehr? ({i})"} for i in range(30)])
    out = tmp_path / "run"
    script = f"""
import sys; sys.path.insert(0, {str(Path(__file__).parent)!r})
from pathlib import Path
from test_eval_runner import FakeEngine, LEXICAL
from eval.judge import Judge
from eval.runner import run_eval
run_eval(Path({str(ds)!r}), Path({str(out)!r}), mode="extractive", engine=FakeEngine(delay_s=0.2),
         judge=Judge(None, weights=LEXICAL), progress=False)
"""
    proc = subprocess.Popen([sys.executable, "-c", script], cwd=Path(__file__).parent.parent)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and len(finished(out / RESULTS)) < 5:
        time.sleep(0.05)
    proc.kill()
    proc.wait()
    done_before = set(finished(out / RESULTS))
    assert 5 <= len(done_before) < 30, "the run should have been killed part-way"
    engine = FakeEngine()
    summary = run_eval(ds, out, mode="extractive", engine=engine, judge=Judge(None, weights=LEXICAL), progress=False)
    asked = {q.split("(")[1].rstrip(")") for q in engine.asked}
    assert asked == {str(i) for i in range(30)} - {d[1:] for d in done_before}
    assert summary["metrics"]["questions"] == 30 and summary["metrics"]["scored"] == 30


def test_resuming_with_other_settings_is_refused(tmp_path):
    run(tmp_path)
    ds = tmp_path / "ds.jsonl"
    with pytest.raises(ConfigError, match="mode=extractive"):
        run_eval(ds, tmp_path / "run", mode="local", engine=FakeEngine(), judge=Judge(None, weights=LEXICAL), progress=False)


def test_workers_answer_concurrently_with_the_same_results(tmp_path):
    serial = run(tmp_path, "serial")
    engine = FakeEngine(delay_s=0.3)
    ds = tmp_path / "ds.jsonl"
    t0 = time.monotonic()
    parallel = run_eval(ds, tmp_path / "par", mode="openai", workers=6, engine=engine,
                        judge=Judge(None, weights=LEXICAL), progress=False)
    assert time.monotonic() - t0 < 6 * 0.3  # six questions in flight at once
    assert parallel["metrics"] == serial["metrics"]


class _Collector(HTMLParser):
    def __init__(self):
        super().__init__()
        self.tags: list[tuple[str, dict]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))

    def handle_data(self, data):
        self.text.append(data)


def test_report_is_self_contained_escaped_and_complete(tmp_path):
    run(tmp_path)
    html = (tmp_path / "run" / "report.html").read_text(encoding="utf-8")
    parser = _Collector()
    parser.feed(html)
    tags = parser.tags
    ids = {a.get("id") for _, a in tags}
    assert {"chart-overview", "chart-faithfulness", "chart-latency", "questions-table", "targets-table",
            "targets-by-kind"} <= ids
    assert sum(t == "svg" for t, _ in tags) == 3 and sum(t == "rect" for t, _ in tags) > 10
    assert sum(1 for t, a in tags if t == "tr" and a.get("class") == "question") == 6
    # Nothing is fetched from anywhere: no scripts, no external src or href, no @import.
    assert not any(t in ("script", "link", "iframe", "img") for t, _ in tags)
    for _, attrs in tags:
        assert "src" not in attrs
        assert attrs.get("href", "#").startswith("#")
    assert "@import" not in html and "http://" not in html.replace("http://www.w3.org/2000/svg", "").replace(
        "http://127.0.0.1:9/v1", "")
    # Untrusted text from questions and articles shows as text, never as markup.
    text = "".join(parser.text)
    assert "<script>alert(1)</script> was seen" in text and "<img src=x onerror=alert(1)>" in text
    assert "&lt;script&gt;" in html
    # Each sentence with its verdict and its highlighted quote.
    marks = [i for i, (t, _) in enumerate(tags) if t == "mark"]
    assert len(marks) >= 3
    assert "unsupported" in text and "quote not in article" in text and "no citation" in text
    assert "line 8: broken JSON" in text
    assert "3/4 = 75.0 %" in text and "false abstentions" in text  # the target table


def test_compare_lists_metric_deltas_and_questions_that_got_worse(tmp_path):
    run(tmp_path, "a")

    class Worse(FakeEngine):
        def ask(self, question, history=None, mode=None, k=None):
            if question.startswith("Who built"):  # now abstains on an answerable question
                return answer(question, [], [], [src(1, "trade")], abstained=True, total_s=9.0)
            return super().ask(question, history, mode, k)

    run(tmp_path, "b", engine=Worse())
    cmp = compare_runs(tmp_path / "a", tmp_path / "b")
    assert [w["id"] for w in cmp["worse"]] == ["built"]
    assert "now abstains on an answerable question" in cmp["worse"][0]["reasons"]
    deltas = {d["metric"]: d for d in cmp["deltas"]}
    assert deltas["faithfulness"]["change"] == "worse" and deltas["latency_p95_s"]["change"] == "worse"
    text = format_comparison(cmp)
    assert "1 of 6 common questions got worse" in text and "- built: Who built Bushehr?" in text
    with pytest.raises(InputError, match="not an evaluation run"):
        compare_runs(tmp_path / "a", tmp_path / "nowhere")


def test_cli_compare_and_errors(tmp_path):
    run(tmp_path, "a")
    run(tmp_path, "b")
    result = CliRunner().invoke(eval_group, ["compare", str(tmp_path / "a"), str(tmp_path / "b")])
    assert result.exit_code == 0, result.output
    assert "0 of 6 common questions got worse" in result.output
    result = CliRunner().invoke(eval_group, ["compare", str(tmp_path / "a"), str(tmp_path / "b"), "--json"])
    assert json.loads(result.output)["worse"] == []


# ---- the real product path ------------------------------------------------------------------------

@pytest.mark.llm
def test_extractive_run_of_the_shipped_questions_is_fast_and_deterministic(corpus_engine, tmp_path):
    """The real engine over the shipped corpus, judged by the local model: two runs of 50 questions score the
    same (speed is measured by `make bench`, not asserted here)."""
    from eval.dataset import load_dataset

    items, _ = load_dataset(Path(__file__).parent.parent / "eval" / "datasets" / "questions.jsonl")
    ds = tmp_path / "q50.jsonl"
    ds.write_text("\n".join(json.dumps({k: v for k, v in i.to_json().items() if k != "line"}) for i in items[:50]) + "\n")
    a = run_eval(ds, tmp_path / "a", mode="extractive", settings=corpus_engine.settings, engine=corpus_engine, progress=False)
    b = run_eval(ds, tmp_path / "b", mode="extractive", settings=corpus_engine.settings, engine=corpus_engine, progress=False)
    scores = lambda s: {k: v for k, v in s["metrics"].items() if not k.startswith("latency")}  # noqa: E731
    assert scores(a) == scores(b)
    assert a["metrics"]["scored"] == 50 and a["metrics"]["invalid_quotes"] == 0


def test_rag_eval_run_end_to_end_on_the_real_engine(corpus_engine, tmp_path, monkeypatch):
    """`rag eval run` as a user types it: extractive answers from the real index, lexical judge, resumable."""
    from newsrag_cli import cli
    from rag.settings import get_settings

    monkeypatch.setenv("RAG_HOME", str(corpus_engine.settings.home))
    get_settings.cache_clear()
    monkeypatch.chdir(tmp_path)
    rows = [{"id": "a", "question": "Where did Russia build Iran's first nuclear power plant?", "reference": "Bushehr",
             "gold_docs": ["000_a5ace0b03903e5e5"]},
            {"id": "b", "question": "What is the population of Tehran?", "answerable": False}]
    write_dataset(tmp_path / "ds.jsonl", rows=rows, extra_lines=('{"question": ',))
    try:
        result = CliRunner().invoke(cli, ["eval", "run", "ds.jsonl", "--mode", "extractive", "--judge", "lexical"])
        assert result.exit_code == 0, result.output
        out = tmp_path / "runs" / "ds-extractive"
        assert "2/2 questions" in result.output and "Report: runs/ds-extractive/report.html" in result.output
        assert "target table" in result.output and "by kind, held_out" in result.output
        summary = json.loads((out / "summary.json").read_text())
        assert summary["metrics"]["invalid_quotes"] == 0 and summary["metrics"]["errors"] == 0
        assert summary["dataset_errors"] == ["line 3: broken JSON: Expecting value at column 14"]
        again = CliRunner().invoke(cli, ["eval", "run", "ds.jsonl", "--mode", "extractive", "--judge", "lexical"])
        assert again.exit_code == 0 and len((out / RESULTS).read_text().splitlines()) == 2  # nothing redone
        missing = CliRunner().invoke(cli, ["eval", "run", "nope.jsonl", "--mode", "extractive", "--judge", "lexical"])
        assert missing.exit_code == 1 and "Error: cannot read dataset nope.jsonl" in missing.output
    finally:
        get_settings.cache_clear()
