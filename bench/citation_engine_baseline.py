"""The stock llama-index CitationQueryEngine on the same chunks, embeddings, model and questions, scored
with the same functions as `rag eval run` (eval/scoring.py), so its numbers sit beside ours.

    RAG_HOME=.rag python -m bench.citation_engine_baseline [--kinds answerable,unanswerable] [--ours runs/NAME]

What is the same: the chunks (our 128-word-piece chunks with offsets, read from docs.sqlite), the embedding
model (rag.embeddings' Embedder as a llama-index embed_model, all-MiniLM-L6-v2), the local model (Qwen2.5-Coder-1.5B served by
our xllamacpp server), the questions, the lexical judge and every metric. What is stock: the engine and all its
defaults (dense top-2 from an in-memory VectorStoreIndex, 512-token citation chunks, the COMPACT synthesizer
and llama-index's CITATION_QA_TEMPLATE). No OpenAI-compatible llama-index LLM package is installed
(llama-index-llms-openai-like is not a dependency), so `LocalChatLLM` below is a minimal CustomLLM over
rag.llm.LLMClient: the same HTTP calls OpenAILike(is_chat_model=True) would make, through the `openai` client.

The stock engine has no history (follow-ups are asked as they are), no notion of abstaining (we count a
reply as an abstention when it says the sources do not answer: see `says_no_answer`) and cites whole
chunks, whose offsets we recover by locating the chunk in its article. Rows go to
runs/citation-engine/results.jsonl (resumable, like `rag eval run`); the table to bench/results/.
"""
from __future__ import annotations

import argparse
import re
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from llama_index.core.base.llms.types import (
    ChatMessage, ChatResponse, ChatResponseGen, CompletionResponse, CompletionResponseGen, LLMMetadata,
    MessageRole,
)
from llama_index.core.llms import CustomLLM
from llama_index.core.llms.callbacks import llm_chat_callback, llm_completion_callback
from pydantic import PrivateAttr

from eval.dataset import Item, load_dataset
from eval.jsonl import Appender, read_rows
from eval.judge import Judge
from eval.metrics import percentile
from eval.scoring import score_answer, summarise
from rag.align import parse_markers, split_answer
from rag.engine import Engine
from rag.llm import LLMClient, llm_client
from rag.settings import Settings, get_settings

ROOT = Path(__file__).resolve().parent.parent
DATASET = ROOT / "eval" / "datasets" / "questions.jsonl"
RUN_DIR = ROOT / "runs" / "citation-engine"
OUT = ROOT / "bench" / "results"
MAX_TOKENS = 512  # LLMClient.chat's default; the stock OpenAI classes set no limit at all

# The stock prompt says "If none of the sources are helpful, you should indicate that": these are the
# ways the model indicates it (read off its replies to the unanswerable questions).
_NO_ANSWER = re.compile(
    r"\b(?:(?:do(?:es)?|did) not|don't|doesn't|cannot|can't|unable to|no)\b[^.]{0,60}?\b(?:provide|mention|contain|"
    r"say|specify|state|include|answer|information|details?|helpful|data|found)\b"
    r"|\bnot (?:provided|mentioned|specified|stated|available|found)\b|\bnone of the sources\b", re.I)


class LocalChatLLM(CustomLLM):
    """llama-index LLM over rag.llm.LLMClient (chat completions, greedy, like our own answers)."""

    settings: Any = None
    _client: LLMClient = PrivateAttr()

    def __init__(self, settings: Settings, **kw: Any):
        super().__init__(settings=settings, **kw)
        self._client = llm_client(settings, "local")

    @property
    def metadata(self) -> LLMMetadata:
        return LLMMetadata(context_window=self.settings.llm_ctx, num_output=MAX_TOKENS, is_chat_model=True,
                           model_name=self._client.model_name)

    @staticmethod
    def _messages(messages: Sequence[ChatMessage]) -> list[dict]:
        return [{"role": m.role.value, "content": m.content or ""} for m in messages]

    @llm_chat_callback()
    def chat(self, messages: Sequence[ChatMessage], **kwargs: Any) -> ChatResponse:
        text = self._client.chat(self._messages(messages), max_tokens=MAX_TOKENS)
        return ChatResponse(message=ChatMessage(role=MessageRole.ASSISTANT, content=text))

    @llm_chat_callback()
    def stream_chat(self, messages: Sequence[ChatMessage], **kwargs: Any) -> ChatResponseGen:
        def gen() -> ChatResponseGen:
            text = ""
            for delta in self._client.stream(self._messages(messages), max_tokens=MAX_TOKENS):
                text += delta
                yield ChatResponse(message=ChatMessage(role=MessageRole.ASSISTANT, content=text), delta=delta)
        return gen()

    @llm_completion_callback()
    def complete(self, prompt: str, formatted: bool = False, **kwargs: Any) -> CompletionResponse:
        return CompletionResponse(text=self.chat([ChatMessage(role=MessageRole.USER, content=prompt)]).message.content)

    @llm_completion_callback()
    def stream_complete(self, prompt: str, formatted: bool = False, **kwargs: Any) -> CompletionResponseGen:
        for r in self.stream_chat([ChatMessage(role=MessageRole.USER, content=prompt)]):
            yield CompletionResponse(text=r.message.content, delta=r.delta)


