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


def _sources_for(cosines: dict[str, float]) -> list[str]:
    """select_sources over one chunk whose sentences start with the keys of `cosines`, each with that
    cosine to the question; returns the first words of the sources, best first."""
    import numpy as np

    from rag.context import select_sources
    from rag.schema import Hit

    text = " ".join(f"{w} says something about the treaty here." for w in cosines)
    hit = Hit(chunk_id="c", doc_id="d", title="T", source="s", chunk_index=0, start=0, end=len(text), text=text,
              score=1.0)

    def embed(texts):
        return np.array([[cosines[t.split()[0]], (1 - cosines[t.split()[0]] ** 2) ** 0.5] for t in texts])

    sources = select_sources(np.array([1.0, 0.0]), set(), [hit], {"d": text}, embed, n=6)
    assert [s.n for s in sources] == list(range(1, len(sources) + 1))
    assert all(text[s.start:s.end] == s.text for s in sources)
    return [s.text.split()[0] for s in sources]


def test_sources_far_below_the_best_are_left_out_after_the_first_three():
    # Within 0.6 of the best: kept; further below: left out.
    assert _sources_for({"Alpha": 0.9, "Bravo": 0.8, "Charlie": 0.7, "Delta": 0.35, "Echo": 0.2}) == [
        "Alpha", "Bravo", "Charlie", "Delta"]
    # The best three are always shown, however weak.
    assert _sources_for({"Alpha": 0.9, "Bravo": 0.25, "Charlie": 0.2, "Delta": 0.1}) == ["Alpha", "Bravo", "Charlie"]
