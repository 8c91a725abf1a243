"""Each step of the answer path (rag.checks) on hand-made sources: no embedding model, no language model.
The model's yes/no rating is a plain function here, as the steps take it; tests/test_answer.py runs the
real model through the same steps."""
from __future__ import annotations

from rag.checks import ABSTAIN_TEXT, STEP_NAMES, Case, Draft, run_checks
from rag.question import analyse, gives_kind, gives_number
from rag.relations import conflicts
from rag.schema import Answer, Source
from rag.sentences import sentence_spans

ARTICLE = ("Russia supplied Iran with air defence systems in 2021. "
           "Iran became a partner of Armenia in 2010. "
           "The Bushehr plant was built by Russia and became operational in 2013. "
           "Foreign Minister Sergei Lavrov spoke in Moscow on Thursday. "
           "He said the treaty would include closer defense cooperation. "
           "Analysts expect joint exercises. "
           "Trade between the two countries rose by 16 percent last year.")


def case_for(question: str, article: str = ARTICLE, rate=None) -> Case:
    sources = [Source(n, "d", "Allies", "s", a, b, article[a:b], 1.0 - n / 100)
               for n, (a, b) in enumerate(sentence_spans(article), start=1)]

    def make(text, abstained, sentences, citations):
        return Answer(question, question, text, abstained, sentences, citations, sources, {}, "test")

    return Case(analyse(question), sources, {"d": article}, make, rate=rate)


def check(question: str, reply: str | None = None, rate=None, skip=frozenset(), article: str = ARTICLE,
          states=None) -> Answer:
    """The reply (or, without one, the quotes) through every step; the draft's notes joined into .error."""
    case = case_for(question, article, rate=rate)
    case.states = states
    draft = Draft(None, "model", reply=reply) if reply is not None else case.quotes()
    out = run_checks(case, draft, skip)
    out.answer.error = "; ".join(out.notes) or None
    for c in out.answer.citations:  # every quote is the article's text at its offsets
        assert article[c.start:c.end] == c.quote
    return out.answer


def test_the_steps_are_listed_in_one_place_in_order():
    assert STEP_NAMES == ["model_declined", "invented_number", "aligned", "gives_what_was_asked",
                          "quotes_the_speaker", "names_as_written", "premise_stated", "not_the_opposite", "deed_not_denied", "deed_by_its_doer", "roles_agree", "dates_agree", "reasons_stated", "reason_given",
                          "facts_from_one_quote", "deed_from_its_quotes",
                          "model_reads_claims",
                          "model_confirms", "model_contrasts"]


def test_a_supported_answer_passes_every_step():
    ans = check("When did the Bushehr plant become operational?", "The Bushehr plant became operational in 2013 [3].")
    assert not ans.abstained and ans.answer == "The Bushehr plant became operational in 2013 [3]." and ans.error is None


def test_model_declined_gets_quotes_or_the_passage_the_model_rates():
    ans = check("When did the Bushehr plant become operational?", "NOT FOUND")
    assert not ans.abstained and "2013" in ans.answer
    # No quote shares the question's words ("bloc"): the model's one-passage ratings pick the Armenia one.
    ratings = {"Iran became a partner of Armenia in 2010.": 0.9}
    ans = check("Which nation is in the same camp?", "NOT FOUND", rate=lambda p: ratings.get(p, 0.1))
    assert not ans.abstained and "Armenia" in ans.answer and "asked passage by passage" in ans.error
    assert check("Which nation is in the same camp?", "NOT FOUND", rate=lambda p: 0.1).abstained


def test_invented_number_abstains():
    ans = check("How much did trade rise?", "Trade rose by 45 percent [7].")
    assert ans.abstained and ans.answer == ABSTAIN_TEXT and "number no source holds" in ans.error


def test_unsupported_reply_is_replaced_by_quotes():
    ans = check("When did the Bushehr plant become operational?", "China built the Bushehr plant [3].")
    assert "2013" in ans.answer and ans.error.startswith("the model's answer was not supported")


def test_the_kind_asked_for_must_be_given():
    # "Which minister" wants a person: a reply naming only countries does not answer, nor do the quotes.
    ans = check("Which minister supplied Iran with air defence systems?", "Russia supplied Iran with air defence systems [1].")
    assert ans.abstained
    ans = check("How much did trade between the two countries rise last year?", "Trade rose [7].")
    assert not ans.abstained and "16 percent" in ans.answer and "number asked for" in ans.error


def test_a_company_is_not_a_country():
    """"Which group" may be answered by countries (a bloc); "which company" may not: "Russia supplied Iran"
    names no company. A company the quote names answers."""
    ans = check("Which company supplied Iran with air defence systems?")
    assert ans.abstained and "no passage gives the company asked for" in ans.error
    article = "Almaz-Antey, a Russian defence company, supplied Iran with air defence systems in 2021."
    assert not check("Which company supplied Iran with air defence systems?", article=article).abstained


def test_a_name_the_quote_calls_by_the_asked_noun_is_of_that_kind():
    """The tagger takes "Kestrel Line" for a person; the quote calls it "a company": it answers "Which
    company ...?". A name the quote does not call so still needs the tagger's type."""
    article = "The ship was built by Norrvik Yards and is operated by Kestrel Line, a company owned by the county."
    ans = check("Which company operates the ship?", "Kestrel Line [1]", article=article)
    assert not ans.abstained and ans.answer == "Kestrel Line [1]" and ans.error is None
    from rag.question import analyse, gives_kind
    q = analyse("Which company operates the ship?")
    assert not gives_kind(q, "Norrvik Yards", article)
    assert gives_kind(q, "It is run by the shipping company Kestrel Line.")


def test_a_short_answer_s_names_are_typed_in_their_quote():
    """Alone, the tagger calls "Bergen" an organisation and cannot type "Mosze Lifszyc"; in the quote they
    are a place and a person: the one answers "where", the other does not."""
    article = "Halvard Brenne (born Mosze Lifszyc; 3 May 1911 in Bergen, Norway) was a Norwegian painter."
    ans = check("Where was the painter Halvard Brenne born?", "Bergen [1]", article=article)
    assert not ans.abstained and ans.answer == "Bergen [1]", ans.error
    ans = check("Where was the painter Halvard Brenne born?", "Mosze Lifszyc [1]", article=article)
    assert "did not give the place asked for" in ans.error and "Mosze Lifszyc [1]" != ans.answer


def test_a_name_asked_for_is_not_a_date_or_an_ordinal():
    """"Whose design ...?" asks for a name: "the one shown in the third round" gives none."""
    article = ("The design chosen for the new bridge was drawn by the architect Ilse Marwede. "
               "It was shown in the third round of the contest.")
    ans = check("Whose design was chosen for the new bridge?",
                "The design chosen for the new bridge was the one shown in the third round [2].", article=article)
    assert "did not give the name asked for" in ans.error and "Ilse Marwede" in ans.answer, ans.error
    ans = check("Whose design was chosen for the new bridge?", "Ilse Marwede's design [1].", article=article)
    assert not ans.abstained and ans.error is None, ans.error


def test_quotes_that_miss_what_is_asked_give_way_to_ones_that_hold_it():
    """The sentence sharing most words ("The town ... opened a tidal power station") names no one; the
    one that says who built it does."""
    article = ("The town of Kelvinmouth opened a tidal power station on Monday, the first of its kind in the region. "
               "The station was built by the Norwegian firm Havkraft and cost 240 million euros.")
    ans = check("Who built the tidal power station in Kelvinmouth?", article=article)
    assert not ans.abstained and "Havkraft" in ans.answer


def test_according_to_is_answered_from_the_speaker():
    ans = check("According to the foreign minister, what would the treaty include?",
                "Analysts expect joint exercises [6].")
    assert "closer defense cooperation" in ans.answer and "did not quote the foreign minister" in ans.error


def test_names_as_written_declines_a_name_pieced_from_two_of_the_quote_s():
    """Every word of "Harlan Brothers Studios" is in the quote, as "Harlan Brothers" and "Meridian Film
    Studios": the answer names a company that released nothing there. The quote, which answers, is shown."""
    article = ("Night Harbour is a 1951 crime film produced by Harlan Brothers and released by Meridian Film "
               "Studios. It was shot in Lisbon.")
    q = "Which company released Night Harbour?"
    for reply in ["Harlan Brothers Studios [1]", "Night Harbour was released by Harlan Brothers Studios [1]."]:
        ans = check(q, reply, article=article)
        assert "names \u201c" not in (ans.error or "") and "its quotes name \"Harlan Brothers\" and \"Meridian Film " \
            "Studios\"" in ans.error
        assert "Harlan Brothers Studios" not in ans.answer and "released by Meridian Film Studios" in ans.answer
    # The name as the quote writes it, or a part of it, passes this step.
    for reply in ["Meridian Film Studios [1]", "Meridian released it [1].", "Harlan Brothers produced it [1]."]:
        assert "its quotes name" not in (check(q, reply, article=article).error or ""), reply


def test_pieced_names_need_two_names_sharing_no_word_one_taken_in_part():
    from rag.names import pieced
    quote = "The song was voiced by Pamela Hayden, and written by Matt Groening."
    assert pieced("Matt Hayden wrote the song.", [quote], [quote]) == [("Matt Hayden", ["Pamela Hayden", "Matt Groening"])]
    assert pieced("Matt Groening wrote the song.", [quote], [quote]) == []
    assert pieced("Groening wrote the song.", [quote], [quote]) == []
    # Two whole names joined are a compound; a word the quote lacks is word-level support's to judge.
    pair = "Ruritania and Elbonia signed a treaty in Vienna."
    assert pieced("The Ruritania-Elbonia treaty was signed in Vienna.", [pair], [pair]) == []
    assert pieced("Dave Groening wrote the song.", [quote], [quote]) == []
    # A name the question writes is the question's own (whether it holds is the premise checks' call).
    asked = "Did Matt Hayden write the song?"
    assert pieced("Matt Hayden did not write it.", [quote], [quote, asked]) == []


def test_premise_stated_wrong_date_place_and_person():
    # A date moved to another event, a place the articles never link to it, a person who did not say it.
    for q, missing in [("What did Russia supply to Iran in 2010?", "2010"),
                       ("When did the Isfahan plant become operational?", "Isfahan")]:
        ans = check(q)
        assert ans.abstained and missing in ans.error, (q, ans.error)
    assert check("What did Vladimir Putin say the treaty would include?").abstained
    # A person named in the sentence before "He said ..." is stated there.
    ans = check("What did Lavrov say the treaty would include?")
    assert not ans.abstained and "closer defense cooperation" in ans.answer


def test_premise_stated_with_a_model_checks_the_question_s_numbers_only():
    """With a model, the question's names are left to model_confirms (news rewords them), but a number or
    date the quotes do not give to the event asked about still declines: a model answer over a quote of
    another year is no answer."""
    rate = lambda passage, question=None: 0.95  # noqa: E731  the model would have let it through
    ans = check("What did Russia supply to Iran in 2010?", "Russia supplied Iran with air defence systems [1].",
                rate=rate)
    assert ans.abstained and "2010" in ans.error
    assert not check("What did Russia supply to Iran in 2021?", "Russia supplied Iran with air defence systems [1].",
                     rate=rate).abstained
    # A name the quote does not hold is model_confirms' to judge, not this step's.
    assert not check("What did Moscow supply to Iran in 2021?", "Russia supplied Iran with air defence systems [1].",
                     rate=rate).abstained


def test_premise_declined_shows_what_the_articles_do_say():
    ans = check("Why did the Bushehr plant only become operational in 2015?",
                "The Bushehr plant became operational in 2013 [3].")
    assert ans.abstained and ans.answer.startswith("The articles don't say that. What they say:")
    assert "2013 [3]" in ans.answer and "2015" in ans.error and ans.citations


def test_roles_agree_swapped_roles_and_reversed_direction():
    ans = check("Whom did Iran supply with air defence systems?")
    assert ans.abstained and "Iran is the doer of \u201csupply\u201d" in ans.error
    ans = check("How much did Iran export to Russia?", article="Russia exported grain to Iran worth $2 billion.")
    assert ans.abstained and "Iran is the doer of \u201cexport\u201d in one and the destination or recipient" in ans.error
    # The same relation, asked the right way round, is answered.
    assert not check("How much did Russia export to Iran?", article="Russia exported grain to Iran worth $2 billion.").abstained
    assert not check("Which country supplied Iran with air defence systems?").abstained


def test_a_company_named_after_its_founder_is_not_the_founder():
    """"Who founded Brightwell?" over "founded by Pierre Brightwell": the company (tagged an organisation) is
    not the person who shares its name, so no swapped roles; the same person by surname still is."""
    article = "Brightwell Appliances makes heaters. The company was founded in 1987 by Pierre Brightwell, an engineer."
    ans = check("Who founded Brightwell?", article=article)
    assert not ans.abstained and "Pierre Brightwell" in ans.answer, (ans.answer, ans.error)
    assert conflicts("Who hired Fournier?", "Camille Fournier hired the new director.")


def test_what_the_source_says_may_happen_did_not_happen():
    """"When did the commission approve the deal?" is not answered by "is expected to decide whether to
    approve the deal", nor "the delay cost the port two lines" by "could cost": the source leaves it open."""
    article = ("The commission is expected to decide by June whether to approve the deal. "
               "She warned that a long delay could cost the port two shipping lines.")
    ans = check("When did the commission approve the deal?", article=article)
    assert ans.abstained and "approve" in ans.error, (ans.answer, ans.error)
    assert conflicts("The delay cost the port two shipping lines.", article)
    assert not conflicts("What could a long delay cost the port?", article)
    assert not conflicts("When will the commission decide on the deal?", article)
    # A deed only threatened, planned or refused ("threatened to join") was not done; one managed was.
    threat = "Bus drivers had threatened to join the strike from 10 March but called off their action."
    ans = check("When did the bus drivers join the strike?", article=threat)
    assert ans.abstained and "join" in ans.error, (ans.answer, ans.error)
    assert not conflicts("When did the bus drivers join the strike?", threat.replace("threatened", "managed"))
    assert not conflicts("By how many votes did the members accept the offer?",
                         "Its members had voted 412 to 133 to accept an increase of 7.5 percent.")
    refused = "Mayor Jan Dvorak, who had refused to meet the union during the first week, said he was relieved."
    ans = check("Why did Mayor Jan Dvorak agree to meet the union in the first week?", article=refused)
    assert ans.abstained and "refused" in ans.error, (ans.answer, ans.error)
    assert not conflicts("Why did Mayor Jan Dvorak refuse to meet the union?", refused)


def test_a_deed_every_passage_does_to_another_by_name_was_not_done_to_the_question_s_one():
    """"Why was Rhys Tarrant suspended?" where the article says the governors suspended Owen Pell: the one acted
    on is another by name (as `done_by_others` reads the doer); not when a use has a pronoun object ("He was
    suspended"), nor for the one the article names."""
    from rag.relations import done_to_others
    article = ("Rhys Tarrant, the chairman, declined to comment. "
               "She confirmed that the governors had suspended Owen Pell, the head of science, on full pay.")
    assert [str(x) for x in done_to_others("Why was Rhys Tarrant suspended?", article)] == [
        "in the source Owen Pell is the one \u201csuspend\u201d was done to, not Rhys Tarrant"]
    assert not done_to_others("Why was Owen Pell suspended?", article)
    assert not done_to_others("Why was Rhys Tarrant suspended?", article + " He was suspended in May.")
    ans = check("Why was Rhys Tarrant suspended?", article=article)
    assert ans.abstained and "Owen Pell" in ans.error, (ans.answer, ans.error)
    # (the article gives no reason: reason_given, a later step, declines that; this step passes it)
    assert not check("Why was Owen Pell suspended?", article=article, skip=frozenset({"reason_given"})).abstained


def test_a_thing_described_by_another_deed_is_another_thing():
    """"a letter supporting the decision" is not "a letter demanding that the board reverse it": the claim's
    participle used nowhere in the source, the same noun described by another one there."""
    article = "About 40 families had signed a letter demanding that the board reverse its decision."
    assert conflicts("How many families signed a letter supporting the board's decision?", article)
    assert check("How many families signed a letter supporting the board's decision?", article=article).abstained
    assert not conflicts("How many families signed a letter demanding that the board reverse its decision?", article)
    assert not check("How many families signed a letter demanding that the board reverse its decision?",
                     article=article).abstained


def test_a_dateline_is_no_doer_and_a_misread_verb_is_cued():
    """"KELSO — Dunmore Air, the regional carrier, collapsed on Tuesday": the dateline is where the story was
    filed, not a second subject, so the deed is Dunmore Air's alone; and "Why did Pellham Airways collapse into
    administration?" is read with "collapse" a verb (the small tagger takes it for a noun after "Did ...")."""
    from rag.declarative import declarative
    from rag.relations import done_by_others
    from rag.roles import roles
    article = "KELSO — Dunmore Air, the regional carrier, collapsed into administration on Tuesday night."
    assert "kelso" not in {r.key for r in roles(article)}
    assert declarative("Why did Pellham Airways collapse into administration?") == \
        "Did Pellham Airways really collapse into administration?"
    assert [str(x) for x in done_by_others("Why did Pellham Airways collapse into administration?", article)] == [
        "in the source Dunmore Air is the one who did \u201ccollapse\u201d, not Pellham Airways"]
    assert not done_by_others("Why did Dunmore Air collapse into administration?", article)


def test_a_verb_with_a_particle_is_another_verb():
    """"call in" administrators is not "call for" a resignation: the union's secretary calling for something
    is no other doer of the board's calling in, though the sentence also names boards."""
    article = ("Its general secretary, Ivo Marsh, called for the chairman, Tom Redd, to resign from the boards of "
               "two other transport firms and threatened legal action over unpaid wages.")
    assert not conflicts("Which firm did Ostby's board call in as administrators?", article)


def test_a_thing_still_to_be_made_did_nothing_yet():
    """"What did the trust's first audit reveal?" over "expected to publish a first audit within six weeks": the
    audit is still to come; not when the source has it made ("The audit, published in May, found ...")."""
    article = "The trust said it would sell two depots, and expected to publish a first audit within six weeks."
    assert [str(x) for x in conflicts("What did the trust's first audit reveal?", article)] == [
        "in the source the trust's first audit is still to come (to \u201cpublish\u201d), so it did nothing yet"]
    assert check("What did the trust's first audit reveal?", article=article).abstained
    assert not conflicts("When will the trust publish its first audit?", article)
    assert not conflicts("What did the audit find?", "The audit, published in May, found 31 payments.")


def test_a_deed_asked_for_someone_was_not_done():
    """"called for the chair, Ivo Brandt, to resign" and "calls from tenants for her to resign": the deed is
    asked "for X to do", not done, however the parser hangs the infinitive (on the main verb or a noun)."""
    called = "Its leader, Rhona Vetch, called for the chair, Ivo Brandt, to resign from the two boards."
    ans = check("Why did Ivo Brandt resign from the two boards?", article=called)
    assert ans.abstained and "resign" in ans.error, (ans.answer, ans.error)
    assert not conflicts("Who called for Ivo Brandt to resign?", called)
    calls = "He rejected calls from tenants for Dr Lewin to resign."
    assert check("Why did Dr Lewin resign?", article=calls).abstained
    assert not conflicts("Why did Dr Lewin resign?", "Dr Lewin resigned in May after calls from tenants.")


def test_a_thing_someone_had_done_to_it_is_acted_on():
    """"How many pupils had their results annulled?" asks what was done to the results (the parser makes them
    the subject of "annulled"): answered by "The results of 90 pupils were annulled", not declined."""
    from rag.roles import roles
    article = "The GCSE biology results of 90 pupils at Orme School have been annulled after a leak."
    assert not conflicts("How many pupils had their GCSE biology results annulled?", article)
    assert [r.role for r in roles("The club had its licence revoked in May.") if r.predicate == "revoke"] == ["patient"]
    assert not check("How many pupils had their GCSE biology results annulled?", article=article).abstained


def test_a_verb_lemma_keeps_its_silent_e():
    """spaCy reads "fined" as "fin" and "hoped" as "hop" (both verbs in its index): a single consonant before
    "-ed" means a dropped "e", so "the regulator fined the club" is the deed of "fine" and roles can be read."""
    from rag.nlp import parse
    lemmas = {t.text: t.lemma_ for t in parse("They fined her. She hoped. He hopped. We visited. It was fining.")}
    assert (lemmas["fined"], lemmas["hoped"], lemmas["hopped"], lemmas["visited"], lemmas["fining"]) == (
        "fine", "hope", "hop", "visit", "fine")
    assert conflicts("How much did the club fine the league?", "The league said it had fined the club 8,000 euros.")


def test_a_reported_deed_is_the_reporter_s():
    """"Brightwell said it would recall 60,000 heaters, a week after its sale to Kestra stalled": "it" is
    Brightwell (the one reporting), so "How many heaters is Kestra recalling?" is not answered there. A
    dateline parsed as a second subject does not speak."""
    article = ("LYON — Brightwell Appliances said on Thursday it would recall about 60,000 heaters, a week "
               "after its planned sale to the Swedish group Kestra was put on hold.")
    ans = check("How many heaters is Kestra recalling?", article=article)
    assert ans.abstained and "Brightwell Appliances" in ans.error, (ans.answer, ans.error)
    assert not check("How many heaters is Brightwell recalling?", article=article).abstained


def test_another_of_the_same_kind_did_it():
    """"Why did the appeals court allow the dredging?" over "the district court, which had allowed the
    dredging": another court, told apart by its name, did it. "The harbour board" is "the Port Calloway
    Harbour Board"; a court not told apart may be either."""
    article = ("The panel overturned a ruling made in March by the district court, which had allowed the dredging "
               "to continue. The Port Calloway Harbour Board approved the plan on Monday.")
    ans = check("Why did the appeals court allow the dredging to continue?", article=article)
    assert ans.abstained and "district court" in ans.error, (ans.answer, ans.error)
    assert not conflicts("Why did the district court allow the dredging to continue?", article)
    assert not conflicts("Why did the court allow the dredging to continue?", article)
    assert not conflicts("When did the harbour board approve the plan?", article)
    assert conflicts("The city council approved the plan.", "The county council approved the plan on Monday.")


def test_roles_agree_doer_and_owner_swapped():
    article = "Acme Corp built the Zenda Republic's first steel mill in the river port of Ostra in 1990."
    ans = check("When did the Zenda Republic build Acme Corp's first steel mill?", article=article)
    assert ans.abstained and "doer of \u201cbuild\u201d in one and the owner of what is acted on" in ans.error
    assert not check("When did Acme Corp build the Zenda Republic's first steel mill?", article=article).abstained


def test_roles_agree_reversed_relation_of_a_noun():
    """"X is a tributary of Y" read the other way round: Y is the one it is said of in the question."""
    article = "The Ostra River is a tributary of the Velka River, about 90 km long. The Velka flows north."
    ans = check("The Velka River is a tributary of which river?", article=article)
    assert ans.abstained and "subject of \u201ctributary\u201d in one and the owner" in ans.error
    assert not check("The Ostra River is a tributary of which river?", article=article).abstained
    assert not check("Which river is a tributary of the Velka River?", article=article).abstained


def test_roles_agree_catches_an_answer_that_swaps_its_quote():
    ans = check("Which country got air defence systems in 2021?", "Iran supplied Russia with air defence systems [1].")
    assert "does not match its quotes" in (ans.error or "") or ans.abstained
    assert "Iran supplied Russia" not in ans.answer


def test_model_reads_claims_declines_a_sentence_its_quote_does_not_state():
    """Every word of "Trade between the two countries fell by 16 percent" but one is in its quote; the
    model, reading the sentence against the quote, says it is not stated: declined, with the quote.
    (not_the_opposite, off here, declines the question itself: "fall" where the quote says "rose".)"""
    q, reply = "By how much did trade between the two countries fall last year?", \
        "Trade between the two countries fell by 16 percent last year [7]."
    skip = frozenset({"not_the_opposite"})
    assert not check(q, reply, states=lambda claim, passage: 0.9, skip=skip).abstained
    ans = check(q, reply, states=lambda claim, passage: 0.1, skip=skip)
    assert ans.abstained and "is not what the passage says" in ans.error
    assert "rose by 16 percent" in ans.answer  # what the articles do say


def test_dates_agree_declines_a_date_the_quote_gives_to_another_event():
    """The quote says the plant was built and became operational in 2013; "built in 2013" takes the date
    from one event for the other. A paraphrase of the dated event ("started operating") is not compared."""
    article = "Russia built the first plant in the port of Bushehr, which became operational in 2013."
    q = "When did Russia build the Bushehr plant?"
    # (premise_stated, earlier, declines it too: the quote tells the building and dates only another event)
    assert 'date of "build"' in check(q, "The Bushehr plant was built in 2013 [1].", article=article).error
    ans = check(q, "The Bushehr plant was built in 2013 [1].", article=article, skip=frozenset({"premise_stated"}))
    assert ans.abstained and 'gives 2013 to "built"; its quote gives it to "became"' in ans.error
    assert "became operational in 2013" in ans.answer  # what the article does say, quoted
    ans = check("When did the Bushehr plant start operating?", "The Bushehr plant started operating in 2013 [1].",
                article=article)
    assert not ans.abstained, ans.error
    assert not check(q, "The Bushehr plant was built in 2013 [1].", article=article,
                     skip=frozenset({"dates_agree", "premise_stated"})).abstained  # what the steps are there to catch


def test_model_confirms_withholds_a_named_answer_the_model_does_not_read_as_answering():
    q, reply = "Who built the Bushehr plant?", "Russia built the Bushehr plant [3]."
    assert not check(q, reply, rate=lambda p, question=None: 0.9).abstained
    ans = check(q, reply, rate=lambda p, question=None: 0.2)
    assert ans.abstained and ans.error.startswith("withheld the answer")


def test_model_contrasts_reads_a_quote_that_points_back_with_its_name():
    """"..., it is now published by Dennis Publishing" alone names no magazine, so a neighbour question about
    Dennis Publishing reads as well as the one asked: the model is shown the name "it" stands for, as
    model_confirms is, and the answer stands."""
    article = ("Fortean Times is a British monthly magazine. Previously published by John Brown Publishing (from "
               "1991 to 2001), it is now published by Dennis Publishing Ltd.")
    passages = []

    def rate(passage, question=None):
        passages.append(passage)
        if "(Fortean Times)" in passage:
            return 0.8
        return 0.95 if question else 0.6  # alone, the quote reads as about Dennis Publishing
    ans = check("Who published Fortean Times before 2001?", "John Brown Publishing [2]", article=article, rate=rate)
    assert not ans.abstained and ans.answer == "John Brown Publishing [2]", ans.error
    assert passages and all("it (Fortean Times) is now published" in p for p in passages)


def test_model_contrasts_declines_quotes_that_answer_the_question_read_backwards():
    """The quote states the relation the other way round: the model rates the swapped question clearly
    higher than the question asked, so the answer is withheld, with the quote shown."""
    article = "Iran sent hundreds of Shahed drones to Russia in 2022, officials said."
    q, reply = "Which drones did Russia send to Iran?", "Russia sent Shahed drones to Iran [1]."
    asked = []

    def rate(passage, question=None):
        asked.append(question)
        return 0.95 if question and question.startswith("Which drones did Iran send to Russia") else 0.8
    ans = check(q, reply, article=article, rate=rate, skip=frozenset({"roles_agree"}))
    assert "Which drones did Iran send to Russia?" in asked
    assert ans.abstained and "rather than the question" in ans.error and "Shahed" in ans.answer
    # Rated near certain, the question cannot be beaten by the margin: its neighbours are not asked.
    asked.clear()
    ans = check(q, reply, article=article, skip=frozenset({"roles_agree"}),
                rate=lambda p, question=None: asked.append(question) or 0.98)
    assert not ans.abstained and set(asked) == {None}
    # A neighbour only a little ahead is noise, not a contrast: the answer stands.
    ans = check(q, reply, article=article, skip=frozenset({"roles_agree"}),
                rate=lambda p, question=None: 0.85 if question else 0.8)
    assert not ans.abstained


def test_a_terse_count_is_a_count_of_what_its_quote_names():
    """"4 against" answers "how many growers voted against?" when its quote says "38 growers in favour and 4
    against"; a number that counts something else still does not."""
    article = ("The vote passed with 38 growers in favour and 4 against, the chair said. "
               "One grower who farms 14 hectares voted against the plan.")
    q = "How many growers voted against the plan?"
    ans = check(q, "4 against [1].", article=article)
    assert not ans.abstained and ans.answer.startswith("4 against") and ans.error is None
    assert "did not give the number" in (check(q, "14 hectares [2].", article=article).error or "")


def test_a_skipped_step_is_not_run():
    q = "Whom did Iran supply with air defence systems?"
    assert check(q).abstained
    assert not check(q, skip=frozenset({"roles_agree"})).abstained


def test_a_rewritten_follow_up_takes_only_its_own_words_for_granted():
    q = analyse("Where was the 20-year treaty between Russia and Iran announced?")
    assert {t.surface for t in q.facts} == {"20", "Russia", "Iran"}
    assert q.only_facts_of("Where was it announced?").facts == ()
    assert [t.surface for t in q.only_facts_of("Where was the 20-year treaty announced?").facts] == ["20"]


def test_follow_ups_need_context_only_when_they_point_back():
    for q in ["When did it become operational?", "What would that treaty include?", "What is her name?",
              "And Armenia?", "What did he say about Moscow?", "What did Lavrov say about them?"]:
        assert analyse(q).needs_context, q
    # A clause's subject after a name is resolved in the question: handed to the rewriter, it came back as
    # itself and was glued to the previous question ("When did ...? Why did Maren Voss ...?").
    for q in ["Who is Fatemeh Mohajerani?", "When did the Bushehr plant become operational?",
              "Are there Russian troops in Iran?", "Why did Russia and its allies act?",
              "Why did Maren Voss call the deal not everything they asked for?", "When did Iran say it would respond?"]:
        assert not analyse(q).needs_context, q


def test_premise_stated_not_under_another_given_name():
    article = "The musical was conceived, directed and choreographed by Maurice Hines. It opened in 2006."
    ans = check("Which musical did Gregory Hines choreograph?", article=article)
    assert ans.abstained and "Gregory Hines" in ans.error, ans.error
    # The same person, named in full or by surname alone, is stated.
    assert not check("Which musical did Maurice Hines choreograph?", article=article).abstained
    assert not check("Which musical did Hines choreograph?", article=article).abstained
    # A shared given name is not the same person.
    ans = check("What did Sergei Shoigu say the treaty would include?",
                "The treaty would include closer defense cooperation [5].")
    assert ans.abstained and "Sergei Shoigu" in ans.error, ans.error


def test_premise_stated_reads_a_pointing_back_subject_with_its_referent():
    """"The harbour master proposed ..." after "Pavel Orr is the harbour master ..." states what Pavel Orr
    did: the quote is read with the name its subject stands for, as the model steps read it."""
    article = "Pavel Orr is the harbour master of Saltby. The harbour master proposed the ferry link in 2021."
    assert not check("When did Pavel Orr propose the ferry link?", article=article).abstained
    ans = check("When did Ingrid Haldor propose the ferry link?", article=article)
    assert ans.abstained and "Ingrid Haldor" in ans.error, ans.error


def test_premise_stated_a_person_the_question_leaves_untyped():
    """Alone in "Why did Vartanian call ...?" the tagger types no person; in the passages "Finance Minister
    Arsen Vartanian" is one, so the quote must name him, not the mayor who said it."""
    article = ("Finance Minister Arsen Vartanian spoke in Oslo on Monday. "
               "Mayor Ingrid Solberg called the plan a turning point for the harbour.")
    assert analyse("Why did Vartanian call the plan a turning point?").people == ()
    ans = check("Why did Vartanian call the plan a turning point?", article=article)  # extractive: no model
    assert ans.abstained and "Vartanian" in ans.error, ans.error
    ans = check("Why did Solberg call the plan a turning point?", article=article, skip=frozenset({"reason_given"}))
    assert not ans.abstained and "Ingrid Solberg" in ans.answer, ans.error  # (no reason given: a later step's)
    # With a model too (which checks the question's other names itself): the model's reading cannot stand in.
    reply, yes = "The plan was called a turning point for the harbour [2].", lambda *a, **k: 0.9
    ans = check("Why did Vartanian call the plan a turning point?", reply, rate=yes, states=yes, article=article)
    assert ans.abstained and "Vartanian" in ans.error, ans.error
    assert not check("Why did Solberg call the plan a turning point?", reply, rate=yes, states=yes,
                     article=article, skip=frozenset({"reason_given"})).abstained


