"""Nouns that name someone who can do things: people ("residents", "the conductor") and organised groups
("the musicians' union", "the board", "the ministry"). News answers "Who criticised the merger?" with "The
musicians' union" as often as with a name, and the entity tagger types only names.

The list (rag/data/agents.txt) is WordNet 3.0's nouns whose commonest or second sense is a kind of
person (person.n.01) or social group (social_group.n.01, which holds organisations), single words only;
rag/data/groups.txt is the social groups alone ("the council", "the ministry": not "the producer", whom news
names elsewhere). Rebuilt from the WordNet database files with

    python -m rag.agents /usr/share/wordnet > rag/data/agents.txt
    python -m rag.agents --groups /usr/share/wordnet > rag/data/groups.txt
    python -m rag.agents --er-things /usr/share/wordnet > rag/data/er_things.txt
"""
from __future__ import annotations

import sys
from pathlib import Path

from . import wordnet
from .nominals import known_verb

SENSES = 2  # a word's first two senses: "regulator" is a device first, an official second
_ROOTS = ("person", "social_group")  # each the first sense of that lemma
_GROUP_ROOTS = ("social_group",)


def is_agent(lemma: str) -> bool:
    """Whether a noun (lower-case lemma) names a person or an organised group."""
    return lemma in wordnet.word_list("agents.txt") or _coined_doer(lemma)


def _coined_doer(lemma: str) -> bool:
    """ "kayaker", "paddler": one who does a verb, made with "-er", that WordNet does not list (news coins them
    faster than dictionaries do); not an "-er" noun WordNet lists as a thing ("heater", "printer":
    rag/data/er_things.txt)."""
    if not lemma.endswith("er") or len(lemma) < 5 or lemma in wordnet.word_list("er_things.txt"):
        return False
    stem = lemma[:-2]
    doubled = stem[:-1] if len(stem) > 2 and stem[-1] == stem[-2] else None  # "shopper"
    return any(known_verb(v) for v in (stem, stem + "e", doubled) if v)


def wordnet_er_things(root: Path) -> list[str]:
    """WordNet's single-word nouns ending in "-er" that name no person or group."""
    agents = set(wordnet_agents(root))
    return sorted(w for w in wordnet.senses(root, "noun") if w.endswith("er") and w.isalpha() and w not in agents)


def is_someone(lemma: str) -> bool:
    """Whether a noun (lower-case lemma) names one person ("singer", "minister"), not a group."""
    return is_agent(lemma) and not is_group(lemma)


def is_group(lemma: str) -> bool:
    """Whether a noun (lower-case lemma) names an organised group ("council", "ministry", "union")."""
    return lemma in wordnet.word_list("groups.txt")


def wordnet_agents(root: Path, roots: tuple[str, ...] = _ROOTS) -> list[str]:
    """Single-word nouns one of whose first SENSES senses has one of `roots` (person, social group) among
    its hypernyms (instance hypernyms too)."""
    return wordnet.nouns_under(root, roots, SENSES)


if __name__ == "__main__":
    sys.setrecursionlimit(10000)
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    if "--er-things" in sys.argv:
        print("\n".join(wordnet_er_things(Path(args[0]) if args else wordnet.DEFAULT_ROOT)))
        sys.exit()
    found = wordnet_agents(Path(args[0]) if args else wordnet.DEFAULT_ROOT,
                           _GROUP_ROOTS if "--groups" in sys.argv else _ROOTS)
    print("\n".join(found))
