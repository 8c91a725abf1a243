"""Every import of the code is a declared dependency, and every declared dependency is imported.

Imports are read with ast (inside functions too) and mapped to the installed distributions that ship them.
"""
from __future__ import annotations

import ast
import re
import sys
import tomllib
from importlib.metadata import files, packages_distributions
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OURS = {"rag", "ui", "eval", "bench", "conftest", "newsrag_cli"} | {p.stem for p in (ROOT / "tests").glob("*.py")}
DISTRIBUTIONS = packages_distributions()


def norm(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def requirement_names(lines: list[str]) -> set[str]:
    return {norm(re.split(r"[<>=!~\[;\s]", line.strip())[0]) for line in lines
            if line.strip() and not line.lstrip().startswith("#")}


def imported_modules(folders: list[str]) -> dict[str, str]:
    """Third-party module imported -> one file importing it."""
    found = {}
    for folder in folders:
        for path in (ROOT / folder).rglob("*.py"):
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
                if isinstance(node, ast.Import):
                    names = [a.name for a in node.names]
                elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                    names = [node.module]
                else:
                    continue
                for name in names:
                    top = name.split(".")[0]
                    if top not in sys.stdlib_module_names and top not in OURS and top != "__future__":
                        found.setdefault(name, str(path.relative_to(ROOT)))
    return found


def providers(module: str) -> set[str]:
    """The distributions shipping `module`; a namespace package (llama_index) spans several."""
    top = module.split(".")[0]
    candidates = DISTRIBUTIONS.get(top, [])
    if len(candidates) <= 1:
        return {norm(d) for d in candidates}
    prefix = "/".join(module.split(".")[:3])
    return {norm(d) for d in candidates
            if any(str(f) == prefix + ".py" or str(f).startswith(prefix + "/") for f in files(d) or [])}


PROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
# The spaCy model wheel is declared in requirements-nlp.txt, where its sha256 is pinned.
DECLARED = requirement_names(PROJECT["dependencies"]) | requirement_names(
    (ROOT / "requirements-nlp.txt").read_text(encoding="utf-8").splitlines())
TEST_DECLARED = requirement_names(PROJECT["optional-dependencies"]["test"])


def undeclared(folders: list[str], declared: set[str]) -> dict[str, str]:
    return {module: where for module, where in imported_modules(folders).items()
            if not providers(module) & declared}


def test_every_import_of_the_code_is_declared():
    assert undeclared(["rag", "ui", "eval", "bench"], DECLARED) == {}


def test_every_import_of_the_tests_is_declared():
    assert undeclared(["tests"], DECLARED | TEST_DECLARED) == {}


def test_every_declared_dependency_is_imported():
    used = set().union(*(providers(m) for m in imported_modules(["rag", "ui", "eval", "bench", "tests"])))
    assert (DECLARED | TEST_DECLARED) - used == set()
