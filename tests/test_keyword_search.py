"""Keyword search on a real SQLite FTS5 store built by hand (no embedding model): past KEYWORD_BUDGET
chunks, the commonest words of a question are left out of the query so its cost stays bounded."""
from __future__ import annotations

import pytest

import rag.docstore as docstore
from rag.docstore import ChunkRow, DocStore, keyword_terms


def _store(tmp_path, texts: list[str]) -> DocStore:
    store = DocStore(tmp_path / "docs.sqlite")
    rows = [ChunkRow(f"d{i}:0", f"d{i}", 0, 0, len(t), t) for i, t in enumerate(texts)]
    store.mark_pending([(f"d{i}", f"Doc {i}", f"/x/d{i}.txt", "h", t) for i, t in enumerate(texts)])
    store.commit_chunks({f"d{i}": "h" for i in range(len(texts))}, rows)
    return store


TEXTS = [f"The ministers met again on day {i} of the talks." for i in range(40)] + [
    "The ministers signed the pipeline accord in Baku.",
    "A pipeline runs under the sea.",
]


def test_small_corpus_uses_every_word(tmp_path):
    store = _store(tmp_path, TEXTS)
    hits = [c for c, _ in store.keyword_search("Which ministers signed the pipeline accord?", 50)]
    assert hits[0] == "d40:0"
    assert len(hits) == 42  # "ministers" alone matches the 40 meeting chunks too


def test_past_the_budget_the_commonest_words_are_left_out(tmp_path, monkeypatch):
    monkeypatch.setattr(docstore, "KEYWORD_BUDGET", 10)
    store = _store(tmp_path, TEXTS)
    assert store._affordable(keyword_terms("Which ministers signed the pipeline accord?")) == [
        "signed", "pipeline", "accord"]  # "ministers" is in 41 chunks: over the budget
    hits = [c for c, _ in store.keyword_search("Which ministers signed the pipeline accord?", 50)]
    assert hits == ["d40:0", "d41:0"]
    # Only common words: the rarest one is kept, so the search still finds something.
    assert store._affordable(["ministers", "talks"]) == ["talks"]  # 40 chunks against 41


def test_frequencies_follow_new_chunks(tmp_path, monkeypatch):
    monkeypatch.setattr(docstore, "KEYWORD_BUDGET", 10)
    store = _store(tmp_path, TEXTS)
    assert "accord" in store._affordable(["accord", "pipeline"])
    more = [f"An accord on item {i}." for i in range(30)]
    rows = [ChunkRow(f"e{i}:0", f"e{i}", 0, 0, len(t), t) for i, t in enumerate(more)]
    store.mark_pending([(f"e{i}", f"E {i}", f"/x/e{i}.txt", "h", t) for i, t in enumerate(more)])
    store.commit_chunks({f"e{i}": "h" for i in range(len(more))}, rows)
    assert store._affordable(["accord", "pipeline"]) == ["pipeline"]  # "accord" is now common


@pytest.mark.parametrize("word", ["ministers", "signed", "running", "technology", "agreements"])
def test_stems_match_the_index(tmp_path, word):
    store = _store(tmp_path, [f"Some {word} here.", "Other text."])
    row = store.read("SELECT doc FROM chunk_vocab WHERE term = ?", (docstore._stem(word),))
    assert row and row[0][0] == 1
