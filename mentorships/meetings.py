"""A pair's meetings: proposed with one to three times, picked by the other
side, moved, cancelled, and logged as held or missed (docs/mentorships.md,
Meetings).

Each step is one transaction that locks the mentorship's row, then the
meeting's: two steps on one meeting (a double submit picking two of its times,
a pick racing a cancel) run one after the other, and the second is refused in
words. Invites and other emails are queued for after the commit; every invite
and cancellation carries the meeting's ``uid`` and a ``sequence`` one higher
than the last (invites.py)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext, ngettext

from profiles.models import Profile, Tag

from . import emails
from .exceptions import Refused
from .models import (
    MEETING_MINUTES,
    MEETING_OPTIONS,
    Agreement,
    AgreementGoal,
    Meeting,
    MeetingOption,
    Mentorship,
)
from .times import for_person

# Meetings waiting for a time or confirmed and not yet logged, per mentorship:
# enough to plan ahead, few enough that the other side is not flooded with emails.
MAX_OPEN = 3
HELD_MINUTES = (5, 480)
WEB = URLValidator(schemes=["http", "https"])

Status = Meeting.Status


# --- what a meeting is about, and when it is for each side -------------------------------


def agenda_goals(m: Mentorship) -> QuerySet[Tag]:
    """The goals a meeting's agenda is drawn from: the agreement's, once the
    pair has agreed one; until then the mentee's own."""
    agreement = Agreement.objects.filter(mentorship=m, agreed__isnull=False).first()
    if agreement is not None:
        agreed = AgreementGoal.objects.filter(version=agreement.agreed_id).values("goal")
        return Tag.objects.filter(pk__in=agreed).order_by("sort_order", "name")
    if m.mentee is None:
        return Tag.objects.none()
    return m.mentee.goals.order_by("sort_order", "name")


# --- the steps ------------------------------------------------------------------------


@dataclass
class Plan:
    """What a proposal says, besides its times."""

    minutes: int = 60
    place: str = ""
    video_url: str = ""
    agenda: Sequence[Tag] = field(default_factory=list)
    agenda_note: str = ""


def _locked(mentorship: Mentorship, by: Profile) -> Mentorship:
    m = (
        Mentorship.objects.select_for_update(of=("self",))
        .select_related("mentee", "mentor")
        .get(pk=mentorship.pk)
    )
    if m.status not in Mentorship.PAIRED or None in (m.mentee, m.mentor):
        raise Refused(gettext("Meetings are for mentorships under way."))
    if by.pk not in (m.mentee_id, m.mentor_id):
        raise Refused(gettext("Only the two people of a mentorship arrange its meetings."))
    return m


def _locked_meeting(meeting: Meeting, by: Profile) -> tuple[Mentorship, Meeting]:
    m = _locked(meeting.mentorship, by)
    return m, Meeting.objects.select_for_update().get(pk=meeting.pk, mentorship=m)


def _clash(m: Mentorship, start: datetime, minutes: int, meeting: Meeting | None) -> bool:
    """Whether the pair has another meeting confirmed during that time."""
    others = Meeting.objects.filter(
        mentorship=m,
        status=Status.CONFIRMED,
        starts_at__lt=start + timedelta(minutes=minutes),
        ends_at__gt=start,
    )
    return others.exclude(pk=meeting.pk if meeting else None).exists()


def _check(
    m: Mentorship,
    by: Profile,
    times: Iterable[datetime],
    plan: Plan,
    now: datetime,
    meeting: Meeting | None = None,
) -> list[datetime]:
    """The times, in order, once the rules allow the proposal; else Refused."""
    times = sorted(set(times))
    if not 1 <= len(times) <= MEETING_OPTIONS:
        raise Refused(
            gettext("Propose one to %(count)s different times.") % {"count": MEETING_OPTIONS}
        )
    if times[0] <= now:
        raise Refused(gettext("Every time you propose must be in the future."))
    low, high = MEETING_MINUTES
    if not low <= plan.minutes <= high:
        raise Refused(
            gettext("A meeting lasts %(low)s to %(high)s minutes.") % {"low": low, "high": high}
        )
    if not (plan.place.strip() or plan.video_url.strip()):
        raise Refused(gettext("Say where you will meet: a place, or a video link."))
    if plan.video_url:
        try:
            WEB(plan.video_url)
        except ValidationError:
            raise Refused(
                gettext("A video link is a web address starting with https://.")
            ) from None
    allowed = set(agenda_goals(m).values_list("pk", flat=True))
    if any(goal.pk not in allowed for goal in plan.agenda):
        raise Refused(gettext("The agenda is drawn from the goals you work on together."))
    for start in times:
        if _clash(m, start, plan.minutes, meeting):
            raise Refused(
                gettext(
                    "%(when)s overlaps a meeting the two of you have confirmed: "
                    "choose another time."
                )
                % {"when": for_person(start, by)}
            )
    return times


