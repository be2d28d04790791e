"""The vectorised scorer against SPEC §4: exact small cases, then property
tests holding it equal to the pair-by-pair reference on random programs."""

import dataclasses
import math
import random

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from matching import scoring
from tests.matching.people import (
    Person,
    Program,
    build,
    reference_allowed,
    reference_components,
    reference_score,
)

pytestmark = pytest.mark.usefixtures("scoring_path")


def components(mentee: Person, mentor: Person, program: Program | None = None) -> dict:
    mentees, mentors, _ = build([mentee], [mentor], program or Program())
    values = scoring.pair_components(mentees, [0], mentors, [0])[0]
    return {c: v for c, v in zip(scoring.COMPONENTS, values, strict=True) if not math.isnan(v)}


def score(mentee: Person, mentor: Person, program: Program | None = None) -> float:
    program = program or Program()
    mentees, mentors, rules = build([mentee], [mentor], program)
    return scoring.score_pairs(mentees, [0], mentors, [0], rules.weights)[0][0]


def suggested(mentees, mentors, program=None, excluded=None) -> dict[int, list[int]]:
    program = program or Program(k=50)
    ms, js, rules = build(mentees, mentors, program)
    ex = None
    if excluded:
        index_m = {p.id: i for i, p in enumerate(mentees)}
        index_j = {p.id: i for i, p in enumerate(mentors)}
        ex = (
            np.array([index_m[a] for a, _ in excluded]),
            np.array([index_j[b] for _, b in excluded]),
        )
    result = scoring.top_k(ms, js, rules, excluded=ex)
    out = {}
    for r, cols in zip(result.mentee_rows, result.mentor_rows, strict=True):
        out[mentees[r].id] = sorted(mentors[c].id for c in cols if c >= 0)
    return out


# --- goals ---------------------------------------------------------------------------


def test_goals_is_the_share_of_the_mentees_goals_the_mentor_covers():
    mentee = Person(1, goals={"networking", "leadership", "resilience", "belonging"})
    mentor = Person(2, goals={"networking", "leadership", "resilience", "advocacy"})
    assert components(mentee, mentor)["goals"] == pytest.approx(0.75)


def test_goals_is_dropped_when_the_mentee_chose_none():
    assert "goals" not in components(Person(1), Person(2, goals={"networking"}))


def test_a_mentor_with_no_goals_scores_zero_on_goals():
    assert components(Person(1, goals={"networking"}), Person(2))["goals"] == 0


# --- background ----------------------------------------------------------------------


def test_background_is_the_jaccard_of_tags_and_languages():
    mentee = Person(1, languages={"english", "korean"}, background={("heritage", "korean")})
    mentor = Person(
        2, languages={"english"}, background={("heritage", "korean"), ("lgbtq", "lgbtq")}
    )
    # shared: english, korean heritage; union: english, korean (language), korean heritage, lgbtq
    assert components(mentee, mentor)["background"] == pytest.approx(2 / 4)


def test_a_mentor_who_disclosed_nothing_shares_only_languages():
    mentee = Person(1, languages={"english", "korean"}, background={("heritage", "korean")})
    mentor = Person(2, languages={"korean"})
    assert components(mentee, mentor)["background"] == pytest.approx(1 / 3)


def test_background_is_dropped_when_the_mentees_set_is_empty():
    mentee = Person(1, languages=set())
    assert "background" not in components(mentee, Person(2), Program(require_common_language=False))


# --- values --------------------------------------------------------------------------


def test_values_is_the_jaccard_of_value_tags():
    mentee = Person(1, values={"community", "family", "integrity"})
    mentor = Person(2, values={"community", "family", "service"})
    assert components(mentee, mentor)["values"] == pytest.approx(2 / 4)


@pytest.mark.parametrize(("mine", "theirs"), [(set(), {"family"}), ({"family"}, set())])
def test_values_is_dropped_when_either_side_chose_none(mine, theirs):
    assert "values" not in components(Person(1, values=mine), Person(2, values=theirs))


# --- experience ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("mentee_stage", "mentor_stage", "expected"),
    [(1, 3, 0.5), (1, 2, 0.5), (2, 2, 0.25), (3, 2, 0.0), (None, 3, 0.0), (1, None, 0.0)],
)
def test_experience_half_is_career_stage_fit(mentee_stage, mentor_stage, expected):
    parts = components(Person(1, stage=mentee_stage), Person(2, stage=mentor_stage))
    assert parts["experience"] == pytest.approx(expected)


