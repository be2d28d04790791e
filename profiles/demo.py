"""Synthetic but plausible program members for demos and benchmarks.

Pure data: ``people(...)`` yields one dict per person from a seeded random
generator and the tag slugs, so the same seed always gives the same program.
"""

import random
from collections.abc import Iterator
from dataclasses import dataclass, field

from .taxonomy import CareerStage, MeetingFormat, Role, Visibility

# (weight, heritage tag slugs, heritage language slugs, given names, family names)
HERITAGE_GROUPS = [
    (
        9,
        ["east-asian", "chinese"],
        ["mandarin", "cantonese"],
        ["Wei", "Mei", "Jun", "Lin", "Hao", "Xiu", "Ming", "Yan"],
        ["Chen", "Wang", "Li", "Zhang", "Liu", "Huang"],
    ),
    (
        6,
        ["east-asian", "korean"],
        ["korean"],
        ["Ji-woo", "Min-jun", "Seo-yeon", "Hyun", "Eun-ji", "Daniel"],
        ["Kim", "Park", "Lee", "Choi", "Jung"],
    ),
    (
        4,
        ["east-asian", "japanese"],
        ["japanese"],
        ["Haruka", "Kenji", "Yui", "Sora", "Aiko", "Takeshi"],
        ["Sato", "Suzuki", "Tanaka", "Watanabe", "Ito"],
    ),
    (
        2,
        ["east-asian", "taiwanese"],
        ["mandarin"],
        ["Yu-ting", "Chia-hao", "Hsin", "Po-wen"],
        ["Lin", "Tsai", "Hsu", "Cheng"],
    ),
    (
        9,
        ["south-asian", "indian"],
        ["hindi", "tamil", "telugu", "gujarati", "bengali"],
        ["Priya", "Arjun", "Ananya", "Rohan", "Kavya", "Vikram", "Isha", "Rahul"],
        ["Patel", "Sharma", "Iyer", "Reddy", "Nair", "Gupta", "Desai"],
    ),
    (
        4,
        ["south-asian", "pakistani"],
        ["urdu", "punjabi"],
        ["Ayesha", "Omar", "Sana", "Bilal", "Zara", "Hamza"],
        ["Khan", "Malik", "Qureshi", "Butt", "Siddiqui"],
    ),
    (
        2,
        ["south-asian", "bangladeshi"],
        ["bengali"],
        ["Nusrat", "Tanvir", "Farhana", "Rafi"],
        ["Rahman", "Hossain", "Chowdhury", "Islam"],
    ),
    (
        5,
        ["southeast-asian", "filipino"],
        ["tagalog"],
        ["Maria", "Joshua", "Angelica", "Paolo", "Kristine", "Miguel"],
        ["Santos", "Reyes", "Cruz", "Bautista", "Garcia"],
    ),
    (
        4,
        ["southeast-asian", "vietnamese"],
        ["vietnamese"],
        ["Linh", "Minh", "Thao", "Quang", "Ngoc", "Bao"],
        ["Nguyen", "Tran", "Le", "Pham", "Hoang"],
    ),
    (
        2,
        ["southeast-asian", "thai"],
        ["thai"],
        ["Nattaya", "Somchai", "Ploy", "Krit"],
        ["Suwan", "Chaiyo", "Srisai"],
    ),
    (
        6,
        ["hispanic-or-latino"],
        ["spanish", "portuguese"],
        ["Sofia", "Mateo", "Valentina", "Diego", "Camila", "Luis"],
        ["Garcia", "Rodriguez", "Lopez", "Hernandez", "Silva"],
    ),
    (
        5,
        ["black-or-african"],
        ["yoruba", "swahili", "french"],
        ["Amara", "Kwame", "Zainab", "Tunde", "Nia", "Kofi"],
        ["Okafor", "Mensah", "Adeyemi", "Mwangi", "Diallo"],
    ),
    (
        2,
        ["caribbean"],
        ["haitian-creole", "spanish"],
        ["Marisol", "Andre", "Keisha", "Jean"],
        ["Baptiste", "Williams", "Pierre", "Campbell"],
    ),
    (
        3,
        ["middle-eastern-or-north-african"],
        ["arabic", "persian"],
        ["Layla", "Yusuf", "Nour", "Karim", "Dina"],
        ["Haddad", "Nasser", "Karimi", "Saleh"],
    ),
    (
        5,
        ["white-or-european"],
        ["german", "italian", "russian", "french"],
        ["Emma", "Liam", "Olivia", "Noah", "Hannah", "Lukas"],
        ["Smith", "Müller", "Rossi", "Novak", "Dubois"],
    ),
    (
        3,
        ["mixed-heritage"],
        [],
        ["Maya", "Kai", "Leah", "Julian", "Aria"],
        ["Kim-Lopez", "Patel-Jones", "Nguyen-Smith", "Okafor-Lee"],
    ),
]

