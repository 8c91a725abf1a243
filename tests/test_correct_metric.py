"""The per-question `correct` verdict of eval/scoring.py (pure logic, no model)."""
from __future__ import annotations

from eval.dataset import Item
from eval.scoring import answer_containment, answer_correct, summarise

BUSHEHR = Item(id="q", line=1, question="Where did Russia build Iran's first nuclear power plant?",
               reference="In the port of Bushehr; the plant became operational in 2013.",
               gold_docs=["001_bb4054422fb8fb17"],
               gold_quotes=["Russia built Iran’s first nuclear power plant in the port of Bushehr, which became "
                            "operational in 2013."])
GOLD_CITATION = {"n": 1, "doc_id": "001_bb4054422fb8fb17", "quote": BUSHEHR.gold_quotes[0]}


def answer(text: str, abstained: bool = False, citations: list | None = None) -> dict:
    return {"answer": text, "abstained": abstained, "citations": citations or []}


def test_answer_with_the_facts_is_correct_and_an_echo_is_not():
    assert answer_correct(BUSHEHR, answer("In the port of Bushehr [1]."))["correct"]
    # The question's own words say nothing: no new fact, not correct even though it cites the right article.
    echo = answer_correct(BUSHEHR, answer("Russia built Iran's first nuclear power plant [1].", citations=[GOLD_CITATION]))
    assert not echo["correct"] and echo["gold_doc_cited"] and echo["answer_containment"] == 0
    wrong = answer_correct(BUSHEHR, answer("In the port of Bandar Abbas [1]."))
    assert not wrong["correct"] and not wrong["gold_doc_cited"]


def test_abstaining_is_wrong_when_answerable_and_right_when_not():
    assert not answer_correct(BUSHEHR, answer("The articles don't say.", abstained=True))["correct"]
    none = Item(id="u", line=2, question="What is the population of Tehran?", reference="The articles do not say.",
                answerable=False)
    assert answer_correct(none, answer("The articles don't say.", abstained=True)) == {"correct": True}
    assert answer_correct(none, answer("About nine million [1].")) == {"correct": False}


def test_containment_counts_only_what_the_question_lacks():
    q = "What brought the early 20th-century Russian occupation of northern Iran to an end?"
    assert answer_containment("The 1917 Bolshevik Revolution [2].", "The 1917 Bolshevik Revolution ended it.", q) == 1.0
    assert answer_containment("Russian troops occupied northern Iran [1].", "The 1917 Bolshevik Revolution ended it.", q) < 0.5


def test_summary_reports_correct_shares():
    rows = [{"item": {"answerable": True, "kind": "answerable"},
             "metrics": {"correct": True, "gold_doc_cited": True, "abstained": False, "n_sentences": 1,
                         "n_supported": 1, "quotes_total": 1, "quotes_valid": 1, "citations_supporting": 1,
                         "citations_judged": 1, "supportable_cited": 1, "supportable_sentences": 1}},
            {"item": {"answerable": False, "kind": "unanswerable"},
             "metrics": {"correct": False, "abstained": False, "n_sentences": 1, "n_supported": 0,
                         "quotes_total": 0, "quotes_valid": 0, "citations_supporting": 0, "citations_judged": 0,
                         "supportable_cited": 0, "supportable_sentences": 0}}]
    s = summarise(rows)
    assert s["correct"] == 0.5 and s["correct_answerable"] == 1.0 and s["gold_doc_cited"] == 1.0
    assert s["by_kind"]["unanswerable"]["correct"] == 0.0
