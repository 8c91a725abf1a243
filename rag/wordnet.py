"""Reading Princeton WordNet 3.0's database files (wndb format; Debian's wordnet-base puts them in
/usr/share/wordnet). Used only to rebuild the small word lists in rag/data (`python -m rag.opposites`,
`python -m rag.agents`, `python -m rag.places`, `python -m rag.money`, `python -m rag.units`, `python -m
rag.ergative` for the verb frames, `python -m rag.kindred` for verbs of kindred sense, `python -m
rag.nominals` for the nouns naming a verb's deed, and `python -m rag.wordnet` for the irregular verb forms);
nothing reads WordNet at run time, only those lists (`word_list`). Licence: rag/data/WORDNET-LICENSE."""
from __future__ import annotations

import sys
from functools import lru_cache
from pathlib import Path

DEFAULT_ROOT = Path("/usr/share/wordnet")
DATA = Path(__file__).resolve().parent / "data"


@lru_cache(maxsize=8)
def word_list(name: str) -> frozenset[str]:
    """One of the word lists built from WordNet (rag/data/<name>), read once: what the modules using them
    read at run time."""
    return frozenset((DATA / name).read_text(encoding="utf-8").split())


def senses(root: Path, pos: str) -> dict[str, list[str]]:
    """lemma -> its synsets' offsets, commonest sense first (index.<pos>: "noun", "verb", "adj", "adv")."""
    out = {}
    for line in (root / f"index.{pos}").read_text(encoding="latin-1").splitlines():
        if not line.startswith(" "):  # the licence at the top of each file
            f = line.split()
            out[f[0]] = f[-int(f[2]):]  # lemma, pos, synset count, ..., the synsets' offsets
    return out


def synsets(root: Path, pos: str) -> dict[str, tuple[list[str], list[list[str]]]]:
    """offset -> (its words, its pointers as [symbol, target offset, pos, source/target]) from data.<pos>."""
    out = {}
    for line in (root / f"data.{pos}").read_text(encoding="latin-1").splitlines():
        if line.startswith(" "):
            continue
        f = line.split()
        n = int(f[3], 16)
        words = [w.split("(")[0].lower() for w in f[4:4 + 2 * n:2]]  # "big(a)": drop the syntactic marker
        i = 4 + 2 * n
        out[f[0]] = (words, [f[i + 1 + 4 * k:i + 5 + 4 * k] for k in range(int(f[i]))])
    return out


def nouns_under(root: Path, roots: tuple[str, ...], first: int, excluding: tuple[str, ...] = ()) -> list[str]:
    """Single-word nouns one of whose first `first` senses has one of `roots` among its hypernyms (instance
    hypernyms too) and none of `excluding`. A root is a lemma's first sense ("road") or its n-th ("way.6",
    the road-or-path sense of "way")."""
    index, data = senses(root, "noun"), synsets(root, "noun")
    up = {o: [p[1] for p in ptrs if p[0] in ("@", "@i")] for o, (_, ptrs) in data.items()}

    def sense(name: str) -> str:
        lemma, _, n = name.partition(".")
        return index[lemma][int(n or 1) - 1]

    def below(tops: set[str]):
        seen: dict[str, bool] = {}

        def under(o: str) -> bool:
            if o not in seen:
                seen[o] = False  # WordNet's noun hierarchy has no cycles; this only guards against one
                seen[o] = o in tops or any(under(h) for h in up.get(o, []))
            return seen[o]
        return under

    inside, outside = below({sense(r) for r in roots}), below({sense(r) for r in excluding})
    return sorted(w for w, offs in index.items() if "_" not in w and w.isalpha()
                  and any(inside(o) and not outside(o) for o in offs[:first]))


def print_nouns_under(roots: tuple[str, ...], first: int, excluding: tuple[str, ...] = ()) -> None:
    """The body of `python -m rag.places / rag.money / rag.units [WORDNET_DIR]`: `nouns_under` one a line, from
    the WordNet directory given (DEFAULT_ROOT without one)."""
    sys.setrecursionlimit(10000)  # the hypernym walk recurses as deep as WordNet's noun hierarchy
    root = Path(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT_ROOT
    print("\n".join(nouns_under(root, roots, first, excluding)))


def verb_frames(root: Path) -> dict[str, list[set[int]]]:
    """lemma -> the sentence frames of each of its verb senses (data.verb's frame numbers: 1 "Something
    ----s", 2 "Somebody ----s", 8 "Somebody ----s something", ...), single words only."""
    frames: dict[str, set[int]] = {}  # "offset word" -> frames
    for line in (root / "data.verb").read_text(encoding="latin-1").splitlines():
        if line.startswith(" "):
            continue
        f = line.split("|")[0].split()
        n = int(f[3], 16)
        words = [w.lower() for w in f[4:4 + 2 * n:2]]
        i = 4 + 2 * n
        i += 1 + 4 * int(f[i])  # past the pointers
        for k in range(int(f[i])):
            _, number, word = f[i + 1 + 3 * k:i + 4 + 3 * k]
            for j, w in enumerate(words):  # word 00: the frame holds for every word of the synset
                if int(word, 16) in (0, j + 1):
                    frames.setdefault(f"{f[0]} {w}", set()).add(int(number))
    return {w: [frames.get(f"{o} {w}", set()) for o in offs]
            for w, offs in senses(root, "verb").items() if "_" not in w and w.isalpha()}


def irregular_verbs(root: Path) -> list[tuple[str, str]]:
    """(form, base) of WordNet's irregular verb inflections (verb.exc: "taught teach", "wrote write") that a
    stemmer cannot join, single words only; not a form that is itself a verb ("found": to found a company;
    "saw", "lay")."""
    from .support import _stem as stem  # the stemmer word-level support matches with

    verbs = senses(root, "verb")
    out = set()
    for line in (root / "verb.exc").read_text(encoding="latin-1").splitlines():
        form, *bases = line.split()
        for base in bases:
            if "_" not in form + base and form.isalpha() and form not in verbs and stem(form) != stem(base):
                out.add((form, base))
    return sorted(out)


if __name__ == "__main__":
    for form, base in irregular_verbs(Path(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT_ROOT):
        print(f"{form}\t{base}")
