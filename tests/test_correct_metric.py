"""The per-question `correct` verdict (eval/correctness.py via eval/scoring.py): pure logic, no model.

Also a self-check on the labelled set: every reference scored against itself, and every gold sentence
given as an extractive answer, is correct; declining an answerable question never is.
"""
from __future__ import annotations

from pathlib import Path

import pytest

from eval.correctness import key_containment, key_tokens, phrases_held, token_f1
from eval.dataset import Item, load_dataset
from eval.scoring import answer_correct, summarise

DATASET = Path(__file__).resolve().parents[1] / "eval" / "datasets" / "questions.jsonl"
BUSHEHR = Item(id="q", line=1, question="Where did Russia build Iran's first nuclear power plant?",
               reference="In the port of Bushehr; the plant became operational in 2013.",
               gold_docs=["001_bb4054422fb8fb17"],
               gold_quotes=["Russia built Iran’s first nuclear power plant in the port of Bushehr, which became "
                            "operational in 2013."])
GOLD_CITATION = {"n": 1, "doc_id": "001_bb4054422fb8fb17", "quote": BUSHEHR.gold_quotes[0]}


def answer(text: str, abstained: bool = False, citations: list | None = None) -> dict:
    return {"answer": text, "abstained": abstained, "citations": citations or []}


def test_token_f1_uses_squad_normalisation():
    assert token_f1("Russia built the plant [1].", "russia built plant") == 1.0
    # pred: russia built it (3), ref: russia (1): P=1/3, R=1 -> F1=0.5
    assert token_f1("Russia built it.", "Russia") == pytest.approx(0.5)
    assert token_f1("Iran", "Russia") == 0.0
    assert token_f1("", "") == 1.0 and token_f1("", "Russia") == 0.0
    # Curly possessives and dashes normalise like straight ones: "Iran’s 20-year" == "Iran's 20 year".
    assert token_f1("Iran\u2019s 20\u2013year treaty", "Iran's 20 year treaty") == 1.0


def test_key_span_is_what_the_question_lacks_stemmed():
    q = "What brought the early 20th-century Russian occupation of northern Iran to an end?"
    assert key_tokens("The 1917 Bolshevik Revolution ended it.", q) == ["1917", "bolshevik", "revolut"]  # "end" was asked
    assert key_containment("The 1917 Bolshevik Revolution [2].", "The 1917 Bolshevik Revolution ended it.", q) == 1.0
    assert key_containment("Russian troops occupied northern Iran [1].", "The 1917 Bolshevik Revolution ended it.", q) == 0
    # Stems: "active involvement" holds "actively involved"; "wants" is not there.
    assert key_containment("Moscow's active involvement", "Iran wants Moscow actively involved", "Iran?") == 0.75
    # A reference that only restates the question is judged on all its content words.
    assert key_tokens("Russia did.", "Did Russia?") == ["russia"]


def test_answer_with_the_facts_is_correct_and_an_echo_is_not():
    assert answer_correct(BUSHEHR, answer("In the port of Bushehr [1]."))["correct"]
    # The question's own words say nothing: no new fact, not correct even though it cites the right sentence.
    echo = answer_correct(BUSHEHR, answer("Russia built Iran's first nuclear power plant [1].", citations=[GOLD_CITATION]))
    assert not echo["correct"] and echo["gold_doc_cited"] and echo["gold_cited"] and echo["key_containment"] == 0
    wrong = answer_correct(BUSHEHR, answer("In the port of Bandar Abbas [1]."))
    # "port" is half the key span, but the key span's one name, "Bushehr", is missing.
    assert wrong["key_containment"] == 0.5 and wrong["key_names_containment"] == 0
    assert not wrong["correct"] and not wrong["gold_doc_cited"]


def test_an_aside_in_parentheses_may_be_left_out_unless_it_is_the_answer():
    from eval.correctness import correctness
    q = "What did the skipper become after she retired from sailing?"
    ref = "A harbour pilot and boatbuilder (she retired in 1988)."
    assert correctness(q, ref, "She became a harbour pilot and boatbuilder [1].", False, True)["correct"]
    assert correctness(q, ref, "A harbour pilot and boatbuilder, in 1988 [1].", False, True)["correct"]
    assert not correctness(q, ref, "She retired in 1988 [1].", False, True)["correct"]
    # Without its aside the reference names only whom the question asked about: the aside decides.
    q = "Between the rowers Ines Valk and Tomas Brede, who is older?"
    ref = "Tomas Brede (born 1961; Ines Valk was born in 1970)."
    assert not correctness(q, ref, "Ines Valk is older than Tomas Brede [1].", False, True)["correct"]
    assert correctness(q, ref, "Tomas Brede, born in 1961 [1].", False, True)["correct"]


def test_correct_cited_also_needs_the_gold_sentence():
    right = answer_correct(BUSHEHR, answer("It is in the port of Bushehr [1].", citations=[GOLD_CITATION]))
    assert right["correct"] and right["correct_cited"]
    other = {"n": 1, "doc_id": "001_bb4054422fb8fb17", "quote": "Bushehr is a port city."}
    uncited = answer_correct(BUSHEHR, answer("It is in the port of Bushehr [1].", citations=[other]))
    assert uncited["correct"] and not uncited["correct_cited"]


def test_abstaining_is_wrong_when_answerable_and_right_when_not():
    assert not answer_correct(BUSHEHR, answer("The articles don't say.", abstained=True))["correct"]
    none = Item(id="u", line=2, question="What is the population of Tehran?", reference="The articles do not say.",
                answerable=False)
    assert answer_correct(none, answer("The articles don't say.", abstained=True)) == {"correct": True}
    assert answer_correct(none, answer("About nine million [1].")) == {"correct": False}


