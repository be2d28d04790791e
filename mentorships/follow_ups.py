"""The mentee's follow-ups, 6 and 12 months after their mentorship closed
(docs/outcomes.md, "Follow-ups at 6 and 12 months").

Who is asked: the mentee of a mentorship that completed or ended after it had
started, counted in calendar months from the day it closed. Not a mentee who
has deleted their account, nor a request that never started, nor a match made for
the pair that one of them turned down. A mentee paired
again since is still asked: the questions are about what came of the closed
mentorship. A pair that went on together in a new cycle (``lifecycle.continue_pair``)
is asked once the last of their mentorships closes, never about the earlier ones.

The clock (clock.py) calls :func:`send_due` every hour. Each follow-up is made
once (a unique row) and sent once (its ``sent_at`` claimed before its email is
queued). When more than one is due at once (the clock was down for months), only
the latest is sent, not a 6-month follow-up six months late beside a 12-month one.
A mentorship that closed more than ``ASK_WITHIN_MONTHS`` ago is not followed up:
one that closed before follow-ups began gets the latest one due, if it closed
within that time, and nothing else.

A follow-up sent and unanswered stays open, without an end: its page takes
answers whenever the mentee comes back to it, once."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import date, datetime, time, timedelta

from django.db import transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext

from profiles.models import Profile

from . import emails
from .agreement_page import add_months
from .exceptions import Refused
from .models import Mentorship
from .outcome_models import FOLLOW_UP_MONTHS, FollowUp

# Closed longer ago than this, a mentorship is not followed up (12 months and
# one of grace for a clock that was down).
ASK_WITHIN_MONTHS = max(FOLLOW_UP_MONTHS) + 1
CLOSED = (Mentorship.Status.COMPLETED, Mentorship.Status.ENDED)


def due_on(closed_at: datetime, months: int) -> date:
    """The day a follow-up is due: ``months`` calendar months after the day its
    mentorship closed (31 August + 6 months is the last day of February)."""
    return add_months(timezone.localdate(closed_at), months)


def closed_on(f: FollowUp) -> date:
    """The day ``f``'s mentorship closed, in the current time zone (the questions
    say "since" its month)."""
    ended_at = f.mentorship.ended_at
    return timezone.localdate(ended_at) if ended_at else add_months(f.due_on, -f.months)


def send_due(now: datetime | None = None) -> int:
    """The clock's step: make the follow-ups due by today, then send each unsent one
    once. How many were sent."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    _make_due(today)
    return _send_due(today, now)


def _to_follow_up(today: date):
    """Closed after starting, with the mentee still here, within the time asked,
    six months ago or more (give or take the days a short month cuts off), not
    followed by the same pair going on together, not followed up at 12 months yet."""
    went_on = Mentorship.objects.filter(
        mentee=OuterRef("mentee"),
        mentor=OuterRef("mentor"),
        source=Mentorship.Source.CONTINUED,
        started_at__gt=OuterRef("started_at"),
    )
    done = FollowUp.objects.filter(mentorship=OuterRef("pk"), months=max(FOLLOW_UP_MONTHS))
    return (
        Mentorship.objects.filter(
            status__in=CLOSED,
            started_at__isnull=False,
            mentee__isnull=False,
            ended_at__gte=_midnight(add_months(today, -ASK_WITHIN_MONTHS)),
            ended_at__lt=_midnight(add_months(today, -min(FOLLOW_UP_MONTHS)) + timedelta(days=4)),
        )
        # A match made for them that one side turned down never went: nothing came of it.
        .exclude(end_reason=Mentorship.EndReason.NOT_FOR_ME)
        .exclude(Exists(went_on))
        .exclude(Exists(done))
    )


def _make_due(today: date) -> None:
    """One row per mentorship for the latest follow-up due by today; a row made
    before (by an earlier run, or another worker now) stays as it is."""
    closed = list(_to_follow_up(today).values_list("pk", "mentee_id", "ended_at"))
    made = set(
        FollowUp.objects.filter(mentorship__in=[pk for pk, *_ in closed]).values_list(
            "mentorship_id", "months"
        )
    )
    rows = []
    for pk, mentee_id, ended_at in closed:
        due = [(months, due_on(ended_at, months)) for months in FOLLOW_UP_MONTHS]
        latest = [(months, day) for months, day in due if day <= today][-1:]
        for months, day in latest:
            if (pk, months) not in made:
                rows.append(
                    FollowUp(mentorship_id=pk, profile_id=mentee_id, months=months, due_on=day)
                )
    FollowUp.objects.bulk_create(rows, ignore_conflicts=True)


def _send_due(today: date, now: datetime) -> int:
    """Claim each follow-up due and unsent, the latest of its mentorship's, and
    queue its email once the claim commits."""
    later = FollowUp.objects.filter(
        mentorship=OuterRef("mentorship"),
        profile=OuterRef("profile"),
        months__gt=OuterRef("months"),
        due_on__lte=today,
    )
    with transaction.atomic():
        # Rows another run is claiming right now are left to it.
        claimed = list(
            FollowUp.objects.select_for_update(skip_locked=True)
            .filter(sent_at__isnull=True, due_on__lte=today)
            .exclude(Exists(later))
            .order_by("pk")
            .values_list("pk", flat=True)
        )
        FollowUp.objects.filter(pk__in=claimed).update(sent_at=now)
        for pk in claimed:
            emails.follow_up.delay_on_commit(pk)
    return len(claimed)


def _midnight(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


# --- the mentee's page ---------------------------------------------------------------


def open_for(profile: Profile) -> list[FollowUp]:
    """The follow-ups sent to ``profile`` and not answered, the latest of each
    mentorship (a 6-month one left unanswered gives way to the 12-month one)."""
    later = FollowUp.objects.filter(
        mentorship=OuterRef("mentorship"),
        profile=profile,
        months__gt=OuterRef("months"),
        sent_at__isnull=False,
    )
    return list(
        FollowUp.objects.filter(profile=profile, sent_at__isnull=False, answered_at__isnull=True)
        .exclude(Exists(later))
        .select_related("mentorship__mentor")
        .order_by("-sent_at", "-pk")
    )


@dataclass(frozen=True)
class Answers:
    """What a mentee answered; None where they left a question out."""

    new_role: bool | None = None
    stay: str = ""
    belong_valued: int | None = None
    belong_myself: int | None = None
    belong_connected: int | None = None
    belong_future: int | None = None
    sponsored: bool | None = None


@transaction.atomic
def answer(*, follow_up: FollowUp, answers: Answers) -> FollowUp:
    """Keep the mentee's answers, once. Refused once answered, or before it was sent."""
    f = FollowUp.objects.select_for_update().get(pk=follow_up.pk)
    if f.answered_at is not None:
        answered = timezone.localdate(f.answered_at)
        raise Refused(
            gettext("You answered this follow-up on %(date)s: thank you.")
            % {"date": date_format(answered, "DATE_FORMAT")}
        )
    if f.sent_at is None:
        raise Refused(gettext("This follow-up has not been sent yet."))
    for name, value in asdict(answers).items():
        setattr(f, name, value)
    f.answered_at = timezone.now()
    f.save()
    return f
