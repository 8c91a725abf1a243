"""The faithfulness judge: lexical features, the combined score, the LLM cache, calibration logic,
and (marked llm) the real local model as judge on a few HaluEval pairs."""
from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import make_settings

from eval.calibrate import (
    balanced_accuracy, best_threshold, calibrate, fit_logistic, is_held_out, load_pairs,
)
from eval.features import NEUTRAL, is_verbatim, lexical_features
from eval.judge import Judge, combined_score, is_short, restate
from eval.llm_cache import LLMCache, cache_key
from rag.errors import DatasetError

HALUEVAL = Path(__file__).parent.parent / "eval" / "halueval" / "pairs.jsonl"
PASSAGE = "The Oberoi Group is a hotel company with its head office in Delhi. It was founded in 1934."


def test_lexical_features_catch_a_wrong_name_or_number():
    right = lexical_features("The head office is in Delhi.", PASSAGE)
    wrong_city = lexical_features("The head office is in Mumbai.", PASSAGE)
    wrong_year = lexical_features("It was founded in 1943.", PASSAGE)
    assert right == NEUTRAL
    assert wrong_city["key_coverage"] == 0.0 and wrong_city["missing"] == 0.2
    assert wrong_year["key_coverage"] == 0.0 and wrong_year["support"] < 0.5


def test_words_from_different_sentences_do_not_make_a_supported_claim():
    passage = "Boston College is located in Chestnut Hill.Stanford University is located in California."
    stitched = lexical_features("Stanford University is located in Chestnut Hill.", passage)
    assert stitched["coverage"] == 1.0  # every word is somewhere in the passage...
    assert stitched["sentence_coverage"] == pytest.approx(3 / 5)  # ...but no sentence says it
    assert lexical_features("Boston College is located in Chestnut Hill.", passage)["sentence_coverage"] == 1.0


def test_a_bare_yes_leaves_the_decision_to_the_model():
    assert lexical_features("Yes.", PASSAGE) == NEUTRAL
    assert lexical_features("No, it is in Mumbai.", PASSAGE)["key_coverage"] == 0.0


def test_verbatim_and_restating():
    assert is_verbatim("the oberoi group is a hotel  company", PASSAGE)
    assert not is_verbatim("The Oberoi Group is a bank", PASSAGE)
    assert is_verbatim("the group\u2019s head office", "The Group's head office is in Delhi.")  # quote style
    assert not is_verbatim("It was founded in 19", PASSAGE)  # whole words only
    assert is_short("Delhi") and not is_short("The Oberoi Group has its head office in Delhi.")
    assert restate("Where is  its head office?", "Delhi") == 'The answer to the question "Where is its head office?" is: Delhi'


WEIGHTS = {"lexical": {"features": ["coverage", "missing"], "coef": [4.0, -4.0], "intercept": -2.0}}


def test_lexical_judge_scores_supported_sentences_above_invented_ones():
    judge = Judge(None, weights=WEIGHTS)
    assert judge.name == "lexical"
    copied = judge.verdict("The Oberoi Group is a hotel company with its head office in Delhi.", PASSAGE)
    assert copied.score == 1.0 and copied.features == {"verbatim": 1.0}
    paraphrase = judge.verdict("Delhi hosts the head office of the Oberoi hotel company.", PASSAGE)
    invented = judge.verdict("The Oberoi Group moved its head office to Mumbai in 2020.", PASSAGE)
    assert paraphrase.supported and not invented.supported
    assert paraphrase.score == pytest.approx(combined_score(WEIGHTS["lexical"], paraphrase.features))
    # A short answer is restated with its question and never passes as "verbatim" on its own.
    short = judge.verdict("Delhi", PASSAGE, question="Where is the head office?")
    assert short.claim.startswith("The answer to the question") and "verbatim" not in short.features


def test_a_multi_sentence_claim_has_its_own_boundary():
    model = {"features": ["coverage"], "coef": [2.0], "intercept": -2.5, "multi_sentence_shift": 1.0}
    feats = {"coverage": 1.0}
    assert combined_score(model, feats) < 0.5 < combined_score(model, feats, multi=True)
    judge = Judge(None, weights={"lexical": model})
    two = "The Oberoi Group is a hotel company. Its head office is in Delhi, India."
    assert judge.verdict(two, PASSAGE).score == pytest.approx(combined_score(model, judge.verdict(two, PASSAGE).features, True))


