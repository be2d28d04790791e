"""Program weights learned from outcomes (docs/outcomes.md, "Matching that learns").

Pure: numpy and the standard library, no Django. ``matching/learned.py`` gathers
the observations from the database; this module fits them and proposes weights.
Nothing here, or anywhere, changes a program's weights: an admin approves.

**The model.** Each observation is one outcome of one mentorship, good (1) or poor
(0): a request accepted or declined, a check-in or close-out rated well or badly,
a mentorship completed or ended early. Its probability of being good is an
L2-regularised logistic regression on the pair's five components as they were
when the mentorship was made::

    logit P(good) = a[kind] + Σ b[c]·x[c] + Σ m[c]·missing[c]

with one free intercept per kind of outcome (requests are accepted far more
often than close-outs are glowing: that is not about the components). A
component missing from a row (dropped from that pair's score, e.g. either side
chose no values) is imputed with the component's mean and flagged in its own
``missing`` column, so ``b[c]`` is learned from the rows where it counted and a
missing value carries its own effect rather than passing for an average one. A
component never present (or constant) cannot be learned: it gets no column.
The penalty ``PENALTY`` (½·λ·Σb², the same on ``m``) is a prior of standard
deviation 1/√λ on the log-odds per full unit of a component; intercepts carry a
very small one so that a kind whose outcomes are all alike stays finite.
Fitted by Newton's method (iteratively reweighted least squares) with step
halving: the penalised objective is strictly convex, so the fit is unique.

**Weights per observation and mentorship.** Observations may carry weights
(``matching/learned.py`` gives each mentorship one unit per kind however many
check-ins it has) and belong to a mentorship (``clusters``). The intervals come
from a cluster bootstrap: ``RESAMPLES`` resamples of whole mentorships, drawn
with replacement from a generator seeded with ``seed``, each refitted, so
several outcomes of one pair never count as independent evidence. The same data
and seed always give the same proposal.

**From coefficients to weights.** The program's integer weights keep their
total. Each learnable component's weight is tilted by its coefficient::

    raw[c] = current[c] · exp(clip(b[c], −MAX_TILT, MAX_TILT))

then scaled to the total left once the fixed components are kept, held to at
least ``FLOOR`` and at most ``CEILING`` (a learned change never switches a
component off nor pushes one past the settings page's limit), and rounded to
integers by largest remainder. A coefficient of 0 (no relation to outcomes)
leaves a weight's share where it is; +0.1 in log-odds per unit of a component
raises its weight by about 10 % before rescaling. Why a tilt and not weights
proportional to ``b``: the data are pairs made under today's weights, and say
how outcomes moved with each component around them, not what the weights would
be from nothing; a tilt moves from what the program chose as far as the
evidence goes and no further, and a component the data cannot speak to (never
present, or weighted 0 by an admin: their choice) keeps its weight exactly.

**Intervals.** Each proposed weight has the central ``LEVEL`` interval of its
bootstrap values (before rounding; the bounds rounded outward). ``LEVEL`` is
99 % per weight so that, over the five, the chance that noise alone marks any
weight as a confident change is about 5 % (Bonferroni). A change is
*confident* when the interval excludes today's weight.

**Minimum sample.** Below ``MIN_MENTORSHIPS`` mentorships or ``MIN_OBSERVATIONS``
observations, or with outcomes all good or all poor, nothing is fitted and
nothing proposed: the result says so, with the counts.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np

from .scoring import COMPONENTS

MIN_MENTORSHIPS = 30
MIN_OBSERVATIONS = 60
PENALTY = 1.0
INTERCEPT_PENALTY = 1e-3
RESAMPLES = 1000
LEVEL = 0.99
SEED = 0
FLOOR = 1
CEILING = 100
# A coefficient beyond ±3 (odds ×20 per unit of a component) tilts no further.
MAX_TILT = 3.0
MAX_ITERATIONS = 100
TOLERANCE = 1e-9
# The bootstrap's fits go together, this many weights × rows at a time, for at
# most this many Newton steps before a straggler is fitted on its own.
BATCH_CELLS = 2_000_000
BATCH_ITERATIONS = 30


class Reason:
    """Why nothing was proposed."""

    TOO_FEW = "too_few"
    ALL_ALIKE = "all_alike"


@dataclass(frozen=True)
class Fit:
    """One penalised logistic fit: coefficients by column name, and whether it
    converged within ``MAX_ITERATIONS``."""

    coefficients: dict[str, float]
    iterations: int
    converged: bool


@dataclass(frozen=True)
class Learned:
    """What :func:`learn` found. With ``reason`` set (``Reason.TOO_FEW`` or
    ``Reason.ALL_ALIKE``) nothing was fitted: ``proposed``, ``intervals`` and
    ``confident`` are empty and ``counts`` says what there was.

    ``counts``: mentorships, observations, good, poor (rows, unweighted).
    ``current``/``proposed``: integer weights by component, same total.
    ``intervals``: component → (low, high), integers, at ``level``.
    ``confident``: component → the interval excludes today's weight.
    ``learned``: component → the data could speak to it (else it kept its weight).
    ``coefficients``: the fit's log-odds per unit of each learnable component
    (``b``), and ``coefficient_intervals`` their bootstrap intervals at ``level``.
    """

    current: dict[str, int]
    counts: dict[str, int]
    reason: str = ""
    proposed: dict[str, int] = field(default_factory=dict)
    intervals: dict[str, tuple[int, int]] = field(default_factory=dict)
    confident: dict[str, bool] = field(default_factory=dict)
    learned: dict[str, bool] = field(default_factory=dict)
    coefficients: dict[str, float] = field(default_factory=dict)
    coefficient_intervals: dict[str, tuple[float, float]] = field(default_factory=dict)
    level: float = LEVEL
    resamples: int = 0
    seed: int = SEED
    converged: bool = True

    @property
    def enough(self) -> bool:
        return not self.reason

    @property
    def changes(self) -> list[str]:
        """The components whose proposed change is confident, in component order."""
        return [c for c in COMPONENTS if self.confident.get(c)]

    def as_dict(self) -> dict:
        """Plain JSON-ready values (lists for the intervals)."""
        return {
            "reason": self.reason,
            "counts": dict(self.counts),
            "current": dict(self.current),
            "proposed": dict(self.proposed),
            "intervals": {c: list(v) for c, v in self.intervals.items()},
            "confident": dict(self.confident),
            "learned": dict(self.learned),
            "coefficients": dict(self.coefficients),
            "coefficient_intervals": {c: list(v) for c, v in self.coefficient_intervals.items()},
            "level": self.level,
            "resamples": self.resamples,
            "seed": self.seed,
            "converged": self.converged,
        }


# --- the logistic fit ----------------------------------------------------------------


def fit_logistic(
    X: np.ndarray,
    y: np.ndarray,
    *,
    weights: np.ndarray | None = None,
    penalty: np.ndarray | float = PENALTY,
    start: np.ndarray | None = None,
) -> tuple[np.ndarray, int, bool]:
    """(coefficients, iterations, converged) minimising
    −Σ w·[y·log p + (1−y)·log(1−p)] + ½·Σ λ·β², p = σ(Xβ), by Newton's method
    with step halving. ``penalty`` is λ, one number or one per column (give the
    intercept columns a small one). No intercept is added."""
    X = np.asarray(X, dtype=float)
    y = np.asarray(y, dtype=float)
    n, k = X.shape
    w = np.ones(n) if weights is None else np.asarray(weights, dtype=float)
    lam = np.broadcast_to(np.asarray(penalty, dtype=float), (k,))
    beta = np.zeros(k) if start is None else np.asarray(start, dtype=float).copy()

    def objective(b):
        z = X @ b
        # log(1 + e^z) − y·z, written to stay finite for large |z|.
        return float(w @ (np.logaddexp(0.0, z) - y * z) + 0.5 * lam @ (b * b))

    current = objective(beta)
    for iteration in range(1, MAX_ITERATIONS + 1):
        p = _sigmoid(X @ beta)
        gradient = X.T @ (w * (p - y)) + lam * beta
        hessian = (X * (w * p * (1 - p))[:, None]).T @ X + np.diag(lam)
        step = np.linalg.solve(hessian, gradient)
        t = 1.0
        while True:
            candidate = beta - t * step
            value = objective(candidate)
            if value <= current + 1e-12 or t < 1e-10:
                break
            t /= 2
        beta, moved = candidate, float(np.max(np.abs(t * step), initial=0.0))
        current = value
        if moved < TOLERANCE:
            return beta, iteration, True
    return beta, MAX_ITERATIONS, False


def fit_many(
    X: np.ndarray,
    y: np.ndarray,
    weights: np.ndarray,
    *,
    penalty: np.ndarray | float = PENALTY,
    start: np.ndarray,
) -> tuple[np.ndarray, bool]:
    """(one row of coefficients per row of ``weights``, all converged): the fit of
    :func:`fit_logistic` for many weightings of the same rows at once (the
    bootstrap's resamples), by Newton steps taken together from ``start``. A
    weighting whose steps do not settle within ``BATCH_ITERATIONS`` is fitted on
    its own, with step halving."""
    X, y = np.asarray(X, dtype=float), np.asarray(y, dtype=float)
    weights = np.atleast_2d(np.asarray(weights, dtype=float))
    k = X.shape[1]
    lam = np.broadcast_to(np.asarray(penalty, dtype=float), (k,))
    outer = (X[:, :, None] * X[:, None, :]).reshape(len(X), k * k)
    result = np.empty((len(weights), k))
    converged = True
    step_rows = max(1, BATCH_CELLS // max(len(X), 1))
    for first in range(0, len(weights), step_rows):
        W = weights[first : first + step_rows]
        B = np.tile(np.asarray(start, dtype=float), (len(W), 1))
        settled = np.zeros(len(W), dtype=bool)
        for _ in range(BATCH_ITERATIONS):
            P = _sigmoid(B @ X.T)
            gradient = (W * (P - y)) @ X + lam * B
            hessian = ((W * P * (1 - P)) @ outer).reshape(len(W), k, k) + np.diag(lam)
            step = np.linalg.solve(hessian, gradient[..., None])[..., 0]
            B = B - step
            moved = np.max(np.abs(step), axis=1, initial=0.0)
            settled = np.isfinite(moved) & (moved < TOLERANCE)
            if settled.all():
                break
        for r in np.flatnonzero(~settled):
            B[r], _, ok = fit_logistic(X, y, weights=W[r], penalty=lam, start=start)
            converged = converged and ok
        result[first : first + len(W)] = B
    return result, converged


def _grouped(X: np.ndarray, y: np.ndarray, w: np.ndarray, cluster: np.ndarray):
    """Rows of one cluster with the same design row merged into one, with the
    weighted share of good outcomes and the summed weight: the same likelihood
    for any reweighting of whole clusters, from fewer rows (a mentorship's
    check-ins are one row). Returns (X, y, w, cluster of each row)."""
    keyed = np.column_stack([cluster.astype(float), X])
    keys, inverse = np.unique(keyed, axis=0, return_inverse=True)
    inverse = inverse.reshape(-1)
    total = np.bincount(inverse, weights=w, minlength=len(keys))
    good = np.bincount(inverse, weights=w * y, minlength=len(keys))
    share = np.divide(good, total, out=np.zeros_like(good), where=total > 0)
    return keys[:, 1:], share, total, keys[:, 0].astype(np.int64)


def _sigmoid(z: np.ndarray) -> np.ndarray:
    # 1 / (1 + e^−z) without overflow, with one transcendental per value.
    return 0.5 * (1.0 + np.tanh(0.5 * z))


# --- the design ----------------------------------------------------------------------


@dataclass(frozen=True)
class _Design:
    X: np.ndarray
    columns: list[str]
    penalty: np.ndarray
    learnable: list[str]  # components with a coefficient, in component order


def _design(components: np.ndarray, kinds: np.ndarray, fixed: set[str]) -> _Design:
    """Kind intercepts, then each learnable component (imputed with its mean where
    missing), then a missing indicator for each component missing in some rows."""
    n = len(components)
    columns, blocks, penalties, learnable = [], [], [], []
    for kind in np.unique(kinds):
        columns.append(f"intercept:{kind}")
        blocks.append((kinds == kind).astype(float))
        penalties.append(INTERCEPT_PENALTY)
    indicators = []
    for j, c in enumerate(COMPONENTS):
        values = components[:, j]
        present = ~np.isnan(values)
        if c in fixed or not present.any() or np.ptp(values[present]) < 1e-12:
            continue
        learnable.append(c)
        columns.append(c)
        blocks.append(np.where(present, values, values[present].mean()))
        penalties.append(PENALTY)
        if not present.all():
            indicators.append((f"missing:{c}", (~present).astype(float)))
    for name, column in indicators:
        columns.append(name)
        blocks.append(column)
        penalties.append(PENALTY)
    X = np.column_stack(blocks) if blocks else np.zeros((n, 0))
    return _Design(X, columns, np.array(penalties), learnable)


# --- from coefficients to weights ----------------------------------------------------


def tilted(current: Mapping[str, int], coefficients: Mapping[str, float]) -> dict[str, float]:
    """Real-valued weights with the same total as ``current``: each component in
    ``coefficients`` tilted by exp(coefficient) and rescaled to the total the
    others leave, within [FLOOR, CEILING]; every other component keeps its weight."""
    total = sum(current.values())
    moving = [c for c in COMPONENTS if c in coefficients and current[c] > 0]
    result = {c: float(current[c]) for c in COMPONENTS if c not in moving}
    room = total - sum(result.values())
    raw = {c: current[c] * math.exp(max(-MAX_TILT, min(MAX_TILT, coefficients[c]))) for c in moving}
    result.update(_bounded_shares(raw, room))
    return {c: result[c] for c in COMPONENTS}


def _bounded_shares(raw: Mapping[str, float], room: float) -> dict[str, float]:
    """``raw`` scaled to sum to ``room``, each held within [FLOOR, CEILING] (those
    pinned at a bound stay there; the rest share what is left)."""
    free, pinned = dict(raw), {}
    while free:
        left = room - sum(pinned.values())
        scale = left / sum(free.values()) if sum(free.values()) > 0 else 0.0
        shares = {c: v * scale for c, v in free.items()}
        low = [c for c, v in shares.items() if v < FLOOR]
        high = [c for c, v in shares.items() if v > CEILING]
        if not low and not high:
            pinned.update(shares)
            break
        for c in low:
            pinned[c] = float(FLOOR)
            del free[c]
        for c in high:
            pinned[c] = float(CEILING)
            del free[c]
    return pinned


def rounded(weights: Mapping[str, float], total: int) -> dict[str, int]:
    """Integers summing to ``total`` by largest remainder (ties in component order)."""
    base = {c: math.floor(weights[c] + 1e-9) for c in COMPONENTS}
    short = total - sum(base.values())
    order = sorted(COMPONENTS, key=lambda c: -(weights[c] - base[c]))
    for c in order[: max(short, 0)]:
        base[c] += 1
    return base


# --- learning ------------------------------------------------------------------------


def learn(
    components: np.ndarray,
    outcomes: np.ndarray,
    clusters: np.ndarray,
    current: Mapping[str, int],
    *,
    kinds: Sequence[str] | np.ndarray | None = None,
    weights: np.ndarray | None = None,
    seed: int = SEED,
    resamples: int = RESAMPLES,
    level: float = LEVEL,
) -> Learned:
    """Propose program weights from outcomes.

    ``components``: (n, 5) in ``COMPONENTS`` order, NaN where a component was not
    counted; ``outcomes``: n of 0 (poor) / 1 (good); ``clusters``: n mentorship
    ids; ``current``: today's integer weights by component; ``kinds``: n labels of
    the kind of outcome (one intercept each; one kind if omitted); ``weights``:
    n observation weights (1 if omitted). Deterministic for a given ``seed``.
    """
    components = np.asarray(components, dtype=float).reshape(-1, len(COMPONENTS))
    y = np.asarray(outcomes, dtype=float)
    clusters = np.asarray(clusters)
    n = len(y)
    kinds = np.zeros(n, dtype=int) if kinds is None else np.asarray(kinds)
    w = np.ones(n) if weights is None else np.asarray(weights, dtype=float)
    current = {c: int(current[c]) for c in COMPONENTS}
    good = int(y.sum())
    counts = {
        "mentorships": len(np.unique(clusters)),
        "observations": n,
        "good": good,
        "poor": n - good,
    }
    if counts["mentorships"] < MIN_MENTORSHIPS or n < MIN_OBSERVATIONS:
        return Learned(current=current, counts=counts, reason=Reason.TOO_FEW, level=level)
    if good in (0, n):
        return Learned(current=current, counts=counts, reason=Reason.ALL_ALIKE, level=level)

    fixed = {c for c in COMPONENTS if current[c] <= 0}
    design = _design(components, kinds, fixed)
    beta, _, converged = fit_logistic(design.X, y, weights=w, penalty=design.penalty)
    position = {name: i for i, name in enumerate(design.columns)}
    coefficient_of = lambda b: {c: float(b[position[c]]) for c in design.learnable}  # noqa: E731
    total = sum(current.values())
    point = tilted(current, coefficient_of(beta))

    # Cluster bootstrap: whole mentorships drawn with replacement, as weights.
    ids, at = np.unique(clusters, return_inverse=True)
    rng = np.random.default_rng(seed)
    draws = (
        np.stack(
            [
                np.bincount(rng.integers(0, len(ids), len(ids)), minlength=len(ids))
                for _ in range(resamples)
            ]
        )
        if resamples
        else np.zeros((0, len(ids)), dtype=np.int64)
    )
    X, y_grouped, w_grouped, group_cluster = _grouped(design.X, y, w, at)
    # The resamples' weights a batch of fit_many at a time, never all at once: at
    # 10,000 mentorships all 1,000 rows of weights were 280 MB, with a copy as large
    # while they were made. The same batches as fit_many's own, so the same fits.
    step = max(1, BATCH_CELLS // max(len(X), 1))
    fits = np.empty((resamples, len(beta)))
    for first in range(0, resamples, step):
        fits[first : first + step], ok = fit_many(
            X,
            y_grouped,
            w_grouped * draws[first : first + step, group_cluster],
            penalty=design.penalty,
            start=beta,
        )
        converged = converged and ok
    boot_weights = np.empty((resamples, len(COMPONENTS)))
    boot_coefficients = np.empty((resamples, len(design.learnable)))
    for r, b in enumerate(fits):
        found = coefficient_of(b)
        boot_coefficients[r] = [found[c] for c in design.learnable]
        tilt = tilted(current, found)
        boot_weights[r] = [tilt[c] for c in COMPONENTS]

    tail = (1 - level) / 2
    low, high = np.quantile(boot_weights, [tail, 1 - tail], axis=0)
    intervals, confident = {}, {}
    for j, c in enumerate(COMPONENTS):
        lo, hi = min(low[j], point[c]), max(high[j], point[c])
        intervals[c] = (math.floor(lo + 1e-9), math.ceil(hi - 1e-9))
        confident[c] = bool(
            c in design.learnable
            and c not in fixed
            and (low[j] > current[c] or high[j] < current[c])
        )
    coefficient_intervals = {}
    if design.learnable:
        c_low, c_high = np.quantile(boot_coefficients, [tail, 1 - tail], axis=0)
        coefficient_intervals = {
            c: (float(c_low[j]), float(c_high[j])) for j, c in enumerate(design.learnable)
        }
    return Learned(
        current=current,
        counts=counts,
        proposed=rounded(point, total),
        intervals=intervals,
        confident=confident,
        learned={c: c in design.learnable for c in COMPONENTS},
        coefficients=coefficient_of(beta),
        coefficient_intervals=coefficient_intervals,
        level=level,
        resamples=resamples,
        seed=seed,
        converged=converged,
    )
