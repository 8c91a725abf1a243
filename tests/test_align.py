"""Citation alignment: markers parsed and repaired, quotes verified, the offsets invariant kept."""
from __future__ import annotations

import json
import time
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from rag.align import (SUPPORT_THRESHOLD, align_answer, extractive_answer, parse_markers, render_answer,
                       split_answer)
from rag.schema import Citation, Source
from rag.sentences import sentence_spans

CORPUS = Path(__file__).resolve().parent.parent / "corpus"
DATASET = CORPUS.parent / "eval" / "datasets" / "questions.jsonl"
BUSHEHR = ("Russia built Iran\u2019s first nuclear power plant in the port of Bushehr, which became operational "
           "in 2013.")


def _corpus() -> dict[str, str]:
    return {p.name[:3]: p.read_text(encoding="utf-8") for p in sorted(CORPUS.glob("*.txt"))}


ARTICLES = _corpus()


def source(n: int, doc: str, needle: str, *, sentences: int = 1) -> Source:
    """A Source window of `sentences` sentences of a corpus article, from the one containing `needle`."""
    text = ARTICLES[doc]
    spans = sentence_spans(text)
    i = next(k for k, (a, b) in enumerate(spans) if needle in text[a:b])
    a, b = spans[i][0], spans[i + sentences - 1][1]
    return Source(n=n, doc_id=doc, title=text.splitlines()[0], source=f"corpus/{doc}", start=a, end=b,
                  text=text[a:b], score=1.0)


@pytest.fixture(scope="module")
def sources() -> list[Source]:
    return [
        source(1, "001", "Russia built Iran"),
        source(2, "002", "20-year strategic partnership treaty"),
        source(3, "001", "The Bushehr plant is a testament"),
        source(4, "004", "2022 invasion of Ukraine"),
        source(5, "000", "Israel-Hamas conflict has prompted"),
        source(6, "001", "1917 Bolshevik Revolution"),
        source(7, "004", "Shahed combat drones"),
        source(8, "002", "Pezeshkian\u2019s visit to Moscow"),
    ]


def assert_invariant(citations: list[Citation], articles: dict[str, str]) -> None:
    for c in citations:
        assert articles[c.doc_id][c.start:c.end] == c.quote


# --- parse_markers and split_answer ---------------------------------------------------------------

@pytest.mark.parametrize("sentence, clean, cited", [
    ("Russia built it [1].", "Russia built it.", [1]),
    ("Russia built it [1, 2].", "Russia built it.", [1, 2]),
    ("Russia built it [1][3].", "Russia built it.", [1, 3]),
    ("Russia built it [3] [1][3].", "Russia built it.", [3, 1]),
    ("Russia built it \u30101\u3011.", "Russia built it.", [1]),
    ("Russia built it \u30102\u2020source\u3011.", "Russia built it.", [2]),
    ("Russia built it (Source 1).", "Russia built it.", [1]),
    ("Russia built it (sources 1 and 2).", "Russia built it.", [1, 2]),
    ("Source 2: Russia built it.", "Russia built it.", [2]),
    ("Russia built it [Source 4].", "Russia built it.", [4]),
    ("Russia built it [1-3].", "Russia built it.", [1, 2, 3]),
    ("It rose [1] and then fell [2].", "It rose and then fell.", [1, 2]),
    ("In [2013] it opened (2013).", "In [2013] it opened (2013).", []),
    ("No markers at all.", "No markers at all.", []),
    ("[1]", "", [1]),
])
def test_parse_markers(sentence, clean, cited):
    assert parse_markers(sentence) == (clean, cited)


@pytest.mark.parametrize("answer, pieces", [
    ("Russia built it in 2013. [1] Iran paid. [2]", ["Russia built it in 2013. [1]", "Iran paid. [2]"]),
    ("Russia built it in 2013.[1] Iran paid.[2][3]", ["Russia built it in 2013. [1]", "Iran paid. [2][3]"]),
    ("Russia built it [1]. Iran paid [2].", ["Russia built it [1].", "Iran paid [2]."]),
    ("Russia built it.\n[2]", ["Russia built it. [2]"]),
    ("[1] [2]", []),
    ("", []),
    ("Answer:\n1. Russia built it [1].\n2. Iran paid [2].", ["Answer:", "1. Russia built it [1].",
                                                            "2. Iran paid [2]."]),
    ("First line\n[3] Second line.", ["First line", "[3] Second line."]),
])
def test_split_answer(answer, pieces):
    assert split_answer(answer) == pieces


