"""The admins' weekly digest: each program's match-health flags and the
mentors whose requests keep expiring, once a week, to everyone who helps run
a program (an admin or coordinator of it, or a superuser) and has not turned
it off, each about their own programs only (docs/admin.md).

The hourly beat task asks :func:`due` whom to send one email per admin per
ISO week, from Monday 08:00 UTC; the email (``emails.weekly_digest``) works
the contents out when it is sent, and a week with nothing to report sends
nothing but still counts as that week's digest."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.db.models import Count, Q
from django.utils import timezone

from mentorships.models import Mentorship
from profiles import access
from profiles.models import Profile, Program, ProgramRole, SentEmail, User

from .figures import paired

SENT_FROM = timedelta(hours=8)  # Monday 08:00 UTC
NEW = timedelta(days=7)
SILENT_WINDOW = timedelta(days=30)
SILENT_AFTER = 2  # requests expired in the window, none answered
SHOWN = 20

Status = Mentorship.Status


def week_of(now: datetime) -> str:
    year, week, _ = now.isocalendar()
    return f"{year}-W{week:02d}"


def key(user_id: int, week: str) -> str:
    return f"digest:{user_id}:{week}"


def recipients():
    """Active people with a role in a program, and superusers, who have not turned
    the digest off."""
    runs = Q(is_superuser=True) | Q(pk__in=ProgramRole.objects.values("user_id"))
    return User.objects.filter(runs, is_active=True).exclude(digest_choice__weekly=False)


def due(now: datetime | None = None) -> tuple[str, list[int]]:
    """This week, and the admins who have not had its digest; nobody before
    Monday 08:00 UTC. The week's key stops a second digest."""
    now = now or timezone.now()
    midnight = now.replace(hour=0, minute=0, second=0, microsecond=0)
    monday = midnight - timedelta(days=now.weekday())
    week = week_of(now)
    if now < monday + SENT_FROM:
        return week, []
    users = list(recipients().values_list("pk", flat=True))
    keys = [key(user_id, week) for user_id in users]
    had = set(SentEmail.objects.filter(key__in=keys).values_list("key", flat=True))
    return week, [user_id for user_id in users if key(user_id, week) not in had]


@dataclass
class ProgramWeek:
    program: Program
    flags: list[Mentorship] = field(default_factory=list)
    flags_count: int = 0
    new_flags: int = 0
    silent: list[dict] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.flags_count or self.silent)


def silent_mentors(program: Program, now: datetime) -> list[dict]:
    """Mentors with at least two requests expired in the last 30 days and none
    answered (accepted or declined) in that time."""
    since = now - SILENT_WINDOW
    mine = "mentorships_as_mentor"
    rows = (
        Profile.objects.filter(program=program, role="mentor")
        .annotate(
            expired=Count(
                mine,
                filter=Q(**{f"{mine}__status": Status.EXPIRED, f"{mine}__decided_at__gte": since}),
            ),
            answered=Count(
                mine,
                filter=Q(**{f"{mine}__started_at__gte": since})
                | Q(**{f"{mine}__status": Status.DECLINED, f"{mine}__decided_at__gte": since}),
            ),
        )
        .filter(expired__gte=SILENT_AFTER, answered=0)
        .order_by("-expired", "pk")
    )
    return [{"mentor": p, "expired": p.expired} for p in rows[:SHOWN]]


def contents(user: User, now: datetime | None = None) -> list[ProgramWeek]:
    """What each of ``user``'s programs has to report this week; programs with
    nothing left out."""
    now = now or timezone.now()
    weeks = []
    for program in access.programs_for(user).order_by("name"):
        flagged = paired(program).exclude(health="")
        week = ProgramWeek(
            program=program,
            flags=list(
                flagged.select_related("mentee", "mentor").order_by("health_flagged_at", "pk")[
                    :SHOWN
                ]
            ),
            flags_count=flagged.count(),
            new_flags=flagged.filter(health_flagged_at__gte=now - NEW).count(),
            silent=silent_mentors(program, now),
        )
        if week:
            weeks.append(week)
    return weeks
