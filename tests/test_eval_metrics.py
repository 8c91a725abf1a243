"""Metric functions on hand-made answers whose right scores are known."""
from __future__ import annotations

import pytest

from eval.metrics import (
    abstention_scores, doc_key, percentile, quote_checks, quote_found, ranked_docs, recall_at_k,
    reciprocal_rank, strip_markers,
)
from rag.schema import Answer, Citation, Sentence, Source

ARTICLE = "Bushehr is a nuclear plant in Iran. Russia built it and it opened in 2011. Tehran praised it."


def source(n: int, doc_id: str, start: int = 0, end: int = 35) -> Source:
    return Source(n=n, doc_id=doc_id, title=doc_id, source=f"corpus/{doc_id}.txt", start=start, end=end,
                  text=ARTICLE[start:end], score=1.0 / n)


def answer_with(citations: list[Citation], sources: list[Source]) -> dict:
    return Answer(question="q", standalone_question="q", answer="a", abstained=False,
                  sentences=[Sentence("a", [c.n for c in citations])], citations=citations, sources=sources,
                  timings={"total_s": 1.0}, model="m").to_json()


def test_quote_validity_checks_exact_offsets_in_the_stored_article():
    good = Citation(1, "d1", "t", "s", "Russia built it", 36, 51)
    shifted = Citation(2, "d1", "t", "s", "Russia built it", 37, 52)
    other_text = Citation(3, "d1", "t", "s", "Russia built them", 36, 53)
    gone = Citation(4, "deleted", "t", "s", "Russia built it", 36, 51)
    empty = Citation(5, "d1", "t", "s", "", 0, 0)
    ans = answer_with([good, shifted, other_text, gone, empty], [source(1, "d1")])
    articles = {"d1": ARTICLE}
    checks = quote_checks(ans, articles.get)
    assert ARTICLE[36:51] == "Russia built it"
    assert [c["valid"] for c in checks] == [True, False, False, False, False]


def test_ranked_docs_keeps_first_occurrence_order():
    ans = answer_with([], [source(1, "b"), source(2, "a"), source(3, "b"), source(4, "c")])
    assert ranked_docs(ans) == ["b", "a", "c"]


def test_recall_at_k_and_reciprocal_rank():
    ranked = ["b", "a", "c"]
    assert recall_at_k(ranked, ["a"], 1) == 0.0
    assert recall_at_k(ranked, ["a"], 2) == 1.0
    assert recall_at_k(ranked, ["a", "z"], 3) == 0.5
    assert reciprocal_rank(ranked, ["a"]) == 0.5
    assert reciprocal_rank(ranked, ["c", "a"]) == 0.5  # the first gold hit counts
    assert reciprocal_rank(ranked, ["z"]) == 0.0
    with pytest.raises(ValueError):
        recall_at_k(ranked, [], 3)


def test_gold_docs_may_be_file_names():
    assert doc_key("corpus/001_bb4054422fb8fb17.txt") == doc_key("001_bb4054422fb8fb17") == "001_bb4054422fb8fb17"
    assert recall_at_k(["001_bb40"], ["001_bb40.txt"], 1) == 1.0


def test_strip_markers():
    assert strip_markers("It opened in 2011 [1]. Russia built it [2, 3].") == "It opened in 2011. Russia built it."


def test_abstention_precision_and_recall():
    # (answerable, abstained): one right refusal, one wrong refusal, one missed refusal, one normal answer
    s = abstention_scores([(False, True), (True, True), (False, False), (True, False)])
    assert s == {"precision": 0.5, "recall": 0.5, "abstained": 2, "unanswerable": 2}
    assert abstention_scores([(True, False)])["precision"] is None


def test_percentile_interpolates_like_numpy():
    assert percentile([], 50) is None
    assert percentile([3.0], 95) == 3.0
    assert percentile([1.0, 2.0, 3.0, 4.0], 50) == 2.5
    assert percentile([float(i) for i in range(1, 101)], 95) == pytest.approx(95.05)


def test_quote_found_ignores_case_and_spacing():
    assert quote_found("russia  built\nit", [ARTICLE])
    assert not quote_found("China built it", [ARTICLE])


def test_balanced_accuracy_is_sklearns():
    import random

    from sklearn.metrics import balanced_accuracy_score

    from eval.calibrate import balanced_accuracy

    rng = random.Random(1)
    for _ in range(100):
        labels = [0, 1] + [rng.randint(0, 1) for _ in range(28)]
        predicted = [rng.random() < 0.5 for _ in labels]
        assert abs(balanced_accuracy(labels, predicted) - balanced_accuracy_score(labels, predicted)) < 1e-12
    assert balanced_accuracy([1, 1, 1], [True, False, True]) == 2 / 3  # one class: its rate
