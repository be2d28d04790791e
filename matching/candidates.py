"""Candidate lists for auto-assignment. Pure: numpy and the pure matching modules.

Each mentee brings their best PER_MENTEE mentors by raw score. When places are
scarce, that alone can leave a mentor with room on too few lists to fill it
(everyone's top 50 are the same popular mentors), and the optimum over the
lists falls below the optimum over every allowed pair. So every mentor with
free places who appears on fewer than PER_PLACE lists per place also brings
their own best PER_PLACE × places mentees.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable

import numpy as np

from . import assignment, scoring

PER_MENTEE = 50
# Measured on a 10,000 × 3,000 program with 7,932 places (docs/performance.md):
# the optimum over the top 50 alone fell 0.074 % short of the dense optimum;
# widened with 4 / 10 / 25 mentees per place, 0.0098 % / 0.001 % / 0.00006 %
# (within the rounding of scores to hundredths).
PER_PLACE = 25
BLOCK = 2000
# The widening pass scores every mentee against the thin mentors; past this
# many pairs it keeps only the thinnest mentors.
MAX_WIDENING_PAIRS = 200_000_000
# Up to this many pairs (5 bytes each: 200 MB), the row-wise pass keeps its
# float32 screen for the widening pass, which then need not screen every
# pair again (0.19 s of 2.1 s at 5,000 × 5,000).
KEEP_SCREEN_PAIRS = 40_000_000


def _pass(mentees, mentors, rules, rows, excluded, k, on_block=None, keep_screened=None):
    """(row, col, score) triples of each row's top k, block by block."""
    out_rows, out_cols, out_scores = [], [], []
    for start in range(0, len(rows), BLOCK):
        top = scoring.top_k(
            mentees,
            mentors,
            rules,
            rows=rows[start : start + BLOCK],
            excluded=excluded,
            k=k,
            components=False,
            keep_screened=keep_screened,
        )
        hit = top.mentor_rows >= 0
        out_rows.append(np.repeat(top.mentee_rows, hit.sum(axis=1)))
        out_cols.append(top.mentor_rows[hit])
        out_scores.append(top.scores[hit])
        if on_block:
            on_block(min(start + BLOCK, len(rows)))
    return _cat(out_rows, np.int64), _cat(out_cols, np.int64), _cat(out_scores, float)


def _cat(parts: list[np.ndarray], dtype) -> np.ndarray:
    return np.concatenate(parts) if parts else np.zeros(0, dtype=dtype)


def build(
    mentees: scoring.Side,
    mentors: scoring.Side,
    rules: scoring.Rules,
    rows: np.ndarray,
    capacity: np.ndarray,
    excluded: tuple[np.ndarray, np.ndarray] | None = None,
    on_block: Callable[[int], None] | None = None,
) -> assignment.Candidates:
    """Candidates for mentee ``rows`` (in that order) against every mentor."""
    rows = np.asarray(rows, dtype=np.int64)
    rules = dataclasses.replace(rules, k=PER_MENTEE, spread=False)
    screened = [] if len(rows) * len(mentors) <= KEEP_SCREEN_PAIRS else None
    r, c, s = _pass(mentees, mentors, rules, rows, excluded, PER_MENTEE, on_block, screened)
    seen = np.bincount(c, minlength=len(mentors))
    thin = np.flatnonzero((capacity > 0) & (seen < PER_PLACE * capacity))
    if len(thin) and len(rows):
        thin = thin[np.argsort(seen[thin], kind="stable")][
            : max(1, MAX_WIDENING_PAIRS // len(rows))
        ]
        found = (r, c, s)
        r, c, s = _widen(mentees, mentors, rules, rows, excluded, capacity, thin, found, screened)
    return _lists(rows, r, c, s, len(mentees), len(mentors))


def _widen(mentees, mentors, rules, rows, excluded, capacity, thin, found, screened=None):
    """Add each thin mentor's best PER_PLACE × places mentees to the lists."""
    # Column-wise: each thin mentor's best rows from the screen, then exact
    # scores for those only (scoring.best_mentees), not every pair exactly.
    r, c, s = scoring.best_mentees(
        mentees, mentors, rules, rows, thin, PER_PLACE * capacity[thin], excluded, screened
    )
    # Per mentor, its best mentees: sort by (mentor, -score, row) and cut each run.
    order = np.lexsort((r, -s, c))
    r, c, s = r[order], c[order], s[order]
    start = np.searchsorted(c, c, side="left")
    keep = (np.arange(len(c)) - start) < PER_PLACE * capacity[c]
    rows_all = np.concatenate([found[0], r[keep]])
    cols_all = np.concatenate([found[1], c[keep]])
    scores_all = np.concatenate([found[2], s[keep]])
    pairs = rows_all * len(mentors) + cols_all
    _, first = np.unique(pairs, return_index=True)
    return rows_all[first], cols_all[first], scores_all[first]


def _lists(rows, r, c, s, n_mentees: int, n_mentors: int) -> assignment.Candidates:
    where = np.full(n_mentees, -1, dtype=np.int64)
    where[rows] = np.arange(len(rows))
    index = where[r]
    order = np.lexsort((c, index))
    index, c, s = index[order], c[order], s[order]
    indptr = np.zeros(len(rows) + 1, dtype=np.int64)
    np.add.at(indptr, index + 1, 1)
    return assignment.Candidates(np.cumsum(indptr), c, s, n_mentors)