def test_premise_stated_date_of_another_event():
    article = ("Superheaven, formerly known as Daylight, is a rock band formed in 2008. "
               "Oceansize were a rock band formed in 1998. The band Daylight was renamed Superheaven in 2015.")
    ans = check("What was the band Daylight renamed in 1998?", "Oceansize were a rock band formed in 1998 [2].",
                article=article)
    assert ans.abstained and "1998 (the quote gives it to something else)" in ans.error, ans.error
    ans = check("What was the band Daylight renamed in 2015?", "Daylight was renamed Superheaven in 2015 [3].",
                article=article, skip=frozenset({"gives_what_was_asked", "roles_agree"}))  # this step alone
    assert not ans.abstained, ans.error
    # A light verb dates nothing in particular: the year in the quote is enough.
    ans = check("What happened to the band Oceansize in 1998?", "Oceansize was formed in 1998 [2].", article=article)
    assert not ans.abstained, ans.error


def test_premise_stated_year_on_another_thing():
    """The quote hangs the question's year on another noun and gives the one asked about its own year."""
    article = ("Starfall is a 2000 American science fiction film based on Mara Quist's 1982 novel of the same name. "
               "Harbour Lights is a 1982 drama film set in Oslo.")
    ans = check("Which 1982 film was based on Mara Quist's novel?", "Starfall is a 2000 film [1].", article=article)
    assert ans.abstained and "1982" in ans.error, ans.error
    ans = check("Which 1982 film was set in Oslo?", "Harbour Lights is a 1982 drama film set in Oslo [2].",
                article=article)
    assert not ans.abstained, ans.error
    # A year the quote puts on the noun asked about, with no year of its own there, is not another one.
    ans = check("Which 2000 film was based on Mara Quist's novel?", "Starfall [1].", article=article)
    assert not ans.abstained, ans.error


def test_premise_stated_a_year_that_is_part_of_the_event_s_name():
    """"Where were the 2014 Harbour Games held?" is answered by a quote naming the 2014 Harbour Games that
    says "took place": the year belongs to the name, whatever the verb; not by the 2018 games."""
    article = ("The 2014 Harbour Games, the fifth of the series, took place in Brindle, Norway. "
               "The 2018 Harbour Games were hosted by Ostrava.")
    ans = check("Where were the 2014 Harbour Games held?", "Brindle, Norway [1].", article=article)
    assert not ans.abstained, ans.error
    ans = check("Where were the 2016 Harbour Games held?", "Ostrava [2].", article=article)
    assert ans.abstained and "2016" in ans.error, ans.error
    # Another event that shares the year and one word of the name is not the one asked about.
    ans = check("Where were the 2014 Harbour Regatta held?", "Brindle, Norway [1].", article=article,
                skip=frozenset({"gives_what_was_asked"}))
    assert ans.abstained, ans.error


def test_a_day_of_the_month_is_no_length_of_time():
    """"How long did the bus strike last?" is not answered by "threatened to strike from 10 March"; a length,
    or a year it has lasted since, is."""
    from rag.question import gives_number
    q = analyse("How long did the bus strike last?")
    assert not gives_number(q, "Bus drivers had threatened to strike from 10 March but called it off.")
    assert gives_number(q, "The strike lasted nine days.") and gives_number(q, "The strike has gone on since 2019.")


def test_a_date_without_digits_answers_when():
    """News dates recent events by month, weekday or "next year": such a passage answers "when" (it was
    passed over as holding no date, and the question declined). A month name must be capitalised: "may"
    is a verb."""
    from rag.answer import _lacks_asked_number
    q = analyse("When is the environmental review expected to be finished?")
    review = "The environmental review is now expected to be finished in October."
    assert [m.group() for m in q.quantities().finditer(review + " It may end on Friday or next year.")] == \
        ["October", "Friday", "next year"]
    assert not _lacks_asked_number(q, [Source(1, "d", "t", "s", 0, len(review), review, 1.0)])
    assert _lacks_asked_number(q, [Source(1, "d", "t", "s", 0, 27, "The review may be finished.", 1.0)])
    assert not analyse("How much did the review cost?").quantities().search(review)
    ans = check("When is the environmental review expected to be finished?", article=review)
    assert not ans.abstained and "October" in ans.answer


def test_a_small_number_spelled_out_counts_the_thing_asked():
    """News spells out numbers under ten: "seven days" answers "how many days"; a spelled-out number that
    counts something else does not, and "the two countries" is no answer to a question about years."""
    q = analyse("How many days a week does the library open now?")
    assert [m.group() for m in q.quantities().finditer("It opens seven days a week, one day more.")] == \
        ["seven days", "one day"]
    assert not q.quantities().search("The two countries signed.")
    assert q.counted_words() == ["days", "a", "week", "does"]  # the words after "how many", at most four
    assert analyse("How much money did it cost?").counted_words() == ["money", "did", "it", "cost"]
    assert not analyse("How much did it cost?").quantities().search("seven days")  # "how much" counts no noun
    article = "The library now opens seven days a week, one day more than before the flood."
    ans = check("How many days a week does the library open now?", article=article)
    assert not ans.abstained and "seven days" in ans.answer
    assert check("How many books did the flood destroy?", article=article).abstained


def test_facts_from_one_quote_declines_a_subject_joined_to_another_quotes_number():
    """Every word is in one of the two quotes, but no quote says the operator pays 15 million."""
    article = ("Brenna Marine built a similar ferry for the town of Sundvik in 2024. "
               "The ferries will carry 240 passengers each. "
               "The contract is worth 38 million euros, of which the national transport fund will pay 15 million.")
    q = "How much will the Sundvik operator pay for the ferries?"
    ans = check(q, "The Sundvik operator will pay 15 million euros for the ferries [1][3].", article=article)
    assert ans.abstained  # premise_stated sees it first: the number comes from a quote without Sundvik
    ans = check(q, "The Sundvik operator will pay 15 million euros for the ferries [1][3].", article=article,
                skip=frozenset({"premise_stated"}))
    assert ans.abstained and "no one quote" in ans.error
    assert not check(q, "The Sundvik operator will pay 15 million euros for the ferries [1][3].", article=article,
                     skip=frozenset({"facts_from_one_quote", "premise_stated"})).abstained  # what the steps catch
    # "The film is based on ..." names its subject in the sentence before: that counts as naming it.
    film = "The Football Factory is a 2004 British film. The film is based on the novel by John King."
    assert not check("Whose novel is The Football Factory based on?",
                     "The Football Factory is based on the novel by John King [1][2].", article=film).abstained
    # A sentence whose facts each come with the subject named in their quote passes.
    ok = check("What did Brenna Marine build, and when?",
               "Brenna Marine built a similar ferry for Sundvik in 2024 [1].", article=article)
    assert not ok.abstained


def test_facts_from_one_quote_declines_a_subject_joined_to_another_quotes_deed():
    """Found in the UI trial: "Ruth Adeyemi praised the players for their loyalty [1][2]" over "He (the
    conductor named before) ... praised the players" and "Ruth Adeyemi will lead the new orchestra" was shown
    verified: no name or number joined wrongly, but what the subject did comes from the other quote."""
    article = ("Conductor Tomas Verhoeven will step down in June. He said the decision was painful and praised "
               "the players for their loyalty. The principal conductor, Ruth Adeyemi, will lead the new orchestra.")
    q = "What did Ruth Adeyemi praise the players for?"
    reply = "Ruth Adeyemi praised the players for their loyalty [2][3]."
    assert check(q, reply, article=article).abstained  # roles_agree sees "He" is someone else first
    ans = check(q, reply, article=article, skip=frozenset({"roles_agree"}))
    assert ans.abstained and 'no one quote names both "Ruth Adeyemi" and "praised"' in ans.error
    ans = check("What did Tomas Verhoeven praise the players for?",
                "Tomas Verhoeven praised the players for their loyalty [1][2].", article=article)
    assert not ans.abstained, ans.error  # "He" leans back on the sentence naming him


def test_facts_from_one_quote_knows_a_person_by_surname_after_the_first_mention():
    article = ("Lieutenant Norman Dike commanded Easy Company in 1944. "
               "Dike was portrayed in the miniseries Band of Brothers by Peter O'Meara.")
    assert not check("Who portrayed Norman Dike in Band of Brothers?",
                     "Peter O'Meara portrayed Norman Dike in Band of Brothers [1][2].", article=article).abstained


def test_roles_agree_declines_a_title_given_to_the_other_country_of_the_question():
    article = ("Russian Foreign Minister Sergei Lavrov said on Thursday that Russia and Iran intend to sign a "
               "comprehensive treaty. French Foreign Minister Jean Dupont said the talks with Germany would go on.")
    ans = check("What did Iran's foreign minister say on Thursday about the treaty with Russia?", article=article)
    assert ans.abstained and "is Russian, not Iran's" in ans.error
    # "French" is France's, though not spelled alike: a country the question does not name proves nothing.
    assert not conflicts("What did France's foreign minister say about the talks with Germany?", article)


def test_roles_agree_declines_an_event_put_at_another_time():
    """The same verb in the future in the question or answer and only in the past in the quote (or the other
    way round) is another event: every word is there, the relation in time is not."""
    article = ("Brenna Marine built the first ferry for the town of Sundvik in 2024. "
               "Work on the charging station is expected to begin in March.")
    ans = check("Which shipyard will build the ferries?", "Brenna Marine will build the ferries [1].", article=article)
    assert ans.abstained and "in the future in one and in the past in the source" in ans.error
    assert conflicts("Brenna Marine built the ferries.", "Brenna Marine will build both ferries.")
    # The same time, or a time the source does not fix ("is expected to begin"), is no conflict.
    assert not conflicts("Who built the first ferry for Sundvik?", article)
    assert not conflicts("When did work on the charging station begin?", article)
    assert not conflicts("The plant has been built by Russia.", "Russia built the plant.")


def test_roles_agree_declines_a_quote_about_another_one_of_the_same_kind():
    """"a similar ferry" is not "the ferries" the question means, though every word matches."""
    article = "Brenna Marine built a similar ferry for the town of Sundvik in 2024."
    ans = check("Which shipyard built the ferries?", "Brenna Marine built the ferries [1].", article=article)
    assert ans.abstained and "about a similar one, not the claim's ferries" in ans.error
    # An indefinite claim ("a ferry") or a source naming the same one is no conflict.
    assert not conflicts("Did Brenna Marine build a ferry?", article)
    assert not conflicts("Who built the ferry for Sundvik?", "Brenna Marine built the ferry for Sundvik.")
    assert not conflicts("Who signed the treaty?", "Russia signed the treaty and another one with Iran.")


def test_a_fraction_in_words_is_an_amount():
    """"by a third" answers "by how much"; "the third season" is no amount."""
    q = analyse("By how much will the new filtration plant cut chlorine use?")
    assert [m.group() for m in q.quantities().finditer("It cuts chlorine by a third; two-thirds stay.")] == \
        ["a third", "two-thirds"]
    assert not q.quantities().search("It was the third season.")
    article = ("The board had set aside 12 million pounds for the work, which includes a new filtration plant. "
               "The new filtration plant is expected to cut the use of chlorine by a third.")
    ans = check("By how much will the new filtration plant cut chlorine use?", article=article)
    assert not ans.abstained and "by a third" in ans.answer


def test_roles_agree_reads_a_comparative_as_another_one():
    """"a smaller reservoir at Fenwick Mere" is not "the Kestrel Hill reservoir" the question asks about."""
    article = ("Carrow & Lint upgraded a smaller reservoir at Fenwick Mere in 2022. "
               "The water board postponed the upgrade of the Kestrel Hill reservoir by a year.")
    ans = check("When did Carrow & Lint upgrade the Kestrel Hill reservoir?", article=article)
    assert ans.abstained and "about another one, not the claim's Kestrel Hill reservoir" in ans.error
    assert not conflicts("Who built the plant?", "Russia built the larger plant.")  # "the": the same one
    # A comparative against a claim naming nothing of its own may be the very one the claim means.
    assert not conflicts("When was the study for the Tidewater Triptych sold?",
                         "A smaller study for it was sold at auction in 2019.")


def test_roles_agree_declines_a_doer_the_source_names_for_something_else():
    """The question's doer is in the source, but the source gives the verb to another name of the same kind:
    "created by Matt Groening", "voiced by Pamela Hayden"."""
    article = ("Milo Pratt is a cartoon character in the series Harbour Days, voiced by Pamela Hayden, and "
               "created by Matt Groening in 1989.")
    ans = check("Which cartoon character did Pamela Hayden create?", article=article)
    assert ans.abstained and "Matt Groening is the one who did \u201ccreate\u201d, not Pamela Hayden" in ans.error
    assert conflicts("Iran views Israeli enrichment as a threat.",
                     "Iran asserts its right to energy, while Israel views any Iranian enrichment as a threat.")
    # Every one of a list of doers is one; a doer the source never names, or a name of another kind, is left
    # to other steps.
    assert not conflicts("Ralph Salter wrote the song.", "The song was written by Bill Withers, Tom Reed and Ralph Salter.")
    assert not conflicts("Which character did Ada Vance create?", article)


def test_roles_agree_a_relative_clause_is_the_deed_of_the_noun_it_follows():
    """"Greyfield Seeds, which will sell the barley ...; the institute will keep the patent": the model
    answered "Which company will keep the patent?" with "Greyfield Seeds", and it was shown verified (found in
    a user trial). The relative clause makes selling Greyfield Seeds' deed, so the institute is another doer."""
    article = ("Vos now leads a seed company, Greyfield Seeds, which will sell the barley to large farms; the "
               "institute will keep the patent.")
    yes = lambda *a, **k: 0.95
    ans = check("Which company will keep the patent?", "Greyfield Seeds [1]", rate=yes, states=yes, article=article)
    assert "the institute is the one who did \u201ckeep\u201d, not Greyfield Seeds" in ans.error
    assert ans.answer != "Greyfield Seeds [1]"
    ans = check("Which company will sell the barley?", "Greyfield Seeds [1]", rate=yes, states=yes, article=article)
    assert not ans.abstained and ans.answer == "Greyfield Seeds [1]"


def test_a_relative_clause_without_that_is_no_passive():
    """"How big is the grant the institute won?" is not "the grant the institute is won": read so, the
    institute was what was won, and a right answer was declined (found in a user trial)."""
    from rag.declarative import declarative
    assert declarative("How big is the grant the Tolland Institute won?") == \
        "How big is the grant the Tolland Institute won?"
    assert declarative("When was the band The Night Ferries formed?") == "the band The Night Ferries was formed."
    article = "The Tolland Institute has won a 12 million pound grant from the Northern Crops Council to breed barley."
    assert not check("How big is the grant the Tolland Institute won?", article=article).abstained
    ans = check("How big is the grant the Northern Crops Council won?", article=article)
    assert ans.abstained and "Tolland Institute is the one who did \u201cwin\u201d" in ans.error


def test_roles_agree_takes_an_organisation_the_question_names_for_a_doer():
    """"When did the county council propose the project?" over "proposed by harbour master Pavel Orr ... and
    approved by the county council": the council approved, he proposed (found in a user trial, where the
    quote was given as the answer). An organisation known to the reader ("the council") is a doer like a
    name; a person described by a job ("the producer") is not: a claim may call someone named elsewhere so."""
    article = ("The project was proposed by harbour master Pavel Orr in 2021 and approved by the county "
               "council in 2023.")
    ans = check("When did the county council propose the project?", article=article)
    assert ans.abstained and "Pavel Orr is the one who did \u201cpropose\u201d, not county council" in ans.error
    assert not conflicts("When did the county council approve the project?", article)
    assert not conflicts("When did the harbour master propose the project?", article)
    assert not conflicts("The producer of the record proposed the project.", article)
    assert not conflicts("Rosatom built the plant at Bushehr.", "Russia built the plant at Bushehr for Rosatom.")


def test_a_bare_name_is_checked_as_the_claim_it_makes():
    """"Priya Nandakumar [1]" answering "Who approved the merger?" claims she approved it; the quote has her
    propose it and the board approve it. Found trying the UI: the bare name was shown as verified (the model,
    asked whether the quote states "Priya Nandakumar approved the merger.", said yes: 0.90)."""
    from rag.declarative import answered
    article = ("The merger was proposed by the Sinfonia's chief executive, Priya Nandakumar, and approved by "
               "the Philharmonic's board in a vote of nine to three.")
    assert answered("Who approved the merger?", "Priya Nandakumar") == "Priya Nandakumar approved the merger."
    assert answered("Which board approved the merger?", "The Philharmonic's board") == \
        "The Philharmonic's board approved the merger."
    assert answered("What did Ruth Adeyemi propose?", "the merger") is None  # not about the doer
    assert answered("Who approved the merger?", "The board approved it") is None  # a sentence claims itself
    read = []
    ans = check("Who approved the merger?", "Priya Nandakumar [1]", article=article,
                rate=lambda p, q=None: 0.95, states=lambda c, p: read.append(c) or 0.95)
    assert "the Philharmonic's board is the one who did \u201capprove\u201d, not Priya Nandakumar" in ans.error
    assert "Priya Nandakumar [1]" != ans.answer  # the quote is shown instead
    ans = check("Who proposed the merger?", "Priya Nandakumar [1]", article=article,
                rate=lambda p, q=None: 0.95, states=lambda c, p: read.append(c) or 0.95)
    assert not ans.abstained and ans.answer == "Priya Nandakumar [1]"
    assert "Priya Nandakumar proposed the merger." in read
    # An unnamed plural may include the claim's doer: "as the sanctioned leaders held a meeting".
    assert not conflicts("Putin and Pezeshkian held a meeting.", "Putin said he shares a close worldview with "
                         "Pezeshkian, as the sanctioned leaders held a meeting.")


def test_a_passive_question_is_read_as_a_passive():
    """Asked as it is, "When was the band The Wolfhounds formed?" parses "formed" as a clause of "band" with
    "The Wolfhounds" as its doer: read as "the band The Wolfhounds was formed", it is what was formed."""
    from rag.declarative import declarative
    assert declarative("Where and when was the band The Wolfhounds formed?") == "the band The Wolfhounds was formed."
    article = "The Wolfhounds are a pop band formed in Romford in 1985 by Dave Callahan and Paul Clark."
    assert not check("Where and when was the band The Wolfhounds formed?", article=article).abstained
    # No participle first, or one inside a relative clause: no passive to read.
    for q in ("Which US president was weighing involvement when Putin issued his warning?",
              "What was the event that Afghanistan competed in officially known as?", "How many people were killed?"):
        assert declarative(q) == q


def test_a_tally_is_no_movement():
    """"in a vote of 7 to 4": 4 is neither the destination of the vote nor anyone's."""
    assert not conflicts("The council voted 7 to 4 on the entry charge.",
                         "Adults will pay 6 pounds from March, a change the council approved in a vote of 7 to 4.")


def test_roles_agree_declines_a_person_under_another_title():
    """"Senator Ada Vance" is not the source's "Councillor Ada Vance", whose only senator is someone else."""
    article = "The harbour plan came from Senator Tom Ruiz and Councillor Ada Vance in 2021."
    # (gives_what_was_asked would decline first: "The harbour plan" does not say which one)
    ans = check("Which harbour plan did Senator Ada Vance propose?", "The harbour plan [1].", article=article,
                skip={"gives_what_was_asked"})
    assert ans.abstained and "the source calls Ada Vance \u201cCouncillor\u201d, not \u201cSenator\u201d" in ans.error
    # The same title, its short form, a form of address, or no title on either side is no conflict.
    assert not conflicts("What did Councillor Ada Vance propose?", article)
    assert not conflicts("What did Sen. Tom Ruiz propose?", article)
    assert not conflicts("What did Ms Vance propose?", article)
    assert not conflicts("What did Ada Vance propose?", article)
    assert not conflicts("What did President Putin say?", "Russian President Vladimir Putin said it was ready.")
    assert not conflicts("What did Senator Ada Vance say?", "Ada Vance said it was ready.")
    # A middle name is no title; without the claim's title given to someone else, nothing is concluded.
    assert not conflicts("Which team did coach Ada Vance lead?", "Ada Maria Vance led the team with Tom Ruiz.")


def test_roles_agree_reads_whom_the_quote_points_back_to():
    """"The poem survives in ..." is about the poem the sentence before names, not the one asked about."""
    article = ("Halvard's Lay is an old Norse poem of 96 lines. The poem was found in the Skarvik Codex. "
               "Mara Quist chairs the board. She said the vote would be held in March 2027.")
    alone = frozenset({"premise_stated"})  # which, without a model, finds no "Saga of Orm" in the article
    ans = check("Where was the Saga of Orm found?", "In the Skarvik Codex [2].", article=article, skip=alone)
    assert ans.abstained and "\u201cThe poem\u201d is Halvard's Lay (named in the sentence before), not the Saga of Orm" \
        in ans.error, ans.error
    ans = check("When did Tom Ruiz say the vote would be held?", "In March 2027 [4].", article=article, skip=alone)
    assert ans.abstained and "\u201cShe\u201d is Mara Quist" in ans.error, ans.error
    # The one the quote points back to, or a question naming no one else, is answered.
    assert not check("Where was Halvard's Lay found?", "In the Skarvik Codex [2].", article=article).abstained
    assert not check("When did Mara Quist say the vote would be held?", "In March 2027 [4].", article=article).abstained
    assert not check("Where was the poem found?", "In the Skarvik Codex [2].", article=article).abstained
    # What "she" did besides saying counts too (found in the UI trial, extractive mode, where the quote was
    # shown beside one naming the person asked about).
    more = article.replace("would be held in March 2027.", "was painful and praised the members for their work.")
    ans = check("What did Tom Ruiz praise the members for?", article=more, skip=alone)
    assert ans.abstained and "\u201cShe\u201d is Mara Quist" in ans.error, ans.error
    assert not check("What did Mara Quist praise the members for?", article=more).abstained


def test_roles_agree_reads_which_name_is_the_former_one():
    """"X (formerly Y)": a question taking Y for the name now, or X for the old one, is not answered."""
    article = "Harbour Lines (formerly the Port Ellis Ferry Company) runs four boats. Its chair is Ada Vance."
    ans = check("What was the Port Ellis Ferry Company formerly called?", "Harbour Lines [1].", article=article)
    assert ans.abstained and "gives the Port Ellis Ferry Company as the former name, not the current one" in ans.error
    ans = check("What is Harbour Lines now called?", "Harbour Lines [1].", article=article)
    assert ans.abstained and "gives Harbour Lines as the current name, not the former one" in ans.error
    assert not conflicts("What was Harbour Lines formerly called?", article)
    assert not conflicts("What was Harbour Lines called before?", article)
    assert not conflicts("What is the Port Ellis Ferry Company now called?", article)
    assert not conflicts("Who chairs Harbour Lines?", article)


def test_the_model_reads_a_quote_that_points_back_with_the_name_it_stands_for():
    """The model sees each quote alone: "The work was restored in Glasgow" reaches it as "The work (The
    Tidewater Triptych) was restored in Glasgow"; the quote shown stays the article's own words."""
    article = "The Tidewater Triptych is a set of three paintings. The work was restored in Glasgow last year."
    read: list[str] = []
    ans = check("Where was the Tidewater Triptych restored?", "It was restored in Glasgow [2].",
                rate=lambda p, q=None: read.append(p) or 0.95, states=lambda c, p: read.append(p) or 0.95,
                article=article)
    assert not ans.abstained, ans.error
    assert "The work (The Tidewater Triptych) was restored in Glasgow last year." in read
    assert [c.quote for c in ans.citations] == ["The work was restored in Glasgow last year."]
    # "This <noun>" sums up the sentence before rather than naming its subject, unless it calls it so.
    from rag.referents import with_referent
    quote = "This military cooperation has intensified since then."
    assert with_referent(quote, "Russia supplied Iran with air defence systems in 2016.") == quote
    assert with_referent("This poem survives only in one manuscript.", "Widsith is an Old English poem.") == \
        "This poem (Widsith) survives only in one manuscript."


def test_not_the_opposite_declines_a_quote_that_states_the_opposite_of_the_question_s_word():
    article = ("Brookvale College is a private research university in Elm Ridge. "
               "The 1917 revolution ended the foreign garrison's presence in the town. "
               "Elm Ridge has the smallest population of the county's towns.")
    for question, asked, said in [("Which public research university is in Elm Ridge?", "public", "private"),
                                  ("What foreign presence in the town began with the 1917 revolution?", "began",
                                   "ended"),
                                  ("Which of the county's towns has the largest population?", "largest", "smallest")]:
        ans = check(question, article=article)
        assert ans.abstained and f'the quotes say "{said}" where the question says "{asked}"' in ans.error, ans.error
        assert ans.citations  # the quote that says otherwise is shown
    # Asked the right way round, answered; with a model, the same quotes through the same step.
    assert not check("Which private research university is in Elm Ridge?", article=article).abstained
    ans = check("Which public research university is in Elm Ridge?", "Brookvale College [1].", article=article,
                rate=lambda p, q=None: 0.95, states=lambda c, p: 0.95)
    assert ans.abstained and '"private" where the question says "public"' in ans.error


def test_opposed_needs_the_word_absent_the_opposite_present_in_the_same_part_of_speech():
    from rag.opposites import opposed
    quote = "Brookvale College, public once, is now a private research university."
    assert opposed("Which public university is in Elm Ridge?", quote) == []  # the quote has the word too
    assert opposed("Is Brookvale College public or private?", "Brookvale College is private.") == []  # asks which
    assert opposed("How old is the heroine?", "The young heroine is sixteen.") == []  # a scale to measure
    # "began" is a verb, "the end" a noun: no event said to have ended.
    assert opposed("What began in 1917?", "At the end of 1917 the garrison left.") == []
    assert opposed("What began in 1917?", "The garrison's stay ended in 1917.") == [("began", "ended")]
    # Opposites said of different things do not contradict: "the old harbour" and "new residents".
    assert opposed("Why did footfall in the old harbour drop?",
                   "Footfall dropped as new residents shop elsewhere.") == []
    assert opposed("Which public research university is in Elm Ridge?",
                   "Brookvale is a private research university.") == [("public", "private")]  # via the compound
    # A direction is an adverb, an adjective or a noun as the tagger reads its place; WordNet pairs adjectives.
    assert opposed("How far east of the town of Kell is the lighthouse?",
                   "The lighthouse stands on a spit, 3 mi west of the town of Kell.") == [("east", "west")]
    # A verb the quote states of other things, and its opposite of the question's: two deeds.
    markets = "Brightwell's shares fell 6 percent in Paris, while Kestra's shares rose 2 percent in Stockholm."
    assert opposed("Why did Kestra's shares fall?", markets) == [("fall", "rose")]
    assert opposed("Why did Kestra's shares fall in Stockholm?", markets) == [("fall", "rose")]
    assert opposed("Why did Brightwell's shares fall?", markets) == []
    # Still not a verb against a noun ("began" / "the end" above).


def test_wordnet_pairs_reads_antonym_pointers_and_sense_ranks(tmp_path):
    """The builder of rag/data/opposites.tsv on a hand-made slice of WordNet's database format."""
    from rag.opposites import wordnet_pairs
    for pos in ["adj", "verb", "adv", "noun"]:
        (tmp_path / f"index.{pos}").write_text("  1 This software and database ...\n")
        (tmp_path / f"data.{pos}").write_text("  1 This software and database ...\n")
    (tmp_path / "index.verb").write_text("raise v 2 1 ! 2 0 00000300 00000100\nlower v 1 1 ! 1 0 00000200\n"
                                         "level v 1 1 ! 1 0 00000400\n")
    (tmp_path / "data.verb").write_text(
        "00000100 30 v 02 raise 0 lift 0 001 ! 00000200 v 0101 | move upwards\n"
        "00000200 30 v 01 lower 0 001 ! 00000100 v 0101 | move down\n"
        "00000300 30 v 01 raise 0 002 ! 00000400 v 0101 ! 00000999 v 0000 | raze\n"
        "00000400 30 v 01 level 0 001 ! 00000300 v 0101 | raze\n")
    assert wordnet_pairs(tmp_path) == [("v", "level", "raise", 0, 0), ("v", "lower", "raise", 0, 1)]


def test_wordnet_agents_reads_hypernyms_of_the_first_two_senses(tmp_path):
    """The builder of rag/data/agents.txt on a hand-made slice of WordNet: a noun is an agent when its first
    or second sense is under person or social group; a third sense does not count."""
    from rag.agents import wordnet_agents
    (tmp_path / "index.noun").write_text(
        "  1 This software and database ...\n"
        "person n 1 0 1 0 00000001\nsocial_group n 1 0 1 0 00000002\norganization n 1 0 1 0 00000003\n"
        "union n 2 0 2 0 00000010 00000011\nregulator n 2 0 2 0 00000020 00000021\n"
        "plant n 3 0 3 0 00000030 00000031 00000032\nice_cream n 1 0 1 0 00000040\n")
    (tmp_path / "data.noun").write_text(
        "  1 This software and database ...\n"
        "00000001 03 n 01 person 0 000 | a human\n00000002 03 n 01 social_group 0 000 | people together\n"
        "00000003 03 n 01 organization 0 001 @ 00000002 n 0000 | a group with a purpose\n"
        "00000010 03 n 01 union 0 001 @ 00000003 n 0000 | workers' organisation\n"
        "00000011 03 n 01 union 0 000 | a joining\n"
        "00000020 03 n 01 regulator 0 000 | a device\n"
        "00000021 03 n 01 regulator 0 001 @ 00000001 n 0000 | an official\n"
        "00000030 03 n 01 plant 0 000 | a factory\n00000031 03 n 01 plant 0 000 | a living thing\n"
        "00000032 03 n 01 plant 0 001 @ 00000001 n 0000 | a planted spy\n"
        "00000040 03 n 01 ice_cream 0 001 @ 00000001 n 0000 | no: two words\n")
    assert wordnet_agents(tmp_path) == ["organization", "person", "regulator", "union"]


def test_a_doer_noun_wordnet_lacks_is_made_from_its_verb(tmp_path):
    """ "kayaker": one who kayaks, though WordNet lists no such noun; an "-er" noun WordNet lists as a thing
    ("heater") or one made from no verb is not; and the builder of the things' list on a hand-made slice."""
    from rag.agents import is_agent, wordnet_er_things
    assert is_agent("kayaker") and is_agent("walker")
    assert not is_agent("heater") and not is_agent("zorkler") and not is_agent("water")
    (tmp_path / "index.noun").write_text(
        "  1 This software and database ...\nperson n 1 0 1 0 00000001\nheater n 1 0 1 0 00000002\n"
        "baker n 1 0 1 0 00000003\nsocial_group n 1 0 1 0 00000004\n")
    (tmp_path / "data.noun").write_text(
        "  1 This software and database ...\n00000001 03 n 01 person 0 000 | a human\n"
        "00000004 03 n 01 social_group 0 000 | people together\n"
        "00000002 03 n 01 heater 0 000 | a device\n00000003 03 n 01 baker 0 001 @ 00000001 n 0000 | one who bakes\n")
    assert wordnet_er_things(tmp_path) == ["heater"]


def test_who_is_answered_by_a_group_without_a_name():
    """"Who criticised the merger?" -> "The musicians' union criticised it ..." (found in the UI trial:
    declined as giving no person); a thing, or a word the question already has, is still no answer."""
    from rag.question import gives_kind
    q = analyse("Who criticised the merger?")
    assert gives_kind(q, "The musicians' union") and gives_kind(q, "Residents of the town")
    assert not gives_kind(q, "The merger") and not gives_kind(q, "It would cost 23 jobs")
    article = "The musicians' union criticised the merger because it would cost 23 jobs."
    assert not check("Who criticised the merger?", article=article).abstained


