"""Answers judged as answers (the question's premise with the answer filled in) and the relation-level
features, on hand-made rows; two scorings of the same answers give the same summary."""
from __future__ import annotations

from eval.dataset import Item
from eval.judge import Judge
from eval.premise import premise
from eval.relation_features import relation_features
from eval.scoring import judge_as_answer, score_answer, summarise
from rag.schema import Answer, Citation, Sentence, Source

QUOTE = "Russia supplied Iran with drones in 2022."
# Hand-made weights: the test checks the logic around the judge, not the fitted numbers.
WEIGHTS = {"lexical": {"features": ["roles_agree", "coverage"], "coef": [6.0, 4.0], "intercept": -7.0}}


def test_premise_fills_the_answer_into_the_question():
    assert premise("Whom did Iran supply with drones?", "Russia") == "Iran supply with drones Russia."
    assert premise("Who signed the treaty in 2025?", "Putin") == "Putin signed the treaty in 2025."
    assert premise("Which territories did Russia seize?", "It took the Caucasus and much more besides.") \
        == "Russia seize territories."
    assert premise("Did Russia sign the treaty?", "Yes, it did.") == "Russia sign the treaty."
    assert premise("In which year did Russia annex Crimea?", "2014") == "Russia annex Crimea 2014."
    assert premise("How might the ties end the arms race?", "x y z a b c d") == "The ties end the arms race."
    assert premise("Did Russia sign the treaty?", "No.") is None  # a "no" takes nothing for granted
    assert premise("Tell me about Iran.", "x") is None


def test_relation_features_see_swapped_roles_and_moved_dates():
    evidence = "Russia supplied Iran with drones. The treaty was signed in 2025."
    assert relation_features("Russia supplied Iran with drones.", evidence)["roles_agree"] == 1.0
    assert relation_features("Iran supplied Russia with drones.", evidence)["roles_agree"] == 0.0
    assert relation_features("Russia supplied Iran with drones in 2025.", evidence)["numbers_with_event"] == 0.0
    assert relation_features("Russia did not supply Iran with drones.", evidence)["negation_agrees"] == 0.0
    assert relation_features("Russia supplied Iran with drones because of the treaty.", evidence)["cause_backed"] == 0.0
    # A multi-sentence claim is as good as its worst sentence.
    two = relation_features("The treaty was signed in 2025. Iran supplied Russia with drones.", evidence)
    assert two["roles_agree"] == 0.0 and two["numbers_with_event"] == 1.0


def answer(question: str, abstained: bool = False) -> dict:
    cite = Citation(1, "d1", "t", "s", QUOTE, 0, len(QUOTE))
    src = Source(n=1, doc_id="d1", title="t", source="s", start=0, end=len(QUOTE), text=QUOTE, score=1.0)
    return Answer(question=question, standalone_question=question, answer=f"{QUOTE} [1]", abstained=abstained,
                  sentences=[] if abstained else [Sentence(f"{QUOTE} [1]", [1], supported=True)],
                  citations=[] if abstained else [cite], sources=[src], timings={"total_s": 1.0}, model="m").to_json()


def test_a_verbatim_quote_answering_a_near_miss_question_is_not_supported_as_an_answer():
    judge = Judge(None, weights=WEIGHTS)
    right, near_miss = answer("Whom did Russia supply with drones?"), answer("Whom did Iran supply with drones?")
    for a in (right, near_miss):
        sentences = [{"supported": judge.verdict(QUOTE, QUOTE).supported}]
        assert sentences[0]["supported"]  # the sentence is its own quote: supported by it
    assert judge_as_answer(right, [{"supported": True}], judge)["supported_as_answer"] is True
    verdict = judge_as_answer(near_miss, [{"supported": True}], judge)
    assert verdict["premise"] == "Iran supply with drones." and verdict["supported_as_answer"] is False
    assert judge_as_answer(answer("Whom did Iran supply?", abstained=True), [], judge)["supported_as_answer"] is None


def test_two_scorings_of_the_same_answers_give_identical_summaries():
    items = [Item(id=i, line=n, question=q, kind=k, answerable=k == "answerable", reference=QUOTE if k == "answerable" else None)
             for n, (i, q, k) in enumerate((("a1", "Whom did Russia supply with drones?", "answerable"),
                             ("n1", "Whom did Iran supply with drones?", "near_miss")))]

    def run() -> dict:
        judge = Judge(None)  # the shipped lexical judge, real spaCy and MiniLM features
        rows = [{"id": it.id, "item": it.to_json(), **score_answer(it, answer(it.question), {"d1": QUOTE}.get, judge)}
                for it in items]
        return summarise(rows)

    first, second = run(), run()
    assert first == second
    assert first["answers_judged"] == 2 and first["answers_sentences_supported"] == 1.0
    assert first["targets"]["all"]["answered_unanswerable_not_supported"]["of"] == 1
