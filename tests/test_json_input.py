"""Bad JSON of any shape or depth, in `rag ask --history` and in evaluation files: one clear line and
exit code 1, never a traceback (deep nesting used to raise RecursionError, bad JSON exited 2)."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import ROOT
from eval.compare import compare_runs
from eval.dataset import load_dataset
from eval.jsonl import read_rows
from rag.errors import InputError
from rag.json_input import load_json, parse_json

DEEP = 100_000
BAD = {
    "deep list": "[" * DEEP + "]" * DEEP,
    "deep object": '{"a":' * DEEP + "1" + "}" * DEEP,
    "deep unclosed": "[" * DEEP,
    "broken": '[{"role": "user", "content": "hi"',
    "huge integer": "[" + "9" * 50_000 + "]",
    "empty": "",
    "trailing junk": "[] []",
}


@pytest.mark.parametrize("name", sorted(BAD))
def test_any_bad_json_is_one_input_error(name):
    with pytest.raises(InputError) as err:
        parse_json(BAD[name], "history file h.json")
    assert "h.json" in str(err.value) and "\n" not in str(err.value)


def test_not_utf8_and_missing_files(tmp_path):
    (tmp_path / "latin1.json").write_bytes(b'["caf\xe9"]')
    with pytest.raises(InputError, match="not UTF-8"):
        load_json(tmp_path / "latin1.json", "history file")
    with pytest.raises(InputError, match="does not exist"):
        load_json(tmp_path / "nope.json", "history file")
    with pytest.raises(InputError, match="is a folder"):
        load_json(tmp_path, "history file")


def _rag(args: list[str], home: Path) -> subprocess.CompletedProcess:
    env = dict(os.environ, RAG_HOME=str(home))
    return subprocess.run([sys.executable, "-m", "newsrag_cli", *args], env=env, cwd=ROOT, capture_output=True,
                          text=True, timeout=120)


@pytest.mark.parametrize("name, content", [("deep", BAD["deep list"]), ("broken", BAD["broken"]),
                                           ("not a list", '{"role": "user"}'), ("deep content", BAD["deep object"])])
def test_cli_history_errors_are_one_line_with_exit_code_1(tmp_path, name, content):
    history = tmp_path / "turns.json"
    history.write_text(content, encoding="utf-8")
    proc = _rag(["ask", "When did it open?", "--history", str(history), "--mode", "extractive"], tmp_path / "home")
    lines = [x for x in proc.stderr.splitlines() if x.strip()]
    assert proc.returncode == 1, proc.stderr
    assert len(lines) == 1 and lines[0].startswith("Error: ") and "Traceback" not in proc.stderr, proc.stderr


def test_cli_missing_history_file_is_exit_code_1(tmp_path):
    proc = _rag(["ask", "q?", "--history", str(tmp_path / "nope.json")], tmp_path / "home")
    assert proc.returncode == 1 and "does not exist" in proc.stderr


def test_eval_files_with_deep_json(tmp_path):
    data = tmp_path / "q.jsonl"
    deep_row = "[" * 20_000 + "]" * 20_000  # under the dataset's 100 KB row limit, far over any parser depth
    data.write_text(json.dumps({"question": "Who?"}) + "\n" + deep_row + "\n", encoding="utf-8")
    items, errors = load_dataset(data)
    assert len(items) == 1 and len(errors) == 1 and "deeply" in str(errors[0])
    results = tmp_path / "results.jsonl"
    results.write_text(json.dumps({"id": "a"}) + "\n" + BAD["deep object"] + "\n", encoding="utf-8")
    assert read_rows(results) == [{"id": "a"}]
    for run in ("a", "b"):
        (tmp_path / run).mkdir()
        (tmp_path / run / "summary.json").write_text(BAD["deep object"], encoding="utf-8")
    with pytest.raises(InputError, match="nested too deeply"):
        compare_runs(tmp_path / "a", tmp_path / "b")
