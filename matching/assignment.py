"""Auto-assignment: candidate lists and mentors' free capacity in, pairs out.

Pure: numpy, OR-Tools and the standard library, no Django. Four policies
share one input (:class:`Candidates`, a sparse row per mentee) and one output
(:class:`Assignment`):

- ``optimal``: as many mentees matched as possible, then the highest total
  score (integer min-cost flow);
- ``balanced``: the same number matched, trading a sliver of total score for
  fewer idle mentors (a rising cost per extra mentee of one mentor);
- ``stable``: mentee-proposing deferred acceptance, so no mentee and mentor
  would both rather have each other than what they got;
- ``greedy``: the baseline, each mentee in turn takes their best mentor with room.

Every policy respects the same hard rules: a mentor gets at most their free
capacity, and only candidate pairs scoring at least ``min_score`` are made.
"""

from __future__ import annotations

import heapq
import time
from dataclasses import dataclass

import numpy as np

# Scores this close under the minimum still count as reaching it, as in
# scoring.py: float sums of the same fractions may differ in the last bits.
EPS = 1e-9
# The flow solver is integral: scores (0–100) become hundredths of a point,
# rounded, so optimal totals are exact at that resolution and each pair's
# rounding moves a total by at most 0.005 points.
SCALE = 100
# A mentor's second mentee costs 2 points, the third 4, and so on: a busy
# mentor keeps an extra mentee only when that pair beats the idle alternative
# by more than 2 points, half the gap the scorer already treats as a tie
# (scoring.JITTER = 4). Measured at 10k × 10k (docs/performance.md): 22 % more
# mentors used for 0.3 % of total score; 4 points cost 0.7 % and one in
# sixteen mentees their top-5 pick.
BALANCE_SLOT_COST = 2.0


@dataclass(frozen=True, eq=False)
class Candidates:
    """Sparse candidate lists: mentee i may be paired with mentors
    cols[indptr[i]:indptr[i+1]], with the matching scores (0–100)."""

    indptr: np.ndarray  # int64, shape (n_mentees + 1,)
    cols: np.ndarray  # int64 mentor indexes
    scores: np.ndarray  # float64
    n_mentors: int

    def __post_init__(self):
        indptr = np.asarray(self.indptr, dtype=np.int64)
        cols = np.asarray(self.cols, dtype=np.int64)
        scores = np.asarray(self.scores, dtype=np.float64)
        object.__setattr__(self, "indptr", indptr)
        object.__setattr__(self, "cols", cols)
        object.__setattr__(self, "scores", scores)
        object.__setattr__(self, "n_mentors", int(self.n_mentors))
        if indptr.ndim != 1 or len(indptr) == 0 or indptr[0] != 0:
            raise ValueError("indptr must be one-dimensional and start at 0")
        if np.any(np.diff(indptr) < 0):
            raise ValueError("indptr must not decrease")
        if cols.shape != (indptr[-1],) or scores.shape != cols.shape:
            raise ValueError("cols and scores must hold indptr[-1] entries each")
        if len(cols) and (cols.min() < 0 or cols.max() >= self.n_mentors):
            raise ValueError(f"mentor indexes must lie in [0, {self.n_mentors})")
        if not np.all(np.isfinite(scores)):
            raise ValueError("scores must be finite")

    @property
    def n_mentees(self) -> int:
        return len(self.indptr) - 1

    @classmethod
    def from_dense(cls, matrix: np.ndarray) -> Candidates:
        """Rows are mentees, columns mentors; nan marks a pair that is not allowed."""
        matrix = np.asarray(matrix, dtype=np.float64)
        if matrix.ndim != 2:
            raise ValueError("matrix must be two-dimensional")
        allowed = ~np.isnan(matrix)
        indptr = np.concatenate([[0], np.cumsum(allowed.sum(axis=1))])
        _, cols = np.nonzero(allowed)
        return cls(indptr, cols, matrix[allowed], matrix.shape[1])

    @classmethod
    def from_lists(cls, lists: list[list[tuple[int, float]]], n_mentors: int) -> Candidates:
        """One list of (mentor index, score) per mentee."""
        indptr = np.concatenate([[0], np.cumsum([len(row) for row in lists])])
        flat = [pair for row in lists for pair in row]
        cols = np.array([j for j, _ in flat], dtype=np.int64)
        scores = np.array([s for _, s in flat], dtype=np.float64)
        return cls(indptr, cols, scores, n_mentors)