def test_a_person_s_whole_name_in_the_quote_is_stated_beside_another_sharing_a_word():
    """"Dunmore Boats" (which the tagger may take for a person) written whole in the window is stated, though
    "Tess Dunmore" there shares a word with it; "Gregory Hines" is still not "Maurice Hines"."""
    from rag.premise import people_missing
    from rag.support import terms
    window = ("The old ferry, run by the family firm Dunmore Boats since 1952, will stop. "
              "Its owner, Tess Dunmore, said the company would move its two boats to tourist trips.")
    q = analyse("What will Dunmore Boats do with its boats?")
    person = tuple(t.key for t in terms("Dunmore Boats"))
    assert people_missing(q, [window], (person,)) == []
    hines = tuple(t.key for t in terms("Gregory Hines"))
    assert people_missing(analyse("Which musical did Gregory Hines choreograph?"),
                          ["The musical was choreographed by Maurice Hines."], (hines,)) == ["Gregory Hines"]


def test_premise_stated_a_count_spelled_out_is_the_quote_s_count():
    """News spells small counts in words: "its three boats" is not what "its two boats" states."""
    article = "The ferry company will sell its two boats in March 2027. The ferry stops in May."
    ans = check("When will the ferry company sell its three boats?", article=article)
    assert ans.abstained and "three boats" in ans.error, ans.error
    assert not check("When will the ferry company sell its two boats?", article=article).abstained
    # A quote that does not count the thing says nothing against the question's count.
    assert not check("When will the ferry company sell its three boats?",
                     article="The ferry company will sell its boats in March 2027.").abstained


def test_when_is_answered_by_a_date_without_digits():
    """News dates by "last winter", "on Monday": a date the tagger reads as one answers "when"."""
    article = ("The union said staff were moved from the county hospital, where the emergency department closed at "
               "night for the first time last winter. The clinics are staffed by nurses.")
    ans = check("When did the emergency department close at night?", article=article)
    assert not ans.abstained and "last winter" in ans.answer, ans.error
    ans = check("When did the clinics get nurses?", article="The clinics are staffed by nurses and one doctor.")
    assert ans.abstained and "date" in ans.error


def test_reasons_stated_replaces_an_answer_whose_reason_its_quotes_do_not_state():
    """Half the sentence is copied from its quote, so it reads as supported; its "because" is made up."""
    article = ("The Merrin Estuary Trust, a conservation charity, criticised the decision. "
               "Its director said the bridge would damage the mudflats where wading birds feed.")
    q = "Why did the Merrin Estuary Trust criticise the decision?"
    ans = check(q, "The Merrin Estuary Trust criticised the decision because it was seen as a violation of "
                   "environmental regulations [1].", article=article)
    assert "violation" not in ans.answer and "reason its quotes do not state" in ans.error, ans.error
    # A reason its quote (or the sentence before it) states is kept.
    ans = check(q, "The trust criticised the decision because the bridge would damage the mudflats [2].",
                article=article)
    assert not ans.abstained and "because the bridge would damage the mudflats" in ans.answer and ans.error is None


def test_a_pronoun_subject_is_read_with_the_thing_the_sentence_before_is_about():
    """"It will cost 41 million pounds" after "The bridge, designed by Callow & Finch, will carry cars": the model
    reads "It (The bridge) will cost ..."; a "the <noun>" subject still needs a name before it."""
    from rag.referents import with_referent
    before = "The bridge, designed by the Leeds firm Callow & Finch, will carry cars and cyclists. "
    assert with_referent("It will cost 41 million pounds.", before) == "It (The bridge) will cost 41 million pounds."
    assert with_referent("It will cost 41 million pounds.", "A bridge will carry cars. ") == \
        "It will cost 41 million pounds."
    assert with_referent("The work will cost 41 million pounds.", before) == "The work will cost 41 million pounds."


def test_an_owner_pronoun_is_read_with_what_the_sentence_before_is_about():
    """"Its chair, Morag Flett, said ..." after "The island's community council said ...": the model reads "Its
    (The island's community council) chair" (it rated "Morag Flett chairs the community council" as not stated,
    in a UI trial). "Their" stands only for several: not for "The convergence of their interests"."""
    from rag.referents import with_referent
    council = "The island's community council said the outage showed that Hoyness needed a second ferry. "
    assert with_referent("Its chair, Morag Flett, said shops ran short.", council) == \
        "Its (The island's community council) chair, Morag Flett, said shops ran short."
    assert with_referent("Their chair, Morag Flett, said shops ran short.", council) == \
        "Their chair, Morag Flett, said shops ran short."
    convergence = "The convergence of Iranian and Russian interests has the potential to redefine the region. "
    assert with_referent("Their collaboration presents a bloc.", convergence) == "Their collaboration presents a bloc."


def test_an_object_pronoun_is_read_with_what_the_sentence_before_is_about():
    """"The minister first asked for them in 2019" after "The doors ... were bought by the museum in 1931": the
    model reads "them (The doors)" (it had rated the bare quote as not answering "When did the minister first
    ask for the doors?"). Not a pronoun its own sentence's subject may stand for ("With its growing influence,
    Norland can ..."), nor one that does not agree in number."""
    from rag.referents import with_referent
    doors = "The doors, which once stood at a meeting house, were bought by the museum in 1931. "
    assert with_referent("The culture minister, Tala Nuvu, first asked for them in 2019.", doors) == \
        "The culture minister, Tala Nuvu, first asked for them (The doors) in 2019."
    assert with_referent("The culture minister first asked for it in 2019.", doors) == \
        "The culture minister first asked for it in 2019."
    influence = "With its growing influence, Norland can act as a mediator."
    assert with_referent(influence, "Norland's involvement brings a fresh perspective. ") == influence


def test_an_answer_restating_the_question_s_premise_against_its_quote_declines_the_question():
    """The model's "Portugal views the dam as a threat [1]" gives the view to the country the question does,
    where the quote gives it to Spain: the question's premise clashes with the quote, so it is declined (the
    quote shown as what the articles say), not answered with the quote."""
    article = "Portugal defends its right to build the dam, while Spain views the dam as a threat to its farms."
    q = "Why does Portugal see the dam as a threat?"
    ans = check(q, "Portugal views the dam as a threat to its farms [1].", article=article)
    assert ans.abstained and "the question does not match its quotes" in ans.error
    assert "Spain views the dam as a threat" in ans.answer
    # A clash of the answer's own making (the question gives Portugal no such role) shows the quote instead.
    ans = check("Which country views the dam as a threat?", "Portugal views the dam as a threat [1].", article=article)
    assert not ans.abstained and "the model's answer does not match its quotes" in ans.error


def test_a_question_whose_asked_phrase_was_the_object_gets_it_back():
    """"Which valve did Maria Costa invent?" as "Did Maria Costa invent?" parses "invent" as a noun; with
    "it" standing in for the asked valve the verb and its doer are read, and the other-doer rule can see a
    quote that gives the deed to someone else."""
    from rag.declarative import declarative
    from rag.roles import roles
    assert declarative("Which valve did Maria Costa invent?") == "Did Maria Costa invent it?"
    assert any(r.predicate == "invent" and r.role == "agent" and r.key == "costa"
               for r in roles(declarative("Which valve did Maria Costa invent?")))
    # Read well without it: left as it was.
    assert declarative("Which country did Russia supply with drones?") == "Did Russia supply with drones?"
    article = ("Asha Mehta is an Indian screenwriter best known as the writer of \"Monsoon Street\", a 1991 film "
               "directed by Vikram Rao.")
    ans = check("Which film did Asha Mehta direct?", article=article)
    assert ans.abstained and "Vikram Rao is the one who did \u201cdirect\u201d" in ans.error
    assert not check("Which film did Vikram Rao direct?", article=article).abstained


def test_roles_agree_a_pronoun_does_not_stand_for_a_name_in_its_own_clause():
    """"He ... invented a valve that was used by Maria Costa": "he" cannot be Maria Costa (binding theory's
    principle C), so the quote does not say she invented it. A pronoun outside the name's clause may be her."""
    from rag.relations import conflicts
    quote = ("He is known for early work on heart surgery and invented a prototype valve that was used by "
             "Maria Costa.")
    found = conflicts("Which valve did Maria Costa invent?", quote)
    assert found and "\u201cHe\u201d (someone else) is the one who did \u201cinvent\u201d" in str(found[0])
    assert conflicts("Which valve did he invent?", quote) == []
    assert conflicts("Which valve did Maria Costa invent?", "Maria Costa was praised after she invented the valve.") == []
    assert conflicts("Which valve did Maria Costa invent?", "Maria Costa said he invented the valve.") == []
    ans = check("Which valve did Maria Costa invent?", article="Dr Ivo Brandt trained in Vienna. " + quote)
    assert ans.abstained and "the question does not match its quotes" in ans.error


def test_premise_stated_reads_an_irregular_verb_by_its_dictionary_form():
    """"What did the surveyors find in 2021?" is asked with "find", the quote says "found": the keys of the
    two forms differ, their dictionary form does not."""
    article = "Surveyors found rust in the pier's piles in 2021 and closed its end to the public."
    ans = check("What did the surveyors find in 2021?", article=article)
    assert not ans.abstained, ans.error
    assert check("What did the surveyors find in 2019?", article=article).abstained


def test_premise_stated_a_month_is_a_date_of_the_question():
    article = "Harlow Marine will begin dredging the harbour in April, the port said."
    ans = check("Who will begin dredging the harbour in October?", article=article)
    assert ans.abstained and "October" in ans.error, ans.error
    for reply in (None, "Harlow Marine [1]."):  # with a model too: dates are rarely reworded
        ans = check("Who will begin dredging the harbour in April?", reply, article=article,
                    rate=None if reply is None else (lambda p, q=None: 0.95), states=lambda c, p: 0.95)
        assert not ans.abstained, ans.error
    assert check("Who will begin dredging the harbour in October?", "Harlow Marine [1].", article=article,
                 rate=lambda p, q=None: 0.95, states=lambda c, p: 0.95).abstained


def test_premise_stated_a_year_the_quote_hangs_on_another_verb():
    """The quote has the asked verb, and the year on another one: "renovated the hall, which reopened in 2018"
    does not date the renovation."""
    article = "Brenner & Holt renovated the Quay Hall, which reopened in 2018."
    ans = check("Which firm renovated the Quay Hall in 2018?", article=article)
    assert ans.abstained and "2018" in ans.error, ans.error
    assert not check("When did the Quay Hall reopen?", article=article).abstained
    assert not check("Which hall reopened in 2018?", article=article).abstained


def test_how_much_is_not_answered_by_a_calendar_date():
    q = analyse("How much of the bill will the council pay?")
    from rag.question import gives_number
    assert not gives_number(q, "KELL, May 3 — The council signed the deal on Friday after talks began in 2019.")
    assert gives_number(q, "The council will pay 30 percent of it.")
    # A count of months is an amount, written as a date or not.
    assert gives_number(analyse("How many months will the work take?"), "The work will take 18 months.")


def test_opposites_said_of_the_same_deed():
    from rag.opposites import opposed
    quote = "The lighthouse was built in 1880 and last repainted in 1994."
    assert opposed("When was the lighthouse first repainted?", quote) == [("first", "last")]
    assert opposed("When was the lighthouse last repainted?", quote) == []
    assert opposed("When was the lighthouse first built?", quote) == []  # "last" is said of another deed


def test_other_owner_in_a_sentence_that_names_both():
    """"Reed's council shut the baths" is not what "Tamsin Reed vowed to reopen the baths, which Hugo Brandt's
    council shut in 2019" says; a source naming only the other owner says nothing either way."""
    source = "Tamsin Reed vowed to reopen the Linden baths, which Hugo Brandt's council shut in 2019."
    found = conflicts("Reed's council shut the Linden baths in 2019.", source)
    assert found and "Brandt" in str(found[0]), found
    assert conflicts("Brandt's council shut the Linden baths in 2019.", source) == []
    assert conflicts("Reed's council shut the Linden baths.", "Hugo Brandt's council shut the Linden baths.") == []
    ans = check("When did Reed's council shut the Linden baths?", article=source)
    assert ans.abstained and "Brandt" in ans.error, ans.error


def test_other_doer_the_tagger_left_untyped():
    """A name at the head of a sentence the tagger does not type ("Reed has vowed ...") still does the deed,
    so the other name in the sentence did not."""
    source = "Reed has vowed to reopen the Linden baths, which Brandt's council shut in 2019."
    found = conflicts("Brandt has vowed to reopen the Linden baths.", source)
    assert found and "Reed" in str(found[0]), found
    assert conflicts("Reed has vowed to reopen the Linden baths.", source) == []


def test_premise_stated_the_people_asked_about_in_the_quote_that_gives_the_number():
    """Without a model: the quote that gives the count asked for must name the question's person, not a
    quote beside it."""
    article = ("The returning officer, Peter Lund, said he counted every vote again by hand. "
               "Tamsin Reed received 9,406 votes in the count.")
    ans = check("How many votes did Peter Lund receive?", article=article)
    assert ans.abstained and "Lund" in ans.error, ans.error
    ans = check("How many votes did Tamsin Reed receive?", article=article)
    assert not ans.abstained and "9,406" in ans.answer, ans.error


def test_facts_from_one_quote_counts_a_name_the_tagger_did_not_type():
    """The object of the answer is a name the tagger leaves untyped ("the Linden Chamber of Commerce"): it is a
    fact like a typed one, so the subject from one quote and the thing it controls from another are not joined."""
    from rag.checks import _subject_and_facts
    _, _, facts = _subject_and_facts("The Civic League controls the Linden Chamber of Commerce [1][2].")
    assert {t.key for _, t in facts} >= {"commerc"}, facts
    # "The county board" right after does not point back to the chamber: that sentence has no "board".
    article = ("The Linden Chamber of Commerce, which backed the mayor, welcomed the result. "
               "The county board is controlled by the Civic League, with seven of its eleven seats.")
    reply = "The Civic League controls the Linden Chamber of Commerce [1][2]."
    ans = check("Which party controls the Linden Chamber of Commerce?", reply, article=article,
                skip=frozenset({"roles_agree"}))
    assert ans.abstained and "no one quote" in ans.error, ans.error


def test_the_other_side_of_a_year():
    """"before 2016" is not "since 2016", in the question or in the model's answer."""
    article = "Tamsin Reed, who has chaired the trust since 2016, opened the new wing on Friday."
    ans = check("Who chaired the trust before 2016?", article=article)
    assert ans.abstained and "2016" in ans.error, ans.error
    assert not check("Who has chaired the trust since 2016?", article=article).abstained
    ans = check("Who chairs the trust?", "Tamsin Reed has chaired the trust before 2016 [1].", article=article,
                skip=frozenset({"premise_stated"}))
    assert ans.abstained and "before 2016" in ans.error, ans.error
    ans = check("Who chairs the trust?", "Tamsin Reed has chaired the trust since 2016 [1].", article=article)
    assert not ans.abstained, ans.error


def test_a_doer_the_source_has_receive_the_act():
    """"Harlow Biotech approved the trial" over "Harlow Biotech wins approval for trial": the source's subject
    got the approval; someone else gave it. Said right, it passes."""
    source = "Harlow Biotech wins approval for vaccine trial in Togo"
    found = conflicts("Harlow Biotech approved the vaccine trial.", source)
    assert found and "recipient" in str(found[0]), found
    assert conflicts("Harlow Biotech won approval for the vaccine trial.", source) == []
    assert conflicts("The city granted the money.", "The city was awarded a grant by the state.") != []
    assert conflicts("The state granted the money.", "The city was awarded a grant by the state.") == []
    ans = check("Who approved the vaccine trial?", "Harlow Biotech approved the vaccine trial [1].", article=source + ".")
    assert ans.abstained or "Harlow Biotech approved" not in ans.answer, ans.answer


def test_the_question_s_name_in_the_quote_that_gives_the_answer_not_beside_it():
    """"Where is the Orla Trust based?" is not answered by a place quoted next to a sentence naming the
    trust; with a model too (the quotes go through the same step)."""
    article = ("The survey is paid for by a grant from the Orla Trust, which has backed coastal research since 2011. "
               "The fieldwork was done by Harlow Marine, a survey firm based in Leeds.")
    ans = check("Where is the Orla Trust based?", article=article)
    assert ans.abstained and "Orla" in ans.error, (ans.answer, ans.error)
    assert not check("Where is Harlow Marine based?", article=article).abstained
    ans = check("Where is the Orla Trust based?", "The Orla Trust is based in Leeds [1][2].", article=article,
                rate=lambda p, q=None: 0.95, states=lambda c, p: 0.95)
    assert ans.abstained, ans.answer


def test_a_person_named_by_surname_in_the_quote_that_gives_the_answer():
    """News names a person in full once, then by surname: the quote with the date names "Fournier" only, the
    one beside it "Camille Fournier". The person is named where the answer is (a user trial declined this);
    someone else with the surname is not."""
    article = ("Helix's chief executive, Camille Fournier, said the fault came from one supplier. "
               "Fournier, who joined from Valeo in 2019, became chief executive in 2021.")
    for reply, rate in ((None, None), ("Camille Fournier became chief executive in 2021 [2].", lambda p, q=None: 0.95)):
        ans = check("When did Camille Fournier become chief executive?", reply, rate=rate, article=article,
                    states=(lambda c, p: 0.95) if rate else None)
        assert not ans.abstained and "2021" in ans.answer, (ans.answer, ans.error)
    other = article.replace("Fournier, who", "Marc Fournier, who")
    assert check("When did Camille Fournier become chief executive?", article=other).abstained


def test_a_length_of_time_the_quote_gives_otherwise():
    """"the month-long fighting" is not "the nearly weeklong clash": a quote that times its event otherwise,
    and never as asked, is about something else (both modes); one that gives no length leaves it open."""
    article = "Putin offered to mediate an end to the nearly weeklong military clash on Thursday."
    question = "When did Putin offer to mediate an end to the month-long fighting?"
    ans = check(question, article=article)
    assert ans.abstained and "month-long" in ans.error, (ans.answer, ans.error)
    ans = check(question, "Putin offered on Thursday [1].", article=article, rate=lambda p, q=None: 0.95,
                states=lambda c, p: 0.95)
    assert ans.abstained and "month-long" in ans.error, (ans.answer, ans.error)
    assert not check(question.replace("month-long", "weeklong"), article=article).abstained
    assert not check(question, article=article.replace("nearly weeklong ", "")).abstained


def test_a_reason_the_question_takes_for_granted():
    """"How many lines did the port lose because of the ruling?" over "a long delay could cost the port two
    shipping lines": the quote gives no such reason (both modes); with the reason it gives, it answers."""
    article = ("The court ruled against the harbour board on Tuesday. "
               "She warned that a long delay could cost the port two shipping lines.")
    question = "How many shipping lines did the port lose because of the ruling?"
    ans = check(question, article=article.replace("The court ruled", "The court met"))
    assert ans.abstained and "because of the ruling" in ans.error, (ans.answer, ans.error)
    met = article.replace("The court ruled", "The court met")
    ans = check(question, "The port lost two shipping lines [2].", article=met, rate=lambda p, q=None: 0.95,
                states=lambda c, p: 0.95)
    assert ans.abstained, (ans.answer, ans.error)
    assert not check("How many shipping lines could the port lose because of a long delay?", article=article).abstained


def test_a_place_the_quote_puts_the_event_elsewhere():
    """"How many homes did the storm damage in Togo?" over "... damaged 3,000 homes in Benin": another place."""
    article = "The storm damaged about 3,000 homes in Benin in 2023, the Red Cross said."
    ans = check("How many homes did the storm damage in Togo in 2023?", article=article)
    assert ans.abstained and "Togo" in ans.error, ans.error
    assert not check("How many homes did the storm damage in Benin in 2023?", article=article).abstained
    # A quote that places nothing says nothing against the question's place.
    assert not check("How many homes did the storm damage in Togo?",
                     article="The storm damaged about 3,000 homes in Togo's south.").abstained
    ans = check("How many homes did the storm damage in Togo in 2023?", "About 3,000 homes [1].", article=article,
                rate=lambda p, q=None: 0.95, states=lambda c, p: 0.95)
    assert ans.abstained and "Togo" in ans.error, ans.error


def test_where_is_answered_by_a_place_named_by_a_noun():
    """"Where is the shelter?" over "... a shelter in the town's sports hall": news names places by nouns the
    entity tagger does not type (rag.places, from WordNet); a part of something else is no place."""
    article = "The mayor visited a shelter in the town's sports hall on Wednesday. He spoke at the end of the day."
    ans = check("Where is the shelter?", article=article)
    assert not ans.abstained and "sports hall" in ans.answer, (ans.answer, ans.error)
    ans = check("Where is the shelter?", "In the town's sports hall [1].", article=article,
                rate=lambda p, q=None: 0.95, states=lambda c, p: 0.95)
    assert not ans.abstained and "sports hall" in ans.answer, (ans.answer, ans.error)
    assert check("Where did the mayor speak?", article="He spoke at the end of the day.").abstained


def test_which_thing_is_not_answered_by_the_bare_noun():
    """"Which hospital treated the firefighters?" over "... were treated in hospital": the quote names no
    hospital in particular; "the hospital in Venta" or "Almora General Hospital" does."""
    bare = "Two firefighters were treated in hospital for burns and were released the same day."
    ans = check("Which hospital treated the two firefighters?", article=bare)
    assert ans.abstained and "hospital" in ans.error, ans.error
    for article in ("Two firefighters were treated at the hospital in Venta and were released.",
                    "Two firefighters were treated at Almora General Hospital and were released."):
        assert not check("Which hospital treated the two firefighters?", article=article).abstained, article
    ans = check("Which hospital treated the two firefighters?", "They were treated in hospital [1].", article=bare,
                rate=lambda p, q=None: 0.95, states=lambda c, p: 0.95)
    assert ans.abstained, ans.answer


def test_a_phrasal_verb_turned_round_by_its_particle():
    """"Why did the company switch on two lines?" over "... had switched off two lines": the particle is the
    opposite (the tagger reads the question's "on" as a preposition); the same particle is no opposite."""
    article = "The company said it had switched off two lines in the area as a precaution."
    ans = check("Why did the company switch on two lines in the area?", article=article, skip={"reasons_stated"})
    assert ans.abstained and "switched off" in ans.error, ans.error
    assert not check("Why did the company switch off two lines in the area?", article=article).abstained


def test_a_day_of_the_week_the_quote_gives_otherwise():
    """"How many hectares had burned by Sunday evening?" over "By Wednesday evening the fire had burned
    4,800 hectares": another day; a quote naming no day says nothing against it."""
    article = "By Wednesday evening the fire had burned about 4,800 hectares, the fire service said."
    ans = check("How many hectares had the fire burned by Sunday evening?", article=article)
    assert ans.abstained and "Sunday" in ans.error, ans.error
    assert not check("How many hectares had the fire burned by Wednesday evening?", article=article).abstained
    assert not check("How many hectares had the fire burned by Sunday evening?",
                     article="The fire started on Sunday. It had burned about 4,800 hectares, the fire service said.").abstained
    ans = check("How many hectares had the fire burned by Sunday evening?", "About 4,800 hectares [1].",
                article=article, rate=lambda p, q=None: 0.95, states=lambda c, p: 0.95)
    assert ans.abstained and "Sunday" in ans.error, ans.error


def test_places_list_holds_buildings_and_roads_not_events():
    from rag.places import is_place
    assert all(is_place(w) for w in ("hall", "courthouse", "motorway", "harbour", "valley", "hospital"))
    # a path or passage, a paved surface (found in a UI trial: "on cycle paths" was no place); no pipe
    assert all(is_place(w) for w in ("path", "pavement", "sidewalk", "corridor", "lane", "underpass"))
    assert not any(is_place(w) for w in ("talks", "week", "minister", "deal", "crisis", "pipe", "catheter", "ladder"))
    ans = check("Where can riders use their own scooters?",
                article="Riders will still be allowed to use their own scooters on cycle paths, but not on pavements.")
    assert not ans.abstained and "cycle paths" in ans.answer, ans.error


def test_nouns_under_takes_a_numbered_sense_and_leaves_out_a_branch(tmp_path):
    """The builder of rag/data/places.txt: "way.2" is the second sense of "way" (not its first, "manner"),
    and nouns under an excluded root (a conduit) are left out though they are ways too."""
    from rag.wordnet import nouns_under
    (tmp_path / "index.noun").write_text(
        "  1 This software and database ...\n"
        "way n 2 0 2 0 00000001 00000002\nconduit n 1 0 1 0 00000003\n"
        "path n 1 0 1 0 00000010\npipe n 1 0 1 0 00000011\nstyle n 1 0 1 0 00000012\n")
    (tmp_path / "data.noun").write_text(
        "  1 This software and database ...\n"
        "00000001 03 n 01 way 0 000 | a manner\n00000002 03 n 01 way 0 000 | a road or path\n"
        "00000003 03 n 01 conduit 0 001 @ 00000002 n 0000 | a passage for water\n"
        "00000010 03 n 01 path 0 001 @ 00000002 n 0000 | a way to walk\n"
        "00000011 03 n 01 pipe 0 001 @ 00000003 n 0000 | a tube\n"
        "00000012 03 n 01 style 0 001 @ 00000001 n 0000 | a manner\n")
    assert nouns_under(tmp_path, ("way.2",), 2, ("conduit",)) == ["path", "way"]
    assert nouns_under(tmp_path, ("way",), 1) == ["style", "way"]


STADIUM = ("Harrowgate United has been sold to investor Dana Whitlock for 85 million pounds. Chairman Geoffrey "
           "Pryce, whose father Alan bought the club in 1985, said he had decided to sell because the family could "
           "no longer pay for the new stadium. Whitlock, who owns a basketball team in Ohio, said she would move "
           "the club. She made her fortune in logistics and sold her trucking company, Whitlock Freight, in 2019. "
           "The trust had asked Whitlock to keep season tickets below 500 pounds; she has promised to freeze "
           "prices but has not agreed to a cap.")


def test_relations_tell_the_participants_of_a_verb_apart():
    """Found on an article of my own: a use of the verb by someone plainly else says nothing about the
    question's doer's (the family "could no longer pay"); a doer called by one of the question's names is
    the same one ("whose father Alan bought" for Alan Pryce, not Tom Pryce); "Whitlock" inside "Whitlock
    Freight" is not the person, and a name before "she" may be whom "she" stands for."""
    assert not conflicts("How much did Dana Whitlock pay for the club?", STADIUM)
    assert not conflicts("When did Alan Pryce buy the club?", STADIUM)
    assert conflicts("When did Tom Pryce buy the club?", STADIUM)
    assert not conflicts("Which company did Whitlock sell in 2019?", ". ".join(STADIUM.split(". ")[2:4]))
    assert not conflicts("What has Whitlock promised?", STADIUM.split(". ")[4])
    assert conflicts("Which valve did Maria Costa invent?", "He later invented a valve that was used by Maria Costa.")


def test_a_deed_the_source_says_did_not_happen():
    """"has not agreed to a cap": the question's "agreed" is denied; a question asking why not is not."""
    found = conflicts("At what price has Whitlock agreed to cap season tickets?", STADIUM)
    assert found and found[0].source_time == "not", found
    assert not conflicts("Why has Whitlock not agreed to a cap?", STADIUM)
    assert check("At what price has Whitlock agreed to cap season tickets?", article=STADIUM).abstained


def test_opposites_of_someone_else_and_of_a_named_thing():
    """"decided to sell" stated, and "bought" said of his father: another deed, no contradiction. "sold her
    trucking company, Whitlock Freight": the name beside the noun is what "sold" is said of."""
    from rag.opposites import opposed
    assert not opposed("Why did Geoffrey Pryce decide to sell the club?", STADIUM.split(". ")[1])
    assert opposed("When did Dana Whitlock buy Whitlock Freight?", STADIUM.split(". ")[3])
    assert opposed("Why did Kestra's shares fall in Stockholm?",
                   "Brightwell's shares fell in Paris, while Kestra's shares rose in Stockholm.")


def test_a_she_after_a_name_in_the_quote_is_not_read_with_the_sentence_before():
    """"Whitlock, who owns a basketball team in Ohio, said she would move the club" does not name the
    Pryce of the sentence before: "Which basketball team did Geoffrey Pryce buy?" is not answered."""
    ans = check("Which basketball team in Ohio does Geoffrey Pryce own?", article=STADIUM)
    assert ans.abstained and "Pryce" in ans.error, (ans.answer, ans.error)
    # Whitlock is the one the quote names. (Her team goes unnamed: the answer picked instead, a sentence
    # naming a club she bought, is wrong, a known gap: docs/decisions.md, 2026-12-07 15:27 session.)
    ans = check("Which basketball team in Ohio does Whitlock own?", article=STADIUM)
    assert "Whitlock" not in (ans.error or ""), (ans.answer, ans.error)


def test_a_name_after_the_asked_noun_is_of_the_asked_kind():
    """"... moved its customers to a partner bank, Baltika" answers "Which bank ...?" although the tagger
    calls Baltika a place (the noun's appositive was lost when answer and quotes were parsed as one text)."""
    article = "It closed the Tallinn branch in January and moved its remaining customers to a partner bank, Baltika."
    ans = check("Which bank took over the remaining customers?", article=article)
    assert not ans.abstained and "Baltika" in ans.answer, (ans.answer, ans.error)
    ans = check("Which bank took over the remaining customers?", "Baltika [1].", article=article,
                rate=lambda p, q=None: 0.95, states=lambda c, p: 0.95)
    assert not ans.abstained and ans.answer.startswith("Baltika"), (ans.answer, ans.error)


def test_what_someone_said_about_a_topic_comes_from_one_quote():
    """"What did Owen Llewellyn say about traffic and noise?" over the residents' complaint about traffic
    beside his words on the investment: no one quote has him on that topic."""
    article = ("Residents near the site have objected to the plans, citing traffic and noise. Supporters' trust "
               "chair Owen Llewellyn said fans welcomed the investment but were worried about ticket prices.")
    ans = check("What did Owen Llewellyn say about traffic and noise?", article=article)
    assert ans.abstained and "Llewellyn on traffic" in ans.error, (ans.answer, ans.error)
    ans = check("What did Owen Llewellyn say about ticket prices?", article=article)
    assert not ans.abstained and "Llewellyn" in ans.answer, (ans.answer, ans.error)


RIVER = ("Dead trout and salmon were found downstream as far as the village of Millbeck. The agency said the plant "
         "had been cited for a smaller leak in 2019, when the company was fined 80,000 pounds. The Aldon Anglers' "
         "Association, which has 1,200 members, said it would take years for fish stocks to recover. Thousands of "
         "fish have died along the river. Its secretary, Dylan Rees, called on the company to pay for restocking "
         "the river.")


def test_a_direction_said_of_the_same_finding():
    """"How far upstream were dead fish found?" over "... were found downstream": the tagger hangs the
    question's "upstream" on the auxiliary, the quote's on the verb; both are said of the finding."""
    ans = check("How far upstream were dead fish found?", article=RIVER)
    assert ans.abstained and "downstream" in ans.error, (ans.answer, ans.error)
    assert not check("How far downstream were dead fish found?", article=RIVER).abstained


def test_a_year_dates_the_clause_hung_on_it():
    """"... in 2019, when the company was fined 80,000 pounds": the fine is dated 2019 too (was declined as
    "the quote gives it to something else")."""
    ans = check("How much was the company fined in 2019?", article=RIVER)
    assert not ans.abstained and "80,000" in ans.answer, (ans.answer, ans.error)


def test_a_namesake_is_not_the_name_asked():
    """"the Brayford Anglers' Association" where the quote has "The Aldon Anglers' Association"; the name
    asked whole, or a shorter form of it, is answered."""
    article = RIVER + " The town of Brayford takes its water from the river."
    ans = check("How many members does the Brayford Anglers' Association have?", article=article)
    assert ans.abstained and "Brayford Anglers" in ans.error, (ans.answer, ans.error)
    for q in ("How many members does the Aldon Anglers' Association have?",
              "How many members does the anglers' association have?"):
        assert not check(q, article=article).abstained, q


