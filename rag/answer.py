"""Answering: question -> analysis -> standalone question -> retrieval -> evidence -> LLM (or quotes) ->
checks -> answer.

The model's output is never trusted as is: it goes through the named steps of rag.checks (aligned to
verbatim quotes, the question's premise and roles compared with the quotes...), and whether to answer at
all is decided from the evidence, not from the prompt alone.
"""
from __future__ import annotations

import re
import time
from collections.abc import Iterator

from .checks import ABSTAIN_TEXT, STEP_NAMES, Case, Draft, run_checks  # noqa: F401 (ABSTAIN_TEXT: part of the API)
from .context import select_sources
from .errors import ConfigError, InputError, LLMBusy, LLMError
from .prompts import (answer_messages, answers_question_messages, may_copy_example, rewrite_messages,
                      states_claim_messages)
from .question import DATE, NUMBER_, Question, analyse, owner_may_be_asked
from .schema import Answer, Source
from .support import Evidence, content_tokens, terms

# Evidence strength (best source score, rag.context.sentence_score) below which we abstain without
# asking the model: off-topic questions ("Write me a poem") scored 0.34-0.43 when measured,
# answerable ones 0.71 and up. Above it the score does not separate answerable from unanswerable: the
# checks after the model do that.
ABSTAIN_BELOW = 0.55
N_SOURCES = 6
MAX_ANSWER_TOKENS = 100  # one or two short sentences; every token is ~0.1 s on 2 cores
_UNSENDABLE = re.compile(r"[\x00\ud800-\udfff]")


def validate_history(history) -> list[dict]:
    """A conversation as a list of {"role": "user"|"assistant", "content": str}; raises InputError."""
    if history is None:
        return []
    if not isinstance(history, list):
        raise InputError("history must be a JSON list of {\"role\", \"content\"} objects")
    out = []
    for i, m in enumerate(history):
        if not isinstance(m, dict) or m.get("role") not in ("user", "assistant") or not isinstance(m.get("content"), str):
            raise InputError(f"history item {i}: expected {{\"role\": \"user\"|\"assistant\", \"content\": str}}")
        if _UNSENDABLE.search(m["content"]):  # the model's HTTP request could not even be encoded
            raise InputError(f"history item {i}: content holds NUL bytes or invalid Unicode (unpaired surrogates)")
        out.append({"role": m["role"], "content": m["content"]})
    return out


