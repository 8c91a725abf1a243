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
