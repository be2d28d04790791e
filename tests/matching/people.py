"""Plain-Python people for scoring tests, the arrays they turn into, a
reference scorer that follows docs/matching.md word by word, one pair at a time, and
the vectorised scorer called on one pair."""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

from matching import scoring
from matching.scoring import FACETS, Rules, Side

MULTIPLIER = {0: 0.0, 1: 0.5, 2: 1.0, 3: 2.0}
STAGES = ["student", "early", "mid", "senior", "executive"]
FORMATS = {"online": scoring.ONLINE, "in_person": scoring.IN_PERSON, "either": scoring.EITHER}


@dataclass
class Person:
    id: int
    user_id: int | None = None
    goals: set[str] = field(default_factory=set)
    values: set[str] = field(default_factory=set)
    languages: set[str] = field(default_factory=lambda: {"english"})
    background: set[tuple[str, str]] = field(default_factory=set)  # (facet, tag)
    stage: int | None = 1
    industry: str | None = None
    utc_offset: float | None = 0.0
    meeting: str = "online"
    city: str | None = None
    importance: dict[str, int] = field(default_factory=dict)
    must: set[str] = field(default_factory=set)
    visibility: int = scoring.VISIBILITY_MATCHING
    paused: bool = False
    room: int = 3
    pending: int = 0

    def __post_init__(self):
        if self.user_id is None:
            self.user_id = self.id

    def importance_of(self, component: str) -> int:
        return self.importance.get(component, 2)

    def matching_set(self) -> set[tuple[str, str]]:
        """Background tags allowed for matching, plus languages (which always count)."""
        return self.background | {("language", lang) for lang in self.languages}


@dataclass
class Program:
    weights: dict[str, float] = field(
        default_factory=lambda: {
            "goals": 40,
            "background": 25,
            "values": 20,
            "experience": 10,
            "logistics": 5,
        }
    )
    min_score: float = 30
    require_common_language: bool = True
    k: int = 5
    gap: float = 10


# --- the reference: docs/matching.md read one line at a time ------------------------------


def jaccard(a: set, b: set) -> float:
    return len(a & b) / len(a | b)


def reference_components(mentee: Person, mentor: Person) -> dict[str, float]:
    parts: dict[str, float] = {}
    # goals: share of the mentee's goals the mentor can help with; dropped when none chosen.
    if mentee.goals:
        parts["goals"] = len(mentee.goals & mentor.goals) / len(mentee.goals)
    # background: Jaccard of allowed background tags and languages;
    # dropped when the mentee's set is empty.
    if mentee.matching_set():
        parts["background"] = jaccard(mentee.matching_set(), mentor.matching_set())
    # values: Jaccard; dropped when either side chose none.
    if mentee.values and mentor.values:
        parts["values"] = jaccard(mentee.values, mentor.values)
    # experience: half career-stage fit, half same industry.
    if mentee.stage is None or mentor.stage is None:
        stage_fit = 0.0
    elif mentor.stage >= mentee.stage + 1:
        stage_fit = 1.0
    elif mentor.stage == mentee.stage:
        stage_fit = 0.5
    else:
        stage_fit = 0.0
    same_industry = 1.0 if mentee.industry and mentee.industry == mentor.industry else 0.0
    parts["experience"] = 0.5 * stage_fit + 0.5 * same_industry
    # logistics: timezone closeness, zero when the meeting formats cannot meet.
    if mentee.utc_offset is None or mentor.utc_offset is None:
        closeness = 0.0
    else:
        apart = abs(mentee.utc_offset - mentor.utc_offset) % 24
        apart = min(apart, 24 - apart)
        closeness = 1 - min(apart, 12) / 12
    formats = {mentee.meeting, mentor.meeting}
    online_meets_in_person = formats == {"online", "in_person"}
    in_person_elsewhere = "in_person" in formats and not (
        mentee.city and mentee.city == mentor.city
    )
    if online_meets_in_person or in_person_elsewhere:
        closeness = 0.0
    parts["logistics"] = closeness
    return parts


def reference_score(mentee: Person, mentor: Person, program: Program) -> float:
    parts = reference_components(mentee, mentor)
    weight = {c: program.weights[c] * MULTIPLIER[mentee.importance_of(c)] for c in parts}
    total = sum(weight.values())
    if total == 0:
        return 0.0
    return 100 * sum(weight[c] * parts[c] for c in parts) / total