def build_query_engine(engine: Engine, llm: CustomLLM):
    """CitationQueryEngine.from_args with defaults over an index of our chunks and our embedding model."""
    from llama_index.core import VectorStoreIndex
    from llama_index.core.query_engine import CitationQueryEngine
    from llama_index.core.schema import TextNode

    nodes = [
        TextNode(id_=c.chunk_id, text=c.text, start_char_idx=c.start, end_char_idx=c.end,
                 metadata={"doc_id": d.doc_id, "title": d.title, "source": d.source},
                 excluded_embed_metadata_keys=["doc_id", "title", "source"],
                 excluded_llm_metadata_keys=["doc_id", "title", "source"])
        for d in engine.documents() for c in engine.docstore.doc_chunks(d.doc_id)
    ]
    index = VectorStoreIndex(nodes, embed_model=engine.embedder.as_llama_index())
    return CitationQueryEngine.from_args(index, llm=llm)


def says_no_answer(text: str) -> bool:
    return not text.strip() or bool(_NO_ANSWER.search(text))


def to_answer_json(item: Item, response, articles: dict[str, str], total_s: float) -> dict:
    """The stock Response in our Answer JSON shape, so eval/scoring.py scores it unchanged.

    Sources are its citation nodes ("Source n:" chunks); a sentence cites the sources its [n] markers
    name (not verified: that is the point of comparing); the quote of [n] is the whole cited chunk.
    """
    sources, spans = [], {}
    for n, sn in enumerate(response.source_nodes, start=1):
        text = re.sub(r"^Source \d+:\n", "", sn.node.get_content()).rstrip("\n")
        doc_id = sn.node.metadata["doc_id"]
        start = articles[doc_id].find(text)
        spans[n] = (doc_id, start)
        sources.append({"n": n, "doc_id": doc_id, "title": sn.node.metadata["title"],
                        "source": sn.node.metadata["source"], "score": sn.score, "text": text})
    raw = str(response.response or "")
    sentences, cited = [], []
    for piece in split_answer(raw):
        text, ns = parse_markers(piece)
        ns = [n for n in ns if n in spans]
        sentences.append({"text": text, "citations": ns, "supported": None, "support": None})
        cited += [n for n in ns if n not in cited]
    citations = []
    for n in cited:
        doc_id, start = spans[n]
        src = sources[n - 1]
        citations.append({"n": n, "doc_id": doc_id, "title": src["title"], "source": src["source"],
                          "quote": src["text"], "start": start, "end": start + len(src["text"])})
    abstained = says_no_answer(raw)
    return {"question": item.question, "standalone_question": item.question, "answer": raw, "abstained": abstained,
            "sentences": [] if abstained else sentences, "citations": [] if abstained else citations,
            "sources": sources, "timings": {"retrieve_s": None, "first_token_s": None, "total_s": round(total_s, 3)},
            "model": "CitationQueryEngine", "mode": "local", "error": None}