class Answerer:
    def __init__(self, engine):
        self.engine = engine
        self.settings = engine.settings
        self._clients: dict[str, object] = {}
        skip = {s.strip() for s in self.settings.skip_checks.split(",") if s.strip()}
        unknown = skip - set(STEP_NAMES)
        if unknown:
            raise ConfigError(f"RAG_SKIP_CHECKS names unknown steps {sorted(unknown)}; known: {', '.join(STEP_NAMES)}")
        self.skip = frozenset(skip)

    def client(self, mode: str):
        if mode not in self._clients:
            from .llm import llm_client

            self._clients[mode] = llm_client(self.settings, mode)
        return self._clients[mode]

    def warm(self, mode: str) -> None:
        """Start the model and have it read the fixed system prompt once, so the server's prompt cache
        holds it before the first question."""
        self.client(mode).chat(answer_messages("Warm up.", []), max_tokens=1)

    def set_client(self, mode: str, client) -> None:
        """Answer with `client` (same methods as rag.llm.LLMClient) in `mode`: e.g. a caching wrapper."""
        self._clients[mode] = client

    def ask(self, question: str, history: list[dict] | None = None, mode: str | None = None,
            k: int | None = None) -> Answer:
        answer = None
        for kind, payload in self.ask_stream(question, history, mode, k):
            if kind == "answer":
                answer = payload
        return answer

    def ask_stream(self, question: str, history: list[dict] | None = None, mode: str | None = None,
                   k: int | None = None) -> Iterator[tuple[str, object]]:
        t0 = time.perf_counter()
        question = self.engine.validate_question(question)
        history = validate_history(history)
        mode = mode or self.settings.mode
        if mode not in ("local", "openai", "extractive"):
            raise ConfigError(f"unknown mode {mode!r}: use local, openai or extractive")
        if mode == "openai" and not self.settings.llm_base_url:
            raise ConfigError("mode 'openai' needs RAG_LLM_BASE_URL (and RAG_LLM_MODEL, OPENAI_API_KEY)")

        run = _Run(question, mode, t0)
        if history and analyse(question).needs_context:
            yield "status", "Rewriting the follow-up question…"
            run.standalone = self.standalone_question(question, history, mode, run)
        yield "status", "Searching the articles…"
        case = self.case(run, k)
        sources = case.sources
        if not sources or sources[0].score < ABSTAIN_BELOW or _lacks_asked_number(case.question, sources):
            yield "answer", run.finish(case.abstain())
            return
        if mode == "extractive":
            yield "answer", run.finish(run_checks(case, case.quotes(), self.skip))
            return
        yield "status", "Writing the answer…"
        text, shown = "", 0
        try:
            for delta in self.client(mode).stream(answer_messages(run.standalone, sources), max_tokens=MAX_ANSWER_TOKENS):
                text += delta
                if may_copy_example(text):
                    continue  # held back until it is clearly not the rules' example copied out
                if run.timings.get("first_token_s") is None:
                    run.timings["first_token_s"] = time.perf_counter() - t0
                yield "token", text[shown:]
                shown = len(text)
            if shown < len(text) and not may_copy_example(text):
                yield "token", text[shown:]
        except LLMError as e:
            # Busy is not a failure: say plainly that it is busy, and still give the quotes. The model just
            # failed: the checks do not ask it again (that would only add its timeouts to the wait).
            case.rate = case.states = None
            draft = case.quotes()
            draft.notes.append(f"{e}. Meanwhile, here are the best quotes from the articles." if isinstance(e, LLMBusy)
                               else f"the language model failed ({e}); showing the best quotes instead")
            yield "answer", run.finish(run_checks(case, draft, self.skip))
            return
        yield "status", "Checking the answer against the quotes…"
        yield "answer", run.finish(run_checks(case, Draft(None, "model", reply=text), self.skip))

    def case(self, run: "_Run", k: int | None = None) -> Case:
        """Retrieval for the run's standalone question, and what the checks need to judge an answer to it."""
        q = analyse(run.standalone)
        if run.standalone != run.question:
            q = q.only_facts_of(run.question)  # what the conversation added is not this question's premise
        hits = self.engine.search(run.standalone, k=k)
        articles = {h.doc_id: self.engine.article(h.doc_id).text for h in hits}
        qvec = self.engine.embedder.embed_query(run.standalone)
        sources = select_sources(qvec, set(content_tokens(run.standalone)), hits, articles,
                                 self.engine.embedder.embed_cached, n=N_SOURCES)
        run.timings["retrieve_s"] = time.perf_counter() - run.t0
        run.model = "extractive" if run.mode == "extractive" else self.model_name(run.mode)
        rate = states = None
        if run.mode != "extractive":
            rated: dict[tuple[str, str], float] = {}  # model_contrasts asks again what model_confirms asked

            def rate(passage: str, question: str | None = None) -> float:
                key = (passage, question or q.asked)
                if key not in rated:
                    rated[key] = self.client(run.mode).yes_probability(answers_question_messages(key[1], passage))
                return rated[key]

            def states(claim: str, passage: str) -> float:
                return self.client(run.mode).yes_probability(states_claim_messages(claim, passage))

        def make(text, abstained, sentences, citations):
            return run.make(text, abstained, sentences, citations, sources)

        return Case(q, sources, articles, make, similarity=self.similarity, rate=rate, states=states)

    def verify(self, question: str, reply: str, mode: str = "local", k: int | None = None) -> Answer:
        """`reply`, as if the model had written it for `question`, through every check of the answer path
        (for tests, and for judging answers written elsewhere). Mode "extractive" skips the model's checks."""
        run = _Run(self.engine.validate_question(question), mode, time.perf_counter())
        case = self.case(run, k)
        return run.finish(run_checks(case, Draft(None, "model", reply=reply), self.skip))

    def standalone_question(self, question: str, history: list[dict], mode: str, run: "_Run") -> str:
        last_user = next((m["content"] for m in reversed(history) if m["role"] == "user"), "")
        if mode == "extractive":
            return _heuristic_rewrite(question, last_user)
        try:
            out = self.client(mode).chat(rewrite_messages(history, question), max_tokens=60).strip()
        except LLMError as e:
            run.notes.append(f"could not rewrite the follow-up with the model ({e})")
            return _heuristic_rewrite(question, last_user)
        out = out.splitlines()[0].strip().strip('"') if out else ""
        # Handed back unchanged ("Where was she born?"), the follow-up still needs its context; not when its
        # "its" may be the one asked for ("Who withdrew its sponsorship?"): the previous question would
        # then lead the search astray.
        unchanged = _plain_words(out) == _plain_words(question)
        if unchanged and owner_may_be_asked(question):
            return question
        if unchanged or not (3 <= len(out) <= 4 * len(question) + 200) or _drops_words(question, out):
            return _heuristic_rewrite(question, last_user)
        return out

    def similarity(self, claim: str, quote: str) -> float:
        """Embedding cosine of an answer sentence and a candidate quote, for rag.align: it lifts
        paraphrases through synonyms over the support threshold, never a wrong number or name
        (tests/test_support.py). Both texts come from the embedding cache after the first call."""
        a, b = self.engine.embedder.embed_cached([claim, quote])
        return float(a @ b)

    def model_name(self, mode: str) -> str:
        try:
            return self.client(mode).model_name
        except LLMError:
            return self.settings.llm_model


