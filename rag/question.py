"""Question analysis, done once per question: what it asks for, what it takes for granted, and whether it
needs the conversation to be understood.

Every check of the answer path reads this instead of matching the question's wording again:
- `wants`: the kind of thing an answer must hold (a number, a date, a person, a place, an organisation,
  any name, or nothing in particular), from the question word and, for "which/what <noun>", the entity
  type spaCy's tagger gives that noun's usual referents;
- `facts`: the question's own names and numbers, its premise: an answer's quotes must state them too;
- `roles`: who does what to whom in the question (rag.relations), to compare with the quotes';
- `needs_context`: a pronoun or pointing phrase ("it", "that treaty") or too few words to stand alone.
"""
from __future__ import annotations

import calendar
import re
from dataclasses import dataclass, replace
from functools import lru_cache
from itertools import takewhile

from .agents import is_agent, is_group, is_someone
from .declarative import answered, as_declared
from .nlp import NOT_NAMES, parse
from .places import is_place
from .roles import LIGHT_VERBS, Role, in_dateline, lemma, roles
from .money import is_money
from .nominals import names_deed
from .sentences import split_sentences
from .support import NAME, NUMBER, Evidence, Term, terms
from .units import is_unit

NUMBER_, DATE, PERSON, PLACE, ORG, COMPANY, NAMED = "number", "date", "person", "place", "organisation", "company", \
    "name"
# spaCy entity labels that answer each kind; NAMED takes any name (or an untyped proper noun), not a date or amount.
ENTITY_LABELS = {
    PERSON: {"PERSON"},
    PLACE: {"GPE", "LOC", "FAC"},
    ORG: {"ORG", "NORP", "GPE"},  # "which group/bloc" is often answered by countries ("Norland and Vesteria")
    COMPANY: {"ORG"},  # "which company / newspaper" is not answered by a country or a nationality
    DATE: {"DATE", "TIME"},
    # A name of any kind; not a date, an amount or an ordinal ("the third season" names no one).
    NAMED: {"PERSON", "NORP", "FAC", "ORG", "GPE", "LOC", "PRODUCT", "EVENT", "WORK_OF_ART", "LAW", "LANGUAGE"},
}
# "who" is a person, or in news as often a government, company or nation ("Who supplied the grain?").
WHO_LABELS = {"PERSON", "ORG", "GPE", "NORP"}
# The usual referents of the noun in "which/what <noun>": people by title, places, organisations, dates.
# A type map of common English nouns, not a list of this corpus's words; other nouns ask for a NAMED thing
# only when they are the kind of thing that has names (see _NAMED_KINDS).
_NOUN_KIND = {
    **dict.fromkeys("person people man woman official officials minister ministers president presidents leader "
                    "leaders ambassador ambassadors envoy diplomat spokesman spokeswoman spokesperson general "
                    "commander chief head king queen prince premier chancellor governor mayor senator "
                    "politician lawmaker mp mep author writer founder director ceo chairman executive player coach "
                    "actor actress singer artist scientist".split(), PERSON),
    **dict.fromkeys("country countries city cities town towns region regions province provinces state states "
                    "nation nations capital capitals port ports island islands place places area location "
                    "village district county continent sea river".split(), PLACE),
    **dict.fromkeys("organisation organization organisations organizations group groups agency agencies party "
                    "parties bloc blocs alliance alliances ministry ministries university club team band network "
                    .split(), ORG),
    **dict.fromkeys("company companies firm firms bank banks corporation corporations newspaper newspapers outlet "
                    "outlets magazine magazines publisher publishers studio studios".split(), COMPANY),
    **dict.fromkeys("year years month date day decade century".split(), DATE),
    # "What is the population of ...?" asks a number; "Which city has the largest population?" a place.
    # "Which shirt number ...?" asks a number as "What number ...?" does.
    **dict.fromkeys("population gdp value number".split(), NUMBER_),
}
_NAMED_KINDS = set("project projects corridor corridors summit summits treaty treaties model models system systems "
                   "programme program operation festival film album song book series show event award "
                   "ship aircraft missile drone drones".split())
_ASKS_NUMBER = re.compile(
    r"\b(how (many|much|long|large|big|old|often)|what (percentage|share|number|amount|proportion))\b", re.I)
_ASKS_DATE = re.compile(r"^\W*when\b|\b(what|which|in what) (year|date|month|day|decade|century|time)\b|\bsince when\b",
                        re.I)
_WH = re.compile(r"\b(who|whom|whose|which|what|when|where|why|how)\b", re.I)
YEAR = re.compile(r"\b(?:1\d{3}|20\d{2})\b")
# A number a date may be: not part of a code ("C/2031 R4", "A-380") or of a larger number ("1,000").
_YEARISH = re.compile(r"(?<![\w/.,-])\d{3,4}(?![\w/-]|[.,]\d)")
MONTH_NAMES = {m.lower() for m in calendar.month_name if m}
DAY_NAMES = {d.lower() for d in calendar.day_name}
ASKS_DURATION = re.compile(r"\bhow (?:long|old|often)\b", re.IGNORECASE)
_ASKS_AGE = re.compile(r"\bhow old\b", re.IGNORECASE)
# "aged 24", "a 31-year-old", "Ferrer (52)", "Ana Roth, 52, of Leeds"
_AGES = r"\baged?\s+\d+|\bage of \d+|\b\d+-year-olds?\b|\(\d{1,3}\)|(?<=[a-z], )\d{1,3}(?=,)"
# A duration may be said without digits: "nearly a week", "a weeklong clash", "for decades".
DURATIONS = r"\b(?:minutes?|hours?|days?|nights?|weeks?|months?|years?|decades?|century|centuries)(?:-?long)?\b"
# A length of time said with how many ("a year", "two more weeks", "for decades", "weeklong"); a unit alone
# ("earlier in the year") is no length.
_COUNTED_DURATION = (r"\b(?:\d+(?:[.,]\d+)?|an?|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve"
                     r"|several|few|many|some|half)[\s-]+(?:\w+[\s-]+)?" + DURATIONS
                     + r"|\bfor (?:minutes|hours|days|weeks|months|years|decades|centuries)\b"
                     r"|\b(?:hour|day|week|month|year|decade)-?long\b")  # "a weeklong clash"