# --- align_answer -----------------------------------------------------------------------------------

def test_supported_sentence_cites_the_exact_sentence_of_the_full_article(sources):
    sents, cits = align_answer("Russia built Iran's first nuclear power plant in Bushehr [1].", sources, ARTICLES)
    assert [s.citations for s in sents] == [[1]] and sents[0].supported and sents[0].support == 1.0
    assert len(cits) == 1 and cits[0].quote == BUSHEHR and cits[0].doc_id == "001"
    assert ARTICLES["001"][cits[0].start:cits[0].end] == BUSHEHR


def test_a_supported_sentence_lists_the_words_its_quote_lacks():
    # The relation rests on "flooded", which the quote never says: shown, not hidden by word overlap.
    text = "The open pit would lower the water table under 40 farms, the court heard."
    src = Source(1, "m", "Mine", "m.md", 0, len(text), text, 1.0)
    sents, _ = align_answer("40 farms would be flooded by the open pit [1].", [src], {"m": text})
    assert sents[0].supported and sents[0].own_words == ["flooded"]
    sents, _ = align_answer("The open pit would lower the water table under 40 farms [1].", [src], {"m": text})
    assert sents[0].own_words == []
    sents, _ = align_answer("Coal prices rose in Brazil [1].", [src], {"m": text})
    assert not sents[0].supported and sents[0].own_words == []  # unsupported says more than own words


def test_wrong_marker_is_replaced_by_the_supporting_source(sources):
    sents, cits = align_answer("The Bushehr plant became operational in 2013. [2]", sources, ARTICLES)
    assert sents[0].citations == [1] and sents[0].supported
    assert [c.n for c in cits] == [1]


def test_marker_out_of_range_is_replaced(sources):
    sents, _ = align_answer("Iran supplies Shahed combat drones to Russia [12].", sources, ARTICLES)
    assert sents[0].citations == [7]


def test_marker_out_of_range_on_unsupported_sentence_is_dropped(sources):
    sents, cits = align_answer("Iran sells oil to China at a discount [12].", sources, ARTICLES)
    assert sents[0].citations == [] and not sents[0].supported and cits == []


def test_supported_sentence_without_marker_gets_one(sources):
    sents, _ = align_answer("The 1917 Bolshevik Revolution ended the Russian presence.", sources, ARTICLES)
    assert sents[0].citations == [6] and sents[0].supported


def test_own_marker_kept_when_it_supports_as_well(sources):
    # The same fact in two sources: the model's choice stands, it is not "repaired" to the first.
    twin = Source(9, "001", "copy", "copy", sources[0].start, sources[0].end, sources[0].text, 0.5)
    sents, _ = align_answer("Russia built the Bushehr plant [9].", sources + [twin], ARTICLES)
    assert sents[0].citations == [9]


def test_paraphrase_aligned_to_the_right_sentence_of_a_window():
    window = source(1, "001", "The cooperation between Russia and Iran extends", sentences=4)
    sents, cits = align_answer("Iran's first nuclear power plant, built by Russia, started operating in 2013.",
                               [window], ARTICLES)
    assert sents[0].supported and sents[0].citations == [1]
    assert [c.quote for c in cits] == [BUSHEHR]
    assert window.start < cits[0].start and cits[0].end < window.end  # one sentence, not the window


def test_sentence_spanning_two_sources_cites_both(sources):
    answer = ("Russia built the Bushehr plant, operational since 2013, and both nations signed a 20-year "
              "strategic partnership treaty.")
    sents, cits = align_answer(answer, sources, ARTICLES)
    assert sents[0].supported and sents[0].citations == [1, 2]
    assert {c.n for c in cits} == {1, 2} and len(cits) == 2
    assert_invariant(cits, ARTICLES)


def test_no_support_is_unsupported_with_low_score(sources):
    sents, cits = align_answer("The weather in Paris was sunny and warm last weekend [1].", sources, ARTICLES)
    assert not sents[0].supported and sents[0].support < 0.3 and sents[0].citations == [] and cits == []