def test_how_many_counts_the_noun_not_the_verb():
    """"How many pike died?" is not answered by "Thousands of fish have died": the verb after the noun is not
    the thing counted."""
    assert check("How many pike died along the river?", article=RIVER).abstained
    assert not check("How many fish died along the river?", article=RIVER).abstained


def test_what_someone_said_about_doing_something():
    """The topic may be a gerund ("about restocking the river")."""
    assert check("What did Owen Llewellyn say about restocking the river?",
                 article=RIVER + " Owen Llewellyn said fans were worried.").abstained
    assert not check("What did Dylan Rees say about restocking the river?", article=RIVER).abstained


def test_a_deed_told_from_the_other_side_is_no_opposite():
    """"has been sold to Dana Whitlock" is Whitlock buying; "lost the semi-final to Carlton Athletic" is
    Carlton winning it. Not when the deed goes to someone else, to no one named, or to no one at all."""
    from rag.opposites import opposed
    sold = "Harrowgate United has been sold to American investor Dana Whitlock for 85 million pounds."
    assert not opposed("Who bought Harrowgate United?", sold)
    assert not opposed("When did Dana Whitlock buy Harrowgate United?", sold)
    assert opposed("When did Geoffrey Pryce buy Harrowgate United?", sold)
    assert not opposed("Who won the semi-final?", "Harrowgate United lost the semi-final to Carlton Athletic.")
    assert opposed("Who closed the museum?", "The museum was opened to the public in May.")
    assert opposed("When did Whitlock buy Whitlock Freight?", "She sold her company, Whitlock Freight, in 2019.")
    ans = check("Who bought Harrowgate United?", article=sold)
    assert not ans.abstained and "Whitlock" in ans.answer, (ans.answer, ans.error)


def test_a_fronted_object_asked_with_has_is_not_a_second_subject():
    """"How many staff has Northshore hired?" parses "staff" as a second subject of "hired", which then
    read as the one hired in the quote; "Has Northshore hired?" does not. The names keep their types."""
    from rag.declarative import declarative
    assert declarative("How many more security staff has Northshore hired?") == "Has Northshore hired?"
    assert declarative("Which firm has won the contract?") == "Which firm has won the contract?"  # asks the subject
    article = "Sorensen said Northshore had already hired 12 more security staff."
    assert not check("How many more security staff has Northshore hired?", article=article).abstained
    ans = check("Which library has Okafor promised to reopen?",
                article="Marlow has promised to reopen the Harrowby library, which Okafor's administration closed.")
    assert ans.abstained and "Marlow" in ans.error, ans.error


def test_where_is_answered_by_where_it_was_taken():
    """"towed to a dry dock in Carrick": "to" a place noun says where it ended up, and a name after "in" is a
    place whatever type the tagger gives it (a person here)."""
    article = "The ship was refloated on Saturday and towed to a dry dock in Carrick for repairs."
    assert not check("Where was the ship towed for repairs?", article=article).abstained
    assert check("Where was the ship towed for repairs?",
                 article="The ship was refloated on Saturday and towed away for repairs.").abstained


def test_who_is_the_title_wants_the_one_called_so():
    """"Who is the captain?" over "Pavel Orr said the captain had 18 years' experience": the quote speaks of
    the captain and names someone else; "the captain, Ivan Berg" or "Berg was appointed captain" answers."""
    article = "The managing director, Pavel Orr, said the captain had 18 years' experience with the company."
    for q in ("Who is the captain?", "What is the name of the captain?"):
        ans = check(q, article=article)
        assert ans.abstained, (q, ans.answer)
        ans = check(q, "Pavel Orr [1].", article=article, rate=lambda p, q=None: 0.95, states=lambda c, p: 0.95)
        assert ans.abstained, (q, ans.answer)
    for said in ("The captain, Ivan Berg, had 18 years' experience.", "Ivan Berg, the captain, was suspended.",
                 "Captain Ivan Berg was suspended.", "Ivan Berg was appointed captain in 2019.",
                 "Ivan Berg, who became captain in 2019, was suspended.", "Ivan Berg served as captain for a year."):
        ans = check("Who is the captain?", article=said)
        assert not ans.abstained and "Ivan Berg" in ans.answer, (said, ans.error)
    from rag.question import identity_noun
    assert identity_noun(analyse("What is the capital of the region?")) is None  # asks no one's name
    # Found as a user: "Who is Russia's foreign minister?" answered with "Sergei Shoigu, who also serves as
    # Russia's Minister of Defense": the title must be the one asked, written with capitals or not.
    defence = "Sergei Shoigu, who also serves as Russia's Minister of Defense, stood beside Putin."
    ans = check("Who is Russia's foreign minister?", article=defence)
    assert ans.abstained, ans.answer
    for said in ("Russian Foreign Minister Sergei Lavrov said so.", "Sergei Lavrov, Russia's foreign minister, said so.",
                 "Sergei Lavrov, Russia's Minister of Foreign Affairs, said so."):
        ans = check("Who is Russia's foreign minister?", article=said)
        assert not ans.abstained and "Lavrov" in ans.answer, (said, ans.error)
    assert not check("Who is the new coach?", article="Ana Ruiz was appointed coach on Monday.").abstained
    # A verb of its own makes it another question: "Who was realism associated with?" asks no title.
    ans = check("Who was realism first associated with?", article="In France, realism was first associated with Gustave Courbet.")
    assert not ans.abstained, ans.error


def test_how_old_wants_an_age():
    """"How old was the gang's leader?" is not answered by "the records of 30,000 patients"."""
    q = analyse("How old was the gang's leader?")
    from rag.question import gives_number
    assert not gives_number(q, "The gang published the records of 30,000 patients on March 6.")
    for said in ("The men, aged 24 and 31, would be extradited.", "The leader, a 31-year-old, was held.",
                 "Reyes (52) was held.", "The ship was built in 2004."):
        assert gives_number(q, said), said
    assert check("How old was the gang's leader?",
                 article="The gang published the records of 30,000 patients on March 6.").abstained


def test_a_title_the_quote_gives_to_another_owner():
    """"Who is Westway Ferries' chief inspector?" over "[The investigation board opened an inquiry.] Its chief
    inspector, Laura Quint, ...": the title is another owner's, and no quote names the question's. A noun the
    article writes into the owner's own name ("The Northshore Health hospital group") is the owner."""
    from rag.premise import title_of_another
    board = ["The maritime accident investigation board has opened an inquiry. Its chief inspector, Laura Quint, "
             "said a first report would be published within 30 days."]
    article = board[0] + " The operator Westway Ferries said on Sunday that the ship was damaged."
    assert title_of_another(analyse("Who is Westway Ferries' chief inspector?"), board, article) == \
        ["Westway Ferries' chief inspector"]
    assert title_of_another(analyse("Who is the investigation board's chief inspector?"), board, article) == []
    said = ['"We could not wait," said Helen Marsh, the authority\'s chief executive.']
    article = "The Dunmore Water Authority signed a contract with Calloway & Pike. " + said[0]
    assert title_of_another(analyse("Who is the chief executive of Calloway & Pike?"), said, article)
    assert title_of_another(analyse("Who is the chief executive of the Dunmore Water Authority?"), said, article) == []
    # a quote naming the question's owner otherwise still gives the title to another
    said = ["Helen Marsh, the authority's chief executive, said Calloway & Pike had missed a deadline."]
    assert title_of_another(analyse("Who is the chief executive of Calloway & Pike?"), said, article)
    said = ["Calloway & Pike's chief executive, Tom Reyes, said the authority had missed a deadline."]
    assert title_of_another(analyse("Who is the chief executive of Calloway & Pike?"), said, article) == []
    said = ["The group's chief executive, Anita Sorensen, said Northshore had refused to pay."]
    article = "The Northshore Health hospital group said its systems were working. " + said[0]
    assert title_of_another(analyse("Who is Northshore Health's chief executive?"), said, article) == []
    ans = check("Who is the managing director of the Environment Agency?",
                article="Castell Agrochem said it had suspended production. Its managing director, Gwen Parry, said "
                        "the valve had been replaced.")
    assert ans.abstained and "Environment Agency" in ans.error, ans.error


def test_a_definite_noun_is_read_with_its_fuller_mention_before():
    """ "The foundation's president, Peter Okoye, said ..." alone does not say which foundation: the model
    reads it with the sentence before's "the Harmon Foundation" written after the noun (it had declined a
    right answer). Only one fuller mention, with a name or an "of/on" phrase, is taken."""
    from rag.referents import with_referent
    before = "The trial is funded by a grant from the Harmon Foundation, which has supported malaria research."
    quote = "The foundation's president, Peter Okoye, said the grant was the largest in its history."
    assert with_referent(quote, before) == \
        "The foundation's (the Harmon Foundation) president, Peter Okoye, said the grant was the largest in its history."
    assert with_referent("Those talks are due to begin in April.", "They agreed to reopen talks on their contract.") \
        == "Those talks (talks on their contract) are due to begin in April."
    two = "Grants came from the Harmon Foundation and the Lyle Foundation."
    assert with_referent(quote, two) == quote
    read = []
    ans = check("Who is the president of the Harmon Foundation?", "Peter Okoye [2].", article=f"{before} {quote}",
                rate=lambda p, q=None: read.append(p) or 0.95, states=lambda c, p: 0.95)
    assert not ans.abstained and any("(the Harmon Foundation)" in p for p in read), (ans.error, read)


def test_a_doer_after_by_makes_the_participle_passive():
    """"A comet spotted last month by a retired teacher has been named after her": the parser makes the comet
    the subject of "spotted"; the "by" doer says it is the one spotted (a right answer had been declined as
    a swapped role). A time after "by" ("had burned by Wednesday evening") is no doer."""
    article = "A comet spotted last month by a retired teacher from Harrow Bay has been named after her."
    assert not conflicts("Who spotted the comet?", article)
    assert conflicts("Which comet did the teacher spot?", article) == []
    assert conflicts("The comet spotted a retired teacher.", article)
    assert not check("Who spotted the comet?", article=article).abstained
    assert conflicts("The treaty signed Norland.", "The treaty, signed by Norland in 2019, expired in May.")
    assert not conflicts("How many hectares had the fire burned by Wednesday evening?",
                         "By Wednesday evening the fire had burned about 4,800 hectares.")


def test_a_named_doer_the_quotes_never_name_while_someone_else_does_the_deed():
    """"How many times had Ahl photographed the comet?" over "an automated survey in Chile had photographed
    the comet three times": the quotes never name Ahl and give the deed to one brought in by "a", who cannot
    be Ahl; or to another person by name. Not to a plural or "the ..." (may be the doer's own, or them), and
    not when some quote names the doer (it may say it in other words)."""
    from rag.relations import strangers
    survey = "A review found that an automated survey in Chile had photographed the comet three times in September."
    assert strangers("How many times had Ahl photographed the comet in September?", survey)
    assert not strangers("How many times had the survey photographed the comet in September?", survey)
    assert strangers("Who did Lind meet in Oslo?", "Halvorsen met the foreign minister in Oslo on Monday.")
    assert not strangers("Who did Lind meet in Oslo?", "He met the foreign minister in Oslo on Monday.")
    assert not strangers("Who did Lind meet in Oslo?", "Officials met the foreign minister in Oslo on Monday.")
    assert not strangers("Why did Russia sign the treaty?", "Moscow signed the treaty in 2019.")
    assert not strangers("How many votes did Simon Vale receive?",
                         "The Green candidate, Simon Vale, came third with 4,211 votes. Marlow received 18,406 votes.")
    ans = check("How many times had Ahl photographed the comet in September?", article=survey,
                skip=frozenset({"premise_stated"}))  # which also sees that no quote names Ahl
    assert ans.abstained and "an automated survey" in ans.error, ans.error


def test_a_named_owner_the_quotes_never_name_while_another_name_owns_the_thing():
    """"Where is Ostmark's head office?" over "posts at Velden's head office in Karsby": the quotes never name
    Ostmark and give the office to another company. Not when a quote names the owner, nor for a place ("the
    Kremlin" for Russia's) or a common noun ("the company's head office")."""
    from rag.relations import strangers
    quote = "She said 80 posts at Velden's head office in Karsby would be cut."
    assert strangers("Where is Ostmark's head office?", quote)
    assert not strangers("Where is Velden's head office?", quote)
    assert not strangers("Where is the company's head office?", quote)
    assert not strangers("Where is Ostmark's head office?", "Ostmark bought Velden. " + quote)
    assert not strangers("When did Russia's embassy in Tehran close?", "Moscow's embassy in Tehran closed in May.")
    ans = check("How many posts at Ostmark's head office will be cut?", article="Ostmark agreed to buy Velden. " + quote)
    assert ans.abstained and "Velden's, not Ostmark's" in ans.error, ans.error


def test_a_deed_the_passages_say_was_not_done_is_declined_even_unquoted():
    """"By how much will the operator raise fares?" has quotes picked for their numbers; another sentence says
    the operator "would not raise fares this year": that is shown, declined as asked. A deed done in one
    sentence and not in another is no denial."""
    article = ("Repairs will cost 3.1 million euros. The operator said it would pay for them and would not raise "
               "fares this year. Fare income is about 12 million euros a year.")
    ans = check("By how much will the operator raise fares this year?", article=article)
    assert ans.abstained and "raise" in ans.error and "would not raise fares" in ans.answer, (ans.answer, ans.error)
    raised = article + " The city raised parking fees by 5 percent."
    ans = check("By how much did the city raise parking fees?", article=raised)
    assert not ans.abstained and "5 percent" in ans.answer, ans.error


def test_how_many_counts_any_word_of_the_counted_phrase():
    """"How many extra coaches a day will Redline run?" is answered by "add six coaches a day": the counted
    thing is any word before the first stopword, not only the first ("extra")."""
    article = "The bus operator Redline said it would add six coaches a day to its route."
    ans = check("How many extra coaches a day will Redline run?", article=article)
    assert not ans.abstained and "six coaches" in ans.answer, ans.error


def test_a_date_of_a_when_clause_dates_the_verb_it_hangs_on_too():
    """"A ferry service that closed when the bridge opened in 1974": the service closed in 1974 as well; not
    so for a date of another clause ("closed after the bridge opened in 1974")."""
    article = "A ferry service that closed when the new bridge opened in 1974 may return next year."
    ans = check("When did the ferry service close?", "The ferry service closed in 1974 [1].", article=article)
    assert not ans.abstained, ans.error
    article = "A ferry service that closed years after the new bridge opened in 1974 may return next year."
    ans = check("When did the ferry service close?", "The ferry service closed in 1974 [1].", article=article)
    assert ans.abstained and "opened" in ans.error, ans.error


def test_a_thing_named_by_another_noun_before_it_is_another_kind_of_it():
    """"What did the drone survey find?" over "a helicopter survey found two wrecks": another kind of survey, the
    question's "drone" said nowhere in the quote. Not when the quote says it elsewhere ("a survey by drone"),
    for an abbreviation ("TV series" / "television series") or for the thing alone ("the survey")."""
    quote = "A helicopter survey of the bay found two wrecks on Friday."
    assert [str(x) for x in conflicts("What did the drone survey find?", quote)] == [
        "the source's survey is the \u201chelicopter survey\u201d, not the claim's \u201cdrone survey\u201d"]
    assert not conflicts("What did the survey find?", quote)
    assert not conflicts("What did the drone survey find?", "A survey of the bay by drone found two wrecks.")
    assert not conflicts("When did the TV series first air?", "The television series first aired in 2008.")
    ans = check("What did the drone survey of the bay find on Friday?", article=quote)
    assert ans.abstained and "helicopter survey" in ans.error, ans.error


def test_a_verb_the_tagger_reads_as_a_noun_still_has_its_opposite():
    """"How much did spending fall?" tags "fall" a noun (with "did" as its auxiliary): it is the verb, and
    "Spending had risen by 12 percent" states its opposite."""
    from rag.opposites import opposed
    assert opposed("How much did spending fall?", "Spending had risen by 12 percent.") == [("fall", "risen")]
    assert opposed("How much did spending fall?", "Spending fell by 12 percent.") == []


def test_a_place_named_as_the_village_of_x_is_where_the_quote_puts_its_event():
    """"How many houses were destroyed in Almora?" over "destroyed 26 houses, most of them in the village of
    Los Pinos": the quote puts the event in another place ("in the village of X" as "in X")."""
    from rag.premise import places_elsewhere
    quote = "The fire destroyed 26 houses, most of them in the village of Los Pinos."
    assert places_elsewhere(analyse("How many houses were destroyed in Almora?"), [quote]) == ["Almora"]
    assert places_elsewhere(analyse("How many houses were destroyed in Los Pinos?"), [quote]) == []


def test_voting_for_is_the_opposite_of_voting_against():
    """"When did the Green Party vote for the runway?" over "the Green Party ... voted against it in 2019": the
    question's verb stated only with the other side's preposition (WordNet pairs no prepositions)."""
    from rag.opposites import opposed
    quote = "The Green Party, which holds four seats, voted against it in 2019."
    assert opposed("When did the Green Party vote for the runway?", quote) == [("vote for", "voted against")]
    assert opposed("When did the Green Party vote against the runway?", quote) == []
    assert opposed("Who argued for the plan?", "Critics argued against the plan, and the mayor argued for it.") == []


def test_a_relative_clause_after_a_list_may_be_about_the_whole_list():
    """"brought by the council and a farmers' cooperative, which together argued ...": "What did the council
    argue?" is no swapped doer (the clause may be about both; a UI trial had it declined). Another doer of
    the verb in a sentence naming the claim's doer still is ("proposed by X and approved by the board")."""
    source = ("The appeal was brought by the municipal council and a farmers' cooperative, which together argued "
              "that the open pit would lower the water table.")
    assert conflicts("What did the council argue?", source) == []
    assert conflicts("Priya Nandakumar approved the merger.",
                     "The merger was proposed by Priya Nandakumar and approved by the board.")


def test_a_percentage_is_dated_by_what_it_measures_not_its_unit():
    """"The fund owns 30% of the company" over "which is 30 per cent owned by the fund": "%" and "cent" are
    the number's unit, not two events (a right answer had been declined)."""
    from rag.premise import dated
    from rag.nlp import parse
    assert dated(parse("The state investment fund owns 30% of Osterby Minerals."), "30").lemma_ == "own"
    assert dated(parse("Turnout rose to 62 percent in the city."), "62").lemma_ == "rise"
    article = "Osterby Minerals, which is 30 per cent owned by the state investment fund, employs 350 people."
    ans = check("What share of Osterby Minerals does the state investment fund own?",
                "The state investment fund owns 30% of Osterby Minerals [1].", article=article)
    assert not ans.abstained, ans.error


def test_when_wants_a_date_not_a_measure_or_a_code():
    """"When did the observatory first see the comet?" is not answered by "the 2.5-metre telescope ... C/2026
    T3" (a measure and a code) nor "off the A198"; a month the tagger leaves untyped ("in May, when it may
    ...") is a date."""
    from rag.question import gives_kind
    q = analyse("When did the Kessel Observatory first see the comet?")
    assert not gives_kind(q, "Astronomers confirmed the sighting with the observatory's 2.5-metre telescope, and "
                             "the comet was designated C/2026 T3.")
    assert not gives_kind(analyse("When was the lighthouse built?"), "Canty Bay is a hamlet off the A198.")
    assert gives_kind(analyse("When will the comet pass closest to the Sun?"),
                      "The comet will pass closest to the Sun in May, when it may become visible through binoculars.")
    assert not gives_kind(analyse("When in May will the comet pass closest to the Sun?"),
                          "The comet will pass closest to the Sun in May.")
    assert gives_kind(q, "The observatory first saw it in 2024.")
    article = "The comet was designated C/2026 T3 after astronomers confirmed the sighting."
    assert check("When did astronomers confirm the sighting of the comet?", article=article).abstained


def test_where_from_is_answered_by_the_name_after_from():
    """"Where will Thornbury Press import fruit from?" over "it would import fruit from Normandy": the tagger
    calls Normandy an organisation; a name after "from" answers "where" as one after "in" does (found as a
    user: declined, "no passage gives the place asked for")."""
    from rag.question import gives_kind
    said = "The cider maker Thornbury Press said it would import fruit from Normandy to keep its plant running."
    assert gives_kind(analyse("Where will Thornbury Press import fruit from?"), said)
    assert not check("Where will Thornbury Press import fruit from?", article=said).abstained
    assert not gives_kind(analyse("Where will Thornbury Press import fruit from?"),
                          "Thornbury Press said it would import fruit this year.")


def test_a_noun_s_complement_moved_from_elsewhere_in_the_sentence_is_another_thing():
    """"How much has demand for wool fallen?" over "demand for cotton had fallen ... as buyers switched to
    wool": the quote says "wool", but the demand it gives is for cotton. Not when the quote gives the noun that
    complement too, nor for a complement the quote says nowhere (a rewording)."""
    quote = "The firm said demand for cotton had fallen by a third since 2019 as buyers switched to wool."
    assert [str(x) for x in conflicts("By how much has demand for wool fallen since 2019?", quote)] == [
        "the source's \u201cdemand for cotton\u201d is not the claim's \u201cdemand for wool\u201d"]
    assert not conflicts("By how much has demand for cotton fallen since 2019?", quote)
    assert not conflicts("By how much has demand for linen fallen since 2019?", quote)
    assert not conflicts("By how much has demand for wool fallen since 2019?",
                         "Demand for cotton and demand for wool had fallen by a third since 2019.")
    ans = check("By how much has demand for wool fallen since 2019?", article=quote)
    assert ans.abstained and "demand for cotton" in ans.error, ans.error


def test_an_owner_the_subject_points_back_to_is_read_with_the_sentence_before():
    """"The firm's profits rose 4 percent" after "Halden Foods said ...": the model and the premise checks read
    "The firm's (Halden Foods) profits" (a right answer to "How much did Halden Foods' profits rise?" had been
    declined as naming Halden Foods only beside the quote giving the number). A "the <noun>" owner still needs a
    name before it."""
    from rag.referents import with_referent
    before = "Halden Foods, which makes the bars, said sales remained strong. "
    assert with_referent("The firm's profits rose 4 percent on Tuesday.", before) == \
        "The firm's (Halden Foods) profits rose 4 percent on Tuesday."
    assert with_referent("The firm's profits rose 4 percent on Tuesday.", "A firm said sales remained strong. ") == \
        "The firm's profits rose 4 percent on Tuesday."
    article = before + "The firm's profits rose 4 percent on Tuesday."
    ans = check("How much did Halden Foods' profits rise on Tuesday?", article=article)
    assert not ans.abstained and "4 percent" in ans.answer, ans.error


def test_an_owner_s_words_are_not_its_titled_person_s():
    """"What did Halden Foods' chief executive say?" over "Halden Foods said sales remained strong": the
    company's words, and no chief executive in the quotes. Not when the quote gives the title, nor for a title
    whose holder the quotes may name without it ("the Norlandic leader" for "President Okonjo")."""
    from rag.premise import titled_missing
    said = ["Halden Foods, which makes the bars, said sales remained strong."]
    assert titled_missing(analyse("What did Halden Foods' chief executive say about sales?"), said) == [
        "Halden Foods' chief executive"]
    assert titled_missing(analyse("What did Halden Foods say about sales?"), said) == []
    assert titled_missing(analyse("What did Halden Foods' chief executive say about sales?"),
                          ["Halden Foods' chief executive, Ana Roth, said sales remained strong."]) == []
    assert titled_missing(analyse("What did the Norlandic leader say about sales?"),
                          ["President Okonjo said sales remained strong."]) == []
    ans = check("What did Halden Foods' chief executive say about sales?", article=said[0])
    assert ans.abstained and "chief executive" in ans.error, ans.error


def test_an_organisation_s_deed_is_not_a_person_s_the_quotes_never_name():
    """"What did Lena Holt call the plan?" over "The dockers' union, Unite Docks, called the plan a disgrace":
    the quotes never name Holt. A person may speak for an organisation asked about ("What did Unite Docks call
    the plan?" over "Lena Holt called it a disgrace" is left to the other checks)."""
    from rag.relations import strangers
    union = "The dockers' union, Unite Docks, called the plan \"a disgrace\" on Monday."
    assert strangers("What did Lena Holt call the plan?", union)
    assert not strangers("What did Unite Docks call the plan?", "Lena Holt called the plan \"a disgrace\" on Monday.")


def test_a_deed_every_passage_gives_to_another_by_name_is_not_the_question_s_doer_s():
    """"Why did Ana Roth retract the paper?" where the article says "Cardiff Press retracted the paper": quotes
    picked for her name hold no "retract". Not when a use of the verb has a pronoun doer (it may be her), not
    for what someone said (told by many verbs), not when a quote giving the number asked names the doer
    ("came third with 4,211 votes"), and not from an article that never names the doer."""
    from rag.relations import done_by_others, names_doer
    article = ("Cardiff Press retracted the paper on Monday after finding errors in its tables. "
               "Ana Roth, who led the study, apologised to readers and said she would correct the data.")
    assert [str(x) for x in done_by_others("Why did Ana Roth retract the paper?", article)] == [
        "in the source Cardiff Press is the one who did \u201cretract\u201d, not Ana Roth"]
    assert not done_by_others("Why did Cardiff Press retract the paper?", article)
    assert not done_by_others("Why did Ana Roth retract the paper?", "She retracted the paper on Monday.")
    assert not done_by_others("What did Ana Roth say about the tables?", "Cardiff Press said the tables had errors.")
    assert not names_doer("Why did Ana Roth retract the paper?", "Cardiff Press retracted the paper on Monday.")
    ans = check("Why did Ana Roth retract the paper?", article=article)
    assert ans.abstained and "Cardiff Press" in ans.error, ans.error
    # A doer named only beside its title ("The chair of ..., Bo Lind,"), where the parser hangs the name on the
    # "of" object: the title's holder did it, not the question's doer (and the holder's own question stands).
    titled = ("He announced his resignation in a letter read by his lawyer, Mark Tobin. "
              "ELMSTEAD — The chair of the Orwell trust, Bruno Keel, resigned on Friday after the audit.")
    assert [str(x) for x in done_by_others("Why did Sarah Keller resign?", titled)] == [
        "in the source Bruno Keel is the one who did \u201cresign\u201d, not Sarah Keller"]
    assert not done_by_others("Why did Bruno Keel resign?", titled)
    # "One of them, Lena Voss, ..., said she had spent": the person beside the speaker did it, not another.
    spent = "One of them, Lena Voss, a nurse from Arden, said she had spent 300 pounds on the tickets."
    assert [str(x) for x in done_by_others("How much did Ada Kerr spend on the tickets?", spent)] == [
        "in the source Lena Voss is the one who did \u201cspend\u201d, not Ada Kerr"]
    assert not done_by_others("How much did Lena Voss spend on the tickets?", spent)
    votes = "The Green candidate, Simon Vale, came third with 4,211 votes. Marlow received 18,406 votes."
    ans = check("How many votes did Simon Vale receive?", article=votes)
    assert not ans.abstained and "4,211" in ans.answer, ans.error


def test_a_bare_date_answer_is_checked_as_the_claim_it_makes():
    """"March [1]" answering "When did the board approve the plan?" claims the board approved it in March; a
    quote giving March to the inquiry's start ("which began in March") and the approval no date does not say
    so. A month is a date too. The same bare answer to "When did the inquiry begin?" stands."""
    article = "The inquiry, which began in March after a complaint, found that the board had approved the plan."
    ans = check("When did the board approve the plan?", "March [1].", article=article, skip=frozenset({"premise_stated"}))
    assert ans.abstained and "gives March to" in ans.error, ans.error
    # (premise_stated, earlier, finds the approval told and dated only by another event)
    assert 'date of "approve"' in check("When did the board approve the plan?", "March [1].", article=article).error
    ans = check("When did the inquiry begin?", "March [1].", article=article)
    assert not ans.abstained and ans.answer == "March [1].", ans.error
    ans = check("When did the inquiry begin?", "In March [1].", article=article)
    assert not ans.abstained, ans.error


def test_a_the_noun_subject_is_read_with_the_name_beside_that_noun_in_the_sentence_before():
    """"The probe, which cost 90 million euros, ..." after "... lost contact with its newest probe, Lumen-3, ...":
    read "The probe (Lumen-3)", so "How much did Lumen-3 cost?" is answered by that quote (it had been declined
    as naming neither "Lumen" nor "3")."""
    from rag.referents import with_referent
    before = "The agency said on Monday it had lost contact with its newest probe, Lumen-3, after its launch. "
    quote = "The probe, which cost 90 million euros, was built by the firm Halvik."
    assert with_referent(quote, before) == \
        "The probe (Lumen-3), which cost 90 million euros, was built by the firm Halvik."
    ans = check("How much did Lumen-3 cost?", article=before + quote)
    assert not ans.abstained and "90 million" in ans.answer, ans.error


def test_a_multiple_answers_how_much_more():
    """"three times more frequent" answers "How much more frequent have floods become?"."""
    from rag.question import gives_number
    q = analyse("How much more frequent have floods become since the 1990s?")
    assert gives_number(q, "Floods have become three times more frequent since the 1990s.")
    assert gives_number(q, "Floods have become twice as frequent since the 1990s.")
    assert not gives_number(q, "Floods have become more frequent since the 1990s.")


def test_british_and_american_spellings_are_one_word():
    """A model writes "criticized" and "color" over an article's "criticised" and "colour"; WordNet pairs
    "criticize" with "praise", so "Why did the council praise the mayor?" over "criticised the mayor" is turned
    round."""
    from rag.opposites import opposed
    from rag.support import terms
    from rag.words import us_spelling
    assert [t.key for t in terms("criticised colour centre analysed")] == \
        [t.key for t in terms("criticized color center analyzed")]
    assert us_spelling("four") == "four" and us_spelling("hour") == "hour"
    assert opposed("Why did the councillors praise the mayor?", "The councillors criticised the mayor on Monday.") == [
        ("praise", "criticised")]


def test_a_deed_a_named_speaker_reports_as_its_own_is_not_another_s():
    """"How many times did the agency test the system?" over "Halvik said it had tested the system 200 times":
    "it" is Halvik, so the agency is not said to have tested it. A doer known to the reader ("the agency") counts
    as a name does."""
    from rag.relations import done_by_others
    article = "The agency lost contact with the probe. Halvik said it had tested the power system 200 times."
    assert [str(x) for x in done_by_others("How many times did the agency test the power system?", article)] == [
        "in the source Halvik is the one who did \u201ctest\u201d, not the agency"]
    assert not done_by_others("How many times did Halvik test the power system?", article)
    ans = check("How many times did the agency test the power system?", article=article)
    assert ans.abstained and "Halvik" in ans.error, ans.error


def test_tens_spelled_out_count_the_thing_asked():
    """"Forty firefighters brought it under control" answers "How many firefighters fought the fire?" (news spells
    out a number opening a sentence; it had been declined as giving no number, in a UI trial)."""
    from rag.question import gives_number
    q = analyse("How many firefighters fought the fire?")
    assert gives_number(q, "Forty firefighters brought it under control.")
    assert gives_number(q, "Twenty-two firefighters fought it.")
    assert not gives_number(q, "The firefighters fought it through the night.")
    ans = check("How many firefighters fought the fire?", "Forty firefighters fought the fire [2].",
                article="The fire started in the reading room. Forty firefighters brought it under control.")
    assert not ans.abstained and "Forty" in ans.answer, ans.error


def test_a_date_at_the_end_of_a_month_dates_the_verb():
    """"At the end of March [1]" for "When will Ida Berg step down?" over "Ida Berg said she would step down at
    the end of March": March dates stepping down, not "end" (a right answer had been declined as giving March
    to another event)."""
    from rag.premise import dated
    from rag.nlp import parse
    assert dated(parse("Ida Berg said she would step down at the end of March."), "march").lemma_ == "step"
    article = "Ida Berg, the bank's chief executive, said she would step down at the end of March."
    ans = check("When will Ida Berg step down?", "At the end of March [1].", article=article)
    assert not ans.abstained, ans.error
    # The parser hangs "in April" on "ruling", the object of "appealed": one event.
    article = "The cooperative, Bay Fishers, had appealed that ruling in April."
    ans = check("When did the cooperative appeal the ruling?", "April [1].", article=article)
    assert not ans.abstained, ans.error


