"""The embedding model, as our Embedder and as a llama-index embed_model: the same real vectors either way."""
from __future__ import annotations

import numpy as np
import pytest

TEXTS = [
    "Russia built the Bushehr nuclear power plant on Iran's Gulf coast.",
    "The central bank raised interest rates by half a point.",
    "Heavy rain flooded the valley's farms for a second week.",
]


@pytest.fixture(scope="module")
def embedder():
    from rag.embeddings import Embedder

    return Embedder(batch_size=64, threads=1)


def test_vectors_are_normalised_float32(embedder):
    vectors = embedder.embed(TEXTS)
    assert vectors.shape == (3, 384) and vectors.dtype == np.float32
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)
    assert embedder.embed([]).shape == (0, 384)


def test_llama_index_embed_model_gives_the_embedders_vectors(embedder):
    model = embedder.as_llama_index()
    assert np.array_equal(np.array(model.get_text_embedding_batch(TEXTS), dtype=np.float32), embedder.embed(TEXTS))
    assert np.array_equal(np.array(model.get_query_embedding(TEXTS[1]), dtype=np.float32),
                          embedder.embed_query(TEXTS[1]))


def test_llama_index_index_retrieves_with_our_embed_model(embedder):
    from llama_index.core import VectorStoreIndex
    from llama_index.core.schema import TextNode

    nodes = [TextNode(id_=f"n{i}", text=t) for i, t in enumerate(TEXTS)]
    retriever = VectorStoreIndex(nodes, embed_model=embedder.as_llama_index()).as_retriever(similarity_top_k=1)
    assert [n.node.node_id for n in retriever.retrieve("Who built the reactor in Iran?")] == ["n0"]
    assert [n.node.node_id for n in retriever.retrieve("What did the bank do with borrowing costs?")] == ["n1"]