@pytest.mark.parametrize("claim", [
    "Russia built Iran's first nuclear power plant in 2015 [1].",
    "China built Iran's first nuclear power plant in Bushehr [1].",
    "Iranian President Ebrahim Raisi visited Moscow [8].",
])
def test_number_or_name_mismatch_is_unsupported(sources, claim):
    sents, cits = align_answer(claim, sources, ARTICLES)
    assert not sents[0].supported and sents[0].support < SUPPORT_THRESHOLD and cits == []


def test_correction_of_a_false_premise_is_supported_but_not_its_reverse(sources):
    right, _ = align_answer("The Bushehr plant became operational in 2013, not 2015 [1].", sources, ARTICLES)
    wrong, _ = align_answer("The Bushehr plant became operational in 2015, not 2013 [1].", sources, ARTICLES)
    assert right[0].supported and right[0].citations == [1]
    assert not wrong[0].supported


def test_short_answer_is_supported(sources):
    sents, cits = align_answer("Bushehr.", sources, ARTICLES)
    assert sents[0].supported and sents[0].citations in ([1], [3])
    assert "Bushehr" in cits[0].quote


def test_fabricated_quote_makes_the_sentence_unsupported(sources):
    answer = 'Russia said "Iran is our closest ally and the Bushehr plant proves it" [1].'
    sents, cits = align_answer(answer, sources, ARTICLES)
    assert not sents[0].supported and sents[0].citations == [] and cits == []


def test_verbatim_quote_is_kept_and_steers_the_citation(sources):
    # Typographic apostrophe and case differ from the article: still the same words.
    answer = 'The article says "Russia built Iran\'s first nuclear power plant" [3].'
    sents, cits = align_answer(answer, sources, ARTICLES)
    assert sents[0].supported and sents[0].citations == [1] and cits[0].quote == BUSHEHR


def test_several_sentences_each_aligned_and_citations_deduplicated(sources):
    answer = ("Russia built Iran's first nuclear power plant at Bushehr [2]. It became operational in 2013 [1]. "
              "Iran has supplied Shahed combat drones to Russia for use in Ukraine. "
              "Russia also plans a joint mission to Mars with Iran [3].")
    sents, cits = align_answer(answer, sources, ARTICLES)
    assert [s.citations for s in sents] == [[1], [1], [7], []]
    assert [s.supported for s in sents] == [True, True, True, False]
    assert [c.n for c in cits] == [1, 7]  # the Bushehr quote is cited twice but listed once
    assert render_answer(sents) == (
        "Russia built Iran's first nuclear power plant at Bushehr [1]. It became operational in 2013 [1]. "
        "Iran has supplied Shahed combat drones to Russia for use in Ukraine [7]. "
        "Russia also plans a joint mission to Mars with Iran.")


def test_similarity_is_mixed_in_but_cannot_rescue_a_wrong_year(sources):
    sents, _ = align_answer("Russia built the Bushehr plant in 2015.", sources, ARTICLES,
                            similarity=lambda claim, quote: 1.0)
    assert not sents[0].supported
    paraphrase = "Iran sent unmanned aircraft to the Russian army."  # few words shared with the drones one
    plain, _ = align_answer(paraphrase, sources, ARTICLES)
    helped, _ = align_answer(paraphrase, sources, ARTICLES,
                             similarity=lambda claim, quote: 0.95 if "Shahed" in quote else 0.0)
    assert not plain[0].supported and helped[0].supported and helped[0].citations == [7]


def test_source_with_wrong_offsets_is_relocated_and_foreign_text_never_quoted():
    article = {"a": "Intro line.\nThe plant opened in 2013. It makes power."}
    moved = Source(1, "a", "A", "a", 0, 5, "The plant opened in 2013.", 1.0)  # offsets wrong, text right
    foreign = Source(2, "a", "A", "a", 0, 10, "The dam opened in 1990.", 1.0)  # not in the article at all
    sents, cits = align_answer("The plant opened in 2013. The dam opened in 1990.", [moved, foreign], article)
    assert sents[0].citations == [1] and cits[0].quote == "The plant opened in 2013."
    assert not sents[1].supported and all(c.n == 1 for c in cits)
    assert_invariant(cits, article)


def test_answers_with_no_sources_or_no_content():
    assert align_answer("Russia built it [1].", [], ARTICLES)[1] == []
    assert align_answer("", [], ARTICLES) == ([], [])


