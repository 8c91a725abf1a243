"""Sentence-aware chunks with exact character offsets into the cleaned article text.

Chunks are runs of whole sentences that fit the embedding model's window, with `overlap` sentences
shared between neighbours; `text[start:end]` of a chunk is its text exactly. A sentence longer than
the window is cut at word boundaries.
"""
from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass

from .sentences import sentence_spans

# Bump when chunking changes, so that `rag ingest` re-embeds documents chunked the old way.
CHUNKER_VERSION = "2"

TokenCounter = Callable[[list[str]], list[int]]


@dataclass(frozen=True)
class Span:
    start: int
    end: int


def chunk_spans(text: str, max_tokens: int, overlap: int, count_tokens: TokenCounter) -> list[Span]:
    """Chunk boundaries for `text`: each chunk's pieces together stay within `max_tokens`."""
    pieces, sizes = _pieces(text, max_tokens, count_tokens)
    if not pieces:
        return []
    chunks: list[Span] = []
    i = 0
    while i < len(pieces):
        j, used = i, 0
        while j < len(pieces) and (j == i or used + sizes[j] + 1 <= max_tokens):
            used += sizes[j] + 1  # +1: the boundary between sentences may add a word piece
            j += 1
        chunks.append(Span(pieces[i][0], pieces[j - 1][1]))
        if j >= len(pieces):
            break
        i = max(j - overlap, i + 1)  # step back for overlap, but always move forward
        # Share only sentences that leave room for the next one, or that chunk is this one's tail again.
        while i < j and sum(sizes[i:j + 1]) + (j + 1 - i) > max_tokens:
            i += 1
    return chunks


def _pieces(text: str, max_tokens: int, count_tokens: TokenCounter) -> tuple[list[tuple[int, int]], list[int]]:
    """Sentences, with any sentence over the window split into word-boundary pieces that fit, and
    their sizes (a sentence is counted once: counting is most of chunking's time)."""
    spans = sentence_spans(text)
    sizes = count_tokens([text[a:b] for a, b in spans])
    out: list[tuple[int, int]] = []
    out_sizes: list[int] = []
    for (a, b), n in zip(spans, sizes):
        if n <= max_tokens:
            out.append((a, b))
            out_sizes.append(n)
        else:
            parts = _split_long(text, a, b, max_tokens, count_tokens)
            out += parts
            out_sizes += count_tokens([text[s:e] for s, e in parts])
    return out, out_sizes


def _split_long(text: str, a: int, b: int, max_tokens: int, count_tokens: TokenCounter) -> list[tuple[int, int]]:
    words = [(a + m.start(), a + m.end()) for m in re.finditer(r"\S+", text[a:b])]
    sizes = count_tokens([text[s:e] for s, e in words])
    out, start, used = [], None, 0
    for (s, e), n in zip(words, sizes):
        if n > max_tokens:  # a single monster "word" (no spaces): cut by characters
            if start is not None:
                out.append((start, prev_end))
                start, used = None, 0
            out.extend(_cut_run(text, s, e, max_tokens, count_tokens, max(1, (e - s) * max_tokens // (n + 1))))
            continue
        if start is not None and used + n + 1 > max_tokens:
            out.append((start, prev_end))
            start, used = None, 0
        if start is None:
            start = s
        used += n + 1
        prev_end = e
    if start is not None:
        out.append((start, prev_end))
    return out


def _cut_run(text: str, s: int, e: int, max_tokens: int, count_tokens: TokenCounter,
             guess: int) -> list[tuple[int, int]]:
    """Cut a run without spaces into pieces that each fit, measured, not estimated.

    Word-piece density varies along a run (",,,," is a piece per character, a 3,000-letter word is
    one [UNK]), so an even cut can overflow: each piece shrinks until the tokenizer says it fits.
    """
    out = []
    while s < e:
        cut = _cluster_boundary(text, s, min(e, s + guess), e)
        while cut - s > 1:
            n = count_tokens([text[s:cut]])[0]
            if n <= max_tokens:
                break
            cut = _cluster_boundary(text, s, s + max(1, min(cut - s - 1, (cut - s) * max_tokens // (n + 1))), e)
        out.append((s, cut))
        guess = 2 * (cut - s)  # sparse stretches after dense ones: let pieces grow back
        s = cut
    return out


def _cluster_boundary(text: str, s: int, cut: int, e: int) -> int:
    """`cut`, moved back so it does not separate a character from its combining marks, variation
    selectors, skin tones or zero-width joiners (unless the piece would be empty)."""
    while s + 1 < cut < e and (_clings(text[cut]) or text[cut - 1] == "\u200d"):
        cut -= 1
    return cut


def _clings(ch: str) -> bool:
    return (unicodedata.combining(ch) > 0 or unicodedata.category(ch) in ("Mn", "Me")
            or ch in "\u200c\u200d\ufe0e\ufe0f" or "\U0001F3FB" <= ch <= "\U0001F3FF")
