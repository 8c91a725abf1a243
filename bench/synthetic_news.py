"""Deterministic synthetic news briefs for the scale benchmark (generated into a temp dir, never committed),
and `synthetic_index`, a 100k-chunk index of them with generated vectors (make bench's synthetic section).

Each brief is 75-145 words (one or two 128-token chunks) in two or three paragraphs: a headline, a lead with a named official, an
organisation, a place, a figure and a date, a quote, background and a reaction. Vocabulary varies by
topic and names are built from syllables, so keyword and dense search face many near-duplicates, as
in a real news archive. Brief i depends only on (seed, i): a 300-brief run is a prefix of a 10k run.
Each brief comes with a question that names its unique facts, to check that search still finds it.
"""
from __future__ import annotations

import random
import tempfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from rag.docstore import ChunkRow
from rag.engine import Engine
from rag.settings import Settings, get_settings

_SYL = ("an bel cor da el fen gar hal is jor ka lin mar nor os pel quin ros sa tor ul var wen yor zan "
        "bri cas del fro gil har ith kel lom mun nes ort pra rin sel tam vin").split()
FIRST = ("Amina Ben Carla Dmitri Elena Farid Grace Hiro Ines Jonas Kavya Liam Mara Nikolai Olga Pedro Quinn "
         "Rosa Samir Tara Umar Vera Wei Yusuf Zara Alan Beatriz Chen Daniel Esther Felix Gita Hassan Irene "
         "Jamal Keiko Lars Miriam Nadia Oscar Priya Rafael Sofia Tomas Ursula Victor Wanda Xavier Yara").split()
CITIES = ("Riverton Ashford Kingsbay Marlow Eastwick Dunmore Fairhaven Glenrock Harrowgate Ironbridge "
          "Larkspur Millbrook Northgate Oakridge Pinecrest Queensport Redcliff Stonehill Thornbury Upton "
          "Valemont Westfield Yarrow Zephyr Brookvale Cedarfield Dovercourt Elmstead Foxley Greywater "
          "Hollowell Juniper Kestrel Lindenfeld Moorside Newhaven Orchard Portsea Rosewood Saltmarsh").split()
REGIONS = ("the northern province|the coastal region|the eastern district|the river valley|the highlands|"
           "the southern delta|the capital region|the western plains|the lake district|the border counties").split("|")
WEEKDAYS = "Monday Tuesday Wednesday Thursday Friday Saturday Sunday".split()
MONTHS = "January February March April May June July August September October November December".split()


@dataclass(frozen=True)
class Topic:
    name: str
    orgs: tuple[str, ...]
    roles: tuple[str, ...]
    projects: tuple[str, ...]
    verbs: tuple[str, ...]  # past tense, "the board {verb} a new ..."
    background: tuple[str, ...]  # sentences with {city}, {region}, {n}, {project}, {org}
    quotes: tuple[str, ...]
    groups: tuple[str, ...]


def _t(*parts: str) -> tuple[str, ...]:
    return tuple(p.strip() for p in parts)


