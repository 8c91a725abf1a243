"""What a question takes for granted, and whether a quote states it: its people (by one of their names,
not under another given name), and its numbers and dates together with the event they belong to. The
`premise_stated` step of rag.checks reads these against each quote's window (the quote, and the sentence
before when it points back). (eval/premise.py is another thing: the question restated as a statement for
the judge.)
"""
from __future__ import annotations

import re

from .kindred import kindred
from .places import is_place
from .nlp import NOT_NAMES, entity_kind, parse
from .question import (DAY_NAMES, MONTH_NAMES, PERSON, SMALL_NUMBER_WORDS, TEN_WORDS, TENS, YEAR, Question,
                       clock_times, person_noun, title_token, when_event)
from .referents import root_subject
from .roles import LIGHT_VERBS, joined_without_subject, lemma, opened_by_when
from .schema import Source
from .support import NAME, NUMBER, WORD, Evidence, coverage, terms, token_key
from .words import ASPECTUAL, SAYING


def people_missing(q: Question, windows: list[str], people: tuple[tuple[str, ...], ...]) -> list[str]:
    """Each person (their name keys) no window names, as the question writes them."""
    named = people_named(windows, people)
    return [" ".join(t.surface for t in q.facts if t.key in person) or person[-1]
            for person in people if person not in named]


def people_named(windows: list[str], people: tuple[tuple[str, ...], ...]) -> list[tuple[str, ...]]:
    """The people (their name keys) some window names, by one of their names as news does after the first
    mention ("Devereaux" for "Sylvie Devereaux")."""
    said = " ".join(windows)
    return [person for person in people if _names_person(said, person)]


def people_in_sources(q: Question, sources: list[Source]) -> tuple[tuple[str, ...], ...]:
    """The question's names the tagger did not type there ("Why did Olusanya call ...?") but does in the
    passages, where they stand in a sentence ("Vesterian President Edith Olusanya"): people too."""
    known = {k for person in q.people for k in person}
    # "Kelford University": a word of a name the question gives something else is no one's name there,
    # though a passage's "Kelford's MP" may be tagged a person
    known |= {k for e in parse(q.asked).ents if e.label_ != "PERSON" for t in e if t.dep_ == "compound"
              for k in [token_key(t)] if k}
    loose = {t.key for t in q.facts if t.kind == NAME and t.key not in known}
    if not loose:
        return ()
    named = (tuple(x.key for x in terms(e.text) if x.key in loose)
             for s in sources for e in parse(s.text).ents if e.label_ == "PERSON")
    people = list(dict.fromkeys(p for p in named if p and not _modifier_only(q, p)))
    return tuple(p for p in people if not any(set(p) < set(o) for o in people))  # "Tomas" within "Tomas Lind"


def _modifier_only(q: Question, person: tuple[str, ...]) -> bool:
    """The passage's "person" holds a word the question puts before another name's last word, and not that
    word: "Marlow" of the question's "Marlow Gazette" is not the person a passage's "Marlow Live" (typed a
    person by the tagger) would make it. A person's name ends where the question's name does."""
    for tok in parse(q.asked):
        head = tok.head
        if tok.dep_ == "compound" and tok.pos_ == "PROPN" and head.pos_ == "PROPN" and token_key(tok) in person \
                and token_key(head) not in person:
            return True
    return False


def numbers_missing(q: Question, windows: list[str]) -> list[str]:
    """Numbers and dates: all in one quote, together with something of the event asked about: a date from
    one sentence and a deed from another ("What did Norland supply in 2011?" -> "... partner of Caldora in
    2011") are not one fact."""
    numbers = [t for t in q.facts if t.kind == NUMBER] + _named_days(q.asked, MONTH_NAMES)
    if not numbers:
        return []
    event = [t for t in terms(q.asked[:1].lower() + q.asked[1:]) if t.kind == WORD]
    named = _named_event(parse(q.asked), [t.key for t in numbers])
    best = max(([t for t in numbers if Evidence.of(w).credit(t) > 0.0 and _dates_same_event(q.asked, w, t)]
                if _shares(w, event) or _states_all(w, named) else [] for w in windows), key=len)
    held = [t for t in numbers if any(Evidence.of(w).credit(t) > 0.0 for w in windows)]
    # A number the quote has but gives to another event: say so, or the user sees it there and wonders.
    return [t.surface + (" (the quote gives it to something else)" if t in held else "") for t in numbers
            if t not in best]


def _named_days(question: str, names: set[str]) -> list:
    """The months (or weekdays) of the question's dates ("in September"): a date as much as a year is, though
    no digit."""
    return [t for tok in parse(question) if tok.ent_type_ == "DATE" and tok.lower_ in names for t in terms(tok.text)]


def day_of_another(q: Question, quotes: list[str]) -> list[str]:
    """A weekday the question gives its deed that the quotes hold only for another deed: "Which team did X
    score against on Sunday afternoon?" is not answered by "Y sent off Z on Sunday afternoon" beside "X scored
    against W". A quote naming no day says nothing against it (news often dates an event once, in another
    sentence)."""
    out = []
    for day in _named_days(q.asked, DAY_NAMES):
        deed = dated(parse(q.asked), day.key)
        holding = [w for w in quotes if Evidence.of(w).credit(day) > 0.0]
        # a quote telling the deed with the day is read as dating it ("the gates opened on Friday morning, and
        # 900 seats had been filled by noon")
        if deed is not None and holding and not any(_says_word(w, deed) for w in holding):
            out.append(f"{day.surface} (the quote gives it to something else)")
    return out


_PLACES = {"GPE", "LOC"}


def places_elsewhere(q: Question, windows: list[str]) -> list[str]:
    """A place the question puts its event in ("... in Kenya?") that no quote names, where a quote puts its
    event in another ("killed 11,000 people in Ghana", "in the village of Los Olmedos"): the quote is about
    somewhere else."""
    def located(doc):
        return [t for t in doc if t.ent_type_ in _PLACES and t.dep_ == "pobj" and (t.head.lower_ == "in" or (
            t.head.lower_ == "of" and t.head.head.dep_ == "pobj" and t.head.head.head.lower_ == "in"))]

    said = [parse(w) for w in windows]
    return [t.text for t in located(parse(q.asked))
            if not any(token_key(t) in Evidence.of(w.text).keys for w in said)
            and any(located(w) or _placed_by_noun(w) for w in said)]


