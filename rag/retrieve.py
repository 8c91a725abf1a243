"""Hybrid retrieval: dense (Chroma, cosine) and keyword (FTS5 BM25) lists fused by reciprocal rank.

`HybridRetriever` is a llama-index BaseRetriever, so it plugs into llama-index query engines; `search`
returns our own `Hit`s with offsets and per-retriever scores for the CLI, the UI and the eval harness.
"""
from __future__ import annotations

from llama_index.core.retrievers import BaseRetriever
from llama_index.core.schema import NodeWithScore, QueryBundle, TextNode

from .docstore import DocStore
from .embeddings import Embedder
from .schema import Hit
from .vectors import VectorIndex

RRF_K = 60  # the constant from Cormack et al. (2009); damps the weight of the very top ranks
# Analysts paraphrase: on the labelled questions the dense list is the better one, so BM25 counts half.
DENSE_WEIGHT, KEYWORD_WEIGHT = 1.0, 0.5
CANDIDATES = 30  # how deep each retriever's list goes before fusion


def rrf_fuse(lists: list[list[str]], weights: list[float] | None = None, k: int = RRF_K) -> dict[str, float]:
    """Weighted reciprocal-rank fusion of ranked id lists: sum of w/(k + rank), rank starting at 1."""
    scores: dict[str, float] = {}
    for ranked, w in zip(lists, weights or [1.0] * len(lists)):
        for rank, cid in enumerate(ranked, start=1):
            scores[cid] = scores.get(cid, 0.0) + w / (k + rank)
    return scores


class HybridRetriever(BaseRetriever):
    def __init__(self, docstore: DocStore, vectors: VectorIndex, embedder: Embedder, k: int = 6):
        super().__init__()
        self.docstore = docstore
        self.vectors = vectors
        self.embedder = embedder
        self.k = k

    def search(self, question: str, k: int | None = None, mode: str = "hybrid") -> list[Hit]:
        """Top-k chunks for `question`; mode is 'hybrid', 'dense' or 'keyword'."""
        k = k or self.k
        depth = max(CANDIDATES, 4 * k)
        dense = self.vectors.query(self.embedder.embed_query(question), depth) if mode != "keyword" else []
        keyword = self.docstore.keyword_search(question, depth) if mode != "dense" else []
        fused = rrf_fuse([[c for c, _ in dense], [c for c, _ in keyword]], [DENSE_WEIGHT, KEYWORD_WEIGHT])
        rows = self.docstore.chunks(list(fused))  # drops ids of pending/removed documents
        dense_s, dense_r = _scores_ranks(dense)
        kw_s, kw_r = _scores_ranks(keyword)
        ranked = sorted((c for c in fused if c in rows), key=lambda c: (-fused[c], c))[:k]
        titles = {}
        hits = []
        for cid in ranked:
            r = rows[cid]
            if r.doc_id not in titles:
                info = self.docstore.document(r.doc_id)
                titles[r.doc_id] = (info.title, info.source)
            title, source = titles[r.doc_id]
            hits.append(Hit(
                chunk_id=cid, doc_id=r.doc_id, title=title, source=source, chunk_index=r.idx,
                start=r.start, end=r.end, text=r.text, score=fused[cid],
                dense_score=dense_s.get(cid), keyword_score=kw_s.get(cid),
                dense_rank=dense_r.get(cid), keyword_rank=kw_r.get(cid),
            ))
        return hits

    def _retrieve(self, query_bundle: QueryBundle) -> list[NodeWithScore]:
        return [
            NodeWithScore(
                node=TextNode(
                    id_=h.chunk_id, text=h.text, start_char_idx=h.start, end_char_idx=h.end,
                    metadata={"doc_id": h.doc_id, "title": h.title, "source": h.source, "chunk_index": h.chunk_index},
                ),
                score=h.score,
            )
            for h in self.search(query_bundle.query_str)
        ]


def _scores_ranks(lst: list[tuple[str, float]]) -> tuple[dict[str, float], dict[str, int]]:
    return {c: s for c, s in lst}, {c: i for i, (c, _) in enumerate(lst, start=1)}