# Digits, or the words of large or fractional amounts. Small number words are left out: "two" alone is too
# common ("the two countries").
_WHOLE_AMOUNTS = r"\d+(?:[.,]\d+)*|\b(?:hundreds?|thousands?|millions?|billions?|dozens?)\b"
_AMOUNTS = (_WHOLE_AMOUNTS + r"|\b(?:half|percent|twice)\b"
            r"|\b(?:a|one|two|three|four)[ -](?:thirds?|quarters?|fifths?|tenths?)\b"  # "by a third"
            r"|\b(?:two|three|four|five|six|seven|eight|nine|ten)\s+times\b")  # "three times more frequent"
# "How long has X run the shop?" is not answered by "takings dropped by almost a fifth": a length is no share
_ASKS_LENGTH = re.compile(r"\bhow long\b", re.IGNORECASE)
# A date said without digits ("in October", "on Tuesday", "next year"): news dates recent events so.
# Names of months and days are matched capitalised only ("may" is a verb).
WHEN_WORDS = (r"(?-i:\b(?:" + "|".join(m for m in calendar.month_name if m) + "|"
              + "|".join(d for d in calendar.day_name) + r")\b)"
              r"|\b(?:yesterday|today|tomorrow|tonight)\b"
              r"|\b(?:next|last|this|coming|previous)\s+(?:week|month|year|spring|summer|autumn|fall|winter|weekend)\b")
SMALL_NUMBER_WORDS = ("one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve",
                      "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen", "nineteen", "twenty")
# Tens spelled out ("Forty firefighters", "twenty-two ships"), as news writes a number opening a sentence.
TEN_WORDS = ("twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety")
TENS = f"(?:{'|'.join(TEN_WORDS)})(?:-(?:{'|'.join(SMALL_NUMBER_WORDS[:9])}))?"
_SMALL_NUMBERS = f"(?:{TENS}|{'|'.join(SMALL_NUMBER_WORDS)})"
# "How many berths does ...": the words after it (at most four) say what the answer's number counts.
_COUNTED = re.compile(r"\bhow (?P<how>many|much)\s+(?P<words>(?:[\w-]+\s*){1,4})", re.I)
# "how many of the seven ...", "of its 212 ..."
_PART_OF = re.compile(rf"of\s+(?:(?:the|its|their|his|her)\s+)?(?:(?:[\d,]+|{_SMALL_NUMBERS})\s+)?", re.I)
_NOW = {"year", "week", "month", "morning", "afternoon", "evening", "weekend", "spring", "summer", "autumn",
        "winter", "season", "term", "quarter"}
_POINTING = {"it", "its", "they", "them", "their", "he", "him", "his", "she", "her", "this", "that", "these",
             "those", "there", "then"}


@dataclass(frozen=True)
class Question:
    text: str
    asked: str  # the sentences that ask, without instructions around them
    wants: str | None  # NUMBER_, DATE, PERSON, PLACE, ORG, COMPANY, NAMED or None
    wh_noun: str | None  # the lemma of the noun "which/what" asks about ("company"), if any
    facts: tuple[Term, ...]  # names and numbers the question takes for granted
    local_facts: tuple[Term, ...]  # of those, the ones a quote must state itself: people, numbers, dates
    people: tuple[tuple[str, ...], ...]  # the keys of each person the question names ("Maria E. Costa")
    roles: frozenset[Role]
    needs_context: bool

    @property
    def asks_duration(self) -> bool:
        return bool(ASKS_DURATION.search(self.asked))

    def quantities(self) -> re.Pattern:
        """What counts as an answer's number for this question (each number or amount word, whole): digits
        and large amounts; for "how long", durations; for "when", dates without digits ("in October"); for
        "how many <things>", a small number word counting those things ("seven days" for "how many days"),
        as news spells out numbers under ten."""
        if _ASKS_AGE.search(self.asked):  # "How old was he?": an age or a year, not "30,000 patients"
            return re.compile("|".join([_AGES, DURATIONS, YEAR.pattern]), re.I)
        parts = [_WHOLE_AMOUNTS if _ASKS_LENGTH.search(self.asked) else _AMOUNTS] \
            + ([_COUNTED_DURATION] if self.asks_duration else []) \
            + ([WHEN_WORDS] if self.wants == DATE else [])
        m = _COUNTED.search(self.asked)
        if m and m.group("how").lower() == "many" and m.group("words")[0].isalpha():
            part = _PART_OF.match(m.group("words"))
            if part:  # "How many of the nine members ...?" over "Of the nine, six voted ...": no noun
                parts.append(rf"\b{_SMALL_NUMBERS}\b")
            # Any word of the counted phrase, up to its first stopword: "how many extra buses" is answered by
            # "six buses" as by "six extra coaches".
            rest = m.group("words")[part.end():] if part else m.group("words")
            words = list(takewhile(terms, rest.split())) or rest.split()[:1] or m.group("words").split()[:1]
            things = "|".join(re.escape(re.sub(r"(?:es|s)$", "", w.lower())) for w in words)
            parts.append(rf"\b{_SMALL_NUMBERS}\s+(?:[\w-]+\s+)?(?:{things})\w*")
        return re.compile("|".join(parts), re.I)

    def counted_how(self) -> str:
        """ "many" or "much" for a "how many / how much" question, "" for others."""
        m = _COUNTED.search(self.asked)
        return m.group("how").lower() if m else ""

    def counted_words(self) -> list[str]:
        """The words after "how many" / "how much" (at most four), as written; none for other questions."""
        m = _COUNTED.search(self.asked)
        return m.group("words").split() if m else []

    def only_facts_of(self, text: str) -> "Question":
        """This analysis with only the names and numbers `text` has too: a follow-up rewritten with its
        conversation ("Where was it signed?" -> "... the trade treaty ...") takes only its own words
        for granted."""
        own = Evidence.of(text)
        keep = {t.key for t in self.facts if own.credit(t) > 0.0}
        return replace(self, facts=tuple(t for t in self.facts if t.key in keep),
                       local_facts=tuple(t for t in self.local_facts if t.key in keep),
                       people=tuple(p for p in self.people if any(k in keep for k in p)))


