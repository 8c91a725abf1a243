"""Shared fixtures: a real engine (real embeddings, real Chroma) over the shipped corpus, built once, and
the web app served over HTTP."""
from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from rag.processes import free_port

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "corpus"
DATASET = ROOT / "eval" / "datasets" / "questions.jsonl"


def make_settings(home: Path, **kw):
    """Settings for a fresh data directory; the assembled model is shared (`make test` builds it once)."""
    from rag.settings import Settings, get_settings

    kw.setdefault("model_dir", get_settings().model_dir)
    return Settings(home=home, corpus_dir=kw.pop("corpus_dir", CORPUS), **kw)


@pytest.fixture(scope="session")
def corpus_engine(tmp_path_factory):
    """An Engine with the shipped corpus ingested into a fresh data directory."""
    from rag.engine import Engine

    home = tmp_path_factory.mktemp("rag-home")
    corpus = tmp_path_factory.mktemp("corpus")
    for f in CORPUS.iterdir():
        shutil.copy(f, corpus / f.name)
    engine = Engine(make_settings(home, corpus_dir=corpus))
    engine.ingest([corpus])
    return engine


@pytest.fixture(scope="session")
def questions() -> list[dict]:
    return [json.loads(line) for line in DATASET.read_text(encoding="utf-8").splitlines() if line.strip()]


@pytest.fixture(scope="session")
def stored_sentences():
    """path -> the sentences of that file as ingest stores it (real reader and cleaner, no model):
    the text every quote in a labelled set must come from verbatim."""
    from functools import lru_cache

    from rag.clean import clean_article
    from rag.readers import read_document
    from rag.sentences import split_sentences

    @lru_cache(maxsize=None)
    def sentences(path: Path) -> frozenset[str]:
        raw = read_document(path, max_bytes=50 * 1024 * 1024)
        return frozenset(split_sentences(clean_article(raw.text, raw.title_hint).text))

    return sentences


@pytest.fixture(scope="module")
def app_url(app_engine):
    """The web app on 127.0.0.1 and a free port, serving the `app_engine` fixture the test module
    defines (each module's app needs its own settings); one server per module, closed after it."""
    from ui.app import launch

    port = free_port()
    app = launch(app_engine, host="127.0.0.1", port=port, block=False)
    yield f"http://127.0.0.1:{port}/"
    app.close()
