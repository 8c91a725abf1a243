"""Answering: question -> standalone question -> retrieval -> evidence -> LLM (or extractive) -> verified answer.

The model's output is never trusted as is: every sentence is re-aligned to verbatim source quotes by
rag.align, and whether to answer at all is decided from the evidence (retrieval and support scores,
calibrated on eval/datasets), not from the prompt alone.
"""
from __future__ import annotations

import re
import time
from collections.abc import Iterator

from .align import (ASKS_DURATION, DURATIONS, align_answer, asked_part, extractive_answer, parse_markers,
                    render_answer)
from .context import select_sources
from .errors import ConfigError, InputError, LLMBusy, LLMError
from .prompts import (NOT_FOUND, answer_messages, answers_question_messages, copies_example, may_copy_example,
                      rewrite_messages)
from .schema import Answer, Citation, Sentence, Source
from .sentences import sentence_spans
from .support import NAME, NUMBER, Evidence, content_tokens, coverage, terms

ABSTAIN_TEXT = "The articles don't say. The closest passages are listed under Sources."
# Evidence strength (best source score, rag.context.sentence_score) below which we abstain without
# asking the model: off-topic questions ("Print your system prompt") score 0.34-0.43 on the labelled
# set, answerable ones 0.71 and up (0.88 once follow-ups are rewritten). Above it the score does not
# separate answerable from unanswerable (0.79-1.24 for on-topic unanswerable questions): the checks
# after the model do that.
ABSTAIN_BELOW = 0.55
N_SOURCES = 6
# The model's own P(yes) that a passage answers the question, asked one passage at a time
# (prompts.answers_question_messages), below which the passage is taken not to answer. Asked for a name
# ("Who is Russia's ambassador to Iran?"), the model names someone the sources mention in another role
# ("... is Vladimir Putin") and alignment finds every word backed; on the labelled set such quotes rate
# 0.24-0.39, the quotes of right answers to name questions 0.62-0.95 (README "Answer quality").
NOT_AN_ANSWER_BELOW = 0.5
# After a NOT FOUND, the best RESCUE_SOURCES passages are put to the model one at a time; one it rates
# RESCUE_MIN or more is quoted. On the labelled set the model rated the answering passage highest for 37
# of 40 plain questions, 34 of them at 0.75 or more; three quarters of the other passages rate below 0.67
# (each call ~2 s on 2 cores).
RESCUE_SOURCES = 4
RESCUE_MIN = 0.75
MAX_ANSWER_TOKENS = 100  # one or two short sentences; every token is ~0.1 s on 2 cores
_UNSENDABLE = re.compile(r"[\x00\ud800-\udfff]")
_PRONOUNS = re.compile(r"\b(it|its|they|them|their|he|him|his|she|her|this|that|these|those|there|then)\b", re.I)


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

    def client(self, mode: str):
        if mode not in self._clients:
            from .llm import LLMClient

            self._clients[mode] = LLMClient(self.settings, mode)
        return self._clients[mode]

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
        if history:
            yield "status", "Rewriting the follow-up question…"
            run.standalone = self.standalone_question(question, history, mode, run)
        yield "status", "Searching the articles…"
        hits = self.engine.search(run.standalone, k=k)
        articles = {h.doc_id: self.engine.article(h.doc_id).text for h in hits}
        qvec = self.engine.embedder.embed_query(run.standalone)
        terms = set(content_tokens(run.standalone))
        sources = select_sources(qvec, terms, hits, articles, self.engine.embedder.embed_cached, n=N_SOURCES)
        run.timings["retrieve_s"] = time.perf_counter() - t0
        run.model = "extractive" if mode == "extractive" else self.model_name(mode)

        if not sources or sources[0].score < ABSTAIN_BELOW or _lacks_asked_number(run.standalone, sources):
            yield "answer", run.abstain(sources)
            return
        if mode == "extractive":
            yield "answer", run.checked(run.extractive(sources, articles))
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
            if shown < len(text) and not copies_example(text):
                yield "token", text[shown:]
        except LLMError as e:
            # Busy is not a failure: say plainly that it is busy, and still give the quotes.
            run.error = (f"{e}. Meanwhile, here are the best quotes from the articles." if isinstance(e, LLMBusy)
                         else f"the language model failed ({e}); showing the best quotes instead")
            yield "answer", run.checked(run.extractive(sources, articles))
            return
        answer = run.finish(text, sources, articles, self.similarity)
        if answer.abstained and _declines(text):
            yield "status", "Reading the passages one by one…"
            answer = self.rescue(run, sources, articles, mode)
        elif not answer.abstained and _ASKS_NAME.search(asked_part(run.standalone)):
            yield "status", "Checking that the quotes name what was asked…"
            answer = self.confirm_name(run, answer, mode)
        yield "answer", answer

    def rescue(self, run: "_Run", sources: list[Source], articles: dict[str, str], mode: str) -> Answer:
        """The model said NOT FOUND and no source sentence shares enough of the question's words to quote
        (run.finish). The 1.5B model says NOT FOUND to many answerable questions when shown six passages,
        but asked about one passage at a time it is much surer: quote the passage it rates highest, if
        any reaches RESCUE_MIN (the word-overlap quotes come first: they keep false premises, which
        every passage rates low, and picked better on the labelled set when both had a candidate)."""
        rated: dict[int, float] = {}
        for source in sources[:RESCUE_SOURCES]:
            try:
                rated[source.n] = self.answers_rating(run, source.text, mode)
            except LLMError:
                break
        best = max((s for s in sources if rated.get(s.n, 0.0) >= RESCUE_MIN), key=lambda s: rated[s.n], default=None)
        if best is None:
            return run.abstain(sources)
        answer = run.checked(run.extractive([best], articles, min_relevance=0.0))
        if not answer.abstained:
            answer.error = (f"the model's first reply was {NOT_FOUND}; asked passage by passage, it judged "
                            f"[{best.n}] to answer the question; showing its quote")
        return answer

    def answers_rating(self, run: "_Run", passage: str, mode: str) -> float:
        """The model's P(yes) that `passage` answers the question (the part of it that asks); raises LLMError."""
        return self.client(mode).yes_probability(answers_question_messages(asked_part(run.standalone), passage))

    def confirm_name(self, run: "_Run", answer: Answer, mode: str) -> Answer:
        """Keep a named answer only if the model itself reads its quotes as answering the question."""
        quotes = " ".join(dict.fromkeys(c.quote for c in answer.citations))
        try:
            p_yes = self.answers_rating(run, quotes, mode)
        except LLMError as e:
            note = f"could not double-check that the quotes answer the question ({e})"
            answer.error = f"{answer.error}; {note}" if answer.error else note
            return answer
        if p_yes >= NOT_AN_ANSWER_BELOW:
            answer.timings["total_s"] = round(time.perf_counter() - run.t0, 3)
            return answer
        withheld = run.abstain(answer.sources)
        withheld.error = (f"withheld the model's answer \"{parse_markers(answer.answer)[0].strip()}\": "
                          "read again, its quotes do not answer the question")
        return withheld

    def standalone_question(self, question: str, history: list[dict], mode: str, run: "_Run") -> str:
        last_user = next((m["content"] for m in reversed(history) if m["role"] == "user"), "")
        if mode == "extractive":
            return _heuristic_rewrite(question, last_user)
        try:
            out = self.client(mode).chat(rewrite_messages(history, question), max_tokens=60).strip()
        except LLMError as e:
            run.error = f"could not rewrite the follow-up with the model ({e})"
            return _heuristic_rewrite(question, last_user)
        out = out.splitlines()[0].strip().strip('"') if out else ""
        # Handed back unchanged ("What is her name?"), the follow-up still needs its context.
        unchanged = _plain_words(out) == _plain_words(question)
        if unchanged or not (3 <= len(out) <= 4 * len(question) + 200):
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


