"""Per-question scores (one results.jsonl row) and the run summary built from all rows.

Faithfulness is claim-level: every answer sentence is judged against the evidence it cites (the
quote and the source passage it comes from). A sentence with no citation is unsupported by
definition: a reader cannot check it.
"""
from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable

from .dataset import split_of  # the fixed tune / held-out split (hash parity of the id's record)
from .correctness import correctness, gold_cited
from .dataset import Item
from .judge import Judge, Verdict
from .premise import premise
from .metrics import (
    abstention_scores, doc_key, mean, percentile, quote_checks, quote_found, ranked_docs, recall_at_k,
    reciprocal_rank, strip_markers,
)

RECALL_KS = (1, 3, 5)


def cited_evidence(answer: dict, n: int) -> str:
    """The text behind citation [n]: its verbatim quote, and the source passage it was taken from."""
    cite = next((c for c in answer.get("citations", []) if c.get("n") == n), None)
    source = next((s for s in answer.get("sources", []) if s.get("n") == n), None)
    quote = (cite or {}).get("quote") or ""
    passage = (source or {}).get("text") or ""
    if quote and quote in passage:
        return passage  # the passage holds the quote, with its context
    return "\n".join(p for p in (quote, passage) if p)


def judge_sentences(answer: dict, judge: Judge) -> list[dict]:
    """Each answer sentence with its verdict, per-citation verdicts, and whether any source backs it."""
    all_sources = "\n".join(s.get("text", "") for s in answer.get("sources", []))
    # A fragment sentence ("Rosatom [1].") claims something only together with the question.
    question = answer.get("standalone_question") or answer.get("question")
    out = []
    for s in answer.get("sentences", []):
        text = strip_markers(s["text"]).strip()
        cites = [n for n in s.get("citations", []) if cited_evidence(answer, n)]
        row = {"text": s["text"], "citations": cites, "engine_supported": s.get("supported")}
        if cites:
            v = judge.verdict(text, "\n".join(cited_evidence(answer, n) for n in cites), question)
            per_cite = {n: v if len(cites) == 1 else judge.verdict(text, cited_evidence(answer, n), question)
                        for n in cites}
        else:
            v, per_cite = Verdict(0.0, text, {"uncited": 1.0}), {}
        row.update(score=round(v.score, 4), supported=v.supported, verdict=v.to_json(),
                   citation_support={str(n): pv.supported for n, pv in per_cite.items()})
        # Could the retrieved sources back this sentence at all? (citation recall's denominator)
        row["supportable"] = v.supported or (bool(all_sources) and judge.verdict(text, all_sources, question).supported)
        out.append(row)
    return out


def judge_as_answer(answer: dict, sentences: list[dict], judge: Judge) -> dict:
    """Is the answer supported as an answer to its question? Its sentences must be supported, and so must
    the question's premise with the answer filled in (eval.premise), by the quotes the answer cites: a
    verbatim quote answering a near-miss question ("Whom did Iran supply?" over "Russia supplied Iran")
    supports its own sentence, not the question's premise. An abstained answer is not judged (None)."""
    if answer.get("abstained"):
        return {"premise": None, "premise_verdict": None, "supported_as_answer": None}
    question = answer.get("standalone_question") or answer.get("question") or ""
    claim = premise(question, strip_markers(answer.get("answer", "")))
    quotes = "\n".join(dict.fromkeys(c.get("quote", "") for c in answer.get("citations", []) if c.get("quote")))
    verdict = None
    if claim is not None:
        verdict = judge.verdict(claim, quotes) if quotes else Verdict(0.0, claim, {"uncited": 1.0})
    ok = bool(sentences) and all(s["supported"] for s in sentences) and (verdict is None or verdict.supported)
    return {"premise": claim, "premise_verdict": verdict.to_json() if verdict else None, "supported_as_answer": ok}


