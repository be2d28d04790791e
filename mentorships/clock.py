"""The mentorship clock, run hourly by Celery beat (docs/mentorships.md):
reminders at 7 days, expiry at 14, check-in prompts at weeks 2 and 8, a
meeting's reminder the day before and its "did you meet?" after, the end of
a cycle's term (terms.py), and match-health flags. Each step is idempotent,
so a missed or doubled hour changes nothing; each takes ``now`` so that
tests can move the clock.

What one run has to say to one person is one email: a mentor with two
requests waiting and a check-in due hears once (``emails.from_the_clock``),
and a mentee whose three requests expire together goes back to the pool
once (their expiries share one transaction, so matching sends one email). A
meeting's reminder and its "did you meet?" are emails of their own, about one
meeting at its time, found by their subject; so is "your term has ended",
about one mentorship on one day, and a mentee's follow-up 6 or 12 months after
a mentorship closed (follow_ups.py)."""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime, timedelta
from functools import wraps

from django.db import transaction
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from . import emails, follow_ups, lifecycle, terms
from .models import EXPIRE_AFTER, HEALTH_AFTER, REMIND_AFTER, CheckIn, Meeting, Mentorship

CHECK_IN_WEEKS = (2, 8)

Status = Mentorship.Status


class Outgoing:
    """What one run has to tell each person, queued as one email each."""

    def __init__(self) -> None:
        self.reminded: dict[int, list[int]] = defaultdict(list)
        self.prompted: dict[int, list[list[int]]] = defaultdict(list)

    def send(self) -> None:
        for profile_id in sorted(self.reminded.keys() | self.prompted.keys()):
            emails.from_the_clock.delay_on_commit(
                profile_id, self.reminded.get(profile_id, []), self.prompted.get(profile_id, [])
            )


def _claim(pk: int, column: str, now: datetime) -> bool:
    """Mark mentorship ``pk``'s ``column``; False if a run before this one did."""
    return bool(
        Mentorship.objects.filter(pk=pk, **{f"{column}__isnull": True}).update(**{column: now})
    )


def _each_run_tells_once(step):
    """A step called alone sends its own emails; ``run`` gathers all steps'."""

    @wraps(step)
    def wrapped(now: datetime | None = None, outgoing: Outgoing | None = None) -> int:
        mine = outgoing or Outgoing()
        try:
            return step(now or timezone.now(), mine)
        finally:
            if outgoing is None:
                mine.send()  # what was claimed is told, even if the step then failed

    return wrapped


@_each_run_tells_once
def send_reminders(now: datetime, outgoing: Outgoing) -> int:
    """Remind mentors of requests waiting 7 days (each reminder is sent once)."""
    due = Mentorship.objects.filter(
        status=Status.REQUESTED,
        reminded_at__isnull=True,
        requested_at__lte=now - REMIND_AFTER,
        requested_at__gt=now - EXPIRE_AFTER,
        mentor__is_paused=False,  # a paused mentor's mentees were told instead
    )
    count = 0
    for pk, mentor_id in due.order_by("pk").values_list("pk", "mentor_id"):
        if _claim(pk, "reminded_at", now):
            outgoing.reminded[mentor_id].append(pk)
            count += 1
    return count


def expire_requests(now: datetime | None = None) -> int:
    """Requests unanswered for 14 days expire; the mentee gets fresh suggestions.
    One mentee's expiries share a transaction: one return to the pool."""
    now = now or timezone.now()
    due = Mentorship.objects.filter(status=Status.REQUESTED, requested_at__lte=now - EXPIRE_AFTER)
    by_mentee: dict[int, list[int]] = defaultdict(list)
    for pk, mentee_id in due.order_by("pk").values_list("pk", "mentee_id"):
        by_mentee[mentee_id].append(pk)
    count = 0
    for mentee_id, pks in by_mentee.items():
        with transaction.atomic():
            # The mentee's row first, as an accept of one of their requests locks
            # it first: the two wait for each other instead of deadlocking.
            lifecycle.lock_for_pairing(mentee_ids=[mentee_id], mentor_ids=[])
            count += sum(lifecycle.expire(mentorship_id=pk) for pk in pks)
    return count