def test_a_labelled_key_must_be_held_whole():
    # The reference's own words ("premise", "wrong", "not 2015") are not the answer; its key is.
    item = Item(id="f", line=1, question="Why did the Bushehr plant only become operational in 2015?",
                reference="The premise is wrong: the Bushehr plant became operational in 2013, not 2015.", key="2013")
    assert answer_correct(item, answer("The Bushehr plant became operational in 2013 [1]."))["correct"]
    assert not answer_correct(item, answer("The Bushehr plant became operational in 2015 due to delays [1]."))["correct"]
    treaty = Item(id="t", line=2, question="What does the 10-year treaty cover?", key="20-year",
                  reference="The treaty is a 20-year treaty, not 10-year, covering defense and trade.")
    assert not answer_correct(treaty, answer("The 10-year treaty covers defense and trade [1]."))["correct"]
    assert answer_correct(treaty, answer("It is a 20-year treaty covering defense and trade [1]."))["correct"]


def test_the_conversation_counts_as_asked():
    item = Item(id="f", line=1, question="Which country built it?", reference="Russia built the Bushehr plant.",
                history=[{"role": "user", "content": "Tell me about the Bushehr plant."}])
    assert answer_correct(item, answer("Russia [1]."))["correct"]
    assert not answer_correct(item, answer("The Bushehr plant [1]."))["correct"]


def test_a_phrase_the_reference_quotes_must_be_said_whole():
    label = Item(id="l", line=1, question="What label is often applied to the Russia\u2013Iran relationship?",
                 reference='"Strategic transactionalism."', gold_docs=["004_d8874eefefe0925a"])
    half = answer("The relationship is often labeled as a robust and multifaceted strategic alliance [1].")
    assert key_containment(half["answer"], label.reference, label.question) >= 0.5  # passes on its own
    assert not answer_correct(label, half)["correct"]
    assert answer_correct(label, answer('It is often described as "strategic transactionalism" [1].'))["correct"]
    # Curly quotes, single or double, and any wording around the quoted phrase.
    assert phrases_held("It would cause \u2018irreparable damage,\u2019 he warned [1].", "\u2018Irreparable damage.\u2019")
    assert not phrases_held("It would cause damage, irreparable [1].", "\u2018Irreparable damage.\u2019")
    assert phrases_held('Putin said they share a "very close" worldview [1].', "They share a \u201cvery close\u201d worldview.")
    assert not phrases_held("Putin said they share a close worldview [1].", "They share a \u201cvery close\u201d worldview.")


def test_labelled_references_score_themselves_correct():
    items, errors = load_dataset(DATASET)
    assert not errors
    answerable = [it for it in items if it.answerable]
    for it in answerable:
        assert answer_correct(it, answer(it.reference + " [1]."))["correct"], it.id
        assert not answer_correct(it, answer("The articles do not say.", abstained=True))["correct"], it.id
        if it.gold_quotes:  # the gold sentence, given whole as an extractive answer, answers the question
            cited = [{"n": 1, "doc_id": it.gold_docs[0], "quote": it.gold_quotes[0]}]
            assert answer_correct(it, answer(it.gold_quotes[0] + " [1].", citations=cited))["correct_cited"], it.id
    for it in items:
        if not it.answerable:
            assert answer_correct(it, answer("The articles do not say.", abstained=True))["correct"], it.id


def test_summary_reports_correct_shares():
    rows = [{"id": "a", "item": {"answerable": True, "kind": "answerable"},
             "metrics": {"correct": True, "gold_doc_cited": True, "abstained": False, "n_sentences": 1,
                         "n_supported": 1, "quotes_total": 1, "quotes_valid": 1, "citations_supporting": 1,
                         "citations_judged": 1, "supportable_cited": 1, "supportable_sentences": 1}},
            {"id": "e", "item": {"answerable": False, "kind": "unanswerable"},
             "metrics": {"correct": False, "abstained": False, "n_sentences": 1, "n_supported": 0,
                         "quotes_total": 0, "quotes_valid": 0, "citations_supporting": 0, "citations_judged": 0,
                         "supportable_cited": 0, "supportable_sentences": 0}}]
    s = summarise(rows)
    assert s["correct"] == 0.5 and s["correct_answerable"] == 1.0 and s["gold_doc_cited"] == 1.0
    assert s["by_kind"]["unanswerable"]["correct"] == 0.0
    # The target table: id "a" falls in the tune half, "e" in the held-out half.
    t = s["targets"]
    assert t["all"]["answerable_correct"] == {"n": 1, "of": 1, "rate": 1.0}
    assert t["tune"]["declined"] == {"n": 0, "of": 0, "rate": None}
    assert t["held_out"]["declined"] == {"n": 0, "of": 1, "rate": 0.0}
    assert t["held_out"]["by_kind"] == {"unanswerable": {
        "questions": 1, "answerable_correct": {"n": 0, "of": 0, "rate": None},
        "declined": {"n": 0, "of": 1, "rate": 0.0}, "false_abstentions": {"n": 0, "of": 0, "rate": None},
        "quotes_verbatim": {"n": 0, "of": 0, "rate": None},
        # Rows scored before answers were judged as answers count as not judged.
        "answered_unanswerable_not_supported": {"n": 0, "of": 0, "rate": None},
        "answered_answerable_supported": {"n": 0, "of": 0, "rate": None}}}