@lru_cache(maxsize=512)
def analyse(text: str) -> Question:
    asked = asked_part(text)
    doc = parse(asked)
    q_terms = terms(asked[:1].lower() + asked[1:])  # a question's first word is not a name
    adverbs = {t.text for t in doc if t.dep_ == "advmod"}  # "Which was released first?" asks, it assumes nothing
    facts = tuple(t for t in q_terms if t.kind in (NAME, NUMBER) and t.surface not in adverbs)
    people = tuple(tuple(x.key for x in terms(ent.text)) for ent in doc.ents if ent.label_ == "PERSON")
    named = {k for person in people for k in person}
    local = tuple(t for t in facts if t.kind == NUMBER or t.key in named)
    noun = _wh_noun(doc)
    return Question(text=text, asked=asked, wants=_wants(asked, noun),
                    wh_noun=noun.lemma_.lower() if noun is not None else None, facts=facts, local_facts=local,
                    people=tuple(p for p in people if p), roles=frozenset(roles(asked)),
                    needs_context=_needs_context(doc))


def when_event(q: Question):
    """The verb a "when" question asks the date of ("When did X announce that the route would close?":
    announce, not close), if it is one that says something (not "be", "have", "take"...); None for others."""
    if q.wants != DATE:
        return None
    doc = parse(q.asked)
    when = next((t for t in doc if t.lower_ == "when"), None)
    verb = when.head if when is not None else next(iter(doc.sents)).root
    # "When was it built?": "when" hung on "was"
    if verb.dep_ in ("aux", "auxpass", "advcl") and verb.head.pos_ == "VERB":
        verb = verb.head
    elif verb.pos_ == "AUX":  # "On what date was X's bill published?" parsed with "published" a clause of "was"
        verb = next((c for c in verb.children if c.pos_ == "VERB" and c.dep_ in ("ccomp", "xcomp")), verb)
    return verb if verb.pos_ == "VERB" and lemma(verb) not in LIGHT_VERBS else None


def asked_part(question: str) -> str:
    """The sentences of the user's text that ask something, when others around them do not: in
    'Say that article 3 calls it "X". Who owns the port?' only the last one is the question, and
    the instruction's words would otherwise decide which sentences answer it."""
    sentences = split_sentences(question)
    asking = [t for t in sentences if t.rstrip(" \"'\u201d\u2019)").endswith("?")]
    return " ".join(asking) if asking and len(asking) < len(sentences) else question


def _wants(asked: str, noun) -> str | None:
    """What the question asks for; `noun` is the one "which/what" asks about (`_wh_noun`)."""
    first = _WH.search(asked)
    if first and first.group(1).lower() == "why":  # "Why did it decline to say how much ...?" asks a reason
        return None
    if _ASKS_DATE.search(asked):
        return DATE
    if _ASKS_NUMBER.search(asked):
        return NUMBER_
    if not first:
        return None
    word = first.group(1).lower()
    if word in ("who", "whom", "whose"):
        return NAMED if word == "whose" else PERSON
    if word == "where":
        return PLACE
    if word in ("which", "what"):
        if noun is not None:
            return _NOUN_KIND.get(noun.lower_) or _NOUN_KIND.get(noun.lemma_.lower()) or (
                NAMED if noun.lower_ in _NAMED_KINDS or noun.lemma_.lower() in _NAMED_KINDS else None) or (
                PERSON if _someone(noun.lemma_.lower()) else None)
    return None


def person_noun(lemma: str) -> bool:
    """A noun naming one person: by title in the type map above, or by WordNet (`_someone`)."""
    return _NOUN_KIND.get(lemma) == PERSON or _NOUN_KIND.get(lemma) is None and _someone(lemma)


def _someone(lemma: str) -> bool:
    """A noun naming a person that the list above lacks ("Which councillor ...?"), by WordNet (rag.agents); not
    a group ("Which council ...?" may be answered "the county council"), nor a word that also names a place
    ("Which ward ...?" asks for a district as often as for a person in someone's care)."""
    return is_someone(lemma) and not is_place(lemma)


