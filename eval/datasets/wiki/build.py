"""Write the second evaluation corpus: HaluEval QA knowledge passages as documents, one .txt per record.

    python -m eval.datasets.wiki.build        # rewrites eval/datasets/wiki/docs/ from eval/halueval/pairs.jsonl

A passage glues its Wikipedia paragraphs together without a space ("century.First for Women"); they are
split back apart where a sentence end is followed straight by a capital, and written one per block with a
blank line between. A passage is skipped when that split could be wrong (a dot with no space after it
that is not clearly a sentence end: "U.S.", "F.E.A.R.", "War II.Junkers") or when cleaning would change
more than white space. The records in LEFT_OUT are held back on purpose: the unanswerable questions of
wiki_questions.jsonl ask about them.
"""
from __future__ import annotations

import json
import re
import unicodedata
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
PAIRS = ROOT / "eval" / "halueval" / "pairs.jsonl"
DOCS = Path(__file__).resolve().parent / "docs"

# Records whose passages stay out of the corpus; each shares a name or topic with documents that are in it.
LEFT_OUT = frozenset("""
h015 h037 h041 h061 h073 h091 h115 h126 h142 h155 h164 h183 h204 h209 h213 h233 h247 h255 h302 h303 h320 h328
h342 h357 h358 h359 h370 h392 h416 h420 h443 h454 h475 h478 h480 h494
""".split())

# A sentence end glued to the next paragraph: after 2+ lower-case letters, a digit, or a closing quote or
# bracket that follows one, then a capital, an opening quote or a bracket.
_JOIN = re.compile(r"(?:(?<=[a-z]{2})|(?<=\d)|(?<=[a-z\d][)\"”’']))[.!?][\"”')\]]*+(?=[A-Z\"“‘(])")
# Any punctuation followed by a capital or digit without a space: a join, or an abbreviation.
_NO_SPACE = re.compile(r"[.!?][\"”')\]]*+(?=[A-Z0-9\"“('‘])")


def records() -> dict[str, str]:
    """record id ("h017") -> its knowledge passage, from the faithful (label 1) rows."""
    out = {}
    for line in PAIRS.read_text(encoding="utf-8").splitlines():
        row = json.loads(line)
        if row["label"] == 1:
            out[row["id"].rstrip("rh")] = row["context"]
    return out


def paragraphs(passage: str) -> list[str] | None:
    """The passage's paragraphs, or None when a glued dot cannot be told apart from an abbreviation."""
    joins = {m.start(): m.end() for m in _JOIN.finditer(passage)}
    if any(m.start() not in joins for m in _NO_SPACE.finditer(passage)):
        return None
    parts, start = [], 0
    for end in joins.values():
        parts.append(passage[start:end])
        start = end
    parts.append(passage[start:])
    return [p.strip() for p in parts if p.strip()]


def document_text(paras: list[str]) -> str:
    return "\n\n".join(paras) + "\n"


def keeps_every_sentence(paras: list[str]) -> bool:
    """Cleaning changes nothing but white space and Unicode form, so every sentence survives as written."""
    from rag.clean import clean_article

    expected = "\n\n".join(" ".join(unicodedata.normalize("NFC", p).split()) for p in paras)
    return clean_article(document_text(paras)).text == expected


def usable() -> dict[str, list[str]]:
    """record id -> paragraphs, for every record that can be a document (LEFT_OUT included)."""
    out = {}
    for rec, passage in sorted(records().items()):
        paras = paragraphs(passage)
        if paras and keeps_every_sentence(paras):
            out[rec] = paras
    return out


def main() -> None:
    DOCS.mkdir(exist_ok=True)
    for old in DOCS.glob("*.txt"):
        old.unlink()
    docs = {rec: paras for rec, paras in usable().items() if rec not in LEFT_OUT}
    for rec, paras in docs.items():
        (DOCS / f"{rec}.txt").write_text(document_text(paras), encoding="utf-8")
    print(f"wrote {len(docs)} documents to {DOCS} ({len(LEFT_OUT)} records left out)")


if __name__ == "__main__":
    main()