def test_the_model_reads_a_multi_sentence_claim_a_sentence_at_a_time():
    """Asked about a whole answer, the small model says yes to two right sentences and a wrong one; each
    sentence is asked about alone and the answer is as supported as its weakest."""
    class Reader:
        model_name = "fake"

        def __init__(self):
            self.claims = []

        def yes_probability(self, messages):
            claim = messages[-1]["content"].split("Claim: ")[1].split("\n")[0]
            self.claims.append(claim)
            return 0.1 if "Mumbai" in claim else 0.9

    reader = Reader()
    two = "The Oberoi Group is a hotel company. Its head office is in Mumbai."
    _, feats = Judge(reader).pair_features(two, PASSAGE)
    assert feats["llm_yes"] == 0.1
    assert reader.claims == ["The Oberoi Group is a hotel company.", "Its head office is in Mumbai."]
    reader.claims.clear()
    _, feats = Judge(reader).pair_features("Delhi", PASSAGE, "Where is the head office?")  # one claim, restated
    assert feats["llm_yes"] == 0.9 and len(reader.claims) == 1 and reader.claims[0].startswith("The answer to")
    assert feats["restated"] == 1.0  # weighed apart by the combined judge: another regime than a sentence
    assert Judge(reader).pair_features(two, PASSAGE)[1]["restated"] == 0.0


def test_shipped_weights_have_both_judges():
    from eval.judge import load_weights

    weights = load_weights()
    for kind in ("lexical", "combined"):
        assert len(weights[kind]["features"]) == len(weights[kind]["coef"])
    assert "llm_yes" in weights["combined"]["features"]


def test_llm_cache_persists_and_survives_a_torn_line(tmp_path):
    path = tmp_path / "cache.jsonl"
    calls = []

    def compute(v):
        calls.append(v)
        return v

    cache = LLMCache(path)
    key = cache_key("m", "yes", [{"role": "user", "content": "q"}])
    assert cache.get_or_compute(key, lambda: compute(0.25)) == 0.25
    assert cache.get_or_compute(key, lambda: compute(0.99)) == 0.25
    with open(path, "a") as f:
        f.write('{"key": "torn", "val')  # a kill in the middle of a write
    again = LLMCache(path)
    assert again.get_or_compute(key, lambda: compute(0.5)) == 0.25
    other = cache_key("m", "yes", [{"role": "user", "content": "other"}])
    assert again.get_or_compute(other, lambda: compute(0.75)) == 0.75
    assert calls == [0.25, 0.75]
    assert len(LLMCache(path)) == 2  # the torn line was cut off, the new row is intact


def test_balanced_accuracy_and_best_threshold():
    labels = [1, 1, 1, 0]
    assert balanced_accuracy(labels, [True, True, True, True]) == 0.5
    assert balanced_accuracy(labels, [True, True, False, False]) == pytest.approx((2 / 3 + 1) / 2)
    assert best_threshold(labels, [0.9, 0.8, 0.7, 0.2]) == pytest.approx(0.45)


def test_fit_logistic_puts_the_best_threshold_at_one_half():
    feats = [{"x": v} for v in (0.1, 0.2, 0.3, 0.6, 0.7, 0.9, 0.35, 0.65)]
    labels = [0, 0, 0, 1, 1, 1, 0, 1]
    model = fit_logistic(feats, labels, ["x"])
    assert model["coef"][0] > 0
    assert [combined_score(model, f) >= 0.5 for f in feats] == [bool(y) for y in labels]


def test_split_is_by_record_and_stable():
    pairs = load_pairs(HALUEVAL, limit_records=40)
    assert len(pairs) == 80
    for a, b in zip(pairs[::2], pairs[1::2]):
        assert a.record == b.record and is_held_out(a.record) == is_held_out(b.record)
    assert 5 < sum(is_held_out(p.record) for p in pairs) < 75


def test_malformed_labelled_file_names_the_line(tmp_path):
    (tmp_path / "bad.jsonl").write_text('{"id": "a1", "context": "c", "answer": "x", "label": 1}\n{"id": "a2", "context": "c"}\n')
    with pytest.raises(DatasetError, match="line 2"):
        load_pairs(tmp_path / "bad.jsonl")