def score_answer(item: Item, answer: dict, article_text: Callable[[str], str | None], judge: Judge) -> dict:
    """Every per-question metric for one answer (Answer.to_json()) to one dataset item."""
    sentences = judge_sentences(answer, judge) if not answer.get("abstained") else []
    quotes = quote_checks(answer, article_text)
    pairs = [ok for s in sentences for ok in s["citation_support"].values()]
    supportable = [s for s in sentences if s["supportable"]]
    m: dict = {
        "abstained": bool(answer.get("abstained")),
        "n_sentences": len(sentences),
        "n_supported": sum(s["supported"] for s in sentences),
        # Share of sentences the judge accepts; support_score keeps the continuous judge scores.
        "faithfulness": sum(s["supported"] for s in sentences) / len(sentences) if sentences else None,
        "support_score": mean(s["score"] for s in sentences) if sentences else None,
        "unsupported": [s["text"] for s in sentences if not s["supported"]],
        "quotes_total": len(quotes),
        "quotes_valid": sum(q["valid"] for q in quotes),
        "invalid_quotes": [q for q in quotes if not q["valid"]],
        "citations_judged": len(pairs),
        "citations_supporting": sum(pairs),
        "supportable_sentences": len(supportable),
        "supportable_cited": sum(s["supported"] for s in supportable),
        "latency_s": (answer.get("timings") or {}).get("total_s"),
    }
    m["citation_precision"] = m["citations_supporting"] / len(pairs) if pairs else None
    m["citation_recall"] = m["supportable_cited"] / len(supportable) if supportable else None
    m["quote_validity"] = m["quotes_valid"] / len(quotes) if quotes else None
    m["sentences_all_supported"] = all(s["supported"] for s in sentences) if sentences else None
    m.update(judge_as_answer(answer, sentences, judge))
    m.update(answer_correct(item, answer))
    m.update(_retrieval(item, answer))
    return {"metrics": m, "sentences": sentences}


def answer_correct(item: Item, answer: dict) -> dict:
    """eval/correctness.py's scores for this answer, and `gold_doc_cited` (a citation quotes a gold document)."""
    out: dict = {}
    if item.answerable and item.gold_docs:
        gold = {doc_key(d) for d in item.gold_docs}
        out["gold_doc_cited"] = any(doc_key(c.get("doc_id", "")) in gold for c in answer.get("citations", []))
    history = "\n".join(turn.get("content", "") for turn in item.history)
    return {**out, **correctness(
        item.question, item.reference, answer.get("answer", ""), bool(answer.get("abstained")), item.answerable,
        [c.get("quote", "") for c in answer.get("citations", [])], item.gold_quotes, history, item.key,
        corrects_premise=item.kind == "false_premise")}


def _retrieval(item: Item, answer: dict) -> dict:
    out: dict = {}
    ranked = ranked_docs(answer)
    if item.gold_docs:
        out["mrr"] = reciprocal_rank(ranked, item.gold_docs)
        for k in RECALL_KS:
            out[f"recall@{k}"] = recall_at_k(ranked, item.gold_docs, k)
    if item.gold_quotes:
        passages = [s.get("text", "") for s in answer.get("sources", [])]
        quotes = [c.get("quote", "") for c in answer.get("citations", [])]
        out["gold_quote_retrieved"] = mean(quote_found(q, passages) for q in item.gold_quotes)
        # Cited: a citation quote and the gold sentence overlap (either contains the other).
        out["gold_quote_cited"] = mean(gold_cited(quotes, [q]) for q in item.gold_quotes)
    return out


# ---- the run summary
MEAN_METRICS = ("faithfulness", "support_score", "token_f1", "key_containment", "mrr", "gold_quote_retrieved",
                "gold_quote_cited") + tuple(f"recall@{k}" for k in RECALL_KS)


def summarise(rows: list[dict]) -> dict:
    """Run-level metrics from results rows (in dataset order). Depends on nothing but the rows."""
    ok = [r for r in rows if r.get("metrics") is not None]
    ms = [r["metrics"] for r in ok]
    out: dict = {"questions": len(rows), "scored": len(ok), "errors": len(rows) - len(ok)}
    for name in MEAN_METRICS:
        out[name] = _round(mean(m.get(name) for m in ms))
    out["sentences"] = sum(m["n_sentences"] for m in ms)
    out["sentences_supported"] = _ratio(sum(m["n_supported"] for m in ms), out["sentences"])
    out["quote_validity"] = _ratio(sum(m["quotes_valid"] for m in ms), sum(m["quotes_total"] for m in ms))
    out["invalid_quotes"] = sum(m["quotes_total"] - m["quotes_valid"] for m in ms)
    out["citation_precision"] = _ratio(sum(m["citations_supporting"] for m in ms), sum(m["citations_judged"] for m in ms))
    out["citation_recall"] = _ratio(sum(m["supportable_cited"] for m in ms), sum(m["supportable_sentences"] for m in ms))
    abst = abstention_scores((r["item"]["answerable"], r["metrics"]["abstained"]) for r in ok)
    out["abstention_precision"], out["abstention_recall"] = _round(abst["precision"]), _round(abst["recall"])
    out["abstained"] = abst["abstained"]
    answered = [m for m in ms if m.get("supported_as_answer") is not None]
    # Two readings of the same answers: every sentence backed by its quote, and the answer backed as an
    # answer to its question (its premise too).
    out["answers_judged"] = len(answered)
    out["answers_sentences_supported"] = _ratio(sum(bool(m.get("sentences_all_supported")) for m in answered), len(answered))
    out["answers_supported_as_answers"] = _ratio(sum(m["supported_as_answer"] for m in answered), len(answered))
    out["correct"] = _round(mean(_flag(m.get("correct")) for m in ms))
    out["correct_answerable"] = _round(mean(_flag(m.get("correct")) for r, m in zip(ok, ms) if r["item"]["answerable"]))
    out["gold_doc_cited"] = _round(mean(_flag(m.get("gold_doc_cited")) for m in ms))
    out["correct_cited"] = _round(mean(_flag(m.get("correct_cited")) for m in ms))
    latencies = [m["latency_s"] for m in ms if m.get("latency_s") is not None]
    out["latency_p50_s"], out["latency_p95_s"] = _round(percentile(latencies, 50)), _round(percentile(latencies, 95))
    out["by_kind"] = _by_kind(ok)
    out["targets"] = target_table(ok)
    return out


