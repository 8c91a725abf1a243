"""Sentence spans with exact character offsets: the unit of chunking, context selection and quoting.

A line break always ends a sentence (headings, list items); inside a line NLTK's Punkt model decides,
so "U.S." or "Mr." does not end one. Punkt's English parameters ship inside llama-index-core.
"""
from __future__ import annotations

import re
from functools import lru_cache

from .words import use_shipped_nltk_data

_LINE = re.compile(r"[^\n]+")


@lru_cache(maxsize=1)
def _punkt():
    from nltk.tokenize.punkt import PunktTokenizer

    use_shipped_nltk_data()
    return PunktTokenizer("english")


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) of every sentence in `text`, in order, trimmed of surrounding white space.

    `text[start:end]` is the sentence exactly; spans never overlap and never contain a newline.
    """
    tok = _punkt()
    spans: list[tuple[int, int]] = []
    for line in _LINE.finditer(text):
        base = line.start()
        for a, b in tok.span_tokenize(line.group()):
            a, b = _trim(text, base + a, base + b)
            if b > a:
                spans.append((a, b))
    return spans


def split_sentences(text: str) -> list[str]:
    return [text[a:b] for a, b in sentence_spans(text)]


def _trim(text: str, a: int, b: int) -> tuple[int, int]:
    while a < b and text[a].isspace():
        a += 1
    while b > a and text[b - 1].isspace():
        b -= 1
    return a, b
