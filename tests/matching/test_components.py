"""Each component of the score and the weighted sum (docs/matching.md): exact small
cases, then a property test holding every component equal to the pair-by-pair
reference. Neither goes through ``top_k``, so unlike ``test_scoring.py`` these
run once, not once per scoring path."""

import math

import numpy as np
import pytest
from hypothesis import given, settings

from matching import scoring
from tests.matching.people import Person, Program, build, components, reference_components, score
from tests.matching.strategies import programs

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
