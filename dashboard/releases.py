"""The fairness figures an admin without the sensitive-answers permission sees:
dated releases (docs/admin.md, docs/security.md "Group figures").

Such an admin sees every other page, export and API call, and could compare
views over time. So their figures are not worked out live: a release is made
when the worker works the fairness figures out, at most once every
``CADENCE``, and only once at least ``MIN_CHANGES`` people or mentorships have
changed since the last (a join, a match and an edit between two releases are
never alone in it). Each release hides groups and adds noise as
dashboard/disclosure.py says; its noise is drawn from a seed that only the
server knows, fixed for that release, so viewing it again shows the same
figures and fresh noise comes only with the next release.

Admins with the permission see the exact figures, live, and each view of them
is recorded.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.crypto import salted_hmac

from mentorships.models import Mentorship
from profiles.models import Profile, Program

from . import disclosure, figures
from .models import FiguresRelease

CADENCE = timedelta(days=7)
MIN_CHANGES = figures.MIN_GROUP
NOISE = disclosure.Noise(epsilon=0.5)


def latest(program: Program) -> FiguresRelease | None:
    return FiguresRelease.objects.filter(program=program).first()


def changes_since(program: Program, since: datetime | None) -> int:
    """People whose answers changed and mentorships that moved since ``since``."""
    if since is None:
        return Profile.objects.filter(program=program).count()
    people = Profile.objects.filter(program=program, updated_at__gt=since).count()
    moved = Mentorship.objects.filter(program=program).filter(
        Q(requested_at__gt=since)
        | Q(decided_at__gt=since)
        | Q(started_at__gt=since)
        | Q(ended_at__gt=since)
    )
    return people + moved.count()


def due(program: Program, now: datetime | None = None) -> bool:
    now = now or timezone.now()
    last = latest(program)
    if last is None:
        return True
    if now - last.released_at < CADENCE:
        return False
    return changes_since(program, last.released_at) >= MIN_CHANGES


def seed(program: Program, at: datetime) -> int:
    """The release's noise seed: unguessable without the secret key, the same
    for every view of that release."""
    digest = salted_hmac("kindred.fairness-release", f"{program.pk}:{at.isoformat()}").digest()
    return int.from_bytes(digest[:8], "big")


@transaction.atomic
def make_if_due(program: Program, now: datetime | None = None) -> FiguresRelease | None:
    """Make this week's release if one is due (the worker's job); None if not."""
    now = now or timezone.now()
    Program.objects.select_for_update().get(pk=program.pk)  # one release at a time
    if not due(program, now):
        return None
    last = latest(program)
    cells, relations = figures.fairness_counts(program)
    shown, hidden = disclosure.release(
        cells,
        relations,
        threshold=figures.MIN_GROUP,
        seed=seed(program, now),
        noise=NOISE,
        public=frozenset({figures.EVERYONE}),
    )
    everyone = next(g for g in shown if g.key == figures.EVERYONE)
    return FiguresRelease.objects.create(
        program=program,
        released_at=now,
        changes=changes_since(program, last.released_at if last else None),
        figures={
            "cycles": figures.taking_part(program),
            "groups": [vars(g) for g in shown if g.key != figures.EVERYONE],
            "everyone": vars(everyone),
            "hidden": hidden,
            "min_group": figures.MIN_GROUP,
            "noise_people": NOISE.typical_count_error(),
        },
    )


def next_release(release: FiguresRelease | None) -> datetime | None:
    """The earliest a newer release can be made."""
    return None if release is None else release.released_at + CADENCE