@pytest.mark.parametrize(
    ("mine", "theirs", "expected"),
    [("tech", "tech", 0.5), ("tech", "law", 0.0), (None, None, 0.0), ("tech", None, 0.0)],
)
def test_experience_other_half_is_same_industry(mine, theirs, expected):
    parts = components(Person(1, stage=3, industry=mine), Person(2, stage=3, industry=theirs))
    assert parts["experience"] - 0.25 == pytest.approx(expected)


# --- logistics -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("a", "b", "expected"),
    [(0, 0, 1.0), (-5, -8, 0.75), (9, -8, 5 / 12), (0, 12, 0.0), (5.5, -5, 1 / 8), (None, 0, 0.0)],
)
def test_logistics_is_timezone_closeness(a, b, expected):
    parts = components(Person(1, utc_offset=a), Person(2, utc_offset=b))
    assert parts["logistics"] == pytest.approx(expected)


@pytest.mark.parametrize(
    ("mine", "theirs", "cities", "meets"),
    [
        ("online", "in_person", ("Oslo", "Oslo"), False),
        ("in_person", "online", ("Oslo", "Oslo"), False),
        ("in_person", "in_person", ("Oslo", "Lima"), False),
        ("in_person", "in_person", ("Oslo", "Oslo"), True),
        ("in_person", "either", ("Oslo", "Lima"), False),
        ("either", "in_person", ("Oslo", None), False),
        ("either", "online", (None, None), True),
        ("either", "either", ("Oslo", "Lima"), True),
        ("online", "online", (None, None), True),
    ],
)
def test_logistics_is_zero_when_formats_cannot_meet(mine, theirs, cities, meets):
    mentee = Person(1, meeting=mine, city=cities[0])
    mentor = Person(2, meeting=theirs, city=cities[1])
    assert components(mentee, mentor)["logistics"] == (1.0 if meets else 0.0)


# --- the weighted sum --------------------------------------------------------------------


def test_score_is_the_weighted_mean_of_present_components():
    mentee = Person(1, goals={"a", "b"}, values={"x"}, stage=1, utc_offset=0)
    mentor = Person(2, goals={"a"}, values={"x", "y"}, stage=3, utc_offset=0)
    # goals .5 (40), background 1 (25: both speak only English), values .5 (20),
    # experience .5 (10), logistics 1 (5)
    expected = 100 * (40 * 0.5 + 25 * 1 + 20 * 0.5 + 10 * 0.5 + 5 * 1) / 100
    assert score(mentee, mentor) == pytest.approx(expected)


def test_dropped_components_leave_both_sums():
    mentee = Person(1, stage=1, utc_offset=0)  # no goals, no values
    mentor = Person(2, stage=3, utc_offset=0, values={"x"})
    expected = 100 * (25 * 1 + 10 * 0.5 + 5 * 1) / (25 + 10 + 5)
    assert score(mentee, mentor) == pytest.approx(expected)


def test_importance_scales_each_weight():
    base = dict(goals={"a", "b"}, stage=1, utc_offset=0)
    mentor = Person(2, goals={"a"}, stage=1, utc_offset=0)
    very = Person(1, **base, importance={"goals": 3, "experience": 0, "logistics": 1})
    # goals .5 ×40×2, background 1 ×25×1, experience dropped by importance 0, logistics 1 ×5×.5
    expected = 100 * (0.5 * 80 + 1 * 25 + 1 * 2.5) / (80 + 25 + 2.5)
    assert score(very, mentor) == pytest.approx(expected)


def test_nothing_important_scores_zero():
    zeros = {c: 0 for c in scoring.COMPONENTS}
    assert score(Person(1, importance=zeros), Person(2)) == 0


def test_program_weights_change_the_score():
    mentee, mentor = Person(1, goals={"a"}), Person(2, goals={"a"}, stage=0, utc_offset=12)
    only_goals = Program(
        weights={"goals": 1, "background": 0, "values": 0, "experience": 0, "logistics": 0}
    )
    assert score(mentee, mentor, only_goals) == pytest.approx(100)
    assert score(mentee, mentor) < 100


# --- hard filters -------------------------------------------------------------------------


def test_a_person_is_never_matched_with_themself():
    me_mentee, me_mentor = Person(1, user_id=7, goals={"a"}), Person(2, user_id=7, goals={"a"})
    assert suggested([me_mentee], [me_mentor, Person(3, goals={"a"})]) == {1: [3]}


