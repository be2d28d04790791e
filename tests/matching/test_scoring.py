"""Suggestions from the vectorised scorer against docs/matching.md: the hard filters and
top k in exact small cases, then property tests holding them equal to the
pair-by-pair reference on random programs. Each runs both ways ``top_k`` can go
(``scoring_path``). The components themselves are in ``test_components.py``."""

import dataclasses
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
    reference_score,
    score,
)
from tests.matching.strategies import BACKGROUND, GOAL_NAMES, LANGUAGES, VALUE_NAMES, programs

pytestmark = pytest.mark.usefixtures("scoring_path")


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
    original = scoring.DIRECT_ROWS, scoring.DIRECT_PAIRS
    try:
        scoring.DIRECT_ROWS = scoring.DIRECT_PAIRS = 10**12
        exact = scoring.top_k(ms, js, rules)
        scoring.DIRECT_PAIRS = 0
        screened = scoring.top_k(ms, js, rules)
    finally:
        scoring.DIRECT_ROWS, scoring.DIRECT_PAIRS = original
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


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_each_mentors_best_mentees_from_the_screen_hold_the_exact_best(seed):
    """best_mentees (auto-assignment's widening) against the reference, pair by
    pair: every mentor's best ``count`` allowed mentees, ties at the edge
    included, are among what it returns, each with its exact score."""
    rng = random.Random(seed)
    mentees, mentors = random_people(rng, 1, 150), random_people(rng, 1000, 90)
    program = Program(min_score=20)
    ms, js, rules = build(mentees, mentors, program)
    excluded_pairs = {(rng.randrange(150), rng.randrange(90)) for _ in range(40)}
    excluded = tuple(np.array(a) for a in zip(*sorted(excluded_pairs), strict=True))
    rows = np.array(sorted(rng.sample(range(150), 120)))
    cols = np.arange(90)
    counts = np.array([rng.randint(1, 12) for _ in cols])
    r, j, s = scoring.best_mentees(ms, js, rules, rows, cols, counts, excluded)
    got = {(int(a), int(b)): float(v) for a, b, v in zip(r, j, s, strict=True)}
    named = frozenset((mentees[a].id, mentors[b].id) for a, b in excluded_pairs)
    for (a, b), value in got.items():
        assert reference_allowed(mentees[a], mentors[b], program, named)
        assert value == pytest.approx(reference_score(mentees[a], mentors[b], program), abs=1e-9)
    found = 0
    for b in cols:
        ranked = sorted(
            (-reference_score(mentees[a], mentors[b], program), a)
            for a in rows
            if reference_allowed(mentees[a], mentors[b], program, named)
        )
        if not ranked:
            continue
        edge = ranked[: counts[b]][-1][0]
        best = {a for minus, a in ranked if minus <= edge + 1e-9}
        assert best <= {a for (a, c) in got if c == b}
        found += len(best)
    assert found > 200  # the programs are not trivially empty
