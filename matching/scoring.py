"""Kindred's score (SPEC §4) as array arithmetic.

Pure: numpy and the standard library, no Django. A thin loader turns
profiles into two :class:`Side` arrays (mentees, mentors) once; this module
scores a block of mentees against every mentor with a few matrix products,
applies the hard filters, ranks by fit and availability, and returns the top
k per mentee. The same code scores one new person or a whole program.

Floating point is float64 throughout, so a score computed for one pair, a
block, or by the plain-Python reference in the tests agree to ~1e-12.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

COMPONENTS = ("goals", "background", "values", "experience", "logistics")
GOALS, BACKGROUND, VALUES, EXPERIENCE, LOGISTICS = range(5)
# A mentee's importance answer (0 not important … 3 very) as a multiplier.
IMPORTANCE_MULTIPLIER = np.array([0.0, 0.5, 1.0, 2.0])
FACETS = (
    "heritage",
    "language",
    "generation",
    "first_gen",
    "socioeconomic",
    "outlook",
    "faith",
    "lgbtq",
)
ONLINE, IN_PERSON, EITHER = 0, 1, 2
VISIBILITY_MATCHING, VISIBILITY_MATCHES, VISIBILITY_PROGRAM = 0, 1, 2
N_STAGES = 5
# Career-stage fit by (mentee stage, mentor stage): a mentor at least one
# stage above scores 1, the same stage 0.5, below 0.
STAGE_FIT = np.array(
    [[1.0 if j > i else 0.5 if j == i else 0.0 for j in range(N_STAGES)] for i in range(N_STAGES)]
)
# Scores this close under the minimum still count as reaching it: float sums
# of the same fractions may differ in the last bits.
EPS = 1e-9
# Rows per block: about 16 MB per b×n float64 matrix, which measured ~2x
# faster than large blocks (cache-friendly) on two cores.
BLOCK_BYTES = 16 * 2**20
# Load spreading (docs/matching.md): near-equal keys within JITTER points are
# ordered by a fixed per-pair shuffle, so equal mentors share the top spots.
JITTER = 4.0
# Mentors per mentee considered when lists are built one at a time.
CANDIDATES = 50


@dataclass
class Side:
    """One side of a program (mentees or mentors), one row per profile.

    Tag matrices are 0/1 in float64 so that products count shared tags
    exactly. ``background`` holds the tags a person allows for matching plus
    their languages (languages always count); ``facet_columns`` in
    :class:`Rules` says which columns answer which facet.
    """

    ids: np.ndarray  # int64 profile ids
    user_ids: np.ndarray  # int64: one person may be on both sides
    goals: np.ndarray  # (n, G) a mentee's wants / a mentor's can-help-with
    values: np.ndarray  # (n, V)
    background: np.ndarray  # (n, T)
    stage: np.ndarray  # int, -1 unknown
    industry: np.ndarray  # int, -1 unknown
    utc_offset: np.ndarray  # float hours, nan unknown
    meeting: np.ndarray  # ONLINE / IN_PERSON / EITHER
    city: np.ndarray  # int code, -1 unknown
    importance: np.ndarray  # (n, 5) ints 0–3 (mentees)
    must: np.ndarray  # (n, len(FACETS)) bool (mentees)
    visibility: np.ndarray  # VISIBILITY_* of the background answers
    available: np.ndarray  # bool: mentors not paused and with room left
    room: np.ndarray  # int: free places (mentors)
    pending: np.ndarray  # int: requests waiting (mentors)

    def __len__(self) -> int:
        return len(self.ids)

    def take(self, rows: np.ndarray) -> Side:
        return Side(**{name: value[rows] for name, value in vars(self).items()})

    def concat(self, other: Side) -> Side:
        return Side(
            **{
                name: np.concatenate([value, getattr(other, name)])
                for name, value in vars(self).items()
            }
        )


@dataclass(frozen=True)
class Rules:
    """A program's matching settings as the scorer needs them."""

    weights: tuple[float, float, float, float, float]
    min_score: float
    require_common_language: bool
    facet_columns: dict[str, np.ndarray]
    k: int = 5
    spread: bool = True