def _state(meeting: Meeting) -> str:
    return meeting.get_status_display().lower()


def _is(meeting: Meeting) -> str:
    # Translators: the state is a meeting's ("confirmed", "held", "cancelled"…).
    return gettext("This meeting is %(state)s.") % {"state": _state(meeting)}


def _offer(meeting: Meeting, by: Profile, times: list[datetime], plan: Plan) -> None:
    meeting.proposed_by = by
    meeting.minutes = plan.minutes
    meeting.place = plan.place.strip()
    meeting.video_url = plan.video_url.strip()
    meeting.agenda_note = plan.agenda_note.strip()
    meeting.save()
    meeting.agenda.set(plan.agenda)
    meeting.options.all().delete()
    MeetingOption.objects.bulk_create(MeetingOption(meeting=meeting, starts_at=t) for t in times)
    emails.meeting_proposed.delay_on_commit(meeting.pk, meeting.rounds)


@transaction.atomic
def propose(
    *,
    mentorship: Mentorship,
    by: Profile,
    times: Iterable[datetime],
    plan: Plan,
    now: datetime | None = None,
) -> Meeting:
    """Either side proposes a meeting with one to three times; the other picks one."""
    now = now or timezone.now()
    m = _locked(mentorship, by)
    times = _check(m, by, times, plan, now)
    if m.meetings.open().count() >= MAX_OPEN:
        raise Refused(
            ngettext(
                "You already have %(count)s meeting waiting for a time or to be logged: "
                "settle it first.",
                "You already have %(count)s meetings waiting for a time or to be logged: "
                "settle one of them first.",
                MAX_OPEN,
            )
            % {"count": MAX_OPEN}
        )
    meeting = Meeting(mentorship=m, minutes=plan.minutes, created_at=now)
    _offer(meeting, by, times, plan)
    return meeting


@transaction.atomic
def propose_times(
    *,
    meeting: Meeting,
    by: Profile,
    times: Iterable[datetime],
    plan: Plan,
    now: datetime | None = None,
) -> Meeting:
    """Other times for a meeting: the other side's answer when none of the times
    offered suits them, the proposer's change of mind, or a confirmed meeting
    moved (before its time, or after it, when it did not happen then). The
    meeting stays the same one: its confirmation, when a time is picked, updates
    the calendars' entry rather than adding another."""
    now = now or timezone.now()
    m, meeting = _locked_meeting(meeting, by)
    if not meeting.is_open:
        # Translators: the state is a meeting's ("held", "missed", "cancelled").
        raise Refused(
            gettext("This meeting is %(state)s: nothing to move.") % {"state": _state(meeting)}
        )
    times = _check(m, by, times, plan, now, meeting)
    meeting.status = Status.PROPOSED
    meeting.rounds += 1
    _offer(meeting, by, times, plan)
    return meeting


@transaction.atomic
def pick(*, meeting: Meeting, by: Profile, option_id: int, now: datetime | None = None) -> Meeting:
    """The other side picks one of the times on offer: the meeting is confirmed,
    and both receive the calendar invite."""
    now = now or timezone.now()
    m, meeting = _locked_meeting(meeting, by)
    if meeting.status == Status.CONFIRMED:
        raise Refused(gettext("This meeting is already confirmed: see its time below."))
    if meeting.status != Status.PROPOSED:
        raise Refused(_is(meeting))
    if meeting.proposed_by_id == by.pk:
        raise Refused(
            gettext("You proposed these times: %(name)s picks one.")
            % {"name": m.other_side(by).name}
        )
    option = meeting.options.filter(pk=option_id).first()
    if option is None:
        raise Refused(gettext("That time is no longer on offer: choose one of the times shown."))
    if option.starts_at <= now:
        raise Refused(gettext("That time has passed: pick another, or propose other times."))
    if _clash(m, option.starts_at, meeting.minutes, meeting):
        raise Refused(
            gettext(
                "That time overlaps a meeting the two of you have confirmed: pick another, "
                "or propose other times."
            )
        )
    if meeting.confirmed_at is not None:
        meeting.sequence += 1  # moved: the calendars update the entry they have
    meeting.status = Status.CONFIRMED
    meeting.starts_at = option.starts_at
    meeting.ends_at = option.starts_at + timedelta(minutes=meeting.minutes)
    meeting.confirmed_at = now
    meeting.reminded_at = meeting.log_prompted_at = None
    meeting.save()
    meeting.options.all().delete()
    emails.meeting_confirmed.delay_on_commit(meeting.pk, meeting.sequence)
    return meeting