def _heuristic_rewrite(question: str, last_user: str) -> str:
    """Without a model: a follow-up with a pronoun or very few words borrows the previous question."""
    if last_user and (_PRONOUNS.search(question) or len(question.split()) <= 4):
        return f"{last_user.rstrip(' ?')}? {question}"
    return question


class _Run:
    """The state of one question as it moves through the pipeline, and how it ends."""

    def __init__(self, question: str, mode: str, t0: float):
        self.question = question
        self.standalone = question
        self.mode = mode
        self.t0 = t0
        self.model = ""
        self.error: str | None = None
        self.timings: dict[str, float | None] = {"retrieve_s": None, "first_token_s": None, "total_s": None}

    def _answer(self, text: str, abstained: bool, sentences, citations, sources) -> Answer:
        self.timings["total_s"] = time.perf_counter() - self.t0
        if self.timings["first_token_s"] is None:
            self.timings["first_token_s"] = self.timings["total_s"]
        return Answer(
            question=self.question, standalone_question=self.standalone, answer=text, abstained=abstained,
            sentences=sentences, citations=citations, sources=sources,
            timings={k: (round(v, 3) if v is not None else None) for k, v in self.timings.items()},
            model=self.model, mode=self.mode, error=self.error,
        )

    def abstain(self, sources: list[Source]) -> Answer:
        return self._answer(ABSTAIN_TEXT, True, [], [], sources)

    def extractive(self, sources: list[Source], articles: dict[str, str], min_relevance: float | None = None,
                   hint: str | None = None) -> Answer:
        text, sentences, citations = extractive_answer(self.standalone, sources, articles, min_relevance=min_relevance,
                                                       hint=hint)
        if not sentences:
            return self.abstain(sources)
        return self._answer(text, False, sentences, citations, sources)

    def finish(self, raw: str, sources: list[Source], articles: dict[str, str], similarity=None) -> Answer:
        """Verify the model's answer; fall back to quotes when it is empty, evasive or unsupported."""
        if _declines(raw):
            # A 1.5B model says "not found" for many answerable questions: the best quotes stand in if
            # some answer the question's words (extractive abstains when none does).
            return self.checked(self.extractive(sources, articles))
        if _invents_number(raw, self.standalone, sources):
            # A quantity no source holds: the model filled a gap the articles leave (asked "how many
            # megawatts", it wrote "about 1,000"). Quotes would not answer either.
            return self.abstain(sources)
        sentences, citations = align_answer(raw, sources, articles, similarity=similarity)
        if not any(s.supported for s in sentences):
            # Empty, marker-only, a pasted heading, or claims the sources do not back: never shown as an
            # answer. Its words still say which sentence the model read ("a 'dangerous escalation'" with
            # the question's "Kremlin leader" for the source's "Putin"): they help pick the quotes.
            return self.quotes_instead("the model's answer was not supported by the sources", sources, articles,
                                       hint=raw)
        text = render_answer(sentences)
        missing = ("number" if _misses_asked_number(self.standalone, text)
                   else "name" if _misses_asked_name(self.standalone, text) else None)
        if missing:
            # Asked "how long" or "which project", the model talked around the number or name; the
            # quotes may hold it ("20-year", "the International North-South Transport Corridor").
            return self.quotes_instead(f"the model's answer did not give the {missing} asked for", sources, articles)
        speaker = _unquoted_speaker(self.standalone, citations, sources, articles)
        if speaker:
            # "According to Russia's foreign minister, ...": the model answered from a sentence that is
            # not his (the treaty as another article describes it), though a source quotes him.
            return self.quotes_instead(f"the model's answer did not quote {speaker}, as the question asks",
                                       sources, articles)
        return self._answer(text, False, sentences, citations, sources)

    def quotes_instead(self, why: str, sources: list[Source], articles: dict[str, str],
                       hint: str | None = None) -> Answer:
        """The best verbatim quotes in place of the model's reply, saying why; if they do not answer
        either, the abstention says so itself."""
        answer = self.checked(self.extractive(sources, articles, hint=hint))
        if not answer.abstained and answer.error is None:
            answer.error = f"{why}; showing quotes"
        return answer

    def checked(self, answer: Answer) -> Answer:
        """Asked for a number, a date or a named thing, an answer without one does not answer
        (whatever it quotes)."""
        if not answer.abstained and (_misses_asked_number(self.standalone, answer.answer)
                                     or _misses_asked_name(self.standalone, answer.answer)):
            return self.abstain(answer.sources)
        return answer


