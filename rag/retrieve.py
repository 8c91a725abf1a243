"""Hybrid retrieval: dense (Chroma, cosine) and keyword (FTS5 BM25) lists fused by reciprocal rank.

`HybridRetriever` is a llama-index BaseRetriever, and its `retrieve()` is the one retrieval path: a llama-index
user's pipeline and our own Engine.search (hence the answer path, the CLI, the UI and the eval harness) call it.
It returns NodeWithScore of TextNodes holding the chunk's offsets in its article and, in the metadata, its
document and per-list scores and ranks; `to_hit` reads one back as our `Hit`.
"""
from __future__ import annotations

from llama_index.core.retrievers import BaseRetriever
from llama_index.core.schema import NodeWithScore, QueryBundle, TextNode

from .docstore import DocStore
from .embeddings import Embedder
from .errors import InputError
from .schema import Hit
from .vectors import VectorIndex

RRF_K = 60  # the constant from Cormack et al. (2009); damps the weight of the very top ranks
# Analysts paraphrase: on the labelled questions the dense list is the better one, so BM25 counts half.
DENSE_WEIGHT, KEYWORD_WEIGHT = 1.0, 0.5
CANDIDATES = 30  # how deep each retriever's list goes before fusion
METHODS = ("hybrid", "dense", "keyword")  # both lists fused, or one of them alone
# Metadata for ranking and tracing; a llama-index prompt or embedding of the node leaves them out.
_RANKING_KEYS = ["chunk_index", "dense_score", "keyword_score", "dense_rank", "keyword_rank"]


def rrf_fuse(lists: list[list[str]], weights: list[float] | None = None, k: int = RRF_K) -> dict[str, float]:
    """Weighted reciprocal-rank fusion of ranked id lists: sum of w/(k + rank), rank starting at 1.
    Ours, not llama-index's QueryFusionRetriever: its reciprocal-rank mode ignores retriever weights
    (dense and keyword are weighted differently here) and it runs its retrievers itself."""
    scores: dict[str, float] = {}
    for ranked, w in zip(lists, weights or [1.0] * len(lists)):
        for rank, cid in enumerate(ranked, start=1):
            scores[cid] = scores.get(cid, 0.0) + w / (k + rank)
    return scores


class HybridRetriever(BaseRetriever):
    """The best `k` chunks for a query by `method`: 'hybrid', 'dense' or 'keyword'."""

    def __init__(self, docstore: DocStore, vectors: VectorIndex, embedder: Embedder, k: int = 6,
                 method: str = "hybrid"):
        if method not in METHODS:
            raise InputError(f"unknown retrieval method {method!r}: use one of {', '.join(METHODS)}")
        super().__init__()
        self.docstore = docstore
        self.vectors = vectors
        self.embedder = embedder
        self.k = k
        self.method = method

    def _retrieve(self, query_bundle: QueryBundle) -> list[NodeWithScore]:
        question, k = query_bundle.query_str, self.k
        depth = max(CANDIDATES, 4 * k)
        dense = self.vectors.query(self.embedder.embed_query(question), depth) if self.method != "keyword" else []
        keyword = self.docstore.keyword_search(question, depth) if self.method != "dense" else []
        fused = rrf_fuse([[c for c, _ in dense], [c for c, _ in keyword]], [DENSE_WEIGHT, KEYWORD_WEIGHT])
        rows = self.docstore.chunks(list(fused))  # drops ids of pending/removed documents
        dense_s, dense_r = _scores_ranks(dense)
        kw_s, kw_r = _scores_ranks(keyword)
        ranked = sorted((c for c in fused if c in rows), key=lambda c: (-fused[c], c))[:k]
        titles = {}
        nodes = []
        for cid in ranked:
            r = rows[cid]
            if r.doc_id not in titles:
                info = self.docstore.document(r.doc_id)
                titles[r.doc_id] = (info.title, info.source)
            title, source = titles[r.doc_id]
            metadata = {"doc_id": r.doc_id, "title": title, "source": source, "chunk_index": r.idx,
                        "dense_score": dense_s.get(cid), "keyword_score": kw_s.get(cid),
                        "dense_rank": dense_r.get(cid), "keyword_rank": kw_r.get(cid)}
            node = TextNode(id_=cid, text=r.text, start_char_idx=r.start, end_char_idx=r.end, metadata=metadata,
                            excluded_llm_metadata_keys=_RANKING_KEYS, excluded_embed_metadata_keys=_RANKING_KEYS)
            nodes.append(NodeWithScore(node=node, score=fused[cid]))
        return nodes


def to_hit(result: NodeWithScore) -> Hit:
    """One retrieved node as our Hit (offsets, fused score, and the per-list scores and ranks)."""
    node, m = result.node, result.node.metadata
    return Hit(chunk_id=node.node_id, doc_id=m["doc_id"], title=m["title"], source=m["source"],
               chunk_index=m["chunk_index"], start=node.start_char_idx, end=node.end_char_idx, text=node.text,
               score=result.score, dense_score=m["dense_score"], keyword_score=m["keyword_score"],
               dense_rank=m["dense_rank"], keyword_rank=m["keyword_rank"])


def _scores_ranks(lst: list[tuple[str, float]]) -> tuple[dict[str, float], dict[str, int]]:
    return {c: s for c, s in lst}, {c: i for i, (c, _) in enumerate(lst, start=1)}