def _wh_noun(doc):
    """The noun "which"/"what" asks about ("Which Norwegian state company ..." -> company), if any: the
    last noun of the run of modifiers and nouns right after the question word."""
    for i, tok in enumerate(doc):
        if tok.lower_ not in ("which", "what"):
            continue
        run = []
        for nxt in doc[i + 1:]:
            if nxt.pos_ not in ("ADJ", "NOUN", "PROPN", "NUM") and nxt.tag_ != "POS":  # "which producers' group"
                break
            run.append(nxt)
        # "Which MP ...": a title the tagger reads as a name
        nouns = [t for t in run if t.pos_ == "NOUN"] or [t for t in run
                                                          if t.text.isupper() and t.lower_ in _NOUN_KIND]
        if nouns:
            return nouns[-1]
        if tok.head.lemma_ == "be":  # "What is the name of the company ...", "Which is the country ..."
            for child in tok.head.children:
                if child.dep_ in ("nsubj", "attr") and child.i != tok.i and child.pos_ in ("NOUN", "PROPN"):
                    of = [c for c in child.children if c.dep_ == "prep" and c.lower_ == "of"]
                    objs = [g for g in of[0].children if g.dep_ == "pobj"] if of else []
                    # "the name of the company"; "the Bank of Valdoria's main rate", which the parser reads
                    # as "the Bank of (Valdoria's main rate)": the owner's "'s" makes the rate the thing asked.
                    owned = [g for g in objs if any(c.dep_ == "poss" for c in g.children)]
                    return objs[0] if objs and child.lower_ == "name" else owned[0] if owned else child
        return None
    return None


def _needs_context(doc) -> bool:
    """A pronoun or pointing word that the question itself does not resolve, or too few words to stand
    alone ("And Caldora?")."""
    for tok in doc:
        if tok.lower_ in _POINTING and tok.pos_ in ("PRON", "DET", "ADV"):
            if tok.lower_ == "that" and tok.dep_ in ("nsubj", "mark", "dobj") and tok.i > 0 \
                    and tok.head.pos_ == "VERB" and tok.dep_ != "dobj":
                continue  # "that" opening a clause ("the treaty that Norland signed")
            if tok.lower_ == "there" and tok.dep_ == "expl":
                continue  # "Are there ...", "Is there ..."
            if tok.lower_ in ("this", "these") and tok.dep_ == "det" and tok.head.lemma_.lower() in _NOW:
                continue  # "this year", "this week": today's, not something said before
            if tok.lower_ in ("its", "their", "his", "her") and _antecedent_before(doc, tok):
                continue  # "Norland and its partners": resolved inside the question
            if tok.lower_ in ("it", "they", "he", "she") and tok.dep_ in ("nsubj", "nsubjpass") \
                    and tok.head.dep_ != "ROOT" and _antecedent_before(doc, tok):
                continue  # the subject of a clause after a name: "Why did Strand say they would settle?"
            return True
    words = [t for t in doc if t.is_alpha]
    if words and (words[0].lower_ == "and" or doc.text.lower().startswith(("what about", "how about"))):
        return True  # "And Caldora?", "What about Vesteria?": the rest of the question is the last one's
    return len(words) <= 3 and not any(t.ent_type_ for t in doc)


def owner_may_be_asked(question: str) -> bool:
    """Every "its" / "their" of the question belongs to a verb whose subject is the one asked for ("Who
    withdrew its sponsorship?", "Which firms cut their prices?"): it may stand for that one, and the question
    may stand alone."""
    owners = [t for t in parse(question) if t.lower_ in ("its", "their")]
    return bool(owners) and all(_asked_subject(t) for t in owners)


def _asked_subject(tok) -> bool:
    verb = tok.head
    while verb.pos_ != "VERB" and verb.head.i != verb.i:
        verb = verb.head
    subj = next((c for c in verb.children if c.dep_ in ("nsubj", "nsubjpass")), None)
    return subj is not None and any(w.tag_ in ("WP", "WDT") for w in subj.subtree)


def _antecedent_before(doc, tok) -> bool:
    return any(t.pos_ == "PROPN" or t.ent_type_ for t in doc[:tok.i])


def gives_number(q: Question, answer: str) -> bool:
    """The answer holds a quantity beyond the question's own ("When was the 30-year lease signed?" is not
    answered by "a 30-year lease")."""
    found = q.quantities()
    asked = {m.group().lower() for m in found.finditer(q.text)}
    elsewhere = _calendar_dates(answer, years=not q.asks_duration) + _singled_out(answer) \
        + ([] if _ASKS_AGE.search(q.asked) else _ages(answer)) if q.wants == NUMBER_ else []
    if _BY_HOW_MUCH.search(q.asked):
        elsewhere += _own_sizes(q, answer)
    if _HOW_MUCH.search(q.asked):  # also a bare "How much?", which _COUNTED needs words after
        elsewhere += _things_counted(answer) + [m.span() for m in _CLOCK_TIME.finditer(answer)]  # not "5am"
    elif _HOW_LONG_DOING.search(q.asked):  # how long a deed went on: not "four counts of theft"
        elsewhere += _things_counted(answer)
    return any(m.group().lower() not in asked and not any(a <= m.start() < b for a, b in elsewhere)
               for m in found.finditer(answer))


_HOW_MUCH = re.compile(r"\bhow much\b", re.I)
_BY_HOW_MUCH = re.compile(r"\bby (?:how (?:much|many)|what (?:percentage|proportion|amount|factor))\b", re.I)

# "How long did she serve?", not "How long is the poem?" (answered by "143 lines")
_HOW_LONG_DOING = re.compile(r"\bhow long (?:did|does|do|has|have|had|will|would)\b", re.I)


def _own_sizes(q: Question, answer: str) -> list[tuple[int, int]]:
    """ "By how much did X increase its grant?" asks the size of a change: a number that is the size of the
    changed thing itself ("ending its £20,000 yearly grant") is not one."""
    changed = {c.lemma_.lower() for t in parse(q.asked) if t.pos_ == "VERB" for c in t.children
               if c.dep_ in ("dobj", "nsubj", "nsubjpass") and c.pos_ == "NOUN"}
    # or told by the verb of its deed: "gives £40,000 a year" is the contribution's own size
    return [(t.left_edge.idx, t.idx + len(t.text)) for t in parse(answer)
            if t.dep_ == "nummod" and t.head.lemma_.lower() in changed or t.like_num and t.dep_ == "dobj"
            and t.head.pos_ == "VERB" and any(names_deed(n, t.head.lemma_.lower()) for n in changed)]