@dataclass
class Assignment:
    policy: str  # "optimal" | "balanced" | "stable" | "greedy"
    mentor_of: np.ndarray  # int64 (n_mentees,), mentor index or -1
    scores: np.ndarray  # float64 (n_mentees,), nan where unmatched
    seconds: float  # wall time of the solve

    def figures(self) -> dict:
        matched = self.mentor_of >= 0
        got = self.scores[matched]

        def points(value) -> float | None:
            return round(float(value), 2) if len(got) else None

        return {
            "matched": int(matched.sum()),
            "total_score": round(float(got.sum()), 2),
            "min_score": points(got.min() if len(got) else 0),
            "median_score": points(np.median(got) if len(got) else 0),
            "mean_score": points(got.mean() if len(got) else 0),
            "mentors_used": len(np.unique(self.mentor_of[matched])),
            "seconds": round(float(self.seconds), 4),
        }

    def pairs(self) -> list[tuple[int, int, float]]:
        """(mentee index, mentor index, score) for matched mentees, by mentee index."""
        rows = np.flatnonzero(self.mentor_of >= 0)
        return [
            (int(i), int(j), float(s))
            for i, j, s in zip(rows, self.mentor_of[rows], self.scores[rows], strict=True)
        ]


# --- shared preparation ----------------------------------------------------------------


def _capacity(capacity, n_mentors: int) -> np.ndarray:
    raw = np.asarray(capacity)
    if raw.shape != (n_mentors,):
        raise ValueError(f"capacity must have one entry per mentor ({n_mentors})")
    whole = raw.dtype.kind in "iub" or (np.all(np.isfinite(raw)) and np.all(raw == np.round(raw)))
    if not whole:
        raise ValueError("capacity must hold whole numbers")
    out = raw.astype(np.int64)
    if np.any(out < 0):
        raise ValueError("capacity must not be negative")
    return out


def _eligible(c: Candidates, capacity: np.ndarray, min_score: float):
    """(mentee rows, mentor cols, scores) of the pairs any policy may make:
    candidates reaching ``min_score`` whose mentor has room."""
    rows = np.repeat(np.arange(c.n_mentees, dtype=np.int64), np.diff(c.indptr))
    keep = (c.scores >= min_score - EPS) & (capacity[c.cols] > 0)
    return rows[keep], c.cols[keep], c.scores[keep]


def _preferences(c: Candidates, capacity: np.ndarray, min_score: float):
    """Eligible pairs grouped by mentee, each mentee's best first (ties: lower
    mentor index), as Python lists for the loops, plus each mentee's slice.
    Kept on ``c`` for the same capacity and minimum: stable and greedy, run
    side by side on one proposal, share them. Callers only read them."""
    key = (capacity.tobytes(), float(min_score))
    kept = c.__dict__.get("_preferences")
    if kept is None or kept[0] != key:
        kept = (key, _sorted_preferences(c, capacity, min_score))
        object.__setattr__(c, "_preferences", kept)
    return kept[1]


def _sorted_preferences(c: Candidates, capacity: np.ndarray, min_score: float):
    rows, cols, scores = _eligible(c, capacity, min_score)
    distinct, rank = np.unique(-scores, return_inverse=True)
    if c.n_mentees * len(distinct) * c.n_mentors < 2**63:
        # One int64 key sorts 2–3× faster than lexsort's three passes.
        order = np.argsort((rows * len(distinct) + rank) * c.n_mentors + cols)
    else:
        order = np.lexsort((cols, rank, rows))
    starts = np.searchsorted(rows[order], np.arange(c.n_mentees + 1))
    return cols[order].tolist(), scores[order].tolist(), starts.tolist()


