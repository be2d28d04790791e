"""The dashboard's figures, worked out by the worker and served as kept.

Working out a large program's figures takes the database up to a second
(docs/performance.md); a page should not. Each page's figures are therefore
worked out by a Celery task and kept as a JSON row (:class:`KeptFigures`)
with the time they were taken, which the page shows. A page view always answers from the kept
figures. When they are out of date it asks the worker for new ones and says
"updating"; the page then polls (:func:`is_newer`) and reloads when they are
in. The figures are out of date:

- when they are older than ``FRESH_FOR``;
- when a run of the program finished or was committed, or an import finished,
  after them: what an admin starts from the dashboard shows on it at once;
- after a manual match or re-match, and when the admin asks (the page's
  "Refresh figures" button): :func:`changed`.

Without kept figures (the program's first view, or a person of the program
was deleted: :func:`forget` drops every row that could name them) the page
says the figures are being worked out.
The task has a queue of its own (``KINDRED_FIGURES_QUEUE``), so it is not
stuck behind a long run or a flood of emails. A task that moved the whole
program works the figures out itself as it ends (:func:`refresh_on_commit`).
Where no worker can be asked (no broker: the no-setup development default
runs tasks in-process; or the broker is down), or none answered within
``ASKED_FOR``, the request works them out itself.

The task's only arguments are a program id and a page name.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.core.cache import cache
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from config.celery import BROKER_DOWN
from matching.models import MatchingRun
from profiles.models import Program

from . import figures, releases
from .models import FiguresDecoder, FiguresEncoder, ImportJob, KeptFigures

log = logging.getLogger(__name__)

FRESH_FOR = timedelta(minutes=1)
# Out-of-date figures are still shown, marked as updating, for this long.
KEEP_FOR = timedelta(days=7)
# A refresh asked for and not done within this was lost: the next view works
# the figures out itself (and logs why).
ASKED_FOR = timedelta(minutes=3)
# The layout of the figures kept: change it when figures.py changes what it
# returns, so that a deploy never shows figures of the old layout.
SHAPE = 5
PAGES: dict[str, Callable[[Program], dict]] = {
    "health": figures.program_health,
    "fairness": figures.fairness,
}


@dataclass(frozen=True)
class Snapshot:
    figures: dict
    computed_at: datetime


@dataclass(frozen=True)
class Shown:
    """What a page shows: kept figures, if any, and whether newer are coming."""

    snapshot: Snapshot | None
    updating: bool

    @property
    def version(self) -> int:
        """The shown figures' time stamp in microseconds (0: none), for polling."""
        return _version(self.snapshot)


def _asked_key(page: str, program_id: int) -> str:
    return f"dashboard:figures-asked:{page}:{program_id}"


def _changed_key(program_id: int) -> str:
    return f"dashboard:figures-changed:{program_id}"


def _version(snapshot: Snapshot | None) -> int:
    return 0 if snapshot is None else int(snapshot.computed_at.timestamp() * 1_000_000)


def kept(program: Program, page: str) -> Snapshot | None:
    row = (
        KeptFigures.objects.filter(
            program=program,
            page=page,
            shape=SHAPE,
            computed_at__gte=timezone.now() - KEEP_FOR,
        )
        .values_list("figures", "computed_at")
        .first()
    )
    return None if row is None else Snapshot(*row)


def current(program: Program, page: str) -> Shown:
    """The page's kept figures, and new ones asked for when they are out of date."""
    snapshot = kept(program, page)
    if snapshot is not None and not _outdated(program, snapshot.computed_at):
        return Shown(snapshot, updating=False)
    if not _ask_for_refresh(program, page):
        return Shown(refresh(program, page), updating=False)
    newer = kept(program, page)  # tasks that run in-process are already done
    if _version(newer) > _version(snapshot):
        return Shown(newer, updating=False)
    return Shown(snapshot, updating=True)


def is_newer(program: Program, page: str, version: int) -> bool:
    """Whether figures newer than those of ``version`` are kept now."""
    return _version(kept(program, page)) > version


def is_asked_for(program: Program, page: str) -> bool:
    """Whether a refresh was asked for, and not so long ago that it was lost."""
    asked_at = cache.get(_asked_key(page, program.pk))
    return asked_at is not None and timezone.now() - asked_at < ASKED_FOR


