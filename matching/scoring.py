"""Kindred's score (docs/matching.md) as array arithmetic.

Pure: numpy and the standard library, no Django. A thin loader turns
profiles into two :class:`Side` arrays (mentees, mentors) once; this module
scores a block of mentees against every mentor with a few matrix products,
applies the hard filters, ranks by fit and availability, and returns the top
k per mentee. The same code scores one new person or a whole program.

Every score returned is float64, computed pair by pair from tags compared as
bit sets, so a score for one pair, a block, or the plain-Python reference in
the tests agree to ~1e-12. Only the screen that picks each mentee's
candidates from a whole program works in float32; it proposes, the exact
scores and filters decide.
"""

from __future__ import annotations

import operator as op
from dataclasses import dataclass, field, fields

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
# The screen that picks each mentee's candidates works in float32, on blocks
# of rows of about BLOCK_BYTES per b×n matrix, small enough that its passes
# stay in the processor's cache (docs/performance.md has the measurements).
SCREEN = np.float32
BLOCK_BYTES = 4 * 2**20
# The screen keeps pairs down to this far under the minimum score; the exact
# score of each candidate decides.
SCREEN_MARGIN = 0.01
# Without load spreading, the screen passes k + SCREEN_SLACK candidates per row,
# so that float32 rounding cannot push one of the k best out.
SCREEN_SLACK = 16
# A call for a few rows (one new person, a few lists) scores every pair exactly,
# without a screen: up to DIRECT_ROWS rows and DIRECT_PAIRS pairs. From about ten
# rows on the screen is faster, 3-10x at 100-1,000 rows against 1,000-2,000
# mentors, with the same lists (docs/performance.md, "Which path").
DIRECT_ROWS = 4
DIRECT_PAIRS = 500_000
# The screen folds a row's columns into groups of this many by their maximum
# to find, cheaply, a floor that at least ``width`` candidates reach.
GROUPS = 16
# Load spreading (docs/matching.md): near-equal keys within JITTER points are
# ordered by a fixed per-pair shuffle, so equal mentors share the top spots.
JITTER = 4.0
# Mentors per mentee considered when lists are built one at a time.
CANDIDATES = 50
# Spreading decides who is in a list only among mentors within this many points
# of the mentee's best available score (a program's ``suggestion_gap``).
GAP = 10.0


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

    def arrays(self) -> dict[str, np.ndarray]:
        return {f.name: getattr(self, f.name) for f in fields(self)}

    def take(self, rows: np.ndarray) -> Side:
        return Side(**{name: value[rows] for name, value in self.arrays().items()})

    def concat(self, other: Side) -> Side:
        return Side(
            **{
                name: np.concatenate([value, getattr(other, name)])
                for name, value in self.arrays().items()
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
    gap: float = GAP


@dataclass
class TopK:
    """The best ``k`` mentors per mentee row; -1 / nan where fewer qualify."""

    mentee_rows: np.ndarray  # (b,)
    mentor_rows: np.ndarray  # (b, k) int, -1 padding
    scores: np.ndarray  # (b, k) 0–100
    keys: np.ndarray  # (b, k) ranking keys (score adjusted for load)
    components: np.ndarray = field(default=None)  # (b, k, 5), nan = dropped

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


@dataclass
class _Tags:
    """A side's 0/1 tag matrices as bit sets (uint64 words per row), so the tags
    two people share are a popcount; counts are each row's number of tags."""

    goals: np.ndarray
    background: np.ndarray
    values: np.ndarray
    goals_count: np.ndarray
    background_count: np.ndarray
    values_count: np.ndarray

    @classmethod
    def of(cls, side: Side, rows: np.ndarray) -> _Tags:
        goals, background, values = side.goals[rows], side.background[rows], side.values[rows]
        return cls(
            pack_bits(goals),
            pack_bits(background),
            pack_bits(values),
            np.count_nonzero(goals, axis=1),
            np.count_nonzero(background, axis=1),
            np.count_nonzero(values, axis=1),
        )


def pack_bits(tags: np.ndarray) -> np.ndarray:
    """Each row's non-zero columns as a bit set: uint64 words, low bit first."""
    packed = np.packbits(tags > 0, axis=1, bitorder="little")
    width = max(-(-packed.shape[1] // 8) * 8, 8)  # whole uint64 words, at least one
    words = np.zeros((packed.shape[0], width), dtype=np.uint8)
    words[:, : packed.shape[1]] = packed
    return words.view(np.uint64)


def _shared(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """How many tags each pair of bit-set rows has in common."""
    return np.bitwise_count(a & b).sum(axis=1, dtype=np.int64)


def _jaccard(inter: np.ndarray, a: np.ndarray, b: np.ndarray) -> np.ndarray:
    inter = inter.astype(float)
    union = a + b - inter
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
    where the component is dropped (docs/matching.md). Vectorised over pairs."""
    rows, cols = np.asarray(rows, dtype=np.int64), np.asarray(cols, dtype=np.int64)
    mine, my_rows = np.unique(rows, return_inverse=True)
    theirs, their_rows = np.unique(cols, return_inverse=True)
    return _components(
        mentees,
        rows,
        mentors,
        cols,
        (_Tags.of(mentees, mine), my_rows),
        (_Tags.of(mentors, theirs), their_rows),
    )


def _components(mentees: Side, rows, mentors: Side, cols, mine, theirs) -> np.ndarray:
    """``pair_components`` with each side's tags already packed: ``mine`` and
    ``theirs`` are (tags, each pair's row in those tags)."""
    (mt, mr), (jt, jr) = mine, theirs
    out = np.full((len(rows), 5), np.nan)
    wanted = mt.goals_count[mr]
    shared = _shared(mt.goals[mr], jt.goals[jr])
    out[:, GOALS] = np.where(wanted > 0, shared / np.maximum(wanted, 1), np.nan)
    mb = mt.background_count[mr]
    out[:, BACKGROUND] = np.where(
        mb > 0,
        _jaccard(_shared(mt.background[mr], jt.background[jr]), mb, jt.background_count[jr]),
        np.nan,
    )
    mv, jv = mt.values_count[mr], jt.values_count[jr]
    out[:, VALUES] = np.where(
        (mv > 0) & (jv > 0), _jaccard(_shared(mt.values[mr], jt.values[jr]), mv, jv), np.nan
    )
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


# --- screening a block of mentees against every mentor -------------------------


class _Logistics:
    """The logistics component by table lookup, for the screen.

    Closeness depends only on the two time zones and meeting formats, of which
    a program has few distinct values: one table of (zone, format) × (zone,
    format) holds closeness × "can meet without a shared city", and the pairs
    where an in-person-only side needs a shared city are listed apart.
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

    def in_a_shared_city(self, zone, fmt, city) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(rows, mentor columns, closeness) of the pairs that meet only because
        an in-person-only side and a side that is not online-only share a city."""
        rows, cols = [np.zeros(0, dtype=np.int64)], [np.zeros(0, dtype=np.int64)]
        for mine, theirs in (
            (fmt == 1, self.mentor_format != 0),
            (fmt == 2, self.mentor_format == 1),
        ):
            r, c = np.flatnonzero(mine), np.flatnonzero(theirs)
            if len(r) and len(c):
                here = city[r][:, None]
                i, j = np.nonzero((here == self.mentor_city[c][None, :]) & (here >= 0))
                rows.append(r[i])
                cols.append(c[j])
        rows, cols = np.concatenate(rows), np.concatenate(cols)
        return rows, cols, self.closeness[zone[rows], self.mentor_zone[cols]]


def _one_hot(codes: np.ndarray, width: int) -> np.ndarray:
    out = np.zeros((len(codes), width))
    known = (codes >= 0) & (codes < width)
    out[np.flatnonzero(known), codes[known]] = 1.0
    return out


class _Screen:
    """Float32 scores of a block of mentees against every mentor, only to pick
    each row's candidates; the candidates' exact scores are computed after.

    Float32 halves the memory every pass over a block moves, and the tag
    products of 0/1 matrices are still exact counts. The columns are the
    mentors reordered so that those who chose values come first: a row's
    denominator is then one number in each of the two parts.
    """

    def __init__(self, mentees: Side, mentors: Side, rules: Rules):
        has_values = mentors.values.any(axis=1)
        self.order = np.argsort(~has_values, kind="stable")
        self.position = np.empty_like(self.order)
        self.position[self.order] = np.arange(len(self.order))
        self.split = int(has_values.sum())
        m = mentors.take(self.order)
        self.ids, self.user_ids = m.ids, m.user_ids
        self.n_industries = (
            int(max(mentors.industry.max(initial=-1), mentees.industry.max(initial=-1))) + 1
        )
        self.logistics = _Logistics(mentees, m)
        self.linear = np.hstack(
            [
                m.goals,
                _one_hot(m.stage, N_STAGES),
                _one_hot(m.industry, self.n_industries),
                _one_hot(self.logistics.mentor_code, len(self.logistics.free)),
            ]
        ).astype(SCREEN)
        self.background = m.background.astype(SCREEN)
        self.background_count = self.background.sum(axis=1)
        self.values = m.values.astype(SCREEN)
        self.values_count = self.values.sum(axis=1)
        self.facets = {
            facet: np.ascontiguousarray(m.background[:, _columns(rules, facet)].T, dtype=SCREEN)
            for facet in FACETS
        }

    def scores(self, mentees: Side, rows: np.ndarray, rules: Rules, out, work) -> np.ndarray:
        """Approximate scores (b, n) before filters, written into ``out``."""
        w = np.asarray(rules.weights, dtype=float) * IMPORTANCE_MULTIPLIER[mentees.importance[rows]]
        goals, bg, values = mentees.goals[rows], mentees.background[rows], mentees.values[rows]
        wanted, bg_count, values_count = goals.sum(axis=1), bg.sum(axis=1), values.sum(axis=1)
        has_goals, has_bg, has_values = wanted > 0, bg_count > 0, values_count > 0
        zone, fmt = self.logistics.codes(mentees.utc_offset[rows], mentees.meeting[rows])
        half_experience = (0.5 * w[:, EXPERIENCE])[:, None]
        # Goals, experience and logistics without a shared city are linear in
        # one-hot features: one product.
        lhs = np.hstack(
            [
                goals * (w[:, GOALS] * has_goals / np.maximum(wanted, 1))[:, None],
                _one_hot(mentees.stage[rows], N_STAGES) @ STAGE_FIT * half_experience,
                _one_hot(mentees.industry[rows], self.n_industries) * half_experience,
                self.logistics.free[zone * 3 + fmt] * w[:, LOGISTICS][:, None],
            ]
        ).astype(SCREEN)
        np.matmul(lhs, self.linear.T, out=out)
        r, c, closeness = self.logistics.in_a_shared_city(zone, fmt, mentees.city[rows])
        out[r, c] += closeness * w[r, LOGISTICS]
        # Jaccard overlaps: shared / (mine + theirs − shared).
        shared, union = work
        for tags, count, theirs, their_count, weight in (
            (bg, bg_count, self.background, self.background_count, w[:, BACKGROUND] * has_bg),
            (values, values_count, self.values, self.values_count, w[:, VALUES] * has_values),
        ):
            np.matmul(tags.astype(SCREEN), theirs.T, out=shared)
            np.add(np.maximum(count, 1).astype(SCREEN)[:, None], their_count[None, :], out=union)
            union -= shared
            shared /= union
            shared *= weight.astype(SCREEN)[:, None]
            out += shared
        rest = (
            w[:, GOALS] * has_goals + w[:, BACKGROUND] * has_bg + w[:, EXPERIENCE] + w[:, LOGISTICS]
        )
        for part, den in (
            (slice(0, self.split), rest + w[:, VALUES] * has_values),
            (slice(self.split, None), rest),
        ):
            # With every weight zero the numerator is zero too: the score stays 0.
            scale = np.divide(100.0, den, out=np.zeros_like(den), where=den > 0)
            out[:, part] *= scale.astype(SCREEN)[:, None]
        return out

    def allowed(self, mentees: Side, rows, rules: Rules, excluded, scores, available) -> np.ndarray:
        """Hard filters (docs/matching.md) for the block, the minimum score with a margin;
        ``available`` is the mentors' flag in column order."""
        mask = mentees.user_ids[rows][:, None] != self.user_ids[None, :]
        mask &= available[None, :]
        if rules.require_common_language:
            mine = mentees.background[rows][:, _columns(rules, "language")].astype(SCREEN)
            mask &= (mine @ self.facets["language"]) > 0
        must = mentees.must[rows]
        for f, facet in enumerate(FACETS):
            needing = np.flatnonzero(must[:, f])
            if len(needing):
                mine = mentees.background[rows[needing]][:, _columns(rules, facet)]
                mask[needing] &= (mine.astype(SCREEN) @ self.facets[facet]) > 0
        if excluded is not None:
            bad_rows, bad_cols = excluded  # sorted by mentee row
            lo = np.searchsorted(bad_rows, rows.min(), side="left")
            hi = np.searchsorted(bad_rows, rows.max(), side="right")
            bad_rows, bad_cols = bad_rows[lo:hi], bad_cols[lo:hi]
            order = np.argsort(rows)
            at = np.minimum(np.searchsorted(rows[order], bad_rows), len(rows) - 1)
            inside = rows[order][at] == bad_rows
            mask[order[at][inside], self.position[bad_cols[inside]]] = False
        mask &= scores >= rules.min_score - SCREEN_MARGIN
        return mask

    def candidates(self, keys: np.ndarray, mask: np.ndarray, width: int) -> np.ndarray:
        """The mentor rows (not columns) of each row's ``width`` highest keys
        among the allowed pairs, -1 where fewer are allowed. ``keys`` (all
        ≥ 0) are overwritten, and are wider than the mask by zero columns up to
        a multiple of ``GROUPS``.

        Rather than partition every row, each row's columns are folded into
        ``GROUPS`` strided slices and the groups they form across are ranked
        by their maximum: the best keys lie in the ``width`` best groups, so
        only those ``GROUPS × width`` keys are partitioned.
        """
        b, n = mask.shape
        allowed = keys[:, :n]
        allowed += 1  # allowed keys are ≥ 1, the others 0
        allowed *= mask
        folded = keys.reshape(b, GROUPS, -1)
        groups = folded.max(axis=1)
        g = groups.shape[1]
        if width < g:
            # Every key at or above the width-th highest group maximum lies in
            # the width best groups, and those hold at least width such keys.
            top = np.argpartition(groups, g - width, axis=1)[:, g - width :]
            values = np.take_along_axis(folded, top[:, None, :], axis=2).reshape(b, -1)
            columns = (np.arange(GROUPS)[:, None] * g + top[:, None, :]).reshape(b, -1)
        else:
            values, columns = keys, np.broadcast_to(np.arange(keys.shape[1]), keys.shape)
        if values.shape[1] > width:
            pick = np.argpartition(values, values.shape[1] - width, axis=1)[:, -width:]
            values = np.take_along_axis(values, pick, axis=1)
            columns = np.take_along_axis(columns, pick, axis=1)
        ok = values > 0
        out = np.full((b, width), -1, dtype=np.int64)
        out[:, : values.shape[1]] = np.where(ok, self.order[np.minimum(columns, n - 1)], -1)
        return out


def _held(side: Side, name: str, key: tuple, build):
    """A value derived from ``side``'s tags and codes, kept on it for as long
    as ``key`` (compared by identity) is the same. Safe because a Side never
    changes those in place: a profile change makes new Sides, and a change
    of room replaces only ``available``, ``room`` and ``pending``, which are
    read afresh on every call."""
    held = side.__dict__.get(name)
    if held is not None and len(held[0]) == len(key) and all(map(op.is_, held[0], key)):
        return held[1]
    value = build()
    side.__dict__[name] = (key, value)
    return value


def _all_tags(side: Side) -> _Tags:
    """Every row's tags of ``side``, packed once and kept on it."""
    return _held(side, "_tags", (), lambda: _Tags.of(side, np.arange(len(side))))


def _screen_of(mentees: Side, mentors: Side, rules: Rules) -> _Screen:
    """The float32 screen of these mentees against these mentors, kept on the mentors."""
    return _held(
        mentors, "_screen", (mentees, rules.facet_columns), lambda: _Screen(mentees, mentors, rules)
    )


def _by_mentee_row(excluded):
    """(mentee rows, mentor rows) never to suggest, sorted by mentee row; or None."""
    if excluded is None:
        return None
    sort = np.argsort(excluded[0], kind="stable")
    return np.asarray(excluded[0])[sort], np.asarray(excluded[1])[sort]


def _columns(rules: Rules, facet: str) -> np.ndarray:
    return np.asarray(rules.facet_columns.get(facet, ()), dtype=np.int64)


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
    """A fixed per-pair number in [0, 1), different for every mentee's row;
    ``mentor_ids`` is 1-D (every mentor) or one row of mentors per mentee."""
    mentor_hash = _unit_hash(mentor_ids, 0xC0FFEE)
    out = _unit_hash(mentee_ids, 0x5EED)[:, None] + (
        mentor_hash[None, :] if mentor_hash.ndim == 1 else mentor_hash
    )
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
    return max(1, BLOCK_BYTES // (np.dtype(SCREEN).itemsize * max(n_mentors, 1)))


def _best(keys: np.ndarray, mentor_ids: np.ndarray, k: int) -> np.ndarray:
    """Column indexes of the k highest keys per row, best first; equal keys by
    mentor id (one per column of ``keys``), so the result never depends on the
    order of the input."""
    best = (
        np.argpartition(-keys, k - 1, axis=-1)[..., :k]
        if keys.shape[-1] > k
        else (np.broadcast_to(np.arange(keys.shape[-1]), keys.shape).copy())
    )
    ids = np.take_along_axis(np.broadcast_to(mentor_ids, keys.shape), best, axis=-1)
    ranked = np.lexsort((ids, -np.take_along_axis(keys, best, axis=-1)), axis=-1)
    return np.take_along_axis(best, ranked, axis=-1)


class _Screened:
    """A screen with the buffers and per-call figures one ``top_k`` call uses."""

    def __init__(
        self,
        screen: _Screen,
        factor: np.ndarray,
        available: np.ndarray,
        step: int,
        keep: list | None = None,
    ):
        n = len(factor)
        self.screen, self.factor, self.available = screen, factor.astype(SCREEN), available
        self.keep = keep
        self.buffers = [np.empty((step, n), dtype=SCREEN) for _ in range(3)]
        self.keys = np.zeros((step, -(-n // GROUPS) * GROUPS), dtype=SCREEN)

    def screened(self, mentees, block, rules, excluded) -> tuple[np.ndarray, np.ndarray]:
        """The block's float32 scores and hard-filter mask; kept when asked
        (for a column-wise pass over the same rows, best_mentees: no second screen)."""
        out, shared, union = (b[: len(block)] for b in self.buffers)
        scores = self.screen.scores(mentees, block, rules, out, (shared, union))
        mask = self.screen.allowed(mentees, block, rules, excluded, scores, self.available)
        if self.keep is not None:
            self.keep.append((block, np.where(mask, scores, -np.inf)))
        return scores, mask

    def candidates(self, mentees, block, rules, excluded, width, spreading, raw=0) -> np.ndarray:
        """Each row's best ``width`` mentors by fit and room, and with ``raw``
        its best ``raw`` by score as well (the spreading rule's best and fill)."""
        n = len(self.factor)
        scores, mask = self.screened(mentees, block, rules, excluded)
        keys = self.keys[: len(block)]
        np.multiply(scores, self.factor[None, :], out=keys[:, :n])
        if rules.spread and not spreading:
            keys[:, :n] += JITTER * _shuffle(mentees.ids[block], self.screen.ids)
        cols = self.screen.candidates(keys, mask, width)
        if not raw:
            return cols
        np.copyto(keys[:, :n], scores)  # the first pass overwrote them
        return _distinct(np.concatenate([cols, self.screen.candidates(keys, mask, raw)], axis=1))


def _distinct(cols: np.ndarray) -> np.ndarray:
    """``cols`` with each row's repeated mentor rows (and -1s) made -1, sorted."""
    cols = np.sort(cols, axis=1)
    cols[:, 1:][cols[:, 1:] == cols[:, :-1]] = -1
    return cols


@dataclass
class _Candidates:
    """A block's candidates with their exact scores: (b, width) arrays."""

    cols: np.ndarray  # mentor rows, -1 padding
    scores: np.ndarray  # exact scores, -inf where not allowed
    components: np.ndarray  # (b, width, 5)


def _exact(
    mentees, block, mentors, cols, mine, theirs, rules, excluded, keep_components=True
) -> _Candidates:
    """Exact float64 scores of the screened candidates, every hard filter
    applied again exactly: the screen only proposes.
    ``mine`` is (mentee tags, each block row's place in them); ``theirs`` the
    mentor tags."""
    scores = np.full(cols.shape, -np.inf)
    components = np.full((*cols.shape, 5), np.nan) if keep_components else None
    r, c = np.nonzero(cols >= 0)
    if len(r):
        j = cols[r, c]
        tags, place = mine
        parts = _components(mentees, block[r], mentors, j, (tags, place[r]), (theirs, j))
        exact = combine(parts, mentees.importance[block[r]], rules.weights)
        ok = _allowed(mentees, block, r, mentors, j, rules, excluded, mine, theirs, exact)
        scores[r, c] = np.where(ok, exact, -np.inf)
        if keep_components:
            components[r, c] = parts
    cols = np.where(np.isfinite(scores), cols, -1)
    return _Candidates(cols, scores, components)


def _allowed(mentees, block, r, mentors, j, rules, excluded, mine, theirs, scores) -> np.ndarray:
    """The hard filters (docs/matching.md) on the pairs (``block[r]``, ``j``), exactly:
    tags compared as bit sets, the minimum on the exact ``scores``."""
    rows = block[r]
    tags, place = mine[0], mine[1][r]
    ok = (mentees.user_ids[rows] != mentors.user_ids[j]) & mentors.available[j]
    ok &= scores >= rules.min_score - EPS
    # A common language, and each mentee's must facets: a shared tag in the facet.
    must = mentees.must[rows]
    needs = [(facet, must[:, f]) for f, facet in enumerate(FACETS) if must[:, f].any()]
    if rules.require_common_language:
        needs.append(("language", np.ones(len(rows), dtype=bool)))
    for facet, needing in needs:
        columns = np.zeros((1, mentees.background.shape[1]))
        columns[0, _columns(rules, facet)] = 1
        at = np.flatnonzero(needing & ok)
        common = tags.background[place[at]] & theirs.background[j[at]] & pack_bits(columns)
        ok[at[np.bitwise_count(common).sum(axis=1) == 0]] = False
    if excluded is not None and len(excluded[0]):
        n = len(mentors)
        bad = np.asarray(excluded[0], dtype=np.int64) * n + np.asarray(excluded[1])
        ok &= ~np.isin(rows * n + j, bad)
    return ok


def _direct(
    mentees, block, mentors, rules, excluded, mine, theirs, width, factor, raw=0
) -> _Candidates:
    """Exact scores of every pair of the block, the hard filters applied on
    bit sets: for a few rows this costs less than building a screen. With a
    ``width``, each row keeps its best ``width`` by ``factor`` × score, and its
    best ``raw`` by score, as the screen would. ``mine`` and ``theirs`` are as
    for :func:`_exact`."""
    b, n = len(block), len(mentors)
    r, j = np.repeat(np.arange(b), n), np.tile(np.arange(n), b)
    rows = block[r]
    parts = _components(mentees, rows, mentors, j, (mine[0], mine[1][r]), (theirs, j))
    scores = combine(parts, mentees.importance[rows], rules.weights)
    ok = _allowed(mentees, block, r, mentors, j, rules, excluded, mine, theirs, scores)
    scores = np.where(ok, scores, -np.inf).reshape(b, n)
    cols = np.broadcast_to(np.arange(n), (b, n))
    parts = parts.reshape(b, n, 5)
    if width is not None and width < n:
        keep = np.argpartition(-(scores * factor[None, :]), width - 1, axis=1)[:, :width]
        if raw and raw < n:
            # The best by score too: the rule keeps the best and fills by score.
            by_score = np.argpartition(-scores, raw - 1, axis=1)[:, :raw]
            keep = _distinct(np.concatenate([keep, by_score], axis=1))
            scores = np.where(
                keep >= 0, np.take_along_axis(scores, np.maximum(keep, 0), axis=1), -np.inf
            )
            parts = np.take_along_axis(parts, np.maximum(keep, 0)[..., None], axis=1)
            return _Candidates(np.where(np.isfinite(scores), keep, -1), scores, parts)
        cols = keep
        scores = np.take_along_axis(scores, keep, axis=1)
        parts = np.take_along_axis(parts, keep[..., None], axis=1)
    return _Candidates(np.where(np.isfinite(scores), cols, -1), scores, parts)


def _rank_static(found: _Candidates, mentee_ids, mentors: Side, rules: Rules, k: int, demand):
    safe = np.maximum(found.cols, 0)
    if not rules.spread:
        keys = found.scores.copy()
        keys[found.cols < 0] = -np.inf
        best = _best(keys, mentors.ids[safe], min(k, keys.shape[1]))
        return best, np.take_along_axis(keys, best, axis=1)
    keys = found.scores * load_factor(mentors.room, demand)[safe]
    keys += JITTER * _shuffle(mentee_ids, mentors.ids[safe])
    keys[found.cols < 0] = -np.inf
    kept = mentors.pending[safe] <= np.maximum(mentors.room, 0)[safe]
    best = _choose(found.scores, keys, mentors.ids[safe], kept, rules.gap, k)
    return best, np.take_along_axis(keys, np.maximum(best, 0), axis=1)


def _choose(scores, keys, ids, kept, gap: float, k: int) -> np.ndarray:
    """Each row's list, as column indexes in score order (-1 padding): the
    bounded spreading rule of docs/matching.md. Allowed columns have a finite
    ``keys`` entry; ``kept`` says which mentors are asked by no more people
    than they have room for.

    1. The mentee's best-scoring mentor is in, unless not ``kept``.
    2. The rest come from the mentors within ``gap`` points of that best
       score, highest key (score for load, with the shuffle) first.
    3. Only if too few are within the gap, the next best by score follow.
    """
    b, w = scores.shape
    allowed = np.isfinite(keys)
    score = np.where(allowed, scores, -np.inf)
    # Best by score; equal scores by key, then mentor id.
    first = np.lexsort((ids, -keys, -score), axis=-1)[:, 0]
    top = np.take_along_axis(score, first[:, None], axis=1)
    within = allowed & (score >= top - gap - EPS)
    forced = np.zeros((b, w), dtype=bool)
    forced[np.arange(b), first] = np.take_along_axis(kept & allowed, first[:, None], axis=1)[:, 0]
    # Tier 0 the kept best, 1 the gap by key, 2 the rest by score, 3 not allowed.
    tier = np.where(forced, 0, np.where(within, 1, np.where(allowed, 2, 3)))
    secondary = np.where(tier == 1, -keys, np.where(tier == 2, -score, 0.0))
    secondary = np.where(tier == 3, 0.0, secondary)
    picked = np.lexsort((ids, secondary, tier), axis=-1)[:, : min(k, w)]
    ok = np.take_along_axis(tier, picked, axis=1) < 3
    # Shown in score order; equal scores by key, then mentor id.
    order = np.lexsort(
        (
            np.take_along_axis(ids, picked, axis=1),
            -np.take_along_axis(keys, picked, axis=1),
            np.where(ok, -np.take_along_axis(score, picked, axis=1), np.inf),
        ),
        axis=-1,
    )
    picked = np.take_along_axis(np.where(ok, picked, -1), order, axis=1)
    out = np.full((b, k), -1, dtype=np.int64)
    out[:, : picked.shape[1]] = picked
    return out


def _rank_spreading(
    found: _Candidates, mentee_ids, mentors: Side, rules: Rules, k: int, exposure, shown
):
    """Mentee by mentee: each list built raises the demand on the mentors it shows."""
    ok = found.cols >= 0
    cols = np.maximum(found.cols, 0)
    # Everything but the demand is fixed for the block: gather it once.
    room = np.maximum(mentors.room, 0).astype(float)[cols] + 1
    jitter = JITTER * _shuffle(mentee_ids, mentors.ids[cols])
    ids, pending = mentors.ids[cols], mentors.pending[cols]
    kept = pending <= room - 1
    best = np.full((len(mentee_ids), k), -1, dtype=np.int64)
    best_keys = np.full((len(mentee_ids), k), -np.inf)
    for i in range(len(mentee_ids)):
        at = np.flatnonzero(ok[i])
        if not len(at):
            continue
        mine = cols[i, at]
        expected = pending[i, at] + shown[mine] / k
        keys = found.scores[i, at] * np.sqrt(room[i, at] / (room[i, at] + expected))
        keys += jitter[i, at]
        top = _choose(
            found.scores[i, at][None], keys[None], ids[i, at][None], kept[i, at][None], rules.gap, k
        )[0]
        top = top[top >= 0]
        best[i, : len(top)] = at[top]
        best_keys[i, : len(top)] = keys[top]
        shown[mine[top]] += exposure.scale
    return best, best_keys


def top_k(
    mentees: Side,
    mentors: Side,
    rules: Rules,
    rows: np.ndarray | None = None,
    excluded: tuple[np.ndarray, np.ndarray] | None = None,
    k: int | None = None,
    exposure: Exposure | None = None,
    components: bool = True,
    keep_screened: list | None = None,
) -> TopK:
    """The ``k`` best mentors for each mentee in ``rows`` (all by default).

    ``excluded`` holds (mentee rows, mentor rows) never to suggest. With
    ``exposure``, lists are built one mentee at a time in id order and each
    raises the demand on the mentors it shows (docs/matching.md); without,
    every row ranks against the same demand (waiting requests only).

    Each block is screened in float32 for its rows' candidates (the best
    ``CANDIDATES`` by fit and room when lists spread the load, else the best
    k + ``SCREEN_SLACK``); only the candidates are scored exactly and ranked.
    With ``keep_screened`` (a list), every block's screened scores, -inf
    where a hard filter rules the pair out, are appended to it as (rows,
    scores) for :func:`best_mentees` to reuse (a block on the exact path is
    screened for that alone).
    """
    k = rules.k if k is None else k
    rows = np.arange(len(mentees)) if rows is None else np.asarray(rows, dtype=np.int64)
    rows = rows[np.argsort(mentees.ids[rows], kind="stable")] if len(rows) else rows
    excluded = _by_mentee_row(excluded)
    n = len(mentors)
    kk = min(k, n)
    result = TopK(
        rows,
        np.full((len(rows), k), -1, dtype=np.int64),
        np.full((len(rows), k), np.nan),
        np.full((len(rows), k), np.nan),
        # Without ``components`` (auto-assignment's candidates need scores only),
        # none are gathered: at a k of hundreds they were most of the time.
        np.full((len(rows), k, 5), np.nan) if components else None,
    )
    if not (n and len(rows) and kk):
        return result
    theirs = _all_tags(mentors)
    spreading = rules.spread and exposure is not None
    shown = None if exposure is None else np.asarray(exposure.shown, dtype=float).copy()
    # Candidates are chosen against the demand at the start, so the result
    # does not depend on how rows are split into blocks.
    demand = mentors.pending + (0 if shown is None else shown / kk)
    factor = load_factor(mentors.room, demand) if rules.spread else np.ones(n)
    width = min(n, max(CANDIDATES, 4 * kk) if spreading else kk + SCREEN_SLACK)
    raw = min(n, kk + SCREEN_SLACK) if rules.spread else 0
    direct = len(rows) <= DIRECT_ROWS and len(rows) * n <= DIRECT_PAIRS
    step = len(rows) if direct else min(block_rows(n), len(rows))
    if not direct or keep_screened is not None:
        screen = _screen_of(mentees, mentors, rules)
        screened = _Screened(
            screen, factor[screen.order], mentors.available[screen.order], step, keep_screened
        )
    for start in range(0, len(rows), step):
        block = rows[start : start + step]
        # Tags of a few rows are packed afresh; of most of the side, kept.
        if len(block) * 4 > len(mentees):
            mine = (_all_tags(mentees), block)
        else:
            mine = (_Tags.of(mentees, block), np.arange(len(block)))
        if direct:
            width_ = width if spreading else None
            found = _direct(
                mentees, block, mentors, rules, excluded, mine, theirs, width_, factor, raw
            )
            if keep_screened is not None:
                screened.screened(mentees, block, rules, excluded)  # kept, not used here
        else:
            cols = screened.candidates(mentees, block, rules, excluded, width, spreading, raw)
            found = _exact(mentees, block, mentors, cols, mine, theirs, rules, excluded, components)
        if spreading:
            best, best_keys = _rank_spreading(
                found, mentees.ids[block], mentors, rules, kk, exposure, shown
            )
        else:
            best, best_keys = _rank_static(found, mentees.ids[block], mentors, rules, kk, demand)
        ok = np.isfinite(best_keys) & (best >= 0)
        at = np.maximum(best, 0)
        sl = slice(start, start + len(block))
        result.mentor_rows[sl, :kk] = np.where(ok, np.take_along_axis(found.cols, at, axis=1), -1)
        result.keys[sl, :kk] = np.where(ok, best_keys, np.nan)
        result.scores[sl, :kk] = np.where(ok, np.take_along_axis(found.scores, at, axis=1), np.nan)
        if components:
            result.components[sl, :kk] = np.where(
                ok[..., None], np.take_along_axis(found.components, at[..., None], axis=1), np.nan
            )
    return result


def best_mentees(
    mentees: Side,
    mentors: Side,
    rules: Rules,
    rows: np.ndarray,
    cols: np.ndarray,
    counts: np.ndarray,
    excluded: tuple[np.ndarray, np.ndarray] | None = None,
    screened: list | None = None,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(mentee row, mentor row, exact score) of every allowed pair that may be
    among the ``counts[i]`` best mentees (of ``rows``) of mentor ``cols[i]``:
    a superset of each mentor's best, ties at the edge included, every hard
    filter applied exactly. The column-wise counterpart of ``top_k``: the
    float32 screen proposes, per mentor, the rows at most ``2 × SCREEN_MARGIN``
    under its ``counts[i]``-th best screened score (the screen errs by far
    less than the margin either way), and only those are scored exactly.
    ``screened``: the blocks a ``top_k(keep_screened=…)`` over exactly these
    rows kept, used instead of screening them again."""
    rows, cols = np.asarray(rows, dtype=np.int64), np.asarray(cols, dtype=np.int64)
    empty = np.zeros(0, dtype=np.int64)
    if not (len(rows) and len(cols)):
        return empty, empty, np.zeros(0)
    excluded = _by_mentee_row(excluded)
    screen = _screen_of(mentees, mentors, rules)
    at = screen.position[cols]
    available = mentors.available[screen.order]
    need = np.maximum(np.asarray(counts, dtype=np.int64), 1)
    tolerance = 2 * SCREEN_MARGIN
    # Each column's best ``need.max()`` screened scores so far, best first: its
    # need-th best is a floor that only rises as blocks come in, and at the end
    # it is the program-wide one.
    best = np.full((int(need.max()), len(cols)), -np.inf, dtype=SCREEN)
    place = np.minimum(need, len(best)) - 1
    columns = np.arange(len(cols))
    found_rows, found_cols, found_values = [], [], []
    blocks = _screened_blocks(screened, mentees, rows, rules, excluded, screen, available)
    for block, values in blocks:
        values = values[:, at]
        merged = np.concatenate([best, np.sort(values, axis=0)[::-1][: len(best)]])
        best = np.sort(merged, axis=0)[::-1][: len(best)]
        floor = best[place, columns] - tolerance
        r, c = np.nonzero((values >= floor[None, :]) & np.isfinite(values))
        found_rows.append(block[r])
        found_cols.append(c)
        found_values.append(values[r, c])
    r, c, v = (np.concatenate(a) for a in (found_rows, found_cols, found_values))
    # Program-wide: each column's need-th best screened score, less the tolerance.
    keep = v >= (best[place, columns] - tolerance)[c]
    r, j = r[keep], cols[c[keep]]
    # Exact scores and filters for the proposed pairs only.
    mine, theirs = (_all_tags(mentees), r), _all_tags(mentors)
    parts = _components(mentees, r, mentors, j, mine, (theirs, j))
    exact = combine(parts, mentees.importance[r], rules.weights)
    index = np.arange(len(r))
    ok = _allowed(mentees, r, index, mentors, j, rules, excluded, mine, theirs, exact)
    return r[ok], j[ok], exact[ok]


def _screened_blocks(kept, mentees, rows, rules, excluded, screen, available):
    """(rows, screened scores with -inf where not allowed) block by block:
    those kept by ``top_k``, or screened here the same way."""
    if kept is not None:
        yield from kept
        return
    step = min(block_rows(len(screen.ids)), len(rows))
    own = _Screened(screen, np.ones(len(screen.ids)), available, step, keep=[])
    for start in range(0, len(rows), step):
        own.screened(mentees, rows[start : start + step], rules, excluded)
        yield own.keep.pop()


def score_pairs(mentees: Side, rows, mentors: Side, cols, weights) -> tuple[np.ndarray, np.ndarray]:
    """(scores, components) for explicit pairs, without filters."""
    components = pair_components(mentees, rows, mentors, cols)
    return combine(components, mentees.importance[np.asarray(rows)], weights), components


def unmet_filters(mentees: Side, row: int, mentors: Side, col: int, rules: Rules) -> list[str]:
    """The hard filters (docs/matching.md) that one pair does not pass, by name:
    "same_person", "common_language" when the program requires a shared language
    and they have none, then each of the mentee's must facets in which they share
    nothing. Availability and the minimum score are the caller's to weigh."""
    unmet = []
    if mentees.user_ids[row] == mentors.user_ids[col]:
        unmet.append("same_person")
    mine, theirs = mentees.background[row], mentors.background[col]

    def shares(facet: str) -> bool:
        columns = _columns(rules, facet)
        return bool((mine[columns] * theirs[columns]).any())

    if rules.require_common_language and not shares("language"):
        unmet.append("common_language")
    unmet += [f for i, f in enumerate(FACETS) if mentees.must[row, i] and not shares(f)]
    return unmet
