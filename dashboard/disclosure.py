"""Group figures that nobody can subtract (docs/security.md, "Group figures").

Pure: the standard library and numpy. Given a program's exact per-group
counts, this decides which groups a viewer without the sensitive-answers
permission may see and what they see of them:

- **Primary suppression**: a group under ``threshold`` people is hidden.
- **Complementary suppression**: groups are related (a heritage region holds
  its sub-groups; everyone who answered holds each facet's groups and those who
  chose not to disclose). In every relation, the hidden terms are never exactly
  one, and the hidden groups inside it never total under ``threshold``:
  subtracting the shown figures from one another never isolates a hidden group.
- **Noise**: every count shown carries fresh two-sided geometric noise, and
  every mean noise scaled to what one person could move it by, drawn from a
  generator seeded by the release (the same release reads the same, however
  often it is viewed). Comparing two releases, a person who joined, was matched
  or changed an answer in between is lost in the noise.

The Django side (dashboard/releases.py) makes a release at most once a day and
counts the releases against the program's yearly budget.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

import numpy as np


@dataclass(frozen=True)
class Counts:
    """One group's exact figures, as the worker works them out."""

    key: str
    name: str
    kind: str
    people: int
    matched: int = 0
    declined: int = 0  # by the mentor's own choice
    answered: int = 0  # requests a mentor answered (accepted or declined themselves)
    score_sum: float = 0.0  # over started mentorships, each score in [0, 100]
    scored: int = 0
    wait_sum: float = 0.0  # days to match, each capped at WAIT_CAP
    waited: int = 0


@dataclass(frozen=True)
class Relation:
    """``parent`` holds every member of ``children`` (and maybe others, who are
    not shown): an attacker may know parent = Σ children + what is not shown."""

    parent: str
    children: tuple[str, ...]


WAIT_CAP = 90.0  # days
SCORE_CAP = 100.0


def suppress(
    cells: Sequence[Counts],
    relations: Iterable[Relation],
    threshold: int,
    public: frozenset[str] = frozenset(),
    already: Iterable[str] = (),
) -> set[str]:
    """The keys to hide: each group under ``threshold`` people, and as many
    others as the relations need so that none of those can be isolated.
    ``public`` groups (everyone in the program: its size is on the overview)
    are never hidden, since hiding them would protect nothing. ``already``:
    groups hidden for another reason (a figure of a group whose size is hidden),
    protected like the small ones."""
    size = {c.key: c.people for c in cells}
    hidden = {c.key for c in cells if c.people < threshold and c.key not in public}
    hidden |= {k for k in already if k in size and k not in public}
    relations = [
        Relation(r.parent, tuple(k for k in r.children if k in size))
        for r in relations
        if r.parent in size
    ]
    changed = True
    while changed:
        changed = False
        for r in relations:
            terms = (r.parent, *r.children)
            hid = [k for k in terms if k in hidden]
            hidden_children = [k for k in r.children if k in hidden]
            parent_known = r.parent in public or r.parent not in hidden
            small = parent_known and 0 < sum(size[k] for k in hidden_children) < threshold
            if (len(hid) == 1 and hid[0] not in public) or small:
                shown = sorted(
                    (k for k in r.children if k not in hidden and k not in public),
                    key=lambda k: (size[k], k),
                )
                if shown:
                    hidden.add(shown[0])
                elif r.parent not in public and r.parent not in hidden:
                    hidden.add(r.parent)
                else:
                    continue  # nothing left to hide here: its children are all hidden
                changed = True
    return hidden


