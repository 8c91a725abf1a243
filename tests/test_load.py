"""Load, a full local-model queue, and memory, against the real app served over HTTP on 127.0.0.1.

The short versions of bench/load.py: a dozen concurrent conversations through the app's /ask API
(gradio_client, one session per conversation, follow-ups included), what a user sees when the local
model's queue is full, and RSS over a couple of hundred sequential questions. Figures for the long
runs are in `make bench`, not here: these tests assert behaviour, never speed.
"""
from __future__ import annotations

import threading
import time

import numpy as np
import pytest

from bench.load import SERVED, ask_app, classify, conversation_scripts, drive, memory_run, new_client
from rag.llm import LOCAL_QUEUE

pytestmark = pytest.mark.filterwarnings("ignore:.*(no_silent_downcasting|copy keyword).*")

QUEUE_SIZE = 2  # requests that may wait for the local model in these tests' app
MODEL_TIMEOUT_S = 3.0
Q_PLANT = "Where did Russia build Iran's first nuclear power plant?"


@pytest.fixture(scope="module")
def app_engine(corpus_engine):
    """The session's ingested corpus, answering extractively by default (so nothing starts the local
    model in the background), with a local-model queue of QUEUE_SIZE. A model reply that takes over
    MODEL_TIMEOUT_S gives up (the user gets the quotes with a note): these tests are about the app
    around the model, and must not wait for full model answers."""
    from rag.engine import Engine

    return Engine(corpus_engine.settings.model_copy(update={
        "mode": "extractive", "llm_queue_size": QUEUE_SIZE, "llm_timeout_s": MODEL_TIMEOUT_S, "llm_retries": 0}))


@pytest.fixture
def clients(app_url):
    """clients(n): n new API clients, each its own session (a user with a conversation); closed after."""
    made = []

    def make(n: int) -> list:
        new = [new_client(app_url) for _ in range(n)]
        made.extend(new)
        return new

    yield make
    for c in made:
        c.close()


def test_conversation_scripts_have_follow_ups():
    scripts = conversation_scripts()
    assert len(scripts) >= 5
    assert all(3 <= len(s) <= 5 for s in scripts)


def test_classify_reads_what_the_user_sees():
    answered = '<div class="turn" data-turn="0"><div class="answer">Bushehr</div></div>'
    busy = ('<div class="turn" data-turn="0"><div class="answer">x</div></div><div class="turn" data-turn="1">'
            '<div class="answer">y</div><div class="notice warn"><b>Note:</b> the local model is busy</div></div>')
    assert classify(answered)[0] == "answered"
    assert classify(busy)[0] == "busy"
    assert classify('<div class="turn" data-turn="0"><div class="notice error">boom</div></div>')[0] == "error"
    assert classify('<div class="turn" data-turn="0"><div class="notice abstain">no</div></div>')[0] == "abstained"
    assert classify("")[0] == "error"


def test_concurrent_conversations_are_all_answered(app_url):
    """12 users, each in its own session, hold multi-turn conversations for ~15 s: zero errors."""
    replies, _ = drive(app_url, "extractive", conversations=12, duration_s=15, max_requests=400, timeout_s=120)
    kinds = [r.kind for r in replies]
    errors = [r.detail for r in replies if r.kind == "error"]
    assert not errors, errors[:3]
    assert len(replies) >= 12  # every user got at least one answer
    assert set(kinds) <= {"answered", "abstained"}
    assert kinds.count("answered") > kinds.count("abstained")


def test_follow_up_in_a_session_uses_the_conversation(clients):
    (client,) = clients(1)
    first = ask_app(client, Q_PLANT, "extractive", 120)
    second = ask_app(client, "When did it become operational?", "extractive", 120)
    assert first.kind == second.kind == "answered"
    assert "Searched for" in second.detail and "2013" in second.detail


def _fill_model_queue(n: int) -> tuple[list[threading.Thread], threading.Event]:
    """n stand-in requests waiting for the (held) model; the event is set when one of them got it."""
    got_model = threading.Event()

    def waiter():
        with LOCAL_QUEUE.slot(QUEUE_SIZE):
            got_model.set()

    threads = [threading.Thread(target=waiter) for _ in range(n)]
    for t in threads:
        t.start()
    _wait_for_waiting(n)
    return threads, got_model


