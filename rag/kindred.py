"""Verbs that may tell one deed: "handed over the keys" and "delivered the keys", "backed the plan" and
"approved the plan". A "when" question's thing told with a verb of another deed ("When did the mayor lift
the curfew?" over "imposed a curfew in May") is dated by that deed, not the one asked about; a kindred verb
tells the same deed in other words.

Two verbs are kindred when a sense of one and a sense of the other, each among its first three (WordNet
3.0's commonest), are one synset or the first's direct hypernym is the second (rag/data/kindred.txt: each line
a verb and its kindred verbs that sort after it; a two-word verb is written "turn_down"). Rebuilt from the
WordNet database files with

    python -m rag.kindred /usr/share/wordnet > rag/data/kindred.txt
"""
from __future__ import annotations

import sys
from functools import lru_cache
from pathlib import Path

from . import wordnet

_SENSES = 3  # a verb's commonest senses; later ones join too much ("apply" and "give")


def kindred(a: str, b: str) -> bool:
    """Whether two verbs (lower-case lemmas) may tell one deed: the same verb, or kindred by WordNet."""
    return a == b or tuple(sorted((a, b))) in _pairs()


@lru_cache(maxsize=1)
def _pairs() -> frozenset[tuple[str, str]]:
    lines = (wordnet.DATA / "kindred.txt").read_text(encoding="utf-8").splitlines()
    return frozenset((first, w) for line in lines for first, *rest in [line.split()] for w in rest)


def kindred_verbs(root: Path) -> dict[str, set[str]]:
    senses, synsets = wordnet.senses(root, "verb"), wordnet.synsets(root, "verb")
    # single words and two-word verbs ("turn_down", as a question asks "Why did X turn down ...?")
    common = {w: set(offsets[:_SENSES]) for w, offsets in senses.items()
              if w.count("_") <= 1 and w.replace("_", "").isalpha()}
    out: dict[str, set[str]] = {}
    for word, offsets in common.items():
        near = {o for s in offsets for o in [s, *(p[1] for p in synsets[s][1] if p[0] == "@" and p[2] == "v")]}
        for other in {w for o in near for w in synsets[o][0] if w != word and o in common.get(w, ())}:
            first, second = sorted((word, other))
            out.setdefault(first, set()).add(second)
    return out


if __name__ == "__main__":
    found = kindred_verbs(Path(sys.argv[1]) if len(sys.argv) > 1 else wordnet.DEFAULT_ROOT)
    print("\n".join(f"{w} {' '.join(sorted(found[w]))}" for w in sorted(found)))