def place_of_another(q: Question, windows: list[str]) -> list[str]:
    """A place the question gives a named thing ("the Corn Hall in Arnby") that its quote gives another thing
    ("the new arena in Arnby ... but stayed at the Corn Hall"), naming the asked one without it: the quote
    does not put the asked thing there."""
    def placed(doc) -> list:
        return [t for t in doc if t.ent_type_ in _PLACES and t.dep_ == "pobj" and t.head.lower_ == "in"
                and t.head.head.pos_ in ("NOUN", "PROPN")]

    out = []
    # a named thing only: a noun's "in" may be the verb's, the parser cannot tell ("cut cases of malaria in X")
    for place in (p for p in placed(parse(q.asked)) if p.head.head.pos_ == "PROPN"):
        thing = token_key(place.head.head)
        for doc in map(parse, windows):
            there = [t.head.head for t in placed(doc) if token_key(t) == token_key(place)]
            if there and all(thing not in _placing(t) for t in there) and any(token_key(t) == thing for t in doc):
                out.append(f"{place.text} (the quote puts another thing there)")
    return list(dict.fromkeys(out))


def thing_placed_elsewhere(q: Question, article: str) -> list[str]:
    """A place the question gives a thing it names by a common noun ("... near the company's depot in Arnby?")
    where the article puts that thing only somewhere else ("the firm's depot in Kelby"), in any sentence: the
    quote answering may not say where the thing is at all."""
    out = []
    for place in parse(q.asked):
        thing = place.head.head if place.dep_ == "pobj" and place.head.lower_ == "in" else None
        if place.pos_ != "PROPN" or thing is None or thing.pos_ != "NOUN" \
                or not any(c.dep_ in ("det", "poss") for c in thing.children):
            continue
        owner = next((c for c in thing.children if c.dep_ == "poss" and c.pos_ == "PROPN"), None)
        there = [(t, g) for t in parse(article) if t.pos_ == "NOUN" and lemma(t) == lemma(thing)
                 for c in t.children if c.dep_ == "prep" and c.lower_ == "in"
                 for g in c.children if g.dep_ == "pobj" and g.pos_ == "PROPN"]
        if owner is not None:  # another owner's thing says nothing of this one
            there = [(t, g) for t, g in there if not any(c.dep_ == "poss" and c.pos_ == "PROPN"
                                                         and token_key(c) != token_key(owner) for c in t.children)]
        if there and all(token_key(g) != token_key(place) for _, g in there):
            out.append(f"{place.text} (the articles put the {thing.text} in {there[0][1].text})")
    return out


def _placing(tok) -> set[str]:
    """The keys of `tok` and of what it places, up its phrase: "X is a diner at 12 Main Street in Arnby" puts X
    in Arnby too (the street's "at", the diner said of X)."""
    out = {token_key(tok)}
    while True:
        if tok.dep_ == "pobj" and tok.head.dep_ == "prep" and tok.head.lower_ in _LOCATING:
            tok = tok.head.head
        elif tok.dep_ == "appos":
            tok = tok.head
        elif tok.dep_ == "attr":  # "X is a diner": X
            tok = next((c for c in tok.head.children if c.dep_ == "nsubj"), None)
        else:
            return out
        if tok is None:
            return out
        out.add(token_key(tok))


def _placed_by_noun(doc) -> list:
    """Names a window places something by with a place noun ("a depot on the edge of <a town>", "at the port of
    <a town>"): a place whatever type the tagger gives a name it has never seen, short of a person or a group."""
    return [t for t in doc if t.pos_ == "PROPN" and entity_kind(t.ent_type_) in ("", "place") and t.dep_ == "pobj"
            and t.head.lower_ == "of" and is_place(lemma(t.head.head)) and t.head.head.dep_ == "pobj"
            and t.head.head.head.lower_ in _LOCATING]


_LOCATING = ("in", "on", "at", "near", "outside", "beyond", "by")


_UNIT = r"(?:hour|day|night|week|month|year|decade)"
_DAYS = {"hour": 1 / 24, "day": 1, "night": 1, "week": 7, "month": 30, "year": 365, "decade": 3650}
_AMOUNT = rf"\d+|{TENS}|{'|'.join(SMALL_NUMBER_WORDS)}"
# "a month-long clash", "the weeklong talks", "a three-week strike", "a 30-day ban", "took nine hours",
# "for eighteen months": how long a thing lasts; not an age ("a 58-year-old").
_DURATION = re.compile(rf"\b(?:{_UNIT}s?-?long|(?P<n>{_AMOUNT})[- ]{_UNIT}s?)\b(?![- ]old\b)", re.I)


def _lengths(text: str) -> list[tuple[str, float | None, str]]:
    """(as written, its length in days or None where no number gives it, its unit) of each length of time."""
    out = []
    for m in _DURATION.finditer(text):
        unit = re.search(_UNIT, m.group(), re.I).group().lower()
        n = number_value(m.group("n")) if m.group("n") else None
        out.append((m.group(), None if n is None else n * _DAYS[unit], unit))
    return out


def _same_length(a: tuple, b: tuple) -> bool:
    """"two days" is "48 hours"; "month-long" is any number of months."""
    if a[1] is None or b[1] is None:
        return a[2] == b[2]
    return abs(a[1] - b[1]) <= 0.01 * max(a[1], b[1])


def durations_elsewhere(q: Question, windows: list[str]) -> list[str]:
    """A length the question gives its event ("the month-long fighting", "Why did it take two days ...?") where
    the quotes give another ("nearly weeklong clash", "it took crews nine hours") and never the one asked: the
    quote is about a different stretch of time, or the question has it wrong."""
    asked, said = _lengths(q.asked), _lengths(" ".join(windows))
    if not said:
        return []
    return [a[0] for a in asked if not any(_same_length(a, s) for s in said)]


# Capitalised only, as WHEN_WORDS.
_WEEKDAY = re.compile(r"\b(?:" + "|".join(sorted(d.capitalize() for d in DAY_NAMES)) + r")\b")


def weekdays_elsewhere(q: Question, windows: list[str]) -> list[str]:
    """A day of the week the question gives its event ("... by Sunday evening?") where the quotes give
    another ("By Wednesday evening the fire had burned ...") and never the one asked."""
    asked, said = set(_WEEKDAY.findall(q.asked)), set(_WEEKDAY.findall(" ".join(windows)))
    return sorted(asked) if asked and said and not asked & said else []


