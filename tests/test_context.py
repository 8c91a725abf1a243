"""Context selection (rag.context): which source sentences the model gets to see. Pure functions."""
from __future__ import annotations

from rag.context import sentence_score, term_overlap, term_rarity


def test_rare_question_terms_count_more_than_ones_every_sentence_has():
    # As in this corpus: every candidate sentence names Russia and Iran, one in twenty says "bloc".
    candidates = [{"russia", "iran", "bloc"}] + [{"russia", "iran", f"word{i}"} for i in range(19)]
    rarity = term_rarity({"russia", "iran", "bloc"}, candidates)
    assert rarity["bloc"] > rarity["russia"] == rarity["iran"]
    # Sharing the one rare word says more than sharing the two words all candidates share.
    assert term_overlap(rarity, {"bloc"}) > term_overlap(rarity, {"russia", "iran"})
    assert term_overlap(rarity, {"russia", "iran", "bloc"}) == 1.0
    assert term_overlap({}, {"bloc"}) == 0.0


def test_sentence_score_prefers_statements_and_better_ranked_chunks():
    rarity = {"bloc": 2.0}
    statement = sentence_score(0.5, {"bloc"}, rarity, 0, "They form a bloc.")
    assert statement > sentence_score(0.5, {"bloc"}, rarity, 3, "They form a bloc.")  # lower-ranked chunk
    assert statement > sentence_score(0.5, {"bloc"}, rarity, 0, "Do they form a bloc?")  # a question
    assert statement > sentence_score(0.5, {"bloc"}, rarity, 0, "The bloc")  # a heading
    assert statement > sentence_score(0.5, set(), rarity, 0, "They form a bloc.")  # no shared term