@_each_run_tells_once
def prompt_check_ins(now: datetime, outgoing: Outgoing) -> int:
    """Ask both sides for a check-in 2 and 8 weeks after a mentorship starts.
    After the clock was down, a mentorship due both prompts gets only week 8's."""
    paired = Mentorship.objects.filter(status__in=Mentorship.PAIRED)
    paired.filter(
        started_at__lte=now - timedelta(weeks=max(CHECK_IN_WEEKS)),
        prompted_week_2_at__isnull=True,
        prompted_week_8_at__isnull=True,
    ).update(prompted_week_2_at=now)
    count = 0
    for week in CHECK_IN_WEEKS:
        column = f"prompted_week_{week}_at"
        due = paired.filter(
            started_at__lte=now - timedelta(weeks=week), **{f"{column}__isnull": True}
        )
        for pk, mentee_id, mentor_id in due.order_by("pk").values_list(
            "pk", "mentee_id", "mentor_id"
        ):
            if _claim(pk, column, now):
                for side in (mentee_id, mentor_id):
                    outgoing.prompted[side].append([pk, week])
                count += 1
    return count


def _each_meeting_once(due, column: str, email, now: datetime) -> int:
    """Claim ``column`` on each meeting due, of a mentorship still under way, for
    the time now confirmed (its ``sequence``); queue ``email`` for each claimed."""
    count = 0
    due = due.filter(mentorship__status__in=Mentorship.PAIRED).order_by("pk")
    for pk, sequence in due.values_list("pk", "sequence"):
        unclaimed = {"pk": pk, "sequence": sequence, f"{column}__isnull": True}
        if Meeting.objects.filter(**unclaimed).update(**{column: now}):
            email.delay_on_commit(pk, sequence)
            count += 1
    return count


def remind_of_meetings(now: datetime | None = None) -> int:
    """A day before a confirmed meeting, both sides are reminded (once per time
    picked: a meeting moved after its reminder is reminded of again)."""
    now = now or timezone.now()
    due = Meeting.objects.due_reminder(now)
    return _each_meeting_once(due, "reminded_at", emails.meeting_reminder, now)


def ask_how_meetings_went(now: datetime | None = None) -> int:
    """Once a confirmed meeting's time is over, both sides are asked, once,
    whether they met (the session log)."""
    now = now or timezone.now()
    due = Meeting.objects.due_log_prompt(now)
    return _each_meeting_once(due, "log_prompted_at", emails.meeting_log_prompt, now)


def flag_unhealthy(now: datetime | None = None) -> int:
    """Match health (``Mentorship.record_health``): the rows a rule may flag now,
    and those flagged before, which may have recovered."""
    now = now or timezone.now()
    no_check_in = ~Exists(CheckIn.objects.filter(mentorship=OuterRef("pk")))
    candidates = (
        Mentorship.objects.filter(status__in=Mentorship.PAIRED)
        .with_meeting_health(now)
        .filter(
            Q(started_at__lte=now - HEALTH_AFTER, health="") & no_check_in
            | ~Q(health="")
            | ~Q(meeting_health="")
        )
    )
    return sum(bool(m.record_health(now)) for m in candidates)


def run(now: datetime | None = None) -> dict[str, int]:
    """One tick of the clock: what each step did."""
    outgoing = Outgoing()
    try:
        return {
            "reminded": send_reminders(now, outgoing),
            "expired": expire_requests(now),
            "terms": terms.close_terms(now=now),
            "prompted": prompt_check_ins(now, outgoing),
            "meeting_reminders": remind_of_meetings(now),
            "meeting_prompts": ask_how_meetings_went(now),
            "flagged": flag_unhealthy(now),
            "follow_ups": follow_ups.send_due(now),
        }
    finally:
        # Reminders and prompts are marked as claimed: whatever fails after the
        # claim, their emails still go (the run is retried for the rest).
        outgoing.send()
