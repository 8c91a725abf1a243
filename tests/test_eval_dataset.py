"""Loading evaluation datasets: valid rows become Items, every malformed row is one clear error."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from eval.dataset import MAX_ROW_BYTES, load_dataset
from rag.errors import DatasetError


def write_lines(path, lines: list) -> None:
    path.write_bytes(b"\n".join(l if isinstance(l, bytes) else l.encode() for l in lines) + b"\n")


def test_full_row_is_parsed(tmp_path):
    row = {"id": "q1", "kind": "follow_up", "question": "Who built it?",
           "history": [{"role": "user", "content": "Tell me about Bushehr."}, {"role": "assistant", "content": "It is a plant."}],
           "reference": "Russia", "gold_docs": ["001_bb40"], "gold_quotes": ["Russia built it."], "answerable": True}
    write_lines(tmp_path / "d.jsonl", [json.dumps(row)])
    items, errors = load_dataset(tmp_path / "d.jsonl")
    assert errors == []
    (item,) = items
    assert (item.id, item.kind, item.question, item.reference) == ("q1", "follow_up", "Who built it?", "Russia")
    assert item.history[1] == {"role": "assistant", "content": "It is a plant."}
    assert item.gold_docs == ["001_bb40"] and item.gold_quotes == ["Russia built it."] and item.answerable
    assert item.line == 1


def test_minimal_row_gets_defaults_and_a_stable_content_id(tmp_path):
    write_lines(tmp_path / "a.jsonl", ['{"question": "What happened?"}'])
    write_lines(tmp_path / "b.jsonl", ['{"question": "Other?"}', "", '{"question": "What happened?"}'])
    (a,), _ = load_dataset(tmp_path / "a.jsonl")
    items_b, _ = load_dataset(tmp_path / "b.jsonl")
    assert a.answerable is True and a.history == [] and a.reference is None and a.gold_docs == []
    assert a.id.startswith("q-") and a.id == items_b[1].id  # same question, same id, whatever its line
    assert items_b[1].line == 3
    assert items_b[0].id != a.id


def test_malformed_rows_are_listed_with_line_and_field_and_the_rest_loads(tmp_path):
    huge = json.dumps({"question": "x" * (MAX_ROW_BYTES + 10)})
    lines = [
        '{"id": "ok1", "question": "Fine?"}',
        '{"question": "broken", ',
        '["a", "list"]',
        '{"id": "n1"}',
        '{"question": 42}',
        '{"question": "   "}',
        '{"question": "q", "answerable": "yes"}',
        '{"question": "q", "gold_docs": [1, 2]}',
        '{"question": "q", "history": "earlier"}',
        '{"question": "q", "history": [{"role": "system", "content": "x"}]}',
        '{"question": "q", "reference": ["a"]}',
        huge,
        b'{"question": "caf\xe9"}',
        '{"id": "ok1", "question": "Same id again"}',
        '{"id": true, "question": "q"}',
        '{"id": 7, "question": "Last and fine"}',
    ]
    write_lines(tmp_path / "d.jsonl", lines)
    items, errors = load_dataset(tmp_path / "d.jsonl")
    assert [i.id for i in items] == ["ok1", "7"]
    got = {(e.line, e.field) for e in errors}
    assert got == {
        (2, None), (3, None), (4, "question"), (5, "question"), (6, "question"), (7, "answerable"),
        (8, "gold_docs"), (9, "history"), (10, "history"), (11, "reference"), (12, None), (13, None),
        (14, "id"), (15, "id"),
    }
    by_line = {e.line: str(e) for e in errors}
    assert "broken JSON" in by_line[2] and by_line[2].startswith("line 2:")
    assert "expected a JSON object" in by_line[3]
    assert "line 4, field 'question': missing" in by_line[4]
    assert "must be a string, got int" in by_line[5]
    assert "over the 100,000-byte limit" in by_line[12]
    assert "UTF-8" in by_line[13]
    assert "duplicate id 'ok1' (first used on line 1)" in by_line[14]


def test_unreadable_or_empty_file_is_a_dataset_error(tmp_path):
    with pytest.raises(DatasetError, match="cannot read dataset"):
        load_dataset(tmp_path / "missing.jsonl")
    with pytest.raises(DatasetError, match="cannot read dataset"):
        load_dataset(tmp_path)
    (tmp_path / "empty.jsonl").write_text("\n\n")
    with pytest.raises(DatasetError, match="empty"):
        load_dataset(tmp_path / "empty.jsonl")


def test_shipped_question_set_loads_without_errors():
    items, errors = load_dataset(Path(__file__).parent.parent / "eval" / "datasets" / "questions.jsonl")
    assert errors == [] and len(items) > 0
