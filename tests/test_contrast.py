"""Contrast questions (rag.contrast): neighbours of a question with one fact changed, on hand-made text."""
from __future__ import annotations

from rag.contrast import MAX_CONTRASTS, contrasts, replaced
from rag.relations import swapped


def test_the_doer_and_the_one_acted_on_are_exchanged():
    assert swapped("In what year did Russia annex Crimea?") == "In what year did Crimea annex Russia?"
    assert swapped("Which territories did Persian rulers seize from the Russian Empire?") == \
        "Which territories did the Russian Empire seize from Persian rulers?"


def test_a_question_without_two_named_participants_has_no_swap():
    assert swapped("What is Iran's GDP?") is None  # "be" says nothing about who does what
    assert swapped("Who founded the company?") is None  # the asked-about phrase is the unknown
    assert swapped("Why did the talks fail?") is None


def test_a_name_is_replaced_by_another_of_its_kind_from_the_passage():
    passage = "Foreign Minister Sergei Lavrov said on Thursday that the treaty would cover defence."
    assert replaced("What did Lavrov say on Monday about the treaty?", passage) == \
        ["What did Lavrov say on Thursday about the treaty?"]


def test_another_form_of_the_same_name_is_not_a_contrast():
    passage = "Masoud Pezeshkian met Vladimir Putin in Moscow."
    out = replaced("Where did Pezeshkian meet Putin?", passage)
    assert not any("Masoud" in q or "Vladimir" in q for q in out)


def test_contrasts_put_the_swap_first_and_are_capped():
    passage = "Iran sent drones to Russia in 2022 and to Syria in 2019, Israel and Ukraine said on Friday."
    out = contrasts("Which drones did Russia send to Iran in 2021?", passage)
    assert out[0] == "Which drones did Iran send to Russia in 2021?"
    assert len(out) == MAX_CONTRASTS and len(set(out)) == len(out)


def test_only_names_and_numbers_are_replaced_not_what_is_asked():
    passage = "The war began in February 2022, after the annexation of 2014, in the first half."
    assert replaced("In which month and year did the war begin?", passage) == []
    assert replaced("In what year did Russia annex Crimea?", passage) == []
    assert replaced("What happened in 2015?", passage) == ["What happened in February 2022?", "What happened in 2014?"]


def test_a_spokesperson_does_not_stand_against_the_body_they_speak_for():
    article = ("Holmbrook's finance director, Ruth Anand, said the firm had spent £90,000 on new vans since March. "
               "Its rival, Dunmore Haulage, declined to comment.")
    passage = "She (Ruth Anand) said the firm had spent £90,000 on new vans since March."
    question = "How much did Holmbrook say it had spent on new vans since March?"
    out = replaced(question, passage, article)
    assert not any("Ruth Anand" in q for q in out)
    # without the article saying whose director she is, she is another party like any other
    assert any("Ruth Anand" in q for q in replaced(question, passage))