def namesakes(q: Question, windows: list[str]) -> list[str]:
    """A name of the question that the quotes give only to a namesake: the same head and another of its
    words, one of its own words swapped for another ("the Wexcombe Anglers' Association" where the quote has
    "The Tolland Anglers' Association"). A shorter or longer form of it is no namesake; nor is a name the quotes
    also give whole."""
    docs = [parse(w) for w in windows]
    out = []
    for e in parse(q.asked).ents:
        mine, head = _name_words(e), token_key(e.root)
        theirs = [_name_words(d[t.left_edge.i:t.i + 1]) for d in docs for t in d if token_key(t) == head]
        unsaid = all(mine - {token_key(t) for t in d} for d in docs)  # a word of it no quote has at all
        if len(mine) >= 2 and unsaid and not any(mine <= w for w in theirs) and any(_swapped(mine, w) for w in theirs):
            out.append(e.text)
    return out


def others_unnamed(q: Question, windows: list[str], about: list[str]) -> list[str]:
    """An organisation or place of the question, named by a word before its noun ("Brackton Airways"), that no
    window names, where the quotes' articles are not about it (their headlines and first sentences do not name
    it): the quote is about another ("... sell Skerrow Air's maintenance hangar" for "When will Brackton
    Airways' hangar be sold?"). The one an article is about goes without saying in its sentences ("the
    students' union" of "Kelford University"), as people named there by title do not."""
    said = Evidence.of(" ".join(windows + about)).keys
    # "the Ashcombe Organ" where the lede tells of "a 200-year-old church organ": what the article is about,
    # described before it is named
    described = described_nouns(about)
    return [re.sub(r"['\u2019]s?$", "", e.text) for e in parse(q.asked).ents
            if entity_kind(e.label_) not in ("person", "date", "amount") and len(e) > 1
            and (words := {k for t in e if t.dep_ == "compound" and t.pos_ == "PROPN" for k in [token_key(t)] if k})
            and not words & said and e.root.lemma_.lower() not in described]


_ROLES = {"job", "role", "position", "post", "title", "office"}


def role_unlinked(q: Question, windows: list[str]) -> list[str]:
    """ "What job does Ana Roth do for Tarn Council?" over "Regional organiser Ana Roth said the union would
    ...": a question for a person's role at a body asks their tie to it, which a quote must name
    whole (here the body an article is about does not go without saying)."""
    if q.wh_noun not in _ROLES or not q.people:
        return []
    naming = [Evidence.of(w).keys for w in windows]
    naming = [keys for keys in naming if any(set(person) & keys for person in q.people)]  # the person's windows
    bodies = [p for t in parse(q.asked) if t.dep_ == "prep" and t.lower_ in ("at", "for", "with", "in", "of")
              for p in t.children if p.dep_ == "pobj" and p.pos_ == "PROPN"]
    return [" ".join(w.text for w in b.subtree) for b in bodies
            if not any(({token_key(w) for w in b.subtree if w.pos_ == "PROPN"} - {""}) <= keys for keys in naming)]


def described_nouns(texts: list[str]) -> set[str]:
    """The nouns the texts bring in with "a" / "an", not beside another name ("Kelso, a trust"): what news
    describes before it names it ("A 200-year-old church organ ..." then "The Ashcombe Organ, built in 1820")."""
    return {t.lemma_.lower() for text in texts for t in parse(text) if t.pos_ == "NOUN" and t.dep_ != "appos"
            and any(c.dep_ == "det" and c.lower_ in ("a", "an") for c in t.children)}


def title_held_by_another(q: Question, windows: list[str], article: str) -> list[str]:
    """ "Which MP called the payments a plaster on a broken leg?" over '"It is a plaster ...," said grower Ann
    Tovey', where the article's MP is Rhys Kemble: the quotes' people are not the ones the article gives the
    title asked for, and someone else holds it. (An article giving the title to no one says nothing here.)"""
    title = _which_title(q)
    if title is None or not re.match(r"\W*(which|what)\b", q.asked, re.I):
        return []
    holders = _title_holders(parse(article), title)
    people = {token_key(e.root) for w in windows for e in parse(w).ents if e.label_ == "PERSON"}
    if not holders or not people or people & holders:
        return []
    return [_as_asked(q, title)]


def title_unnamed(q: Question, windows: list[str]) -> list[str]:
    """ "Who was the surveyor whose report found the cracks?" over "Judge Ann Ray said a surveyor's report found
    the cracks": the quotes bring the asked title in with "a" or "an" and no name, so the one holding it is not
    named there; the people they do name are someone else."""
    title = _asked_title(q)
    if title is None:
        return []
    mentions = [t for w in windows for t in parse(w) if t.pos_ == "NOUN" and t.lemma_.lower() == title]
    if not mentions or not all(indefinite(t) for t in mentions):
        return []
    return [_as_asked(q, title)]


def _asked_title(q: Question) -> str | None:
    """The noun naming the one person asked for: "Which surveyor ...?", "Who was the surveyor whose ...?"."""
    if q.wants != PERSON:
        return None
    if (which := _which_title(q)) is not None:
        return which
    noun = title_token(q, with_clause=True)
    return noun.lemma_.lower() if noun is not None and person_noun(noun.lemma_.lower()) else None


def _which_title(q: Question) -> str | None:
    """The person noun "which" / "what" asks about ("Which MP ...?"), if the question asks for a person."""
    return q.wh_noun if q.wants == PERSON and q.wh_noun and person_noun(q.wh_noun) else None


def _as_asked(q: Question, title: str) -> str:
    """The title as the question writes it ("MP" for "mp")."""
    return next((w for w in re.findall(r"[\w']+", q.asked) if w.lower() == title), title)


def indefinite(noun) -> bool:
    """ "a surveyor", with no name in its phrase or set beside it ("a surveyor, Ida Roth," names her)."""
    return any(c.dep_ == "det" and c.lower_ in ("a", "an") for c in noun.children) \
        and not any(t.pos_ == "PROPN" for t in noun.subtree) and noun.dep_ not in ("appos", "attr")


def _title_holders(doc, title: str) -> set[str]:
    """The keys of the people the text calls by `title`: "MP Rhys Kemble", "the local MP, Rhys Kemble", "Rhys
    Kemble, the MP", "Kemble is the MP"."""
    out = set()
    for t in doc:
        if t.lower_ != title and t.lemma_.lower() != title:
            continue
        near = [c for c in t.children if c.dep_ == "appos"] + [t.head] * (t.dep_ in ("compound", "appos"))
        if t.dep_ == "attr" and t.head.lemma_ == "be":
            near += [c for c in t.head.children if c.dep_ == "nsubj"]
        out |= {token_key(n) for n in near if n.ent_type_ == "PERSON"}
    return out


