"""The second labelled set (HaluEval passages as documents) is well formed and its evidence is real.

Every gold quote and every near-miss source sentence must be a whole sentence of its document as ingest
stores it (the real reader and cleaner, no model); the documents must be exactly what the builder
makes from eval/halueval; and no passage held back for the unanswerable questions may be in the corpus.
"""
from __future__ import annotations

import json
import re
from collections import Counter
from pathlib import Path

import pytest

from eval.dataset import record_of
from eval.datasets.wiki import build
from test_dataset_file import CHANGES, NO_ANSWER, OPTIONAL, REQUIRED

ROOT = Path(__file__).resolve().parents[1]
DATASET = ROOT / "eval" / "datasets" / "wiki_questions.jsonl"
DOCS = build.DOCS
MINIMUMS = {"answerable": 100, "unanswerable": 25, "near_miss": 35}

ROWS = [json.loads(line) for line in DATASET.read_text(encoding="utf-8").splitlines() if line.strip()]
IDS = [r.get("id", "?") for r in ROWS]


def _doc(row: dict) -> Path:
    return DOCS / f"{record_of(row['id'])}.txt"


@pytest.mark.parametrize("row", ROWS, ids=IDS)
def test_fields_and_labels(row):
    assert set(REQUIRED) <= set(row) <= set(REQUIRED) | set(OPTIONAL) - {"history"}
    for name, typ in {**REQUIRED, **OPTIONAL}.items():
        assert name not in row or isinstance(row[name], typ), f"{name} should be {typ.__name__}"
    assert re.fullmatch(r"h\d{3}[a-z]", row["id"]), "ids are <record><letter>: the record the question was written from"
    assert row["kind"] in MINIMUMS and row["question"].strip() and row["reference"].strip()
    if row["answerable"]:
        assert row["kind"] == "answerable" and row["reference"] != NO_ANSWER
        assert row["gold_docs"] == [record_of(row["id"])] and row["gold_quotes"]
    else:
        assert row["kind"] != "answerable" and row["reference"] == NO_ANSWER
        assert row["gold_docs"] == [] and row["gold_quotes"] == []
    near_miss = row["kind"] == "near_miss"
    assert ({"near_miss_of", "change"} <= set(row)) == near_miss == bool({"near_miss_of", "change"} & set(row))
    assert not near_miss or row["change"] in CHANGES


def test_ids_unique_and_kinds_above_their_minimum():
    assert len(set(IDS)) == len(IDS)
    counts = Counter(r["kind"] for r in ROWS)
    assert all(counts[k] >= n for k, n in MINIMUMS.items()), counts


def test_near_miss_changes_are_mixed():
    changes = Counter(r["change"] for r in ROWS if r["kind"] == "near_miss")
    assert len(changes) >= 6 and max(changes.values()) <= 0.4 * sum(changes.values()), changes


@pytest.mark.parametrize("row", [r for r in ROWS if r["answerable"]], ids=lambda r: r["id"])
def test_gold_quotes_are_whole_sentences_of_the_stored_document(row, stored_sentences):
    assert _doc(row).is_file(), f"no document {_doc(row).name}"
    for quote in row["gold_quotes"]:
        assert quote in stored_sentences(_doc(row)), f"not a whole sentence of {_doc(row).name}: {quote!r}"


@pytest.mark.parametrize("row", [r for r in ROWS if r["kind"] == "near_miss"], ids=lambda r: r["id"])
def test_near_miss_source_is_a_sentence_of_its_document(row, stored_sentences):
    assert _doc(row).is_file(), f"a near-miss is written from a document in the corpus: no {_doc(row).name}"
    assert row["near_miss_of"] in stored_sentences(_doc(row))
    assert row["question"].strip() != row["near_miss_of"].strip()


def test_unanswerable_questions_are_about_left_out_records():
    for row in (r for r in ROWS if r["kind"] == "unanswerable"):
        assert record_of(row["id"]) in build.LEFT_OUT, f"{row['id']}: not about a left-out record"


def test_corpus_is_what_the_builder_makes():
    expected = {rec: paras for rec, paras in build.usable().items() if rec not in build.LEFT_OUT}
    files = {p.stem: p for p in DOCS.iterdir()}
    assert all(p.suffix == ".txt" for p in files.values()), "only documents in the corpus folder"
    assert set(files) == set(expected)
    for rec, paras in expected.items():
        assert files[rec].read_text(encoding="utf-8") == build.document_text(paras), rec


def test_no_left_out_passage_is_in_the_corpus():
    usable = build.usable()
    assert build.LEFT_OUT <= set(usable), "a left-out record must be one that could have been a document"
    corpus = "\n".join(p.read_text(encoding="utf-8") for p in sorted(DOCS.glob("*.txt")))
    for rec in sorted(build.LEFT_OUT):
        for para in usable[rec]:
            assert para not in corpus, f"a paragraph of left-out record {rec} is in the corpus: {para[:80]!r}"


def test_paragraph_split_on_hand_made_passages():
    assert build.paragraphs("It ran in the 19th century.First for Women is a magazine.") == [
        "It ran in the 19th century.", "First for Women is a magazine."]
    assert build.paragraphs('He starred in "Old School".Old School is a 2003 film. It was a hit.') == [
        'He starred in "Old School".', "Old School is a 2003 film. It was a hit."]
    assert build.paragraphs("It ran along U.S. Highway 60.Morehead is a city.") is None  # "S.H": unsure
    assert build.paragraphs('Owned by "Time Inc." It started in 1997.') == ['Owned by "Time Inc." It started in 1997.']