def reference_allowed(
    mentee: Person, mentor: Person, program: Program, excluded=frozenset()
) -> bool:
    if mentee.user_id == mentor.user_id:
        return False
    if program.require_common_language and not mentee.languages & mentor.languages:
        return False
    for facet in mentee.must:
        mine = {t for f, t in mentee.matching_set() if f == facet}
        theirs = {t for f, t in mentor.matching_set() if f == facet}
        if not mine & theirs:
            return False
    if mentor.paused or mentor.room <= 0:
        return False
    if (mentee.id, mentor.id) in excluded:
        return False
    # "Below the minimum" is about the true score, a sum of fractions: float
    # arithmetic can land it a hair under (29.999999999999996 for an exact 30),
    # which the product's EPS (matching/scoring.py) counts as reaching it.
    return reference_score(mentee, mentor, program) >= program.min_score - 1e-9


# --- people → arrays, as the loader does for profiles -------------------------------


def build(mentees: list[Person], mentors: list[Person], program: Program):
    everyone = mentees + mentors
    goals = sorted({g for p in everyone for g in p.goals})
    values = sorted({v for p in everyone for v in p.values})
    tags = sorted({t for p in everyone for t in p.matching_set()})
    industries = sorted({p.industry for p in everyone if p.industry})
    cities = sorted({p.city for p in everyone if p.city})
    column = {t: i for i, t in enumerate(tags)}

    def side(people: list[Person]) -> Side:
        n = len(people)

        def matrix(vocab, get):
            out = np.zeros((n, len(vocab)))
            index = {v: i for i, v in enumerate(vocab)}
            for r, p in enumerate(people):
                for item in get(p):
                    out[r, index[item]] = 1
            return out

        return Side(
            ids=np.array([p.id for p in people], dtype=np.int64),
            user_ids=np.array([p.user_id for p in people], dtype=np.int64),
            goals=matrix(goals, lambda p: p.goals),
            values=matrix(values, lambda p: p.values),
            background=matrix(tags, Person.matching_set),
            stage=np.array([-1 if p.stage is None else p.stage for p in people], dtype=np.int64),
            industry=np.array(
                [industries.index(p.industry) if p.industry else -1 for p in people], dtype=np.int64
            ),
            utc_offset=np.array([np.nan if p.utc_offset is None else p.utc_offset for p in people]),
            meeting=np.array([FORMATS[p.meeting] for p in people], dtype=np.int8),
            city=np.array([cities.index(p.city) if p.city else -1 for p in people], dtype=np.int64),
            importance=np.array(
                [[p.importance_of(c) for c in scoring.COMPONENTS] for p in people], dtype=np.int64
            ).reshape(n, 5),
            must=np.array([[f in p.must for f in FACETS] for p in people], dtype=bool).reshape(
                n, len(FACETS)
            ),
            visibility=np.array([p.visibility for p in people], dtype=np.int8),
            available=np.array([not p.paused and p.room > 0 for p in people], dtype=bool),
            room=np.array([p.room for p in people], dtype=np.int64),
            pending=np.array([p.pending for p in people], dtype=np.int64),
        )

    facet_columns = {
        f: np.array([column[t] for t in tags if t[0] == f], dtype=np.int64) for f in FACETS
    }
    rules = Rules(
        weights=tuple(float(program.weights[c]) for c in scoring.COMPONENTS),
        min_score=program.min_score,
        require_common_language=program.require_common_language,
        facet_columns=facet_columns,
        k=program.k,
        gap=program.gap,
    )
    return side(mentees), side(mentors), rules


# --- the vectorised scorer on one pair ---------------------------------------------------


def components(mentee: Person, mentor: Person, program: Program | None = None) -> dict:
    mentees, mentors, _ = build([mentee], [mentor], program or Program())
    values = scoring.pair_components(mentees, [0], mentors, [0])[0]
    return {c: v for c, v in zip(scoring.COMPONENTS, values, strict=True) if not math.isnan(v)}


def score(mentee: Person, mentor: Person, program: Program | None = None) -> float:
    program = program or Program()
    mentees, mentors, rules = build([mentee], [mentor], program)
    return scoring.score_pairs(mentees, [0], mentors, [0], rules.weights)[0][0]
