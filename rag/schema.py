"""Plain data passed between pipeline stages, and the JSON contract of an answer.

`Answer.to_json()` is what `rag ask --json`, the UI and the eval harness all consume.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass, field


@dataclass
class Article:
    """One ingested document: its cleaned full text is the ground truth every quote is checked against."""

    doc_id: str
    title: str
    source: str
    text: str


@dataclass
class Hit:
    """One retrieved chunk. `text == article.text[start:end]` always holds."""

    chunk_id: str
    doc_id: str
    title: str
    source: str
    chunk_index: int
    start: int
    end: int
    text: str
    score: float  # fused (reciprocal-rank) score
    dense_score: float | None = None  # cosine similarity, None if not in the dense top list
    keyword_score: float | None = None  # BM25, None if not in the keyword top list
    dense_rank: int | None = None
    keyword_rank: int | None = None

    def to_json(self) -> dict:
        return asdict(self)


@dataclass
class Source:
    """A numbered evidence passage shown to the model as [n]: a sentence window inside one article."""

    n: int
    doc_id: str
    title: str
    source: str
    start: int
    end: int
    text: str
    score: float

    def to_json(self) -> dict:
        return {k: getattr(self, k) for k in ("n", "doc_id", "title", "source", "score", "text", "start", "end")}


@dataclass
class Citation:
    """A verified quote: `article(doc_id)[start:end] == quote`, checked before it is returned."""

    n: int
    doc_id: str
    title: str
    source: str
    quote: str
    start: int
    end: int

    def to_json(self) -> dict:
        return asdict(self)


@dataclass
class Sentence:
    """One sentence of the answer with its verdict."""

    text: str
    citations: list[int] = field(default_factory=list)  # Citation.n values
    supported: bool = False
    support: float = 0.0  # 0..1, how well the cited quotes support the sentence
    # Words of a supported sentence its quotes hold in no form (the model's own wording): shown marked, as the
    # relation a paraphrase states may not be the quote's ("flooded" over "lower the water table under").
    own_words: list[str] = field(default_factory=list)

    def to_json(self) -> dict:
        return asdict(self)


@dataclass
class Answer:
    question: str
    standalone_question: str
    answer: str
    abstained: bool
    sentences: list[Sentence]
    citations: list[Citation]
    sources: list[Source]
    timings: dict[str, float | None]
    model: str
    mode: str = "local"
    error: str | None = None  # set when the LLM failed and we fell back (sources still returned)

    def to_json(self) -> dict:
        return {
            "question": self.question,
            "standalone_question": self.standalone_question,
            "answer": self.answer,
            "abstained": self.abstained,
            "sentences": [s.to_json() for s in self.sentences],
            "citations": [c.to_json() for c in self.citations],
            "sources": [s.to_json() for s in self.sources],
            "timings": dict(self.timings),
            "model": self.model,
            "mode": self.mode,
            "error": self.error,
        }
