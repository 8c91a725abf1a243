"""Own-article trials: each article of eval/datasets/trials/ ingested alone, as a user uploading one article
would, and its questions asked (10 answerable, 12 near-miss each), each in its own conversation.

    python -m bench.trials [--mode local|extractive] [STEM ...]

Written by hand, not from any labelled set, to see what the answer path does on text nobody tuned it on.
Once a rule has been made from an article's failures that article is tuned on: eval/datasets/trials/README.md
says which. Correctness is eval's own scorer (eval/correctness.py, via bench.ablation), not rag's checks.
Each article gets its own home under RAG_HOME's parent (`.rag-trial-<stem>`), kept between runs.
"""
from __future__ import annotations

import argparse
import shutil
from pathlib import Path

from bench.ablation import run_config, summary
from eval.dataset import load_dataset
from rag.settings import get_settings

TRIALS = Path(__file__).resolve().parent.parent / "eval" / "datasets" / "trials"


def trial(stem: str, mode: str) -> tuple[dict, list[dict]]:
    """Ask one article's questions against a home holding that article alone."""
    items, errors = load_dataset(TRIALS / f"{stem}.jsonl")
    if errors:
        raise SystemExit(f"{stem}.jsonl: {errors[0]}")
    base = get_settings()
    home = base.home.parent / f".rag-trial-{stem}"
    corpus = home / "articles"
    corpus.mkdir(parents=True, exist_ok=True)
    shutil.copy(TRIALS / f"{stem}.md", corpus / f"{stem}.md")
    settings = base.model_copy(update={"home": home, "model_dir": base.model_dir or base.home / "models",
                                       "corpus_dir": corpus})
    from rag.engine import Engine
    Engine(settings).ingest([corpus])
    rows = run_config(settings, items, mode, cache={})
    return summary(rows), rows


def main(argv: list[str] | None = None) -> None:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("stems", nargs="*", help="articles to try (default: every one in eval/datasets/trials)")
    p.add_argument("--mode", default="local", choices=["local", "extractive", "openai"])
    p.add_argument("--verbose", action="store_true", help="print every question, answer and note")
    args = p.parse_args(argv)
    stems = args.stems or sorted(f.stem for f in TRIALS.glob("*.jsonl"))
    print(f"| article ({args.mode}) | answerable right | near-misses declined | false abstentions |")
    print("|---|---|---|---|")
    for stem in stems:
        s, rows = trial(stem, args.mode)
        right = round(s["correct"] * s["n"][0])
        declined = round(s["declined"] * s["n"][1])
        false = round(s["false_abstentions"] * s["n"][0])
        print(f"| {stem} | {right} of {s['n'][0]} | {declined} of {s['n'][1]} | {false} |", flush=True)
        for r in rows if args.verbose else []:
            ok = r["abstained"] if not r["answerable"] else r["correct"]
            print(f"    {'ok ' if ok else 'BAD'} {r['id']}: {r['answer'][:200]!r} ({r['note']})")


if __name__ == "__main__":
    main()
