"""The vector index: chunk embeddings in Chroma (cosine), embedded on disk or on a Chroma server.

Chroma only holds ids, vectors and the doc id; texts and offsets live in the document store, which
is the source of truth. We always pass our own embeddings: Chroma's default embedding function would
download a model.
"""
from __future__ import annotations

from collections.abc import Sequence
from urllib.parse import urlparse

from .errors import ChromaUnavailable, ConfigError, StoreError
from .settings import Settings


def _client(settings: Settings):
    import chromadb
    from chromadb.config import Settings as ChromaSettings

    chroma_settings = ChromaSettings(anonymized_telemetry=False, allow_reset=False)
    if not settings.chroma_url:
        settings.chroma_dir.mkdir(parents=True, exist_ok=True)
        return chromadb.PersistentClient(path=str(settings.chroma_dir), settings=chroma_settings)
    url = urlparse(settings.chroma_url)
    if url.scheme not in ("http", "https") or not url.hostname:
        raise ConfigError(f"RAG_CHROMA_URL={settings.chroma_url!r} is not an http(s) URL like http://127.0.0.1:8000")
    try:
        return chromadb.HttpClient(
            host=url.hostname,
            port=url.port or (443 if url.scheme == "https" else 80),
            ssl=url.scheme == "https",
            settings=chroma_settings,
        )
    except Exception as e:  # chromadb raises plain ValueError/ConnectionError here
        raise ChromaUnavailable(_unreachable(settings.chroma_url, e)) from e


def _unreachable(url: str, e: Exception) -> str:
    return (
        f"cannot reach the Chroma server at {url} ({type(e).__name__}: {e}). "
        "Start it (`chroma run --host 127.0.0.1 --port 8000 --path DIR`) or unset RAG_CHROMA_URL to use the embedded store."
    )


class VectorIndex:
    def __init__(self, settings: Settings):
        self.settings = settings
        self._collection = None

    @property
    def collection(self):
        # Connect lazily and reconnect after a failure, so a Chroma server that comes back is used again.
        if self._collection is None:
            try:
                client = _client(self.settings)
                self._collection = client.get_or_create_collection(
                    self.settings.collection,
                    configuration={"hnsw": {"space": "cosine"}},
                    embedding_function=None,
                )
            except (ChromaUnavailable, ConfigError):
                raise
            except Exception as e:
                raise self._error(e) from e
        return self._collection

    def _error(self, e: Exception) -> StoreError:
        self._collection = None
        if self.settings.chroma_url:
            return ChromaUnavailable(_unreachable(self.settings.chroma_url, e))
        return StoreError(
            f"the vector store in {self.settings.chroma_dir} failed ({type(e).__name__}: {e}); "
            "run `rag check`, then `rag ingest --rebuild` to recreate it from the corpus"
        )

    def _call(self, fn, *args, **kwargs):
        try:
            return fn(*args, **kwargs)
        except Exception as e:
            raise self._error(e) from e

    def add(self, ids: Sequence[str], embeddings: Sequence[Sequence[float]], doc_ids: Sequence[str]) -> None:
        col = self.collection
        step = 1000  # well under any Chroma max batch size
        for i in range(0, len(ids), step):
            self._call(
                col.upsert,
                ids=list(ids[i : i + step]),
                embeddings=[list(map(float, e)) for e in embeddings[i : i + step]],
                metadatas=[{"doc_id": d} for d in doc_ids[i : i + step]],
            )

    def delete_docs(self, doc_ids: Sequence[str]) -> None:
        if doc_ids:
            self._call(self.collection.delete, where={"doc_id": {"$in": list(doc_ids)}})

    def query(self, embedding: Sequence[float], k: int) -> list[tuple[str, float]]:
        """(chunk_id, cosine similarity) best first."""
        col = self.collection
        n = self._call(col.count)
        if n == 0:
            return []
        res = self._call(col.query, query_embeddings=[list(map(float, embedding))], n_results=min(k, n), include=["distances"])
        return [(i, 1.0 - float(d)) for i, d in zip(res["ids"][0], res["distances"][0])]

    def ids(self) -> set[str]:
        col = self.collection
        out: set[str] = set()
        n = self._call(col.count)
        for off in range(0, n, 5000):
            out.update(self._call(col.get, include=[], limit=5000, offset=off)["ids"])
        return out

    def delete_ids(self, ids: Sequence[str]) -> None:
        for i in range(0, len(ids), 1000):
            self._call(self.collection.delete, ids=list(ids[i : i + 1000]))

    def count(self) -> int:
        return self._call(self.collection.count)

    def reset(self) -> None:
        """Drop and recreate the collection (for `rag ingest --rebuild`)."""
        client = self._call(_client, self.settings)
        try:
            client.delete_collection(self.settings.collection)
        except Exception:
            pass  # it did not exist
        self._collection = None
