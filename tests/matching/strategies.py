"""Hypothesis strategies: small random programs of plain-Python people."""

from hypothesis import strategies as st

from matching import scoring
from tests.matching.people import Person, Program

GOAL_NAMES = ["networking", "leadership", "belonging", "resilience"]
VALUE_NAMES = ["community", "family", "service"]
LANGUAGES = ["english", "korean", "tagalog"]
BACKGROUND = [
    ("heritage", "korean"),
    ("heritage", "filipino"),
    ("generation", "second"),
    ("lgbtq", "lgbtq"),
]


@st.composite
def people(draw, start: int, size: int):
    out = []
    for i in range(size):
        meeting = draw(st.sampled_from(["online", "in_person", "either"]))
        out.append(
            Person(
                id=start + i,
                user_id=draw(st.integers(0, 6)),
                goals=draw(st.sets(st.sampled_from(GOAL_NAMES))),
                values=draw(st.sets(st.sampled_from(VALUE_NAMES))),
                languages=draw(st.sets(st.sampled_from(LANGUAGES), max_size=2)),
                background=draw(st.sets(st.sampled_from(BACKGROUND))),
                stage=draw(st.one_of(st.none(), st.integers(0, 4))),
                industry=draw(st.sampled_from([None, "tech", "law"])),
                utc_offset=draw(st.one_of(st.none(), st.sampled_from([-8, -5, 0, 5.5, 9, 12]))),
                meeting=meeting,
                city=draw(st.sampled_from([None, "Oslo", "Lima"])),
                importance={c: draw(st.integers(0, 3)) for c in scoring.COMPONENTS},
                must=draw(st.sets(st.sampled_from(["heritage", "language", "lgbtq"]), max_size=1)),
                paused=draw(st.booleans()) and draw(st.booleans()),
                room=draw(st.integers(0, 3)),
            )
        )
    return out


@st.composite
def programs(draw):
    n_mentees, n_mentors = draw(st.integers(1, 6)), draw(st.integers(1, 8))
    weights = {c: draw(st.integers(0, 50)) for c in scoring.COMPONENTS}
    program = Program(
        weights=weights,
        min_score=draw(st.sampled_from([0, 20, 30, 50])),
        require_common_language=draw(st.booleans()),
        k=50,
    )
    return draw(people(1, n_mentees)), draw(people(100, n_mentors)), program