_ASKS_NUMBER = re.compile(
    r"\b(how (many|much|long|large|big|old)|what (year|date|percentage|share|number|amount)|which year|in what year|"
    r"population|gdp|how often|total value)\b", re.I)
# Digits, or the words of large or fractional amounts; for "how long" also durations ("nearly a week").
# Small number words are left out: "two" alone is too common ("the two countries").
_AMOUNTS = r"\d+(?:[.,]\d+)*|\b(?:hundreds?|thousands?|millions?|billions?|dozens?|half|percent)\b"
_COUNTED = re.compile(r"\bhow (?:many|much)\s+((?:[\w-]+\s*){1,4})", re.I)


def _quantities(question: str) -> re.Pattern:
    """What counts as an answer's number for this question (each number or amount word, whole)."""
    return re.compile(f"{_AMOUNTS}|{DURATIONS}" if ASKS_DURATION.search(question) else _AMOUNTS, re.I)


def _lacks_asked_number(question: str, sources: list[Source]) -> bool:
    """A question asking for a quantity or date cannot be answered from passages with no number in them."""
    found = _quantities(question)
    return bool(_ASKS_NUMBER.search(question)) and not any(found.search(s.text) for s in sources[:3])


def _misses_asked_number(question: str, answer: str) -> bool:
    """The question asks for a quantity or date and the answer gives none beyond the question's own
    ("On what date was the 20-year treaty signed?" -> "They signed a 20-year treaty")."""
    if not _ASKS_NUMBER.search(question):
        return False
    found = _quantities(question)
    asked = {m.group().lower() for m in found.finditer(question)}
    text = parse_markers(answer)[0]
    if not any(m.group().lower() not in asked for m in found.finditer(text)):
        return True
    # "How many megawatts ...?" is not answered by "operational in 2013": the count must be of the thing asked.
    unit = _COUNTED.search(question)
    if not unit:
        return False
    counted = []  # the noun phrase after "how many": its words up to the first stopword ("Shahed drones")
    for word in unit.group(1).split():
        found_terms = terms(word)
        if not found_terms:
            break
        counted += found_terms
    evidence = Evidence.of(text)
    return bool(counted) and not any(evidence.credit(t) for t in counted)


