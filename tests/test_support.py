"""Lexical support scoring, and the calibration of the aligner's support threshold."""
from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from rag.align import SUPPORT_THRESHOLD
from rag.support import Evidence, content_tokens, score_terms, support_score, terms, unbacked

BUSHEHR = ("Russia built Iran\u2019s first nuclear power plant in the port of Bushehr, which became operational "
           "in 2013.")


# --- content_tokens -----------------------------------------------------------------------------

def test_unbacked_lists_the_words_no_form_of_which_the_evidence_holds():
    ev = Evidence.of("Ahl, who taught physics, photographed the comets from Norland.")
    assert unbacked("Ahl teaches physics and photographs a comet", ev) == []  # forms of the same words
    assert unbacked("Ahl taught chemistry in Norlandic schools, Ahl said", ev) == ["chemistry", "schools", "said"]


def test_stopwords_dropped_and_words_lowercased():
    assert content_tokens("The plant is in the port of Bushehr") == ["plant", "port", "bushehr"]


def test_possessives_straight_and_curly_are_stripped():
    assert content_tokens("Iran's") == content_tokens("Iran\u2019s") == content_tokens("Iran") == ["iran"]


def test_plurals_and_simple_suffixes_share_a_stem():
    assert content_tokens("plants sanctions operating") == content_tokens("plant sanctioned operational")


def test_numbers_kept_as_written_and_thousands_separators_removed():
    assert content_tokens("In 2013, about 1,000 units (3.5%) in the 18th century") == \
        ["2013", "1000", "unit", "3.5", "18th", "centuri"]


def test_hyphenated_words_split():
    assert content_tokens("Israel-Hamas 20-year") == ["israel", "hama", "20", "year"]


def test_dotted_acronym_is_one_token_and_not_the_pronoun_us():
    assert content_tokens("the U.S. and the US") == ["us", "us"]
    assert content_tokens("they told us") == ["tell"]  # an irregular form read as its verb


def test_negation_is_kept_as_content():
    assert "not" in content_tokens("The plant did not open")
    assert "not" in content_tokens("The plant didn\u2019t open")
    assert "not" not in content_tokens("It is not only a plant but also a symbol")


def test_what_a_claim_denies_is_not_part_of_it():
    assert content_tokens("It opened in 2013, not 2015.") == content_tokens("It opened in 2013.")
    assert content_tokens("Armenia, not Azerbaijan, joined.") == ["armenia", "join"]
    assert "share" in content_tokens("the Kremlin, not only sharing this view")


def test_capitalised_words_are_names_numbers_are_numbers():
    kinds = {t.key: t.kind for t in terms("Historically the plant in Bushehr opened in 2013 for Russia.")}
    assert kinds == {"histor": "word", "plant": "word", "bushehr": "name", "open": "word", "2013": "number",
                     "russia": "name"}


# --- support_score ------------------------------------------------------------------------------

def test_claim_fully_in_evidence_scores_one():
    assert support_score("Russia built Iran's first nuclear power plant in Bushehr.", BUSHEHR) == 1.0


def test_wrong_year_scores_low_although_most_words_match():
    assert support_score("Russia built it in 2015", "It became operational in 2013") < 0.3
    assert support_score("Russia built the Bushehr plant in 2015.", BUSHEHR) < SUPPORT_THRESHOLD


def test_wrong_name_scores_low():
    assert support_score("China built Iran's first nuclear power plant in Bushehr.", BUSHEHR) < SUPPORT_THRESHOLD


def test_negation_absent_from_evidence_scores_low():
    assert support_score("The Bushehr plant never became operational.", BUSHEHR) < SUPPORT_THRESHOLD


def test_short_answer_is_fully_supported():
    assert support_score("Bushehr", BUSHEHR) == 1.0
    assert support_score("In 2013.", BUSHEHR) == 1.0


def test_claim_without_content_scores_zero():
    assert support_score("Yes, it is.", BUSHEHR) == 0.0
    assert support_score("", BUSHEHR) == 0.0


def test_related_word_gets_partial_credit():
    full = support_score("Iran plant", BUSHEHR)
    related = support_score("Iranian plant", BUSHEHR)
    assert full == 1.0 and 0.7 < related < 1.0


def test_similarity_raises_coverage_but_cannot_hide_a_wrong_number():
    paraphrase = "Iran gets modern weapons and investment from the partnership."
    evidence = "For Iran, the partnership offers access to advanced military hardware and economic investment."
    assert support_score(paraphrase, evidence) < SUPPORT_THRESHOLD
    assert support_score(paraphrase, evidence, similarity=0.8) >= SUPPORT_THRESHOLD
    assert support_score("Russia built the Bushehr plant in 2015.", BUSHEHR, similarity=1.0) < SUPPORT_THRESHOLD


