"""The faithfulness judge: how likely is it that a piece of evidence supports a claim? (0..1)

A naive "is this answer right?" question to a 1.5B model is nearly useless (it says No to short
correct answers and Yes to fluent wrong sentences). So the judge
  1. restates a short answer together with its question as a declarative claim,
  2. measures lexical signals of the answer's own words (coverage in the whole evidence and in its
     best single sentence, names/numbers/negations present, count missing) and relation-level ones,
     each claim sentence against the evidence sentence that bears on it (eval/relation_features.py:
     roles, dates with their event, people, negation, "because", hedges, MiniLM similarity),
  3. asks the model a Yes/No support question (for each sentence of a longer answer, which takes its
     weakest) and reads P(Yes) from the first token's logprobs,
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

from .features import is_verbatim, lexical_features, split_claim
from .relation_features import cosine, relation_features
from .llm_cache import LLMCache, cache_key

WEIGHTS_PATH = Path(__file__).with_name("judge_weights.json")
LEXICAL, COMBINED = "lexical", "combined"
SHORT_ANSWER_WORDS = 6  # shorter answers ("Delhi", "yes") mean nothing without their question
MAX_EVIDENCE_CHARS = 6000  # fits the local model's 4k-token context with room for the claim

JUDGE_SYSTEM = "You are a careful fact checker. You decide whether a claim is supported by a passage."


def support_messages(claim: str, evidence: str) -> list[dict]:
    user = f"Passage: {evidence[:MAX_EVIDENCE_CHARS]}\n\nClaim: {claim}\n\nIs the claim supported by the passage? Answer Yes or No."
    return [{"role": "system", "content": JUDGE_SYSTEM}, {"role": "user", "content": user}]


def restate(question: str, answer: str) -> str:
    """A short answer and its question as one declarative claim.

    A fixed template rather than a model rewrite: on HaluEval the model's yes-probability separated
    right from wrong answers at least as well with it, it costs nothing, and it cannot drift.
    """
    return f'The answer to the question "{" ".join(question.split())}" is: {" ".join(answer.split())}'


def is_short(answer: str) -> bool:
    return len(answer.split()) < SHORT_ANSWER_WORDS


def self_evident(answer: str, evidence: str, question: str | None = None) -> bool:
    """A sentence that is a span of its evidence supports itself; a short answer means something
    only with its question, so it never does ("Paris" is in many passages that do not say it)."""
    return not (question is not None and is_short(answer)) and is_verbatim(answer, evidence)


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
        self.kind = COMBINED if llm is not None else LEXICAL
        self._weights = weights  # None: the shipped eval/judge_weights.json, read on first use
        self.cache = cache if cache is not None else LLMCache()

    @property
    def model(self) -> dict:
        return (self._weights or load_weights())[self.kind]

    @property
    def name(self) -> str:
        return f"{COMBINED}:{self.llm.model_name}" if self.llm is not None else LEXICAL

    def verdict(self, answer: str, evidence: str, question: str | None = None) -> Verdict:
        """Is `answer` (a sentence, or a short answer to `question`) supported by `evidence`?"""
        if self_evident(answer, evidence, question):
            return Verdict(1.0, answer, {"verbatim": 1.0})
        claim, feats = self.pair_features(answer, evidence, question)
        return Verdict(self.combine(feats, is_multi_sentence(answer)), claim, feats)

    def pair_features(self, answer: str, evidence: str, question: str | None = None) -> tuple[str, dict[str, float]]:
        """(the claim judged, its features): what `verdict` combines, and what calibration fits on.

        The lexical signals look at the answer's own words only: the restating template and the
        question would add words that say nothing about whether the answer is right.
        """
        claim = restate(question, answer) if question is not None and is_short(answer) else answer
        feats = {**lexical_features(answer, evidence), **relation_features(answer, evidence, cosine)}
        # A short answer restated with its question is judged in another regime than a sentence: its own
        # words are few, and the template's are not the answer's (the combined judge weighs this).
        feats["restated"] = float(claim != answer)
        if self.llm is not None:
            # The probability, not its logit: this model is often confidently wrong, and a bounded
            # signal cannot overrule strong lexical evidence on its own (the logit did, on HaluEval).
            # An answer of several sentences is read a sentence at a time and is as supported as its
            # weakest: asked about the whole, the small model says yes to two right sentences and a wrong one.
            sentences = split_claim(answer) if claim == answer else [claim]
            feats["llm_yes"] = min(self.yes_probability(support_messages(s, evidence))
                                   for s in (sentences if len(sentences) > 1 else [claim]))
        return claim, feats

    def combine(self, feats: dict[str, float], multi: bool = False) -> float:
        return combined_score(self.model, feats, multi)

    def yes_probability(self, messages: list[dict]) -> float:
        key = cache_key(self.llm.model_name, "yes", messages)
        return self.cache.get_or_compute(key, lambda: self.llm.yes_probability(messages))


def is_multi_sentence(answer: str) -> bool:
    return len(split_claim(answer)) > 1


def feature_value(feats: dict[str, float], name: str) -> float:
    """A measured signal, or the product of two ("coverage*llm_yes")."""
    if "*" in name:
        a, b = name.split("*", 1)
        return feats[a] * feats[b]
    return feats[name]


def combined_score(model: dict, feats: dict[str, float], multi: bool = False) -> float:
    """The logistic model {features, coef, intercept} applied to one pair's features. A claim of several
    sentences has its own decision boundary (`multi_sentence_shift`, fitted on the tune halves): its
    signals are the worst of its sentences', which a right answer of three sentences pays for too."""
    z = model["intercept"] + sum(w * feature_value(feats, f) for f, w in zip(model["features"], model["coef"]))
    z += model.get("multi_sentence_shift", 0.0) if multi else 0.0
    return 1.0 / (1.0 + math.exp(-z))


def judge_client(settings: Settings, use_llm: bool = True):
    """The LLM client the judge uses: RAG_JUDGE_BASE_URL/RAG_JUDGE_MODEL if set, else the local model."""
    if not use_llm:
        return None
    from rag.llm import llm_client

    if settings.judge_base_url:
        judge_settings = settings.model_copy(update={
            "llm_base_url": settings.judge_base_url,
            "llm_model": settings.judge_model or settings.llm_model,
        })
        return llm_client(judge_settings, "openai")
    return llm_client(settings, "local")