# (timezone, cities, weight)
PLACES = [
    ("America/Los_Angeles", ["San Francisco", "Los Angeles", "Seattle"], 18),
    ("America/New_York", ["New York", "Boston", "Atlanta"], 20),
    ("America/Chicago", ["Chicago", "Houston", "Austin"], 10),
    ("America/Toronto", ["Toronto", "Ottawa"], 8),
    ("America/Vancouver", ["Vancouver"], 4),
    ("Europe/London", ["London", "Manchester"], 10),
    ("Europe/Berlin", ["Berlin", "Munich"], 4),
    ("Asia/Singapore", ["Singapore"], 6),
    ("Asia/Manila", ["Manila"], 4),
    ("Asia/Kolkata", ["Bengaluru", "Mumbai"], 6),
    ("Asia/Seoul", ["Seoul"], 3),
    ("Asia/Tokyo", ["Tokyo"], 3),
    ("Australia/Sydney", ["Sydney", "Melbourne"], 4),
]

INDUSTRY_WEIGHTS = {
    "technology": 30,
    "finance-and-banking": 14,
    "healthcare": 12,
    "education": 8,
    "government-and-public-sector": 6,
    "nonprofit": 6,
    "law": 4,
    "consulting": 6,
    "manufacturing": 4,
    "retail-and-consumer-goods": 4,
    "media-and-entertainment": 3,
    "energy": 2,
    "research-and-academia": 4,
    "arts-and-design": 3,
}
TITLES = {
    CareerStage.STUDENT: ["Student", "Graduate student", "Intern"],
    CareerStage.EARLY: ["Analyst", "Associate", "Junior engineer", "Coordinator", "Designer"],
    CareerStage.MID: [
        "Engineer",
        "Product manager",
        "Consultant",
        "Nurse practitioner",
        "Team lead",
    ],
    CareerStage.SENIOR: ["Senior engineer", "Director", "Principal consultant", "Senior manager"],
    CareerStage.EXECUTIVE: ["Vice president", "Chief technology officer", "Founder", "Partner"],
}
STAGE_YEARS = {0: (0, 1), 1: (1, 5), 2: (5, 12), 3: (10, 22), 4: (18, 35)}
MENTOR_STAGES = ([2, 3, 4], [30, 45, 25])
MENTEE_STAGES = ([0, 1, 2], [20, 55, 25])


@dataclass
class Person:
    email: str
    role: str
    display_name: str
    headline: str
    bio: str
    career_stage: int
    years_experience: int
    industry: str
    timezone: str
    city: str
    meeting_format: str
    languages: list[str]
    goals: list[str]
    values: list[str]
    background: list[str] = field(default_factory=list)
    visibility: str = Visibility.MATCHING
    capacity: int = 3
    is_paused: bool = False
    importance: dict[str, int] = field(default_factory=dict)
    must_share: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Vocabulary:
    """Tag slugs by kind or facet, sorted, so generation never depends on ids."""

    goals: list[str]
    values: list[str]
    languages: set[str]
    facets: dict[str, list[str]]


def _pick(rng: random.Random, options: list, weights: list):
    return rng.choices(options, weights=weights, k=1)[0]