def test_key_term_found_in_context_is_not_missing():
    claim = terms("Russia and Iran signed a 20-year treaty.")
    evidence = Evidence.of("Both nations signed a 20-year treaty.")
    assert score_terms(claim, evidence) < SUPPORT_THRESHOLD
    assert score_terms(claim, evidence, context=Evidence.of("Russia & Iran: an alliance")) >= SUPPORT_THRESHOLD


# --- calibration of SUPPORT_THRESHOLD -------------------------------------------------------------
# Hand-labelled pairs: an answer sentence, the corpus sentence it would be aligned to, and that
# article's title (the aligner's context for names the sentence leaves implicit).

T_ALLIANCE = "Russia & Iran: A Deepening Alliance Reshaping Global Dynamics"
T_TREATY = "Russia and Iran sign a strategic partnership treaty"
T_WHY = "Why Russia always help Iran"
T_GAMBIT = "Putin's Tehran Gambit: Reshaping Middle East Dynamics"
T_POWER = "The Power of Collaboration: Iran and Russia Join Hands in Shaping Middle East Dynamics"
E_TREATY = ("As both nations signed a 20-year strategic partnership treaty covering a wide range of areas\u2014"
            "including defense, technology, energy, and trade\u2014this collaboration poses new challenges not "
            "just for the Middle East but for the broader global community.")
E_TARIFFS = ("This includes significantly reducing tariffs on about 90 percent of goods, a measure designed to "
             "dramatically increase the volume and diversity of trade between the two countries.")
E_1917 = "However, the 1917 Bolshevik Revolution ended their presence, marking a significant shift."
E_TROOPS = ("In the early 20th century, Russian troops occupied large parts of northern Iran, further "
            "illustrating Russia's historical influence in the region.")
E_DRONES = ("This military-technical cooperation has intensified, particularly with Iran's supply of Shahed "
            "combat drones to Russia for use in Ukraine.")
E_CRIMEA = ("For Russia, sanctions following the annexation of Crimea in 2014 and the full-scale invasion of "
            "Ukraine in 2022 have amplified its need for alternative partners and markets.")
E_VISIT = ("The announcement, made during Iranian President Masoud Pezeshkian\u2019s visit to Moscow, underscores "
           "a deepening of ties between these two nations, which have increasingly turned to one another "
           "amidst international isolation imposed by sanctions and geopolitical pressures.")
E_LEADERS = ("Russian President Vladimir Putin and Iranian President Masoud Pezeshkian have been central "
             "figures in advancing this partnership.")
E_SANCTIONS = ("Both Russia and Iran face extensive international sanctions and diplomatic isolation from many "
               "Western nations.")
E_HAMAS = ("Rather than simply seeking help, Iran\u2019s aim is to forge a deeper alliance with Russia in order to "
           "jointly influence the evolving dynamics of the Israel-Hamas conflict.")
E_CENTURIES = ("Historically, the two nations have engaged in significant power struggles, particularly during "
               "the 18th and 19th centuries.")
E_GULF = ("Russia also maintains pragmatic ties with other regional powers, including Gulf states and Israel, "
          "which can sometimes create a delicate balancing act for Moscow.")
E_LIFELINE = ("For Iran, the partnership offers a vital lifeline against crippling sanctions, providing access to "
              "advanced military hardware, economic investment, and diplomatic backing in international forums.")
E_BYPASS = ("Faced with Western sanctions, both countries are actively working to develop alternative financial "
            "mechanisms and trade routes to bypass these restrictions.")
E_UKRAINE = ("Following the full-scale invasion of Ukraine in February 2022, Russia found itself increasingly "
             "isolated on the global stage, facing unprecedented sanctions and widespread condemnation from "
             "Western nations.")