TOPICS = (
    Topic("energy", _t("Grid Authority", "Energy Ministry", "Power Cooperative", "Renewables Agency"),
          _t("chief engineer", "energy minister", "grid director"),
          _t("solar farm", "wind park", "battery storage site", "hydroelectric dam", "gas pipeline", "substation upgrade",
             "district heating network", "transmission line"),
          _t("approved", "unveiled", "delayed", "expanded", "cancelled"),
          _t("Electricity demand in {region} has risen by {n} percent over the past three years.",
             "The {project} would supply roughly {n},000 homes once it reaches full capacity.",
             "Critics say the {org} underestimated the cost of connecting remote villages to the grid.",
             "Wholesale power prices in {city} reached a record high during last winter's cold spell.",
             "Engineers will first survey the site for protected wetlands and migrating birds."),
          _t("We cannot keep the lights on with ageing plants and hope.", "This is the cheapest power we can build.",
             "Households will see the benefit on their bills within two years."),
          _t("farmers' union", "residents' association", "environmental group", "consumer council")),
    Topic("transport", _t("Transit Authority", "Roads Department", "Rail Company", "Port Commission"),
          _t("transport commissioner", "rail operations chief", "harbour master"),
          _t("tram line", "bypass road", "rail tunnel", "bus depot", "cycle bridge", "ferry terminal", "freight corridor",
             "airport runway"),
          _t("approved", "opened", "postponed", "redesigned", "funded"),
          _t("Commuters in {city} spend an average of {n} minutes a day in traffic, according to a recent survey.",
             "The {project} has been discussed by the {org} for more than a decade.",
             "Freight volumes through {region} have doubled since the new customs rules took effect.",
             "Construction crews will work overnight to limit disruption to rush-hour services.",
             "Ticket revenue fell by {n} percent during the pandemic and has not fully recovered."),
          _t("Every minute we save commuters is a minute they get back with their families.",
             "The old timetable simply does not match how people travel today.", "Safety comes before speed."),
          _t("commuter group", "taxi drivers' union", "shopkeepers' association", "cycling club")),
    Topic("health", _t("Health Board", "Regional Hospital Trust", "Public Health Institute", "Medical Council"),
          _t("chief medical officer", "hospital director", "head of nursing"),
          _t("maternity ward", "cancer screening programme", "mobile clinic", "mental health hotline", "vaccination drive",
             "emergency department", "rural pharmacy scheme", "children's hospital wing"),
          _t("launched", "expanded", "suspended", "reviewed", "financed"),
          _t("Waiting times at clinics in {region} have grown to {n} weeks for routine appointments.",
             "The {org} said staff shortages remain the main obstacle to shorter queues.",
             "A pilot of the {project} in {city} reached {n},000 patients in its first year.",
             "Nurses have warned that overtime cannot fill the gaps in night shifts for much longer.",
             "Doctors recommend that older residents book their annual check-up before the winter season."),
          _t("Nobody should have to travel two hours to see a doctor.", "Prevention is far cheaper than treatment.",
             "Our staff have carried this service on goodwill for too long."),
          _t("patients' association", "nurses' union", "pensioners' group", "parents' network")),
    Topic("education", _t("School Board", "Education Ministry", "University Council", "Teachers' Institute"),
          _t("schools superintendent", "education minister", "university rector"),
          _t("science building", "free school meals scheme", "teacher training college", "literacy programme",
             "vocational academy", "student housing block", "digital classroom project", "school bus network"),
          _t("announced", "approved", "scaled back", "extended", "inaugurated"),
          _t("Enrolment in {city} schools has climbed by {n} percent since the new housing estates opened.",
             "The {org} says one in {n} classrooms still lacks reliable internet access.",
             "Exam results in {region} improved for the third year in a row.",
             "Parents have campaigned for the {project} since the old building was closed over safety concerns.",
             "Teachers will receive additional training before the programme starts in the autumn term."),
          _t("Every child deserves a classroom that is warm, safe and full of books.",
             "Good teachers are the heart of any school.", "We are investing in the next generation of workers."),
          _t("parents' council", "teachers' union", "student union", "employers' federation")),
    Topic("courts", _t("District Court", "Appeals Court", "Prosecutor's Office", "Bar Association"),
          _t("chief prosecutor", "presiding judge", "court spokesperson"),
          _t("fraud trial", "corruption inquiry", "land dispute ruling", "tax evasion case", "environmental lawsuit",
             "appeal hearing", "witness protection review", "contract arbitration"),
          _t("opened", "adjourned", "concluded", "dismissed", "referred"),
          _t("The case concerns contracts worth {n} million dollars awarded between 2015 and 2019.",
             "Lawyers for the defence argued that the {org} had exceeded its powers.",
             "The hearing in {city} drew dozens of observers and several foreign journalists.",
             "A verdict is not expected before the end of the year, court officials said.",
             "The {project} is one of {n} similar cases pending in {region}."),
          _t("The law applies to everyone, however powerful.", "We will present new evidence at the next session.",
             "Justice delayed is justice denied."),
          _t("anti-corruption watchdog", "civil liberties group", "business lobby", "journalists' union")),
    Topic("agriculture", _t("Farmers' Cooperative", "Agriculture Ministry", "Grain Board", "Water Management Agency"),
          _t("agriculture minister", "cooperative chairman", "chief agronomist"),
          _t("irrigation canal", "grain silo", "drought relief fund", "organic certification scheme", "cattle vaccination plan",
             "fruit export deal", "soil restoration project", "seed bank"),
          _t("approved", "extended", "announced", "postponed", "doubled"),
          _t("The wheat harvest in {region} fell by {n} percent after an unusually dry spring.",
             "Farmers near {city} say fertiliser prices have nearly doubled in two seasons.",
             "The {org} plans to pay compensation of {n} dollars per hectare for lost crops.",
             "Exporters hope the {project} will open new markets for local apples and pears.",
             "Young people continue to leave the villages for jobs in the cities."),
          _t("A farm that cannot plan for the next season cannot survive.", "Water is our most precious resource.",
             "We grow the food this country eats, and we need a fair price for it."),
          _t("young farmers' network", "beekeepers' society", "rural women's association", "millers' guild")),
    Topic("technology", _t("Digital Agency", "Innovation Fund", "Telecom Regulator", "Science Park"),
          _t("chief technology officer", "digital affairs minister", "regulator chair"),
          _t("fibre broadband rollout", "data centre", "startup incubator", "cyber security centre", "public wifi network",
             "chip assembly plant", "satellite ground station", "e-government portal"),
          _t("unveiled", "approved", "delayed", "expanded", "opened"),
          _t("Only {n} percent of rural households in {region} have access to fast broadband.",
             "The {org} said the {project} would create about {n}0 skilled jobs.",
             "A cyber attack last year disrupted online services in {city} for several days.",
             "Investors have shown growing interest in software companies founded by local graduates.",
             "Privacy campaigners asked for an independent review of how citizen data would be stored."),
          _t("Fast internet is no longer a luxury but basic infrastructure.",
             "We want our graduates to build their companies here, not abroad.", "Security was built in from day one."),
          _t("privacy campaign", "small business federation", "software developers' guild", "consumer council")),
    Topic("finance", _t("Central Bank", "Finance Ministry", "Stock Exchange", "Savings Bank"),
          _t("central bank governor", "finance minister", "chief economist"),
          _t("interest rate decision", "budget revision", "bond issue", "small business loan scheme", "pension reform",
             "banking audit", "currency reserve plan", "tax relief package"),
          _t("announced", "approved", "revised", "defended", "presented"),
          _t("Inflation in {region} stood at {n} percent last month, above the official target.",
             "The {org} expects the economy to grow modestly next year despite weak exports.",
             "Shares of banks listed in {city} rose sharply after the announcement.",
             "Economists warned that rising public debt could limit spending on roads and schools.",
             "The {project} follows {n} months of negotiations with lenders and trade unions."),
          _t("Price stability is the best gift we can give savers.", "These figures are sobering but manageable.",
             "We are not going to balance the budget on the backs of pensioners."),
          _t("pensioners' union", "chamber of commerce", "small traders' association", "taxpayers' alliance")),
    Topic("weather", _t("Met Office", "Civil Protection Agency", "Flood Defence Board", "Fire Service"),
          _t("chief forecaster", "civil protection director", "fire chief"),
          _t("flood barrier", "storm warning system", "wildfire response plan", "evacuation drill", "snow clearing fleet",
             "heatwave shelter network", "river dredging project", "coastal sea wall"),
          _t("activated", "tested", "upgraded", "deployed", "ordered"),
          _t("Up to {n} millimetres of rain fell on {city} in a single night, flooding cellars and underpasses.",
             "Temperatures in {region} are forecast to stay above {n} degrees for the rest of the week.",
             "The {org} asked residents to avoid unnecessary travel until the warning is lifted.",
             "Volunteers filled sandbags along the riverbank late into the evening.",
             "Insurers estimate the damage from last year's storms at several hundred million dollars."),
          _t("Please listen to the warnings and check on elderly neighbours.", "We were better prepared this time.",
             "The climate is changing faster than our defences."),
          _t("residents' association", "volunteer brigade", "insurers' association", "mountain rescue team")),
    Topic("sports", _t("Football Club", "Olympic Committee", "Athletics Federation", "City Stadium Trust"),
          _t("head coach", "club president", "federation secretary"),
          _t("new stadium", "youth academy", "marathon route", "ice rink", "swimming centre", "cup final bid",
             "training ground", "women's league"),
          _t("unveiled", "approved", "won", "launched", "renovated"),
          _t("The club finished {n}th last season after a late run of injuries.",
             "More than {n},000 fans are expected in {city} for the opening match.",
             "The {org} said ticket prices for children would be frozen for another year.",
             "Local schools will be able to use the {project} during weekday mornings.",
             "Sponsors from across {region} have pledged to support the programme."),
          _t("This team has the hunger to go all the way.", "Sport should be open to every child in this city.",
             "We owe this result to our supporters."),
          _t("supporters' club", "parents' network", "veterans' league", "neighbourhood council")),
    Topic("culture", _t("National Museum", "Arts Council", "City Theatre", "Heritage Foundation"),
          _t("museum director", "arts council chair", "festival curator"),
          _t("film festival", "library renovation", "heritage trail", "music school", "sculpture park", "archive digitisation",
             "opera season", "street art programme"),
          _t("opened", "announced", "extended", "funded", "reopened"),
          _t("The museum in {city} welcomed {n},000 visitors last year, a record.",
             "Restorers spent {n} months repairing the painted ceiling of the old hall.",
             "The {org} hopes the {project} will draw tourists from across {region}.",
             "Local artists complained that grants favour large institutions over small studios.",
             "Entry will be free for students and pensioners on the first Sunday of each month."),
          _t("Culture is what holds a community together.", "These walls have stories to tell.",
             "We want young people to see themselves in our programme."),
          _t("artists' collective", "friends of the museum", "historical society", "musicians' union")),
    Topic("housing", _t("Housing Agency", "City Council", "Planning Committee", "Tenants' Board"),
          _t("housing commissioner", "mayor", "planning chief"),
          _t("affordable housing estate", "rent cap", "social housing block", "riverside development", "building code revision",
             "student residence", "renovation grant scheme", "homeless shelter"),
          _t("approved", "rejected", "announced", "scaled back", "fast-tracked"),
          _t("Average rents in {city} have risen by {n} percent in five years.",
             "The {org} estimates that {region} needs {n},000 new homes by the end of the decade.",
             "Developers say planning permission takes far too long to obtain.",
             "Tenants in older blocks have reported damp, mould and broken lifts.",
             "The {project} will include green roofs and a new playground."),
          _t("A decent home should not cost half of a family's income.", "We are building as fast as we can.",
             "People who keep this city running must be able to live in it."),
          _t("tenants' union", "landlords' association", "architects' guild", "neighbourhood council")),
)


