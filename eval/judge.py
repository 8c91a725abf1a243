"""The faithfulness judge: how likely is it that a piece of evidence supports a claim? (0..1)

A naive "is this answer right?" question to a 1.5B model is nearly useless (it says No to short
correct answers and Yes to fluent wrong sentences). So the judge
  1. restates a short answer together with its question as a declarative claim,
  2. measures lexical signals (word coverage, names/numbers/negations present, count missing),
  3. asks the model one Yes/No support question and reads P(Yes) from the first token's logprobs,
  4. combines them with a logistic regression fitted by `rag eval calibrate` (eval/judge_weights.json).
Everything is deterministic: greedy decoding, logprobs instead of sampled text, fixed weights, and
model results memoised in an LLMCache. Without a model, a lexical-only fit is used.
"""
from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from rag.settings import Settings

from .features import is_verbatim, lexical_features
from .llm_cache import LLMCache, cache_key

WEIGHTS_PATH = Path(__file__).with_name("judge_weights.json")
LEXICAL, COMBINED = "lexical", "combined"
SHORT_ANSWER_WORDS = 6  # shorter answers ("Delhi", "yes") mean nothing without their question
MAX_EVIDENCE_CHARS = 6000  # fits the local model's 4k-token context with room for the claim
LOGIT_CLIP = 8.0

JUDGE_SYSTEM = "You are a careful fact checker. You decide whether a claim is supported by a passage."
RESTATE_SYSTEM = (
    "Rewrite a question and its answer as one short declarative sentence that states the answer. "
    "Keep the answer's words. Output only the sentence."
)


def support_messages(claim: str, evidence: str) -> list[dict]:
    user = f"Passage: {evidence[:MAX_EVIDENCE_CHARS]}\n\nClaim: {claim}\n\nIs the claim supported by the passage? Answer Yes or No."
    return [{"role": "system", "content": JUDGE_SYSTEM}, {"role": "user", "content": user}]


def restate_messages(question: str, answer: str) -> list[dict]:
    user = f"Question: {' '.join(question.split())}\nAnswer: {' '.join(answer.split())}\nSentence:"
    return [{"role": "system", "content": RESTATE_SYSTEM}, {"role": "user", "content": user}]


def is_short(answer: str) -> bool:
    return len(answer.split()) < SHORT_ANSWER_WORDS


@dataclass
class Verdict:
    score: float  # P(supported); the decision boundary is 0.5
    claim: str  # what was judged (the restated answer, if it was restated)
    features: dict[str, float] = field(default_factory=dict)

    @property
    def supported(self) -> bool:
        return self.score >= 0.5

    def to_json(self) -> dict:
        return {"score": round(self.score, 4), "supported": self.supported, "claim": self.claim,
                "features": {k: round(v, 4) for k, v in self.features.items()}}


@lru_cache(maxsize=4)
def load_weights(path: Path = WEIGHTS_PATH) -> dict:
    return json.loads(Path(path).read_text(encoding="utf-8"))


class Judge:
    """Scores (claim, evidence) pairs. `llm` is an rag.llm.LLMClient, or None for lexical only."""

    def __init__(self, llm=None, weights: dict | None = None, cache: LLMCache | None = None):
        self.llm = llm
        weights = weights or load_weights()
        self.model = weights[COMBINED if llm is not None else LEXICAL]
        self.cache = cache if cache is not None else LLMCache()

    @property
    def name(self) -> str:
        return f"{COMBINED}:{self.llm.model_name}" if self.llm is not None else LEXICAL

    def verdict(self, answer: str, evidence: str, question: str | None = None) -> Verdict:
        """Is `answer` (a sentence, or a short answer to `question`) supported by `evidence`?"""
        restate = question is not None and is_short(answer)
        if not restate and is_verbatim(answer, evidence):
            return Verdict(1.0, answer, {"verbatim": 1.0})  # a span of the evidence supports itself
        claim = self.restate(question, answer) if restate else answer
        feats = self.features(claim, evidence, answer)
        return Verdict(self.combine(feats), claim, feats)

    def features(self, claim: str, evidence: str, answer: str | None = None) -> dict[str, float]:
        # Lexical signals look at the answer's own words: the question's words in a restated claim
        # are in the passage anyway and would only dilute them.
        feats = lexical_features(answer or claim, evidence)
        if self.llm is not None:
            p = self.yes_probability(support_messages(claim, evidence))
            feats["llm_yes"] = p
            feats["llm_logit"] = _clipped_logit(p) / LOGIT_CLIP
        return feats

    def combine(self, feats: dict[str, float]) -> float:
        z = self.model["intercept"] + sum(w * feats[f] for f, w in zip(self.model["features"], self.model["coef"]))
        return 1.0 / (1.0 + math.exp(-z))

    def restate(self, question: str, answer: str) -> str:
        if self.llm is None:
            return f"{question.strip()} {answer.strip()}"
        messages = restate_messages(question, answer)
        key = cache_key(self.llm.model_name, "restate", messages)
        text = self.cache.get_or_compute(key, lambda: self.llm.chat(messages, max_tokens=60))
        line = next((ln.strip() for ln in text.splitlines() if ln.strip()), "")
        return line or f"{question.strip()} {answer.strip()}"

    def yes_probability(self, messages: list[dict]) -> float:
        key = cache_key(self.llm.model_name, "yes", messages)
        return self.cache.get_or_compute(key, lambda: self.llm.yes_probability(messages))


def _clipped_logit(p: float) -> float:
    eps = math.exp(-LOGIT_CLIP)
    p = min(max(p, eps), 1 - eps)
    return math.log(p / (1 - p))


def judge_client(settings: Settings, use_llm: bool = True):
    """The LLM client the judge uses: RAG_JUDGE_BASE_URL/RAG_JUDGE_MODEL if set, else the local model."""
    if not use_llm:
        return None
    from rag.llm import LLMClient

    if settings.judge_base_url:
        judge_settings = settings.model_copy(update={
            "llm_base_url": settings.judge_base_url,
            "llm_model": settings.judge_model or settings.llm_model,
        })
        return LLMClient(judge_settings, "openai")
    return LLMClient(settings, "local")
