"""The relation-level faithfulness set is well formed: evidence verbatim from its source, labels balanced,
multi-sentence labels consistent, split by source, and loadable by `rag eval calibrate`."""
from __future__ import annotations

import json
import re
from collections import Counter
from pathlib import Path

from eval.calibrate import is_held_out, load_pairs
from rag.sentences import split_sentences

ROOT = Path(__file__).resolve().parents[1]
SET = ROOT / "eval" / "faithfulness" / "pairs.jsonl"
ROWS = [json.loads(line) for line in SET.read_text(encoding="utf-8").splitlines()]
SUPPORTED = {"supported_verbatim", "supported_paraphrase"}
UNSUPPORTED = {"swapped_roles", "reversed_direction", "date_moved", "place_moved", "wrong_number", "wrong_entity",
               "wrong_speaker", "negation", "antonym", "unsupported_because", "overclaim"}


def _sources() -> dict[str, str]:
    texts = {p.stem: p.read_text(encoding="utf-8").replace("**", "") for p in (ROOT / "corpus").glob("*.txt")}
    for line in (ROOT / "eval" / "halueval" / "pairs.jsonl").read_text(encoding="utf-8").splitlines():
        row = json.loads(line)
        texts.setdefault(row["id"][:-1], row["context"])
    return texts


def test_evidence_is_verbatim_one_to_three_sentences_and_labels_follow_the_kinds():
    texts = _sources()
    for r in ROWS:
        assert r["source_doc"] in texts, r["id"]
        # Multi-sentence evidence may join two passages of one source with a space.
        assert all(part in texts[r["source_doc"]] for part in _passages(r, texts[r["source_doc"]])), r["id"]
        kinds = [s["kind"] for s in r["sentences"]] if "sentences" in r else [r["kind"]]
        labels = [s["label"] for s in r["sentences"]] if "sentences" in r else [r["label"]]
        assert all((k in SUPPORTED) == bool(y) and k in SUPPORTED | UNSUPPORTED for k, y in zip(kinds, labels)), r["id"]
        assert r["label"] == int(all(labels)), r["id"]
        assert r["split"] == ("held_out" if is_held_out(r["source_doc"]) else "tune"), r["id"]
        assert 1 <= len(split_sentences(_unglued(r["context"]))) <= 3, r["id"]


def _unglued(text: str) -> str:
    """HaluEval passages glue sentences together ("...century.First for Women is..."): part them."""
    return re.sub(r"(?<=[a-z0-9)\]\"”])\.(?=[A-Z\"“])", ". ", text)


def _passages(row: dict, source: str) -> list[str]:
    if row["context"] in source:
        return [row["context"]]
    for i in range(len(row["context"])):  # two verbatim passages joined by one space
        a, b = row["context"][:i], row["context"][i + 1:]
        if row["context"][i] == " " and a in source and b in source:
            return [a, b]
    return [row["context"]]


def test_size_balance_and_multi_sentence_answers():
    assert len(ROWS) >= 300 and len({r["id"] for r in ROWS}) == len(ROWS)
    for split in ("tune", "held_out"):
        labels = Counter(r["label"] for r in ROWS if r["split"] == split)
        assert abs(labels[1] - labels[0]) <= 0.05 * (labels[0] + labels[1]), (split, labels)
    multi = [r for r in ROWS if "sentences" in r]
    assert len(multi) >= 40 and sum(r["label"] for r in multi) * 2 == len(multi)
    assert all(2 <= len(r["sentences"]) <= 3 for r in multi)
    assert all(sum(1 - s["label"] for s in r["sentences"]) == 1 for r in multi if not r["label"])  # one error each


def test_calibrate_splits_it_by_source():
    pairs = load_pairs(SET)
    assert len(pairs) == len(ROWS) and {p.record for p in pairs} == {r["source_doc"] for r in ROWS}
    assert sum(p.multi for p in pairs) == sum("sentences" in r for r in ROWS)