def _ages(text: str) -> list[tuple[int, int]]:
    """Where a number set beside a name gives a person's age ("Ana Roth, 52, of Leeds"): no count or amount
    unless an age is asked."""
    return [(t.idx, t.idx + len(t.text)) for t in parse(text)
            if t.like_num and t.dep_ == "appos" and t.head.pos_ == "PROPN"]


def _singled_out(text: str) -> list[tuple[int, int]]:
    """Where "one" singles out a person it names ("One resident, Ana Roth, said ...", "One of them, Ana
    Roth, ..."): no count of anything."""
    return [(t.idx, t.idx + len(t.text)) for t in parse(text) if t.lower_ == "one" and any(
        c.dep_ == "appos" and c.pos_ == "PROPN" for c in (t.head if t.dep_ == "nummod" else t).children)]


def _things_counted(text: str) -> list[tuple[int, int]]:
    """Where the text counts people or things ("46 staff", "about 40 lorries"): no answer to "how much", which
    asks an amount (money, a quantity, a share, a length of time: "£9,500", "3,000 tonnes", "50 minutes"),
    however many of anything the quote also counts (nor does a time of day, "from 5am")."""
    return [(t.idx, t.idx + len(t.text)) for t in parse(text)
            if t.dep_ == "nummod" and t.head.pos_ == "NOUN" and t.ent_type_ in ("CARDINAL", "") and not is_amount(t)]


def is_amount(number) -> bool:
    """A number token of an amount: money, a quantity or a share as the tagger types them, or one counting a
    unit of measure or of money (rag.units, rag.money: "40,000 euros", which the tagger calls a plain number)."""
    return number.ent_type_ in ("MONEY", "QUANTITY", "PERCENT") or number.head.pos_ == "NOUN" and (
        is_unit(lemma(number.head)) or is_money(lemma(number.head)))


def _calendar_dates(text: str, years: bool = True) -> list[tuple[int, int]]:
    """Where the text names a day, month or year ("March 14", "in 2019"): no amount, whatever "how much /
    how many" asks ("30 months" is one, and stays); for "how long", no length ("from 10 March"), though a
    year may be ("since 2019": `years` False leaves those)."""
    return [(e.start_char, e.end_char) for e in parse(text).ents if e.label_ == "DATE" and (
        years and YEAR.search(e.text) or any(w.lower() in MONTH_NAMES for w in e.text.split()))]


def gives_kind(q: Question, answer: str, context: str = "") -> bool:
    """The answer names a thing of the kind asked for (a person for "which minister", a place for
    "where"...) that the question does not already name. `context` (the answer's quotes) types names as
    they stand there too: alone, the tagger calls "Kalvik" an organisation and cannot type "Tomasz Wierzbic";
    in "born Tomasz Wierzbic; 3 May 1911 in Kalvik" they are a person and a place."""
    # "Who" and "which <someone>" are answered by a person, a group, a country or one named by a noun that
    # does things ("the musicians' union"); "which minister" by a person.
    anyone = _WH.search(q.asked).group(1).lower() in ("who", "whom") or q.wh_noun is not None and (
        q.wh_noun not in _NOUN_KIND and _someone(q.wh_noun))
    labels = WHO_LABELS if q.wants == PERSON and anyone else ENTITY_LABELS.get(q.wants)
    own = Evidence.of(q.text)
    doc = parse(answer)
    there = _types(context)
    called = _called(q, answer) | (_called(q, context) if context else set()) if labels is not None else set()

    def kinds(text: str) -> set[str]:
        return {label for t in terms(text) for label in there.get(t.key, ())} | (labels if called & {
            t.key for t in terms(text)} else set())

    def is_new(text: str) -> bool:
        return any(own.credit(t) == 0.0 for t in terms(text))

    title = identity_noun(q) if q.wants == PERSON else None
    if labels is WHO_LABELS and _NOUN_KIND.get(title) == PERSON:
        labels = ENTITY_LABELS[PERSON]  # "Who is the managing director of X?": a person, not the X beside
    if title and _says_noun(title, f"{answer} {context}"):
        # "Who is the captain?" over "Rafael Ferrer said the captain had ...": the quotes speak of the captain,
        # so the person must be the one they call it, not any other name beside it.
        which = _title_words(q)
        linked = _linked_names(title, answer, which) | _linked_names(title, context, which)
        return any(t.key in linked and is_new(t.surface) for t in terms(answer))
    if title and person_noun(title) and not _says_title(title, f"{answer} {context}"):
        return False  # "Who is the panel's spokesman?" over "X acted on the panel's advice": no one is called so
    if q.wants == DATE and _ASKS_CLOCK.search(q.asked):  # "What time did she arrive?": not "on Monday"
        return any(is_new(m.group()) for m in _CLOCK_TIME.finditer(answer))
    if q.wants == DATE and any(is_new(t.text) for t in clock_times(doc)):  # "When did it fail?" "at 4.30am"
        return True
    for ent in doc.ents:
        if labels is WHO_LABELS and (_place_modifier(ent) or _kind_of_the_asked(ent, q) or in_dateline(ent)):
            continue
        if (labels is None or ({ent.label_} | kinds(ent.text)) & labels) and is_new(ent.text) \
                and not (q.wants == DATE and _FREQUENCY.match(ent.text) and not _HABITUAL.match(q.asked)):
            return True
    if labels is WHO_LABELS and (_unnamed_doer(q, answer, is_new) or _unnamed_done_to(q, answer, is_new)):
        return True
    if q.wants == PLACE and any(_place_phrase(t) and is_new(t.text) for t in doc):
        return True
    if q.wants == DATE:  # a year, or a month or weekday the tagger left untyped ("in May, when it may ...")
        return bool(_YEARISH.search(answer)) and gives_number(q, answer) or any(
            not re.search(rf"\b{m.group()}\b", q.text, re.I) for m in re.finditer(WHEN_WORDS, answer))
    # A proper noun no tagger typed still names something (NER misses rare names; the tagger may call one
    # an adjective, "Steadfast tankers": a capital letter inside a sentence counts too).
    def untyped_or_asked(text: str) -> bool:  # typed in the quotes as another kind: not an answer
        found = kinds(text)
        return not found or labels is not None and bool(found & labels)

    return any((t.pos_ == "PROPN" or t.is_title and t.i > t.sent.start or _acronym(t)) and not t.ent_type_
               and untyped_or_asked(t.text) and not _joined_to_another_kind(t, labels) and is_new(t.text)
               for t in doc)


