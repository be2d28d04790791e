"""Auto-assignment policies: exact small cases, brute force on tiny programs,
an independent solver (scipy's linear_sum_assignment over capacity slots) on
medium ones, and the invariants every policy keeps. No database."""

import json
from collections import Counter, defaultdict

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.optimize import linear_sum_assignment
from scipy.sparse import csr_matrix
from scipy.sparse.csgraph import maximum_bipartite_matching

from matching.assignment import (
    BALANCE_SLOT_COST,
    POLICIES,
    Assignment,
    Candidates,
    balanced,
    greedy,
    optimal,
    solve,
    stable,
)

EVERY_POLICY = [optimal, balanced, stable, greedy]
by_name = pytest.mark.parametrize("policy", EVERY_POLICY, ids=lambda f: f.__name__)


def lists_of(c: Candidates) -> list[list[tuple[int, float]]]:
    return [
        list(zip(c.cols[a:b].tolist(), c.scores[a:b].tolist(), strict=True))
        for a, b in zip(c.indptr[:-1], c.indptr[1:], strict=True)
    ]


def loads(a: Assignment, n_mentors: int) -> np.ndarray:
    return np.bincount(a.mentor_of[a.mentor_of >= 0], minlength=n_mentors)


def slot_penalty(a: Assignment, n_mentors: int, slot_cost: float = BALANCE_SLOT_COST) -> float:
    """What balanced charges: slot_cost · s for a mentor's s-th extra mentee."""
    t = loads(a, n_mentors)
    return slot_cost * float((t * (t - 1) // 2).sum())


def total(a: Assignment) -> float:
    return float(np.nansum(a.scores))


def matched(a: Assignment) -> int:
    return int((a.mentor_of >= 0).sum())


# --- random programs -------------------------------------------------------------------


@st.composite
def tiny(draw):
    """Up to 6 mentees and 4 mentors, capacity 0–2, scores on the 0.01 grid
    (so the ×100 integer flow is exact), sometimes coarse enough to tie."""
    n_mentors = draw(st.integers(1, 4))
    coarse = draw(st.booleans())
    score = st.integers(0, 4).map(lambda v: v * 25.0) if coarse else st.integers(0, 10_000)
    score = score if coarse else score.map(lambda v: v / 100)
    lists = draw(
        st.lists(
            st.lists(st.tuples(st.integers(0, n_mentors - 1), score), max_size=n_mentors).map(
                lambda row: list({j: (j, s) for j, s in row}.values())
            ),
            min_size=1,
            max_size=6,
        )
    )
    capacity = np.array(draw(st.lists(st.integers(0, 2), min_size=n_mentors, max_size=n_mentors)))
    min_score = draw(st.sampled_from([0.0, 0.0, 25.0, 50.0]))
    return Candidates.from_lists(lists, n_mentors), capacity, min_score


def medium(seed: int, n_mentees=300, n_mentors=120, k=12, max_capacity=4, grid=True, ties=False):
    """A random program: k distinct candidate mentors per mentee (fewer for some)."""
    rng = np.random.default_rng(seed)
    lists = []
    for _ in range(n_mentees):
        cols = rng.choice(n_mentors, size=rng.integers(0, min(k, n_mentors) + 1), replace=False)
        if ties:
            scores = rng.integers(0, 5, len(cols)) * 25.0
        elif grid:
            scores = rng.integers(0, 10_001, len(cols)) / 100
        else:
            scores = rng.random(len(cols)) * 100
        lists.append(list(zip(cols.tolist(), scores.tolist(), strict=True)))
    capacity = rng.integers(0, max_capacity + 1, n_mentors)
    return Candidates.from_lists(lists, n_mentors), capacity


programs = st.builds(
    medium,
    seed=st.integers(0, 2**32 - 1),
    n_mentees=st.integers(1, 60),
    n_mentors=st.integers(1, 20),
    k=st.integers(0, 8),
    max_capacity=st.integers(0, 4),
    ties=st.booleans(),
)
min_scores = st.sampled_from([0.0, 30.0, 60.0])


# --- independent solvers ---------------------------------------------------------------


def brute_force(c: Candidates, capacity, min_score, slot_cost=0.0) -> tuple[int, float]:
    """The best (matched, total score − slot penalty) over every feasible assignment."""
    lists = lists_of(c)
    load = [0] * c.n_mentors
    best = (0, 0.0)

    def visit(i: int, count: int, value: float) -> None:
        nonlocal best
        if i == len(lists):
            best = max(best, (count, value))
            return
        visit(i + 1, count, value)
        for j, s in lists[i]:
            if s >= min_score and load[j] < capacity[j]:
                load[j] += 1
                visit(i + 1, count + 1, value + s - slot_cost * (load[j] - 1))
                load[j] -= 1

    visit(0, 0, 0.0)
    return best


def slot_columns(capacity) -> np.ndarray:
    """One column per free place: mentor j repeated capacity[j] times."""
    return np.repeat(np.arange(len(capacity)), capacity)


def lsa_optimum(c: Candidates, capacity, min_score) -> tuple[int, float]:
    """(matched, total) from a dense assignment problem: mentees × (capacity
    slots + one "unmatched" column per mentee), cardinality first."""
    n = c.n_mentees
    slots = slot_columns(capacity)
    big = 10_000.0 * (n + 1) + 1
    cost = np.full((n, len(slots) + n), np.inf)
    cost[np.arange(n), len(slots) + np.arange(n)] = 0.0
    for i, row in enumerate(lists_of(c)):
        for j, s in row:
            if s >= min_score:
                cost[i, np.flatnonzero(slots == j)] = -(big + round(s * 100))
    rows, cols = linear_sum_assignment(cost)
    paired = cols < len(slots)
    score_of = [dict(row) for row in lists_of(c)]
    got = [score_of[i][slots[col]] for i, col in zip(rows[paired], cols[paired], strict=True)]
    return int(paired.sum()), float(sum(got))


def maximum_cardinality(c: Candidates, capacity, min_score) -> int:
    """Largest number of mentees that can be placed, ignoring scores."""
    slots = slot_columns(capacity)
    rows, cols = [], []
    for i, row in enumerate(lists_of(c)):
        for j, s in row:
            if s >= min_score:
                for col in np.flatnonzero(slots == j):
                    rows.append(i)
                    cols.append(col)
    graph = csr_matrix((np.ones(len(rows)), (rows, cols)), shape=(c.n_mentees, max(len(slots), 1)))
    return int((maximum_bipartite_matching(graph, perm_type="column") >= 0).sum())


def global_greedy(c: Candidates, capacity, min_score) -> np.ndarray:
    """Every pair, best score first, made while both sides are still free."""
    pairs = sorted(
        ((s, i, j) for i, row in enumerate(lists_of(c)) for j, s in row if s >= min_score),
        reverse=True,
    )
    mentor_of = np.full(c.n_mentees, -1)
    room = np.array(capacity).copy()
    for _, i, j in pairs:
        if mentor_of[i] < 0 and room[j] > 0:
            mentor_of[i] = j
            room[j] -= 1
    return mentor_of


def blocking_pairs(c: Candidates, capacity, min_score, a: Assignment) -> list[tuple[int, int]]:
    """Pairs who would both rather have each other: higher score is better,
    ties go to the lower index (as in ``stable``)."""
    held = defaultdict(list)
    for i, j in enumerate(a.mentor_of):
        if j >= 0:
            held[j].append((a.scores[i], -i))
    out = []
    for i, row in enumerate(lists_of(c)):
        mine = a.mentor_of[i]
        for j, s in row:
            if s < min_score or j == mine:
                continue
            mentee_wants = mine < 0 or (s, -j) > (a.scores[i], -mine)
            mentor_wants = len(held[j]) < capacity[j] or (held[j] and (s, -i) > min(held[j]))
            if mentee_wants and mentor_wants:
                out.append((i, j))
    return out


# --- candidates ---------------------------------------------------------------------------


def test_from_dense_skips_nan_pairs():
    c = Candidates.from_dense(np.array([[80.0, np.nan], [np.nan, np.nan], [10.0, 20.0]]))
    assert c.n_mentees == 3
    assert c.n_mentors == 2
    assert lists_of(c) == [[(0, 80.0)], [], [(0, 10.0), (1, 20.0)]]


def test_from_lists_keeps_each_mentees_candidates():
    c = Candidates.from_lists([[(2, 50.0)], [], [(0, 70.0), (1, 60.0)]], n_mentors=3)
    assert c.indptr.tolist() == [0, 1, 1, 3]
    assert c.cols.dtype == np.int64
    assert lists_of(c) == [[(2, 50.0)], [], [(0, 70.0), (1, 60.0)]]


def test_candidates_reject_a_mentor_index_out_of_range():
    with pytest.raises(ValueError, match="mentor indexes"):
        Candidates.from_lists([[(3, 50.0)]], n_mentors=3)


@by_name
def test_capacity_must_have_one_entry_per_mentor(policy):
    c = Candidates.from_lists([[(0, 50.0)]], n_mentors=2)
    with pytest.raises(ValueError, match="one entry per mentor"):
        policy(c, np.array([1]))


@by_name
def test_negative_capacity_is_refused(policy):
    c = Candidates.from_lists([[(0, 50.0)]], n_mentors=1)
    with pytest.raises(ValueError, match="negative"):
        policy(c, np.array([-1]))


# --- small exact cases ----------------------------------------------------------------------


@by_name
def test_a_mentee_without_candidates_stays_unmatched(policy):
    c = Candidates.from_lists([[], [(0, 60.0)]], n_mentors=1)
    a = policy(c, np.array([5]))
    assert a.mentor_of.tolist() == [-1, 0]
    assert np.isnan(a.scores[0])


@by_name
def test_a_mentor_without_free_capacity_gets_no_one(policy):
    c = Candidates.from_lists([[(0, 90.0), (1, 40.0)], [(0, 80.0)]], n_mentors=2)
    a = policy(c, np.array([0, 2]))
    assert a.mentor_of.tolist() == [1, -1]


@by_name
def test_pairs_below_min_score_are_never_made(policy):
    c = Candidates.from_lists([[(0, 29.99), (1, 30.0)], [(0, 10.0)]], n_mentors=2)
    a = policy(c, np.array([1, 1]), min_score=30)
    assert a.mentor_of.tolist() == [1, -1]


@by_name
def test_a_mentor_takes_several_mentees_up_to_capacity(policy):
    c = Candidates.from_lists([[(0, 70.0)], [(0, 60.0)], [(0, 50.0)]], n_mentors=1)
    a = policy(c, np.array([2]))
    assert a.mentor_of.tolist() == [0, 0, -1]


def test_optimal_matches_more_mentees_before_a_higher_total():
    # Mentee 0 alone with mentor 0 would score 100; both matched score only 91.
    c = Candidates.from_lists([[(0, 100.0), (1, 1.0)], [(0, 90.0)]], n_mentors=2)
    a = optimal(c, np.array([1, 1]))
    assert a.mentor_of.tolist() == [1, 0]
    assert a.figures()["total_score"] == 91.0


def test_optimal_matches_more_mentees_even_when_that_displaces_several_top_pairs():
    # Placing mentee 2 means moving mentees 0 and 1 from 100-point pairs to 0-point ones.
    c = Candidates.from_lists(
        [[(0, 100.0), (1, 0.0)], [(1, 100.0), (2, 0.0)], [(0, 0.0)]], n_mentors=3
    )
    a = optimal(c, np.array([1, 1, 1]))
    assert a.mentor_of.tolist() == [1, 2, 0]


def test_balanced_matches_everyone_it_can_when_every_score_is_zero():
    c = Candidates.from_lists([[(0, 0.0)], [(0, 0.0)], [(0, 0.0)]], n_mentors=1)
    assert balanced(c, np.array([3])).mentor_of.tolist() == [0, 0, 0]


def test_greedy_takes_the_first_comers_best_even_when_it_strands_a_later_mentee():
    c = Candidates.from_lists([[(0, 100.0), (1, 1.0)], [(0, 90.0)]], n_mentors=2)
    assert greedy(c, np.array([1, 1])).mentor_of.tolist() == [0, -1]


def test_greedy_serves_mentees_in_the_given_order():
    c = Candidates.from_lists([[(0, 100.0), (1, 1.0)], [(0, 90.0)]], n_mentors=2)
    assert greedy(c, np.array([1, 1]), order=np.array([1, 0])).mentor_of.tolist() == [1, 0]


def test_greedy_refuses_an_order_that_is_not_a_permutation():
    c = Candidates.from_lists([[(0, 50.0)], [(0, 40.0)]], n_mentors=1)
    with pytest.raises(ValueError, match="exactly once"):
        greedy(c, np.array([1]), order=np.array([0, 0]))


def test_optimal_picks_the_highest_total_among_full_matchings():
    # Both mentees matched either way: 90 + 85 beats 95 + 60.
    c = Candidates.from_lists([[(0, 95.0), (1, 90.0)], [(0, 85.0), (1, 60.0)]], n_mentors=2)
    assert optimal(c, np.array([1, 1])).mentor_of.tolist() == [1, 0]


def test_stable_leaves_a_mentee_with_their_mutual_first_choice():
    # Optimal would give mentee 0 their second choice; stable never does when
    # mentee 0 and mentor 0 rank each other first.
    c = Candidates.from_lists([[(0, 95.0), (1, 90.0)], [(0, 85.0), (1, 60.0)]], n_mentors=2)
    assert stable(c, np.array([1, 1])).mentor_of.tolist() == [0, 1]


def test_stable_mentor_trades_up_to_a_better_mentee():
    # Mentee 0 proposes first and is held, then displaced by mentee 1.
    c = Candidates.from_lists([[(0, 50.0), (1, 40.0)], [(0, 70.0)]], n_mentors=2)
    assert stable(c, np.array([1, 1])).mentor_of.tolist() == [1, 0]


def test_stable_mentor_breaks_a_tie_for_the_lower_mentee_index():
    # Mentor 0 holds mentee 1 when mentee 0, displaced from mentor 1 by
    # mentee 2, proposes with the same score: mentee 0 wins the tie.
    c = Candidates.from_lists([[(1, 90.0), (0, 50.0)], [(0, 50.0)], [(1, 95.0)]], n_mentors=2)
    assert stable(c, np.array([1, 1])).mentor_of.tolist() == [0, -1, 1]


def test_stable_mentee_breaks_a_tie_for_the_lower_mentor_index():
    c = Candidates.from_lists([[(1, 50.0), (0, 50.0)]], n_mentors=2)
    assert stable(c, np.array([1, 1])).mentor_of.tolist() == [0]


def test_greedy_breaks_a_tie_for_the_lower_mentor_index():
    c = Candidates.from_lists([[(1, 50.0), (0, 50.0)]], n_mentors=2)
    assert greedy(c, np.array([1, 1])).mentor_of.tolist() == [0]


def test_balanced_spreads_mentees_when_an_idle_mentor_is_nearly_as_good():
    c = Candidates.from_lists([[(0, 80.0), (1, 79.0)], [(0, 80.0), (1, 79.0)]], n_mentors=2)
    assert optimal(c, np.array([2, 2])).mentor_of.tolist() == [0, 0]
    assert sorted(balanced(c, np.array([2, 2])).mentor_of.tolist()) == [0, 1]


def test_balanced_keeps_a_clearly_better_pair_on_a_busy_mentor():
    c = Candidates.from_lists([[(0, 80.0), (1, 70.0)], [(0, 80.0), (1, 70.0)]], n_mentors=2)
    assert balanced(c, np.array([2, 2])).mentor_of.tolist() == [0, 0]


def test_balanced_with_no_slot_cost_scores_as_optimal():
    c, capacity = medium(seed=3)
    assert total(balanced(c, capacity, slot_cost=0)) == pytest.approx(total(optimal(c, capacity)))


def test_nobody_is_matched_when_there_are_no_mentors():
    c = Candidates.from_lists([[], []], n_mentors=0)
    for policy in EVERY_POLICY:
        assert policy(c, np.array([], dtype=int)).mentor_of.tolist() == [-1, -1]


# --- figures, pairs, solve -----------------------------------------------------------------


def test_figures_summarise_the_matched_pairs():
    c = Candidates.from_lists([[(0, 80.123)], [(1, 60.0)], []], n_mentors=2)
    figures = optimal(c, np.array([1, 1])).figures()
    assert {k: v for k, v in figures.items() if k != "seconds"} == {
        "matched": 2,
        "total_score": 140.12,
        "min_score": 60.0,
        "median_score": 70.06,
        "mean_score": 70.06,
        "mentors_used": 2,
    }
    assert isinstance(figures["seconds"], float)


def test_figures_of_an_empty_assignment_have_no_score_statistics():
    c = Candidates.from_lists([[(0, 10.0)]], n_mentors=1)
    figures = optimal(c, np.array([0])).figures()
    assert figures["matched"] == 0
    assert figures["min_score"] is figures["median_score"] is figures["mean_score"] is None
    json.dumps(figures)


def test_figures_are_json_serialisable():
    c, capacity = medium(seed=4)
    json.dumps(optimal(c, capacity).figures())


def test_pairs_list_matched_mentees_by_index_with_their_scores():
    c = Candidates.from_lists([[(1, 70.0)], [], [(0, 55.5)]], n_mentors=2)
    pairs = stable(c, np.array([1, 1])).pairs()
    assert pairs == [(0, 1, 70.0), (2, 0, 55.5)]
    assert all(type(v) is t for p in pairs for v, t in zip(p, (int, int, float), strict=True))


@pytest.mark.parametrize("name", sorted(POLICIES))
def test_solve_runs_the_named_policy(name):
    c, capacity = medium(seed=5)
    a = solve(name, c, capacity, min_score=30)
    assert a.policy == name
    assert a.mentor_of.tolist() == POLICIES[name](c, capacity, 30).mentor_of.tolist()


def test_solve_refuses_an_unknown_policy():
    c = Candidates.from_lists([[(0, 10.0)]], n_mentors=1)
    with pytest.raises(ValueError, match="unknown policy"):
        solve("greedy", c, np.array([1]))


# --- brute force on tiny programs ------------------------------------------------------------


@settings(max_examples=150, deadline=None)
@given(tiny())
def test_optimal_equals_the_best_of_every_feasible_assignment(program):
    c, capacity, min_score = program
    a = optimal(c, capacity, min_score)
    best_count, best_total = brute_force(c, capacity, min_score)
    assert matched(a) == best_count
    assert total(a) == pytest.approx(best_total, abs=1e-6)


@settings(max_examples=100, deadline=None)
@given(tiny())
def test_balanced_equals_the_best_of_every_feasible_assignment_less_slot_costs(program):
    c, capacity, min_score = program
    a = balanced(c, capacity, min_score)
    best_count, best_value = brute_force(c, capacity, min_score, BALANCE_SLOT_COST)
    assert matched(a) == best_count
    assert total(a) - slot_penalty(a, c.n_mentors) == pytest.approx(best_value, abs=1e-6)


# --- an independent solver on medium programs ------------------------------------------------


@pytest.mark.parametrize("seed", range(4))
def test_optimal_agrees_with_linear_sum_assignment_over_capacity_slots(seed):
    c, capacity = medium(seed, n_mentees=200 + 60 * seed, n_mentors=60 + 20 * seed)
    a = optimal(c, capacity, min_score=30)
    count, best = lsa_optimum(c, capacity, min_score=30)
    assert matched(a) == count
    assert total(a) == pytest.approx(best, abs=1e-6)


@pytest.mark.parametrize("seed", range(2))
def test_optimal_agrees_with_linear_sum_assignment_when_scores_tie(seed):
    c, capacity = medium(seed, n_mentees=300, n_mentors=100, ties=True)
    a = optimal(c, capacity, min_score=25)
    assert (matched(a), total(a)) == lsa_optimum(c, capacity, min_score=25)


def test_unrounded_scores_lose_at_most_a_hundredth_of_a_point_per_pair():
    c, capacity = medium(seed=11, n_mentees=400, n_mentors=150, grid=False)
    a = optimal(c, capacity)
    count, best = lsa_optimum(c, capacity, min_score=0)
    assert matched(a) == count
    assert best - 0.01 * count <= total(a) <= best + 0.01 * count


@pytest.mark.parametrize("seed", range(3))
def test_optimal_matches_the_maximum_cardinality(seed):
    c, capacity = medium(seed, n_mentees=400, n_mentors=100, max_capacity=3)
    assert matched(optimal(c, capacity, 30)) == maximum_cardinality(c, capacity, 30)


# --- invariants of every policy ----------------------------------------------------------------


@by_name
@settings(max_examples=40, deadline=None)
@given(programs, min_scores)
def test_no_mentor_gets_more_mentees_than_their_free_capacity(policy, program, min_score):
    c, capacity = program
    assert np.all(loads(policy(c, capacity, min_score), c.n_mentors) <= capacity)


@by_name
@settings(max_examples=40, deadline=None)
@given(programs, min_scores)
def test_no_pair_scores_below_min_score(policy, program, min_score):
    c, capacity = program
    a = policy(c, capacity, min_score)
    assert np.all(a.scores[a.mentor_of >= 0] >= min_score)


@by_name
@settings(max_examples=40, deadline=None)
@given(programs, min_scores)
def test_every_pair_is_a_candidate_pair_with_its_score(policy, program, min_score):
    c, capacity = program
    a = policy(c, capacity, min_score)
    allowed = [dict(row) for row in lists_of(c)]
    for i, j, s in a.pairs():
        assert allowed[i][j] == s
    assert np.all(np.isnan(a.scores[a.mentor_of < 0]))


@by_name
@settings(max_examples=20, deadline=None)
@given(programs)
def test_each_mentee_appears_in_at_most_one_pair(policy, program):
    c, capacity = program
    mentees = Counter(i for i, _, _ in policy(c, capacity).pairs())
    assert all(n == 1 for n in mentees.values())
    assert policy(c, capacity).mentor_of.shape == (c.n_mentees,)


@by_name
@settings(max_examples=20, deadline=None)
@given(programs)
def test_the_same_input_gives_the_same_assignment(policy, program):
    c, capacity = program
    first, second = policy(c, capacity, 30), policy(c, capacity, 30)
    assert first.mentor_of.tolist() == second.mentor_of.tolist()


@settings(max_examples=60, deadline=None)
@given(programs, min_scores)
def test_balanced_matches_as_many_mentees_as_optimal(program, min_score):
    c, capacity = program
    assert matched(balanced(c, capacity, min_score)) == matched(optimal(c, capacity, min_score))


@settings(max_examples=60, deadline=None)
@given(programs, min_scores)
def test_balanced_never_piles_up_more_slot_cost_than_optimal(program, min_score):
    c, capacity = program
    b, o = balanced(c, capacity, min_score), optimal(c, capacity, min_score)
    assert slot_penalty(b, c.n_mentors) <= slot_penalty(o, c.n_mentors)


@settings(max_examples=60, deadline=None)
@given(
    st.builds(
        medium,
        seed=st.integers(0, 2**32 - 1),
        n_mentees=st.integers(1, 60),
        max_capacity=st.just(2),
    ),
    min_scores,
)
def test_balanced_uses_at_least_as_many_mentors_as_optimal_with_capacity_up_to_two(
    program, min_score
):
    # With at most two places per mentor, slot cost = slot_cost × (matched −
    # mentors used), so balanced can only trade score for more mentors. With
    # larger capacities it minimises Σ t(t−1)/2 instead, which need not.
    c, capacity = program
    b, o = balanced(c, capacity, min_score), optimal(c, capacity, min_score)
    assert b.figures()["mentors_used"] >= o.figures()["mentors_used"]


@settings(max_examples=80, deadline=None)
@given(programs, min_scores)
def test_stable_leaves_no_blocking_pair(program, min_score):
    c, capacity = program
    assert blocking_pairs(c, capacity, min_score, stable(c, capacity, min_score)) == []


@settings(max_examples=40, deadline=None)
@given(
    st.builds(
        medium, seed=st.integers(0, 2**32 - 1), n_mentees=st.integers(1, 80), grid=st.just(False)
    ),
    min_scores,
)
def test_stable_equals_the_global_greedy_when_scores_are_distinct(program, min_score):
    # With one score per pair shared by both sides, and no ties, the stable
    # matching is unique and the best-pair-first greedy finds it.
    c, capacity = program
    expected = global_greedy(c, capacity, min_score)
    assert stable(c, capacity, min_score).mentor_of.tolist() == expected.tolist()


@settings(max_examples=60, deadline=None)
@given(programs, min_scores, st.randoms(use_true_random=False))
def test_greedy_gives_each_mentee_in_turn_their_best_mentor_with_room(program, min_score, rnd):
    c, capacity = program
    order = list(range(c.n_mentees))
    rnd.shuffle(order)
    a = greedy(c, capacity, min_score, order=np.array(order))
    room = capacity.copy()
    lists = lists_of(c)
    for i in order:
        options = [(s, -j) for j, s in lists[i] if s >= min_score and room[j] > 0]
        if not options:
            assert a.mentor_of[i] == -1
            continue
        _, minus_j = max(options)
        assert a.mentor_of[i] == -minus_j
        room[-minus_j] -= 1


def test_one_proposals_policies_share_preferences_only_for_the_same_capacity_and_minimum():
    """stable and greedy keep their sorted preferences on the candidates; a
    second call with another capacity or minimum must not reuse them."""
    rng = np.random.default_rng(7)
    matrix = rng.uniform(0, 100, (30, 8)).round(2)
    matrix[rng.uniform(size=matrix.shape) < 0.3] = np.nan
    shared = Candidates.from_dense(matrix)
    for capacity, min_score in [(np.full(8, 4), 0), (np.full(8, 1), 0), (np.full(8, 4), 60)]:
        fresh = Candidates.from_dense(matrix)
        for policy in (stable, greedy):
            mine, theirs = policy(shared, capacity, min_score), policy(fresh, capacity, min_score)
            np.testing.assert_array_equal(mine.mentor_of, theirs.mentor_of)