def title_of_another(q: Question, windows: list[str], article: str) -> list[str]:
    """ "Who is Greyhaven Ferries' chief inspector?" over "[The maritime accident investigation board has opened
    an inquiry.] Its chief inspector, Nora Tillet, said ...": the quotes give the title to another owner and
    never to the question's (nor, naming it, leave the title's owner unsaid). Another owner is another name, or a
    noun the article ties to another name or describes by its own words ("the authority" of "The Cresswick Water
    Authority"); never one the article ties to the question's owner ("the group" of "The Eastmere Health
    hospital group")."""
    noun = title_token(q)
    title = noun.lemma_.lower() if noun is not None else None
    asked = _owner(noun) if noun is not None else None
    mine = {x.key for x in terms(_phrase(asked))} if asked is not None and asked.pos_ == "PROPN" else set()
    if not mine:
        return []
    others = []
    for w in windows:
        named = bool(mine & {x.key for x in terms(w)})
        for tok in parse(w):
            owner = _owner(tok) if tok.lemma_.lower() == title and tok.pos_ == "NOUN" else None
            if owner is not None and owner.lower_ in ("its", "their") and tok.sent.start > 0:
                before = tok.doc[tok.sent.start - 1].sent  # what "its" points back to: the subject before
                owner = root_subject(before)
            if owner is not None and owner.pos_ in ("NOUN", "PROPN") and _another_owner(owner, mine, article):
                others.append(tok)
            elif named and tok.lemma_.lower() == title and tok.pos_ == "NOUN":
                return []  # a title the window may give the question's owner, whom it names
    if others:
        name = " ".join(t.text for t in asked.subtree if t.dep_ not in ("det", "case"))
        written = " ".join([t.text for t in noun.lefts if t.dep_ in ("compound", "amod")] + [noun.text])
        return [f"{name}' {written}" if name.endswith("s") else f"{name}'s {written}"]
    return []


def _owner(tok):
    """The owner of a noun: "Its chief inspector", "the chief inspector of the board"."""
    of = next((g for c in tok.children if c.dep_ == "prep" and c.lower_ == "of" for g in c.children
               if g.dep_ == "pobj"), None)
    return next((c for c in tok.children if c.dep_ == "poss"), of)


def _phrase(tok) -> str:
    """A noun with its modifiers, without an owner's "'s"."""
    return " ".join(t.text for t in tok.doc[tok.left_edge.i:tok.i + 1] if t.tag_ != "POS")


def _another_owner(owner, mine: set[str], article: str) -> bool:
    """`owner` is not the one whose name has the words `mine` (see title_of_another)."""
    # the whole name the tagger marks, where the parse splits it ("Calloway & Pike's" read as "Pike's")
    name = next((e.text for e in owner.doc.ents if e.start <= owner.i < e.end), "")
    theirs = {x.key for x in terms(_phrase(owner) + " " + name)}
    if theirs & mine:
        return False
    if any(t.pos_ == "PROPN" for t in owner.subtree):
        return True
    tied = set()  # the names the article writes with this noun: "The Cresswick Water Authority", "Eldbank, the bank"
    for t in parse(article):
        if t.lemma_.lower() == owner.lemma_.lower():
            near = [t.head] if t.dep_ in ("appos", "compound") else []
            near += [c for c in t.children if c.dep_ == "appos"] + list(t.doc[t.left_edge.i:t.i])
            tied |= {x.key for n in near if n.pos_ == "PROPN" for x in terms(_phrase(n))}
    return not tied & mine and (bool(tied) or any(c.dep_ in ("compound", "amod") for c in owner.children))


def _swapped(mine: frozenset[str], theirs: frozenset[str]) -> bool:
    """Two names sharing a word besides their head, each with a word the other lacks."""
    return len(mine & theirs) >= 2 and bool(theirs - mine) and bool(mine - theirs)


def _name_words(span) -> frozenset[str]:
    return frozenset(k for t in span if t.pos_ in ("PROPN", "NOUN", "NUM") for k in [token_key(t)] if k)


TOPIC_MIN = 0.5  # the share of the topic's words one window must state with its speaker


def said_about_missing(q: Question, windows: list[str]) -> list[str]:
    """ "What did Emlyn Penhallow say about traffic and noise?": one quote (with the sentence a "he" points
    back to) must name the speaker and the topic together; his words on the investment beside the residents'
    complaints about traffic do not answer it."""
    for verb in parse(q.asked):
        if verb.lemma_.lower() not in SAYING or verb.pos_ != "VERB":
            continue
        speaker = next((c for c in verb.children if c.dep_ == "nsubj" and c.pos_ == "PROPN"), None)
        about = next((g for c in verb.children if c.dep_ == "prep" and c.lower_ in ("about", "on") for g in c.children
                      if g.dep_ in ("pobj", "pcomp")), None)  # "about restocking the river": a gerund
        if speaker is None or about is None:
            continue
        who = terms(" ".join(t.text for t in speaker.subtree))
        topic = terms(" ".join(t.text for t in about.subtree))
        said = [Evidence.of(w) for w in windows]
        if who and topic and not any(coverage(who, e) > 0.0 and coverage(topic, e) >= TOPIC_MIN for e in said):
            return [f"{' '.join(t.text for t in speaker.subtree)} on {' '.join(t.text for t in about.subtree)}"]
    return []


def titled_missing(q: Question, windows: list[str]) -> list[str]:
    """The question's doer named by a title and its owner ("What did Norland Air's chief executive say?"),
    while the quotes have the owner itself do it ("Norland Air said ...") and hold no such title: the
    airline's words are not its chief executive's. (Without the owner doing it the quotes may name the
    holder without the title: "President Okereke said" for "the Vesterian leader".)"""
    doc = parse(q.asked)
    root = next(iter(doc.sents)).root if len(doc) else None
    doer = next((c for c in root.children if c.dep_ == "nsubj" and c.pos_ == "NOUN" and c.tag_ == "NN"), None) \
        if root is not None and root.pos_ == "VERB" else None
    owner = next((c for c in doer.children if c.dep_ == "poss" and c.pos_ == "PROPN"), None) \
        if doer is not None and person_noun(doer.lemma_.lower()) else None
    if owner is None:
        return []
    mine = {token_key(t) for t in owner.subtree if t.pos_ == "PROPN"}
    title, verb = doer.lemma_.lower(), root.lemma_.lower()
    said = [parse(w) for w in windows]
    if any(t.lemma_.lower() == title and t.pos_ in ("NOUN", "PROPN") for d in said for t in d):
        return []
    if not any(t.dep_ == "nsubj" and token_key(t) in mine and t.head.lemma_.lower() == verb for d in said for t in d):
        return []
    return [doc[doer.left_edge.i:doer.i + 1].text]