def determined(
    cells: Sequence[Counts], relations: Iterable[Relation], hidden: set[str]
) -> set[str]:
    # ``hidden`` never holds a public group: its size is known like any shown one.
    """The hidden keys an attacker could work out exactly from the shown sizes,
    assuming the worst: every relation exact (nothing outside the children).
    For tests, and for the property the suppression must keep: empty."""
    unknown = sorted(hidden)
    column = {k: i for i, k in enumerate(unknown)}
    size = {c.key: c.people for c in cells}
    rows = []
    for r in relations:
        if r.parent not in size:
            continue
        row = np.zeros(len(unknown))
        for key, sign in ((r.parent, 1.0), *((k, -1.0) for k in r.children if k in size)):
            if key in column:
                row[column[key]] += sign
        if row.any():
            rows.append(row)
    if not rows:
        return set()
    a = np.array(rows)
    rank = np.linalg.matrix_rank(a)
    return {
        k
        for k, i in column.items()
        if np.linalg.matrix_rank(np.vstack([a, np.eye(len(unknown))[i]])) == rank
    }


@dataclass(frozen=True)
class Noise:
    """How much noise each figure gets: ``epsilon`` per figure, so a count moves
    by about 1/epsilon people either way."""

    epsilon: float = 0.5

    @property
    def count_scale(self) -> float:
        return 1 / self.epsilon

    def typical_count_error(self) -> float:
        """The mean absolute noise on a count, in people: 2a / (1 - a²) for the
        two-sided geometric with a = exp(-epsilon) (about 1.7 at epsilon 0.5)."""
        a = math.exp(-self.epsilon)
        return 2 * a / (1 - a * a)


def _count(rng: np.random.Generator, value: int, noise: Noise) -> int:
    """``value`` plus two-sided geometric noise (the discrete Laplace)."""
    p = 1 - math.exp(-noise.epsilon)
    return max(0, int(value + rng.geometric(p) - rng.geometric(p)))


def _mean(rng: np.random.Generator, total: float, n: int, cap: float, noise: Noise) -> float:
    """A mean of ``n`` values in [0, cap], with noise scaled to what one more
    value could move it by (cap / (n + 1))."""
    exact = total / n
    noisy = exact + rng.laplace(0.0, cap / ((n + 1) * noise.epsilon))
    return min(cap, max(0.0, noisy))


@dataclass
class Shown:
    """A group as a viewer without the permission sees it."""

    key: str
    name: str
    kind: str
    people: int
    matched_share: int | None
    decline_rate: int | None
    mean_days: float | None
    mean_score: float | None
    extra: dict = field(default_factory=dict)


def _share(part: int, whole: int) -> int | None:
    return min(100, round(100 * part / whole)) if whole > 0 else None


def release(
    cells: Sequence[Counts],
    relations: Iterable[Relation],
    *,
    threshold: int,
    seed: int,
    noise: Noise = Noise(),
    public: frozenset[str] = frozenset(),
) -> tuple[list[Shown], int]:
    """(the groups shown, how many are hidden) for one release. A shown group
    is at least ``threshold`` people, so its size is never shown under it."""
    relations = list(relations)
    hidden = suppress(cells, relations, threshold, public)
    rng = np.random.default_rng(seed)
    shown = []
    for c in sorted(cells, key=lambda c: c.key):  # a fixed draw order for a seed
        draws = {
            "people": _count(rng, c.people, noise),
            "matched": _count(rng, c.matched, noise),
            "declined": _count(rng, c.declined, noise),
            "answered": _count(rng, c.answered, noise),
        }
        score = _mean(rng, c.score_sum, c.scored, SCORE_CAP, noise) if c.scored else None
        days = _mean(rng, c.wait_sum, c.waited, WAIT_CAP, noise) if c.waited else None
        if c.key in hidden:
            continue
        people = c.people if c.key in public else max(draws["people"], threshold)
        matched = draws["matched"]
        shown.append(
            Shown(
                key=c.key,
                name=c.name,
                kind=c.kind,
                people=people,
                matched_share=_share(min(matched, people), people),
                decline_rate=_share(min(draws["declined"], draws["answered"]), draws["answered"]),
                mean_days=None if days is None or not matched else round(days, 1),
                mean_score=None if score is None or not matched else round(score, 1),
            )
        )
    order = {c.key: i for i, c in enumerate(cells)}
    shown.sort(key=lambda s: order[s.key])
    return shown, sum(1 for c in cells if c.key in hidden)
