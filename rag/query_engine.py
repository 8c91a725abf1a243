"""The answer path as a llama-index query engine, for llama-index users' own pipelines.

    from rag.engine import Engine
    qe = Engine().query_engine()                      # or query_engine(streaming=True)
    response = qe.query("Who built the tidal power station?")
    str(response)                                     # the verified answer, with [n] markers
    response.source_nodes                             # the numbered passages: TextNode, char offsets in the article
    response.metadata["citations"]                    # verbatim quotes, article[start:end] == quote
    response.metadata["sentences"]                    # each sentence's verdict and support

It runs exactly `Engine.ask_stream`: the same retrieval, checks and JSON contract (`metadata["answer"]`).
"""
from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from llama_index.core.base.response.schema import Response, StreamingResponse
from llama_index.core.query_engine import CustomQueryEngine
from llama_index.core.schema import NodeWithScore, TextNode

from .schema import Answer


class NewsQueryEngine(CustomQueryEngine):
    """`query()` returns a Response; with streaming, a StreamingResponse whose generator yields only checked
    text (the verified answer, once the checks are done: a draft is never passed off as the answer) and
    whose source nodes and metadata are filled in at that moment."""

    engine: Any
    mode: str | None = None
    streaming: bool = False
    history: list[dict] = []

    def custom_query(self, query_str: str) -> Response | StreamingResponse:
        events = self.engine.ask_stream(query_str, history=self.history or None, mode=self.mode)
        if not self.streaming:
            answer = next(payload for kind, payload in events if kind == "answer")
            return to_response(answer)
        response = StreamingResponse(response_gen=iter(()))
        response.response_gen = _drafts(events, response)
        return response


def to_response(answer: Answer) -> Response:
    """A llama-index Response for a finished Answer."""
    return Response(response=answer.answer, source_nodes=source_nodes(answer), metadata=_metadata(answer))


def source_nodes(answer: Answer) -> list[NodeWithScore]:
    return [NodeWithScore(node=TextNode(id_=f"{s.doc_id}:{s.start}-{s.end}", text=s.text, start_char_idx=s.start,
                                        end_char_idx=s.end,
                                        metadata={"n": s.n, "doc_id": s.doc_id, "title": s.title, "source": s.source}),
                          score=s.score)
            for s in answer.sources]


def _metadata(answer: Answer) -> dict:
    data = answer.to_json()
    return {"answer": data, "citations": data["citations"], "sentences": data["sentences"],
            "abstained": answer.abstained, "note": answer.error}


def _drafts(events, response: StreamingResponse) -> Iterator[str]:
    for kind, payload in events:
        if kind == "answer":
            final = to_response(payload)
            response.source_nodes, response.metadata = final.source_nodes, final.metadata
            yield payload.answer