def set_otherwise(q: Question, windows: list[str]) -> list[str]:
    """The place, length of time or day of the week the question gives its event where the quotes give
    another and never the one asked."""
    return places_elsewhere(q, windows) + durations_elsewhere(q, windows) + weekdays_elsewhere(q, windows)


def counts_missing(q: Question, windows: list[str]) -> list[str]:
    """A count the question gives a thing ("its three boats") where the quotes count that thing otherwise
    ("its two boats") and never as asked. News spells counts under ten in words, which are no number facts
    (numbers_missing reads digits and amounts)."""
    out = []
    for tok in parse(q.asked):
        asked = number_value(tok.text) if tok.dep_ == "nummod" else None
        if asked is None:
            continue
        thing = tok.head.lemma_.lower()
        counted = {number_value(c.text) for w in windows for t in parse(w) if t.lemma_.lower() == thing
                   for c in t.children if c.dep_ == "nummod"} - {None}
        if counted and asked not in counted:
            out.append(f"{tok.text} {tok.head.text}")
    return out


def number_value(word: str) -> int | None:
    """A whole number written in digits or in words as news spells small ones ("nine", "twenty-two")."""
    word = word.lower()
    if word.isdigit():
        return int(word)
    if word in SMALL_NUMBER_WORDS:
        return SMALL_NUMBER_WORDS.index(word) + 1
    tens, _, ones = word.partition("-")
    if tens not in TEN_WORDS or (ones and ones not in SMALL_NUMBER_WORDS[:9]):
        return None
    return 10 * (TEN_WORDS.index(tens) + 2) + (SMALL_NUMBER_WORDS.index(ones) + 1 if ones else 0)


def _named_event(doc, keys: list[str]) -> list:
    """The name a question's year is part of ("the 2019 Coastal Rowing Championships"; not "March 2021", nor
    the "Northwave 100" chart): a quote stating the year with the whole name is about the event asked, whatever
    verb it uses ("took place" for "held")."""
    for tok in doc:
        if (tok.dep_ in ("nummod", "compound") and YEAR.fullmatch(tok.text) and tok.text in keys
                and tok.head.ent_type_ != "DATE"):
            head = tok.head
            while head.dep_ == "compound" and head.head.pos_ == "PROPN":
                head = head.head
            if head.pos_ == "PROPN":
                return [t for w in head.subtree if w.pos_ == "PROPN" for t in terms(w.text)]
    return []


def _states_all(quote: str, words: list) -> bool:
    """Every one of `words` (at least one) is in the quote."""
    ev = Evidence.of(quote)
    return bool(words) and all(ev.credit(t) > 0.0 for t in words)


def _names_person(window: str, person: tuple[str, ...]) -> bool:
    """One of the person's names is in the window, and not only as part of another person's name; their
    whole name, as the question writes it, always counts ("Cresswick Boats" beside "Tess Cresswick")."""
    if not any(k in Evidence.of(window).keys for k in person):
        return False
    keys = [t.key for t in terms(window)]
    if len(person) < 2 or any(tuple(keys[i:i + len(person)]) == person for i in range(len(keys))):
        return True
    names = set(person)
    mentions = [{t.key for t in terms(e.text)} for e in parse(window).ents if e.label_ == "PERSON"]
    theirs = [m for m in mentions if m & names]
    # A name that shares a word with theirs but has a word of its own where theirs has another is someone
    # else: "Lind" and "Tomas Lind" are one, "Anders Lind" another; "Maria Costa" is not "Maria Santos".
    return not theirs or any(not (m - names and names - m) for m in theirs)


def _dates_same_event(question: str, window: str, number) -> bool:
    """The word the question's number dates or counts is in the quote with it: "What was the choir renamed in
    2006?" is not answered by a choir "formed in 2006". Light verbs ("What happened in 2019?") date nothing.
    (Comparing the word each number hangs from in both parses was tried: the small parser attaches "the
    2011 comedy film" to "film" and "the 2011 comedy" to "comedy", which cost right answers.)"""
    if _sides_differ(parse(question), parse(window), number.key):
        return False
    head = dated(parse(question), number.key)
    if head is None:
        return True
    return _says_word(window, head) and not _year_of_another(window, token_key(head), number.key) \
        and not _verb_of_another(window, head, number.key)


def event_unsaid(q: Question, windows: list[str]) -> list[str]:
    """A "when" question's event that no window tells, by its verb or by a noun it is done to: "When did the
    tenants lodge an appeal against the rent rise?" is not answered by the day their association was set up,
    nor by a date the landlord gave the hall. (A question with no such noun is left alone: "When did the plant
    open?" over "... began operating in 2013" tells the event in other words.)"""
    verb = _begun(when_event(q))
    if verb is None:
        return []
    passive = _passive(verb)
    things = [t for t in verb.children if (t.dep_ in ("dobj", "nsubjpass") or passive and t.dep_ == "nsubj")
              and t.pos_ in ("NOUN", "PROPN")] + [
        g for c in verb.children if c.dep_ == "prep" for g in c.children if g.dep_ == "pobj" and g.pos_ == "NOUN"]
    if not things:
        return []
    done_to = {lemma(t) for t in things}
    # "When did the club go into receivership?" over "was put in receivership": a verb without an object
    # may be told by its place or state's own verb
    transitive = any(t.dep_ in ("dobj", "nsubjpass") or passive and t.dep_ == "nsubj" for t in things)
    # "When did the ban come into force?" over "proposed banning ...": the deed is told by its own verb (and
    # rag.tense says it is only proposed).
    deeds = {lemma(t) for t in verb.children if t.dep_ in ("nsubj", "nsubjpass") and t.pos_ == "NOUN"}

    # "When did the byelaw come into force?": a verb of movement told with its place ("came to a head" is
    # another event); one taking an object is told by itself
    phrasal = not transitive and lemma(verb) in _MOTION

    def tells(window: str) -> bool:
        said = parse(window)
        by_verb = _says_word(window, verb) and (not phrasal or any(lemma(t) in done_to for t in said))
        return by_verb or any(lemma(t) in done_to and _dated_with(t) and not (
            transitive and _done_otherwise(t, verb)) or t.pos_ == "VERB" and lemma(t) in deeds for t in said)

    if any(tells(w) for w in windows):
        return []
    thing = things[0]
    return [verb.doc[verb.i:thing.right_edge.i + 1].text if thing.i > verb.i else f"{thing.text} {verb.text}"]