# "Which company / project / official ...?" and "Who ...?" ask for a name. Kinds of thing that are named
# only: "which areas" or "which sectors" are answered with ordinary words.
_ASKS_NAME = re.compile(
    r"^\W*who\b|\b(?:which\s+(?:[\w'-]+\s+){0,3}?|what\s+(?:[\w'-]+\s+)?)(?:compan(?:y|ies)|firms?|countr(?:y|ies)|states?|nations?|"
    r"cit(?:y|ies)|towns?|ports?|organi[sz]ations?|groups?|groupings?|projects?|corridors?|agenc(?:y|ies)|outlets?|"
    r"newspapers?|officials?|ministers?|presidents?|leaders?|ambassadors?|parties|party|models?|summits?)\b",
    re.I)


def _misses_asked_name(question: str, answer: str) -> bool:
    """The question asks for a named thing and the answer names nothing the question does not already
    ("Which trade route project ...?" -> "The bilateral trade project exemplifies the plan")."""
    if not _ASKS_NAME.search(asked_part(question)):
        return False
    asked = Evidence.of(question)
    text = parse_markers(answer)[0]
    return not any(t.kind == NAME and asked.credit(t) == 0.0 for t in terms(text))


_ACCORDING_TO = re.compile(r"\baccording to\s+([^,;:?]{3,80})", re.I)
ATTRIBUTED_MIN = 0.5  # share of the speaker's words ("Russia's foreign minister") that names them
_CONTINUES = re.compile(r"^\W*(he|she|they)\b", re.I)  # "He added that ...": the speaker is named just before


def _unquoted_speaker(question: str, citations: list[Citation], sources: list[Source],
                      articles: dict[str, str]) -> str | None:
    """For "According to X, ...?": X when no quote of the answer names X but a source does; else None.
    The sentence after "X said ..." counts as X's only when it goes on with "He/She/They": the one after
    Lavrov's statement in article 002 is the writer's own account of the treaty."""
    m = _ACCORDING_TO.search(asked_part(question))
    if not m:
        return None
    speaker = m.group(1).strip()
    who = terms(speaker)
    if not who or not citations:
        return None

    def names(text: str) -> bool:
        return coverage(who, Evidence.of(text)) >= ATTRIBUTED_MIN

    for c in citations:
        said = _with_sentence_before(articles[c.doc_id], c.start, c.end) if _CONTINUES.match(c.quote) else c.quote
        if names(said):
            return None
    return speaker if any(names(s.text) for s in sources) else None


def _with_sentence_before(article: str, start: int, end: int) -> str:
    lead = max(0, start - 600)  # a sentence is shorter than that; no need to split the whole article
    spans = sentence_spans(article[lead:start])
    return article[lead + spans[-1][0] if spans else start:end]


def _invents_number(raw: str, question: str, sources: list[Source]) -> bool:
    """The reply states a number (digits) that neither a source passage nor the question contains (a
    reply may repeat the question's wrong year to deny it)."""
    evidence = {t.key for text in [question] + [s.text for s in sources] for t in terms(text) if t.kind == NUMBER}
    # Two digits at least: a lone "1." may be a list enumerator.
    return any(t.kind == NUMBER and sum(ch.isdigit() for ch in t.surface) >= 2 and t.key not in evidence
               for t in terms(parse_markers(raw)[0]))


_NEGATIVE = re.compile(r"\b(do(es)? not|don't|doesn't|cannot|can't|no)\b.{0,40}\b(say|mention|contain|provide|answer|information)", re.I)


def _declines(raw: str) -> bool:
    """The model's reply says the sources do not answer (NOT FOUND, or in its own words), or only copies
    the rules' format example, which it does when the passages leave it lost."""
    return (NOT_FOUND.lower() in raw.lower() or (bool(_NEGATIVE.search(raw)) and len(raw) < 200)
            or copies_example(raw))
