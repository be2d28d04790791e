"""The sponsorship ledger: concrete things a mentor did for their mentee's career —
an introduction, a recommendation, a nomination, advocacy in a review — each dated,
with a short note the pair can see. The mentee may confirm each, and take a
confirmation back. Admins see counts only (``Mentorship.objects.with_sponsorship_counts``,
``SponsorshipAction.objects.tally``), never a note.

The mentor records while the mentorship is under way and for RECORD_AFTER_CLOSE
after it completed or ended, so a nomination made at the very end still counts;
they change or delete an entry only while the mentee has not confirmed it. The
mentee confirms at any time, even long after the close. Each function is one
transaction: the mentorship's row is locked first, then the entry's. Input the
rules cannot take raises :class:`~mentorships.exceptions.Invalid` (by field); a step
refused for the state or the side raises :class:`~mentorships.exceptions.Refused`.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from profiles.models import Profile

from . import emails
from .exceptions import Invalid, Refused
from .models import Mentorship
from .outcome_models import SPONSORSHIP_NOTE_MAX_LENGTH, SponsorshipAction
from .times import zone_of

RECORD_AFTER_CLOSE = timedelta(days=90)
CONFIRMED_STAYS = _(
    "Your mentee has confirmed this entry, so it stays as it is. If something is wrong, "
    "ask them to mark it “not quite right” first."
)
Kind = SponsorshipAction.Kind


def _day(d: date) -> str:
    return date_format(d, "DATE_FORMAT")


def _locked(mentorship: Mentorship) -> Mentorship:
    return Mentorship.objects.select_for_update().get(pk=mentorship.pk)


def open_until(m: Mentorship) -> datetime | None:
    """The moment the mentor can no longer record for ``m``: None while it is under
    way (no end yet), else RECORD_AFTER_CLOSE after it closed."""
    return m.ended_at + RECORD_AFTER_CLOSE if m.ended_at else None


def why_not_record(m: Mentorship, by: Profile | None, now: datetime | None = None) -> str:
    """Why ``by`` may not record sponsorship for ``m`` now, in words; "" if they may."""
    now = now or timezone.now()
    if by is None or by.pk != m.mentor_id:
        return gettext("Only the mentor records sponsorship in a mentorship.")
    if m.mentee_id is None:
        return gettext("Your mentee has left Kindred: there is no one to record sponsorship for.")
    if m.is_paired:
        return ""
    closed = m.status in (Mentorship.Status.COMPLETED, Mentorship.Status.ENDED)
    if not (closed and m.started_at and m.ended_at):
        return gettext("Sponsorship is recorded once a mentorship is under way.")
    if now > open_until(m):
        days = RECORD_AFTER_CLOSE.days
        return ngettext(
            "This mentorship closed more than %(days)s day ago: its sponsorship can be read, "
            "no longer added to or changed.",
            "This mentorship closed more than %(days)s days ago: its sponsorship can be read, "
            "no longer added to or changed.",
            days,
        ) % {"days": days}
    return ""


def _may_record(m: Mentorship, by: Profile, now: datetime) -> None:
    if why := why_not_record(m, by, now):
        raise Refused(why)


def _checked(m: Mentorship, by: Profile, kind: str, happened_on: date | None, note: str, now):
    """The entry's fields cleaned, or :class:`Invalid` naming every problem."""
    errors: dict[str, list[str]] = {}
    if kind not in Kind.values:
        errors["kind"] = [gettext("Choose what you did for your mentee.")]
    today = timezone.localdate(now, zone_of(by))
    started = timezone.localdate(m.started_at, zone_of(by)) if m.started_at else None
    if happened_on is None:
        errors["happened_on"] = [gettext("Give the date it happened.")]
    elif happened_on > today:
        errors["happened_on"] = [
            gettext(
                "The date is in the future: record it once it has happened (today is %(today)s)."
            )
            % {"today": _day(today)}
        ]
    elif started and happened_on < started:
        errors["happened_on"] = [
            gettext(
                "The date is before your mentorship began on %(date)s: the ledger keeps "
                "what you did as your mentee's mentor."
            )
            % {"date": _day(started)}
        ]
    note = note.strip()
    if len(note) > SPONSORSHIP_NOTE_MAX_LENGTH:
        errors["note"] = [
            ngettext(
                "Please shorten the note to at most %(limit)s character: it has %(length)s.",
                "Please shorten the note to at most %(limit)s characters: it has %(length)s.",
                SPONSORSHIP_NOTE_MAX_LENGTH,
            )
            % {"limit": SPONSORSHIP_NOTE_MAX_LENGTH, "length": len(note)}
        ]
    if errors:
        raise Invalid(errors)
    return note


