"""The labelled question set is well formed and every gold quote really is in its article.

A gold quote that is not verbatim in the cleaned article would make the evaluation reward wrong
citations, so the quotes are checked against the corpus itself, not against a copy.
"""
from __future__ import annotations

import json
import re
from collections import Counter
from functools import lru_cache
from pathlib import Path

import pytest

from rag.sentences import sentence_spans

ROOT = Path(__file__).resolve().parents[1]
DATASET = ROOT / "eval" / "datasets" / "questions.jsonl"
CORPUS = ROOT / "corpus"

MIN_PER_KIND = {"answerable": 36, "unanswerable": 8, "false_premise": 5, "follow_up": 5, "injection": 4,
                "near_miss": 40}
NO_ANSWER = "The articles do not say."
REQUIRED = {"id": str, "kind": str, "question": str, "reference": str, "gold_docs": list, "gold_quotes": list,
            "answerable": bool}
OPTIONAL = {"history": list, "near_miss_of": str, "change": str, "key": str}
NEAR_MISS_FIELDS = {"near_miss_of", "change"}
# How a near-miss question was made from its sentence: the one thing changed (eval/datasets/README.md).
CHANGES = {"swapped_roles", "reversed_direction", "wrong_date", "wrong_place", "antonym", "unlinked_person",
           "wrong_title", "wrong_number", "other"}
# In article 001 headings are glued to the previous sentence ("partnership.The Strategic ..."):
# a lower-case letter, a full stop and a capital with no space never occurs inside a real sentence.
GLUED_HEADING = re.compile(r"[a-z]\.[A-Z]")


@lru_cache(maxsize=None)
def _sentences(doc_id: str) -> frozenset[str]:
    text = _article(doc_id)
    return frozenset(text[a:b] for a, b in sentence_spans(text))


def _rows() -> list[dict]:
    lines = DATASET.read_text(encoding="utf-8").splitlines()
    return [json.loads(line) for line in lines if line.strip()]


@lru_cache(maxsize=None)
def _article(doc_id: str) -> str:
    # The product strips markdown bold markers while cleaning; quotes refer to that text.
    return (CORPUS / f"{doc_id}.txt").read_text(encoding="utf-8").replace("**", "")


ROWS = _rows()


def test_every_line_is_a_json_object():
    for n, line in enumerate(DATASET.read_text(encoding="utf-8").splitlines(), 1):
        assert line.strip(), f"line {n} is blank"
        assert isinstance(json.loads(line), dict), f"line {n} is not an object"


@pytest.mark.parametrize("row", ROWS, ids=[r.get("id", "?") for r in ROWS])
def test_fields_and_types(row):
    assert set(REQUIRED) <= set(row), f"missing {set(REQUIRED) - set(row)}"
    assert set(row) <= set(REQUIRED) | set(OPTIONAL), f"unknown fields {set(row) - set(REQUIRED) - set(OPTIONAL)}"
    for name, typ in {**REQUIRED, **OPTIONAL}.items():
        if name in row:
            assert isinstance(row[name], typ), f"{name} should be {typ.__name__}"
    assert re.fullmatch(r"q\d{3}", row["id"])
    assert row["kind"] in MIN_PER_KIND
    assert row["question"].strip() and row["reference"].strip()
    assert all(isinstance(d, str) for d in row["gold_docs"])
    assert all(isinstance(q, str) and q.strip() for q in row["gold_quotes"])


@pytest.mark.parametrize("row", [r for r in ROWS if "key" in r], ids=lambda r: r["id"])
def test_a_labelled_key_is_in_the_reference_and_the_gold_sentence(row):
    from eval.correctness import normalize

    key = " ".join(normalize(row["key"]))
    assert key and f" {key} " in f" {' '.join(normalize(row['reference']))} "
    assert any(f" {key} " in f" {' '.join(normalize(q))} " for q in row["gold_quotes"])


def test_ids_unique():
    ids = Counter(r["id"] for r in ROWS)
    assert not [i for i, n in ids.items() if n > 1]


def test_kind_minimums():
    counts = Counter(r["kind"] for r in ROWS)
    short = {k: (counts[k], need) for k, need in MIN_PER_KIND.items() if counts[k] < need}
    assert not short, f"kinds below their minimum (have, need): {short}"