def test_a_common_language_is_required_when_the_program_says_so():
    mentee = Person(1, languages={"korean"}, goals={"a"})
    mentor = Person(2, languages={"english"}, goals={"a"})
    assert suggested([mentee], [mentor]) == {1: []}
    assert suggested([mentee], [mentor], Program(require_common_language=False, min_score=0)) == {
        1: [2]
    }


def test_must_facets_are_hard_filters():
    mentee = Person(1, goals={"a"}, background={("heritage", "korean")}, must={"heritage"})
    sharing = Person(2, goals={"a"}, background={("heritage", "korean")})
    not_sharing = Person(3, goals={"a"}, background={("heritage", "filipino")})
    silent = Person(4, goals={"a"})
    assert suggested([mentee], [sharing, not_sharing, silent]) == {1: [2]}


def test_must_language_needs_a_shared_language():
    mentee = Person(1, goals={"a"}, languages={"english", "korean"}, must={"language"})
    mentors = [
        Person(2, goals={"a"}, languages={"english"}),
        Person(3, goals={"a"}, languages={"korean"}),
    ]
    # a common language alone would pass English; "must" asks for one too, which English is
    assert suggested([mentee], mentors) == {1: [2, 3]}


@pytest.mark.parametrize(
    "mentor", [Person(2, goals={"a"}, paused=True), Person(2, goals={"a"}, room=0)]
)
def test_paused_or_full_mentors_get_no_new_suggestions(mentor):
    assert suggested([Person(1, goals={"a"})], [mentor]) == {1: []}


def test_excluded_pairs_are_never_suggested():
    mentees = [Person(1, goals={"a"}), Person(2, goals={"a"})]
    mentors = [Person(10, goals={"a"}), Person(11, goals={"a"})]
    assert suggested(mentees, mentors, excluded=[(1, 10)]) == {1: [11], 2: [10, 11]}


def test_pairs_below_the_minimum_score_are_not_suggested():
    mentee = Person(1, goals={"a", "b", "c", "d"}, values={"x"}, stage=3)
    weak = Person(2, values={"y"}, stage=0, utc_offset=12)
    assert score(mentee, weak) < 30
    assert suggested([mentee], [weak]) == {1: []}
    assert suggested([mentee], [weak], Program(min_score=0, k=5)) == {1: [2]}


def test_top_k_returns_at_most_k_best():
    mentee = Person(1, goals={"a", "b", "c", "d"})
    mentors = [Person(10 + i, goals={"a", "b", "c", "d"} - set("abcd"[:i])) for i in range(4)]
    program = Program(k=2, min_score=0)
    ms, js, rules = build([mentee], mentors, program)
    result = scoring.top_k(ms, js, rules)
    assert result.mentor_rows.shape == (1, 2)
    assert set(result.mentor_rows[0]) == {0, 1}  # the two mentors covering the most goals
    assert result.scores[0, 0] >= result.scores[0, 1]


# --- against the reference, on random programs -------------------------------------------------

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


@settings(max_examples=300, deadline=None)
@given(programs())
def test_components_equal_the_reference(data):
    mentees, mentors, program = data
    ms, js, _ = build(mentees, mentors, program)
    for i, mentee in enumerate(mentees):
        rows = np.full(len(mentors), i)
        got = scoring.pair_components(ms, rows, js, np.arange(len(mentors)))
        for j, mentor in enumerate(mentors):
            want = reference_components(mentee, mentor)
            for c, name in enumerate(scoring.COMPONENTS):
                if name in want:
                    assert got[j, c] == pytest.approx(want[name], abs=1e-12), name
                else:
                    assert math.isnan(got[j, c]), name


@settings(max_examples=300, deadline=None)
@given(programs())
def test_suggestions_and_scores_equal_the_reference(data):
    mentees, mentors, program = data
    ms, js, rules = build(mentees, mentors, program)
    result = scoring.top_k(ms, js, rules)
    for r, cols, scores in zip(result.mentee_rows, result.mentor_rows, result.scores, strict=True):
        mentee = mentees[r]
        want = {
            m.id: reference_score(mentee, m, program)
            for m in mentors
            if reference_allowed(mentee, m, program)
        }
        got = {mentors[c].id: s for c, s in zip(cols, scores, strict=True) if c >= 0}
        assert got.keys() == want.keys()
        for mentor_id, value in got.items():
            assert value == pytest.approx(want[mentor_id], abs=1e-9)