def test_lexical_calibration_on_a_halueval_subset(tmp_path):
    report = calibrate([HALUEVAL], tmp_path, llm=None, limit_records=60, progress=False)
    held = report["held_out"][str(HALUEVAL)]
    assert report["tune_pairs"] + report["held_out_pairs"] == 120
    # Word coverage is a real signal on this set (0.92 balanced accuracy on all 1,000 pairs), and the
    # fitted lexical judge (0.97 there) must not do worse than coverage alone on this small part.
    assert held["coverage_only"]["balanced_accuracy"] > 0.75
    assert held["lexical"]["balanced_accuracy"] >= held["coverage_only"]["balanced_accuracy"] - 0.05
    weights = json.loads((tmp_path / "judge_weights.json").read_text())
    assert weights["lexical"]["features"][:5] == ["support", "coverage", "key_coverage", "sentence_coverage", "missing"]
    assert "roles_agree" in weights["lexical"]["features"]  # the relation-level signals are fitted too
    # The held-out figures travel with the weights, for the run report.
    assert weights["lexical"]["validation"]["held_out"][str(HALUEVAL)]["pairs"] == report["held_out_pairs"]
    assert report["seconds_per_pair"]["lexical"] < 0.05


# ---- the real local model -----------------------------------------------------------------------

@pytest.fixture(scope="module")
def local_judge_client(tmp_path_factory):
    from eval.judge import judge_client

    client = judge_client(make_settings(tmp_path_factory.mktemp("judge-home")))
    yield client
    if client._server is not None:
        client._server.stop()


@pytest.mark.llm
def test_local_model_judge_is_deterministic_and_separates_a_halueval_pair(local_judge_client, tmp_path):
    judge = Judge(local_judge_client, cache=LLMCache(tmp_path / "c.jsonl"))
    pairs = load_pairs(HALUEVAL, limit_records=2)  # h000 and h001: right and hallucinated answers
    scores = {p.id: judge.verdict(p.answer, p.context, p.question).score for p in pairs}
    assert scores["h001r"] > scores["h001h"] and scores["h000r"] > scores["h000h"]
    fresh = Judge(local_judge_client)  # no cache: the model itself must give the same numbers
    assert {p.id: fresh.verdict(p.answer, p.context, p.question).score for p in pairs} == scores


def test_shipped_lexical_weights_scored_on_two_files(tmp_path):
    paraphrase = HALUEVAL.parent.parent / "paraphrase" / "pairs.jsonl"
    report = calibrate([HALUEVAL, paraphrase], tmp_path, llm=None, fit=False, limit_records=20, progress=False)
    current = report["current_weights"]
    assert current[str(HALUEVAL)]["pairs"] == 40 and current[str(paraphrase)]["pairs"] == 40
    assert current[str(HALUEVAL)]["roc_auc"] > 0.8


def test_cost_is_reported_per_pair_and_per_claim_read(tmp_path):
    """The judge's cost target is per claim: an answer of three sentences costs three model calls, each a
    claim read; the report gives both the seconds per pair and per claim (model calls)."""
    import time

    class SlowReader:
        model_name = "slow"

        def yes_probability(self, messages):
            time.sleep(0.02)
            return 0.5

    rows = [{"id": "r1", "context": "A. B. C.", "answer": "Alpha is one. Beta is two. Gamma is three.", "label": 1},
            {"id": "r2", "context": "A.", "answer": "Alpha is one, and so is Delta here.", "label": 0}]
    path = tmp_path / "pairs.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in rows))
    report = calibrate([path], tmp_path / "out", llm=SlowReader(), fit=False, progress=False)
    per_pair, per_claim = report["seconds_per_pair"]["llm_uncached"], report["seconds_per_claim"]["llm_uncached"]
    assert per_claim >= 0.02 and per_pair >= 0.04  # four calls over two pairs
    assert per_claim < per_pair
    again = calibrate([path], tmp_path / "out", llm=SlowReader(), fit=False, progress=False)  # all cached now
    assert again["seconds_per_claim"]["llm_uncached"] is None