def test_verbs_of_more_and_of_less_are_opposites():
    """"Why did the bank cut its lending rate?" over "Norbank raised its lending rate": WordNet pairs only
    "increase" / "decrease"; the verbs news uses for them are their kinds (rag.opposites.amount_pairs). The
    same verb's synonym is no opposite."""
    from rag.opposites import opposed
    article = "Norbank raised its lending rate to 4 percent on Monday."
    assert opposed("Why did Norbank cut its lending rate?", article) == [("cut", "raised")]
    assert opposed("Why did Norbank reduce its lending rate?", article) == [("reduce", "raised")]
    assert not opposed("Why did Norbank increase its lending rate?", article)
    ans = check("Why did Norbank cut its lending rate?", article=article)
    assert ans.abstained and "raised" in ans.error, ans.error


def test_a_deed_the_question_says_was_refused_is_not_one_the_source_says_was_done():
    """"Why did Kessel Port refuse to pay the fine?" over "Kessel Port said it would pay the fine": the
    question's refusal is no premise the source states; one the source states is answered."""
    done = "Kessel Port said on Monday it would pay the fine by May."
    assert [str(x) for x in conflicts("Why did Kessel Port refuse to pay the fine?", done)] == [
        "the source says \u201cpay\u201d was or will be done, not refused or left undone"]
    assert not conflicts("Why did Kessel Port refuse to pay the fine?", "Kessel Port refused to pay the fine.")
    ans = check("Why did Kessel Port refuse to pay the fine?", article=done)
    assert ans.abstained and "not refused" in ans.error, ans.error


def test_a_title_stands_for_the_one_person_the_article_gives_it():
    """"What did the mayor say about the bridge?" where the article calls Lena Holt "Mayor" and the quote
    about the bridge is another person's words: not the mayor's. A description ("the Danish rider Ole Berg")
    is no title ("the rider" later may be another); a title two people hold stands for neither."""
    from rag.referents import with_title_holder
    article = ("Mayor Lena Holt opened the new library on Monday. "
               "Council leader Tomas Brand welcomed the report but said the bridge needed repairs.")
    assert with_title_holder("What did the mayor say about the bridge?", article) == \
        "What did Mayor Lena Holt say about the bridge?"
    assert with_title_holder("Why did the rider fall?", "The Danish rider Ole Berg won. The rider fell.") == \
        "Why did the rider fall?"
    assert with_title_holder("What did the mayor say?", article + " Mayor Ana Roth of Kessel agreed.") == \
        "What did the mayor say?"
    ans = check("What did the mayor say about the bridge?", article=article)
    assert ans.abstained and "Tomas Brand" in ans.error, ans.error
    ans = check("What did the council leader say about the bridge?", article=article)
    assert not ans.abstained and "repairs" in ans.answer, ans.error


def test_verbs_joined_by_and_or_but_share_their_doer():
    """"Brand welcomed the report but said ...": Brand does the saying too; not in a passive ("was arrested
    and charged") or where the joined verb has its own subject."""
    from rag.roles import roles
    said = [(r.predicate, r.role, r.key) for r in roles("Tomas Brand welcomed the report but said the bridge was old.")]
    assert ("say", "agent", "brand") in said
    own = [(r.predicate, r.key) for r in roles("Tomas Brand welcomed the report but Holt said it was old.")]
    assert ("say", "brand") not in own and ("say", "holt") in own


def test_a_name_is_called_by_the_noun_it_is_built_on():
    """"Who is the governor of the Bank of Norland?": the quote naming the governor calls it "the bank"
    (it had been declined as stating no "Norland", which only the sentence beside it holds). "What is the
    Bank of Norland's main rate?" asks for the rate, not the bank (the parser reads "the Bank of (Norland's
    main rate)")."""
    article = ("The Bank of Norland raised its main rate to 5 percent on Thursday. "
               "Governor Ana Roth said the bank was ready to act again.")
    ans = check("Who is the governor of the Bank of Norland?", article=article)
    assert not ans.abstained and "Ana Roth" in ans.answer, ans.error
    assert analyse("What is the Bank of Norland's main rate now?").wh_noun == "rate"
    reply = "Ana Roth is the governor of the Bank of Norland [1][2]."
    ans = check("Who is the governor of the Bank of Norland?", reply, skip=frozenset({"model_reads_claims"}), article=article)
    assert not ans.abstained and "Ana Roth" in ans.answer, ans.error


def test_a_name_moved_from_another_sentence_after_the_same_word_is_not_stated():
    """"Which statue was taken from a gallery in Porto?" over "a statue taken from the Rua Gallery in Braga",
    the article naming Porto elsewhere ("cleaned in Porto"): the source puts the gallery in Braga. The verb
    and its object read as one ("scored 9 goals for Hollin" says nothing "for Marsh"). A name the article
    never uses may be a rewording, and the name the source gives is answered."""
    from rag.relations import moved_names
    article = ("A bronze statue taken from the Rua Gallery in Braga was found on Sunday. "
               "It will be cleaned in Porto before it goes back on show. "
               "Ferreira scored 9 goals for Hollin last season. Marsh signed him in June.")
    taken = "A bronze statue taken from the Rua Gallery in Braga was found on Sunday."
    assert [str(x) for x in moved_names("Which statue was taken from a gallery in Porto?", taken, article)] == [
        "the source's \u201cgallery in Braga\u201d is not the claim's \u201cgallery in Porto\u201d"]
    assert not moved_names("Which statue was taken from a gallery in Braga?", taken, article)
    assert not moved_names("Which statue was taken from a gallery in Lisbon?", taken, article)
    # A place joined by "with", "to", "from" may stand for its country's government: only "in" / "at" place.
    signed = "Spain signed an agreement with Portugal on water."
    assert not moved_names("Why did Spain sign an agreement with Lisbon?", signed, f"{signed} Talks were held in Lisbon.")
    scored = "Ferreira scored 9 goals for Hollin last season."
    assert not moved_names("How many goals did Ferreira score for Hollin?", scored, article)
    ans = check("Which statue was taken from a gallery in Porto?", article=article)
    assert ans.abstained and "Braga" in ans.error, ans.error
    ans = check("Which statue was taken from a gallery in Braga?", article=article)
    assert not ans.abstained and "bronze statue" in ans.answer, ans.error
    assert [str(x) for x in moved_names("How many goals did Ferreira score for Marsh?", scored, article)] == [
        "the source's \u201cscore for Hollin\u201d is not the claim's \u201cscore for Marsh\u201d"]


def test_a_time_clause_takes_its_main_verb_s_time():
    """"it would reopen once engineers had repaired it": the repair is still to come, so "Where will the pump
    be repaired?" is no question about the past; a repair told in the past is."""
    later = "The station said the pump would restart in May, once engineers in Leeds had repaired it."
    assert not conflicts("Where will the pump be repaired?", later)
    assert conflicts("Where will the pump be repaired?", "Engineers in Leeds repaired the pump last year.")
    ans = check("Where will the pump be repaired?", article=later)
    assert not ans.abstained and "Leeds" in ans.answer, ans.error


def test_the_question_s_deed_is_read_where_the_tagger_takes_its_verb_for_a_noun():
    """"How much reward did the town council offer?": the small tagger reads "offer" as a noun there; read in
    the declarative, the deed is the insurer's in the one sentence that tells it, while the council's quote
    with a number is about other money."""
    article = ("The town council approved 200,000 euros for new locks on Monday. "
               "The insurer, Falk Mutual, had offered a reward of 40,000 euros for the statue's return.")
    ans = check("How much reward did the town council offer?", article=article)
    assert ans.abstained and "Falk Mutual" in ans.error, ans.error
    ans = check("How much reward did Falk Mutual offer?", article=article)
    assert not ans.abstained and "40,000" in ans.answer, ans.error


def test_a_weekday_belongs_to_the_event_its_quote_gives_it():
    """"The statue was stolen on Friday night" over "a statue stolen a month ago, after police stopped a lorry on
    Friday night": Friday dates the stop ("night" is part of the day, not the event); the same answer with
    the theft's own date passes."""
    article = "Police found a statue stolen from the Rua Gallery a month ago, after officers stopped a lorry on Friday night."
    q = "When was the statue stolen?"
    ans = check(q, "The statue was stolen a month ago, on Friday night [1].", article=article)
    assert ans.abstained and 'gives Friday to "stolen"; its quote gives it to "stopped"' in ans.error
    ans = check(q, "The statue was stolen a month ago [1].", article=article)
    assert not ans.abstained, ans.error


def test_a_deed_joined_from_several_quotes_is_not_taken_from_a_passage_about_others():
    """"The caretaker was arrested near the port on Friday night, November 3 [1][2]": one quote has the
    caretaker open a door on November 3, the other a lorry stopped near the port on Friday night, and only an
    uncited passage tells of an arrest, of two drivers. A deed no passage tells is left alone."""
    article = ("The caretaker had opened a side door on the night of the theft, November 3. "
               "Officers stopped a lorry near the port on Friday night. "
               "Two drivers, aged 34 and 41, were arrested.")
    q = "When was the caretaker arrested near the port?"
    reply = "The caretaker was arrested near the port on Friday night, November 3 [1][2]."
    others = frozenset({"dates_agree", "model_reads_claims"})  # (the date is the stop's, too)
    ans = check(q, reply, article=article, skip=others)
    assert ans.abstained and '"The caretaker" do "arrested"' in ans.error, ans.error
    assert not check(q, reply, article=article, skip=others | {"deed_from_its_quotes"}).abstained
    told = article.replace("Two drivers, aged 34 and 41, were arrested.", "The lorry was searched.")
    assert not check(q, reply, article=told, skip=others).abstained


def test_a_passive_deed_on_the_question_s_thing_with_no_doer_may_be_the_question_s_doer_s():
    """"How did the club pay the fee?": "The fee was paid with money the club received ..." names no payer, so
    "the 1.5 million pounds United paid Dundee for Ian Moss" (another payment) is no proof that someone else
    paid it."""
    from rag.relations import done_by_others
    article = ("The previous record was the 1.5 million pounds United paid Dundee for the midfielder Ian Moss in "
               "2019. The fee was paid with money the club received from selling its defender Sean Kerr to Hearts "
               "last month.")
    assert not done_by_others("How did the club pay the fee?", article)
    ans = check("How did the club pay the fee?", article=article)
    assert not ans.abstained and "selling its defender Sean Kerr" in ans.answer, ans.error
    assert done_by_others("How did the club pay the fee?", article.replace("The fee was paid", "The fee came"))


def test_which_number_asks_for_a_number():
    """"Which shirt number will Sean Kerr wear?" asks a number, as "What number ...?" does: a quote naming him
    with none does not answer it."""
    assert analyse("Which shirt number will Sean Kerr wear?").wants == "number"
    article = "Hollin sold its defender Sean Kerr to Hearts last month. Ivo Reis will wear the number 9 shirt."
    ans = check("Which shirt number will Sean Kerr wear?", article=article)
    assert ans.abstained, ans.answer
    ans = check("Which shirt number will Ivo Reis wear?", article=article)
    assert not ans.abstained and "number 9" in ans.answer, ans.error


def test_a_date_of_the_verb_s_own_phrase_is_the_verb_s():
    """"the cracks had been found during a routine inspection on Friday": the parser hangs "on Friday" on
    "inspection", a phrase of "found", so "The cracks were found on Friday" is what it says."""
    article = "The manager said the cracks had been found during a routine inspection on Friday."
    ans = check("When were the cracks found?", "The cracks were found on Friday [1].", article=article)
    assert not ans.abstained, ans.error
    assert check("When were the cracks found?", "The cracks were found on Friday [1].", article=article,
                 skip=frozenset({"model_reads_claims"})).answer.startswith("The cracks were found on Friday")


def test_a_word_of_the_dated_verb_s_phrase_shares_its_date():
    """"temperatures would fall to about 31 degrees on Monday": "31 degrees on Monday" gives Monday to
    "degrees", which is what the dated verb falls to, not another event."""
    article = "Forecasters said temperatures would fall to about 31 degrees on Monday, when rain is expected."
    ans = check("What temperature is expected on Monday?", "31 degrees on Monday [1].", article=article,
                skip=frozenset({"model_reads_claims"}))
    assert not ans.abstained, ans.error


def test_a_deed_told_in_an_irregular_form_is_not_denied_by_another_use():
    """"How many wells did the survey find?" where the article says the survey "found 14 wells" and, of
    something else, "did not find that any farm had broken the rules": the stemmer cannot join "found" to
    "find", so only the denied use was read and the right answer was declined."""
    article = ("The survey, published on Monday, found 14 wells that had run dry. It did not find that any farm "
               "had broken the rules.")
    ans = check("How many wells did the survey find?", article=article)
    assert not ans.abstained and "14 wells" in ans.answer, ans.error
    ans = check("How many wells did the survey find?", article="It did not find any well that had run dry.")
    assert ans.abstained, ans.answer


def test_a_noun_that_names_a_place_too_does_not_ask_for_a_person():
    """"Which ward ...?" asks for a district as often as for a person in someone's care (WordNet has both):
    a quote naming "the Northgate ward" answers it."""
    assert analyse("Which ward did Lena Moss represent?").wants is None
    assert analyse("Which councillor represented the Northgate ward?").wants == "person"
    ans = check("Which ward did Lena Moss represent?",
                article="Lena Moss joined the council in 2011 as a member for the Northgate ward.")
    assert not ans.abstained and "Northgate" in ans.answer, ans.error


def test_two_participants_put_in_each_other_s_places_do_not_answer():
    """"Who ordered the union to pay the council's costs?" over "ordered the council to pay the union's costs":
    neither is the other's role word for word (one is ordered, the other owns the costs), so no single role is
    opposed; both are in the other's place. Common nouns count: both are said in both."""
    from rag.relations import Exchanged
    source = "Judge Ada Rusk ordered the council to pay the union's legal costs."
    found = conflicts("Who ordered the union to pay the council's legal costs?", source)
    assert any(isinstance(x, Exchanged) for x in found), found
    assert not conflicts("Who ordered the council to pay the union's legal costs?", source)
    ans = check("Who ordered the union to pay the council's legal costs?", article=source)
    # (the one ordered is also the doer of "pay": that role alone is opposed too, and may be the one told)
    assert ans.abstained and ("the other way round" in ans.error or "doer of \u201cpay\u201d" in ans.error), ans.error


def test_a_doer_named_by_another_organisation_s_head_noun_is_another_doer():
    """"How much did the trust raise?" over "the association had raised 12,000 pounds", where the article
    names the Hollin River Trust and the Marsh Anglers' Association: two organisations. Without such names
    ("the firm", "the company") the two words may be one doer."""
    from rag.relations import other_named_doer
    article = ("The Hollin River Trust will restore the weir. The Marsh Anglers' Association opposed the plan. "
               "Its chairman said the association had raised 12,000 pounds for a legal challenge.")
    said = "Its chairman said the association had raised 12,000 pounds for a legal challenge."
    assert [str(x) for x in other_named_doer("How much did the trust raise?", said, article)] == [
        "in the source the association is the one who did \u201craise\u201d, not the trust"]
    assert not other_named_doer("How much did the association raise?", said, article)
    plain = "The firm will restore the weir. Its chairman said the company had raised 12,000 pounds."
    assert not other_named_doer("How much did the firm raise?", "the company had raised 12,000 pounds.", plain)
    ans = check("How much did the trust raise for a legal challenge?", article=article)
    assert ans.abstained and "the association is the one who did" in ans.error, ans.error
    ans = check("How much did the association raise for a legal challenge?", article=article)
    assert not ans.abstained and "12,000" in ans.answer, ans.error


def test_a_when_clause_hung_on_a_date_is_dated_by_it():
    """"The company was fined 80,000 pounds in 2019" over "cited for a smaller leak in 2019, when the company
    was fined 80,000 pounds": the fine is dated by the year its clause hangs on, not another event's."""
    article = "The agency said the plant had been cited for a smaller leak in 2019, when the company was fined 80,000 pounds."
    ans = check("How much was the company fined in 2019?", "The company was fined 80,000 pounds in 2019 [1].",
                article=article)
    assert not ans.abstained and "80,000" in ans.answer, ans.error


def test_how_often_is_not_when():
    """"every quarter" tells how often, not when: a quote saying a committee approved statements "every
    quarter" does not give the date "When did the council cancel Ada Rusk's card?" asks, so a name only that
    quote holds is beside the one that does ("cancelled the mayor's card in September"). It answers "When
    does ...?"."""
    q = analyse("When did the council cancel Ada Rusk's card?")
    often = "Tom Hale said Ada Rusk's committee had approved the card statements every quarter without asking questions."
    assert not gives_kind(q, often)
    assert gives_kind(analyse("When does the committee approve the card statements?"), often)
    article = often + " Later, the clerk said the council had cancelled the mayor's card in September."
    ans = check("When did the council cancel Ada Rusk's card?", article=article)
    assert ans.abstained, ans.answer


def test_a_power_to_do_is_not_the_deed():
    """"which has the power to order a fresh inquiry" or "a plan to build" says the deed may come, not that it
    was done; "its decision to close the depot" is as good as done."""
    power = ("On Monday the panel referred the matter to the Varrow Water Board, which has the power to order a "
             "fresh inquiry.")
    ans = check("Why did the Varrow Water Board order a fresh inquiry?", article=power)
    assert ans.abstained and "order" in ans.error, (ans.answer, ans.error)
    assert not conflicts("Which board has the power to order a fresh inquiry?", power)
    plan = "The council unveiled a plan to build 300 homes at Tolley Green."
    assert conflicts("Why did the council build 300 homes at Tolley Green?", plan)
    decided = "The board confirmed its decision to close the Ardley depot in May."
    assert not conflicts("Why did the board close the Ardley depot?", decided)


def test_words_quoted_from_another_speaker_are_not_theirs():
    """ "Why did Ivo Marsh say tenants had been "ignored"?" where the chair, by name, said it: declined with the
    chair's sentence; not when the words are Marsh's, nor when the source leaves the speaker unnamed."""
    from rag.relations import said_by_others
    article = ("The panel's chair, Councillor Rhona Vetch, said tenants had been \u201cignored, not consulted\u201d. "
               "The local MP, Ivo Marsh, said he had written to the housing minister.")
    ans = check('Why did Ivo Marsh say tenants had been "ignored, not consulted"?', article=article)
    assert ans.abstained and "Rhona Vetch" in ans.error, (ans.answer, ans.error)
    assert not said_by_others('Why did Rhona Vetch say tenants had been "ignored, not consulted"?', article)
    assert not said_by_others('Why did Ivo Marsh say tenants had been "ignored"?',
                              '"They were ignored," she said. Ivo Marsh wrote to the minister.')


def test_a_person_speaks_for_the_firm_whose_title_they_hold():
    """ "He said the company intended ... and hoped to begin building in 2027" after "Ida Holm, Tarrow's managing director,
    said ..." answers when Tarrow hopes to build; the same "He" after a person of no firm does not stand
    for the firm."""
    from rag.relations import referent_conflicts
    before = "Ida Holm, Tarrow's managing director, said the firm had won the site fairly."
    quote = "He said the company intended to submit plans in the autumn and hoped to begin building in 2027."
    assert not referent_conflicts("When does Tarrow hope to begin building?", quote, before)
    stranger = "Ida Holm, a local resident, said the firm had won the site fairly."
    assert referent_conflicts("When does Tarrow hope to begin building?", quote, stranger)


def test_facts_from_one_quote_reads_its_owner_in_the_sentence_before():
    """ "Its chairman, Bo Lind, ..." after a sentence naming the society: the quote names the society, so "Bo
    Lind is the chairman of the Orwell Rowing Society [1][2]" is one quote's fact, not two joined."""
    article = ("The Orwell Rowing Society, which has 120 members, opposed the plan. Its chairman, Bo Lind, 64, said "
               "members had been ignored.")
    reply = "Bo Lind, 64, is the chairman of the Orwell Rowing Society [1][2]."
    ans = check("Who is the chairman of the Orwell Rowing Society?", reply, article=article)
    assert not ans.abstained, ans.error


def test_another_speakers_saying_beside_the_answer_is_no_conflict():
    """ "Why did the Orrin Board say it had no choice?" quoted from "Its chief executive said the board had no
    choice" beside "Ana Roth, a parent, said ...": another's saying beside the one asked about is no conflict
    (nor is the board's own officer another doer); beside a quote that tells no saying it still is."""
    article = ("The Orrin Board cancelled the results. Its chief executive said the board had no choice because it "
               "could not tell who had seen the paper. Ana Roth, a parent, said about 60 families had written "
               "to the board.")
    reply = "The Orrin Board said it had no choice because it could not tell who had seen the paper [2][3]."
    ans = check("Why did the Orrin Board say it had no choice?", reply, article=article,
                skip=frozenset({"facts_from_one_quote", "deed_from_its_quotes"}))
    assert not ans.abstained, ans.error
    from types import SimpleNamespace
    from rag.checks import _but_others_saying
    q = "Why did the Orrin Board say it had no choice?"
    told = SimpleNamespace(quote="Its chief executive said the board had no choice.")
    untold = SimpleNamespace(quote="The Orrin Board cancelled the results.")
    roths = SimpleNamespace(quote="Ana Roth, a parent, said the Orrin Board should reinstate the results.")
    roth = conflicts(q, roths.quote)
    assert [str(x) for x in roth] == ["in the source Ana Roth is the one who did \u201csay\u201d, not Orrin Board"]
    assert _but_others_saying([(q, told), (q, roths)], roth) == []
    assert _but_others_saying([(q, untold), (q, roths)], roth) == roth


def test_an_officer_named_beside_the_title_speaks_for_the_group():
    """ "Its chairman, Ivo Brandt, said ..." answers why the Kessel Ferry Company said something: the name beside
    the group's own title is its officer, not another doer; a name with no such title still is."""
    q = "Why did the Kessel Ferry Company say it had cancelled the sailings?"
    told = "Its chairman, Ivo Brandt, said the company had cancelled the sailings because the harbour was closed."
    assert conflicts(q, told) == []
    other = "Ivo Brandt, a passenger, said the company had cancelled the sailings because the harbour was closed."
    assert [str(x) for x in conflicts(q, other)] == [
        "in the source Ivo Brandt is the one who did \u201csay\u201d, not Kessel Ferry Company"]


def test_a_length_of_time_counted_in_words_is_compared_by_its_length():
    """"Why did it take the crew two days ...?" over "it took engineers nine hours ...": lengths in words
    and other units are lengths too (48 hours is two days); not an age ("a 58-year-old")."""
    from rag.premise import _lengths, number_value
    assert [number_value(w) for w in ("nine", "eighteen", "twenty-two", "40", "dozen")] == [9, 18, 22, 40, None]
    assert [x[0] for x in _lengths("a 58-year-old fitter, two years old, for eighteen months, a 25-year lease")] \
        == ["eighteen months", "25-year"]
    article = "It took engineers nine hours to repair the pump at Selby Mill."
    ans = check("Why did it take engineers two days to repair the pump at Selby Mill?", article=article)
    assert ans.abstained and "two days" in ans.error, (ans.answer, ans.error)
    assert "two days" not in (check("Why did it take engineers two days to repair the pump at Selby Mill?",
                                    article=article.replace("nine hours", "48 hours")).error or "")
    ans = check("How long did it take engineers to repair the pump at Selby Mill?", article=article)
    assert not ans.abstained and "nine hours" in ans.answer, (ans.answer, ans.error)  # hours answer "how long"


def test_a_deed_only_recommended_was_not_done():
    """"officers recommended that the scheme be approved" does not say it was approved."""
    from rag.tense import TimeConflict
    said = "Planning officers recommended that the Dunmore scheme be approved."
    assert conflicts("The Dunmore scheme was approved.", said) == [TimeConflict("approve", "past", "open")]
    assert conflicts("The Dunmore scheme was approved.", said.replace("be approved", "should be approved"))
    assert not conflicts("The Dunmore scheme was approved.", said.replace("recommended", "said"
                                                                          ).replace("be approved", "was approved"))


def test_a_deed_someone_made_happen_was_done():
    """"a fault which made the gates reject every ticket": the gates rejected them, as the fault did its making;
    a bare infinitive under "make" is no wish ("recommended that the scheme be approved")."""
    said = "The engineers said a faulty update, which made the gates reject every ticket, was sent at 2am."
    assert not conflicts("The gates rejected every ticket.", said)
    assert conflicts("The gates rejected every ticket.", said.replace("which made", "which will make"))


def test_a_clause_on_a_person_s_description_is_said_of_the_person():
    """"Ines Varga, a nurse who drives from Hollin each day": the nurse is Ines Varga, who drives."""
    article = ("Ines Varga, a 41-year-old nurse who drives from Hollin to the hospital each day, said the road "
               "was closed on Monday. The road opened in 2020.")
    ans = check("Where does Ines Varga drive from each day?", article=article)
    assert not ans.abstained and "Hollin" in ans.answer, ans.error
    assert not conflicts("Ines Varga drives from Hollin to the hospital each day.", article)


def test_an_officer_speaks_for_the_organisation_whose_title_they_hold():
    """"Ana Roth said the agency would fine Kelso" answers what the Tarrow Water Agency (TWA) said, when the
    article calls her the agency's chief executive; not what another organisation said."""
    from rag.relations import speaks_for
    article = ("The Tarrow Water Agency (TWA) opened an inquiry on Monday. Ana Roth, the agency's chief executive, "
               "said the TWA would fine Kelso Pumps £40,000 for the leak. Kelso Pumps denied any fault.")
    assert speaks_for("Roth", "TWA", article) and speaks_for("Ana Roth", "the Tarrow Water Agency", article)
    assert not speaks_for("Roth", "Kelso Pumps", article)
    ans = check("How much did the TWA say it would fine Kelso Pumps?", article=article)
    assert not ans.abstained and "£40,000" in ans.answer, ans.error


def test_a_deed_is_read_against_the_use_of_its_verb_about_the_same_thing():
    """"paid the fine but refused to pay the costs": paying the costs was refused, paying the fine was done;
    "When did Kelso say the rest would reopen?" over "said it had reopened 40 stations, but refused to say
    when the rest would reopen" is declined, with that sentence shown."""
    said = "The council paid the fine but refused to pay the costs."
    assert conflicts("The council paid the costs.", said) and not conflicts("The council paid the fine.", said)
    article = ("Ana Roth declined to say which way she would vote. Kelso Rail said it had reopened 40 stations by "
               "Friday, but the company refused to say when the remaining stations would reopen.")
    ans = check("When did Kelso Rail say the remaining stations would reopen?", article=article)
    assert ans.abstained and "refused" in ans.answer and "Roth" not in ans.answer, (ans.answer, ans.error)


def test_a_deed_finished_is_done():
    """"finished paving the road" says the paving was done: not when the source only intends it."""
    said = "The council intends to pave the road by the end of next year."
    assert conflicts("The council finished paving the road.", said)
    assert not conflicts("The council finished paving the road.", "The council paved the road in May.")


def test_a_plain_past_in_a_time_clause_under_will_was_done():
    """"will stay open after donors raised £9,000": the raising is done; "would restart once engineers had
    repaired it" is still to come."""
    assert not conflicts("Donors raised £9,000.", "The hall will stay open after donors raised £9,000.")
    assert conflicts("Engineers repaired the pump.", "The pump would restart once engineers had repaired it.")


def test_a_why_question_asks_a_reason_whatever_it_holds():
    """"Why did the trust decline to say how much it paid?" asks a reason, not a number; the question's
    "decline to say" (parsed as a clause of purpose) is the quote's refusal, not its opposite."""
    from rag.question import NUMBER_
    assert analyse("Why did the Ormond Trust decline to say how much it paid for the organ?").wants is None
    assert analyse("How much did the Ormond Trust pay for the organ?").wants == NUMBER_
    article = "The Ormond Trust declined to say how much it paid for the organ, citing a confidentiality clause."
    ans = check("Why did the Ormond Trust decline to say how much it paid for the organ?", article=article)
    assert not ans.abstained and "confidentiality" in ans.answer, (ans.answer, ans.error)


def test_the_speaker_of_a_quotation_that_runs_over_sentences():
    """'X said she was "saddened". "We tried for a year. The collection will be split," she said.': "she"
    is X, two sentences back, across the sentence that only goes on quoting; a sentence that closes its
    quotation or names someone stops the walk."""
    from rag.checks import _with_sentence_before
    from rag.schema import Citation
    first = 'Ruth Calloway, the museum\'s director, said she was "saddened" by the vote. '
    middle = '"Trustees examined every offer for a year and found none acceptable. '
    last = 'The Harker collection will now be split," she said.'
    article = "The vote was held on Monday. " + first + middle + last
    quote = Citation(1, "d", "t", "s", last, len(article) - len(last), len(article))
    assert _with_sentence_before(article, quote) == first + middle + last
    closed = article.replace("none acceptable. ", 'none acceptable," she said. ')
    quote = Citation(1, "d", "t", "s", last, len(closed) - len(last), len(closed))
    assert _with_sentence_before(closed, quote) == '"Trustees examined every offer for a year and found none ' \
        'acceptable," she said. ' + last
    ans = check("According to Ruth Calloway, what will happen to the Harker collection?", article=first + middle + last)
    assert not ans.abstained and "split" in ans.answer, (ans.answer, ans.error)


def test_a_deed_told_only_from_the_other_side_names_its_doer():
    """"The council sold the field to Corlett Homes": Corlett Homes bought it, the council did not; "Which
    company" asks the buyer as "Who" does."""
    sold = "Marden District Council sold the Elm Road playing field to Corlett Homes in May."
    found = conflicts("Marden District Council bought the Elm Road playing field.", sold)
    assert [str(x) for x in found] == [
        "in the source Corlett Homes is the one who did \u201cbuy\u201d, not Marden District Council"]
    assert not conflicts("Corlett Homes bought the Elm Road playing field.", sold)
    assert not conflicts("Marden District Council bought the Elm Road playing field.",
                         "Marden District Council sold its shares to Corlett Homes.")  # another thing sold
    ans = check("Who bought the Elm Road playing field?", "Marden District Council [1]", article=sold)
    assert "Marden District Council [1]" not in ans.answer, (ans.answer, ans.error)
    ans = check("Which company is buying the Elm Road playing field?", article=sold)
    assert not ans.abstained and "Corlett Homes" in ans.answer, (ans.answer, ans.error)


def test_quotes_shown_for_the_model_name_the_questions_person():
    """With a model, the quotes shown in place of its unsupported answer must name the question's person
    (as in extractive mode): "she said" after another woman's words is not the councillor's saying."""
    article = ("The residents' spokeswoman, Edna Morrow, told the committee that the consultation had cost the "
               "street its trust. \"Nobody asked us about the trees,\" she said.")
    ans = check('Why did Priya Lamb say "Nobody asked us about the trees"?', "Because the plans were secret [2].",
                article=article, rate=lambda p, q=None: 0.95, states=lambda c, p: 0.95)
    assert ans.abstained and "Priya Lamb" in (ans.error or ""), (ans.answer, ans.error)


def test_a_place_below_or_under_something_answers_where():
    """"below the pump tower", "under the kitchen" answer "where" as "in the kitchen" does."""
    where = analyse("Where did the leak at Harlow Mill start?")
    assert gives_kind(where, "It started below the pump tower.")
    assert gives_kind(where, "It started under the old kitchen.")
    assert not gives_kind(where, "It started below the waterline of expectations.")


def test_the_one_accused_of_a_deed_is_its_doer():
    """"Why did the trust accuse the union of delaying the repairs?" over "the union claimed the trust delayed
    the repairs": the question makes the union the delayer, the source the trust."""
    said = "The Stagehands' Union has claimed that the Fenwick Trust delayed the repairs to save money."
    found = conflicts("Why did the Fenwick Trust accuse the union of delaying the repairs?", said)
    assert [str(x) for x in found] == ["in the source Fenwick Trust is the one who did \u201cdelay\u201d, not union"]
    assert not conflicts("Why did the union accuse the Fenwick Trust of delaying the repairs?", said)