@settings(max_examples=100, deadline=None)
@given(programs(), st.integers(1, 3))
def test_block_size_never_changes_the_result(data, block_bytes):
    mentees, mentors, program = data
    ms, js, rules = build(mentees, mentors, program)
    whole = scoring.top_k(ms, js, rules)
    original = scoring.BLOCK_BYTES
    try:
        scoring.BLOCK_BYTES = 4 * len(mentors) * block_bytes  # one to three rows per block
        blocked = scoring.top_k(ms, js, rules)
    finally:
        scoring.BLOCK_BYTES = original
    np.testing.assert_array_equal(whole.mentor_rows, blocked.mentor_rows)
    np.testing.assert_array_equal(whole.scores, blocked.scores)


@settings(max_examples=100, deadline=None)
@given(programs())
def test_one_mentee_alone_gets_the_same_list_as_in_a_block(data):
    mentees, mentors, program = data
    program.k = 3
    ms, js, rules = build(mentees, mentors, program)
    rules = dataclasses.replace(rules, spread=False)
    everyone = scoring.top_k(ms, js, rules)
    for i in range(len(mentees)):
        alone = scoring.top_k(ms, js, rules, rows=np.array([i]))
        np.testing.assert_array_equal(alone.mentor_rows[0], everyone.mentor_rows[i])


def test_scores_are_deterministic():
    mentees = [Person(i, goals=set(GOAL_NAMES[: i % 4 + 1])) for i in range(20)]
    mentors = [Person(100 + i, goals=set(GOAL_NAMES[i % 4 :])) for i in range(30)]
    ms, js, rules = build(mentees, mentors, Program())
    first, second = scoring.top_k(ms, js, rules), scoring.top_k(ms, js, rules)
    np.testing.assert_array_equal(first.mentor_rows, second.mentor_rows)
    np.testing.assert_array_equal(first.keys, second.keys)


def random_people(rng: random.Random, start: int, size: int) -> list[Person]:
    return [
        Person(
            id=start + i,
            goals=set(rng.sample(GOAL_NAMES, rng.randint(0, 3))),
            values=set(rng.sample(VALUE_NAMES, rng.randint(0, 3))),
            languages=set(rng.sample(LANGUAGES, rng.randint(1, 2))),
            background=set(rng.sample(BACKGROUND, rng.randint(0, 3))),
            stage=rng.choice([None, 0, 1, 2, 3, 4]),
            industry=rng.choice([None, "tech", "law"]),
            utc_offset=rng.choice([None, -8, -5, 0, 5.5, 9]),
            meeting=rng.choice(["online", "in_person", "either"]),
            city=rng.choice([None, "Oslo", "Lima"]),
            importance={c: rng.randint(0, 3) for c in scoring.COMPONENTS},
            must={"heritage"} if rng.random() < 0.1 else set(),
            room=rng.randint(0, 3),
        )
        for i in range(size)
    ]


@pytest.mark.parametrize("k, spread", [(5, False), (5, True), (50, False)])
def test_the_screen_finds_the_best_scores_that_scoring_every_pair_finds(k, spread):
    """With far more mentors than candidates per row, the float32 screen must
    not lose one of a row's best: the same scores as exact scoring of every
    pair (equal scores may name different mentors)."""
    rng = random.Random(5)
    mentees, mentors = random_people(rng, 1, 60), random_people(rng, 1000, 400)
    program = Program(k=k, min_score=20)
    ms, js, rules = build(mentees, mentors, program)
    rules = dataclasses.replace(rules, spread=spread)
    original = scoring.DIRECT_PAIRS
    try:
        scoring.DIRECT_PAIRS = 10**12
        exact = scoring.top_k(ms, js, rules)
        scoring.DIRECT_PAIRS = 0
        screened = scoring.top_k(ms, js, rules)
    finally:
        scoring.DIRECT_PAIRS = original
    assert (exact.mentor_rows[:, 0] >= 0).sum() > 50  # most rows have a list
    np.testing.assert_array_equal(screened.keys, exact.keys)
    for r, cols, scores in zip(
        screened.mentee_rows, screened.mentor_rows, screened.scores, strict=True
    ):
        for c, value in zip(cols, scores, strict=True):
            if c >= 0:
                assert reference_allowed(mentees[r], mentors[c], program)
                assert value == pytest.approx(
                    reference_score(mentees[r], mentors[c], program), abs=1e-9
                )