def test_render_answer_places_markers_before_final_punctuation(sources):
    sents, _ = align_answer("Bushehr? Russia built Iran's first nuclear power plant [1]", sources, ARTICLES)
    assert render_answer(sents) == "Bushehr [1]? Russia built Iran's first nuclear power plant [1]"


def test_render_answer_keeps_list_items_on_their_own_lines(sources):
    sents, _ = align_answer("- Russia built the Bushehr plant [1].\n- Iran supplies Shahed drones [7].",
                            sources, ARTICLES)
    assert render_answer(sents) == "- Russia built the Bushehr plant [1].\n- Iran supplies Shahed drones [7]."


def test_aligning_five_sentences_against_eight_sources_is_fast(sources):
    answer = ("Russia built Iran's first nuclear power plant at Bushehr [1]. The two countries signed a 20-year "
              "treaty [2]. Iran asked Moscow to act in the Israel-Hamas conflict [5]. The 1917 revolution ended "
              "Russia's presence [6]. The plant was built by China in 2015 [1].")
    align_answer(answer, sources, ARTICLES)  # warm caches (stemmer, Punkt)
    runs = []
    for _ in range(5):
        t = time.perf_counter()
        sents, _ = align_answer(answer, sources, ARTICLES)
        runs.append(time.perf_counter() - t)
    assert len(sents) == 5
    assert sorted(runs)[2] < 0.05


def test_dataset_reference_answers_align_to_their_gold_sentence():
    """The labelled set's reference answers (often paraphrases), each against its gold sentence and
    the five sentences around it in the cleaned article: the gold sentence must be the one cited."""
    from rag.clean import clean_article

    rows = [json.loads(line) for line in DATASET.read_text(encoding="utf-8").splitlines() if line.strip()]
    cleaned = {p.stem: clean_article(p.read_text(encoding="utf-8")) for p in sorted(CORPUS.glob("*.txt"))}
    articles = {doc: c.text for doc, c in cleaned.items()}
    total, hits = 0, []
    for row in rows:
        if not (row["answerable"] and row["gold_quotes"]):
            continue
        doc, gold = row["gold_docs"][0], row["gold_quotes"][0]
        spans = sentence_spans(articles[doc])
        i = next(k for k, (a, b) in enumerate(spans) if articles[doc][a:b] == gold)
        window = spans[max(0, i - 3):i + 3]
        srcs = [Source(n, doc, cleaned[doc].title, doc, a, b, articles[doc][a:b], 1.0)
                for n, (a, b) in enumerate(window, start=1)]
        sents, cits = align_answer(row["reference"], srcs, articles)
        total += 1
        hits.append(all(s.supported for s in sents) and any(c.quote == gold for c in cits))
        assert_invariant(cits, articles)
    assert total >= 60
    assert sum(hits) / total >= 0.9  # measured 68/69; the miss is a loose paraphrase


# --- extractive_answer ------------------------------------------------------------------------------

@pytest.mark.parametrize("question, expected_n, expected_words", [
    ("Where is Iran's first nuclear power plant?", 1, "Bushehr"),
    ("When did the Bushehr plant become operational?", 1, "2013"),
    ("How long is the strategic partnership treaty between Russia and Iran?", 2, "20-year"),
    ("What ended the Russian presence in northern Iran?", 6, "Bolshevik"),
    ("What does Iran supply to Russia for use in Ukraine?", 7, "Shahed"),
])
def test_extractive_answer_leads_with_the_sentence_holding_the_answer(sources, question, expected_n,
                                                                       expected_words):
    text, sents, cits = extractive_answer(question, sources, ARTICLES)
    assert 1 <= len(sents) <= 2
    assert sents[0].citations == [expected_n] and expected_words in sents[0].text
    assert all(s.supported and s.text == c.quote for s, c in zip(sents, cits))
    assert text.startswith(sents[0].text.rstrip("."))
    assert_invariant(cits, ARTICLES)


def test_extractive_answer_abstains_when_nothing_is_relevant(sources):
    assert extractive_answer("How do I bake an apple pie?", sources, ARTICLES) == ("", [], [])
    assert extractive_answer("", sources, ARTICLES) == ("", [], [])


