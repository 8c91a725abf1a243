"""Nouns that name someone who can do things: people ("residents", "the conductor") and organised groups
("the musicians' union", "the board", "the ministry"). News answers "Who criticised the merger?" with "The
musicians' union" as often as with a name, and the entity tagger types only names.

The list (rag/data/agents.txt) is WordNet 3.0's nouns whose commonest or second sense is a kind of
person (person.n.01) or social group (social_group.n.01, which holds organisations), single words only;
rebuilt from the WordNet database files with

    python -m rag.agents /usr/share/wordnet > rag/data/agents.txt
"""
from __future__ import annotations

import sys
from functools import lru_cache
from pathlib import Path

from . import wordnet

DATA = Path(__file__).resolve().parent / "data" / "agents.txt"
SENSES = 2  # a word's first two senses: "regulator" is a device first, an official second
_ROOTS = ("person", "social_group")  # each the first sense of that lemma


@lru_cache(maxsize=1)
def _agents() -> frozenset[str]:
    return frozenset(DATA.read_text(encoding="utf-8").split())


def is_agent(lemma: str) -> bool:
    """Whether a noun (lower-case lemma) names a person or an organised group."""
    return lemma in _agents()


def wordnet_agents(root: Path) -> list[str]:
    """Single-word nouns one of whose first SENSES senses has a person or a social group among its
    hypernyms (instance hypernyms too)."""
    senses, synsets = wordnet.senses(root, "noun"), wordnet.synsets(root, "noun")
    roots = {senses[r][0] for r in _ROOTS}
    up = {o: [p[1] for p in ptrs if p[0] in ("@", "@i")] for o, (_, ptrs) in synsets.items()}
    agent: dict[str, bool] = {}

    def under(o: str) -> bool:
        if o not in agent:
            agent[o] = False  # WordNet's noun hierarchy has no cycles; this only guards against one
            agent[o] = o in roots or any(under(h) for h in up.get(o, []))
        return agent[o]

    return sorted(w for w, offs in senses.items() if "_" not in w and w.isalpha() and any(under(o) for o in offs[:SENSES]))


if __name__ == "__main__":
    sys.setrecursionlimit(10000)
    print("\n".join(wordnet_agents(Path(sys.argv[1]) if len(sys.argv) > 1 else wordnet.DEFAULT_ROOT)))