def _wait_for_waiting(n: int, timeout_s: float = 60) -> None:
    deadline = time.monotonic() + timeout_s
    while LOCAL_QUEUE.waiting < n:
        assert time.monotonic() < deadline, f"only {LOCAL_QUEUE.waiting} of {n} requests reached the model queue"
        time.sleep(0.01)


def _ask_all(clients, modes: list[str], question: str = Q_PLANT, join_s: float = 120) -> list:
    """Ask in parallel, one client per question; None for a reply that did not come within join_s."""
    replies: list = [None] * len(modes)

    def one(i: int) -> None:
        replies[i] = ask_app(clients[i], question, modes[i], 600)

    threads = [threading.Thread(target=one, args=(i,), daemon=True) for i in range(len(modes))]
    for t in threads:
        t.start()
    deadline = time.monotonic() + join_s
    for t in threads:
        t.join(timeout=max(0.0, deadline - time.monotonic()))
    return replies


def test_full_local_model_queue_gives_a_busy_reply_with_quotes(app_url, clients):
    """The model is occupied and its queue is full: local-mode questions come back at once with a busy
    note and the best quotes, and extractive answers are not held up."""
    with LOCAL_QUEUE.slot(QUEUE_SIZE):  # stands in for a long answer occupying the model
        waiters, got_model = _fill_model_queue(QUEUE_SIZE)
        replies = _ask_all(clients(4), ["local", "local", "local", "extractive"])
        assert not got_model.is_set()  # every reply came back while the model was still occupied
    for t in waiters:
        t.join(timeout=10)
    assert got_model.is_set()  # the queued requests got the model once it was free
    busy, extractive = replies[:3], replies[3]
    assert [r.kind for r in busy] == ["busy"] * 3, [r.detail for r in busy]
    for r in busy:
        assert "the local model is busy" in r.detail and "try again" in r.detail
        assert "Bushehr" in r.detail  # the quotes are there all the same
    assert extractive.kind == "answered" and "Bushehr" in extractive.detail


@pytest.mark.llm
def test_questions_waiting_for_the_model_do_not_hold_up_the_app(app_url, clients):
    """App requests fill the local model's queue (each holds an ask lane while it waits): an extractive
    question and a busy reply still come back before the model is free, and the waiting questions
    are answered once it is (by the real model, cut short by MODEL_TIMEOUT_S)."""
    waiting_clients, other_clients = clients(QUEUE_SIZE), clients(2)
    with LOCAL_QUEUE.slot(QUEUE_SIZE):  # stands in for a long answer occupying the model
        box: list = []
        filler = threading.Thread(target=lambda: box.extend(_ask_all(waiting_clients, ["local"] * QUEUE_SIZE, join_s=900)))
        filler.start()
        _wait_for_waiting(QUEUE_SIZE)
        extractive, busy = _ask_all(other_clients, ["extractive", "local"], join_s=60)
    filler.join(timeout=900)
    assert extractive is not None and extractive.kind == "answered", "held up behind the model's queue"
    assert busy is not None and busy.kind == "busy"
    assert len(box) == QUEUE_SIZE and all(r is not None and r.kind in SERVED for r in box), box


def test_vector_cache_is_bounded_and_keeps_recent_texts():
    from rag.embeddings import VectorCache

    cache = VectorCache(2)
    v = np.zeros(3, dtype=np.float32)
    cache.put({"a": v, "b": v})
    assert set(cache.get(["a"])) == {"a"}  # "a" is now the most recently used
    cache.put({"c": v})
    assert len(cache) == 2 and set(cache.get(["a", "b", "c"])) == {"a", "c"}


def test_embeddings_are_the_same_from_the_cache(app_engine):
    emb = app_engine.embedder
    texts = ["Russia built the Bushehr plant.", "A sentence never seen before: 7f3a."]
    fresh = emb.embed(texts)
    assert np.allclose(emb.embed_cached(texts), fresh, atol=1e-6)
    assert np.allclose(emb.embed_cached(texts), fresh, atol=1e-6)  # now from the cache
    assert np.allclose(emb.embed_query(texts[1]), fresh[1], atol=1e-6)


def test_memory_does_not_grow_over_many_questions(app_engine):
    """200 different questions after a warm-up: RSS grows by less than 16 MB (measured: under 1 MB).
    Catches a leak of ~80 kB per question, e.g. every answer keeping its articles' texts; slower
    leaks show in the bench's 1,000-question run."""
    out = memory_run(app_engine, n=200, warmup=30)
    assert out["growth_mb"] < 16, out
