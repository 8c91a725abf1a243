"""Ablation of the answer path's checks: what turning each step of rag.checks off does to correctness,
declining and latency, per question set, on one half (held-out by default).

    python -m bench.ablation                                   # both sets, held-out, local model
    python -m bench.ablation --sets ship --split tune --mode extractive
    python -m bench.ablation --steps model_contrasts           # all steps, and without that one only

Every configuration answers the same questions. The model's calls (the answer, its yes/no re-readings)
are cached by their exact messages, so a configuration that makes the same call reuses the first run's
reply instead of asking again (the local model is deterministic at temperature 0): only the first
configuration, all steps on, costs model time. Latency per question is the wall time of the
configuration with each cached call charged the seconds it took when it was made, so a step that adds
a model call shows its cost. Correctness is eval's own scorer (eval/correctness.py), not rag's checks.
"""
from __future__ import annotations

import argparse
import json
import subprocess
import time
from pathlib import Path

from bench.measure import pct_ms
from eval.dataset import load_dataset, select_split
from eval.metrics import quote_checks
from eval.scoring import answer_correct
from rag.checks import STEP_NAMES
from rag.engine import Engine
from rag.settings import Settings, get_settings

ROOT = Path(__file__).resolve().parent.parent
SETS = {  # name: (question file, corpus folder, data directory under RAG_HOME's parent)
    "ship": (ROOT / "eval/datasets/questions.jsonl", ROOT / "corpus", ".rag-ablation-ship"),
    "wiki": (ROOT / "eval/datasets/wiki_questions.jsonl", ROOT / "eval/datasets/wiki/docs", ".rag-ablation-wiki"),
}
OPTIONAL = [s for s in STEP_NAMES if s != "aligned"]  # aligned builds the answer itself: not optional


class CachedClient:
    """An LLMClient whose calls are remembered by their messages; `charged` sums the seconds the calls
    of the current question took when first made."""

    def __init__(self, real, cache: dict):
        self.real, self.cache, self.charged = real, cache, 0.0

    @property
    def model_name(self) -> str:
        return self.real.model_name

    def _call(self, kind: str, messages, make):
        key = json.dumps([kind, messages], sort_keys=True)
        if key in self.cache:
            value, seconds = self.cache[key]
            self.charged += seconds  # a replay returns at once: charge what the call cost when made
            return value
        t = time.perf_counter()
        value = make()
        self.cache[key] = [value, time.perf_counter() - t]
        return value

    def stream(self, messages, max_tokens: int = 256):
        yield self._call("stream", messages, lambda: "".join(self.real.stream(messages, max_tokens=max_tokens)))

    def chat(self, messages, max_tokens: int = 256) -> str:
        return self._call("chat", messages, lambda: self.real.chat(messages, max_tokens=max_tokens))

    def yes_probability(self, messages) -> float:
        return self._call("yes", messages, lambda: self.real.yes_probability(messages))


def run_config(settings: Settings, items, mode: str, cache: dict) -> list[dict]:
    engine = Engine(settings)
    client = None
    if mode != "extractive":
        client = CachedClient(engine.answerer.client(mode), cache)
        engine.answerer.set_client(mode, client)
    rows = []
    for item in items:
        if client is not None:
            client.charged = 0.0
        t = time.perf_counter()
        answer = engine.ask(item.question, history=item.history or None, mode=mode).to_json()
        wall = time.perf_counter() - t
        seconds = wall + (client.charged if client else 0.0)
        scored = answer_correct(item, answer)
        quotes = quote_checks(answer, lambda doc_id: engine.docstore.article(doc_id).text)
        rows.append({"id": item.id, "kind": item.kind, "answerable": item.answerable, "abstained": answer["abstained"],
                     "correct": scored.get("correct"), "seconds": seconds,
                     "first_token_s": answer["timings"].get("first_token_s"), "answer": answer["answer"],
                     "note": answer["error"], "quotes": len(quotes), "quotes_valid": sum(q["valid"] for q in quotes),
                     # per answer sentence, its words no quote holds (marked in the UI as the model's own)
                     "own_words": [s.get("own_words", []) for s in answer["sentences"]]})
    return rows