def _kind_of_the_asked(ent, q: Question) -> bool:
    """A name before the very noun asked about only says which kind it is: "a Crown Court judge" does not
    answer "Which judge ...?", nor "a Labour councillor" "Which councillor ...?"."""
    return q.wh_noun is not None and ent.root.dep_ == "compound" and ent.root.head.lemma_.lower() == q.wh_noun


def _place_modifier(ent) -> bool:
    """A place named only to tell which thing ("the Tolvern station", "the Arnby road") or where ("in
    Wessex", "the market town of Ardley") does nothing itself: it answers no "who" (a place before a noun
    naming doers does: "the Tolvern council"; so does one after "of" another noun: "the envoys of Norland")."""
    root, head = ent.root, ent.root.head
    if ent.label_ not in ("GPE", "LOC"):
        return False
    if root.dep_ == "compound":
        return head.pos_ == "NOUN" and not is_agent(head.lemma_.lower())
    return root.dep_ == "pobj" and (head.lower_ in _WHERE_PREPS
                                    or head.lower_ == "of" and is_place(head.head.lemma_.lower()))


_WHERE_PREPS = {"in", "at", "near", "across", "outside", "inside"}


def _joined_to_another_kind(tok, labels: set[str] | None) -> bool:
    """An untyped name joined by "and" to a typed one is of its kind ("Ilya and Joel Kent": people, no
    answer to "In which city ...?")."""
    joined = [c for c in tok.children if c.dep_ == "conj"] + ([tok.head] if tok.dep_ == "conj" else [])
    return labels is not None and any(j.ent_type_ and j.ent_type_ not in labels for j in joined)


_ASKS_CLOCK = re.compile(r"\b(?:what|which) time\b|\bat what hour\b", re.IGNORECASE)
# A time of day: "2.40am", "11:30", "noon", "in the early hours", "on Sunday evening".
_CLOCK_TIME = re.compile(r"\b\d{1,2}(?:[.:]\d{2})?\s?(?:am|pm|a\.m\.|p\.m\.)|\b\d{1,2}[.:]\d{2}\b|\bo'clock\b"
                         r"|\b(?:noon|midday|midnight|dawn|dusk|morning|afternoon|evening|night|early hours)\b",
                         re.IGNORECASE)
# A time of day the tagger often calls a plain number ("4.30am", "11:30"); not "£3.50" nor "2.45 metres".
_DAY_TIME = re.compile(r"\b\d{1,2}(?:[.:]\d{2})?\s?(?:am|pm|a\.m\.|p\.m\.)(?!\w)|\b\d{1,2}:\d{2}\b(?!:)"
                       r"|\b(?:noon|midday|midnight)\b", re.IGNORECASE)


def clock_times(doc) -> list:
    """The head word of each time of day in a parsed text: the date a "when" gets when its article tells
    only the hour."""
    spans = (doc.char_span(m.start(), m.end(), alignment_mode="expand") for m in _DAY_TIME.finditer(doc.text))
    return [s.root for s in spans if s is not None]


# "every month", "each year": how often, not when; it answers "When does the club meet?", not "When did ...?"
_FREQUENCY = re.compile(r"(?:every|each)\b|(?:daily|weekly|monthly|quarterly|yearly|annually)$", re.IGNORECASE)
_HABITUAL = re.compile(r"^\W*when\s+(?:does|do|is|are)\b", re.IGNORECASE)
_WHICH = re.compile(r"^\W*(?:\w+\s+)?which\b", re.IGNORECASE)  # "Which court ...?", "In which town ...?"
_SPECIFYING = {"compound", "amod", "poss", "appos", "nmod", "relcl", "acl", "prep", "npadvmod"}


def says_which(q: Question, text: str) -> bool:
    """ "Which hospital treated them?" is not answered by "treated in hospital": a text that names the asked
    noun only bare (no name, modifier, owner or clause the question lacks) does not say which one."""
    if q.wh_noun is None or not _WHICH.match(q.asked):
        return True
    if q.wants is not None:  # a kind asked: gives_kind, unless the text fills the asked part with the bare noun
        return not _restates_the_unknown(q, text)
    return names_which(q, text)


def names_which(q: Question, text: str) -> bool:
    """The text's mentions of the noun "which" asks about are a name or carry words the question lacks (or
    there are none): "the hospital" alone, or "that supplier", speaks of one it leaves unnamed."""
    doc = parse(text)
    own = Evidence.of(q.text)
    mentions = [t for t in doc if t.lemma_.lower() == q.wh_noun and t.dep_ != "compound"]  # not "film director"
    if not mentions or any(t.pos_ == "PROPN" for t in mentions):  # "Harrier General Hospital": a name
        return True
    # "the consultancy Tennant Hale": a name written right after the noun says which (the parser may hang it
    # elsewhere)
    if any(t.i + 1 < len(doc) and doc[t.i + 1].pos_ == "PROPN" for t in mentions):
        return True
    return any(c.dep_ in _SPECIFYING and any(own.credit(x) == 0.0 for x in terms(" ".join(w.text for w in c.subtree)))
               for t in mentions for c in t.children)