@transaction.atomic
def record(
    *,
    mentorship: Mentorship,
    by: Profile,
    kind: str,
    happened_on: date | None,
    note: str = "",
    now: datetime | None = None,
) -> SponsorshipAction:
    """The mentor records one act of sponsorship; their mentee is emailed to confirm it."""
    now = now or timezone.now()
    m = _locked(mentorship)
    _may_record(m, by, now)
    note = _checked(m, by, kind, happened_on, note, now)
    action = SponsorshipAction.objects.create(
        mentorship=m, kind=kind, happened_on=happened_on, note=note, recorded_by=by, recorded_at=now
    )
    emails.sponsorship_recorded.delay_on_commit(action.pk)
    return action


def _unconfirmed_of_mentor(action: SponsorshipAction, by: Profile):
    m = _locked(action.mentorship)
    found = SponsorshipAction.objects.select_for_update().filter(pk=action.pk).first()
    if found is None:
        raise Refused(gettext("That entry is no longer in the ledger."))
    if by.pk != m.mentor_id:
        raise Refused(gettext("Only the mentor changes what they recorded."))
    if found.is_confirmed:
        raise Refused(CONFIRMED_STAYS)
    return m, found


@transaction.atomic
def edit(
    *,
    action: SponsorshipAction,
    by: Profile,
    kind: str,
    happened_on: date | None,
    note: str = "",
    now: datetime | None = None,
) -> SponsorshipAction:
    """The mentor corrects an entry their mentee has not confirmed (no new email)."""
    now = now or timezone.now()
    m, found = _unconfirmed_of_mentor(action, by)
    _may_record(m, by, now)
    found.note = _checked(m, by, kind, happened_on, note, now)
    found.kind, found.happened_on = kind, happened_on
    found.save(update_fields=["kind", "happened_on", "note"])
    return found


@transaction.atomic
def delete(*, action: SponsorshipAction, by: Profile) -> None:
    """The mentor takes back an entry their mentee has not confirmed, even after the
    mentorship closed (what was recorded by mistake should not have to stay)."""
    _, found = _unconfirmed_of_mentor(action, by)
    found.delete()


def _of_mentee(action: SponsorshipAction, by: Profile) -> SponsorshipAction:
    m = _locked(action.mentorship)
    found = SponsorshipAction.objects.select_for_update().filter(pk=action.pk).first()
    if found is None:
        raise Refused(gettext("That entry is no longer in the ledger."))
    if by.pk != m.mentee_id:
        raise Refused(gettext("Only the mentee confirms what their mentor recorded."))
    return found


@transaction.atomic
def confirm(
    *, action: SponsorshipAction, by: Profile, now: datetime | None = None
) -> SponsorshipAction:
    """The mentee says it happened as recorded (once: confirming again changes nothing)."""
    found = _of_mentee(action, by)
    if not found.is_confirmed:
        found.confirmed_at = now or timezone.now()
        found.save(update_fields=["confirmed_at"])
    return found


@transaction.atomic
def unconfirm(*, action: SponsorshipAction, by: Profile) -> SponsorshipAction:
    """The mentee takes their confirmation back ("not quite right"): the mentor may
    then correct the entry or delete it."""
    found = _of_mentee(action, by)
    if found.is_confirmed:
        found.confirmed_at = None
        found.save(update_fields=["confirmed_at"])
    return found