def test_answerable_questions_cover_every_article():
    per_doc = Counter(d for r in ROWS if r["kind"] == "answerable" for d in r["gold_docs"])
    for path in sorted(CORPUS.glob("*.txt")):
        assert per_doc[path.stem] >= 4, f"{path.stem} has only {per_doc[path.stem]} answerable questions"


def test_the_bushehr_question_is_there():
    row = next(r for r in ROWS if r["question"] == "Where did Russia build Iran's first nuclear power plant?")
    assert row["gold_docs"] == ["001_bb4054422fb8fb17"]
    assert "Bushehr" in row["reference"] and "2013" in row["reference"]


@pytest.mark.parametrize("row", ROWS, ids=[r["id"] for r in ROWS])
def test_labels_agree_with_answerability(row):
    if row["answerable"]:
        assert row["kind"] != "unanswerable"
        assert row["gold_docs"] and row["gold_quotes"], "an answerable row needs its evidence"
        assert row["reference"] != NO_ANSWER
    else:
        assert row["kind"] in ("unanswerable", "injection", "near_miss")
        assert row["gold_docs"] == [] and row["gold_quotes"] == []
        assert row["reference"] == NO_ANSWER


@pytest.mark.parametrize("row", [r for r in ROWS if r["kind"] == "follow_up"], ids=lambda r: r["id"])
def test_follow_ups_carry_one_or_two_turns(row):
    history = row.get("history")
    assert history and len(history) in (2, 4), "a follow-up needs 1-2 user/assistant turns"
    for i, msg in enumerate(history):
        assert set(msg) == {"role", "content"}
        assert msg["role"] == ("user" if i % 2 == 0 else "assistant")
        assert isinstance(msg["content"], str) and msg["content"].strip()


def test_gold_docs_exist():
    missing = {d for r in ROWS for d in r["gold_docs"] if not (CORPUS / f"{d}.txt").is_file()}
    assert not missing


@pytest.mark.parametrize("row", [r for r in ROWS if r["gold_quotes"]], ids=lambda r: r["id"])
def test_gold_quotes_are_verbatim_on_one_line(row):
    texts = [_article(d) for d in row["gold_docs"]]
    for quote in row["gold_quotes"]:
        assert "\n" not in quote and "**" not in quote
        assert not GLUED_HEADING.search(quote), f"quote runs into a glued heading: {quote!r}"
        assert any(quote in t for t in texts), f"not verbatim in {row['gold_docs']}: {quote!r}"
    for doc, text in zip(row["gold_docs"], texts):
        assert any(q in text for q in row["gold_quotes"]), f"{doc} is a gold doc without a gold quote"


@pytest.mark.parametrize("row", [r for r in ROWS if r["gold_quotes"]], ids=lambda r: r["id"])
def test_gold_quotes_are_whole_sentences(row):
    # The product quotes whole sentences from sentence_spans, so a gold quote must be one of them.
    for quote in row["gold_quotes"]:
        assert any(quote in _sentences(d) for d in row["gold_docs"]), f"not a whole sentence of {row['gold_docs']}: {quote!r}"


@pytest.mark.parametrize("row", ROWS, ids=[r["id"] for r in ROWS])
def test_near_miss_rows_say_what_they_changed(row):
    if row["kind"] != "near_miss":
        assert not NEAR_MISS_FIELDS & set(row), "only near-miss rows carry near_miss_of / change"
        return
    assert NEAR_MISS_FIELDS <= set(row), "a near-miss row names its source sentence and the change made"
    assert row["change"] in CHANGES
    assert not row["answerable"] and row["reference"] == NO_ANSWER
    assert row["question"].strip() != row["near_miss_of"].strip()


def test_near_miss_changes_are_mixed():
    changes = Counter(r["change"] for r in ROWS if r["kind"] == "near_miss")
    assert len(changes) >= 6 and max(changes.values()) <= 0.4 * sum(changes.values()), changes


@pytest.mark.parametrize("row", [r for r in ROWS if r["kind"] == "near_miss"], ids=lambda r: r["id"])
def test_near_miss_source_is_a_stored_sentence(row, stored_sentences):
    # The sentence the question was derived from, exactly as ingest stores the article (reader + cleaner).
    assert any(row["near_miss_of"] in stored_sentences(p) for p in sorted(CORPUS.glob("*.txt"))), \
        f"not a whole sentence of any cleaned article: {row['near_miss_of']!r}"
