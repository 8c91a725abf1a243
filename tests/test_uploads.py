"""Uploads ingest in the background with progress, while questions go on; a large article is cleaned and
chunked in a child process with exactly the result the server would have computed itself."""
from __future__ import annotations

import shutil
import threading

import pytest

import rag.offload
from bench.cleaning import big_article
from conftest import CORPUS, make_settings
from rag.engine import Engine
from rag.offload import prepare_article
from ui.uploads import follow, start_upload


@pytest.fixture(scope="module")
def engine(tmp_path_factory):
    corpus = tmp_path_factory.mktemp("corpus")
    for f in sorted(CORPUS.iterdir())[:2]:
        shutil.copy(f, corpus / f.name)
    e = Engine(make_settings(tmp_path_factory.mktemp("home"), corpus_dir=corpus, mode="extractive",
                             embed_batch_size=16))
    e.ingest([corpus])
    return e


def test_an_upload_runs_in_the_background_with_progress_while_questions_are_answered(engine, tmp_path):
    article = tmp_path / "harbour wire.txt"
    article.write_text(big_article(60_000), encoding="utf-8")  # ~140 passages: several progress steps
    (tmp_path / "links.md").write_text("[a](http://x.example/a)\n[b](http://x.example/b)\n")
    job = start_upload(engine, [article, tmp_path / "links.md"])
    seen, answered_meanwhile = [], 0
    for state in follow(job, every_s=0.2):
        seen.append((state.fraction, state.stage))
        if state.result is None and answered_meanwhile < 3:
            assert engine.ask("Who built the power plant at Bushehr?", mode="extractive").answer
            answered_meanwhile += 1 if not job.done.is_set() else 0
    assert answered_meanwhile >= 1, "no question was answered while the upload was being ingested"
    assert any("Embedding" in stage for _, stage in seen), seen
    fractions = [f for f, _ in seen]
    assert fractions == sorted(fractions) and 0 <= fractions[0] and fractions[-1] <= 1.0, fractions
    result = job.result
    assert len(result.added) == 1 and "harbour wire.txt" in result.added[0]
    assert result.rejected == [("links.md", "the file holds only links (2) and no article text")]
    assert engine.check().ok


def test_a_second_upload_of_the_same_text_is_one_article(engine, tmp_path):
    (tmp_path / "copy.txt").write_bytes((CORPUS / sorted(p.name for p in CORPUS.iterdir())[0]).read_bytes())
    before = len(engine.documents())
    result = next(s for s in follow(start_upload(engine, [tmp_path / "copy.txt"]), every_s=0.2) if s.result).result
    assert len(engine.documents()) == before
    assert "kept as one article" in result.added[0], result


def test_the_child_process_prepares_exactly_what_the_server_would(engine, monkeypatch):
    text = big_article(40_000)
    args = (text, None, engine.settings.chunk_tokens, engine.settings.chunk_overlap, engine.embedder.count_tokens)
    here = prepare_article(*args)
    monkeypatch.setattr(rag.offload, "OFFLOAD_CHARS", 1_000)
    main_thread_calls = []
    counting = lambda texts: main_thread_calls.append(threading.get_ident()) or engine.embedder.count_tokens(texts)  # noqa: E731
    there = prepare_article(*args[:4], counting)
    assert there == here
    assert not main_thread_calls, "the large article was chunked in this process"


def test_the_child_process_reports_a_refusal_as_the_same_error(tmp_path):
    from rag.errors import InputError
    from rag.offload import offloaded
    from rag.offload import check_article

    (tmp_path / "links.md").write_text("[a](http://x.example/a)\n[b](http://x.example/b)\n")
    with pytest.raises(InputError, match="only links"):
        offloaded(check_article, tmp_path / "links.md", 1_000_000)