SUPPORTED = [
    ("Russia built Iran's first nuclear power plant at Bushehr.", BUSHEHR, T_ALLIANCE),
    ("The Bushehr nuclear power plant became operational in 2013.", BUSHEHR, T_ALLIANCE),
    ("Iran's first nuclear power plant, in the port of Bushehr, was built by Russia and became operational "
     "in 2013.", BUSHEHR, T_ALLIANCE),
    ("Bushehr.", BUSHEHR, T_ALLIANCE),
    ("It became operational in 2013.", BUSHEHR, T_ALLIANCE),
    ("In the port of Bushehr.", BUSHEHR, T_ALLIANCE),
    ("Russia and Iran signed a 20-year strategic partnership treaty.", E_TREATY, T_TREATY),
    ("The treaty covers defense, technology, energy and trade.", E_TREATY, T_TREATY),
    ("The two countries signed a 20-year treaty.", E_TREATY, T_TREATY),
    ("The treaty reduces tariffs on about 90 percent of goods to increase trade between the two countries.",
     E_TARIFFS, T_ALLIANCE),
    ("Tariffs were reduced on about 90 percent of goods.", E_TARIFFS, T_ALLIANCE),
    ("The 1917 Bolshevik Revolution ended the Russian presence.", E_1917, T_ALLIANCE),
    ("Russian troops occupied large parts of northern Iran in the early 20th century.", E_TROOPS, T_ALLIANCE),
    ("In the early 20th century, Russia occupied northern Iran.", E_TROOPS, T_ALLIANCE),
    ("Iran has supplied Shahed combat drones to Russia for use in Ukraine.", E_DRONES, T_WHY),
    ("Iran supplies Russia with Shahed drones.", E_DRONES, T_WHY),
    ("Russia was sanctioned after it annexed Crimea in 2014.", E_CRIMEA, T_WHY),
    ("Sanctions after the annexation of Crimea in 2014 and the invasion of Ukraine in 2022 increased "
     "Russia's need for alternative partners.", E_CRIMEA, T_WHY),
    ("Iranian President Masoud Pezeshkian visited Moscow.", E_VISIT, T_TREATY),
    ("Pezeshkian's visit to Moscow showed deepening ties between the two nations.", E_VISIT, T_TREATY),
    ("Vladimir Putin and Masoud Pezeshkian have been central to advancing the partnership.", E_LEADERS,
     T_ALLIANCE),
    ("Both Russia and Iran face international sanctions and diplomatic isolation.", E_SANCTIONS, T_WHY),
    ("Both countries face extensive international sanctions.", E_SANCTIONS, T_WHY),
    ("Iran wants to forge a deeper alliance with Russia to influence the Israel-Hamas conflict.", E_HAMAS,
     T_POWER),
    ("Russia and Iran had power struggles in the 18th and 19th centuries.", E_CENTURIES, T_ALLIANCE),
    ("Russia maintains ties with Gulf states and Israel.", E_GULF, T_WHY),
    ("The partnership gives Iran access to advanced military hardware and economic investment.", E_LIFELINE,
     T_GAMBIT),
    ("Both countries are developing alternative financial mechanisms and trade routes to bypass sanctions.",
     E_BYPASS, T_WHY),
    ("After the invasion of Ukraine in February 2022, Russia became increasingly isolated and faced "
     "unprecedented sanctions.", E_UKRAINE, T_GAMBIT),
    ("Russia faced unprecedented sanctions and condemnation from Western nations after invading Ukraine.",
     E_UKRAINE, T_GAMBIT),
]
# Paraphrases through synonyms: what a lexical score cannot see (an injected similarity helps).
SUPPORTED_BY_SYNONYMS = [
    ("They agreed to cut tariffs on around 90% of goods.", E_TARIFFS, T_ALLIANCE),
    ("Russia keeps good relations with the Gulf states and Israel.", E_GULF, T_WHY),
    ("Iran gets modern weapons and investment from the partnership.", E_LIFELINE, T_GAMBIT),
]
UNSUPPORTED = [
    ("Russia built the Bushehr plant in 2015.", BUSHEHR, T_ALLIANCE),
    ("China built Iran's first nuclear power plant in Bushehr.", BUSHEHR, T_ALLIANCE),
    ("Iran's first nuclear power plant is in the port of Bandar Abbas.", BUSHEHR, T_ALLIANCE),
    ("The Bushehr plant has never become operational.", BUSHEHR, T_ALLIANCE),
    ("Russia built Iran's second nuclear power plant.", BUSHEHR, T_ALLIANCE),
    ("The Bushehr plant supplies electricity to Iraq.", BUSHEHR, T_ALLIANCE),
    ("Russia and Iran signed a 25-year strategic partnership treaty.", E_TREATY, T_TREATY),
    ("Russia and Iran signed the treaty in Tehran.", E_TREATY, T_TREATY),
    ("Saudi Arabia joined the partnership in 2023.", E_TREATY, T_TREATY),
    ("Tariffs were cut on about 50 percent of goods.", E_TARIFFS, T_ALLIANCE),
    ("Trade between Russia and Iran doubled last year.", E_TARIFFS, T_ALLIANCE),
    ("The 1905 Revolution ended the Russian presence in Iran.", E_1917, T_ALLIANCE),
    ("British troops occupied northern Iran in the early 20th century.", E_TROOPS, T_ALLIANCE),
    ("Russian troops occupied northern Iran in the 19th century.", E_TROOPS, T_ALLIANCE),
    ("Iran supplied Shahed drones to Russia for use in Syria.", E_DRONES, T_WHY),
    ("Russia annexed Crimea in 2016.", E_CRIMEA, T_WHY),
    ("Iranian President Ebrahim Raisi visited Moscow.", E_VISIT, T_TREATY),
    ("Vladimir Putin and Recep Erdogan have advanced the partnership.", E_LEADERS, T_ALLIANCE),
    ("Putin visited Tehran in 2022.", E_LEADERS, T_ALLIANCE),
    ("Russia and Iran face no international sanctions.", E_SANCTIONS, T_WHY),
    ("Russia and Iran do not face sanctions.", E_SANCTIONS, T_WHY),
    ("Russia and Iran have formed a military alliance against NATO.", E_SANCTIONS, T_WHY),
    ("Russia and Iran are planning a joint space mission.", E_SANCTIONS, T_WHY),
    ("Iran wants a deeper alliance with China to influence the Israel-Hamas conflict.", E_HAMAS, T_POWER),
    ("Russia and Iran fought a war in 2020.", E_CENTURIES, T_ALLIANCE),
    ("Iran sells oil to Russia at discounted prices.", E_BYPASS, T_WHY),
    ("The partnership has reduced inflation in Iran.", E_LIFELINE, T_GAMBIT),
    ("Russia invaded Ukraine in March 2021.", E_UKRAINE, T_GAMBIT),
]


