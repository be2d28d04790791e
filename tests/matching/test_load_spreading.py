"""Suggestions spread the load (docs/matching.md, last paragraph; docs/matching.md)."""

from collections import Counter

import numpy as np
import pytest

from matching import scoring
from tests.matching.people import Person, Program, build

pytestmark = pytest.mark.usefixtures("scoring_path")

GOALS = {"networking", "leadership", "belonging", "resilience"}


def similar_mentees(n: int) -> list[Person]:
    return [Person(i, goals=set(GOALS), values={"community"}, stage=1) for i in range(1, n + 1)]


def program_with_a_star(pending_on_star: int = 0):
    star = Person(1000, goals=set(GOALS), values={"community"}, stage=3, pending=pending_on_star)
    # Equal to one another, a little behind the star: three of the four goals.
    equals = [
        Person(1001 + i, goals=GOALS - {"resilience"}, values={"community"}, stage=3)
        for i in range(8)
    ]
    return star, equals


def lists_by_mentee(mentees, mentors, exposure=True, k=5) -> dict[int, list[int]]:
    ms, js, rules = build(mentees, mentors, Program(k=k))
    shown = scoring.Exposure(np.zeros(len(mentors))) if exposure else None
    result = scoring.top_k(ms, js, rules, exposure=shown)
    return {
        mentees[r].id: [mentors[c].id for c in row if c >= 0]
        for r, row in zip(result.mentee_rows, result.mentor_rows, strict=True)
    }


def lists(mentees, mentors, exposure=True, k=5) -> list[list[int]]:
    return list(lists_by_mentee(mentees, mentors, exposure, k).values())


def test_one_popular_mentor_does_not_top_every_list():
    star, equals = program_with_a_star()
    built = lists(similar_mentees(60), [star, *equals])
    firsts = Counter(row[0] for row in built)
    assert firsts[star.id] < 60 / 2
    assert len(firsts) > 4  # several mentors lead some lists


def test_equal_mentors_do_not_sit_idle():
    star, equals = program_with_a_star()
    shown = Counter(m for row in lists(similar_mentees(60), [star, *equals]) for m in row)
    assert all(shown[m.id] > 0 for m in equals)
    # and no one mentor is in every list while others are in few
    assert max(shown.values()) - min(shown.values()) <= 60 // 2


def test_without_spreading_the_star_would_lead_every_list():
    """The contrast that shows the rule is doing the work above."""
    star, equals = program_with_a_star()
    mentees, mentors = similar_mentees(60), [star, *equals]
    ms, js, rules = build(mentees, mentors, Program())
    rules = scoring.Rules(**{**rules.__dict__, "spread": False})
    result = scoring.top_k(ms, js, rules)
    assert all(mentors[row[0]].id == star.id for row in result.mentor_rows)


def test_requests_already_waiting_push_a_mentor_down():
    star, equals = program_with_a_star(pending_on_star=12)
    built = lists(similar_mentees(20), [star, *equals], exposure=False)
    assert sum(row[0] == star.id for row in built) == 0


def test_room_left_counts_against_waiting_requests():
    # the same waiting requests weigh less on a mentor with more room
    busy = scoring.load_factor(np.array([1, 5]), np.array([4, 4]))
    assert busy[0] < busy[1] < 1
    assert scoring.load_factor(np.array([3]), np.array([0]))[0] == 1


def test_spreading_never_changes_the_score_shown():
    star, equals = program_with_a_star(pending_on_star=12)
    mentees = similar_mentees(5)
    ms, js, rules = build(mentees, [star, *equals], Program(k=9))
    spread = scoring.top_k(ms, js, rules, exposure=scoring.Exposure(np.zeros(9)))
    plain = scoring.top_k(ms, js, scoring.Rules(**{**rules.__dict__, "spread": False}), k=9)
    for row in range(len(mentees)):
        by_mentor = dict(zip(spread.mentor_rows[row], spread.scores[row], strict=True))
        for col, value in zip(plain.mentor_rows[row], plain.scores[row], strict=True):
            assert by_mentor[col] == value


def test_lists_do_not_depend_on_block_size():
    star, equals = program_with_a_star()
    mentees, mentors = similar_mentees(30), [star, *equals]
    ms, js, rules = build(mentees, mentors, Program())
    whole = scoring.top_k(ms, js, rules, exposure=scoring.Exposure(np.zeros(9)))
    original = scoring.BLOCK_BYTES
    try:
        scoring.BLOCK_BYTES = 4 * len(mentors) * 4  # four rows per block
        blocked = scoring.top_k(ms, js, rules, exposure=scoring.Exposure(np.zeros(9)))
    finally:
        scoring.BLOCK_BYTES = original
    np.testing.assert_array_equal(whole.mentor_rows, blocked.mentor_rows)


def test_lists_do_not_depend_on_row_order():
    star, equals = program_with_a_star()
    mentees, mentors = similar_mentees(30), [star, *equals]
    assert lists_by_mentee(mentees, mentors) == lists_by_mentee(list(reversed(mentees)), mentors)
