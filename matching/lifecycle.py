"""Requests and mentorships: every transition of SPEC §2, with its rules.

Each function is one transition in one transaction. A transition the rules
refuse raises :class:`Refused` with a message for the person; nothing is
written. Emails and re-scoring are queued to run after the commit.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db import transaction
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from profiles.models import Profile
from profiles.services import announce_change

from . import services
from .models import CheckIn, Mentorship, Suggestion
from .services import notify

MAX_OPEN_REQUESTS = 3
REMIND_AFTER = timedelta(days=7)
EXPIRE_AFTER = timedelta(days=14)
CHECK_IN_WEEKS = (2, 8)
HEALTH_AFTER = timedelta(weeks=3)
LOW_RATING = 2

Status = Mentorship.Status


class Refused(Exception):
    """The rules do not allow this; the message says why, for the person."""


class MentorFull(Refused):
    pass


def places_taken(mentor: Profile) -> int:
    return Mentorship.objects.filter(mentor=mentor).taking_room().count()


# --- requests ---------------------------------------------------------------------


@transaction.atomic
def request_mentor(*, suggestion: Suggestion, message: str) -> Mentorship:
    """A mentee asks a suggested mentor. The mentee's row is locked so that two
    requests at once cannot both pass the open-request limit."""
    mentee = Profile.objects.select_for_update().get(pk=suggestion.mentee_id)
    mentor = Profile.objects.get(pk=suggestion.mentor_id)
    pair = Mentorship.objects.filter(mentee=mentee, mentor=mentor)
    if Mentorship.objects.filter(mentee=mentee, status__in=Mentorship.PAIRED).exists():
        raise Refused("You already have a mentor in this program.")
    if pair.filter(status=Status.DECLINED).exists():
        raise Refused(f"{mentor.name} declined an earlier request.")
    if pair.open().exists():
        raise Refused(f"You have already asked {mentor.name}.")
    if mentor.is_paused:
        raise Refused(f"{mentor.name} is not taking requests right now.")
    if places_taken(mentor) >= mentor.capacity:
        raise MentorFull(f"{mentor.name} is full: they have no room for another mentee right now.")
    if (
        Mentorship.objects.filter(mentee=mentee, status=Status.REQUESTED).count()
        >= MAX_OPEN_REQUESTS
    ):
        raise Refused(
            f"You can have {MAX_OPEN_REQUESTS} open requests at a time: "
            "withdraw one or wait for an answer first."
        )
    mentorship = Mentorship.objects.create(
        program_id=mentee.program_id,
        mentee=mentee,
        mentor=mentor,
        message=message,
        score=suggestion.score,
    )
    Suggestion.objects.filter(pk=suggestion.pk).update(
        status=Suggestion.Status.REQUESTED, rank=None
    )
    notify("request_received", mentorship.pk)
    services.queue_refresh(mentor.pk)  # waiting requests move the mentor in lists
    return mentorship


@transaction.atomic
def withdraw(*, mentorship: Mentorship) -> None:
    m = Mentorship.objects.select_for_update().get(pk=mentorship.pk)
    if m.status != Status.REQUESTED:
        raise Refused(f"This request is already {m.get_status_display().lower()}.")
    _close(m, Status.WITHDRAWN)
    Suggestion.objects.filter(
        mentee_id=m.mentee_id, mentor_id=m.mentor_id, status=Suggestion.Status.REQUESTED
    ).delete()


@transaction.atomic
def accept(*, mentorship: Mentorship) -> Mentorship:
    """The mentor says yes. The mentor's row is locked first, so accepts for one
    mentor happen one at a time and capacity holds under any concurrency."""
    mentor = Profile.objects.select_for_update().get(pk=mentorship.mentor_id)
    taken = places_taken(mentor)
    if taken >= mentor.capacity:
        raise MentorFull(
            "You are full: you already mentor as many people as your capacity allows. "
            "Raise your capacity to accept more."
        )
    m = Mentorship.objects.select_for_update().get(pk=mentorship.pk)
    if m.status != Status.REQUESTED:
        raise Refused(f"This request is no longer open: it was {m.get_status_display().lower()}.")
    if Mentorship.objects.filter(mentee_id=m.mentee_id, status__in=Mentorship.PAIRED).exists():
        raise Refused("This mentee has just been paired with another mentor.")
    now = timezone.now()
    m.status, m.decided_at, m.started_at = Status.ACCEPTED, now, now
    m.save(update_fields=["status", "decided_at", "started_at"])
    pair_up(m)
    notify("request_answered", m.pk)
    if taken + 1 >= mentor.capacity:
        _answer_waiting_requests_later(mentor.pk)
    return m


def pair_up(m: Mentorship, *, refresh: bool = True) -> None:
    """A paired mentee leaves the pool: other requests withdrawn, list cleared,
    and (with ``refresh``) the lists the mentor is in re-ranked for their new room."""
    others = Mentorship.objects.filter(mentee_id=m.mentee_id, status=Status.REQUESTED).exclude(
        pk=m.pk
    )
    for other in others.select_for_update():
        _close(other, Status.WITHDRAWN)
    Suggestion.objects.filter(mentee_id=m.mentee_id, status__in=Suggestion.LISTED).delete()
    if refresh:
        services.queue_refresh(m.mentor_id)


@transaction.atomic
def decline(*, mentorship: Mentorship, reason: str, note: str = "") -> None:
    m = Mentorship.objects.select_for_update().get(pk=mentorship.pk)
    if m.status != Status.REQUESTED:
        raise Refused(f"This request is no longer open: it was {m.get_status_display().lower()}.")
    m.decline_reason, m.decline_note = reason, note
    _close(m, Status.DECLINED)
    notify("request_answered", m.pk)


def _close(m: Mentorship, status: str, **fields) -> None:
    """A request or mentorship ends: both sides are re-scored."""
    m.status = status
    now = timezone.now()
    if status in (Status.COMPLETED, Status.ENDED):
        m.ended_at = now
    else:
        m.decided_at = now
    for name, value in fields.items():
        setattr(m, name, value)
    m.save()
    services.queue_refresh(m.mentee_id)
    services.queue_refresh(m.mentor_id)


def _answer_waiting_requests_later(mentor_id: int) -> None:
    from .tasks import answer_waiting_requests

    answer_waiting_requests.delay_on_commit(mentor_id)


def answer_waiting_requests(*, mentor_id: int) -> int:
    """A mentor just filled up: every request still waiting is answered kindly."""
    count = 0
    with transaction.atomic():
        mentor = Profile.objects.select_for_update().get(pk=mentor_id)
        if places_taken(mentor) < mentor.capacity and not mentor.is_paused:
            return 0
        waiting = Mentorship.objects.filter(mentor=mentor, status=Status.REQUESTED)
        for m in waiting.select_for_update():
            m.decline_reason = Mentorship.DeclineReason.NO_ROOM
            _close(m, Status.DECLINED)
            notify("request_answered", m.pk)
            count += 1
    return count


@transaction.atomic
def set_availability(
    *, mentor: Profile, capacity: int, paused: bool, decline_waiting: bool = False
) -> None:
    mentor = Profile.objects.select_for_update().get(pk=mentor.pk)
    if capacity < places_taken(mentor):
        raise Refused("Your capacity cannot be lower than the number of mentees you have now.")
    mentor.capacity, mentor.is_paused = capacity, paused
    mentor.save(update_fields=["capacity", "is_paused", "updated_at"])
    announce_change(mentor)
    if paused and decline_waiting:
        _answer_waiting_requests_later(mentor.pk)


@transaction.atomic
def match(
    *,
    mentee: Profile,
    mentor: Profile,
    source: str,
    by=None,
    score: float | None = None,
    override_reason: str = "",
    refresh: bool = True,
) -> Mentorship:
    """Pair two people directly (an admin's match or a committed auto-assignment).

    Capacity always holds and a mentee has one mentor at a time. A mentee's own
    waiting request to this mentor becomes the accepted mentorship. Without
    ``refresh`` the caller re-scores the program itself once it is done.
    """
    mentor = Profile.objects.select_for_update().get(pk=mentor.pk)
    if places_taken(mentor) >= mentor.capacity:
        raise MentorFull(f"{mentor.name} is full: capacity {mentor.capacity} is taken.")
    if Mentorship.objects.filter(mentee=mentee, status__in=Mentorship.PAIRED).exists():
        raise Refused(f"{mentee.name} already has a mentor.")
    now = timezone.now()
    m = Mentorship.objects.select_for_update().filter(
        mentee=mentee, mentor=mentor, status=Status.REQUESTED
    ).first() or Mentorship(
        program_id=mentee.program_id, mentee=mentee, mentor=mentor, source=source
    )
    m.status, m.decided_at, m.started_at = Status.ACCEPTED, now, now
    m.created_by, m.override_reason = by, override_reason
    m.score = m.score if score is None else score
    m.save()
    pair_up(m, refresh=refresh)
    notify("matched", m.pk)
    return m


def rule_breaks(mentee: Profile, mentor: Profile, score: float | None) -> list[str]:
    """Rules an admin's match would set aside (each needs a stated reason)."""
    breaks = []
    if mentor.is_paused:
        breaks.append(f"{mentor.name} is paused")
    past = Mentorship.objects.filter(mentee=mentee, mentor=mentor).exclude(status=Status.WITHDRAWN)
    if past.exists():
        breaks.append("these two have been paired or declined before")
    if score is None:
        breaks.append("they do not pass the program's filters (language, must-haves)")
    elif score < mentee.program.min_score:
        breaks.append(
            f"their score {score:.0f} is below the program minimum {mentee.program.min_score}"
        )
    return breaks


@transaction.atomic
def rematch(*, mentorship: Mentorship, by) -> None:
    """End a struggling mentorship on the admin's behalf; the mentee gets fresh suggestions."""
    m = Mentorship.objects.select_for_update().get(pk=mentorship.pk)
    if m.status not in Mentorship.PAIRED:
        raise Refused("This mentorship is not under way.")
    _close(
        m,
        Status.ENDED,
        end_reason=Mentorship.EndReason.OTHER,
        end_note="Re-matched by the program team.",
        ended_by="admin",
    )
    notify("ended", m.pk)


@transaction.atomic
def close_for_departure(profile: Profile) -> int:
    """Someone is deleting their account: everything open with them closes, and
    the other side is re-scored (no email: the person is gone by the time it
    would be sent)."""
    side = "mentee" if profile.is_mentee else "mentor"
    count = 0
    for m in Mentorship.objects.select_for_update().filter(
        **{side: profile}, status__in=Mentorship.OPEN
    ):
        if m.status == Status.REQUESTED and side == "mentee":
            _close(m, Status.WITHDRAWN)
        elif m.status == Status.REQUESTED:
            m.decline_reason = Mentorship.DeclineReason.OTHER
            m.decline_note = "The mentor has left the program."
            _close(m, Status.DECLINED)
        else:
            _close(m, Status.ENDED, end_reason=Mentorship.EndReason.MOVED_ON, ended_by=side)
        count += 1
    return count


# --- mentorships under way -----------------------------------------------------------


@transaction.atomic
def check_in(*, mentorship: Mentorship, author: Profile, rating: int, note: str = "") -> CheckIn:
    m = Mentorship.objects.select_for_update().get(pk=mentorship.pk)
    if m.status not in Mentorship.PAIRED:
        raise Refused("Check-ins are for mentorships under way.")
    entry = CheckIn.objects.create(mentorship=m, author=author, rating=rating, note=note)
    if m.status == Status.ACCEPTED:
        m.status = Status.ACTIVE
        m.save(update_fields=["status"])
    record_health(m)
    return entry


@transaction.atomic
def mark_met(*, mentorship: Mentorship) -> None:
    updated = Mentorship.objects.filter(pk=mentorship.pk, status=Status.ACCEPTED).update(
        status=Status.ACTIVE
    )
    if not updated and mentorship.status not in Mentorship.PAIRED:
        raise Refused("This mentorship is not under way.")


@transaction.atomic
def end(*, mentorship: Mentorship, by: Profile, reason: str, note: str = "") -> None:
    m = Mentorship.objects.select_for_update().get(pk=mentorship.pk)
    if m.status not in Mentorship.PAIRED:
        raise Refused("This mentorship is not under way.")
    status = Status.COMPLETED if reason == Mentorship.EndReason.GOALS_MET else Status.ENDED
    _close(m, status, end_reason=reason, end_note=note, ended_by=m.side_of(by))
    notify("ended", m.pk)


def record_health(m: Mentorship, now: datetime | None = None) -> str:
    """Flag a mentorship with no check-in by week 3, or whose latest rating is low."""
    now = now or timezone.now()
    latest = m.check_ins.order_by("-created_at").first()
    if latest and latest.rating <= LOW_RATING:
        health = Mentorship.Health.LOW_RATING
    elif not latest and m.started_at and m.started_at <= now - HEALTH_AFTER:
        health = Mentorship.Health.NO_CHECK_IN
    else:
        health = Mentorship.Health.OK
    if health != m.health:
        m.health, m.health_flagged_at = health, (now if health else None)
        m.save(update_fields=["health", "health_flagged_at"])
    return health


# --- the clock: run by Celery beat -----------------------------------------------------


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
        _queue_once(pk, "reminded_at", now, "reminder") for pk in due.values_list("pk", flat=True)
    )