def _begun(verb):
    """The deed a verb of beginning or ending is about: "When did X start running the bus?" asks when the
    running began, told by "run" or "bus", not by any "start"."""
    if verb is None or lemma(verb) not in ASPECTUAL:
        return verb
    return next((c for c in verb.children if c.dep_ == "xcomp" and c.pos_ == "VERB"), verb)


_MOTION = {"come", "go", "run", "fall", "move", "put", "bring"}  # ("get" is a light verb: no event asked)


def event_undated(q: Question, windows: list[str]) -> list[str]:
    """A "when" question's event that the windows tell by its own verb but never date, their dates all
    another deed's ("When did X sell the boat?" over "X sold the boat at an auction and is due to buy another
    next week": next week is the buying's). Not a saying, whose date a reader takes from what was said
    ("When did X say the vote would be held?")."""
    verb = when_event(q)
    if verb is None or lemma(verb) in SAYING or q.wh_noun not in (None, *_TIME_NOUNS):  # "Which year groups ..."
        return []
    uses = [t for w in windows for t in parse(w) if t.pos_ == "VERB" and lemma(t) == lemma(verb)]
    # (the tagger may call "9 February 2022" an event); not "for five years"
    dates = [(e.root, t) for t in uses for e in t.doc.ents if e.sent == t.sent and (
        e.label_ == "DATE" or any(x.lower_ in MONTH_NAMES for x in e)) and e.root.dep_ not in _NOT_TIMES
        and e.root.head.lower_ != "for"] + [(c, t) for t in uses for c in clock_times(t.doc) if c.sent == t.sent]
    # the question's things ("bookings" of "When will bookings be suspended?"): a clause dated with one of them
    # may tell the asked deed in other words ("will no longer take bookings from 3 May")
    passive = _passive(verb)
    things = {lemma(t) for t in verb.children if t.pos_ == "NOUN" and (
        t.dep_ in ("dobj", "nsubjpass") or passive and t.dep_ == "nsubj")}
    if not dates or any(_dates(date, use) or _with_thing(date, things) for date, use in dates):
        return []
    return [f"date of \"{verb.text}\""]


_TIME_NOUNS = ("year", "date", "month", "day", "decade", "century", "time")


def _with_thing(date, things: set[str]) -> bool:
    clause = next((h for h in date.ancestors if h.pos_ == "VERB"), None)
    return clause is not None and any(lemma(t) in things and _dates(t, clause) for t in clause.subtree)


def _dates(date, verb) -> bool:
    """The date is the verb's: the verb is above it with no other clause's verb between ("offered to mediate
    an end to the clash on Thursday"), or the verb's "when" clause is on the verb the date is ("The curfew
    was set in May when the mayor imposed it")."""
    at_once = verb.dep_ == "advcl" and any(c.lower_ in ("when", "as", "while") for c in verb.children)
    for tok in date.ancestors:
        if tok == verb or at_once and tok == verb.head:
            return True
        if tok.pos_ in ("VERB", "AUX") and tok.dep_ in ("conj", "relcl", "advcl"):  # "... and is due to"
            return False
    return False


def _passive(verb) -> bool:
    """ "When was X built?": the parser may call X "nsubj", and may hang "built" on "was"."""
    return any(c.dep_ == "auxpass" for c in verb.children) or verb.dep_ == "ccomp" and verb.head.lemma_ == "be" \
        and verb.tag_ in ("VBN", "VBD")


def _done_otherwise(noun, asked) -> bool:
    """The noun is what another deed is done to ("When did the mayor lift the curfew?" over "the mayor imposed
    a curfew in May"): the date is that deed's. Not a light verb's ("had a curfew", "made an offer"), nor a
    kindred verb's, which may tell the asked deed ("delivered the keys" for "handed over")."""
    # "When did police charge Brandt?" over "The mayor of Tarn, Ivo Brandt, resigned on Thursday": his own deed
    np = noun
    while np.dep_ in ("appos", "pobj", "prep") and np.head.i != np.i:  # the name beside a subject ("mayor of X")
        np = np.head
    own = np.head
    if noun.pos_ == "PROPN" and np.dep_ == "nsubj" and own.pos_ == "VERB" and lemma(own) not in LIGHT_VERBS \
            and not any(c.dep_ == "auxpass" for c in own.children) and not kindred(lemma(own), lemma(asked)) \
            and any(w.ent_type_ == "DATE" for c in own.children if c.dep_ in ("prep", "npadvmod") for w in c.subtree):
        return True
    deed = noun
    while deed.dep_ in ("dobj", "nsubjpass", "pobj", "prep") and deed.head.pos_ != "VERB":
        deed = deed.head  # "imposed a curfew on the town": the town is what "imposed" is done to
    deeds = [deed.head] if deed.dep_ in ("dobj", "nsubjpass", "pobj", "prep") else []
    if noun.dep_ == "nsubj":  # "the bill passed its first reading and was signed in May": signed
        deeds = [v for v in joined_without_subject(noun.head) if any(c.dep_ == "auxpass" for c in v.children)]
    return any(d.pos_ == "VERB" and lemma(d) not in LIGHT_VERBS and not kindred(lemma(d), lemma(asked))
               for d in deeds)


# A date that is a subject, object or aside is a thing, not a time ("Years 11 and 13 will return", "Ana
# Roth, 49," tagged dates).
_NOT_TIMES = ("nsubj", "nsubjpass", "dobj", "appos", "compound")


