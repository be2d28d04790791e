"""The dashboard's figures, kept for a minute.

Working out a large program's figures takes a few hundred milliseconds of
database time (docs/performance.md), and an admin moves between the overview
and the fairness page, or back to them from a run, many times a minute. Each
page's figures are therefore kept in the cache with the time they were worked
out, which the page shows, and are worked out again:

- when they are older than ``FRESH_FOR``;
- when a run of the program finished or was committed, or an import finished,
  after them: what an admin starts from the dashboard shows on it at once;
- after a manual match or re-match (:func:`forget`);
- when the admin asks (the page's "Refresh figures" button).

What mentees and mentors do between times (a request answered, a profile
finished) shows within ``FRESH_FOR``, and so does a deleted person leaving the
lists: no page shows older figures. The cache drops unread ones after
``KEEP_FOR``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.core.cache import cache
from django.db.models import Q
from django.utils import timezone

from matching.models import MatchingRun
from profiles.models import Program

from . import figures
from .models import ImportJob

FRESH_FOR = timedelta(minutes=1)
KEEP_FOR = timedelta(minutes=5)
# Kept figures are pickled model instances and dataclasses: change this when
# their shape changes, so a deploy never unpickles the old shape.
SHAPE = 1
PAGES: dict[str, Callable[[Program], dict]] = {
    "health": figures.program_health,
    "fairness": figures.fairness,
}


@dataclass(frozen=True)
class Snapshot:
    figures: dict
    computed_at: datetime


def _key(page: str, program_id: int) -> str:
    return f"dashboard:figures:v{SHAPE}:{page}:{program_id}"


def current(program: Program, page: str) -> Snapshot:
    """This page's figures: the kept ones while still fresh, else new ones."""
    kept = cache.get(_key(page, program.pk))
    if kept is not None and not _outdated(program, kept.computed_at):
        return kept
    return refresh(program, page)


def refresh(program: Program, page: str) -> Snapshot:
    snapshot = Snapshot(figures=PAGES[page](program), computed_at=timezone.now())
    cache.set(_key(page, program.pk), snapshot, KEEP_FOR.total_seconds())
    return snapshot


def forget(program: Program) -> None:
    cache.delete_many([_key(page, program.pk) for page in PAGES])


def _outdated(program: Program, computed_at: datetime) -> bool:
    if timezone.now() - computed_at > FRESH_FOR:
        return True
    since = Q(finished_at__gt=computed_at) | Q(committed_at__gt=computed_at)
    return (
        MatchingRun.objects.filter(since, program=program).exists()
        or ImportJob.objects.filter(program=program, finished_at__gt=computed_at).exists()
    )