def test_extractive_answer_corrects_a_false_premise(sources):
    _, sents, _ = extractive_answer("Why did the Bushehr plant only become operational in 2015?", sources, ARTICLES)
    assert sents[0].text == BUSHEHR


def test_extractive_answer_respects_max_sentences(sources):
    _, sents, _ = extractive_answer("What do Russia and Iran cooperate on?", sources, ARTICLES, max_sentences=1)
    assert len(sents) == 1


def test_an_unbacked_reply_points_the_quotes_at_the_sentence_it_read():
    # The model's reply to this question took "Kremlin leader" and "Tehran" from the question, not the
    # source ("Putin", "Iran"), so it is not backed; on the question's words alone the heading
    # sentence about "Israeli military actions" wins, while the reply's own words name the right one.
    question = "What did the Kremlin leader call Israel's military action against Tehran?"
    srcs = [source(1, "001", "dangerous escalation"), source(2, "001", "Recent events, particularly Israeli")]
    reply = "The Kremlin leader called Israel's military action against Tehran a \"dangerous escalation.\" [1]"
    _, plain, _ = extractive_answer(question, srcs, ARTICLES)
    _, hinted, cits = extractive_answer(question, srcs, ARTICLES, hint=reply)
    assert plain[0].citations == [2]
    assert hinted[0].citations == [1] and "dangerous escalation" in hinted[0].text
    assert_invariant(cits, ARTICLES)
    # A reply's words cannot bring in a sentence that does not answer the question at all.
    assert extractive_answer("How do I bake an apple pie?", srcs, ARTICLES, hint=reply) == ("", [], [])


# --- properties on arbitrary text -------------------------------------------------------------------

PIECES = ["e\u0301", "\U0001F600\U0001F1EE\U0001F1F7", "\u05e9\u05dc\u05d5\u05dd \u0645\u0631\u062d\u0628\u0627",
          "\r\n", "\n", "\u200b", "\u200d", "\u202e", ". ", "? ", "Mr. ", "U.S. ", "2013", "Bushehr ",
          "\u201cquoted\u201d ", '"quoted words here" ', "[1] ", "[2][3]", "\u30101\u3011", "(Source 2)",
          "Source 1: ", "\u2019s ", "x" * 300 + " ", "\ufdfd", "\t", "  "]
ODD_TEXT = st.lists(st.one_of(st.text(max_size=30), st.sampled_from(PIECES)), max_size=25).map("".join)


@st.composite
def scenarios(draw):
    articles = {f"d{i}": draw(ODD_TEXT) for i in range(draw(st.integers(1, 3)))}
    srcs = []
    for n in range(1, draw(st.integers(0, 8)) + 1):
        doc = draw(st.sampled_from(sorted(articles)))
        text = articles[doc]
        a = draw(st.integers(0, len(text)))
        b = draw(st.integers(a, len(text)))
        if draw(st.booleans()):
            srcs.append(Source(n, doc, "t", "s", a, b, text[a:b], draw(st.floats(-1, 2))))
        else:  # offsets or text not matching the article: must never leak into a quote
            srcs.append(Source(n, doc, "t", "s", a, b, draw(ODD_TEXT), 0.0))
    # Answers mixing article text (so real alignments happen) with arbitrary text and markers.
    parts = draw(st.lists(st.one_of(ODD_TEXT, st.sampled_from(list(articles.values()))), max_size=4))
    return articles, srcs, " ".join(parts)


@settings(max_examples=250, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(scenarios())
def test_any_text_aligns_without_error_and_quotes_are_exact(scenario):
    articles, srcs, answer = scenario
    sents, cits = align_answer(answer, srcs, articles)
    assert_invariant(cits, articles)
    numbers = {c.n for c in cits}
    for s in sents:
        assert 0.0 <= s.support <= 1.0
        assert set(s.citations) <= numbers
        assert not s.supported or s.citations
    render_answer(sents)
    for q in (answer, "What happened in 2013?"):
        _, esents, ecits = extractive_answer(q, srcs, articles)
        assert_invariant(ecits, articles)
        assert all(s.text == c.quote for s, c in zip(esents, ecits))


@settings(max_examples=300, deadline=None)
@given(ODD_TEXT)
def test_any_text_splits_and_parses(text):
    for piece in split_answer(text):
        clean, cited = parse_markers(piece)
        assert clean and all(n >= 0 for n in cited)