def test_a_thing_only_asked_for_did_nothing_yet():
    """"she called for an independent inquiry", "demanded a recount": the inquiry found nothing yet; not when
    the source says it was held."""
    from rag.tense import NotYet
    asked = "Tess Marlow, the tenants' organiser, called for an independent inquiry."
    assert conflicts("The independent inquiry found faulty wiring.", asked) == [
        NotYet("The independent inquiry", "call")]
    assert conflicts("The recount changed the result.", "Okafor demanded a recount.")
    assert not conflicts("The recount changed the result.", "Okafor demanded a recount, which was held on Friday.")
    assert not conflicts("The inquiry found faulty wiring.", "The council opened an inquiry. Tenants called for an inquiry.")


def test_what_time_asks_a_time():
    from rag.question import DATE
    assert analyse("At what time was the fire at the Halden Mill reported?").wants == DATE
    assert analyse("What time did the polls close?").wants == DATE


def test_a_count_of_people_answers_no_how_much():
    """"How much was the hall insured for?" is not answered by "the union, which represents its 46 staff";
    "How many staff ...?" is, and "how much" by an amount beside a count ("Its 300 members raised £5,000")."""
    from rag.question import gives_number
    union = "The union, which represents the venue's 46 staff, says the wiring was faulty."
    assert not gives_number(analyse("How much was the Brindle Hall insured for?"), union)
    assert gives_number(analyse("How many staff does the Brindle Hall have?"), union)
    assert gives_number(analyse("How much did the union raise?"), "Its 300 members raised £5,000.")


def test_a_word_of_an_organisations_name_is_no_person():
    """Found on a new article: "<town>'s MP" tagged the town a person, so "... at <town> University?" asked
    for a person no quote named, and every answer about the university was declined."""
    article = ("Kelford University is to cut 190 jobs. The cuts have also drawn concern from Kelford's MP, "
               "Gareth Lowe, who has written to the minister. "
               "Aisha Kumar, president of the students' union, said students feared disruption.")
    ans = check("Who is president of the students' union at Kelford University?", article=article)
    assert not ans.abstained and "Aisha Kumar" in ans.answer


def test_a_question_opening_with_its_preposition_or_asking_an_object_is_read_as_a_statement():
    """Found on a new article: "To which firm did <university> sell its halls?" made "firm" the seller, and
    "How much has <organiser> offered to people ...?" made the organiser the one offered something: both
    declined right answers as swapped roles."""
    from rag.declarative import declarative
    assert declarative("To which firm did Kelford University sell its halls of residence?") == \
        "Did Kelford University sell its halls of residence?"
    assert declarative("How much has Brightwater Events offered to people admitted to hospital?") == \
        "Has Brightwater Events offered it to people admitted to hospital?"
    assert declarative("Which firm has won it?") == "Which firm has won it?"  # asks for the subject
    source = ("The festival organiser, Brightwater Events, has refunded the entry price, and has offered a further "
              "£250 to those admitted to hospital.")
    assert conflicts("How much has Brightwater Events offered to people admitted to hospital?", source) == []
    sold = "Kelford University sold its halls of residence to the property firm Marlow Estates for £9.5 million."
    assert conflicts("To which firm did Kelford University sell its halls of residence?", sold) == []
    assert conflicts("To which firm did Marlow Estates sell its halls of residence?", sold)  # still swapped


def test_a_quotation_goes_on_past_words_a_pronoun_says():
    """The speaker of a quotation that names no one is the one named before "he said" ends the quotation
    before it: "According to <her>, how much ...?" is answered by her second sentence."""
    article = ("The branch president, Dr Ama Osei-Lund, called the plan \"an act of vandalism\". "
               "\"Staff did not cause this deficit,\" she said. "
               "\"Management spent £31 million on a new business school building.\"")
    ans = check("According to Dr Ama Osei-Lund, how much did management spend on the new business school building?",
                article=article)
    assert not ans.abstained and "£31 million" in ans.answer
    other = article.replace("The branch president, Dr Ama Osei-Lund,", "The branch president, Dr Ama Osei-Lund, "
                            "spoke first. Its treasurer, Tom Reyes,")
    assert check("According to Dr Ama Osei-Lund, how much did management spend on the new business school "
                 "building?", article=other).abstained  # the words before are another's


def test_nights_are_a_length_of_time():
    article = "Dana Kerr, whose son spent four nights in hospital, has formed a group of 30 families."
    assert check("Whose son spent two weeks in hospital?", article=article).abstained
    assert not check("Whose son spent four nights in hospital?", article=article).abstained


def test_a_deed_only_proposed_has_not_come_into_force():
    """ "When did the council's ban on late traders come into force?" over "The council has proposed banning
    late traders ...": the ban is only proposed."""
    article = ("The council has also proposed banning late-arriving traders from future events, a measure that "
               "will be put to a committee vote on 2 September.")
    ans = check("When did the council's ban on late-arriving traders come into force?", article=article)
    assert ans.abstained and ("propose" in ans.error or "\u201cban\u201d" in ans.error), ans.error
    assert not check("When will the council's proposed ban be put to a committee vote?", article=article).abstained


def test_a_noun_stated_only_as_another_part_of_speech_is_not_stated():
    from rag.opposites import opposed
    quote = "The college blamed a 22 per cent fall in student recruitment, together with rising energy costs."
    assert opposed("What caused the 22 per cent rise in student recruitment?", quote) == [("rise", "fall")]
    assert opposed("What caused the 22 per cent fall in student recruitment?", quote) == []


def test_an_organisation_the_article_is_not_about_must_be_named_by_its_quote():
    """ "When will Brackton Airways' hangar be sold?" over "... sell Skerrow Air's landing slots and its
    maintenance hangar": another airline's hangar. The one the article is about goes without saying."""
    article = ("Skerrow Air collapses into administration.\n"
               "Skerrow Air, a regional carrier, has collapsed. Brackton Airways, its rival, offered free seats. "
               "About 200 staff lost their jobs. The administrators said they would try to sell Skerrow Air's landing slots and its maintenance "
               "hangar by the end of June. A meeting for staff is planned at the Corn Exchange on Friday.")
    ans = check("When will Brackton Airways' maintenance hangar be sold?", article=article)
    assert ans.abstained and "Brackton Airways" in ans.error
    assert not check("Where will the meeting for Skerrow Air staff be held?", article=article).abstained


def test_an_article_is_about_what_its_lede_describes_and_the_next_sentence_names():
    """News describes its subject in the lede ("A 200-year-old church organ ...") and names it in the sentence
    after ("The Ashcombe Organ, built in 1820, ..."): the lede's quote answers about the named one. An article's
    text begins with its title, which is not one of the two sentences."""
    article = ("Church organ saved after appeal\n\nA 200-year-old church organ that was set to be scrapped will "
               "stay in Kelby after a trust raised £90,000 to restore it. The Ashcombe Organ, built in 1820, had "
               "been silent for a decade. The trust's appeal drew 900 donors.")
    ans = check("How much did the trust raise to restore the Ashcombe Organ?", article=article)
    assert not ans.abstained and "£90,000" in ans.answer, ans.error
    # the model answering from the lede and citing the naming sentence beside it
    ans = check("How much did the trust raise to restore the Ashcombe Organ?",
                "The trust raised £90,000 to restore it [1]. The Ashcombe Organ was built in 1820 [2].", article=article)
    assert not ans.abstained and "£90,000" in ans.answer, ans.error
    from rag.checks import _called_by_head
    q = analyse("How much did the museum raise to buy the Dunmore Tapestry?")
    assert _called_by_head(q, ["A woven tapestry that was set to be sold abroad will stay in Kelby."])
    assert not _called_by_head(q, ["Kelso, a tapestry dealer, will stay in Kelby."])
    # the question's verb in the quote, its opposite done by another ("was sold by an auction house") beside it
    from rag.opposites import opposed
    quote = ("A woven tapestry will stay in Kelby after the museum raised £2 million to buy it. The Dunmore "
             "Tapestry was sold at auction by Dell & Moss last year to a collector.")
    assert opposed("How much did the museum raise to buy the Dunmore Tapestry?", quote) == []
    assert opposed("When did the Kelby trust buy the hall?", "The hall was sold by the Kelby trust in May.")


def test_who_holds_a_title_is_answered_only_by_a_quote_giving_it():
    """"Who is the review board's spokesman?" is not answered by "Ida Kell acted on the advice of the review
    board": no one there is called its spokesman; "the board's spokeswoman, Ana Roth" answers it."""
    article = "Ida Kell acted on the advice of the review board, which ruled on Monday. The market opens at 9am."
    ans = check("Who is the review board's spokesman?", article=article)
    assert ans.abstained, ans.answer
    article = "The board's spokesman, Ana Roth, said it ruled on Monday. The market opens at 9am."
    ans = check("Who is the review board's spokesman?", article=article)
    assert not ans.abstained and "Ana Roth" in ans.answer, ans.error
    ans = check("Who is the chair of the review board?",
                article="The review board's chairwoman, Ana Roth, said it ruled on Monday. The market opens at 9am.")
    assert not ans.abstained and "Ana Roth" in ans.answer, ans.error


def test_a_thing_the_articles_say_was_kept_back_is_not_answered():
    """"What is the price of the sale?" over "The trust gave £90,000. The trust has refused to disclose the price
    of the sale": the articles say it is not known; a price of another thing kept back says nothing."""
    article = ("The Kelby trust bought the organ in May. The trust has refused to disclose the price of the sale, "
               "saying only that it was fair. The organ was built in 1820.")
    ans = check("What is the price of the sale of the organ?", article=article)
    assert ans.abstained and "refused" in ans.answer, (ans.answer, ans.error)
    from rag.tense import withheld
    assert not withheld("What is the price of the sale?", "The trust has refused to disclose the price of the hall.")
    assert not withheld("What is the price of the sale?", "The trust disclosed the price of the sale.")


def test_how_many_of_a_whole_is_not_answered_by_a_part_of_another():
    """"How many of the atlas's 300 pages are gilded?" is not answered by "The atlas has 300 pages and 60 maps,
    12 of which are gilded": 12 of the maps, and 60 maps; the question's own 300 is no answer."""
    article = "The atlas has 300 pages and contains 60 hand-drawn maps, 12 of which are gilded. It was sold in 1791."
    ans = check("How many of the atlas's 300 pages are gilded?", article=article)
    assert ans.abstained, ans.answer
    ans = check("How many of the atlas's 300 pages are gilded?", "60 [1]", article=article)
    assert ans.abstained or "60" not in ans.answer, ans.answer
    ans = check("How many of the atlas's 60 hand-drawn maps are gilded?", article=article)
    assert not ans.abstained and "12 of which" in ans.answer, ans.error


def test_a_state_told_again_in_its_holder_s_words_is_no_reason_for_it():
    """"Why did the board have no record of the letter?" is not answered by "The board said it had no record of
    that letter": the state again, no account of it; "said it had lost its files in a flood" would be one."""
    from rag.reasons import gives_reason
    q = "Why did the Kelby board have no record of the tenants' letter?"
    assert not gives_reason(q, "The Kelby board said it had no record of that letter.")
    assert gives_reason(q, "The Kelby board said its files had been lost in a flood.")


def test_a_day_after_a_time_of_day_dates_the_deed():
    """"sent at 2am on Tuesday": Tuesday dates the sending, however the parser hangs it on "am"."""
    from rag.nlp import parse
    from rag.premise import dated
    assert dated(parse("A faulty update was sent to the gates at 2am on Tuesday."), "tuesday").text == "sent"
    ans = check("Why did the gates reject every ticket?",
                "A faulty update sent to the gates at 2am on Tuesday made them reject every ticket [1].",
                article="A faulty update, which made the gates reject every ticket, was sent to the gates at 2am on "
                        "Tuesday. The market opens at 9am.")
    assert not ans.abstained, ans.error


def test_a_verb_joined_without_a_subject_is_said_of_the_first_verb_s_subject():
    """"the pump had been replaced and passed an inspection in May" says the pump passed it: "When did the pump
    fail an inspection?" is its opposite, though another pump "failed" in the quote beside."""
    from rag.opposites import opposed
    quote = ("Its director said the pump had been replaced in 2021 and passed an inspection in May. The flood began "
             "when a pump failed at the station.")
    assert opposed("When did the pump fail an inspection?", quote) == [("fail", "passed")]
    assert opposed("When did the pump pass an inspection?", quote) == []


def test_a_deed_someone_or_something_made_happen_has_its_maker_as_its_reason():
    """"a faulty update, which made the gates reject every ticket": the update is why they rejected them."""
    from rag.reasons import gives_reason
    said = "The engineers said a faulty update, which made the gates reject every ticket, was sent at 2am."
    assert gives_reason("Why did the gates reject every ticket?", said)
    assert not gives_reason("Why did the gates reject every ticket?", "The gates rejected every ticket on Monday.")


def test_a_definite_noun_is_written_with_the_one_name_the_article_gave_it():
    from rag.referents import with_names, with_referent
    earlier = ("The route will be run by Daleside Transport, a charity founded in 2009. "
               "Fellmoor County Council will pay the charity £38,000 a year. ")
    quote = "The charity's chair, Owen Reid, said volunteers had trained for six weeks."
    assert with_names(quote, earlier) == \
        "The charity's (Daleside Transport) chair, Owen Reid, said volunteers had trained for six weeks."
    assert with_names("The council approved it.", earlier) == "The council (Fellmoor County Council) approved it."
    two = earlier + "Moorway Buses, another charity, runs the school route. "
    assert with_names(quote, two) == quote  # two charities: which one is not said
    assert with_names("The Daleside Transport chair said so.", earlier) == "The Daleside Transport chair said so."
    # "Its" after "The trust denies it": the trust the article named before
    article = "The hall is run by the Corvale Arts Trust, a charity. The trust strongly denies the claim. "
    assert with_referent("Its chair, Dee Lang, said the work was done.", "The trust strongly denies the claim. ",
                         article) == "Its (Corvale Arts Trust) chair, Dee Lang, said the work was done."


def test_a_name_right_after_the_asked_noun_says_which():
    """Found in the UI trial: "Which consultancy inspected the roof?" over "... engineers from the consultancy
    Tennant Hale had inspected the roof" (the parser makes the name the subject of "inspected"): the sentence
    was passed over for two that did not answer, one from another article."""
    article = ("The council said engineers from the consultancy Tarrant Vale had inspected the roof on Thursday. "
               "The council said a second inspection had been delayed by the pandemic. "
               "Regular consultations continue at the highest levels.")
    ans = check("Which consultancy inspected the roof?", article=article)
    assert not ans.abstained and "Tarrant Vale" in ans.answer and "consultations" not in ans.answer

def test_the_asked_noun_left_bare_where_the_question_asks_which_says_nothing():
    """ "Which firm was hired to mend the pier?" answered "The Corran council hired the firm to mend the pier":
    the council is an organisation, but the answer leaves the firm asked about unnamed."""
    article = ("Corran Borough Council hired a firm to mend the pier in May. "
               "The council signed a contract with Halden Marine. The work will take a year.")
    q = "Which firm was hired to mend the pier?"
    ans = check(q, "Corran Borough Council hired the firm to mend the pier [1].", article=article)
    assert ans.abstained or "Halden Marine" in ans.answer, ans.answer
    ans = check(q, "Halden Marine was hired to mend the pier [2].", article=article,
                skip=frozenset({"facts_from_one_quote", "deed_from_its_quotes"}))
    assert "Halden Marine" in ans.answer, (ans.answer, ans.error)
    # The quotes: "made by a supplier in Spain" leaves the supplier unnamed, and so does the quote on "that
    # supplier" beside a person's name
    article = ("The chief executive, Ana Ruiz, said the cords had been made by a supplier in Spain. "
               "\"We have stopped working with that supplier,\" Ruiz said.")
    ans = check("Which supplier made the cords?", article=article)
    assert ans.abstained, ans.answer


def test_how_much_money_is_answered_by_an_amount_of_money():
    article = ("The Orvale line carries fewer passengers each year. "
               "The operator said the line lost about £310,000 last year.")
    ans = check("How much money did the Orvale line lose last year?", article=article)
    assert not ans.abstained and "£310,000" in ans.answer


def test_how_much_of_a_kind_of_money_is_answered_by_an_amount():
    """ "How much compensation ...?" is answered by "£45 off its next bill", which never says
    "compensation": the noun names money (rag.money, from WordNet); "how much rain" is not answered so."""
    from rag.money import is_money
    assert [is_money(w) for w in ("money", "cash", "price", "compensation", "funding", "grant", "fee", "rain",
                                  "water")] == [True] * 7 + [False, False]
    article = "The Corby Gas Company apologised. Every affected home would receive £45 off its next bill."
    ans = check("How much compensation will each affected home receive?", article=article)
    assert not ans.abstained and "£45" in ans.answer, (ans.answer, ans.error)
    ans = check("How much rain fell on each affected home?", article=article)
    assert ans.abstained, ans.answer


def test_a_question_verb_the_parser_reads_as_a_noun_matches_the_quote_verb():
    from rag.premise import numbers_missing
    from rag.question import analyse
    q = analyse("By how much did journeys on the 12 fall between 2018 and 2022?")
    said = "Figures show that journeys on the 12 fell by 14 per cent between 2018 and 2022, to 80,000 a year."
    assert numbers_missing(q, [said]) == []
    assert numbers_missing(q, ["Journeys on the 12 began in 2018 and grew every year to 2022."]) != []


def test_the_opposite_of_a_misread_question_verb_is_seen():
    from rag.opposites import opposed
    quote = ("Mr Dunn said a grant would keep the route running, but warned that the single fare on the 12 "
             "would still rise from £4.10 to £4.60.")
    assert opposed("By how much will the single fare on the 12 fall if the grant is paid?", quote) == [("fall", "rise")]
    assert opposed("By how much will the single fare on the 12 rise if the grant is paid?", quote) == []


def test_the_noun_a_name_is_built_on_calls_it_beside_the_quote_naming_it():
    article = ("The Orla Trust said the deer would move to the Kelso Deer Reserve in May. "
               "The reserve, which covers 200 acres, already houses 40 deer.")
    ans = check("How big is the Kelso Deer Reserve?", article=article)
    assert not ans.abstained and "200 acres" in ans.answer


def test_who_holds_a_persons_title_is_a_person_not_an_organisation_beside_them():
    article = ("The campaign group Friends of Route 9 has sent a petition calling on Pell County Council to act. "
               "Mark Dunn, Tarvey Buses' managing director, said the cut was needed.")
    assert check("Who is the managing director of Pell County Council?", article=article).abstained
    ans = check("Who is the managing director of Tarvey Buses?", article=article)
    assert not ans.abstained and "Mark Dunn" in ans.answer


def test_when_the_quote_dates_the_asked_event_the_models_other_date_gives_way_to_it():
    article = "Tarvey Buses announced on Monday 9 October that the route would close on Friday 3 March."
    ans = check("When did Tarvey Buses announce that the route would close?",
                "Tarvey Buses announced that the route would close on Friday 3 March [1].", article=article)
    assert not ans.abstained and "Monday 9 October" in ans.answer and "another date" in ans.error
    ans = check("When did Tarvey Buses announce that the route would close?",
                "Tarvey Buses announced it on Monday 9 October [1].", article=article)
    assert not ans.abstained and ans.error is None


def test_its_stands_for_a_group_named_by_a_plural():
    from rag.referents import with_referent
    before = "The campaign group Friends of the 12, set up last week, has collected 900 signatures."
    assert with_referent("Its chair, Ann Lee, said the bus was a lifeline.", before) == \
        "Its (The campaign group Friends of the 12) chair, Ann Lee, said the bus was a lifeline."
    assert with_referent("Its chair, Ann Lee, said so.", "Residents signed a petition.") == "Its chair, Ann Lee, said so."


def test_the_noun_points_back_to_the_name_built_on_it_not_to_the_subject_before():
    from rag.referents import with_referent
    before = "The Orla Trust said the deer would move to the Kelso Deer Reserve in May."
    assert with_referent("The reserve, which covers 200 acres, houses 40 deer.", before) == \
        "The reserve (the Kelso Deer Reserve), which covers 200 acres, houses 40 deer."


def test_a_when_question_needs_a_quote_telling_its_event():
    """Without a model, the date of another event is no answer: "When did the tenants lodge an appeal?" over
    the day their association was set up."""
    article = ("The tenants association, set up last week, has collected 900 signatures against the rent rise. "
               "The landlord will keep the hall open until at least 2027.")
    ans = check("When did the tenants lodge an appeal against the rent rise?", article=article)
    assert ans.abstained and "lodge an appeal against the rent rise" in ans.error
    assert not check("Until when will the landlord keep the hall open?", article=article).abstained
    # the date of another deed done to the same thing is no answer either
    article = ("The curfew was set in May when Mayor Ida Kell imposed a night curfew on the old town. The "
               "market opens at 9am.")
    ans = check("When did Ida Kell lift the night curfew on the old town?", article=article)
    assert ans.abstained and "lift" in ans.error, (ans.answer, ans.error)
    assert not check("When did Ida Kell impose the night curfew on the old town?", article=article).abstained
    assert not check("When did Ida Kell have a night curfew on the old town?", article=article).abstained
    # a kindred verb tells the asked deed in other words (rag.kindred, from WordNet)
    from rag.kindred import kindred
    assert kindred("hand", "deliver") and kindred("approve", "back") and not kindred("lift", "place")
    article = "The tenants delivered the keys to the letting agency on Tuesday. The market opens at 9am."
    ans = check("When did the tenants hand the keys to the letting agency?", article=article)
    assert not ans.abstained and "Tuesday" in ans.answer, ans.error


def test_a_reported_subject_pronoun_is_the_one_reporting():
    """"The inspectorate said it had been told about the leak": "it" is the inspectorate, the one told, so
    "The inspectorate told the water company ..." swaps who told whom; "she" stands for a person who reports,
    "it" never does."""
    source = "The inspectorate said it had been told about the leak on Monday."
    assert conflicts("The inspectorate told the water company about the leak on Monday.", source)
    assert conflicts("Helen Marsh told the water company about the leak on Monday.",
                     "Helen Marsh said she had been told about the leak on Monday.")
    assert not conflicts("Helen Marsh told the water company about the leak on Monday.",
                         "Helen Marsh said it had been told about the leak on Monday.")
    assert not conflicts("The water company told the inspectorate about the leak on Monday.", source)


def test_a_long_asked_phrase_without_a_verb_is_still_the_asked_phrase():
    """"How many people with heat stroke has the main hospital admitted?": the hospital admits them. Read as
    it stood, the small parser made the hospital the one admitted (a "had their results annulled" reading),
    and a quote where "it" (the hospital) admitted 86 people was declined for it."""
    from rag.declarative import declarative
    assert declarative("How many people with heat stroke has the main hospital admitted?") == \
        "Has the main hospital admitted?"
    assert declarative("Who said the plan was too expensive?") == "Who said the plan was too expensive?"
    article = "The city's main hospital said it had admitted 86 people with heat stroke since Thursday."
    ans = check("How many people with heat stroke has the main hospital admitted?", article=article)
    assert not ans.abstained and "86" in ans.answer, (ans.answer, ans.error)


def test_why_is_answered_by_a_reason_for_that_deed():
    """"Why" asks a reason (rag.reasons): a quote with the deed alone, or with the deed as the reason for
    something else ("sacked its manager after the owners sold the stadium"), does not answer it, and is shown
    as what the articles say; a reason on the deed itself does."""
    article = ("The cabinet met on Thursday and considered a grant of £500,000 for the repairs, but the proposal "
               "was not put to a vote. The bridge was closed on Monday after engineers found cracks in two of its "
               "hangers. The club sacked its manager after the owners sold the stadium.")
    for q in ("Why didn't the cabinet put the grant to a vote?", "Why did the owners sell the stadium?"):
        ans = check(q, article=article)
        assert ans.abstained and "no reason" in ans.error and "What they say" in ans.answer, (q, ans.answer)
    for q in ("Why was the bridge closed?", "Why did the club sack its manager?"):
        ans = check(q, article=article)
        assert not ans.abstained, (q, ans.answer, ans.error)
    # A model's answer giving no reason gives way to the quotes, which are read the same way.
    ans = check("Why did the owners sell the stadium?", "The owners sold the stadium [3].", article=article)
    assert ans.abstained and "no reason" in ans.error


def test_a_reason_is_read_from_the_parse():
    from rag.reasons import gives_reason
    assert gives_reason("Why did Kelli Ward resign?", "Donahue replaced Kelli Ward, who resigned to run for the Senate.")
    assert gives_reason("Why did Okafor request the recount?",
                        "Okafor requested the recount on Wednesday, citing problems with a counting machine.")
    assert gives_reason("Why was the firm fined?", "The authority fined the firm in 2022 for failing to report a sale.")
    # "for" a time or a party is no reason; nor "since" a year
    assert not gives_reason("Why was the firm fined?", "The authority fined the firm for the second time since 2019.")
    # the one asked about giving their own account
    assert gives_reason("Why does Graham Pettifer oppose the plan?", "Graham Pettifer said he would vote against it.")
    assert not gives_reason("Why does Graham Pettifer oppose the plan?", "Ruth Lane said he would vote against it.")
    # a saying asked about is no account of itself: its reason must be given with it
    q = "Why did Graham Pettifer say the grant was unlikely to pass?"
    assert not gives_reason(q, "Graham Pettifer said a proposal for a grant would go to the full board in May.")
    assert gives_reason(q, "Graham Pettifer said the grant was unlikely to pass because two members opposed it.")


def test_a_deed_only_weighed_was_not_done():
    """"had considered cancelling its registration but decided against it" does not say the registration was
    cancelled; "stopped making heaters" says they were made."""
    source = "The regulator said it had considered cancelling the home's registration in May but decided against it."
    assert any(getattr(c, "source_time", "") == "open" for c in conflicts(
        "The regulator cancelled the home's registration in May.", source))
    ans = check("When did the regulator cancel the home's registration?", article=source)
    assert ans.abstained, (ans.answer, ans.error)
    assert not conflicts("The firm made heaters until 2019.", "The firm stopped making heaters in 2019.")
    # weighed with a verb and its preposition
    looked = "The bank had looked at closing its Arnby branch, but decided to keep it open."
    assert any(getattr(c, "source_time", "") == "open" for c in conflicts("The bank closed its Arnby branch.", looked))
    assert check("Why did the bank close its Arnby branch?", article=looked).abstained
    assert not conflicts("The club moved its games.", "The club looked at the plans before moving its games.")


def test_a_comparative_after_how_much_is_not_the_thing_counted():
    """"How much longer are journeys?" asks by how much: "adding roughly 50 minutes to journeys" answers it,
    though it never says "longer"; "How much more money ...?" still counts money."""
    article = "Replacement buses run between the two towns, adding roughly 50 minutes to journeys."
    ans = check("How much longer are journeys on the replacement buses?", article=article)
    assert not ans.abstained and "50 minutes" in ans.answer, (ans.answer, ans.error)
    article = "The council will spend 40 more staff on the scheme this year."
    assert check("How much more money will the council spend on the scheme?", article=article).abstained


def test_two_verbs_of_informing_tell_one_deed():
    """"The regulator notified the firm" over "The regulator said it had been told about the leak": two verbs
    of informing (rag.words.INFORMING) have the one told as their object, so the regulator was told, it did not
    tell; the firm notifying the regulator is not contradicted."""
    source = "The regulator said it had been told about the leak on Friday 3 May."
    found = conflicts("The regulator notified Vantry Water about the leak on Friday 3 May.", source)
    assert found and found[0].claim_role == "agent" and found[0].source_role == "patient"
    assert not conflicts("Vantry Water notified the regulator about the leak on Friday 3 May.", source)
    assert not conflicts("The regulator approved the plan.", "The regulator said it had been told of the plan.")


def test_an_ergative_verb_without_an_object_is_done_to_its_subject():
    """"The blockade ended at noon" says what "talks ended the blockade" says: an ergative verb (rag.ergative,
    from WordNet's sentence frames) used without an object has a subject that undergoes it, opposed to
    neither doer nor the one acted on; a subject that acts keeps its role ("The union closed the depot")."""
    source = "The blockade ended at noon after talks with the harbour master, Ines Corradi."
    assert not conflicts("Which harbour master held talks that ended the blockade?", source)
    ans = check("Which harbour master held talks that ended the blockade?", article=source)
    assert not ans.abstained and "Ines Corradi" in ans.answer, (ans.answer, ans.error)
    assert conflicts("The depot closed the union.", "The union closed the depot in May.")
    assert not conflicts("The council closed the pier.", "The pier closed in May.")
    from rag.roles import roles
    assert {r.role for r in roles("The pier closed in May.") if r.key == "pier"} == {"undergoer"}
    assert {r.role for r in roles("Brantley Ferries closed in May.") if r.predicate == "close"} == {"agent"}


def test_wordnet_ergative_verbs_have_a_happening_sense_and_a_sense_with_an_object(tmp_path):
    """The builder of rag/data/ergative.txt on a hand-made slice of WordNet: "end" has a "Something ----s"
    sense (frame 1) and a transitive one (frame 8); "resign" is only done by somebody (frames 1 and 2 in
    one sense); "rise" takes no object."""
    from rag.ergative import ergative_verbs
    (tmp_path / "index.verb").write_text("  1 This software and database ...\nend v 2 0 2 0 00000001 00000002\n"
                                         "resign v 1 0 1 0 00000003\nrise v 1 0 1 0 00000004\n")
    (tmp_path / "data.verb").write_text(
        "  1 This software and database ...\n"
        "00000001 30 v 01 end 0 000 01 + 01 00 | come to an end\n"
        "00000002 30 v 01 end 0 000 01 + 08 00 | bring to an end\n"
        "00000003 30 v 01 resign 0 000 03 + 01 00 + 02 00 + 08 00 | give up a post\n"
        "00000004 30 v 01 rise 0 000 01 + 01 00 | go up\n")
    assert ergative_verbs(tmp_path) == ["end"]


def test_wordnet_kindred_verbs_share_a_common_sense_or_its_hypernym(tmp_path):
    """The builder of rag/data/kindred.txt on a hand-made slice of WordNet: "hand" and "pass" share a sense,
    "deliver"'s sense has "hand"'s as its hypernym; "apply" shares a sense with "give" that is only give's fourth
    (too rare a sense to join them); "turn_down" shares one with "refuse"."""
    from rag.kindred import kindred_verbs
    (tmp_path / "index.verb").write_text(
        "  1 This software and database ...\nhand v 1 0 1 0 00000001\npass v 1 0 1 0 00000001\n"
        "deliver v 1 0 1 0 00000002\napply v 1 0 1 0 00000004\n"
        "give v 4 0 4 0 00000005 00000006 00000007 00000004\n"
        "refuse v 1 0 1 0 00000008\nturn_down v 1 0 1 0 00000008\nput_up_with v 1 0 1 0 00000008\n")
    (tmp_path / "data.verb").write_text(
        "  1 This software and database ...\n"
        "00000001 40 v 02 hand 0 pass 0 000 | transfer\n"
        "00000002 40 v 01 deliver 0 001 @ 00000001 v 0000 | bring to a destination\n"
        "00000004 40 v 02 apply 0 give 0 000 | devote oneself\n"
        "00000005 40 v 01 give 0 000 | cause to have\n00000006 40 v 01 give 0 000 | be the cause of\n"
        "00000007 40 v 01 give 0 000 | dedicate\n"
        "00000008 40 v 03 refuse 0 turn_down 0 put_up_with 0 000 | reject\n")
    # two-word verbs join ("turn_down", as questions ask); longer ones do not
    assert kindred_verbs(tmp_path) == {"deliver": {"hand", "pass"}, "hand": {"pass"}, "refuse": {"turn_down"}}


def test_a_nouns_from_is_its_owner_when_nothing_else_owns_it():
    """"Which firm's engineers ...?" over "engineers from the firm Pelmore Consulting": one relation; "Russia's
    imports from Iran" against "Iran's imports from Russia" is still the owner and the origin swapped."""
    source = "Pupils were sent home after engineers from the firm Pelmore Consulting reported cracked roof planks."
    assert not conflicts("Which firm's engineers reported the cracked roof planks?", source)
    assert conflicts("Russia's imports from Iran grew.", "Iran's imports from Russia grew.")