def _result(policy, n_mentees, rows, cols, scores, started) -> Assignment:
    mentor_of = np.full(n_mentees, -1, dtype=np.int64)
    out = np.full(n_mentees, np.nan)
    rows = np.asarray(rows, dtype=np.int64)
    mentor_of[rows] = cols
    out[rows] = scores
    return Assignment(policy, mentor_of, out, time.perf_counter() - started)


# --- optimal and balanced: integer min-cost flow --------------------------------------------


def _flow(policy, c: Candidates, capacity, min_score: float, slot_cost: float | None):
    started = time.perf_counter()
    capacity = _capacity(capacity, c.n_mentors)
    rows, cols, scores = _eligible(c, capacity, min_score)
    n, m = c.n_mentees, c.n_mentors
    if len(rows) == 0:
        return _result(policy, n, rows, cols, scores, started)

    points = np.rint(scores * SCALE).astype(np.int64)
    # A mentor never takes more mentees than they have candidates, so larger
    # capacities add no useful mentor → sink capacity (or slot arcs).
    usable = np.minimum(capacity, np.bincount(cols, minlength=m))
    if slot_cost is None:
        slot_mentor = np.flatnonzero(usable)
        slot_cap = usable[slot_mentor]
        slot_price = np.zeros(len(slot_mentor), dtype=np.int64)
    else:
        # One unit arc per place: the s-th extra mentee (s = 0, 1, …) costs
        # slot_cost · s points. The costs rise, so cheaper places fill first.
        slot_mentor = np.repeat(np.arange(m, dtype=np.int64), usable)
        first = np.repeat(np.cumsum(usable) - usable, usable)
        s = np.arange(len(slot_mentor), dtype=np.int64) - first
        slot_price = s * round(slot_cost * SCALE)
        slot_cap = np.ones(len(slot_mentor), dtype=np.int64)

    # Cardinality first, then score: OR-Tools finds a maximum flow (as many
    # mentees matched as possible) of minimum cost (the highest total of
    # score − slot price) among maximum flows. The costs stay small (no big
    # constant to make cardinality win), so cost scaling takes fewer phases.
    # Nodes: mentees 0..n-1, mentors n..n+m-1, source n+m, sink n+m+1.
    source, sink = n + m, n + m + 1
    mentees = np.arange(n, dtype=np.int64)
    tails = np.concatenate([rows, np.full(n, source), n + slot_mentor])
    heads = np.concatenate([n + cols, mentees, np.full(len(slot_mentor), sink)])
    caps = np.concatenate([np.ones(len(rows) + n, dtype=np.int64), slot_cap])
    costs = np.concatenate([-points, np.zeros(n, dtype=np.int64), slot_price])

    # Imported here: every process that queues or reads a run loads this module,
    # and only a proposal's solver needs OR-Tools (35 ms to import).
    from ortools.graph.python import min_cost_flow

    # OR-Tools' algorithms are deterministic for a given graph, and the graph
    # is built in input order, so the same input always resolves ties the same way.
    smcf = min_cost_flow.SimpleMinCostFlow()
    smcf.add_arcs_with_capacity_and_unit_cost(
        tails.astype(np.int32), heads.astype(np.int32), caps, costs
    )
    supplies = np.zeros(n + m + 2, dtype=np.int64)
    supplies[source], supplies[sink] = n, -n
    smcf.set_nodes_supplies(np.arange(n + m + 2, dtype=np.int32), supplies)
    status = smcf.solve_max_flow_with_min_cost()
    if status != smcf.OPTIMAL:
        raise RuntimeError(f"min-cost flow ended with status {status}")
    chosen = smcf.flows(np.arange(len(rows), dtype=np.int32)) > 0
    return _result(policy, n, rows[chosen], cols[chosen], scores[chosen], started)