@dataclass
class TopK:
    """The best ``k`` mentors per mentee row; -1 / nan where fewer qualify."""

    mentee_rows: np.ndarray  # (b,)
    mentor_rows: np.ndarray  # (b, k) int, -1 padding
    scores: np.ndarray  # (b, k) 0–100
    keys: np.ndarray  # (b, k) ranking keys (score adjusted for load)
    components: np.ndarray = field(default=None)  # (b, k, 5), nan = dropped
    candidates: np.ndarray = field(default=None)  # (b,) mentors passing the filters

    def pairs(self):
        """(mentee row, mentor row, rank from 1, score, key, components) for each hit."""
        for i, row in enumerate(self.mentee_rows):
            for rank, j in enumerate(self.mentor_rows[i]):
                if j < 0:
                    break
                yield (
                    row,
                    j,
                    rank + 1,
                    self.scores[i, rank],
                    self.keys[i, rank],
                    self.components[i, rank],
                )


# --- per-pair components -----------------------------------------------------


def _jaccard(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    inter = (a * b).sum(axis=1)
    union = a.sum(axis=1) + b.sum(axis=1) - inter
    return np.divide(inter, union, out=np.zeros_like(inter), where=union > 0)


def timezone_closeness(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """1 − min(hours apart, 12)/12, hours apart measured round the clock."""
    apart = np.abs(a - b) % 24
    apart = np.minimum(apart, 24 - apart)
    return np.nan_to_num(1 - np.minimum(apart, 12) / 12, nan=0.0)


def can_meet(fmt_a, fmt_b, city_a, city_b) -> np.ndarray:
    """False when online-only meets in-person-only, or when an in-person-only
    side would have to meet someone in a different (or unknown) city."""
    in_person = (fmt_a == IN_PERSON) | (fmt_b == IN_PERSON)
    online = (fmt_a == ONLINE) | (fmt_b == ONLINE)
    same_city = (city_a == city_b) & (city_a >= 0)
    return ~in_person | (~online & same_city)


def pair_components(mentees: Side, rows, mentors: Side, cols) -> np.ndarray:
    """Component values for the pairs (rows[p], cols[p]): shape (p, 5), nan
    where the component is dropped (SPEC §4). Vectorised over pairs."""
    rows, cols = np.asarray(rows), np.asarray(cols)
    out = np.full((len(rows), 5), np.nan)
    mg, jg = mentees.goals[rows], mentors.goals[cols]
    wanted = mg.sum(axis=1)
    shared = (mg * jg).sum(axis=1)
    out[:, GOALS] = np.where(wanted > 0, shared / np.maximum(wanted, 1), np.nan)
    mb = mentees.background[rows]
    out[:, BACKGROUND] = np.where(
        mb.sum(axis=1) > 0, _jaccard(mb, mentors.background[cols]), np.nan
    )
    mv, jv = mentees.values[rows], mentors.values[cols]
    both = (mv.sum(axis=1) > 0) & (jv.sum(axis=1) > 0)
    out[:, VALUES] = np.where(both, _jaccard(mv, jv), np.nan)
    si, sj = mentees.stage[rows], mentors.stage[cols]
    known = (si >= 0) & (sj >= 0)
    fit = np.where(known, STAGE_FIT[np.maximum(si, 0), np.maximum(sj, 0)], 0.0)
    ii, ij = mentees.industry[rows], mentors.industry[cols]
    same_industry = ((ii == ij) & (ii >= 0)).astype(float)
    out[:, EXPERIENCE] = 0.5 * fit + 0.5 * same_industry
    closeness = timezone_closeness(mentees.utc_offset[rows], mentors.utc_offset[cols])
    meet = can_meet(
        mentees.meeting[rows], mentors.meeting[cols], mentees.city[rows], mentors.city[cols]
    )
    out[:, LOGISTICS] = closeness * meet
    return out


def combine(components: np.ndarray, importance: np.ndarray, weights) -> np.ndarray:
    """score = 100 · Σ w·i·s / Σ w·i over the components present."""
    w = np.asarray(weights, dtype=float) * IMPORTANCE_MULTIPLIER[importance]
    present = ~np.isnan(components)
    num = np.where(present, w * np.nan_to_num(components), 0.0).sum(axis=-1)
    den = np.where(present, w, 0.0).sum(axis=-1)
    return np.divide(100 * num, den, out=np.zeros_like(num), where=den > 0)


# --- a block of mentees against every mentor ----------------------------------


@dataclass
class _MentorArrays:
    """Mentor-side matrices derived once per scoring call."""

    linear: np.ndarray  # (n, G + stages + industries): goals | stage one-hot | industry one-hot
    background: np.ndarray  # (n, T)
    background_count: np.ndarray
    values: np.ndarray
    values_count: np.ndarray
    has_values: np.ndarray
    languages: np.ndarray
    n_industries: int
    logistics: _Logistics


class _Logistics:
    """The logistics component for a block, by table lookup.

    Closeness depends only on the two time zones and meeting formats, of which
    a program has few distinct values: one table of (zone, format) × (zone,
    format) holds closeness × "can meet without a shared city", and only pairs
    where an in-person-only side needs a shared city are looked at one by one.
    The table holds the values ``timezone_closeness`` and ``can_meet`` give, so
    the scores are the same to the bit.
    """

    def __init__(self, mentees: Side, mentors: Side):
        known = np.concatenate([mentees.utc_offset, mentors.utc_offset])
        self.zones = np.unique(known[~np.isnan(known)])
        hours = np.append(self.zones, np.nan)  # the last code: unknown
        self.closeness = timezone_closeness(hours[:, None], hours[None, :])
        formats = np.array([ONLINE, IN_PERSON, EITHER])
        free = can_meet(formats[:, None], formats[None, :], np.int64(-1), np.int64(-1))
        # (zone, format) codes: zone * 3 + format index.
        self.free = (self.closeness[:, None, :, None] * free[None, :, None, :]).reshape(
            len(hours) * 3, len(hours) * 3
        )
        self.mentor_zone, self.mentor_format = self.codes(mentors.utc_offset, mentors.meeting)
        self.mentor_code = self.mentor_zone * 3 + self.mentor_format
        self.mentor_city = mentors.city

    def codes(self, hours: np.ndarray, meeting: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        zone = np.searchsorted(self.zones, hours)
        zone[np.isnan(hours)] = len(self.zones)
        fmt = np.where(meeting == ONLINE, 0, np.where(meeting == IN_PERSON, 1, 2))
        return zone, fmt

    def block(self, hours: np.ndarray, meeting: np.ndarray, city: np.ndarray) -> np.ndarray:
        zone, fmt = self.codes(hours, meeting)
        out = np.take(self.free[zone * 3 + fmt], self.mentor_code, axis=1)
        # An in-person-only side meets a side that is not online-only in a shared city.
        in_person = np.flatnonzero(fmt == 1)
        self._same_city(out, zone, city, in_person, np.flatnonzero(self.mentor_format != 0))
        either = np.flatnonzero(fmt == 2)
        self._same_city(out, zone, city, either, np.flatnonzero(self.mentor_format == 1))
        return out

    def _same_city(self, out, zone, city, rows, cols) -> None:
        if not len(rows) or not len(cols):
            return
        mine = city[rows][:, None]
        r, c = np.nonzero((mine == self.mentor_city[cols][None, :]) & (mine >= 0))
        rows, cols = rows[r], cols[c]
        out[rows, cols] = self.closeness[zone[rows], self.mentor_zone[cols]]


def _one_hot(codes: np.ndarray, width: int) -> np.ndarray:
    out = np.zeros((len(codes), width))
    known = (codes >= 0) & (codes < width)
    out[np.flatnonzero(known), codes[known]] = 1.0
    return out


def _mentor_arrays(mentors: Side, mentees: Side, rules: Rules) -> _MentorArrays:
    n_industries = int(max(mentors.industry.max(initial=-1), mentees.industry.max(initial=-1))) + 1
    lang = rules.facet_columns.get("language", np.array([], dtype=int))
    values_count = mentors.values.sum(axis=1)
    return _MentorArrays(
        linear=np.hstack(
            [
                mentors.goals,
                _one_hot(mentors.stage, N_STAGES),
                _one_hot(mentors.industry, n_industries),
            ]
        ),
        background=mentors.background,
        background_count=mentors.background.sum(axis=1),
        values=mentors.values,
        values_count=np.maximum(values_count, 1),
        has_values=(values_count > 0).astype(float),
        languages=mentors.background[:, lang],
        n_industries=n_industries,
        logistics=_Logistics(mentees, mentors),
    )


def _block_scores(mentees: Side, rows: np.ndarray, m: _MentorArrays, mentors: Side, rules: Rules):
    """Scores (b, n) of mentee ``rows`` against every mentor, before filters."""
    imp = IMPORTANCE_MULTIPLIER[mentees.importance[rows]]
    w = np.asarray(rules.weights, dtype=float) * imp  # (b, 5)
    goals = mentees.goals[rows]
    wanted = goals.sum(axis=1)
    has_goals = wanted > 0
    bg = mentees.background[rows]
    bg_count = bg.sum(axis=1)
    has_bg = bg_count > 0
    values = mentees.values[rows]
    values_count = values.sum(axis=1)
    has_values = values_count > 0

    # Goals and experience are linear in one-hot features: one product.
    stage_fit = _one_hot(mentees.stage[rows], N_STAGES) @ STAGE_FIT
    lhs = np.hstack(
        [
            goals * (w[:, GOALS] * has_goals / np.maximum(wanted, 1))[:, None],
            stage_fit * (0.5 * w[:, EXPERIENCE])[:, None],
            _one_hot(mentees.industry[rows], m.n_industries) * (0.5 * w[:, EXPERIENCE])[:, None],
        ]
    )
    num = lhs @ m.linear.T

    # Jaccard overlaps: shared / (mine + theirs − shared).
    for tags, count, theirs, their_count, weight in (
        (bg, bg_count, m.background, m.background_count, w[:, BACKGROUND] * has_bg),
        (values, values_count, m.values, m.values_count, w[:, VALUES] * has_values),
    ):
        shared = tags @ theirs.T
        union = np.maximum(count, 1)[:, None] + their_count[None, :]
        union -= shared
        shared /= union
        shared *= weight[:, None]
        num += shared

    closeness = m.logistics.block(
        mentees.utc_offset[rows], mentees.meeting[rows], mentees.city[rows]
    )
    closeness *= w[:, LOGISTICS][:, None]
    num += closeness

    den_rows = (
        w[:, GOALS] * has_goals + w[:, BACKGROUND] * has_bg + w[:, EXPERIENCE] + w[:, LOGISTICS]
    )
    den = np.outer(w[:, VALUES] * has_values, m.has_values)
    den += den_rows[:, None]
    # With every weight zero the numerator is zero too: the score stays 0.
    num *= 100
    np.divide(num, den, out=num, where=den > 0)
    return num


def _block_mask(mentees, rows, m: _MentorArrays, mentors, rules, excluded) -> np.ndarray:
    """Hard filters (SPEC §4) for the block: True where a pair may be suggested."""
    mask = mentees.user_ids[rows][:, None] != mentors.user_ids[None, :]
    mask &= mentors.available[None, :]
    lang = rules.facet_columns.get("language", np.array([], dtype=int))
    if rules.require_common_language:
        mask &= (mentees.background[rows][:, lang] @ m.languages.T) > 0
    must = mentees.must[rows]
    for f, facet in enumerate(FACETS):
        needing = np.flatnonzero(must[:, f])
        if len(needing) == 0:
            continue
        cols = rules.facet_columns.get(facet, np.array([], dtype=int))
        shared = mentees.background[rows[needing]][:, cols] @ mentors.background[:, cols].T
        mask[needing] &= shared > 0
    if excluded is not None:
        bad_rows, bad_cols = excluded  # sorted by mentee row
        lo = np.searchsorted(bad_rows, rows.min(), side="left")
        hi = np.searchsorted(bad_rows, rows.max(), side="right")
        bad_rows, bad_cols = bad_rows[lo:hi], bad_cols[lo:hi]
        order = np.argsort(rows)
        at = np.minimum(np.searchsorted(rows[order], bad_rows), len(rows) - 1)
        inside = rows[order][at] == bad_rows
        mask[order[at][inside], bad_cols[inside]] = False
    return mask


def _unit_hash(ids: np.ndarray, salt: int) -> np.ndarray:
    """A fixed pseudo-random number in [0, 1) per id (splitmix64)."""
    z = ids.astype(np.uint64) + np.uint64(salt)
    with np.errstate(over="ignore"):
        z = (z ^ (z >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
        z = (z ^ (z >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
        z ^= z >> np.uint64(31)
    return (z >> np.uint64(11)).astype(np.float64) / float(2**53)


def load_factor(room: np.ndarray, demand: np.ndarray) -> np.ndarray:
    """√((room + 1) / (room + 1 + demand)): 1 with no demand, falling as the
    requests a mentor can expect outgrow the room they have left."""
    room = np.maximum(room, 0).astype(float) + 1
    return np.sqrt(room / (room + np.maximum(demand, 0)))


def _shuffle(mentee_ids: np.ndarray, mentor_ids: np.ndarray) -> np.ndarray:
    """A fixed per-pair number in [0, 1), different for every mentee's row."""
    out = _unit_hash(mentee_ids, 0x5EED)[:, None] + _unit_hash(mentor_ids, 0xC0FFEE)[None, :]
    out %= 1.0
    return out


@dataclass
class Exposure:
    """How many suggestion lists already show each mentor (load spreading).

    A mentor's expected demand is their waiting requests plus 1/k for every
    list that shows them. ``scale`` says how many lists each list built here
    stands for: a chunk holding a fifth of the mentees counts its own lists 5×.
    """

    shown: np.ndarray  # per mentor row
    scale: float = 1.0


def block_rows(n_mentors: int) -> int:
    return max(1, BLOCK_BYTES // (8 * max(n_mentors, 1)))


def _best(keys: np.ndarray, mentor_ids: np.ndarray, k: int) -> np.ndarray:
    """Column indexes of the k highest keys per row, best first; equal keys by
    mentor id, so the result never depends on the order of the input."""
    best = (
        np.argpartition(-keys, k - 1, axis=-1)[..., :k]
        if keys.shape[-1] > k
        else (np.broadcast_to(np.arange(keys.shape[-1]), keys.shape).copy())
    )
    ranked = np.lexsort((mentor_ids[best], -np.take_along_axis(keys, best, axis=-1)), axis=-1)
    return np.take_along_axis(best, ranked, axis=-1)


def _rank_static(scores, mask, mentee_ids, mentors: Side, rules: Rules, k: int, demand):
    if rules.spread:
        keys = scores * load_factor(mentors.room, demand)[None, :]
        keys += JITTER * _shuffle(mentee_ids, mentors.ids)
    else:
        keys = scores.copy()
    keys[~mask] = -np.inf
    best = _best(keys, mentors.ids, k)
    return best, np.take_along_axis(keys, best, axis=1)


def _rank_spreading(scores, mask, mentee_ids, mentors: Side, k: int, demand, exposure, shown):
    """Mentee by mentee: each list built raises the demand on the mentors it shows."""
    width = min(len(mentors), max(CANDIDATES, 4 * k))
    static = scores * load_factor(mentors.room, demand)[None, :]
    static[~mask] = -np.inf
    candidates = (
        np.argpartition(-static, width - 1, axis=1)[:, :width]
        if width < len(mentors)
        else (np.broadcast_to(np.arange(len(mentors)), static.shape))
    )
    cand_scores = np.take_along_axis(scores, candidates, axis=1)
    cand_ok = np.take_along_axis(mask, candidates, axis=1)
    room = np.maximum(mentors.room, 0).astype(float) + 1
    mentee_hash = _unit_hash(mentee_ids, 0x5EED)
    mentor_hash = _unit_hash(mentors.ids, 0xC0FFEE)
    best = np.full((len(mentee_ids), k), -1, dtype=np.int64)
    best_keys = np.full((len(mentee_ids), k), -np.inf)
    for i in range(len(mentee_ids)):
        cols = candidates[i][cand_ok[i]]
        if not len(cols):
            continue
        expected = mentors.pending[cols] + shown[cols] / k
        keys = cand_scores[i][cand_ok[i]] * np.sqrt(room[cols] / (room[cols] + expected))
        keys += JITTER * ((mentee_hash[i] + mentor_hash[cols]) % 1.0)
        top = _best(keys, mentors.ids[cols], min(k, len(cols)))
        best[i, : len(top)] = cols[top]
        best_keys[i, : len(top)] = keys[top]
        shown[cols[top]] += exposure.scale
    return best, best_keys


def top_k(
    mentees: Side,
    mentors: Side,
    rules: Rules,
    rows: np.ndarray | None = None,
    excluded: tuple[np.ndarray, np.ndarray] | None = None,
    k: int | None = None,
    exposure: Exposure | None = None,
) -> TopK:
    """The ``k`` best mentors for each mentee in ``rows`` (all by default).

    ``excluded`` holds (mentee rows, mentor rows) never to suggest. With
    ``exposure``, lists are built one mentee at a time in id order and each
    raises the demand on the mentors it shows (docs/matching.md); without,
    every row ranks against the same demand (waiting requests only).
    """
    k = rules.k if k is None else k
    rows = np.arange(len(mentees)) if rows is None else np.asarray(rows, dtype=np.int64)
    rows = rows[np.argsort(mentees.ids[rows], kind="stable")] if len(rows) else rows
    if excluded is not None:
        sort = np.argsort(excluded[0], kind="stable")
        excluded = (np.asarray(excluded[0])[sort], np.asarray(excluded[1])[sort])
    n = len(mentors)
    kk = min(k, n)
    out_cols = np.full((len(rows), k), -1, dtype=np.int64)
    out_scores = np.full((len(rows), k), np.nan)
    out_keys = np.full((len(rows), k), np.nan)
    candidates = np.zeros(len(rows), dtype=np.int64)
    if n and len(rows) and kk:
        m = _mentor_arrays(mentors, mentees, rules)
        shown = None if exposure is None else np.asarray(exposure.shown, dtype=float).copy()
        # Candidates are chosen against the demand at the start, so the result
        # does not depend on how rows are split into blocks.
        demand = mentors.pending + (0 if shown is None else shown / kk)
        step = block_rows(n)
        for start in range(0, len(rows), step):
            block = rows[start : start + step]
            scores = _block_scores(mentees, block, m, mentors, rules)
            mask = _block_mask(mentees, block, m, mentors, rules, excluded)
            mask &= scores >= rules.min_score - EPS
            if rules.spread and shown is not None:
                best, best_keys = _rank_spreading(
                    scores, mask, mentees.ids[block], mentors, kk, demand, exposure, shown
                )
            else:
                best, best_keys = _rank_static(
                    scores, mask, mentees.ids[block], mentors, rules, kk, demand
                )
            ok = np.isfinite(best_keys) & (best >= 0)
            sl = slice(start, start + len(block))
            out_cols[sl, :kk] = np.where(ok, best, -1)
            out_keys[sl, :kk] = np.where(ok, best_keys, np.nan)
            out_scores[sl, :kk] = np.where(
                ok, np.take_along_axis(scores, np.maximum(best, 0), axis=1), np.nan
            )
            candidates[sl] = mask.sum(axis=1)
    result = TopK(rows, out_cols, out_scores, out_keys, candidates=candidates)
    result.components = np.full((len(rows), k, 5), np.nan)
    hit = out_cols >= 0
    if hit.any():
        r, c = np.nonzero(hit)
        result.components[r, c] = pair_components(mentees, rows[r], mentors, out_cols[r, c])
    return result


def score_pairs(mentees: Side, rows, mentors: Side, cols, weights) -> tuple[np.ndarray, np.ndarray]:
    """(scores, components) for explicit pairs, without filters."""
    components = pair_components(mentees, rows, mentors, cols)
    return combine(components, mentees.importance[np.asarray(rows)], weights), components