def _plain_words(text: str) -> list[str]:
    return re.findall(r"\w+", text.lower())


def _drops_words(question: str, rewrite: str) -> bool:
    """The rewrite lost a content word of the follow-up: the small model sometimes hands back the previous
    question instead of resolving a pronoun ("When will she be sworn in?" -> "When will X close the
    library?"), which would answer something else."""
    kept = Evidence.of(rewrite)
    return any(kept.credit(t) == 0.0 for t in terms(question))


def _heuristic_rewrite(question: str, last_user: str) -> str:
    """Without a model: a follow-up that needs its context borrows the previous question."""
    return f"{last_user.rstrip(' ?')}? {question}" if last_user else question


def _lacks_asked_number(q: Question, sources: list[Source]) -> bool:
    """A question asking for a quantity or date cannot be answered from passages with no number in them."""
    found = q.quantities()
    return q.wants in (NUMBER_, DATE) and not any(found.search(s.text) for s in sources[:3])


class _Run:
    """The state of one question as it moves through the pipeline, and how it ends."""

    def __init__(self, question: str, mode: str, t0: float):
        self.question = question
        self.standalone = question
        self.mode = mode
        self.t0 = t0
        self.model = ""
        self.notes: list[str] = []
        self.timings: dict[str, float | None] = {"retrieve_s": None, "first_token_s": None, "total_s": None}

    def make(self, text: str, abstained: bool, sentences, citations, sources=None) -> Answer:
        return Answer(question=self.question, standalone_question=self.standalone, answer=text, abstained=abstained,
                      sentences=sentences, citations=citations, sources=sources or [], timings={}, model=self.model,
                      mode=self.mode)

    def finish(self, draft: Draft) -> Answer:
        """The answer as shown: timings, the sources, and every note the steps left."""
        answer = draft.answer
        self.timings["total_s"] = time.perf_counter() - self.t0
        if self.timings["first_token_s"] is None:
            self.timings["first_token_s"] = self.timings["total_s"]
        answer.timings = {k: (round(v, 3) if v is not None else None) for k, v in self.timings.items()}
        answer.model, answer.mode = self.model, self.mode
        notes = list(dict.fromkeys(self.notes + draft.notes))
        answer.error = "; ".join(notes) if notes else None
        return answer
