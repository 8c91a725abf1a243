"""The README's llama-index example, run for real: our retriever and query engine in a llama-index user's code."""
from __future__ import annotations


def test_readme_llama_index_example_runs(corpus_engine):
    from llama_index.core.base.response.schema import Response, StreamingResponse
    from llama_index.core.query_engine import RetrieverQueryEngine  # noqa: F401 (what a user would compose with)

    qe = corpus_engine.query_engine(mode="extractive")
    response = qe.query("Where did Russia build Iran's first nuclear power plant?")
    assert isinstance(response, Response) and "Bushehr" in str(response)
    node = response.source_nodes[0].node
    article = corpus_engine.article(node.metadata["doc_id"]).text
    assert article[node.start_char_idx:node.end_char_idx] == node.text
    for c in response.metadata["citations"]:
        assert corpus_engine.article(c["doc_id"]).text[c["start"]:c["end"]] == c["quote"]
    assert response.metadata["sentences"][0]["supported"] is True

    streamed = corpus_engine.query_engine(mode="extractive", streaming=True).query("What is Iran's GDP?")
    assert isinstance(streamed, StreamingResponse)
    assert str(streamed) == "The articles don't say. The closest passages are listed under Sources."
    assert streamed.metadata["abstained"] is True and streamed.source_nodes

    # The retriever alone, as a llama-index BaseRetriever.
    nodes = corpus_engine.retriever.retrieve("Who built the Bushehr plant?")
    assert nodes and nodes[0].node.metadata["doc_id"]


def test_engine_search_and_the_answer_path_retrieve_through_the_llama_index_retriever(corpus_engine):
    """Our own retrieval is HybridRetriever.retrieve(): a llama-index user's instrumentation sees every search
    and every answer's retrieval, with the chunks the answer is built from."""
    from llama_index.core.instrumentation import get_dispatcher
    from llama_index.core.instrumentation.event_handlers import BaseEventHandler
    from llama_index.core.instrumentation.events.retrieval import RetrievalEndEvent
    from llama_index.core.schema import MetadataMode

    from rag.retrieve import to_hit

    seen: list[list] = []

    class Retrievals(BaseEventHandler):
        def handle(self, event, **kwargs) -> None:
            if isinstance(event, RetrievalEndEvent):
                seen.append(event.nodes)

    dispatcher, handler = get_dispatcher(), Retrievals()
    dispatcher.add_event_handler(handler)
    try:
        q = "Who built the Bushehr plant?"
        for method in ("hybrid", "dense", "keyword"):
            hits = corpus_engine.search(q, k=4, method=method)
            assert hits and [to_hit(n) for n in seen[-1]] == hits
        answer = corpus_engine.ask(q, mode="extractive")
        chunks = {n.node.node_id: n.node for n in seen[-1]}
        assert answer.sources and all(any(c.start_char_idx <= s.start and s.end <= c.end_char_idx
                                          for c in chunks.values() if c.metadata["doc_id"] == s.doc_id)
                                      for s in answer.sources)
    finally:
        dispatcher.event_handlers = [h for h in dispatcher.event_handlers if h is not handler]
    node = next(iter(chunks.values()))
    assert corpus_engine.article(node.metadata["doc_id"]).text[node.start_char_idx:node.end_char_idx] == node.text
    prompt = node.get_content(MetadataMode.LLM)  # what a llama-index synthesizer would show a model
    assert node.metadata["title"] in prompt and "dense_rank" not in prompt


WARM_THEN_ASK = """
import json, sys
from rag.engine import Engine
from rag.settings import get_settings
engine = Engine(get_settings())
engine.warm("extractive")
before = set(sys.modules)
answer = engine.ask(sys.argv[1], mode="extractive")
print(json.dumps({"loaded": sorted(set(sys.modules) - before), "answered": not answer.abstained}))
"""


def test_after_the_warm_up_the_first_question_imports_nothing_heavy(corpus_engine):
    """The warm-up loads what the first question would otherwise wait for (NLTK's sentence splitter alone
    imported scipy and sklearn: 2.4 s of the first answer after `rag ui` said the models were ready)."""
    import json
    import os
    import subprocess
    import sys

    from conftest import ROOT

    env = {**os.environ, "RAG_HOME": str(corpus_engine.settings.home),
           "RAG_CORPUS_DIR": str(corpus_engine.settings.corpus_dir), "RAG_MODEL_DIR": str(corpus_engine.settings.model_dir)}
    out = subprocess.run([sys.executable, "-c", WARM_THEN_ASK, "Where did Russia build Iran's first nuclear power plant?"],
                         cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stderr[-2000:]
    got = json.loads(out.stdout.strip().splitlines()[-1])
    heavy = {m.split(".")[0] for m in got["loaded"]} & {"nltk", "scipy", "sklearn", "spacy", "onnxruntime", "torch",
                                                        "chromadb", "sentence_transformers", "transformers"}
    assert got["answered"] and heavy == set(), sorted(m for m in got["loaded"] if m.split(".")[0] in heavy)[:20]


def test_warming_in_the_background_happens_once_per_engine(corpus_engine):
    """A second launch of the UI on the same engine (tests, a reload) must not start a second warm-up."""
    from rag.engine import Engine

    engine = Engine(corpus_engine.settings.model_copy(update={"mode": "extractive"}))
    said: list[str] = []
    engine.warm_in_background(say=said.append)
    first = engine._warming
    engine.warm_in_background(say=said.append)
    assert engine._warming is first
    first.join(timeout=120)
    assert engine.readiness.state == "ready" and said == [f"Models ready ({engine.readiness.seconds:.1f} s after start)"]
