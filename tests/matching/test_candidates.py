"""Candidate lists for auto-assignment: each mentee's best, widened for mentors
with room who would otherwise be on too few lists."""

import numpy as np
import pytest

from matching import assignment, candidates
from tests.matching.people import Person, Program, build

GOALS = ["networking", "leadership", "belonging", "resilience"]


def lists(c: assignment.Candidates) -> list[set[int]]:
    return [set(c.cols[c.indptr[i] : c.indptr[i + 1]].tolist()) for i in range(c.n_mentees)]


@pytest.fixture
def narrow(monkeypatch):
    """Two candidates per mentee, so the widening shows on a small program."""
    monkeypatch.setattr(candidates, "PER_MENTEE", 2)
    monkeypatch.setattr(candidates, "PER_PLACE", 2)


def program_with_a_quiet_mentor():
    mentees = [Person(i, goals=set(GOALS)) for i in range(1, 7)]
    stars = [Person(100 + i, goals=set(GOALS), stage=3) for i in range(2)]
    quiet = Person(200, goals={"networking"}, stage=3)  # fits everyone a little less
    return mentees, [*stars, quiet]


def test_each_mentee_brings_their_best_mentors(narrow):
    mentees, mentors = program_with_a_quiet_mentor()
    ms, js, rules = build(mentees, mentors, Program(min_score=0))
    no_room = np.zeros(len(mentors), dtype=np.int64)
    c = candidates.build(ms, js, rules, np.arange(len(mentees)), no_room)
    assert all(row == {0, 1} for row in lists(c))  # the two stars, nobody widened


def test_a_mentor_with_room_on_too_few_lists_brings_their_best_mentees(narrow):
    mentees, mentors = program_with_a_quiet_mentor()
    ms, js, rules = build(mentees, mentors, Program(min_score=0))
    capacity = np.array([1, 1, 3])
    c = candidates.build(ms, js, rules, np.arange(len(mentees)), capacity)
    with_quiet = [i for i, row in enumerate(lists(c)) if 2 in row]
    assert len(with_quiet) == min(len(mentees), candidates.PER_PLACE * 3)
    # and so the optimum can fill the quiet mentor's places
    assert assignment.optimal(c, capacity, 0).figures()["matched"] == 5


def test_excluded_pairs_stay_out_when_widening(narrow):
    mentees, mentors = program_with_a_quiet_mentor()
    ms, js, rules = build(mentees, mentors, Program(min_score=0))
    excluded = (np.arange(6), np.full(6, 2))  # nobody may have the quiet mentor
    c = candidates.build(ms, js, rules, np.arange(6), np.array([1, 1, 3]), excluded=excluded)
    assert all(2 not in row for row in lists(c))


def test_rows_keep_the_order_asked_for():
    mentees, mentors = program_with_a_quiet_mentor()
    ms, js, rules = build(mentees, mentors, Program(min_score=0))
    order = np.array([5, 0, 3])
    c = candidates.build(ms, js, rules, order, np.array([1, 1, 1]))
    whole = candidates.build(ms, js, rules, np.arange(6), np.array([1, 1, 1]))
    assert lists(c) == [lists(whole)[i] for i in order]


@pytest.mark.parametrize("seed", range(5))
def test_widening_only_adds_pairs_and_never_lowers_the_optimum(narrow, seed):
    rng = np.random.default_rng(seed)
    mentees = [Person(i, goals=set(rng.choice(GOALS, 2, replace=False))) for i in range(40)]
    mentors = [
        Person(
            100 + j, goals=set(rng.choice(GOALS, 3, replace=False)), stage=int(rng.integers(0, 5))
        )
        for j in range(12)
    ]
    ms, js, rules = build(mentees, mentors, Program(min_score=0))
    capacity = rng.integers(0, 3, size=len(mentors))
    plain = candidates.build(ms, js, rules, np.arange(40), np.zeros(12, dtype=np.int64))
    widened = candidates.build(ms, js, rules, np.arange(40), capacity)
    assert all(a <= b for a, b in zip(lists(plain), lists(widened), strict=True))
    before = assignment.optimal(plain, capacity, 0).figures()
    after = assignment.optimal(widened, capacity, 0).figures()
    assert (after["matched"], after["total_score"]) >= (before["matched"], before["total_score"])


@pytest.mark.parametrize("seed", range(5))
def test_the_widening_finds_the_same_pairs_with_or_without_the_kept_screen(
    narrow, seed, monkeypatch
):
    """The row-wise pass keeps its screen for the widening up to
    KEEP_SCREEN_PAIRS; past it the widening screens again. Same lists."""
    rng = np.random.default_rng(seed)
    mentees = [
        Person(i, goals=set(rng.choice(GOALS, 2, replace=False)), stage=int(rng.integers(0, 5)))
        for i in range(60)
    ]
    mentors = [Person(100 + j, goals=set(rng.choice(GOALS, 3, replace=False))) for j in range(15)]
    ms, js, rules = build(mentees, mentors, Program(min_score=0))
    capacity = rng.integers(0, 4, size=len(mentors))
    rows = rng.permutation(60)[:50]
    excluded = (rng.integers(0, 60, 20), rng.integers(0, 15, 20))
    kept = candidates.build(ms, js, rules, rows, capacity, excluded=excluded)
    monkeypatch.setattr(candidates, "KEEP_SCREEN_PAIRS", 0)
    again = candidates.build(ms, js, rules, rows, capacity, excluded=excluded)
    for name in ("indptr", "cols", "scores"):
        np.testing.assert_array_equal(getattr(kept, name), getattr(again, name))
    assert len(kept.cols) > 2 * len(rows)  # the widening did add pairs


def test_a_few_rows_stay_on_the_exact_path_while_the_screen_is_kept(narrow, monkeypatch):
    """Four rows or fewer are scored exactly against every mentor (no float32
    screen choosing among ties at its edge), kept screen or not: 100 mentors,
    most of them tied, more than the screen's candidate width."""
    mentees = [Person(i, goals={"networking", "leadership"}) for i in range(3)]
    mentors = [Person(100 + j, goals={"networking"}, stage=3) for j in range(100)]
    ms, js, rules = build(mentees, mentors, Program(min_score=0))
    capacity = np.zeros(len(mentors), dtype=np.int64)  # no widening: the row-wise pass alone
    kept = candidates.build(ms, js, rules, np.arange(3), capacity)
    monkeypatch.setattr(candidates, "KEEP_SCREEN_PAIRS", 0)
    again = candidates.build(ms, js, rules, np.arange(3), capacity)
    for name in ("indptr", "cols", "scores"):
        np.testing.assert_array_equal(getattr(kept, name), getattr(again, name))