def test_what_time_asks_for_a_time_of_day():
    """"What time did the minister arrive?" is not answered by "on Monday"; "at about 2.40am" answers it."""
    q = analyse("What time did the minister arrive in Corbridge on Monday?")
    assert not gives_kind(q, "The minister visited Corbridge on Monday and met farmers for 90 minutes.")
    assert gives_kind(q, "The minister arrived in Corbridge at 10.30am on Monday.")
    assert gives_kind(analyse("At what time was the fire reported?"), "The fire was reported at about 2.40am.")
    article = "The minister visited Corbridge on Monday and met farmers at the market for 90 minutes."
    assert check("What time did the minister arrive in Corbridge on Monday?", article=article).abstained


def test_a_when_told_only_by_the_hour_is_answered_by_it():
    """"When did the sluice give way?" over "... gave way at about 5.15am" (the tagger calls the hour a plain
    number): the hour is the article's answer. An hour of another deed is not ("... was alerted at 5.15am")."""
    from rag.premise import event_undated
    article = "The sluice at Weir 9, near the hamlet of Tolby Cross, gave way at about 5.15am. Nobody was hurt."
    ans = check("When did the sluice give way?", article=article)
    assert not ans.abstained and "5.15am" in ans.answer, ans.error
    assert gives_kind(analyse("When did the crane topple?"), "The crane toppled at 11:40 after a gust.")
    assert not gives_kind(analyse("When did the crane topple?"), "The crane, which cost £3.50m, toppled.")
    q = analyse("When did Ivo Brandt sell the boat?")
    assert event_undated(q, ["Mr Brandt sold the boat and is due to buy another one at 3pm."])
    assert not event_undated(q, ["Mr Brandt sold the boat at 3pm and is due to buy another one."])


def test_an_opposite_said_of_what_the_verb_completes():
    """"By how many points is Lena Marsh's score expected to fall?" over "Her score is expected to rise by 40
    points": the rise is said of the score, the subject of "expected" (the parser hangs the question's
    "expected" on "score"); a fall said of another thing stays apart."""
    from rag.opposites import opposed
    assert opposed("By how many points is Lena Marsh's score expected to fall after the match?",
                   "Her score is expected to rise by 40 points as a result of the match.")
    assert not opposed("By how many points is the club's rating expected to fall?",
                       "The club expects to rise in the rankings, but its rating is expected to fall by 20 points.")
    article = "Lena Marsh joined the club in May. Her score is expected to rise by 40 points as a result of the match."
    assert check("By how many points is Lena Marsh's score expected to fall after the match?",
                 article=article).abstained


def test_a_weekday_the_question_gives_its_deed_is_that_deed_s():
    """"Which team did Sara Voss score against on Sunday afternoon?" is not answered by the sending-off that
    Sunday afternoon and a goal of no day: the weekday is a date like a month or a year."""
    article = ("Referee Tom Baird sent off Ian Pole in the first half on Sunday afternoon after a late tackle. "
               "Sara Voss scored twice in the final against Kelham Rovers.")
    ans = check("Which team did Sara Voss score against on Sunday afternoon?", article=article)
    assert ans.abstained and "Sunday" in ans.error, ans.error
    ans = check("Who did Tom Baird send off on Sunday?", article=article)
    assert not ans.abstained and "Ian Pole" in ans.answer, ans.error


def test_the_sentence_naming_a_lede_s_doer_is_read_with_the_lede():
    """"Whom did the 12-year-old pull from the water?" over "A 12-year-old boy rescued a swimmer ..." and
    "Pavel Orr, a pupil at Hill School, pulled Ana Kell from the water": the boy the lede describes is the
    one the next sentence names, as news writes."""
    article = ("A 12-year-old boy rescued a swimmer at the beach on Monday. Pavel Orr, a pupil at Hill "
               "School, pulled Ana Kell from the water near the pier. The lifeguard station was closed.")
    ans = check("Whom did the 12-year-old pull from the water?", article=article)
    assert not ans.abstained and "Ana Kell" in ans.answer, ans.error
    assert check("Whom did the 14-year-old pull from the water?", article=article).abstained


def test_a_length_of_time_says_how_many():
    """"How long is the order that bans Ivo Brandt from trading?" is not answered by "earlier in the year": a
    unit of time alone is no length; "for a year", "two more weeks", "for decades" are."""
    article = "Prosecutors said earlier in the year that they would seek an order banning Ivo Brandt from trading."
    assert check("How long is the order that bans Ivo Brandt from trading?", article=article).abstained
    q = analyse("How long did the ban last?")
    assert gives_number(q, "The ban lasted for a year.") and gives_number(q, "It ran for two more weeks.")
    assert gives_number(q, "The ban has been in force for decades.")


def test_by_how_much_asks_the_size_of_a_change():
    """"By how much did Tarn Foods increase its grant?" is not answered by "ending its £20,000 yearly grant":
    that is the grant's own size; "rose by £5,000" and "from £10,000 to £12,000" tell a change."""
    q = analyse("By how much did Tarn Foods increase its grant?")
    assert not gives_number(q, "Tarn Foods said it was ending its £20,000 yearly grant.")
    assert gives_number(q, "Its £20,000 grant rose by £5,000.")
    assert gives_number(q, "Tarn Foods raised its grant from £10,000 to £12,000.")
    article = "In May Tarn Foods told the club it was ending its £20,000 yearly grant because sales had slumped."
    assert check("By how much did Tarn Foods increase its grant?", article=article).abstained
    # the grant told by its verb: "gives £40,000 a year" is its own size too
    q = analyse("By how much did the council increase its contribution?")
    assert not gives_number(q, "The council contributes £40,000 a year to the festival.")
    assert gives_number(q, "The council raised its contribution by £5,000.")


def test_a_saying_refused_is_no_telling():
    """"What did Ivo Brandt tell the crowd after the vote?" over "declined to comment after the vote": another
    verb of saying, refused; what he told the council in another sentence still answers that."""
    article = ("Ivo Brandt told the council he would stand down in June. Mr Brandt, who lost the vote by four "
               "votes, declined to comment after the vote.")
    ans = check("What did Ivo Brandt tell the crowd after the vote?", article=article)
    assert ans.abstained and "refused" in ans.error, ans.error
    ans = check("What did Ivo Brandt tell the council?", article=article)
    assert not ans.abstained and "stand down" in ans.answer, ans.error


def test_a_deed_named_by_its_noun_but_only_weighed():
    """"What did the board rule on Ana Roth's complaint?" over "she had considered complaining to the board
    but decided against it": the complaint the question takes as made never was ("a complaint by fans" is
    another one); a complaint made answers."""
    article = ("Ana Roth said she had considered complaining to the board but decided against it. A complaint by "
               "fans about ticket prices was upheld.")
    ans = check("What did the board rule on Ana Roth's complaint?", article=article)
    assert ans.abstained and "complain" in ans.error, ans.error
    article = "The board rejected Ana Roth's complaint about ticket prices on Friday."
    ans = check("What did the board rule on Ana Roth's complaint?", article=article)
    assert not ans.abstained and "rejected" in ans.answer, ans.error


def test_a_verb_the_tagger_knows_only_in_the_past():
    """"Why did the senior referee caution Ana Roth?": the small tagger reads "referee" as the verb and
    "caution" as a noun; put in the past ("the senior referee cautioned Ana Roth.") it parses, and the quote's
    caution of another player is seen."""
    from rag.declarative import declarative
    assert declarative("Why did the senior referee caution Ana Roth?") == "the senior referee cautioned Ana Roth."
    assert declarative("Why did the council close the library?") == "Did the council close the library?"
    article = "Senior referee Bo Lind cautioned Ivo Brandt in the first half because he had kicked the ball away."
    assert check("Why did the senior referee caution Ana Roth?", article=article).abstained
    ans = check("Why did the senior referee caution Ivo Brandt?", article=article)
    assert not ans.abstained and "kicked the ball" in ans.answer, ans.error


def test_a_role_at_a_body_needs_the_body_beside_the_person():
    """"What position does Ana Roth hold at Tarn District Council?" over "Ana Roth, the trust's head of
    nursing, said ..." and a council sentence elsewhere: nothing ties her to the council; "Ana Roth, Tarn
    District Council's chief planner" does."""
    article = ("Tarn District Council closed the market hall on Monday. Ana Roth, the trust's head of nursing, "
               "said the hall's fridges had failed.")
    assert check("What position does Ana Roth hold at Tarn District Council?", article=article).abstained
    article = "Ana Roth, Tarn District Council's chief planner, said the hall would reopen in May."
    ans = check("What position does Ana Roth hold at Tarn District Council?", article=article)
    assert not ans.abstained and "chief planner" in ans.answer, ans.error


def test_a_when_question_s_party_dated_doing_something_else():
    """"When did police charge Ivo Brandt?" over "The mayor of Tarn, Ivo Brandt, resigned on Thursday": the
    date is of his own deed, not of anything done to him."""
    article = "The mayor of Tarn, Ivo Brandt, resigned on Thursday after an inquiry into his expenses."
    assert check("When did police charge Ivo Brandt?", article=article).abstained
    ans = check("When did Ivo Brandt resign?", article=article)
    assert not ans.abstained and "Thursday" in ans.answer, ans.error


def test_a_doer_beside_a_count_of_other_things_is_no_doer_of_the_count():
    """"How many drivers did the transport ministry hire?" over "The transport ministry has ordered a safety
    review at all 9 bus depots ..." and "Ana Roth said Kelbridge had already hired 15 more drivers": the quote
    naming the ministry counts depots, not drivers; the hiring is Kelbridge's."""
    article = ("The transport ministry has ordered an independent review of driver safety at all 9 bus depots in "
               "the county. It is due to report in June. Ana Roth said Kelbridge had already hired 15 more drivers.")
    from rag.checks import _counts_asked
    q = analyse("How many drivers did the transport ministry hire?")
    assert not _counts_asked(q, "The ministry has ordered a review of driver safety at all 9 bus depots.")
    assert _counts_asked(q, "Ana Roth said Kelbridge had already hired 15 more drivers.")
    ans = check("How many drivers did the transport ministry hire?", "The ministry hired 15 more drivers [1][3].",
                article=article)
    assert ans.abstained and "Kelbridge" in ans.error, ans.error
    ans = check("How many drivers did Kelbridge hire?", article=article)
    assert not ans.abstained and "15 more" in ans.answer, ans.error


def test_a_count_of_another_kind_does_not_count_the_thing_asked():
    """"How many members ...?" is not answered by "About 40 boats, most of them belonging to members", nor by
    "met members for 90 minutes": the number counts boats, minutes (another kind: people, units of
    measure, other things); "which has 212 members" answers it, and "how much" is answered by an amount ("worth £14,200")."""
    article = ("About 40 boats, most of them belonging to members of the Tarrow Cooperative, blocked the harbour. "
               "The cooperative, which has 212 members, says the cut will cost crews £4.7 million.")
    ans = check("How many members does the Tarrow Cooperative have?", article=article)
    assert not ans.abstained and "212 members" in ans.answer and "40 boats" not in ans.answer, ans.answer
    assert check("How many members does the Tarrow Cooperative have?", article=article.split(". ")[0] + ".").abstained
    article = "Two days after the inquiry, the mayor admitted paying for private travel worth £14,200 with the card."
    ans = check("How much private travel did the mayor pay for with the card?", article=article)
    assert not ans.abstained and "14,200" in ans.answer, (ans.answer, ans.error)


def test_a_when_question_s_thing_must_be_what_the_quote_dates():
    """Without a model, "When was Corbury Leisure Centre built?" is not answered by a quote naming the centre
    while its date belongs to another clause ("Year 11, who sit exams next summer, will be taught at the
    centre"); "The centre, which opened in 1971, ..." dates the centre."""
    from rag.premise import event_unsaid
    q = analyse("When was Corbury Leisure Centre built?")
    assert event_unsaid(q, ["Years 11 and 13, who sit exams next summer, will be taught at the nearby Corbury "
                            "Leisure Centre until then."])
    assert not event_unsaid(q, ["Corbury Leisure Centre, which opened in 1971, will host the pupils."])
    article = "Years 11 and 13, who sit exams next summer, will be taught at the nearby Corbury Leisure Centre."
    assert check("When was Corbury Leisure Centre built?", article=article).abstained


def test_how_much_is_not_answered_by_a_count_of_things():
    """"How much was the cargo worth?" asks an amount: not "About 40 boats ... from 5am" (a count of boats, a
    time of day), but "40,000 euros" (a unit of money, rag.units, though the tagger calls it a plain number)."""
    from rag.question import gives_number
    q = analyse("How much was the Corran Star's timber cargo worth?")
    assert not gives_number(q, "About 40 boats blocked the harbour from 5am on 14 June, stopping the Corran Star.")
    assert gives_number(q, "The Corran Star's timber cargo was worth 40,000 euros.")
    assert gives_number(analyse("How much did the quota fall?"), "The quota fell from 12,600 tonnes to 8,400 tonnes.")
    article = "About 40 boats blocked the harbour from 5am on 14 June, stopping the Corran Star and its timber cargo."
    assert check("How much was the Corran Star's timber cargo worth?", article=article).abstained


def test_a_named_owner_s_thing_spoken_of_in_the_past_must_have_happened():
    """"What was the outcome of the Lowmoor Parents' Forum's judicial review?" over "The forum has threatened
    to seek a judicial review": the review is still to come; so is a ballot the source tells as a verb ("the
    union would ballot members if ..."). A review the source says was heard, or a thing acted on in the claim
    ("ordered the council to pay the union's legal costs"), is left alone."""
    threatened = "The Lowmoor Parents' Forum has threatened to seek a judicial review if the board refuses."
    found = conflicts("What was the outcome of the Lowmoor Parents' Forum's judicial review?", threatened)
    assert [type(x).__name__ for x in found] == ["NotYet"], found
    assert check("What was the outcome of the Lowmoor Parents' Forum's judicial review?", article=threatened).abstained
    assert conflicts("What was the outcome of Unison's ballot over the job losses?",
                     "Its organiser said the union would ballot members over the job losses if the council refused.")
    heard = threatened + " The forum's judicial review was heard in May and the court rejected it."
    assert not conflicts("What was the outcome of the Lowmoor Parents' Forum's judicial review?", heard)
    assert not conflicts("Who ordered the council to pay the union's legal costs?",
                         "Judge Ada Rusk ordered the council to pay the union's legal costs.")


def test_did_tagged_the_main_verb_leaves_the_question_s_verb_a_misread_noun():
    """"When did the box office for the Carne Festival close?": the tagger may call "did" the main verb and
    "close" a noun; it is the question's verb, so "The box office opened on Wednesday" states its opposite."""
    from rag.opposites import opposed
    quote = "The festival's box office opened on Wednesday morning, and 1,400 tickets had been sold by noon."
    assert opposed("When did the box office for the Carne Festival close?", quote) == [("close", "opened")]
    assert check("When did the box office for the Carne Festival close?", article=quote).abstained
    assert not opposed("What did the council do?", "The council opened the pier.")


def test_a_thing_only_weighed_or_someone_s_thing_said_to_be_done():
    """"When did Tarrant Yards file its legal challenge?" over "was considering a legal challenge": a thing
    weighed (an indefinite object of "consider") is still to come, and "its legal challenge", said to be filed,
    is taken to exist; "considered the firm's plan" weighs a plan that exists."""
    source = "Tarrant Yards said on Monday that it was considering a legal challenge to the award."
    found = conflicts("When did Tarrant Yards file its legal challenge to the award?", source)
    assert [type(x).__name__ for x in found] == ["NotYet"], found
    assert check("When did Tarrant Yards file its legal challenge to the award?", article=source).abstained
    assert not conflicts("When did Tarrant Yards file its legal challenge to the award?",
                         "Tarrant Yards filed a legal challenge to the award on Monday.")
    assert not conflicts("The council approved the firm's plan.", "The council considered the firm's plan on Monday.")


def test_a_name_right_after_a_common_noun_is_that_participant():
    """"a petition started by the cellist Ruth Amankwah": the parser may hang the name on the main verb as a
    second subject; written right after "the cellist", it names the cellist, who started the petition."""
    source = "Within a fortnight, a petition started by the cellist Ruth Amankwah had gathered 27,000 signatures."
    assert not conflicts("Ruth Amankwah started the petition against the cut.", source)


def test_a_number_that_leaves_out_its_noun_counts_what_the_count_before_it_counts():
    """"protect 640 existing jobs and create 210 more": 210 counts jobs, so "The order will create 210 new
    jobs" gives it to the same thing as its quote."""
    from rag.nlp import parse
    from rag.premise import dated
    quote = "The company said the order would protect 640 existing jobs and create 210 more, including 45 apprenticeships."
    assert dated(parse(quote), "210").lemma_ == "job"
    ans = check("How many new jobs will the order create?", "The order will create 210 new jobs [1].", article=quote)
    assert not ans.abstained, ans.error


def test_premise_stated_a_count_said_apart_from_the_name_asked_does_not_answer():
    """"How many voted for <a name>?": a count of voters in a clause of its own, the name hung on another verb
    ("named ... after a ballot in which 300 members took part"), says nothing of how many voted for it."""
    article = ("The new hall will be named Carrick, the club said, after a ballot in which more than 300 members "
               "took part. The hall opens in May.")
    ans = check("How many members voted for the name Carrick?", article=article)
    assert ans.abstained and "Carrick" in ans.error, ans.error
    ans = check("How many members voted for Tarrow?",
                article="The club said 300 members voted for Tarrow in the ballot. The hall opens in May.")
    assert not ans.abstained and "300" in ans.answer, ans.error
    # a name saying which of the counted things are asked about must be said with the count, unless the
    # article is about it (its headline and lede)
    article = ("Storm closes shops across Brayton\n\nA storm closed shops across Brayton on Monday. In total, 40 "
               "shops closed. Ana Roth, who runs a cafe in Brayfield, said trade was slow.")
    assert check("How many shops in Brayfield closed?", article=article).abstained
    from rag.premise import counted_apart
    lede = ["Storm closes shops across Brayton", "A storm closed shops across Brayton on Monday."]
    assert counted_apart(analyse("How many shops in Brayton closed?"), ["In total, 40 shops closed."], lede) == []
    assert counted_apart(analyse("How many shops in Brayfield closed?"), ["In total, 40 shops closed."], lede)
    # a clause with no subject of its own is its verb's: the name there is said with the count
    said = ["Kelso Care, which runs 12 homes, closed on Friday, leaving about 300 residents without a place."]
    assert counted_apart(analyse("How many residents live in the Kelso Care homes?"), said, []) == []
    # the name in a clause that describes the counted thing's place is said with the count
    ans = check("How many members voted in Tarrow?",
                article="Tarrow, where 300 members voted on Monday, is the club's home. The hall opens in May.")
    assert not ans.abstained and "300" in ans.answer, ans.error


def test_a_number_counting_part_of_a_noun_counts_that_noun():
    """"It has 640 seats, of which about 400 can be kept": 400 counts seats, so "About 400 of its seats can be
    kept" gives it to the same thing as its quote (the parser hangs it on "kept" as its subject)."""
    from rag.nlp import parse
    from rag.premise import dated
    quote = "The hall has 640 seats, of which about 400 can be kept, according to a survey for the trust."
    assert dated(parse(quote), "400").lemma_ == "seat"
    assert dated(parse("About 400 of the seats can be kept."), "400").lemma_ == "seat"
    ans = check("How many of the hall's seats can be kept?", "About 400 seats can be kept [1].", article=quote)
    assert not ans.abstained, ans.error


def test_an_untyped_name_joined_to_a_person_is_no_place():
    """"founded by brothers Ilya and Joel Kent": the tagger types only "Joel Kent"; "Ilya", joined to him by
    "and", is a person too, so the sentence names no city for "In which city was it founded?"."""
    from rag.question import gives_kind
    article = ("Corvetta, which was founded in 2015 by brothers Ilya and Joel Kent and says it has 900 staff "
               "across 8 cities, rejected the offer.")
    assert not gives_kind(analyse("In which city was Corvetta founded?"), article, article)
    assert check("In which city was Corvetta founded?", article=article).abstained
    ans = check("In which town was Corvetta founded?", article="Corvetta was founded in 2019 in Marlow by Joel Farrow.")
    assert not ans.abstained and "Marlow" in ans.answer, ans.error


def test_a_deed_told_in_a_relative_clause_is_its_antecedent_s():
    """"Councillor Ana Roth, who manages the Westgate school board, said ...": the managing is Ana Roth's, so
    "Which board does Daniel Osei manage?" is not answered there (the relative pronoun had been taken for a
    pronoun that might stand for him)."""
    from rag.relations import done_by_others
    article = ("Councillor Ana Roth, who manages the Westgate school board, said the plan was rushed. "
               "The union's organiser, Daniel Osei, said members would strike.")
    assert done_by_others("Which board does Daniel Osei manage?", article)
    assert check("Which board does Daniel Osei manage?", article=article).abstained
    ans = check("Which board does Ana Roth manage?", article=article)
    assert not ans.abstained and "Westgate" in ans.answer, ans.error


def test_a_count_for_a_place_the_count_leaves_out_does_not_answer():
    """"How many trees were felled in the old orchard?" is not answered by "Of the 400 trees inspected, 60
    trees were felled" when the old orchard is only named elsewhere and the article is not about it; a
    count said with the place answers."""
    from rag.premise import counted_apart
    lede = ["Blight spreads in Corvale", "A tree blight has spread in Corvale, inspectors said."]
    said = ["Of the 400 trees inspected, 60 trees were felled, inspectors said."]
    q = analyse("How many trees were felled in the old orchard?")
    assert counted_apart(q, said, lede) == ["the old orchard"]
    assert counted_apart(q, ["In the old orchard, 60 trees were felled."], lede) == []
    assert counted_apart(analyse("How many trees were felled in Corvale?"), said, lede) == []
    assert counted_apart(analyse("How many trees were felled in the area?"), said, lede) == []


def test_one_singling_out_a_named_person_is_no_count():
    """"One resident, Ana Roth, said ...": "one" picks out a person the sentence names; it does not answer
    "How many residents complained?"."""
    from rag.question import gives_number
    q = analyse("How many residents complained?")
    assert not gives_number(q, "One resident, Ana Roth, said the water was brown.")
    assert not gives_number(q, "One of the residents, Ana Roth, said the water was brown.")
    assert gives_number(q, "One resident complained about the water.")


def test_how_many_of_a_counted_whole_is_answered_by_a_number_alone():
    """"How many of the seven members voted against?" over "Of the seven, five voted against": news leaves the
    noun out after "of the seven" (had been declined: no passage gave the number asked for)."""
    from rag.question import gives_number
    q = analyse("How many of the seven board members voted against the plan?")
    assert gives_number(q, "Of the seven, five voted against the plan and two abstained.")
    assert not gives_number(q, "The seven board members met on Monday.")
    article = "The board has seven members. Of the seven, five voted against the plan and two abstained."
    ans = check("How many of the seven board members voted against the plan?", article=article)
    assert not ans.abstained and "five" in ans.answer, ans.error


def test_the_model_reads_a_sentence_of_a_quotation_with_its_speaker():
    """'"I sold nothing there. I have sailed here for 31 years."' after 'Ivo Marsh ... said': the second
    sentence alone is nobody's, so the model re-reading it is shown the sentences back to the one naming
    who speaks (a right answer had been withheld)."""
    article = ("Ivo Marsh, whose boat was the first found damaged, said he had lost all his nets. \"People "
               "blame me,\" he said. \"I sold nothing there. I have sailed here for 31 years.\"")
    passages = []

    def rate(passage, question=None):
        passages.append(passage)
        return 0.9 if "Ivo Marsh" in passage else 0.1
    ans = check("How long has Ivo Marsh sailed here?", "He has sailed here for 31 years [1].", article=article, rate=rate)
    assert not ans.abstained and "31 years" in ans.answer, ans.error
    assert passages and all(p.startswith("Ivo Marsh, whose boat") for p in passages)


def test_a_sentence_inside_a_quotation_is_its_speaker_s():
    """'Peter Lund, the operator's director, blamed fuel. "We earn less. Each month those routes cost us about
    £90,000," he said.': the second sentence is his, though it names no one (had been declined: no quote
    named him)."""
    article = ("The operator will cut four routes.\n\nPeter Lund, the operator's managing director, blamed the "
               "price of fuel. \"We carry more people and earn less from each. Every month we keep those routes "
               "running costs us roughly £90,000. That is more than we can carry,\" he said.")
    ans = check("According to Peter Lund, how much does it cost each month to keep the routes running?",
                article=article)
    assert not ans.abstained and "90,000" in ans.answer, ans.error


def test_which_noun_is_another_noun_is_answered_by_a_name_called_by_either():
    """"Which firm were the club's lawyers?" over "the club's lawyers, Hadley Stone, found ...": the name the
    text calls the lawyers answers, whatever type the tagger gives it (it took this one for a person)."""
    article = "The gap came to light in May, when the club's lawyers, Hadley Stone, found a hole in the accounts."
    ans = check("Which firm were the club's lawyers who found the hole?", article=article)
    assert not ans.abstained and "Hadley Stone" in ans.answer, ans.error


def test_a_person_s_age_beside_their_name_is_no_amount():
    """"Peter Lund, 52, of Elmsby, denies four charges of theft ..." gives no amount for "How much is Peter
    Lund accused of taking?", nor a length of time for "How long did he serve?"; it gives his age for
    "How old is Peter Lund?"."""
    from rag.question import gives_number
    text = "Peter Lund, 52, of Elmsby, denies four charges of theft from the rowing club, which has 300 members."
    assert not gives_number(analyse("How much is Peter Lund accused of taking from the rowing club?"), text)
    assert gives_number(analyse("How old is Peter Lund?"), text)
    assert gives_number(analyse("How much did Peter Lund take?"), "Peter Lund took £40,000 from the club.")
    # nor a count of things a length of time
    q = analyse("How long did Peter Lund serve as treasurer of the rowing club?")
    assert not gives_number(q, text)
    assert gives_number(q, "He served as treasurer for 12 years.")
    assert gives_number(analyse("How long is the poem?"), "The poem is 143 lines long.")
    assert gives_number(analyse("How long is the tunnel?"), "The tunnel is 1.2 km long and has 40 fans.")


def test_a_when_question_is_not_dated_by_another_deed_done_to_its_subject_s_thing():
    """"On what date was Ana Roth's report launched?" over "A report written by Ana Roth won an award and was
    handed to ministers on 22 May": the day is the handing over's, a deed of its own done to the report
    (the question parsed with "launched" a clause of "was"; the handing joined with no subject of its
    own)."""
    from rag.premise import event_unsaid
    said = ["A report written by the engineer Ana Roth won a national award and was handed to ministers in "
            "London on 22 May."]
    assert event_unsaid(analyse("On what date was Ana Roth's report launched?"), said) == ["report launched"]
    assert event_unsaid(analyse("When was Ana Roth's report handed to ministers?"), said) == []
    assert event_unsaid(analyse("On what date was the report handed to ministers?"), said) == []


def test_a_number_in_a_compound_dates_the_whole_noun():
    """"through the 2022 grant uplift": 2022 dates the uplift, as in "the 2022 uplift" (a right answer had been
    declined: the parser hangs the year on "grant" in one and on "uplift" in the other)."""
    from rag.nlp import parse
    from rag.premise import dated
    quote = "Ana Roth said the league had received an extra £4.1m through the 2022 grant uplift and accused it of lying."
    assert dated(parse(quote), "2022").lemma_ == "uplift"
    assert dated(parse("Ana Roth directed the 2001 film Happiness."), "2001").lemma_ == "film"  # not a title
    ans = check("How much extra does Ana Roth say the league received through the 2022 grant uplift?",
                "Ana Roth says the league received an extra £4.1m through the 2022 grant uplift [1].", article=quote)
    assert not ans.abstained, ans.error


def test_a_when_question_s_event_told_but_dated_only_by_another_deed():
    """"When did Ivo Brandt sell the boat?" over "Mr Brandt sold the boat at an auction and is due to buy
    another next week": the only date is the buying's; a date the asked verb has (even through a phrase,
    "at an auction on Monday") answers."""
    from rag.premise import event_undated
    q = analyse("When did Ivo Brandt sell the boat?")
    said = "Mr Brandt, 61, sold the boat at an auction and is due to buy another one next week."
    assert event_undated(q, [said])
    assert check("When did Ivo Brandt sell the boat?", article=said).abstained
    assert not event_undated(q, ["Mr Brandt sold the boat at an auction on Monday."])
    assert not event_undated(q, ["Mr Brandt, who sold the boat in May, will buy another one next week."])
    # a date the tagger types an event is still a date
    assert not event_undated(analyse("When was Peter Lund arrested?"),
                             ["Mr Lund was arrested at his office on 9 March 2021 and charged in May 2022."])


def test_a_when_rule_leaves_alone_a_which_question_about_another_noun():
    """"Which year groups will go back first?" asks for groups (the tagger types "Years 10 and 12" a date), not
    when: a date of another clause says nothing against the answer (it had been declined)."""
    article = "Years 10 and 12, who take exams next spring, will go back first and will be taught in the town library."
    ans = check("Which year groups will go back to lessons first?", article=article)
    assert not ans.abstained and "Years 10 and 12" in ans.answer, ans.error


def test_a_lede_describing_its_doer_is_read_with_the_sentence_naming_them():
    """"A former treasurer of a sailing club took £90,000 of members' fees, a court heard." then "Peter Lund,
    58, denies four counts of fraud.": the lede's treasurer is Peter Lund, so an answer joining the two is
    one quote's subject and its fact (it had been declined)."""
    article = ("Treasurer took club's money, court told\n\nA former treasurer of a sailing club took £90,000 of "
               "members' fees and spent it on his boat, a court heard yesterday. Peter Lund, 58, of Elmsby, denies four counts of fraud "
               "relating to his time at the Harbour Sailing Club. The trial continues.")
    ans = check("How much is Peter Lund accused of taking from the Harbour Sailing Club?",
                "Peter Lund is accused of taking £90,000 from the Harbour Sailing Club [2][3].", article=article,
                rate=lambda p, q=None: 0.9)
    assert not ans.abstained, ans.error
    # a lede naming its own doer is read alone
    named = article.replace("A former treasurer of a sailing club", "Ivo Brandt")
    ans = check("How much is Peter Lund accused of taking from the Harbour Sailing Club?",
                "Peter Lund is accused of taking £90,000 from the Harbour Sailing Club [2][3].", article=named,
                rate=lambda p, q=None: 0.9)
    assert ans.abstained


def test_this_year_is_no_word_pointing_back():
    """"How much of the repair bill is needed this year?" stands alone: "this year" is today's, not something
    the conversation said (the question had been joined to the one before it, and declined)."""
    assert not analyse("How much of the repair bill is needed this year?").needs_context
    assert analyse("How much of this bill is needed?").needs_context
    assert analyse("What did she say about it?").needs_context


def test_a_word_before_another_name_s_last_word_is_no_person_of_its_own():
    # The tagger calls "Ashbury Live" a person; the question's "Ashbury" is part of the paper's name
    from rag.premise import people_in_sources
    article = ("The Ashbury Echo will close in March. The firm will start a website, Ashbury Live, in May. "
               "The paper, founded in 1883 by the brewer Thomas Kell, has 40 staff.")
    case = case_for("Who founded the Ashbury Echo?", article)
    assert people_in_sources(case.question, case.sources) == ()
    ans = check("Who founded the Ashbury Echo?", "Thomas Kell founded the paper in 1883 [3].", article=article,
                rate=lambda p: 0.9, states=lambda c, p: 0.9)
    assert not ans.abstained, ans.error


def test_a_place_asked_where_the_quote_places_the_thing_by_a_place_noun_elsewhere():
    article = ("Tomlin Haulage runs 30 vans from a yard on the edge of Brackley, its owner said. "
               "The firm was founded in Hanmore in 1990.")
    ans = check("How many vans does Tomlin Haulage run from its yard in Hanmore?", article=article)
    assert ans.abstained and "Hanmore" in ans.error
    assert not check("How many vans does Tomlin Haulage run from its yard?", article=article).abstained