def _background(rng: random.Random, heritage: list[str], vocab: Vocabulary) -> list[str]:
    tags = [t for t in heritage if t in vocab.facets["heritage"]]
    generation = _pick(rng, [*vocab.facets["generation"], None], [30, 40, 15, 15])
    if rng.random() < 0.35:
        tags.append("first-generation-college-graduate")
    if rng.random() < 0.15:
        tags.append("first-generation-professional")
    if rng.random() < 0.7:
        tags.append(_pick(rng, vocab.facets["socioeconomic"], [30, 40, 22, 8]))
    if rng.random() < 0.55:
        tags.append(_pick(rng, vocab.facets["outlook"], [22, 25, 18, 22, 13]))
    if rng.random() < 0.5:
        tags.append(rng.choice(vocab.facets["faith"]))
    if rng.random() < 0.08:
        tags.append("lgbtq")
    if generation:
        tags.append(generation)
    return tags


def person(rng: random.Random, role: str, index: int, seed: int, vocab: Vocabulary) -> Person:
    group = _pick(rng, HERITAGE_GROUPS, [g[0] for g in HERITAGE_GROUPS])
    _, heritage, heritage_langs, given, family = group
    name = f"{rng.choice(given)} {rng.choice(family)}"
    stages, weights = MENTOR_STAGES if role == Role.MENTOR else MENTEE_STAGES
    stage = _pick(rng, stages, weights)
    industry = _pick(rng, list(INDUSTRY_WEIGHTS), list(INDUSTRY_WEIGHTS.values()))
    tz, cities, _ = _pick(rng, PLACES, [p[2] for p in PLACES])
    languages = ["english"] if rng.random() < 0.93 else []
    spoken = [lang for lang in heritage_langs if lang in vocab.languages]
    if spoken and (rng.random() < 0.55 or not languages):
        languages.append(rng.choice(spoken))
    if not languages:
        languages = ["english"]
    if rng.random() < 0.12:
        languages.append(_pick(rng, ["spanish", "french", "mandarin", "hindi"], [5, 3, 2, 2]))
    n_goals = rng.randint(4, 8) if role == Role.MENTOR else rng.randint(2, 5)
    title = rng.choice(TITLES[CareerStage(stage)])
    disclosed = rng.random() < 0.75
    p = Person(
        email=f"seed{seed}-{role}{index:06d}@demo.kindred.test",
        role=role,
        display_name=name,
        headline=f"{title}, {industry.replace('-', ' ')}",
        bio=f"{title} in {industry.replace('-', ' ')}, based in {rng.choice(cities)}.",
        career_stage=stage,
        years_experience=rng.randint(*STAGE_YEARS[stage]),
        industry=industry,
        timezone=tz,
        city=rng.choice(cities),
        meeting_format=_pick(rng, list(MeetingFormat.values), [50, 10, 40]),
        languages=sorted(set(languages)),
        goals=sorted(rng.sample(vocab.goals, n_goals)),
        values=sorted(rng.sample(vocab.values, rng.randint(1, 4))),
    )
    if disclosed:
        p.background = sorted(set(_background(rng, heritage, vocab)))
        p.visibility = _pick(rng, list(Visibility.values), [60, 25, 15])
    if role == Role.MENTOR:
        p.capacity = _pick(rng, [1, 2, 3, 4, 5], [15, 30, 30, 15, 10])
        p.is_paused = rng.random() < 0.04
    else:
        p.importance = {
            c: _pick(rng, [0, 1, 2, 3], [3, 15, 60, 22])
            for c in ("goals", "background", "values", "experience", "logistics")
        }
        if disclosed and rng.random() < 0.05:
            p.must_share.append("heritage")
        if rng.random() < 0.05:
            p.must_share.append("language")
    return p


def people(*, mentors: int, mentees: int, seed: int, vocab: Vocabulary) -> Iterator[Person]:
    rng = random.Random(seed)
    for i in range(mentors):
        yield person(rng, Role.MENTOR, i, seed, vocab)
    for i in range(mentees):
        yield person(rng, Role.MENTEE, i, seed, vocab)