def _cancel(meeting: Meeting, by: Profile | None, now: datetime) -> None:
    invited = meeting.confirmed_at is not None
    if invited:
        meeting.sequence += 1
    meeting.status = Status.CANCELLED
    meeting.cancelled_at, meeting.cancelled_by = now, by
    meeting.save()
    meeting.options.all().delete()
    emails.meeting_cancelled.delay_on_commit(meeting.pk)


@transaction.atomic
def cancel(*, meeting: Meeting, by: Profile, now: datetime | None = None) -> Meeting:
    """Either side cancels a meeting not yet held; a confirmed one leaves both
    calendars with the cancellation."""
    now = now or timezone.now()
    _, meeting = _locked_meeting(meeting, by)
    if not meeting.is_open:
        # Translators: the state is a meeting's ("held", "missed", "cancelled").
        raise Refused(
            gettext("This meeting is %(state)s: it cannot be cancelled.")
            % {"state": _state(meeting)}
        )
    _cancel(meeting, by, now)
    return meeting


@transaction.atomic
def log(
    *,
    meeting: Meeting,
    by: Profile,
    held: bool,
    minutes: int | None = None,
    discussed: Sequence[Tag] = (),
    now: datetime | None = None,
) -> Meeting:
    """After its time, either side says whether the meeting happened: held (how
    long, which goals they talked about) or missed. The log is the record of
    mentoring happening: a meeting held makes the mentorship active, and match
    health reads the log."""
    now = now or timezone.now()
    m, meeting = _locked_meeting(meeting, by)
    if meeting.status in Meeting.LOGGED:
        held = meeting.status == Status.HELD
        if meeting.logged_by_id == by.pk:
            raise Refused(
                gettext("This meeting is already logged, by you, as held.")
                if held
                else gettext("This meeting is already logged, by you, as missed.")
            )
        said = (
            gettext("This meeting is already logged, by %(name)s, as held.")
            if held
            else gettext("This meeting is already logged, by %(name)s, as missed.")
        )
        raise Refused(said % {"name": m.other_side(by).name})
    if meeting.status != Status.CONFIRMED:
        raise Refused(_is(meeting))
    if not meeting.is_over(now):
        raise Refused(gettext("You can say how the meeting went once its time is over."))
    if held:
        low, high = HELD_MINUTES
        if minutes is None or not low <= minutes <= high:
            raise Refused(
                gettext("Say how long you met: %(low)s to %(high)s minutes.")
                % {"low": low, "high": high}
            )
        allowed = set(agenda_goals(m).values_list("pk", flat=True))
        allowed |= set(meeting.agenda.values_list("pk", flat=True))
        if any(goal.pk not in allowed for goal in discussed):
            raise Refused(gettext("Choose among the goals you work on together."))
    meeting.status = Status.HELD if held else Status.MISSED
    meeting.held_minutes = minutes if held else None
    meeting.logged_by, meeting.logged_at = by, now
    meeting.save()
    meeting.discussed.set(discussed if held else [])
    if held and m.status == Mentorship.Status.ACCEPTED:
        m.status = Mentorship.Status.ACTIVE
        m.save(update_fields=["status"])
    m.record_health(now)
    return meeting


def close_with(*, mentorship: Mentorship, now: datetime | None = None) -> int:
    """The mentorship closed (ended, or one side left): its meetings still to
    come are cancelled, and a confirmed one leaves the calendars it was in."""
    now = now or timezone.now()
    count = 0
    for meeting in Meeting.objects.select_for_update().filter(
        mentorship=mentorship, status__in=Meeting.OPEN
    ):
        if meeting.status == Status.CONFIRMED and meeting.is_over(now):
            continue  # already past: left for the log, as it may have happened
        _cancel(meeting, None, now)
        count += 1
    return count
