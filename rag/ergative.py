"""Verbs whose subject, used without an object, is the one acted on: "The strike ended at noon" says what
"talks ended the strike" says, the strike being ended either way ("ergative" verbs: end, close, open,
sink, break). rag.roles gives such a subject the role "undergoer", opposed to neither doer nor the one acted
on, unless it is one that acts (a person, an organisation, a country, a noun naming people, a name left
untyped): "The pier closed" is done to the pier; "The union closed its office" has an object, and the union
remains the doer.

The list (rag/data/ergative.txt) is WordNet 3.0's single-word verbs that have a sense taking only "Something
----s" (frame 1, not "Somebody ----s" as well) and a sense taking an object ("Somebody ----s something" and
the like). Rebuilt from the WordNet database files with

    python -m rag.ergative /usr/share/wordnet > rag/data/ergative.txt
"""
from __future__ import annotations

import sys
from pathlib import Path

from . import wordnet

_HAPPENS_TO, _SOMEBODY_DOES = 1, 2  # "Something ----s", "Somebody ----s"
_WITH_OBJECT = {8, 9, 10, 11}  # "Somebody ----s something / somebody", "Something ----s somebody / something"


def is_ergative(lemma: str) -> bool:
    """Whether a verb (lower-case lemma) has a subject that undergoes it when it takes no object."""
    return lemma in wordnet.word_list("ergative.txt")


def ergative_verbs(root: Path) -> list[str]:
    return sorted(w for w, frames in wordnet.verb_frames(root).items()
                  if any(_HAPPENS_TO in f and _SOMEBODY_DOES not in f for f in frames)
                  and any(f & _WITH_OBJECT for f in frames))


if __name__ == "__main__":
    print("\n".join(ergative_verbs(Path(sys.argv[1]) if len(sys.argv) > 1 else wordnet.DEFAULT_ROOT)))
