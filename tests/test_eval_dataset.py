"""Loading evaluation datasets: valid rows become Items, every malformed row is one clear error."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from eval.dataset import MAX_ROW_BYTES, Item, is_held_out, load_dataset, record_of, select_split, split_of
from rag.errors import DatasetError, InputError


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


# --- tune / held-out halves ---------------------------------------------------------------------


def test_the_half_of_an_id_is_fixed_by_its_hash():
    # Pinned: changing the hash would silently move questions between the halves of every past run.
    assert [split_of(i) for i in ("q001", "q002", "q003", "when", "built")] == \
        ["tune", "held-out", "tune", "held-out", "tune"]
    assert is_held_out("q002") and not is_held_out("q001")


def test_questions_of_one_record_share_a_half():
    assert [record_of(i) for i in ("h042a", "h042b", "h042", "q007", "built", "x1y")] == \
        ["h042", "h042", "h042", "q007", "built", "x1"]
    records = [f"h{n:03d}" for n in range(60)]
    assert {split_of(r + "a") for r in records} == {"tune", "held-out"}
    assert all(split_of(r + "a") == split_of(r + "b") == split_of(r) for r in records)


def test_select_split_partitions_in_file_order_whatever_else_is_in_the_file():
    items = [Item(id=f"x{i}", line=i, question=f"question {i}?") for i in range(40)]
    tune, held = select_split(items, "tune"), select_split(items, "held-out")
    assert tune and held and not {i.id for i in tune} & {i.id for i in held}
    assert sorted(tune + held, key=lambda i: i.line) == items == select_split(items, "all")
    assert [i.line for i in tune] == sorted(i.line for i in tune)
    # Adding, dropping or reordering other rows never moves a question to the other half.
    subset = items[15:][::-1]
    assert [i.id for i in select_split(subset, "tune")] == [i.id for i in reversed(tune) if i.line >= 15]


def test_unknown_split_is_a_clear_error():
    with pytest.raises(InputError, match="unknown split 'test'; use one of: tune, held-out, all"):
        select_split([], "test")


@pytest.mark.parametrize("name", ["questions.jsonl", "wiki_questions.jsonl"])
def test_shipped_sets_are_balanced_per_kind_across_the_halves(name):
    items, errors = load_dataset(Path(__file__).parent.parent / "eval" / "datasets" / name)
    assert not errors
    kinds = {it.kind for it in items}
    for kind in kinds:
        of_kind = [it for it in items if it.kind == kind]
        held = len(select_split(of_kind, "held-out"))
        assert held and held < len(of_kind), f"{kind}: one half is empty"
        if len(of_kind) >= 20:
            assert 0.3 <= held / len(of_kind) <= 0.7, f"{kind}: {held} of {len(of_kind)} held out"


def test_every_trial_article_has_its_questions():
    """eval/datasets/trials: each article with 10 answerable questions (with a reference) and 12 near-misses."""
    trials = Path(__file__).parent.parent / "eval" / "datasets" / "trials"
    stems = sorted(f.stem for f in trials.glob("*.jsonl"))
    assert stems and stems == sorted(f.stem for f in trials.glob("*.md") if f.stem != "README")
    for stem in stems:
        items, errors = load_dataset(trials / f"{stem}.jsonl")
        assert not errors, (stem, errors)
        assert sum(it.answerable and bool(it.reference) for it in items) == 10, stem
        assert sum(it.kind == "near_miss" and not it.answerable for it in items) == 12, stem
        assert stem in (trials / "README.md").read_text()