def _aligner_score(claim: str, evidence: str, title: str) -> float:
    return score_terms(terms(claim), Evidence.of(evidence), context=Evidence.of(f"{title}\n{evidence}"))


def test_threshold_passes_every_plain_paraphrase():
    failing = [(c, round(_aligner_score(c, e, t), 3)) for c, e, t in SUPPORTED
               if _aligner_score(c, e, t) < SUPPORT_THRESHOLD]
    assert failing == []


def test_threshold_passes_no_wrong_or_unbacked_claim():
    passing = [(c, round(_aligner_score(c, e, t), 3)) for c, e, t in UNSUPPORTED
               if _aligner_score(c, e, t) >= SUPPORT_THRESHOLD]
    assert passing == []


def test_threshold_sits_in_the_gap_between_the_two_groups():
    lowest_supported = min(_aligner_score(*case) for case in SUPPORTED)
    highest_unsupported = max(_aligner_score(*case) for case in UNSUPPORTED)
    assert highest_unsupported < SUPPORT_THRESHOLD <= lowest_supported
    assert lowest_supported - highest_unsupported > 0.1  # a real margin, not a knife edge


def test_synonym_paraphrases_are_the_known_weak_spot():
    scores = [_aligner_score(*case) for case in SUPPORTED_BY_SYNONYMS]
    assert all(0.45 < s < 0.75 for s in scores)  # close below or just above: similarity can tip them


# --- properties -----------------------------------------------------------------------------------

ODD_TEXT = st.lists(st.one_of(
    st.text(max_size=40),
    st.sampled_from(["e\u0301te\u0301", "\U0001F600", "\u0645\u0631\u062d\u0628\u0627", "\r\n", "\u200b",
                     "\u202e", "2013", "U.S.", "Iran\u2019s", "n't", "'s", "1,000.5", "-", "\ufdfd", "x" * 500]),
), max_size=12).map("".join)


@settings(max_examples=300, deadline=None)
@given(claim=ODD_TEXT, evidence=ODD_TEXT)
def test_score_is_a_share_for_any_text(claim, evidence):
    s = support_score(claim, evidence)
    assert 0.0 <= s <= 1.0


@settings(max_examples=300, deadline=None)
@given(text=ODD_TEXT)
def test_text_fully_supports_itself(text):
    assert support_score(text, text) == (1.0 if content_tokens(text) else 0.0)


def test_embedding_similarity_lifts_synonyms_but_no_wrong_claim(corpus_engine):
    """The answer path mixes MiniLM cosine into the score (Answerer.similarity): the synonym paraphrases
    then pass, and every wrong or unbacked claim still stays below the threshold."""
    sim = corpus_engine.answerer.similarity

    def score(claim, evidence, title):
        return score_terms(terms(claim), Evidence.of(evidence), similarity=sim(claim, evidence),
                           context=Evidence.of(f"{title}\n{evidence}"))

    assert all(score(*case) >= SUPPORT_THRESHOLD for case in SUPPORTED + SUPPORTED_BY_SYNONYMS)
    passing = [c for c, e, t in UNSUPPORTED if score(c, e, t) >= SUPPORT_THRESHOLD]
    assert passing == []


def test_an_irregular_verb_form_matches_its_verb():
    """"taught" is "teach" and "wrote" is "write" (WordNet's irregular forms; no stemmer joins them), so "What
    subject did Ahl teach?" finds "Ahl, who taught physics". A form that is itself a verb ("found": to found
    a company) stays as written, and a capitalised name is never read as a verb ("Rose")."""
    assert [t.key for t in terms("taught wrote written won")] == [t.key for t in terms("teach write write win")]
    assert support_score("Ahl teaches physics.", "Ahl, who taught physics for 34 years") == 1.0
    assert [t.key for t in terms("found")] != [t.key for t in terms("find")]
    assert [t.key for t in terms("said Rose")] != [t.key for t in terms("said rise")]