def _dated_with(noun) -> bool:
    """A date of the noun's sentence is about it: in the clause of the verb the date hangs on ("The plant was
    rebuilt in 2019"), or inside the noun's own phrase ("the plant, which began operating in 2013"); not a
    date of another clause ("The juniors, who play in the spring, will train in the sports hall")."""
    for date in (e.root for e in noun.doc.ents if e.label_ == "DATE" and e.sent == noun.sent
                 and e.root.dep_ not in _NOT_TIMES):
        clause = next((h for h in date.ancestors if h.pos_ in ("VERB", "AUX")), None)
        if noun.left_edge.i <= date.i <= noun.right_edge.i or clause is not None and (
                clause.left_edge.i <= noun.i <= clause.right_edge.i
                or noun.dep_ in ("nsubj", "nsubjpass") and clause in joined_without_subject(noun.head)):
            return True
    return False


def _says_word(window: str, tok) -> bool:
    """The window has the word of `tok`, by its key or, for an irregular form the keys cannot join ("find"
    and "found", "build" and "built"), by its dictionary form."""
    # The event may be told as a verb in one and a noun in the other ("a fall in visits" / "visits fell"),
    # and the small parser tags a question's bare verb a noun after a number ("did journeys on the 12 fall").
    kinds = {tok.pos_} | (_EVENT_POS if tok.pos_ in _EVENT_POS else set())
    said = parse(window)
    # a word of a name does not tell a deed: "Fellside Lift Company" never says that anything was lifted
    keys = Evidence.of(window).keys if tok.pos_ == "PROPN" else {token_key(t) for t in said if t.pos_ != "PROPN"}
    return token_key(tok) in keys or any(t.lemma_.lower() == tok.lemma_.lower() and t.pos_ in kinds for t in said)


_EVENT_POS = {"NOUN", "VERB"}


_BEFORE, _AFTER = {"before", "until", "till"}, {"after", "since"}


def time_side(doc, key: str) -> str | None:
    """ "before" or "after" when the number `key` follows such a word ("before 2016", "since 2016")."""
    for tok in doc:
        if token_key(tok) == key and tok.dep_ == "pobj" and tok.head.lower_ in _BEFORE | _AFTER:
            return "before" if tok.head.lower_ in _BEFORE else "after"
    return None


def _sides_differ(asked, said, key: str) -> bool:
    """"before 2016" against "since 2016": the same year, the other side of it."""
    mine, theirs = time_side(asked, key), time_side(said, key)
    return mine is not None and theirs is not None and mine != theirs


def _verb_of_another(window: str, asked, key: str) -> bool:
    """The quote hangs the number on another verb while it has the asked one apart ("Which firm rebuilt the
    dam in 2019?" over "The firm rebuilt the Brantwick dam, which reopened in 2019"). Verbs only: the parser
    hangs a number near a noun loosely ("the 2011 comedy film")."""
    doc = parse(window)
    theirs = dated(doc, key)
    # "... in 2019, when the company was fined": a clause on the year is dated by it too.
    on_year = {t.i for y in doc if token_key(y) == key for c in y.children if c.dep_ in ("relcl", "acl")
               for t in c.subtree}
    return asked.pos_ == "VERB" and theirs is not None and theirs.pos_ == "VERB" \
        and theirs.lemma_.lower() != asked.lemma_.lower() and any(
            t.lemma_.lower() == asked.lemma_.lower() and t.pos_ == "VERB" and theirs.i not in (t.i, t.head.i)
            and t.i not in on_year for t in doc)


def _year_of_another(window: str, head: str, year: str) -> bool:
    """The quote puts another year right on the noun the question dates ("Which 1974 film ...?" over "a 2003
    film based on ... 1974 novel"): the year belongs to something else there. A year hung elsewhere in the
    sentence ("released in 2000") proves nothing: the small parser attaches those loosely."""
    if not YEAR.fullmatch(year):
        return False
    years = {c.text for tok in parse(window) if token_key(tok) == head
             for c in tok.children if c.dep_ == "nummod" and YEAR.fullmatch(c.text)}
    return bool(years) and year not in years


_GENERIC_HEADS = LIGHT_VERBS | {"happen", "occur", "year", "time"}
_UNITS_OF_NUMBER = {"%", "percent", "cent", "pc"}  # "30%", "30 per cent" say what 30 is, not what it counts
# Parts of a stretch of time: "at the end of March" dates the verb "at" hangs on, not "end".
# "at the end of May", "at 2am on Tuesday": a part of a time dates what the time it is part of dates
_PARTS_OF_TIME = {"end", "start", "beginning", "middle", "turn", "half", "am", "pm", "a.m.", "p.m.", "noon",
                  "midnight"}
# "on Sunday night" dates the verb "on" hangs on, not "night".
_PARTS_OF_DAY = {"morning", "afternoon", "evening", "night"}


def _governor(tok):
    """The word a token belongs to, past a preposition ("in 2019" belongs to "built")."""
    return tok.head.head if tok.dep_ == "pobj" else tok.head


def dated(doc, key: str):
    """The token of the verb or noun the number `key` dates or counts in `doc`, if not a generic one."""
    for tok in doc:
        if token_key(tok) != key:
            continue
        counted = _elided_count(tok)
        if counted is None:
            counted = part_counted(tok)
        if counted is not None:
            return counted
        head = _governor(tok)
        while head.lemma_.lower() in _PARTS_OF_TIME and head.dep_ == "pobj" and head.head.dep_ == "prep" \
                or head.lemma_.lower() in _PARTS_OF_DAY and tok.dep_ == "compound" \
                and head.dep_ in ("pobj", "npadvmod"):
            head = _governor(head)
        if head.lower_ in _UNITS_OF_NUMBER:  # "30 per cent owned": what is 30 per cent, if anything
            if head.head == head:
                return None
            head = _governor(head)
        # "the 2022 grant uplift": the uplift; not a name the tagger calls a noun ("the 2001 film <title>")
        while head.dep_ == "compound" and head.head.pos_ == "NOUN" and not head.head.is_title:
            head = head.head
        if head == tok or head.pos_ not in ("VERB", "NOUN") or head.lemma_.lower() in _GENERIC_HEADS:
            return None
        return head
    return None


_MORE = {"more", "fewer", "less", "other", "others", "extra", "further", "additional"}


def _elided_count(number):
    """ "protect 640 existing jobs and create 210 more": a number standing for a noun it leaves out counts
    what the count before it in the sentence counts."""
    if number.dep_ not in ("dobj", "nsubj", "nsubjpass", "pobj", "attr", "conj") \
            or not any(c.lower_ in _MORE for c in number.children):
        return None
    before = [t for t in number.sent if t.i < number.i and t.dep_ == "nummod" and t.head.pos_ == "NOUN"]
    return before[-1].head if before else None


