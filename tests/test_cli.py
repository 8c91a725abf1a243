"""The `rag` program's layout: the library's commands with the apps composed on top, and arrows pointing down."""
from __future__ import annotations

import ast
import json
import os
import subprocess
import sys
import tomllib
from pathlib import Path

from click.testing import CliRunner

ROOT = Path(__file__).resolve().parent.parent
APPS = {"ui", "eval", "bench"}


def test_the_library_imports_none_of_its_apps():
    """rag/ imports nothing from ui/, eval/ or bench/, not even inside a function."""
    found = []
    for path in sorted((ROOT / "rag").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = [a.name for a in node.names] if isinstance(node, ast.Import) else \
                [node.module or ""] if isinstance(node, ast.ImportFrom) and node.level == 0 else []
            found += [f"{path.relative_to(ROOT)}:{node.lineno} {n}" for n in names if n.split(".")[0] in APPS]
    assert found == []


def test_the_installed_rag_command_is_the_composed_program():
    """What `pip install` puts on PATH runs newsrag_cli, and the package installs that module."""
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    assert project["project"]["scripts"]["rag"] == "newsrag_cli:main"
    assert "newsrag_cli" in project["tool"]["setuptools"]["py-modules"]

    from newsrag_cli import cli

    result = CliRunner().invoke(cli, ["--help"], prog_name="rag")
    assert result.exit_code == 0, result.output
    listed = {line.split()[0] for line in result.output.split("Commands:")[1].splitlines() if line.strip()}
    assert {"ingest", "docs", "search", "ask", "chat", "check", "ui", "eval"} <= listed


def test_rag_docs_loads_neither_a_model_nor_an_app(tmp_path):
    """`rag docs` reads the document store only: no embedding model, vector store, parser or web app."""
    script = ("import sys\nfrom newsrag_cli import main\nsys.argv = ['rag', 'docs']\n"
              "try:\n    main()\nexcept SystemExit as e:\n    assert not e.code, e.code\n"
              "print(json.dumps(sorted({m.split('.')[0] for m in sys.modules})))")
    env = dict(os.environ, RAG_HOME=str(tmp_path / "home"))
    out = subprocess.run([sys.executable, "-c", "import json\n" + script], cwd=ROOT, env=env,
                         capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    assert "0 document(s)" in out.stdout
    loaded = set(json.loads(out.stdout.splitlines()[-1]))
    heavy = {"torch", "transformers", "sentence_transformers", "chromadb", "spacy", "gradio", "openai", "sklearn"}
    assert loaded & heavy == set()


def test_rag_ask_labels_the_streamed_draft_and_the_checked_answer(monkeypatch):
    """The model's words stream as they come, before the checks have read them: they are labelled a draft,
    and the answer printed after is labelled checked (here it declines what the draft said)."""
    import rag.cli as rag_cli
    from rag.schema import Answer

    checked = Answer(question="q", standalone_question="q", answer="The articles don't say.", abstained=True,
                     sentences=[], citations=[], sources=[], timings={"total_s": 1.0}, model="m", mode="local")

    class Streaming:
        def ask_stream(self, *a, **kw):
            yield "token", "Russia sold drones "
            yield "token", "to Iran [1]."
            yield "answer", checked

    monkeypatch.setattr(rag_cli, "_engine", lambda: Streaming())
    out = CliRunner().invoke(rag_cli.cli, ["ask", "Which drones did Russia sell to Iran?"]).output
    draft, _, final = out.partition("checked answer:")
    assert draft.startswith("draft, being checked against the articles:") and "Russia sold drones" in draft
    assert "The articles don't say." in final and "Russia sold" not in final


def test_rag_ask_names_the_words_of_a_sentence_its_quotes_lack(capsys):
    import rag.cli as rag_cli
    from rag.schema import Answer, Sentence

    ans = Answer(question="q", standalone_question="q", answer="40 farms would be flooded [1]. It rose [1].",
                 abstained=False, sentences=[Sentence("40 farms would be flooded.", [1], True, 0.8, ["flooded"]),
                                             Sentence("It rose.", [1], True, 1.0)],
                 citations=[], sources=[], timings={"total_s": 1.0}, model="m")
    rag_cli._print_answer(ans)
    out = capsys.readouterr().out
    assert "not in its quotes (flooded): 40 farms would be flooded." in out and "It rose." not in out.split("\n", 1)[1]


def test_rag_ingest_of_a_path_that_does_not_exist_ingests_the_rest_and_exits_1(tmp_path):
    """A typo in a path is reported and fails the command (scripts see it), the other files are ingested."""
    good = tmp_path / "rail.txt"
    good.write_text("Drivers returned to work on Thursday after the union accepted a revised pay offer.\n",
                    encoding="utf-8")
    env = dict(os.environ, RAG_HOME=str(tmp_path / "home"))
    cmd = [sys.executable, "-c", "from newsrag_cli import main; main()", "ingest"]
    out = subprocess.run(cmd + [str(tmp_path / "rial.txt"), str(good)], cwd=ROOT, env=env,
                         capture_output=True, text=True, timeout=300)
    assert out.returncode == 1, out.stdout + out.stderr
    assert "rial.txt: no such file or directory" in out.stdout
    assert "Ingested 1 new" in out.stdout
    again = subprocess.run(cmd + [str(good)], cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
    assert again.returncode == 0, again.stdout + again.stderr