def optimal(c: Candidates, capacity: np.ndarray, min_score: float = 0) -> Assignment:
    """As many mentees matched as possible, then the highest total score."""
    return _flow("optimal", c, capacity, min_score, None)


def balanced(
    c: Candidates,
    capacity: np.ndarray,
    min_score: float = 0,
    slot_cost: float = BALANCE_SLOT_COST,
) -> Assignment:
    """As many matched as ``optimal``; then the highest total score less
    ``slot_cost`` · s points for each mentor's s-th extra mentee."""
    if slot_cost < 0:
        raise ValueError("slot_cost must not be negative")
    return _flow("balanced", c, capacity, min_score, slot_cost)


# --- stable and greedy: plain loops over preference lists ---------------------------------


def stable(c: Candidates, capacity: np.ndarray, min_score: float = 0) -> Assignment:
    """Mentee-proposing deferred acceptance with capacities.

    Both sides prefer higher scores; a mentee breaks ties by lower mentor
    index, a mentor by lower mentee index. Preferences are then strict, so
    the result, the mentee-optimal stable matching, does not depend on the
    order in which mentees propose.
    """
    started = time.perf_counter()
    capacity = _capacity(capacity, c.n_mentors)
    pref_cols, pref_scores, starts = _preferences(c, capacity, min_score)
    room = capacity.tolist()
    # Per mentor, a min-heap of (score, −mentee, position): its root is the
    # held mentee the mentor likes least.
    held: list[list[tuple[float, int, int]]] = [[] for _ in range(c.n_mentors)]
    following = starts[:-1]
    free = list(range(c.n_mentees - 1, -1, -1))
    while free:
        i = free.pop()
        end = starts[i + 1]
        p = following[i]
        while p < end:
            j, s = pref_cols[p], pref_scores[p]
            p += 1
            heap = held[j]
            if len(heap) < room[j]:
                heapq.heappush(heap, (s, -i, p - 1))
                break
            if (s, -i) > heap[0][:2]:
                _, loser, _ = heapq.heapreplace(heap, (s, -i, p - 1))
                free.append(-loser)
                break
        following[i] = p
    rows, cols, scores = [], [], []
    for j, heap in enumerate(held):
        for s, minus_i, _ in heap:
            rows.append(-minus_i)
            cols.append(j)
            scores.append(s)
    return _result("stable", c.n_mentees, rows, cols, scores, started)


def greedy(
    c: Candidates,
    capacity: np.ndarray,
    min_score: float = 0,
    order: np.ndarray | None = None,
) -> Assignment:
    """Each mentee in turn (``order``, by default index order) takes their
    best-scoring candidate who still has room (ties: lower mentor index)."""
    started = time.perf_counter()
    capacity = _capacity(capacity, c.n_mentors)
    if order is None:
        order = range(c.n_mentees)
    else:
        order = np.asarray(order, dtype=np.int64)
        if not np.array_equal(np.sort(order), np.arange(c.n_mentees)):
            raise ValueError("order must list every mentee index exactly once")
        order = order.tolist()
    pref_cols, pref_scores, starts = _preferences(c, capacity, min_score)
    room = capacity.tolist()
    rows, cols, scores = [], [], []
    for i in order:
        for p in range(starts[i], starts[i + 1]):
            j = pref_cols[p]
            if room[j]:
                room[j] -= 1
                rows.append(i)
                cols.append(j)
                scores.append(pref_scores[p])
                break
    return _result("greedy", c.n_mentees, rows, cols, scores, started)


POLICIES = {"optimal": optimal, "balanced": balanced, "stable": stable}


def solve(policy: str, c: Candidates, capacity: np.ndarray, min_score: float = 0) -> Assignment:
    """Run one of :data:`POLICIES` by name."""
    try:
        run = POLICIES[policy]
    except KeyError:
        raise ValueError(f"unknown policy {policy!r}; choose one of {sorted(POLICIES)}") from None
    return run(c, capacity, min_score)