def part_counted(number):
    """The noun a number counts part of: "400 of the seats"; "640 seats, of which 400 can be saved" and "48
    plates, 16 of which are gilded" (the noun the clause describes; the parser hangs the number on the
    verb as its subject)."""
    whole = next((g for p in number.children if p.dep_ == "prep" and p.lower_ == "of" for g in p.children
                  if g.dep_ == "pobj"), None)
    clause = number.head
    relative = whole is not None and whole.lower_ in ("which", "whom") or whole is None and number.dep_ in (
        "nsubj", "nsubjpass") and any(c.dep_ == "prep" and c.lower_ == "of" and any(
            g.lower_ in ("which", "whom") for g in c.children) for c in clause.children)
    if relative:
        return clause.head if clause.dep_ == "relcl" and clause.head.pos_ == "NOUN" else None
    return whole if whole is not None and whole.pos_ == "NOUN" else None


def _shares(quote: str, words: list) -> bool:
    ev = Evidence.of(quote)
    return not words or any(ev.credit(t) > 0.0 for t in words)


def counted_apart(q: Question, windows: list[str], about: list[str]) -> list[str]:
    """ "How many members voted for <a name>?" is not answered by "The hall was called <the name> after a
    poll that 300 members joined": the quote counts the asked thing in a clause of its own that
    leaves out the name the question hangs on its verb by a preposition, while the quote's sentence holds
    that name elsewhere. (A name the quote lacks is for the other checks.) Nor "How many shops in <a town>
    closed?" by "40 shops closed", when no count of shops has the town and the article is not about it
    (its headline and lede, `about`, do not name it); so too a place the question gives the counted deed by
    a name or a described noun ("How many trees were felled in the old orchard?"). A name the deed is done in
    that the article is about ("... set off in the <town> Marathon?") goes without saying in its counts."""
    if q.counted_how() != "many":
        return []
    doc = parse(q.asked)
    things = {lemma(t.head) for t in doc if t.lower_ == "many" and t.head.pos_ == "NOUN"}
    said = parse(" ".join(windows))
    counts = [n for n in said if n.dep_ == "nummod" and lemma(n.head) in things]
    setting = {token_key(t) for a in about for t in parse(a)}
    out = []
    for name in (t for t in doc if t.pos_ == "PROPN" and t.ent_type_ not in NOT_NAMES or _described_place(t)):
        key = token_key(name)
        found = [key in _keys(_clause(n.head).subtree) for n in counts if key in _keys(n.sent)] \
            if name.pos_ == "PROPN" and _hung_on_verb(name) and not (_placed(_named(name)) and key in setting) else []
        if not found and (_narrows(name, things) or _placed(name)) and key not in setting:
            found = [key in _keys(_clause(n.head).subtree) or key in _keys(n.sent) for n in counts]
        if not found and name.pos_ == "PROPN" and _timed_by(name):
            found = [_counted_at(n, key) for n in counts if key in _keys(n.sent)]
        if found and not any(found):
            out.append(name.text if name.pos_ == "PROPN" else name.doc[name.left_edge.i:name.i + 1].text)
    return out


def _keys(tokens) -> set[str]:
    return {token_key(t) for t in tokens}


def _narrows(name, things: set[str]) -> bool:
    """The name says which of the counted things are asked about ("shops in <a town>")."""
    return name.dep_ == "pobj" and name.head.dep_ == "prep" and name.head.lower_ in ("in", "at", "from") \
        and lemma(name.head.head) in things


def _placed(name) -> bool:
    """The name or noun says where the counted deed was done ("felled in <the old orchard>")."""
    return name.dep_ == "pobj" and name.head.lower_ in ("in", "at", "on") and name.head.head.pos_ == "VERB"


def _described_place(tok) -> bool:
    """A common noun with words of its own saying where ("in the old orchard", "on the north bank"), not a
    bare "in the area"."""
    return tok.pos_ == "NOUN" and _placed(tok) and any(c.dep_ in ("amod", "compound") for c in tok.children)


def _hung_on_verb(name) -> bool:
    """The name is what a preposition of a verb takes, or names it ("voted for the name X")."""
    name = _named(name)
    return name.dep_ == "pobj" and name.head.head.pos_ == "VERB"


def _timed_by(name) -> bool:
    """The name is the subject or object of a "when" clause timing the question's verb ("How many jobs were
    lost when the <name> mill closed?")."""
    name = _named(name)
    return name.dep_ in ("nsubj", "nsubjpass", "dobj") and name.head.dep_ == "advcl" and opened_by_when(name.head)


def _counted_at(count, key: str) -> bool:
    """The counted noun's verb in the quote is the one the clause naming `key` times or tells: "400 jobs were
    being gambled away, adding that the town lost its employer when the <name> mill closed" counts none then."""
    verb = count.head
    while verb.pos_ not in ("VERB", "AUX") and verb.head is not verb:
        verb = verb.head
    return any(token_key(t) == key and (verb in t.ancestors) for t in count.sent)


def _named(name):
    """The noun a word of a name builds ("the name X", "the <town> Marathon")."""
    while name.dep_ in ("appos", "compound") and name.head.pos_ in ("NOUN", "PROPN"):
        name = name.head
    return name


def _clause(noun):
    """The clause a noun is said in: its verb's, reaching past a clause that only describes another noun to
    that noun's verb ("filed a claim listing 300 names" is the filing's), but not past a time it marks
    ("called X after a poll that 300 members joined" is the poll's); past a clause with no subject of its own
    ("closed on Friday, leaving 300 residents without a home") and past a saying verb ("officials in the town
    said 300 died")."""
    tok = noun
    while True:
        verb = next((t for t in tok.ancestors if t.pos_ in ("VERB", "AUX")), None)
        if verb is None:
            return tok.sent.root
        if verb.dep_ == "ccomp" and lemma(verb.head) in SAYING:
            return verb.head
        if verb.dep_ in ("advcl", "conj", "xcomp") and verb.head.pos_ in ("VERB", "AUX") and not any(
                c.dep_ in ("nsubj", "nsubjpass", "mark") for c in verb.children):
            tok = verb  # "..., leaving 300 residents without a home": no subject of its own, its verb's clause
            continue
        if verb.dep_ not in ("relcl", "acl", "appos"):
            return verb
        tok = verb.head
        if tok.dep_ == "pobj" and tok.head.lower_ in _TIME_MARKS:
            return tok


_TIME_MARKS = {"after", "before", "following", "since", "until", "during", "ahead"}