@dataclass(frozen=True)
class Brief:
    doc_id: str
    title: str
    text: str
    question: str  # names this brief's unique facts


def _surname(rng: random.Random) -> str:
    return "".join(rng.choice(_SYL) for _ in range(rng.choice((2, 2, 3)))).capitalize()


def _a(noun: str) -> str:
    return ("an " if noun[0] in "aeiou" else "a ") + noun


def brief(seed: int, i: int) -> Brief:
    """Synthetic brief number i (deterministic in seed and i alone)."""
    rng = random.Random(seed * 1_000_003 + i)
    t = rng.choice(TOPICS)
    city, region = rng.choice(CITIES), rng.choice(REGIONS)
    person, other = f"{rng.choice(FIRST)} {_surname(rng)}", f"{rng.choice(FIRST)} {_surname(rng)}"
    org_kind, role, project, verb = rng.choice(t.orgs), rng.choice(t.roles), rng.choice(t.projects), rng.choice(t.verbs)
    org = f"{city} {org_kind}"
    amount = f"{rng.randint(2, 950)} million dollars"
    day, month, weekday, year = rng.randint(1, 28), rng.choice(MONTHS), rng.choice(WEEKDAYS), rng.randint(2025, 2031)
    fill = dict(city=city, region=region, project=project, org=org, n=rng.randint(3, 95))
    background = [s.format(**fill) for s in rng.sample(t.background, rng.choice((1, 1, 1, 2, 3)))]
    background = [s[0].upper() + s[1:] for s in background]
    title = f"{city}: {org_kind} {verb} {project}"
    lead = [
        f"The {org} on {weekday} {verb} {_a(project)} in {city}, a plan that {person}, its {role}, "
        f"said would cost about {amount}.",
        f"\"{rng.choice(t.quotes)[:-1]},\" {person} told reporters after the meeting.",
        f"Work is due to finish by {month} {year}, and a public hearing is set for {rng.choice(MONTHS)} {day}.",
    ]
    reaction = (f"{other}, who leads a local {rng.choice(t.groups)}, said members would study the details "
                f"before deciding whether to support the {project}.")
    paras = [" ".join(lead), " ".join(background)] + ([reaction] if rng.random() < 0.5 else [])
    text = title + "\n\n" + "\n\n".join(paras) + "\n"
    question = f"How much did {person} say the {project} in {city} would cost?"
    return Brief(f"brief_{i:05d}", title, text, question)


