"""Nouns that name a place: a building, a site, a stretch of land or water, a road ("the town's sports
hall", "outside the courthouse", "on the motorway"). News answers "Where ...?" with such a phrase as often as
with a place name, and the entity tagger types only names.

The list (rag/data/places.txt) is WordNet 3.0's single-word nouns whose commonest or second sense is a kind
of location, structure, facility, geological formation, body of water, road, thoroughfare, tract of land,
path or passage, or paved surface (not a pipe, tube or ladder).
Rebuilt from the WordNet database files with

    python -m rag.places /usr/share/wordnet > rag/data/places.txt
"""
from __future__ import annotations

from . import wordnet

SENSES = 2
_ROOTS = ("location", "structure", "facility", "geological_formation", "body_of_water", "road", "thoroughfare",
          "tract", "way.6", "paved_surface")  # way.6: a path or passage ("on cycle paths", "in the corridor")
_EXCLUDING = ("conduit", "tube", "ladder")  # ways that are objects: a pipe, a catheter, a stepladder


def is_place(lemma: str) -> bool:
    """Whether a noun (lower-case lemma) names a place."""
    return lemma in wordnet.word_list("places.txt")


if __name__ == "__main__":
    wordnet.print_nouns_under(_ROOTS, SENSES, _EXCLUDING)