def _restates_the_unknown(q: Question, text: str) -> bool:
    """ "The council hired the firm" for "Which firm was hired?": the text puts the asked noun, bare, where the
    question asks which one, so any name it holds (here the hirer's) answers something else."""
    asked = [r for r in q.roles if r.names == {r.key} and r.key in {t.key for t in terms(q.wh_noun)}]
    own, said = Evidence.of(q.text), roles(text)

    def bare(s: Role) -> bool:
        return not s.kind and all(own.credit(t) > 0 for t in terms(" ".join(s.names)))
    # every participant there bare: "Almaz-Antey, a defence company, supplied ..." names the company beside it
    return any(any(s.key == a.key for s in slot) and all(bare(s) for s in slot) for a in asked
               for slot in [[s for s in said if s.predicate == a.predicate and s.role == a.role]])


# "towed to a dry dock", "taken into a shelter": where it ended up; "below the fly tower": where it is.
_LOCATIVE = {"in", "at", "on", "near", "outside", "inside", "beside", "behind", "within", "opposite", "across", "along",
              "off", "to", "into", "from", "below", "above", "under", "beneath", "underneath", "between", "among"}
_IN_A_NAME = {"in", "at", "near", "from"}  # "import fruit from Normandy" (tagged an organisation): where it came from
_NOT_PLACES = NOT_NAMES | {"NORP"}


def _place_phrase(tok) -> bool:
    """ "in the town's sports hall", "outside the courthouse": news answers "where" with a place named by a
    noun (rag.places) as often as by a name; not "at the end of the talks" (a part of something else). A name
    after "in" or "from" is a place whatever type the tagger gave it ("a dry dock in Dunlaggan", tagged a person;
    "import fruit from Normandy", an organisation)."""
    if tok.dep_ != "pobj" or tok.head.lower_ not in _LOCATIVE:
        return False
    if tok.pos_ == "PROPN" and tok.head.lower_ in _IN_A_NAME:
        return tok.ent_type_ not in _NOT_PLACES
    return is_place(tok.lemma_.lower()) and not any(c.dep_ == "prep" and c.lower_ == "of" for c in tok.children)


def _acronym(tok) -> bool:
    """"OPEC+", "BRICS": capitals a tagger may call a common noun are a name."""
    return tok.is_upper and sum(c.isalpha() for c in tok.text) >= 2


def _unnamed_doer(q: Question, answer: str, is_new) -> bool:
    """"Who criticised the merger?" -> "The musicians' union (criticised the merger)": news often answers
    "who" without a name. A noun naming people or an organised group (rag.agents) counts when it is the
    doer of the question's own verb: "The town of Kelvinmouth opened a station" does not say who built it."""
    asked = next(iter(parse(q.asked).sents)).root
    said = parse(answered(q.asked, answer) or answer)
    return asked.pos_ == "VERB" and any(
        t.pos_ == "NOUN" and t.dep_ == "nsubj" and t.head.lemma_ == asked.lemma_ and is_agent(t.lemma_.lower())
        and is_new(t.text) for t in said)


def _unnamed_done_to(q: Question, answer: str, is_new) -> bool:
    """ "Who did the crew rescue?" -> "The crew rescued two walkers": the one "who" asks as its verb's object
    may be told by a noun naming people, the object of that verb in the answer (or the subject of its
    passive), as the doer may (`_unnamed_doer`)."""
    if not re.match(r"\W*whom?\b", q.asked, re.I):
        return False
    declared = as_declared(q.asked)  # "Did the crew rescue?": the asked phrase was the object
    asked = next(iter(declared.sents)).root
    if declared.text == q.asked or asked.pos_ != "VERB" or not any(c.dep_ == "nsubj" for c in asked.children) \
            or any(c.dep_ in ("dobj", "ccomp", "xcomp") for c in asked.children):
        return False
    return any(t.pos_ == "NOUN" and t.dep_ in ("dobj", "nsubjpass") and t.head.lemma_ == asked.lemma_
               and is_agent(t.lemma_.lower()) and is_new(t.text) for t in parse(answer))


def _called(q: Question, text: str) -> set[str]:
    """The words of names that `text` calls by the noun "which/what" asks about: "Harrier Line, a company
    owned by ..." and "the company Harrier Line" answer "Which company ...?" whatever type the tagger gives a
    name it has never seen (it took that one for a person); so does "the town of <a name>" for a place noun."""
    if q.wh_noun is None:
        return set()
    nouns = {q.wh_noun} | _equated(q)
    found = set()
    for tok in parse(text):
        if tok.lemma_.lower() not in nouns:
            continue
        names = [tok.head] if tok.dep_ in ("appos", "compound") else [c for c in tok.children if c.dep_ == "appos"]
        if is_place(tok.lemma_.lower()):  # "the village of <a name>", "the port of <a name>"
            names += [n for c in tok.children if c.dep_ == "prep" and c.lower_ == "of" for n in c.children
                      if n.dep_ == "pobj"]
        found |= {k for n in names if n.pos_ == "PROPN" for k in _name_keys(n)}
    return found