def refresh(program: Program, page: str) -> Snapshot:
    """Work the page's figures out now and keep them (the worker's job)."""
    # Stamped when the work starts: whatever changes during it is newer.
    started = timezone.now()
    # As the row will read back: plain JSON.
    figures = json.loads(json.dumps(PAGES[page](program), cls=FiguresEncoder), cls=FiguresDecoder)
    _keep(program, page, figures, started)
    cache.delete(_asked_key(page, program.pk))
    if page == "fairness":
        releases.make_if_due(program)  # at most weekly: see dashboard/releases.py
    return Snapshot(figures=figures, computed_at=started)


def _keep(program: Program, page: str, figures: dict, started) -> None:
    """Keep these figures unless newer ones are kept: two refreshes can overlap
    (one asked again after ASKED_FOR), and the one that started later stays."""
    row = {"figures": figures, "computed_at": started, "shape": SHAPE}
    older = Q(computed_at__lt=started) | ~Q(shape=SHAPE)
    if KeptFigures.objects.filter(older, program=program, page=page).update(**row):
        return
    try:
        with transaction.atomic():
            KeptFigures.objects.get_or_create(program=program, page=page, defaults=row)
    except IntegrityError:
        pass  # another refresh kept its row first; it started no earlier than this one


def refresh_on_commit(program_id: int) -> None:
    """Work every page's figures out here, once the transaction commits.

    For a worker's task that moved the whole program (a finished re-score, a
    committed auto-assignment, an import): the figures are in when its result
    shows, rather than queued behind the emails and re-scores it queued."""

    def refresh_all() -> None:
        program = Program.objects.filter(pk=program_id).first()
        for page in PAGES if program else ():
            # The program's change is already committed: a page whose figures
            # fail is logged and left for the next view to ask again.
            try:
                refresh(program, page)
            except Exception:
                log.exception("Could not work out the %s figures of program %s", page, program_id)

    transaction.on_commit(refresh_all)


def gave_up(program_id: int, page: str) -> None:
    """The worker could not work them out: the next view asks again."""
    cache.delete(_asked_key(page, program_id))


def changed(program: Program) -> None:
    """Something the figures count changed: show them as updating, and ask
    for new ones once the change is committed."""
    cache.set(_changed_key(program.pk), timezone.now(), FRESH_FOR.total_seconds())

    def ask_for_every_page() -> None:
        for page in PAGES:
            _ask_for_refresh(program, page)

    transaction.on_commit(ask_for_every_page)


def forget(program_id: int) -> None:
    """Drop the kept figures, so none of them is shown again."""
    KeptFigures.objects.filter(program_id=program_id).delete()


def _ask_for_refresh(program: Program, page: str) -> bool:
    """Queue the refresh once. False when the request must work the figures
    out itself: no worker can be asked, or one was asked ``ASKED_FOR`` ago and
    never answered (none is running, or none consumes the figures' queue)."""
    from .tasks import refresh_figures

    key, now = _asked_key(page, program.pk), timezone.now()
    if not cache.add(key, now, 2 * ASKED_FOR.total_seconds()):
        if is_asked_for(program, page):
            return True  # asked, and still to be answered
        log.warning(
            "No worker worked out the %s figures of program %s within %s: is one running "
            "and consuming the %s queue?",
            page,
            program.pk,
            ASKED_FOR,
            settings.KINDRED_FIGURES_QUEUE,
        )
        return False
    try:
        refresh_figures.apply_async((program.pk, page))
    except BROKER_DOWN as error:
        gave_up(program.pk, page)
        log.warning("Could not queue the figures of %s: %s", page, type(error).__name__)
        return False
    return True


def _outdated(program: Program, computed_at: datetime) -> bool:
    if timezone.now() - computed_at > FRESH_FOR:
        return True
    changed_at = cache.get(_changed_key(program.pk))
    if changed_at is not None and changed_at > computed_at:
        return True
    since = Q(finished_at__gt=computed_at) | Q(committed_at__gt=computed_at)
    return (
        MatchingRun.objects.filter(since, program=program).exists()
        or ImportJob.objects.filter(program=program, finished_at__gt=computed_at).exists()
    )