def test_the_village_of_a_name_names_a_village():
    article = "Drivers face a long detour over the hill via the village of Brindle Cross, adding an hour to journeys."
    ans = check("Which village does the detour over the hill go through?", article=article)
    assert not ans.abstained and "Brindle Cross" in ans.answer, ans.error


def test_a_gerund_with_no_subject_of_its_own_is_its_verb_s_subject_s_deed():
    from rag.roles import roles
    found = {(r.predicate, r.role, r.key) for r in roles("How much did Pellow Brothers get for selling their depot?")}
    assert ("sell", "agent", "brother") in found
    article = ("In 2020 the Dunstan Group sold its old depot on Quay Road for £300,000. "
               "Pellow Brothers, a building firm, backed the bid.")
    ans = check("How much did Pellow Brothers get for selling their Quay Road depot?", article=article)
    assert ans.abstained and "Dunstan" in ans.error
    assert not check("How much did the Dunstan Group get for selling its depot?", article=article).abstained


def test_wordnet_nominals_are_the_nouns_a_verb_sense_links_as_derived(tmp_path):
    """The builder of rag/data/nominals.txt on a hand-made slice of WordNet: a "+" pointer from word 1 of a
    verb synset to word 2 of a noun synset joins "rust" to "oxidation"; a hypernym pointer joins nothing."""
    from rag.nominals import verb_nouns
    (tmp_path / "data.verb").write_text(
        "  1 This software and database ...\n"
        "00000001 30 v 01 rust 0 002 + 00000009 n 0102 @ 00000002 v 0000 | become rusty\n"
        "00000002 30 v 01 change 0 000 | undergo a change\n")
    (tmp_path / "data.noun").write_text(
        "  1 This software and database ...\n"
        "00000009 22 n 02 rusting 0 oxidation 0 000 | the process of rusting\n")
    assert verb_nouns(tmp_path) == {"rust": {"oxidation"}}


def test_a_reason_that_only_names_the_deed_again_gives_none():
    from rag.nominals import names_deed
    from rag.reasons import gives_reason
    assert names_deed("corrosion", "corrode") and names_deed("failure", "fail") and not names_deed("salt", "corrode")
    q = "Why did the pumps at the Kestle works corrode?"
    assert not gives_reason(q, "The pumps corroded due to severe corrosion in six of its eight pumps.")
    assert gives_reason(q, "The pumps corroded due to salt spray from the estuary.")
    # the deed of something else is a reason, and so is a thing named after the deed
    assert gives_reason("Why did the school close?", "The school closed because of the closure of the road.")
    assert gives_reason("Why did the workers protest?", "The workers protested because of the protest ban.")
    article = "The Kestle works was shut on 4 May after engineers found severe corrosion in six of its eight pumps."
    ans = check(q, "The pumps corroded due to severe corrosion in six of its eight pumps [1].", article=article)
    assert ans.abstained, ans.answer


def test_a_name_the_tagger_reads_as_an_adverb_is_read_as_a_name():
    from rag.nlp import parse
    doc = parse("When did Cartly bring its case against the union?")
    assert [(t.text, t.pos_, t.dep_) for t in doc][2] == ("Cartly", "PROPN", "nsubj")
    assert doc.text == "When did Cartly bring its case against the union?" and doc[2].lemma_ == "Cartly"
    # "Take" opening a quotation and a title-case headline are left as they are
    assert parse('"Take it away and you cut them off."')[1].pos_ == "VERB"
    article = "The app Cartly lost its appeal on Monday. The case was brought in May by the Couriers' Guild."
    ans = check("When did Cartly bring its case against the Couriers' Guild?", article=article)
    assert ans.abstained, ans.answer


def test_a_count_in_the_event_the_article_is_about_needs_no_name_beside_it():
    from rag.premise import counted_apart
    lede = ["Kelmouth Half Marathon called off", "The Kelmouth Half Marathon was called off on Sunday, an hour "
            "before 3,100 runners were due to start from the quay."]
    q = analyse("How many runners were due to start in the Kelmouth Half Marathon?")
    assert counted_apart(q, lede[1:], lede) == []
    # not about it: the name is hung on the verb, apart from the count
    assert counted_apart(q, lede[1:], ["Storm hits the coast", "A storm hit the coast on Sunday."])


def test_a_thing_whose_only_deed_is_still_to_come_did_nothing_yet():
    article = ("The trust said new locks had been fitted on Friday, and that an inquiry by the lawyers Pask & Oduya "
               "would report in May. The hospital has 300 beds.")
    ans = check("What did Pask & Oduya's inquiry find?", article=article)
    assert ans.abstained and "still to come" in ans.error, ans.error
    done = "An inquiry by the lawyers Pask & Oduya found that the locks had failed. The hospital has 300 beds."
    assert not check("What did Pask & Oduya's inquiry find?", article=done).abstained


def test_a_noun_of_the_deed_with_a_name_tells_who_does_it():
    """ "its supplier, <a name>": that name supplies, not the owner of "its" (rag.nominals, rag.agents)."""
    from rag.relations import conflicts
    src = ("Harlow Events, the firm that has run the fair since 2015, said a van carrying 900 pies from its "
           "supplier, Tenby Bakers, had broken down.")
    found = conflicts("Harlow Events supplied the pies for the fair.", src)
    assert found and found[0].doer == "Tenby Bakers", found
    assert conflicts("Tenby Bakers supplied the pies for the fair.", src) == []
    ans = check("Which company was supplying the pies for the fair?", "Harlow Events supplied the pies for the fair [1].",
                article=src)
    assert "does not match its quotes" in ans.error and "Tenby Bakers" in ans.answer, ans.error


def test_a_capitalised_noun_inside_the_sentence_is_a_name_a_pointing_owner_stands_for():
    from rag.referents import with_referent
    before = "Harlow Events, the Leeds-based company that has run the fair since 2015, said a van had broken down."
    said = with_referent("The firm's managing director, Ada Quill, said it was a hard call.", before, before)
    assert said.startswith("The firm's (Harlow Events) managing director"), said


def test_a_progressive_question_is_read_as_its_statement_and_a_short_name_names_its_doer():
    from rag.declarative import declarative
    from rag.relations import conflicts
    assert declarative("Why is Harlow Foods suing the council?") == "Harlow Foods is suing the council."
    assert declarative("Who is Cartwell's managing director?") == "Who is Cartwell's managing director?"
    src = "Dunmore said it planned to cut prices within 28 days and was considering legal action against Tenby."
    found = conflicts("On what grounds is Tenby Logistics considering legal action against Dunmore Events?", src)
    assert found and found[0].doer == "Dunmore", found
    assert conflicts("On what grounds is Dunmore Events considering legal action against Tenby Logistics?", src) == []


def test_a_question_with_a_modal_asks_what_may_happen_not_what_did():
    """The parser may hang "Could" on an adjective and read "set" as a past tense (it did so for a question
    with two country names): the modal still makes it a question of what may happen."""
    from spacy.tokens import Doc

    from rag.nlp import parse
    from rag.tense import not_yet
    words = ["Could", "deeper", "trade", "cooperation", "set", "it", "off", "?"]
    claimed = Doc(parse("x").vocab, words=words, spaces=[True] * 6 + [False, False],
                  tags=["MD", "JJR", "NN", "NN", "VBD", "PRP", "RP", "."],
                  pos=["AUX", "ADJ", "NOUN", "NOUN", "VERB", "PRON", "ADP", "PUNCT"],
                  lemmas=["could", "deep", "trade", "cooperation", "set", "it", "off", "?"],
                  heads=[1, 3, 3, 4, 4, 4, 4, 4], deps=["aux", "amod", "compound", "nsubj", "ROOT", "dobj", "prt", "punct"])
    stated = parse("This cooperation could embolden the smaller parties across the region.")
    assert not_yet(claimed, stated) == []
    past = parse("Deeper trade cooperation set it off.")  # no modal: the cooperation is said to have done it
    assert not_yet(past, stated)


def test_a_name_in_a_clause_describing_the_noun_is_not_its_own():
    from rag.referents import with_referent
    before = "The Ashbury Echo, one of the oldest weeklies in the county, will close in March."
    said = with_referent("The paper, founded in 1883 by the brewer Thomas Kell, has 40 staff.", before, before)
    assert said.startswith("The paper (The Ashbury Echo), founded"), said


def test_who_asked_as_the_object_is_answered_by_a_noun_naming_people():
    """ "Who did the crew rescue?" over "rescued two walkers": news often names those a deed was done to by
    what they are; not a name beside another deed, nor people the sentence gives another verb."""
    article = ("Crew saves walkers\n\nVolunteers from the Tolvern station rescued two walkers who had been cut off "
               "by the tide on Saturday. The new boat, named Spirit of Arden, cost £2.1 million and arrived at "
               "Tolvern in October.")
    ans = check("Who did the Tolvern crew rescue on Saturday?", article=article)
    assert not ans.abstained and "two walkers" in ans.answer, ans.answer
    q = analyse("Who did the crew rescue?")
    assert gives_kind(q, "The crew rescued two walkers.") and gives_kind(q, "Two walkers were rescued by the crew.")
    assert not gives_kind(q, "The crew thanked two walkers.")
    assert not gives_kind(analyse("Who rescued the boys?"), "Two walkers were rescued.")  # asked: the doer


def test_a_place_the_quote_gives_another_named_thing_does_not_place_the_asked_one():
    """ "How many seats does the Corn Hall in Arnby have?" over "moving to the new arena in Arnby, but stayed at
    the Corn Hall, which holds 900": the quote puts Arnby with the arena; with the hall it answers."""
    article = ("Show stays put\n\nOrganisers had looked at moving the show to the new arena in Arnby, but decided to "
               "stay at the Corn Hall, which holds 900 people.")
    ans = check("How many people does the Corn Hall in Arnby hold?", article=article)
    assert ans.abstained and "Arnby (the quote puts another thing there)" in ans.error, ans.answer
    assert not check("How many people does the Corn Hall hold?", article=article).abstained
    placed = article.replace("the Corn Hall,", "the Corn Hall in Arnby,")
    assert not check("How many people does the Corn Hall in Arnby hold?", article=placed).abstained
    # placed through what it is at (found on a held-out row of the second corpus)
    nested = "Venue\n\nThe Corn Hall is a music venue at 12 Mill Street in Arnby, and holds 900 people."
    assert not check("What is the address of the Corn Hall in Arnby?", article=nested).abstained


def test_how_long_is_not_answered_by_a_share():
    q = analyse("How long has Ana Reyes run the shop?")
    assert not gives_number(q, "Ana Reyes, who runs the shop, said takings fell by almost a fifth.")
    assert gives_number(q, "Ana Reyes has run the shop for 12 years.")
    assert gives_number(analyse("By how much did takings fall?"), "Takings fell by almost a fifth.")


def test_a_place_naming_which_thing_answers_no_who():
    """ "Who did the volunteers fine?" is not answered by "Volunteers from the Dover station rescued two
    walkers": Dover only says which station; "the Dover council" is a doer."""
    article = "Crew saves walkers\n\nVolunteers from the Dover station rescued two walkers on Saturday."
    ans = check("Who did the volunteers fine?", article=article)
    assert ans.abstained, ans.answer
    q = analyse("Who approved the plan?")
    assert not gives_kind(q, "The Dover station approved it.")
    assert gives_kind(q, "The Dover council approved it.") and gives_kind(q, "Dover approved it.")


def test_a_body_given_something_is_the_one_the_quote_gives_it_to():
    """ "How much did X leave to the coastguard?" over "left £2 million to the animal charity", the article
    speaking of the coastguard elsewhere: another recipient; asked with the charity, it answers."""
    article = ("Legacy pays for ward\n\nThe ward was paid for by a legacy from Ivo Penn, who left £2 million to "
               "the animal charity. The coastguard urged walkers to carry a phone.")
    ans = check("How much did Ivo Penn leave to the coastguard?", article=article)
    assert ans.abstained and "leave to coastguard" in ans.error, (ans.answer, ans.error)
    assert not check("How much did Ivo Penn leave to the animal charity?", article=article).abstained
    # a body by name against one by its noun may be the same: left alone
    named = article.replace("the animal charity", "Arnby Hospice").replace("The coastguard", "The charity")
    assert not check("How much did Ivo Penn leave to the charity?", article=named).abstained


def test_a_verb_of_movement_is_told_with_where_it_goes():
    """ "When did the ban come into force?" is not told by "Tempers came to a head in May": "come" with
    another place is another event; "came into force in May" tells it."""
    article = "Dog ban\n\nTempers came to a head in May, when the council considered a ban on dogs on the beach."
    ans = check("When did the beach ban come into force?", article=article)
    assert ans.abstained and "come into force" in ans.error, (ans.answer, ans.error)
    told = "Dog ban\n\nThe ban on dogs on the beach came into force in May, after a vote."
    assert not check("When did the beach ban come into force?", article=told).abstained


def test_how_much_is_paid_is_a_sum_of_money():
    """ "How much does the channel pay for the final?" is not answered by "its audience for the final fell to
    1.1 million": a deed of money ("pay", "cost", "fine") is answered by a sum, in a currency or a unit of
    money; "cover" is no deed of money, though one of its nouns ("coverage") may be."""
    article = "Final\n\nThe channel's audience for the final fell to 1.1 million from 1.4 million."
    ans = check("How much does the channel pay for the final?", article=article)
    assert ans.abstained and "number" in ans.error, (ans.answer, ans.error)
    for paid in ("The channel pays £4 million a year for the final.",
                 "The channel pays 38 million koruna for the final."):
        assert not check("How much does the channel pay for the final?", article=f"Final\n\n{paid}").abstained
    covered = "Bay\n\nSeagrass now covers 31 hectares of the bay."
    assert not check("How much of the bay is covered by seagrass?", article=covered).abstained


def test_why_according_to_someone_is_answered_in_their_words():
    """ "Why, according to its spokeswoman, did the firm drop its bid?" is answered by what the spokeswoman
    said of the decision; not by her telling the deed again."""
    from rag.reasons import gives_reason
    q = "Why, according to its spokeswoman, did the firm drop its bid?"
    assert gives_reason(q, 'A spokeswoman, Ana Roth, said the decision was "purely commercial".')
    assert not gives_reason(q, "A spokeswoman said the firm had dropped its bid.")
    assert not gives_reason(q, 'A lawyer for a rival said the decision was "purely commercial".')


def test_a_declined_premise_note_does_not_deny_a_name_a_shown_quote_holds():
    # The decline is right (the date belongs to the pier, not to the firm); the note must not say that no quote
    # names the firm when the second quote shown to the user does.
    article = ("The Tollard pier, which opened in 1872, was closed in June after a storm. "
               "Its decking was replaced by Brennock Marine of Cardiff, which also painted the railings.")
    ans = check("When did Brennock Marine open the attraction?", article=article)
    assert ans.abstained and "Brennock Marine" in ans.answer
    assert "no quote states the question's Brennock" not in ans.error
    assert "the quotes name the question's Brennock" in ans.error
    missing = check("When did the Tollard pier close in 1990?", article=article)
    assert missing.abstained and "no quote states the question's 1990" in missing.error


def test_the_model_reads_a_quote_whose_subject_is_a_deed_with_the_sentence_that_told_it():
    """ "The announcement was made on Monday" alone does not say what was announced: the model, asked whether
    it dates the grant, reads the sentence before too. A deed with its own "of" phrase says what it was."""
    article = ("Fen growers have been promised a £1.2 million grant to fight a root disease. "
               "The announcement was made on Monday 3 March by the farming minister.")
    read: list[str] = []
    ans = check("When was the grant announced?", "It was announced on Monday 3 March [2].",
                rate=lambda p, q=None: read.append(p) or 0.95, states=lambda c, p: read.append(p) or 0.95,
                article=article)
    assert not ans.abstained, ans.error
    assert article in read and [c.quote for c in ans.citations] == [article.split(". ")[1]]
    from rag.referents import points_to_a_deed
    assert points_to_a_deed("The closure cost forty jobs.")
    assert not points_to_a_deed("The announcement of the grant was made on Monday.")
    assert not points_to_a_deed("The bridge reopened on Friday.")  # a thing first, though one may bridge
    assert not points_to_a_deed("This naval cooperation has intensified, with joint drills.")  # sums up itself


def test_he_or_she_stands_for_a_person_not_the_council_before():
    """ "She said ..." after "The council must decide again, and its leader, <a name>, said ...": she is the
    leader named there, not the council; after "Its chief executive, <a name>, said", that name."""
    from rag.referents import with_referent
    before = "The council must decide again, and its leader, Councillor Ada Renwick, said a report would follow."
    assert with_referent("She said the council accepted the ruling.", before) == \
        "She (Councillor Ada Renwick) said the council accepted the ruling."
    assert with_referent("He said the firm had spent £4 million.",
                         "Tolvane's chief executive, Marcus Bray, said the firm was disappointed.") == \
        "He (Marcus Bray) said the firm had spent £4 million."
    assert with_referent("He said talks would resume.", "The union, led by Martin Hale, met the employers, led "
                         "by Susan Clarke, on Friday.") == "He said talks would resume."  # which of the two?


def test_the_doer_of_an_infinitive_is_the_subject_or_object_of_the_verb_it_completes():
    """ "The trust was ordered to pay the board's costs": the trust pays. Asked the other way round ("How
    much was the board ordered to pay the trust?") the roles are swapped: declined; asked as told, answered."""
    article = ("A judge ruled against the Fenmoor Trust on Monday. "
               "The trust was ordered to pay the Kelbury Water Board's legal costs, estimated at £31,000.")
    swapped = check("How much was the Kelbury Water Board ordered to pay the Fenmoor Trust?", "£31,000 [2].",
                    article=article)
    assert swapped.abstained and "pay" in swapped.error
    told = check("How much was the Fenmoor Trust ordered to pay in legal costs?", "£31,000 [2].", article=article)
    assert not told.abstained and told.error is None
    from rag.roles import roles
    assert ("council", "pay", "agent") in {(r.key, r.predicate, r.role)
                                           for r in roles("The judge ordered the council to pay the society.")}


def test_a_thing_its_own_clause_tells_as_under_way_exists_though_something_will_end_it():
    """ "would end the survey's work on rare owls, which has been running since 1994": the work is running;
    that it may end does not make it still to come."""
    article = ("The quarry was approved in May. "
               "He said that would end the survey's work on rare owls, which has been running since 1994.")
    ans = check("Since what year has the survey's work on rare owls been running?", article=article)
    assert not ans.abstained and "1994" in ans.answer, ans.error
    from rag.nlp import parse
    from rag.tense import not_yet
    assert not_yet(parse("The survey's report was published."),
                   parse("The council would publish the survey's report in June."))


def test_which_judge_is_not_answered_by_the_kind_of_judge_or_where_it_happened():
    """ "A Crown Court judge has jailed ... in the market town of Ardley, in Wessex" names no judge: "Crown
    Court" only says which kind, the places only where. A sentence naming the judge answers."""
    from rag.question import analyse, gives_kind
    q = analyse("Which judge jailed the lorry driver?")
    assert not gives_kind(q, "A Crown Court judge has jailed a lorry driver in the market town of Ardley, in Wessex.")
    assert gives_kind(q, "Judge Miriam Solberg jailed the lorry driver for six years.")
    # a place after "of" a noun of doers still answers who: "the envoys of Norland"
    assert gives_kind(analyse("Who signed the treaty?"), "The treaty was signed by the envoys of Norland.")


def test_a_count_is_not_the_one_a_when_clause_of_the_question_times_when_it_belongs_to_another_verb():
    """ "How many jobs were lost when the Tarrant mill closed?" over "<he> said 400 jobs were at risk, adding
    that the town lost its last employer when the Tarrant mill closed": the 400 jobs are the ones at risk
    now, not the ones lost then. Counted under the clause's own verb, they answer."""
    apart = ('Union official Dev Rana said 400 jobs were "being gambled away", adding that the town had lost its '
             "last large employer when the Tarrant mill closed in 2015.")
    ans = check("How many jobs were lost when the Tarrant mill closed in 2015?", article=apart)
    assert ans.abstained and "Tarrant" in ans.error, ans.error
    told = "The owners cut 400 jobs when the Tarrant mill closed in 2015."
    ans = check("How many jobs were lost when the Tarrant mill closed in 2015?", article=told)
    assert not ans.abstained and "400" in ans.answer, ans.error


def test_which_mp_asks_for_a_person_though_the_tagger_reads_the_title_as_a_name():
    from rag.question import PERSON, analyse
    q = analyse("Which MP called for an inquiry into the flooding?")
    assert q.wants == PERSON and q.wh_noun == "mp"
    article = ('Farmers said the payments came too late. "It is a plaster on a broken leg," said grower Ann Tovey. '
               "The local MP, Rhys Kemble, called for an inquiry into the flooding.")
    ans = check("Which MP described the payments as a plaster on a broken leg?", article=article)
    assert ans.abstained, ans.answer
    ans = check("Which MP called for an inquiry into the flooding?", article=article)
    assert not ans.abstained and "Rhys Kemble" in ans.answer, ans.error


def test_a_named_doer_is_not_stated_by_a_quote_telling_the_deed_with_no_doer():
    """ "When did Brennock Marine open the pier?" over "The Tollard pier, which opened in 1872, ...": the pier
    opened then, by no one said; the firm only replaced its decking. A quote naming who opened it answers."""
    article = ("The Tollard pier, which opened in 1872, was closed in June after a storm. "
               "Its decking was replaced by Brennock Marine of Cardiff, which also painted the railings.")
    ans = check("When did Brennock Marine open the Tollard pier?", article=article)
    assert ans.abstained and "Brennock Marine" in ans.error, ans.answer
    ans = check("When did Brennock Marine open the Tollard pier?", "In 1872 [1].", article=article)
    assert ans.abstained, ans.answer
    told = "The Tollard pier was opened by Brennock Marine in 1872. It closed in June after a storm."
    ans = check("When did Brennock Marine open the Tollard pier?", article=told)
    assert not ans.abstained and "1872" in ans.answer, ans.error


def test_a_deed_asked_as_done_is_not_stated_by_its_noun_only_weighed():
    """ "On what grounds did Marlow Print appeal the ruling?" over "Marlow Print said it was considering an
    appeal": the appeal is only weighed; nothing says it was lodged, so there are no grounds to give."""
    article = ("A court ruled on Friday that Marlow Print had copied a rival's logo. "
               "Marlow Print said in a statement that it was disappointed and was considering an appeal against the "
               "court ruling.")
    ans = check("On what grounds did Marlow Print appeal the court ruling?", article=article)
    assert ans.abstained and "appeal" in ans.error, ans.answer
    lodged = article.replace("was considering an appeal against the court ruling",
                             "had lodged an appeal against the court ruling on the grounds of bias")
    ans = check("On what grounds did Marlow Print appeal the court ruling?", article=lodged)
    assert not ans.abstained and "bias" in ans.answer, ans.error


def test_a_lede_describing_someone_as_a_person_noun_is_not_another_doer():
    """ "A potter from Wessex has won £40,000 in damages" opens an article about Maria Tovey: "How much did Maria
    Tovey win?" is answered by it; a thing brought in by "a" still cannot be her ("an automated kiln")."""
    from rag.relations import strangers
    lede = "A potter from Wessex has won £40,000 in damages after a court ruled that a retailer copied her vase."
    assert not strangers("How much in damages did Maria Tovey win?", lede)
    assert strangers("How many vases had Maria Tovey fired?", "An automated kiln in Leeds had fired 300 vases.")


def test_a_title_the_quotes_bring_in_with_a_names_no_one():
    """ "Who was the surveyor whose report found the cracks?" over "Judge Ann Ray said a surveyor's report found
    the cracks": the surveyor is not named there, the judge is someone else; a quote naming the surveyor answers."""
    article = ("Judge Ann Ray said the owners had ignored warnings after a surveyor's report in May found cracks "
               "in the roof. The market opens at 9am.")
    for q in ("Who was the surveyor whose report found the cracks in the roof?",
              "Which surveyor found the cracks in the roof?"):
        ans = check(q, article=article)
        assert ans.abstained, (q, ans.answer)
        ans = check(q, "Ann Ray [1].", article=article, rate=lambda p, q=None: 0.95, states=lambda c, p: 0.95)
        assert ans.abstained, (q, ans.answer)
    named = ("Judge Ann Ray said the owners had ignored warnings after a surveyor, Tom Bell, found cracks in the "
             "roof in May. The market opens at 9am.")
    ans = check("Which surveyor found the cracks in the roof?", article=named)
    assert not ans.abstained and "Tom Bell" in ans.answer, ans.error


def test_a_lede_s_unnamed_subject_is_named_in_the_sentence_after_it():
    """News tells of "a bakery" in the lede and names it in the next sentence: "How much was Holt Baking Company
    fined?" is answered by the lede, which is about that company; a lede naming its own subject leaves the
    sentence after it to speak of others."""
    article = ("# Bakery fined after fire\n\nKELBY, 3 May - A bakery has been fined £20,000 after a fire forced the "
               "evacuation of 12 flats, a court heard. Holt Baking Company admitted two breaches of fire safety law "
               "at Kelby Crown Court. The judge said the alarm had been switched off.")
    q = "How much was Holt Baking Company fined over the fire?"
    for reply in (None, "£20,000 [1]."):
        ans = check(q, reply, article=article, rate=(lambda p, q=None: 0.95) if reply else None,
                    states=(lambda c, p: 0.95) if reply else None)
        assert not ans.abstained and "20,000" in ans.answer, (reply, ans.error)
    named = article.replace("A bakery has been", "Dunn Bakery has been")
    ans = check(q, article=named)
    assert ans.abstained, ans.answer


def test_a_place_the_question_gives_a_thing_the_articles_put_elsewhere():
    """ "How many flats were evacuated near the bakery's depot in Lindale?" over a lede datelined LINDALE, where the
    article puts the depot in Arnby: the dateline is where the story was filed, not where the depot is."""
    article = ("LINDALE, 3 May - A bakery has been fined £20,000 after a fire forced the evacuation of 12 flats. "
               "The fire started at the firm's Mill Lane depot in Arnby on 9 March. The market opens at 9am.")
    for reply in (None, "12 flats were evacuated [1]."):
        rate = (lambda p, q=None: 0.95) if reply else None
        ans = check("How many flats were evacuated near the bakery's depot in Lindale?", reply, article=article,
                    rate=rate, states=(lambda c, p: 0.95) if reply else None)
        assert ans.abstained and "Arnby" in ans.error, (reply, ans.answer)
        ans = check("How many flats were evacuated near the bakery's depot in Arnby?", reply, article=article,
                    rate=rate, states=(lambda c, p: 0.95) if reply else None)
        assert not ans.abstained and "12" in ans.answer, (reply, ans.error)
    # another owner's depot says nothing of the bakery's
    other = article.replace("the firm's Mill Lane depot", "Hale Foods' Mill Lane depot")
    ans = check("How many flats were evacuated near Dunn Bakery's depot in Lindale?",
                article=other + " Dunn Bakery ...")
    assert "Arnby" not in (ans.error or ""), ans.error


def test_a_word_of_a_name_does_not_tell_the_deed_asked_when():
    # "Lift" in a company's name never says the notice was lifted; the notice was issued
    article = ("The Holmbrook Safety Board issued a closure notice to Arnby Lift Services on 4 June after an "
               "inspection. The board must inspect the lift again before the notice can be withdrawn.")
    ans = check("On what date did the Holmbrook Safety Board lift the closure notice?", article=article)
    assert ans.abstained and "lift the closure notice" in ans.error
    assert not check("On what date did the Holmbrook Safety Board issue the closure notice?",
                     article=article).abstained


def test_when_a_deed_began_is_told_by_the_deed_not_by_any_start():
    article = ("LINDALE, 14 March - The Lindale ferry, which carries walkers from Arnby to the Lindale car park, has "
               "been shut after a regulator found a fault in its ramp. The Holmbrook Marine Board served a notice "
               "on the operator, Arnby Ferries, on Tuesday 11 March.")
    ans = check("When did Arnby Ferries start running the free minibus to the Lindale car park?", article=article)
    assert ans.abstained and "running the free minibus" in ans.error
    article += " Arnby Ferries started running a free minibus to the Lindale car park on 19 March."
    assert "19 March" in check("When did Arnby Ferries start running the free minibus to the Lindale car park?",
                               article=article).answer


def test_how_many_is_not_answered_by_numbers_that_count_other_things_or_a_year():
    article = ("Under a plan approved by the guild's trustees on 26 September, staff and volunteers will spend the "
               "next three years trying to re-draw 90 of the 137 lost maps from old surveys in the county.")
    assert check("How many volunteers does the guild have?", article=article).abstained
    assert "90" in check("How many of the lost maps will the guild try to re-draw?", article=article).answer
    # the tagger puts this year in an organisation's name
    article = ("The surviving maps were moved within hours into a second cabinet and a borrowed store at the "
               "University of Arnby, which has run a joint mapping programme with the institute since 2014.")
    assert check("How many maps were lost when a cabinet flooded at the University of Arnby?",
                 article=article).abstained


def test_a_kindred_two_word_verb_is_explained_by_its_doer_only():
    article = ("The Lindale council said it had asked Holt Baking to open a stall at the winter market, but "
               "that Holt Baking had declined, saying its ovens were too small for the extra baking.")
    ans = check("Why did Holt Baking turn down the council's request?", article=article)
    assert not ans.abstained and "ovens were too small" in ans.answer
    assert check("Why did the Lindale council turn down Holt Baking's request?", article=article).abstained


def test_a_reason_told_in_another_statement_of_the_sentence_is_not_the_deeds():
    article = ("An inquiry later found that the Holmbrook bakery's oven had failed on the night of 4 May, and that "
               "a smoke alarm meant to call the night manager had not been wired up after a rewiring in April.")
    ans = check("Why did the Holmbrook bakery's oven fail?", article=article)
    assert ans.abstained and "no reason" in ans.error
    # within the deed's own statement, or said outright anywhere in the sentence, it is the deed's
    article = ("An inquiry later found that the Holmbrook bakery's oven had failed on the night of 4 May after a "
               "fuse blew, and that the alarm had not been wired up.")
    assert not check("Why did the Holmbrook bakery's oven fail?", article=article).abstained
    article = ("The Holmbrook bakery's oven failed on the night of 4 May, and the inquiry blamed a blown fuse.")
    assert not check("Why did the Holmbrook bakery's oven fail?", article=article).abstained


def test_a_year_is_no_amount_and_a_name_beside_the_amount_is_not_its_owner():
    article = ("Arnby Bakery has lodged an insurance claim of £40,000 with its insurer, Holt Mutual. The flour was "
               "moved within hours into a borrowed store at the University of Lindale, which has run a baking "
               "course with the bakery since 2014.")
    ans = check("How much is the University of Lindale's insurance claim worth?", article=article)
    assert ans.abstained and "Lindale's" not in ans.error and "Lindale" in ans.error
    assert "£40,000" in check("How much is Arnby Bakery's insurance claim worth?", article=article).answer


def test_a_dateline_in_capitals_is_no_person():
    article = "LINDALE MOSS, 2 June - The Arnby ferry was halted after an inspection found a crack in its ramp."
    ans = check("Who led the inspection that found a crack in the Arnby ferry's ramp?", article=article)
    assert ans.abstained and "person" in ans.error
    article += " Inspector Ada Holt, who led the inspection, said the crack in the Arnby ferry's ramp was 40 cm long."
    assert "Ada Holt" in check("Who led the inspection that found a crack in the Arnby ferry's ramp?",
                               article=article).answer


def test_as_reported_is_where_it_was_read_not_a_reason():
    article = ("An inquiry found that the Holmbrook bakery's oven had failed on the night of 4 May, and that a "
               "smoke alarm had not been wired up after a rewiring in April.")
    ans = check("Why did the Holmbrook bakery's oven fail?",
                "The Holmbrook bakery's oven failed on the night of 4 May, as reported in source [1].",
                article=article, rate=lambda p, q=None: 0.95, states=lambda c, p: 0.95)
    assert ans.abstained and "no reason" in ans.error
