"""The mentorship clock, run hourly by Celery beat (docs/mentorships.md):
reminders at 7 days, expiry at 14, check-in prompts at weeks 2 and 8, and
match-health flags. Each step is idempotent, so a missed or doubled hour
changes nothing; each takes ``now`` so that tests can move the clock."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from . import emails, lifecycle
from .models import HEALTH_AFTER, CheckIn, Mentorship

REMIND_AFTER = timedelta(days=7)
EXPIRE_AFTER = timedelta(days=14)
CHECK_IN_WEEKS = (2, 8)

Status = Mentorship.Status


def send_reminders(now: datetime | None = None) -> int:
    """Remind mentors of requests waiting 7 days (each reminder is sent once)."""
    now = now or timezone.now()
    due = Mentorship.objects.filter(
        status=Status.REQUESTED,
        reminded_at__isnull=True,
        requested_at__lte=now - REMIND_AFTER,
        requested_at__gt=now - EXPIRE_AFTER,
    )
    return sum(
        _queue_once(pk, "reminded_at", now, emails.reminder)
        for pk in due.values_list("pk", flat=True)
    )


def _queue_once(pk: int, column: str, now: datetime, email, *extra: int) -> int:
    """Queue ``email`` for mentorship ``pk`` unless ``column`` says it was queued."""
    if not Mentorship.objects.filter(pk=pk, **{f"{column}__isnull": True}).update(**{column: now}):
        return 0
    email.delay_on_commit(pk, *extra)
    return 1


def expire_requests(now: datetime | None = None) -> int:
    """Requests unanswered for 14 days expire; the mentee gets fresh suggestions."""
    now = now or timezone.now()
    due = Mentorship.objects.filter(status=Status.REQUESTED, requested_at__lte=now - EXPIRE_AFTER)
    return sum(lifecycle.expire(mentorship_id=pk) for pk in due.values_list("pk", flat=True))


def prompt_check_ins(now: datetime | None = None) -> int:
    """Ask both sides for a check-in 2 and 8 weeks after a mentorship starts."""
    now = now or timezone.now()
    count = 0
    for week in CHECK_IN_WEEKS:
        column = f"prompted_week_{week}_at"
        due = Mentorship.objects.filter(
            status__in=Mentorship.PAIRED,
            started_at__lte=now - timedelta(weeks=week),
            **{f"{column}__isnull": True},
        )
        for pk in due.values_list("pk", flat=True):
            count += _queue_once(pk, column, now, emails.check_in_prompt, week)
    return count


def flag_unhealthy(now: datetime | None = None) -> int:
    now = now or timezone.now()
    no_check_in = ~Exists(CheckIn.objects.filter(mentorship=OuterRef("pk")))
    candidates = Mentorship.objects.filter(status__in=Mentorship.PAIRED).filter(
        Q(started_at__lte=now - HEALTH_AFTER, health="") & no_check_in | ~Q(health="")
    )
    return sum(bool(m.record_health(now)) for m in candidates)


def run(now: datetime | None = None) -> dict[str, int]:
    """One tick of the clock: what each step did."""
    return {
        "reminded": send_reminders(now),
        "expired": expire_requests(now),
        "prompted": prompt_check_ins(now),
        "flagged": flag_unhealthy(now),
    }