def summary(rows: list[dict]) -> dict:
    answerable = [r for r in rows if r["answerable"] and r["correct"] is not None]
    unanswerable = [r for r in rows if not r["answerable"]]
    return {
        "correct": sum(r["correct"] for r in answerable) / max(1, len(answerable)),
        "declined": sum(r["abstained"] for r in unanswerable) / max(1, len(unanswerable)),
        # A false premise declined as asked with the article's correction is right, not a false abstention.
        "false_abstentions": sum(r["abstained"] and not r["correct"] for r in rows if r["answerable"])
        / max(1, sum(r["answerable"] for r in rows)),
        "p50_s": pct_ms([r["seconds"] for r in rows], 50) / 1000,
        "quotes_verbatim": sum(r["quotes_valid"] for r in rows) / max(1, sum(r["quotes"] for r in rows)),
        "n": (len(answerable), len(unanswerable)),
    }


def not_shipped(folder: Path) -> list[str]:
    """Files in `folder` that git does not track (the UI saves uploads into the corpus folder); [] outside a
    git checkout, where nothing can be told apart."""
    try:
        listed = subprocess.run(["git", "ls-files", "--others", "--", str(folder)], cwd=ROOT, capture_output=True,
                                text=True, timeout=30)
    except (OSError, subprocess.SubprocessError):
        return []
    if listed.returncode != 0:
        return []
    return sorted(Path(line).name for line in listed.stdout.splitlines() if line.strip())


def ablate(name: str, split: str, mode: str, out: Path, full_only: bool = False, steps: list[str] | None = None) -> str:
    questions, corpus, home_name = SETS[name]
    items, errors = load_dataset(questions)
    items = select_split(items, split)
    base = get_settings()
    home = base.home.parent / home_name
    settings = base.model_copy(update={"home": home, "model_dir": base.model_dir or base.home / "models",
                                       "corpus_dir": corpus})
    unshipped = not_shipped(corpus)
    if unshipped:
        raise SystemExit(f"{corpus} holds files the repository does not ship ({', '.join(unshipped[:5])}): an "
                         f"upload or a copy. {questions.name} was written over the shipped articles only; move "
                         "those files out (they are not lost) and run again.")
    Engine(settings).ingest([corpus])  # incremental: nothing to do after the first time
    cache_file = out / f"ablation-cache-{name}-{mode}.json"
    cache = json.loads(cache_file.read_text()) if cache_file.exists() else {}
    lines = [f"#### {name} ({questions.name}, {split}, mode {mode}): {len(items)} questions\n",
             "| configuration | answerable correct | declined (unanswerable + near-miss) | false abstentions | "
             "quotes verbatim | answer p50 s |",
             "|---|---|---|---|---|---|"]
    configs = [("all steps", "")] + ([] if full_only else [(f"without {s}", s) for s in steps or OPTIONAL])
    results = {}
    for label, skip in configs:
        rows = run_config(settings.model_copy(update={"skip_checks": skip}), items, mode, cache)
        cache_file.write_text(json.dumps(cache))
        s = summary(rows)
        results[label] = {"summary": s, "rows": rows}
        lines.append(f"| {label} | {s['correct']:.1%} of {s['n'][0]} | {s['declined']:.1%} of {s['n'][1]} | "
                     f"{s['false_abstentions']:.1%} | {s['quotes_verbatim']:.1%} | {s['p50_s']:.2f} |")
        print(lines[-1], flush=True)
        (out / f"ablation-{name}-{split}-{mode}.json").write_text(json.dumps(results, indent=1))
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> None:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--sets", default="ship,wiki", help="comma-separated: ship, wiki")
    p.add_argument("--split", default="held-out", choices=["tune", "held-out", "all"])
    p.add_argument("--mode", default="local", choices=["local", "extractive", "openai"])
    p.add_argument("--out", type=Path, default=ROOT / "bench/results")
    p.add_argument("--full-only", action="store_true", help="only the configuration with every step on")
    p.add_argument("--steps", default="", help="comma-separated: turn off only these steps, one at a time")
    args = p.parse_args(argv)
    steps = [s for s in args.steps.split(",") if s]
    if unknown := sorted(set(steps) - set(OPTIONAL)):
        p.error(f"unknown step(s) {', '.join(unknown)}; choose from: {', '.join(OPTIONAL)}")
    args.out.mkdir(parents=True, exist_ok=True)
    tables = [ablate(name, args.split, args.mode, args.out, args.full_only, steps) for name in args.sets.split(",") if name]
    text = "### ablation\n\n" + __doc__.split("\n\n")[2].replace("\n", " ") + "\n\n" + "\n".join(tables)
    (args.out / f"ablation-{args.sets.replace(',', '-')}-{args.split}-{args.mode}.md").write_text(text, encoding="utf-8")
    print(text)


if __name__ == "__main__":
    main()