def _equated(q: Question) -> set[str]:
    """The noun "which <noun> is/was" equates with the asked one ("Which firm were the club's lawyers?":
    lawyer), so a name the text calls by it answers as the asked noun would."""
    doc = parse(q.asked)
    root = next(iter(doc.sents)).root if len(doc) else None
    if root is None or root.lemma_ != "be" or not _WHICH.match(q.asked):
        return set()
    return {c.lemma_.lower() for c in root.children if c.dep_ == "attr" and c.pos_ == "NOUN"}


def identity_noun(q: Question) -> str | None:
    """The noun a "who is" question asks a name for: "Who is the captain?", "Who was the group's finance
    director?", "What is the name of the captain?" -> captain; None for any other question."""
    tok = title_token(q)
    return tok.lemma_.lower() if tok is not None else None


# Words that date a title rather than say which it is: "the new coach" may be written "appointed coach".
_WHEN_TITLED = {"new", "former", "current", "acting", "interim", "outgoing", "incoming", "then", "present", "late",
                "previous", "next", "future", "longtime", "veteran"}


def _title_words(q: Question) -> set[str]:
    """The words that say which title the question means: "foreign" of "Russia's foreign minister",
    "chief" of "chief executive" (not "new", "former")."""
    tok = title_token(q)
    return {c.lower_ for c in tok.children if c.dep_ in ("amod", "compound") and c.lower_ not in _WHEN_TITLED
            and not c.ent_type_} if tok is not None else set()  # "Russian": whose title, not which


def title_token(q: Question, with_clause: bool = False):
    """The question's token for the noun `identity_noun` names ("captain" of "the captain"), or None; with
    `with_clause`, a noun with a clause of its own too ("Who was the surveyor whose report ...?")."""
    doc = parse(q.asked)
    root = next(iter(doc.sents)).root
    wh = doc[0].lower_ if len(doc) else ""
    if root.lemma_ != "be" or wh not in ("who", "what"):
        return None
    for c in root.children:
        if c.dep_ not in ("nsubj", "attr") or c.pos_ != "NOUN" or c.i == 0:
            continue
        if wh == "what":  # only "What is the name of the captain?"
            of = next((g for g in c.children if g.dep_ == "prep" and g.lower_ == "of"), None)
            c = next((g for g in of.children if g.dep_ == "pobj"), None) if of is not None and c.lower_ == "name" else None
        # One definite noun, with no clause of its own: not "Who was dysteleology associated with?"
        if c is not None and c.pos_ == "NOUN" and any(g.dep_ in ("det", "poss") for g in c.children) \
                and (with_clause or not any(g.dep_ in ("acl", "relcl") for g in c.children)):
            return c
        return None
    return None


_GENDERED = re.compile(r"(?:wo)?m[ae]n$|person$|people$")


def _says_title(lemma: str, text: str) -> bool:
    """`text` uses the title or one built on it: "chairwoman" for "chair", "spokesperson" for "spokesman"."""
    base = _GENDERED.sub("", lemma) or lemma
    return any(t.pos_ in ("NOUN", "PROPN") and (t.lemma_.lower().startswith(base) or base.startswith(
        _GENDERED.sub("", t.lemma_.lower()) or "-")) for t in parse(text)) if text.strip() else False


def _says_noun(lemma: str, text: str) -> bool:
    """`text` uses the noun, a title written with capitals too ("Minister of Defense")."""
    return any(t.lemma_.lower() == lemma and t.pos_ in ("NOUN", "PROPN") for t in parse(text)) if text.strip() else False


def _linked_names(lemma: str, text: str, which: set[str] = frozenset()) -> set[str]:
    """The words of the names `text` gives the noun `lemma` to: "its chief inspector, Nora Tillet", "Nora
    Tillet, the chief inspector", "chief inspector Nora Tillet", "Tillet is the chief inspector", "Tillet, who
    became chief inspector", "Tillet was appointed (served as) chief inspector". With `which` ("foreign"), only
    a title written with those words: "Russian Foreign Minister Sergei Lavrov", not "Minister of Defense"."""
    found = set()
    for tok in parse(text) if text.strip() else ():
        if tok.lemma_.lower() != lemma or tok.pos_ not in ("NOUN", "PROPN"):
            continue
        own = {w.lower_ for c in tok.children if c.dep_ in ("amod", "compound") or c.dep_ == "prep" and c.lower_ == "of"
               for w in (c.subtree if c.dep_ == "prep" else [c])}  # "Minister of Foreign Affairs"
        if not which <= own:
            continue
        names = [c for c in tok.children if c.dep_ == "appos"]
        if tok.dep_ in ("appos", "compound"):
            names.append(tok.head)
        as_ = tok.dep_ == "pobj" and tok.head.lower_ == "as"  # "Tillet served as chief inspector"
        if tok.dep_ in ("attr", "oprd") or as_ or tok.dep_ == "nsubj" and tok.head.lemma_ == "be":
            verb = tok.head.head if as_ else tok.head
            for c in verb.children:
                if c.dep_ in ("nsubj", "nsubjpass", "attr") and c is not tok:
                    names.append(verb.head if c.tag_ in ("WP", "WDT") and verb.dep_ == "relcl" else c)
        found |= {k for n in names if n.pos_ == "PROPN" for k in _name_keys(n)}
    return found


def _name_keys(name) -> set[str]:
    """The term keys of a proper noun and the proper nouns before it ("Nora Tillet")."""
    return {t.key for t in terms(" ".join(w.text for w in name.doc[name.left_edge.i:name.i + 1] if w.pos_ == "PROPN"))}


def _types(text: str) -> dict[str, set[str]]:
    """Each word of a name in `text` -> the entity types the tagger gives the names it is part of."""
    found: dict[str, set[str]] = {}
    for ent in parse(text).ents if text else ():
        for t in terms(ent.text):
            found.setdefault(t.key, set()).add(ent.label_)
    return found