def run(kinds: set[str] | None, run_dir: Path, ids: set[str] | None = None) -> list[dict]:
    settings = get_settings()
    engine = Engine(settings)
    engine.ingest([ROOT / "corpus"])  # a no-op when already ingested
    items, _ = load_dataset(DATASET)
    items = [it for it in items if (kinds is None or it.kind in kinds) and (ids is None or it.id in ids)]
    run_dir.mkdir(parents=True, exist_ok=True)
    articles = {d.doc_id: engine.article(d.doc_id).text for d in engine.documents()}
    judge = Judge(None)  # lexical: the same judge as `rag eval run --judge lexical`
    by_id = {it.id: it for it in items}
    # Stored answers are scored again: the labels and the scorer may have changed since they were run.
    done = {r["id"]: {**r, **score_answer(by_id[r["id"]], r["answer"], lambda d: articles.get(d), judge)}
            for r in read_rows(run_dir / "results.jsonl") if r["id"] in by_id}
    todo = [it for it in items if it.id not in done]
    if todo:
        llm = LocalChatLLM(settings)
        qe = build_query_engine(engine, llm)
        llm.complete("Say OK.")  # start the model server: not part of any answer's latency
        appender = Appender(run_dir / "results.jsonl")
        for i, item in enumerate(todo, 1):
            t0 = time.perf_counter()
            response = qe.query(item.question)
            answer = to_answer_json(item, response, articles, time.perf_counter() - t0)
            scored = score_answer(item, answer, lambda d: articles.get(d), judge)
            row = {"id": item.id, "item": item.to_json(), "answer": answer, "error": None, **scored}
            appender.append(row)
            print(f"[{i}/{len(todo)}] {item.id} {item.kind} {answer['timings']['total_s']:.1f}s "
                  f"abstained={answer['abstained']} correct={scored['metrics'].get('correct')}", flush=True)
            done[item.id] = row
    return [done[it.id] for it in items if it.id in done]


def table(named_rows: dict[str, list[dict]]) -> str:
    """One line per system: the issue-3 target metrics and the shared eval metrics, same definitions."""
    cols = ["correct (answerable)", "correct abstention (unanswerable)", "answering article cited",
            "token F1", "faithfulness (lexical judge)", "latency p50 / p95", "questions"]
    lines = ["| system | " + " | ".join(cols) + " |", "|---|" + "---|" * len(cols)]
    for name, rows in named_rows.items():
        s = summarise(rows)
        lat = [r["metrics"]["latency_s"] for r in rows if r.get("metrics") and r["metrics"].get("latency_s")]
        vals = [_pct(s.get("correct_answerable")), _pct(s.get("abstention_recall")), _pct(s.get("gold_doc_cited")),
                _num(s.get("token_f1")), _num(s.get("faithfulness")),
                f"{percentile(lat, 50):.1f} s / {percentile(lat, 95):.1f} s" if lat else "–", str(len(rows))]
        lines.append(f"| {name} | " + " | ".join(vals) + " |")
    return "\n".join(lines)


def by_kind(rows: list[dict]) -> str:
    s = summarise(rows)["by_kind"]
    lines = ["| kind | questions | correct | abstained |", "|---|---|---|---|"]
    for kind, m in s.items():
        lines.append(f"| {kind} | {m['questions']} | {_pct(m.get('correct'))} | {m['abstained']} |")
    return "\n".join(lines)


def _pct(x: float | None) -> str:
    return "–" if x is None else f"{100 * x:.1f} %"


def _num(x: float | None) -> str:
    return "–" if x is None else f"{x:.3f}"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--kinds", default=None, help="comma-separated dataset kinds (default: all)")
    ap.add_argument("--ours", type=Path, default=None, help="a `rag eval run` folder to print beside it")
    ap.add_argument("--ids", default=None, help="comma-separated question ids (default: all)")
    ap.add_argument("--run-dir", type=Path, default=RUN_DIR)
    args = ap.parse_args()
    kinds = set(args.kinds.split(",")) if args.kinds else None
    rows = run(kinds, args.run_dir, set(args.ids.split(",")) if args.ids else None)
    named = {"CitationQueryEngine (stock, defaults)": rows}
    if args.ours:
        ids = {r["id"] for r in rows}
        ours = [r for r in read_rows(args.ours / "results.jsonl") if r["id"] in ids and r.get("metrics")]
        named = {f"newsrag ({args.ours.name})": ours, **named}
    text = (f"Same {len(rows)} questions ({args.kinds or 'all kinds'}), same chunks, embeddings and local model; "
            "latency under load unless noted.\n\n" + table(named) + "\n\nCitationQueryEngine by kind:\n\n"
            + by_kind(rows) + "\n")
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / "citation_engine.md").write_text(text, encoding="utf-8")
    print(text)


if __name__ == "__main__":
    main()
