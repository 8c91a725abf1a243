"""`python -m eval.correctness_tuning [DATASET]`: choose KEY_MIN on the tune half; report it on held-out.

No model answers are stored, so the rule is measured on answers made from the labelled set itself,
whose verdict is known without judging:
  right: the reference; the gold sentence given whole as an extractive answer (citing itself);
         declining an unanswerable question;
  wrong: declining an answerable question; the question echoed as a statement, citing the gold
         sentence; another question's reference, and its gold sentence, from the same article
         (a different fact in the same vocabulary); answering an unanswerable question.
Questions split by eval.calibrate.is_held_out(id). The figures are an upper bound for real answers,
which paraphrase more; they show that the rule separates the obvious cases and where it does not.
"""
from __future__ import annotations

import hashlib
import sys
from pathlib import Path

from .calibrate import balanced_accuracy, is_held_out
from .correctness import KEY_MIN, correctness
from .dataset import Item, load_dataset

DATASET = Path(__file__).with_name("datasets") / "questions.jsonl"
DECLINE = "The articles do not say."
CANDIDATE_KEY_MINS = (0.2, 0.25, 1 / 3, 0.4, 0.5, 0.6, 2 / 3, 0.75, 1.0)


def candidate_answers(items: list[Item]) -> list[tuple[Item, dict, int]]:
    """(item, answer, 1 if right else 0) for every item."""
    answerable = [it for it in items if it.answerable and it.reference]
    out = []
    for it in items:
        if not it.answerable:
            other = answerable[_pick(it.id, len(answerable))]
            out += [(it, _answer(DECLINE, abstained=True), 1), (it, _answer(other.reference), 0)]
            continue
        gold = it.gold_quotes[:1]
        out += [(it, _answer(it.reference), 1), (it, _answer(DECLINE, abstained=True), 0),
                (it, _answer(it.question.rstrip("?") + ".", gold), 0)]
        if gold:
            out.append((it, _answer(gold[0], gold), 1))
        same_article = [o for o in answerable if o.id != it.id and set(o.gold_docs) & set(it.gold_docs)
                        and o.reference != it.reference and not set(o.gold_quotes) & set(it.gold_quotes)]
        if same_article:
            other = same_article[_pick(it.id, len(same_article))]
            out.append((it, _answer(other.reference, other.gold_quotes[:1]), 0))
            if other.gold_quotes:
                out.append((it, _answer(other.gold_quotes[0], other.gold_quotes[:1]), 0))
    return out


def _pick(seed: str, n: int) -> int:
    return hashlib.sha256(seed.encode()).digest()[1] % n


def _answer(text: str, quotes: list[str] = (), abstained: bool = False) -> dict:
    return {"text": text + ("" if abstained else " [1]"), "quotes": list(quotes), "abstained": abstained}


def verdict(item: Item, answer: dict, key_min: float) -> bool:
    history = "\n".join(turn.get("content", "") for turn in item.history)
    return bool(correctness(item.question, item.reference, answer["text"], answer["abstained"], item.answerable,
                            answer["quotes"], item.gold_quotes, history, item.key, key_min)["correct"])


def measure(rows: list[tuple[Item, dict, int]], key_min: float) -> dict:
    labels = [y for _, _, y in rows]
    predicted = [verdict(it, a, key_min) for it, a, _ in rows]
    return {"answers": len(rows), "balanced_accuracy": round(balanced_accuracy(labels, predicted), 4),
            "right_accepted": sum(p for p, y in zip(predicted, labels) if y), "right": sum(labels),
            "wrong_rejected": sum(not p for p, y in zip(predicted, labels) if not y), "wrong": len(labels) - sum(labels),
            "errors": [(it.id, a["text"][:80], y) for (it, a, y), p in zip(rows, predicted) if p != bool(y)]}


def main(argv: list[str]) -> None:
    items, _ = load_dataset(Path(argv[0]) if argv else DATASET)
    rows = candidate_answers(items)
    tune = [r for r in rows if not is_held_out(r[0].id)]
    held = [r for r in rows if is_held_out(r[0].id)]
    for k in CANDIDATE_KEY_MINS:
        print(f"KEY_MIN {k:.2f}: tune balanced accuracy {measure(tune, k)['balanced_accuracy']:.4f}")
    for name, part in (("tune", tune), ("held-out", held)):
        m = measure(part, KEY_MIN)
        print(f"\n{name} at KEY_MIN {KEY_MIN}: {m['answers']} answers, balanced accuracy {m['balanced_accuracy']:.4f}, "
              f"right accepted {m['right_accepted']}/{m['right']}, wrong rejected {m['wrong_rejected']}/{m['wrong']}")
        for e in m["errors"]:
            print("  misjudged:", e)


if __name__ == "__main__":
    main(sys.argv[1:])
