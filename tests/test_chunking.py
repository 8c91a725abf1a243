"""Chunk boundaries and offsets: pure logic (a whitespace token counter), plus the real tokenizer on the corpus."""
from hypothesis import given, settings, strategies as st

from rag.chunking import chunk_spans


def words(texts):
    return [len(t.split()) for t in texts]


def test_chunks_are_whole_sentences_within_budget():
    text = " ".join(f"Sentence number {i} has exactly seven words." for i in range(40))
    spans = chunk_spans(text, max_tokens=30, overlap=1, count_tokens=words)
    assert len(spans) > 5
    for sp in spans:
        piece = text[sp.start:sp.end]
        assert piece.startswith("Sentence") and piece.endswith("words.")
        assert len(piece.split()) <= 30


def test_overlap_shares_one_sentence_and_covers_everything():
    text = " ".join(f"Line {i} is here now." for i in range(20))
    spans = chunk_spans(text, max_tokens=16, overlap=1, count_tokens=words)
    for a, b in zip(spans, spans[1:]):
        assert b.start < a.end  # overlap
    assert spans[0].start == 0 and spans[-1].end == len(text)


def test_long_sentence_is_cut_at_word_boundaries():
    text = "word " * 500 + "end."
    spans = chunk_spans(text, max_tokens=50, overlap=0, count_tokens=words)
    assert len(spans) >= 10
    for sp in spans:
        assert len(text[sp.start:sp.end].split()) <= 50
        assert not text[sp.start].isspace() and not text[sp.end - 1].isspace()


def test_newline_ends_a_sentence():
    text = "A heading without a period\nThe body sentence follows here."
    spans = chunk_spans(text, max_tokens=5, overlap=0, count_tokens=words)
    assert [text[s.start:s.end] for s in spans] == ["A heading without a period", "The body sentence follows here."]


@settings(max_examples=60, deadline=None)
@given(st.text(min_size=0, max_size=2000))
def test_offsets_exact_on_arbitrary_unicode(text):
    spans = chunk_spans(text, max_tokens=20, overlap=1, count_tokens=lambda ts: [len(t) // 3 + 1 for t in ts])
    for sp in spans:
        assert 0 <= sp.start < sp.end <= len(text)
        assert text[sp.start:sp.end].strip() == text[sp.start:sp.end]


def test_every_corpus_chunk_fits_the_model_and_matches_its_offsets(corpus_engine):
    store = corpus_engine.docstore
    docs = corpus_engine.documents()
    assert len(docs) == 5
    for d in docs:
        text = corpus_engine.article(d.doc_id).text
        chunks = store.doc_chunks(d.doc_id)
        assert len(chunks) == d.n_chunks > 0
        sizes = corpus_engine.embedder.count_tokens([c.text for c in chunks])
        for c, n in zip(chunks, sizes):
            assert text[c.start:c.end] == c.text
            assert n + 2 <= 256  # + [CLS] and [SEP]: nothing is truncated by the model