def write_corpus(folder: Path, n: int, seed: int = 7) -> list[Brief]:
    """Write briefs 0..n-1 as folder/NN/brief_XXXXX.txt (100 per sub-folder); returns them."""
    out = []
    for i in range(n):
        b = brief(seed, i)
        path = folder / f"{i // 100:03d}" / f"{b.doc_id}.txt"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(b.text, encoding="utf-8")
        out.append(b)
    return out


def stored_doc(b: Brief) -> tuple:
    """A brief as DocStore.mark_pending takes a document: (doc_id, title, source, hash, text)."""
    return (b.doc_id, b.title, f"/synthetic/{b.doc_id}.txt", "x", b.text)


def paragraph_chunks(b: Brief) -> list[ChunkRow]:
    """A chunk per paragraph of a brief, with its offsets in the brief's text."""
    rows, pos = [], 0
    for j, para in enumerate(b.text.split("\n\n")):
        start = b.text.index(para, pos)
        pos = start + len(para)
        rows.append(ChunkRow(f"{b.doc_id}:{j}", b.doc_id, j, start, pos, para))
    return rows


def synthetic_index(n_chunks: int) -> Engine:
    """n_chunks of generated news briefs (bench/synthetic_news.py, one chunk per paragraph, so the keyword
    index holds news-like text) with vectors near real ones (encoding 100k chunks would take hours)."""
    home = Path(tempfile.mkdtemp(prefix="bench100k-"))
    engine = Engine(Settings(home=home, model_dir=get_settings().model_dir))
    rng = np.random.default_rng(0)
    base = engine.embedder.embed([brief(1, i).text for i in range(256)])  # centres: real vectors of other briefs
    i = made = 0
    while made < n_chunks:
        docs, rows = [], []
        for b in (brief(7, j) for j in range(i, i + 1000)):
            docs.append(stored_doc(b))
            rows += paragraph_chunks(b)
        rows = rows[:n_chunks - made]
        docs = [d for d in docs if d[0] in {r.doc_id for r in rows}]
        vecs = base[rng.integers(0, len(base), len(rows))] + rng.normal(0, 0.05, (len(rows), 384))
        vecs /= np.linalg.norm(vecs, axis=1, keepdims=True)
        engine.docstore.mark_pending(docs)
        engine.vectors.add([r.chunk_id for r in rows], vecs, [r.doc_id for r in rows])
        engine.docstore.commit_chunks({d[0]: "x" for d in docs}, rows)
        i, made = i + 1000, made + len(rows)
    return engine
