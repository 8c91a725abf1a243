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


def test_a_phrase_the_reference_quotes_must_be_said_whole():
    label = Item(id="q050", line=1, question="What label is often applied to the Russia\u2013Iran relationship?",
                 reference='"Strategic transactionalism."', gold_docs=["004_d8874eefefe0925a"])
    # Half the quoted label is another label: the judge once counted this one correct.
    half = answer("The relationship is often labeled as a robust and multifaceted strategic alliance [1].")
    assert answer_containment(half["answer"], label.reference, label.question) >= 0.5  # passes on its own
    assert not answer_correct(label, half)["correct"]
    assert answer_correct(label, answer('It is often described as "strategic transactionalism" [1].'))["correct"]
    # Curly quotes, single or double, and any wording around the quoted phrase.
    leader = Item(id="q022", line=2, question="What did Iran's top leader say US military action would cause?",
                  reference="\u2018Irreparable damage.\u2019")
    assert answer_correct(leader, answer("It would cause \u2018irreparable damage,\u2019 he warned [1]."))["correct"]
    assert not answer_correct(leader, answer("It would cause damage [1]."))["correct"]
    view = Item(id="q033", line=3, question="How did Putin characterise his worldview compared with Pezeshkian's?",
                reference="He said they share a \u201cvery close\u201d worldview.")
    assert answer_correct(view, answer('Putin said they share a "very close" worldview [1].'))["correct"]
    assert not answer_correct(view, answer("Putin said they share a similar worldview [1]."))["correct"]