def _queue_once(pk: int, column: str, now: datetime, kind: str, *extra: int) -> int:
    """Queue an email for mentorship ``pk`` unless ``column`` says it was queued."""
    if not Mentorship.objects.filter(pk=pk, **{f"{column}__isnull": True}).update(**{column: now}):
        return 0
    notify(kind, pk, *extra)
    return 1


def expire_requests(now: datetime | None = None) -> int:
    """Requests unanswered for 14 days expire; the mentee gets fresh suggestions."""
    now = now or timezone.now()
    count = 0
    for pk in Mentorship.objects.filter(
        status=Status.REQUESTED, requested_at__lte=now - EXPIRE_AFTER
    ).values_list("pk", flat=True):
        with transaction.atomic():
            m = Mentorship.objects.select_for_update().get(pk=pk)
            if m.status != Status.REQUESTED:
                continue
            _close(m, Status.EXPIRED)
            notify("expired", m.pk)
            count += 1
    return count


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
            count += _queue_once(pk, column, now, "check_in_prompt", week)
    return count


def flag_unhealthy(now: datetime | None = None) -> int:
    now = now or timezone.now()
    no_check_in = ~Exists(CheckIn.objects.filter(mentorship=OuterRef("pk")))
    candidates = Mentorship.objects.filter(status__in=Mentorship.PAIRED).filter(
        Q(started_at__lte=now - HEALTH_AFTER, health="") & no_check_in | ~Q(health="")
    )
    return sum(bool(record_health(m, now)) for m in candidates)