# ---- the target table of the answers issue: per split, and per kind within each
SPLITS = ("all", "tune", "held_out")


def target_table(rows: list[dict]) -> dict:
    """{split: {questions, answerable_correct, declined, false_abstentions, quotes_verbatim, by_kind}}.

    Each figure is {"n", "of", "rate"}: answerable_correct = correct among answerable questions (those
    with a reference to score against); declined = abstained among unanswerable ones (near-miss,
    off-topic); false_abstentions = abstained among answerable ones; quotes_verbatim = citations whose
    quote is exactly article[start:end] of the stored article (eval's own check, quote_checks).
    Splits by eval.dataset.split_of(id), as `rag eval run --split` does.
    """
    parts = {"all": rows, "tune": [r for r in rows if split_of(r.get("id", "")) == "tune"],
             "held_out": [r for r in rows if split_of(r.get("id", "")) == "held-out"]}
    out = {}
    for split, part in parts.items():
        kinds: dict[str, list[dict]] = defaultdict(list)
        for r in part:
            kinds[r["item"].get("kind") or "-"].append(r)
        out[split] = {"questions": len(part), **_targets(part),
                      "by_kind": {k: {"questions": len(rs), **_targets(rs)} for k, rs in sorted(kinds.items())}}
    return out


def _targets(rows: list[dict]) -> dict:
    answerable = [r["metrics"] for r in rows if r["item"]["answerable"]]
    unanswerable = [r["metrics"] for r in rows if not r["item"]["answerable"]]
    scored = [m["correct"] for m in answerable if m.get("correct") is not None]  # no reference: nothing to score
    answered_unanswerable = [m for m in unanswerable if m.get("supported_as_answer") is not None]
    answered_answerable = [m for m in answerable if m.get("supported_as_answer") is not None]
    return {
        "answerable_correct": _count(sum(scored), len(scored)),
        # Unanswerable questions answered anyway (near-miss, by extractive mode): the judge should reject them.
        "answered_unanswerable_not_supported": _count(sum(not m["supported_as_answer"] for m in answered_unanswerable),
                                                      len(answered_unanswerable)),
        "answered_answerable_supported": _count(sum(m["supported_as_answer"] for m in answered_answerable),
                                                len(answered_answerable)),
        "declined": _count(sum(m["abstained"] for m in unanswerable), len(unanswerable)),
        # A false premise declined as asked, with the article's correction, is right, not a false abstention.
        "false_abstentions": _count(sum(m["abstained"] and not m.get("correct") for m in answerable), len(answerable)),
        "quotes_verbatim": _count(sum(r["metrics"]["quotes_valid"] for r in rows),
                                  sum(r["metrics"]["quotes_total"] for r in rows)),
    }


def _count(n: int, of: int) -> dict:
    return {"n": n, "of": of, "rate": _ratio(n, of)}


def _by_kind(rows: list[dict]) -> dict:
    groups: dict[str, list[dict]] = defaultdict(list)
    for r in rows:
        groups[r["item"].get("kind") or "-"].append(r["metrics"])
    return {
        kind: {
            "questions": len(ms),
            "faithfulness": _round(mean(m.get("faithfulness") for m in ms)),
            "token_f1": _round(mean(m.get("token_f1") for m in ms)),
            "correct": _round(mean(_flag(m.get("correct")) for m in ms)),
            "abstained": sum(m["abstained"] for m in ms),
        }
        for kind, ms in sorted(groups.items())
    }


def _flag(x: bool | None) -> float | None:
    return None if x is None else float(x)


def _ratio(a: int, b: int) -> float | None:
    return round(a / b, 4) if b else None


def _round(x: float | None) -> float | None:
    return round(x, 4) if x is not None else None
