"""Requests and mentorships: every transition of a mentorship, with its rules
(docs/mentorships.md).

Each function is one transition in one transaction. A transition the rules
refuse raises :class:`~mentorships.exceptions.Refused` with a message for the
person; nothing is written. Emails are queued to go out after the commit, and
every transition sends ``mentorship_changed`` so that matching can re-rank
the lists it touches.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import date, timedelta
from typing import NamedTuple

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.functional import lazy
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from profiles.forms import MAX_MENTOR_CAPACITY
from profiles.models import AuditEntry, Enrolment, Profile
from profiles.services import announce_change
from profiles.taxonomy import Facet

from . import emails
from .exceptions import MentorFull, ReasonNeeded, Refused
from .models import CheckIn, Continuation, Mentorship
from .signals import Event, mentorship_changed

MAX_OPEN_REQUESTS = 3

Status = Mentorship.Status


def places_taken(mentor: Profile) -> int:
    return Mentorship.objects.filter(mentor=mentor).taking_room().count()


def _changed(m: Mentorship, event: Event, *, refresh: bool = True) -> None:
    mentorship_changed.send(sender=Mentorship, mentorship=m, event=event, refresh=refresh)


# --- requests ---------------------------------------------------------------------


@transaction.atomic
def request_mentor(
    *, mentee: Profile, mentor: Profile, message: str, score: float | None = None
) -> Mentorship:
    """A mentee asks a mentor. The mentee's row is locked so that two requests
    at once cannot both pass the open-request limit."""
    mentee = Profile.objects.select_for_update().get(pk=mentee.pk)
    mentor = Profile.objects.get(pk=mentor.pk)
    pair = Mentorship.objects.filter(mentee=mentee, mentor=mentor)
    if Mentorship.objects.filter(mentee=mentee, status__in=Mentorship.PAIRED).exists():
        raise Refused(gettext("You already have a mentor in this program."))
    rested = timezone.now() - timedelta(days=mentee.program.expired_pair_cooldown_days)
    declined = pair.filter(status=Status.DECLINED).exclude(Mentorship.ROOM_RAN_OUT)
    if declined.exclude(Mentorship.SAID_NO_ROOM, decided_at__lt=rested).exists():
        raise Refused(gettext("%(name)s declined an earlier request.") % {"name": mentor.name})
    if pair.open().exists():
        raise Refused(gettext("You have already asked %(name)s.") % {"name": mentor.name})
    if mentor.is_paused:
        raise Refused(gettext("%(name)s is not taking requests right now.") % {"name": mentor.name})
    if places_taken(mentor) >= mentor.capacity:
        raise MentorFull(
            gettext("%(name)s is full: they have no room for another mentee right now.")
            % {"name": mentor.name}
        )
    if (
        Mentorship.objects.filter(mentee=mentee, status=Status.REQUESTED).count()
        >= MAX_OPEN_REQUESTS
    ):
        raise Refused(
            ngettext(
                "You can have %(count)s open request at a time: "
                "withdraw it or wait for an answer first.",
                "You can have %(count)s open requests at a time: "
                "withdraw one or wait for an answer first.",
                MAX_OPEN_REQUESTS,
            )
            % {"count": MAX_OPEN_REQUESTS}
        )
    mentorship = Mentorship.objects.create(
        program_id=mentee.program_id,
        cycle_id=mentee.cycle_id,
        mentee=mentee,
        mentor=mentor,
        message=message,
        score=score,
    )
    _changed(mentorship, Event.REQUESTED)
    emails.request_received.delay_on_commit(mentorship.pk)
    return mentorship


@transaction.atomic
def withdraw(*, mentorship: Mentorship) -> None:
    m = Mentorship.objects.select_for_update().get(pk=mentorship.pk)
    if m.status != Status.REQUESTED:
        # Translators: the state is a request's ("accepted", "declined", "expired"…).
        raise Refused(
            gettext("This request is already %(state)s.")
            % {"state": m.get_status_display().lower()}
        )
    _close(m, Status.WITHDRAWN, Event.WITHDRAWN)


def _lock_pair(mentee_id: int | None, mentor_id: int | None) -> tuple[Profile, Profile]:
    """Lock the mentee's row, then the mentor's: every transaction that pairs
    people takes them in this order, so two of them wait for each other rather
    than deadlock. A side that has left Kindred ends the transition."""
    mentee = Profile.objects.select_for_update().filter(pk=mentee_id).first()
    mentor = Profile.objects.select_for_update().filter(pk=mentor_id).first()
    if mentee is None or mentor is None:
        raise Refused(gettext("One of the two has left Kindred: this can no longer go ahead."))
    return mentee, mentor


def lock_for_pairing(*, mentee_ids: list[int], mentor_ids: list[int]) -> None:
    """For a transaction that pairs many people (an auto-assignment's commit):
    every mentee, then every mentor, each in id order, before the first pair."""
    for ids in (mentee_ids, mentor_ids):
        list(
            Profile.objects.filter(pk__in=ids)
            .order_by("pk")
            .select_for_update()
            .values_list("pk", flat=True)
        )


def _paired_meanwhile(mentee: Profile, *, asked: Mentorship) -> Refused | None:
    """Refused if the mentee was paired by another request (this one, already
    accepted, says so in its own words below)."""
    paired = Mentorship.objects.filter(mentee=mentee, status__in=Mentorship.PAIRED)
    if paired.exclude(pk=asked.pk).exists():
        return Refused(
            gettext(
                "%(name)s has just been matched with another mentor, so this request is closed."
            )
            % {"name": mentee.name}
        )
    return None


def _no_longer_open(m: Mentorship) -> str:
    # Translators: the state is a request's ("withdrawn", "expired", "accepted"…).
    return gettext("This request is no longer open: it was %(state)s.") % {
        "state": m.get_status_display().lower()
    }


@transaction.atomic
def accept(*, mentorship: Mentorship, note: str = "") -> Mentorship:
    """The mentor says yes. The mentee's row, then the mentor's, are locked
    first: accepts of one mentee, or for one mentor, happen one at a time, so a
    mentee gets one mentor and capacity holds under any concurrency."""
    mentee, mentor = _lock_pair(mentorship.mentee_id, mentorship.mentor_id)
    if refused := _paired_meanwhile(mentee, asked=mentorship):
        raise refused
    m = Mentorship.objects.select_for_update().get(pk=mentorship.pk)
    if m.status in Mentorship.PAIRED:
        # Accepted already (a second click, a retried call): that, not "full".
        raise Refused(_no_longer_open(m))
    taken = places_taken(mentor)
    if taken >= mentor.capacity:
        raise MentorFull(
            gettext(
                "You are full: you already mentor as many people as your capacity allows. "
                "Raise your capacity to accept more."
            )
        )
    if m.status != Status.REQUESTED:
        raise Refused(_no_longer_open(m))
    now = timezone.now()
    m.status, m.decided_at, m.started_at = Status.ACCEPTED, now, now
    m.accept_note = note
    m.save(update_fields=["status", "decided_at", "started_at", "accept_note"])
    _pair_up(m, Event.ACCEPTED)
    emails.request_answered.delay_on_commit(m.pk)
    if taken + 1 >= mentor.capacity:
        _answer_waiting_requests_later(mentor.pk)
    return m


def _pair_up(m: Mentorship, event: Event, *, refresh: bool = True) -> None:
    """A paired mentee leaves the pool: their other requests close, each
    remembering the mentorship that closed it (not the mentee's own withdrawal)."""
    others = Mentorship.objects.filter(mentee_id=m.mentee_id, status=Status.REQUESTED).exclude(
        pk=m.pk
    )
    for other in others.select_for_update():
        _close(other, Status.WITHDRAWN, Event.SUPERSEDED, superseded_by=m)
    _changed(m, event, refresh=refresh)


@transaction.atomic
def decline(*, mentorship: Mentorship, reason: str, note: str = "") -> None:
    m = Mentorship.objects.select_for_update().get(pk=mentorship.pk)
    if m.status != Status.REQUESTED:
        raise Refused(_no_longer_open(m))
    m.decline_reason, m.decline_note = reason, note
    # ended_by: the mentor chose this (Kindred's own "no room" closes leave it
    # blank). Matching tells the mentee, with what is new.
    _close(m, Status.DECLINED, Event.DECLINED, ended_by="mentor")


@transaction.atomic
def expire(*, mentorship_id: int) -> bool:
    """A request unanswered for too long closes; False if it was answered meanwhile."""
    m = Mentorship.objects.select_for_update().filter(pk=mentorship_id).first()
    if m is None or m.status != Status.REQUESTED:  # answered, or gone with its people
        return False
    _close(m, Status.EXPIRED, Event.EXPIRED)
    return True


def _close(m: Mentorship, status: str, event: Event, **fields) -> None:
    """A request or mentorship ends; matching re-ranks both sides' lists."""
    m.status = status
    now = timezone.now()
    if status in (Status.COMPLETED, Status.ENDED):
        m.ended_at = now
    else:
        m.decided_at = now
    for name, value in fields.items():
        setattr(m, name, value)
    m.save()
    _changed(m, event)


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
            _close(m, Status.DECLINED, Event.DECLINED)
            count += 1
    return count


@transaction.atomic
def set_availability(
    *, mentor: Profile, capacity: int, paused: bool, decline_waiting: bool = False
) -> None:
    mentor = Profile.objects.select_for_update().get(pk=mentor.pk)
    if capacity < places_taken(mentor):
        raise Refused(
            gettext("Your capacity cannot be lower than the number of mentees you have now.")
        )
    pausing = paused and not mentor.is_paused
    mentor.capacity, mentor.is_paused = capacity, paused
    mentor.save(update_fields=["capacity", "is_paused", "updated_at"])
    announce_change(mentor)
    if paused and decline_waiting:
        _answer_waiting_requests_later(mentor.pk)
    elif pausing:
        tell_waiting_of_pause(mentor_id=mentor.pk)


def tell_waiting_of_pause(*, mentor_id: int) -> None:
    """A paused mentor's requests stay open (and expire as any other); each
    mentee waiting on them hears once, at once, and may keep waiting or ask
    someone else. A paused mentor gets no reminders (clock.send_reminders)."""
    waiting = Mentorship.objects.filter(
        mentor_id=mentor_id, mentor__is_paused=True, status=Status.REQUESTED
    )
    for pk in waiting.values_list("pk", flat=True):
        emails.mentor_paused.delay_on_commit(pk)  # keyed by the request: once


# --- pairs made by the program -------------------------------------------------------


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
    extra_place: bool = False,
) -> Mentorship:
    """Pair two people directly (an admin's match or a committed auto-assignment).

    Capacity always holds and a mentee has one mentor at a time. A mentee's own
    waiting request to this mentor becomes the accepted mentorship. Without
    ``refresh`` the caller re-scores the program itself once it is done. With
    ``extra_place`` (an admin's match that sets capacity aside), a full mentor's
    capacity rises by one to make room, so it still holds (the audit entry says
    so, and their email from it).
    """
    mentee, mentor = _lock_pair(mentee.pk, mentor.pk)
    if Mentorship.objects.filter(mentee=mentee, status__in=Mentorship.PAIRED).exists():
        raise Refused(gettext("%(name)s already has a mentor.") % {"name": mentee.name})
    taken = places_taken(mentor)
    added_place = taken >= mentor.capacity
    if added_place and not extra_place:
        raise MentorFull(
            gettext("%(name)s is full: capacity %(capacity)s is taken.")
            % {"name": mentor.name, "capacity": mentor.capacity}
        )
    if added_place:
        if taken >= MAX_MENTOR_CAPACITY:
            raise MentorFull(
                ngettext(
                    "%(name)s already mentors %(count)s person, the most a mentor can take on.",
                    "%(name)s already mentors %(count)s people, the most a mentor can take on.",
                    taken,
                )
                % {"name": mentor.name, "count": taken}
            )
        mentor.capacity = taken + 1
        mentor.save(update_fields=["capacity", "updated_at"])
    now = timezone.now()
    m = Mentorship.objects.select_for_update().filter(
        mentee=mentee, mentor=mentor, status=Status.REQUESTED
    ).first() or Mentorship(
        program_id=mentee.program_id,
        cycle_id=mentee.cycle_id,
        mentee=mentee,
        mentor=mentor,
        source=source,
    )
    m.status, m.decided_at, m.started_at = Status.ACCEPTED, now, now
    m.created_by, m.override_reason = by, override_reason
    m.score = m.score if score is None else score
    m.save()
    _pair_up(m, Event.MATCHED, refresh=refresh)
    emails.matched.delay_on_commit(m.pk)
    return m


@transaction.atomic
def continue_pair(*, continuation: Continuation) -> Mentorship:
    """A mentor asked for the same mentee again, the mentee said yes and both take
    part in the new cycle: they go on, in a mentorship of that cycle, active at
    once. Their mentorship of the old cycle, if still open, closes as completed
    (its term ended). Once: a second call returns the mentorship the first made.
    The mentor's capacity holds; a mentee with another mentor is refused."""
    mentee, mentor = _lock_pair(continuation.mentee_id, continuation.mentor_id)
    c = Continuation.objects.select_for_update().select_related("cycle").get(pk=continuation.pk)
    cycle = c.cycle
    if c.mentorship_id is not None:
        return Mentorship.objects.get(pk=c.mentorship_id)
    if not c.mentee_agrees:
        raise Refused(
            gettext("%(name)s has not said yes to going on in %(cycle)s.")
            % {"name": mentee.name, "cycle": cycle.name}
        )
    taking_part = Enrolment.objects.filter(cycle=cycle, profile__in=[mentee, mentor]).count()
    if taking_part < 2:
        raise Refused(
            gettext("You go on together once both of you take part in %(cycle)s.")
            % {"cycle": cycle.name}
        )
    pair = Mentorship.objects.filter(mentee=mentee, mentor=mentor)
    old = list(pair.open().select_for_update())
    if (
        Mentorship.objects.filter(mentee=mentee, status__in=Mentorship.PAIRED)
        .exclude(mentor=mentor)
        .exists()
    ):
        raise Refused(gettext("%(name)s already has another mentor.") % {"name": mentee.name})
    freed = sum(1 for m in old if m.status in Mentorship.TAKING_ROOM)
    if places_taken(mentor) - freed >= mentor.capacity:
        raise MentorFull(
            gettext(
                "%(name)s is full: they have no room for another mentee in %(cycle)s "
                "right now. They can raise their capacity, then you can say yes again."
            )
            % {"name": mentor.name, "cycle": cycle.name}
        )
    for m in old:
        if m.status in Mentorship.PAIRED:
            _close(m, Status.COMPLETED, Event.ENDED, end_reason=Mentorship.EndReason.TERM_ENDED)
        else:
            _close(m, Status.WITHDRAWN, Event.SUPERSEDED)
    now = timezone.now()
    m = Mentorship.objects.create(
        program_id=mentee.program_id,
        cycle=cycle,
        mentee=mentee,
        mentor=mentor,
        status=Status.ACTIVE,
        source=Mentorship.Source.CONTINUED,
        decided_at=now,
        started_at=now,
    )
    pair.filter(pk__in=[o.pk for o in old if o.status == Status.WITHDRAWN]).update(superseded_by=m)
    c.mentorship = m
    c.save(update_fields=["mentorship"])
    _pair_up(m, Event.MATCHED)
    for side in ("mentee", "mentor"):
        emails.continued.delay_on_commit(m.pk, side)
    return m


class SetAside(NamedTuple):
    """A rule an admin's match sets aside: ``code`` for the record, ``text`` for
    the admin. ``facets`` are the must-haves a "must" rule is about; the text
    never names a background one (docs/security.md)."""

    code: str
    text: str
    facets: tuple[str, ...] = ()

    def __str__(self) -> str:
        return str(self.text)


def _said(build: Callable[[], str]) -> str:
    """Words put together when they are read, in the reader's language: the admin's
    on the page, the program's default in the audit log (:func:`match_by_admin`)."""
    return lazy(build, str)()


PAST_PAIR = {
    Status.DECLINED: _("%(mentor)s declined %(mentee)s before"),
    Status.EXPIRED: _("%(mentor)s left a request from %(mentee)s unanswered lately"),
}


def rule_breaks(
    mentee: Profile, mentor: Profile, score: float | None, unmet: Iterable[str] = ()
) -> list[SetAside]:
    """Rules an admin's match would set aside (each needs a stated reason).
    ``score`` is the pair's whole score, None when either is not ready for
    matching; ``unmet`` the program's filters the pair fails (matching's
    ``scoring.unmet_filters``: "common_language" and must facets)."""
    breaks = []
    taken = places_taken(mentor)
    names = {"mentee": mentee.name, "mentor": mentor.name}
    if taken >= mentor.capacity:
        capacity = mentor.capacity
        breaks.append(
            SetAside(
                "capacity",
                _said(
                    lambda: (
                        gettext(
                            "%(mentor)s takes no mentees (capacity 0); "
                            "this match gives them one place more"
                        )
                        % names
                    )
                )
                if capacity == 0
                else _said(
                    lambda: (
                        ngettext(
                            "%(mentor)s is full: %(taken)s of %(capacity)s place taken; "
                            "this match gives them one place more",
                            "%(mentor)s is full: %(taken)s of %(capacity)s places taken; "
                            "this match gives them one place more",
                            capacity,
                        )
                        % {**names, "taken": taken, "capacity": capacity}
                    )
                ),
            )
        )
    if mentor.is_paused:
        breaks.append(
            SetAside(
                "paused",
                _said(
                    lambda: gettext("%(mentor)s is paused: taking no new mentees for now") % names
                ),
            )
        )
    blocked = Mentorship.objects.exclude(status=Status.REQUESTED).blocked_pairs(
        mentee.program_id, mentees=Q(mentee_id=mentee.pk), mentor_id=mentor.pk
    )
    if blocked:
        last = (
            Mentorship.objects.filter(mentee=mentee, mentor=mentor)
            .exclude(status__in=[Status.REQUESTED, Status.WITHDRAWN])
            .latest("requested_at")
        )
        said = PAST_PAIR.get(last.status, _("%(mentee)s and %(mentor)s were paired before"))
        breaks.append(SetAside("paired_before", _said(lambda: str(said) % names)))
    if score is None:
        breaks.append(
            SetAside(
                "not_ready",
                _("the pair has no score: one of them is not ready for matching"),
            )
        )
    elif score < mentee.program.min_score - 1e-9:
        shown = {"score": f"{score:.0f}", "minimum": mentee.program.min_score}
        breaks.append(
            SetAside(
                "min_score",
                _said(
                    lambda: (
                        gettext(
                            "their score, %(score)s, is below the program's minimum of %(minimum)s"
                        )
                        % shown
                    )
                ),
            )
        )
    unmet = set(unmet)
    if "common_language" in unmet:
        breaks.append(
            SetAside("common_language", _("they share no language, which the program requires"))
        )
    if "language" in unmet:
        breaks.append(
            SetAside(
                "must",
                _said(
                    lambda: (
                        gettext("%(mentee)s asked for a mentor who speaks one of their languages")
                        % names
                    )
                ),
                ("language",),
            )
        )
    if private := tuple(f for f in Facet if f != Facet.LANGUAGE and f in unmet):
        count = len(private)
        breaks.append(
            SetAside(
                "must",
                _said(
                    lambda: (
                        ngettext(
                            "%(mentor)s does not meet one of %(mentee)s's must-haves "
                            "about background",
                            "%(mentor)s does not meet %(count)s of %(mentee)s's must-haves "
                            "about background",
                            count,
                        )
                        % {**names, "count": count}
                    )
                ),
                private,
            )
        )
    return breaks


@transaction.atomic
def match_by_admin(
    *,
    mentee: Profile,
    mentor: Profile,
    by,
    score: float | None,
    unmet: Iterable[str] = (),
    reason: str = "",
) -> Mentorship:
    """An admin pairs two people, on the record (the audit log). A match that
    sets a rule aside needs a reason, kept with it; :class:`ReasonNeeded` names
    the rules otherwise. Setting capacity aside gives the mentor one place more.
    ``score`` and ``unmet`` as for :func:`rule_breaks`; the rules are weighed
    with both people's rows locked, so they are the rules the match sets aside."""
    reason = reason.strip()
    mentee, mentor = _lock_pair(mentee.pk, mentor.pk)
    if "same_person" in unmet or mentee.user_id == mentor.user_id:
        raise Refused(gettext("%(name)s cannot be their own mentor.") % {"name": mentee.name})
    breaks = rule_breaks(mentee, mentor, score, unmet)
    if breaks and not reason:
        raise ReasonNeeded(breaks)
    m = match(
        mentee=mentee,
        mentor=mentor,
        source=Mentorship.Source.ADMIN,
        by=by,
        score=score,
        override_reason=reason if breaks else "",
        extra_place=any(b.code == "capacity" for b in breaks),
    )
    # The audit log is kept in the program's default language, whoever reads it.
    with translation.override(settings.LANGUAGE_CODE):
        rules = [str(b.text) for b in breaks]
    aside = ", setting aside: " + "; ".join(rules) if breaks else ""
    AuditEntry.record(
        program=mentee.program,
        actor=by,
        action=AuditEntry.Action.MANUAL_MATCH,
        summary=f"Matched {mentee.name} with {mentor.name} by hand{aside}",
        reason=reason,
        details={
            "mentorship": m.pk,
            "mentee": mentee.pk,
            "mentor": mentor.pk,
            "score": score,
            "set_aside": [b.code for b in breaks],
            "rules": rules,
        },
    )
    return m


def rematch(*, mentorship: Mentorship, by, reason: str) -> Mentorship:
    """End a struggling mentorship (a health flag) so that its mentee can be
    matched again: as :func:`end_by_admin`, on the record as a re-match. The
    mentee is back in the pool with fresh suggestions until the admin picks."""
    return end_by_admin(mentorship=mentorship, by=by, reason=reason, rematch=True)


@transaction.atomic
def end_by_admin(*, mentorship: Mentorship, by, reason: str, rematch: bool = False) -> Mentorship:
    """An admin ends a mentorship under way, with their reason: kept on it
    (``end_note``) and in the audit log, never told to the pair, who read that the
    program team ended it. Both go back to the pool, as after any end."""
    reason = reason.strip()
    if not reason:
        raise Refused(gettext("Say why you are ending this mentorship."))
    m = (
        Mentorship.objects.select_for_update(of=("self",))
        .select_related("mentee", "mentor", "program")
        .get(pk=mentorship.pk)
    )
    if m.status not in Mentorship.PAIRED:
        # Translators: the state is a mentorship's ("requested", "completed", "ended"…).
        raise Refused(
            gettext("This mentorship is not under way: it is %(state)s.")
            % {"state": m.get_status_display().lower()}
        )
    _close(
        m,
        Status.ENDED,
        Event.ENDED,
        end_reason=Mentorship.EndReason.OTHER,
        end_note=reason,
        ended_by="admin",
    )
    AuditEntry.record(
        program=m.program,
        actor=by,
        action=AuditEntry.Action.REMATCH if rematch else AuditEntry.Action.END,
        summary=f"Ended the mentorship of {_name(m.mentee)} with {_name(m.mentor)}"
        + (f" to re-match {_name(m.mentee)}" if rematch else ""),
        reason=reason,
        details={"mentorship": m.pk, "mentee": m.mentee_id, "mentor": m.mentor_id},
    )
    emails.ended.delay_on_commit(m.pk)
    return m


def _name(profile: Profile | None) -> str:
    return profile.name if profile else "a member who has left"


@transaction.atomic
def depart(*, profile: Profile, end_reason: str = Mentorship.EndReason.MOVED_ON) -> int:
    """Someone leaves Kindred, however (their account deleted on the privacy page
    or in the Django admin, one or many; later, deactivated by SCIM): everything
    open with them closes, their places free up, and the other side is told that
    they left, without a name or a reason. The one path for every departure:
    ``receivers.depart`` runs it before a profile row is deleted."""
    side = "mentee" if profile.is_mentee else "mentor"
    # Their row first, as every pairing locks it first: an accept racing the
    # departure waits for it, rather than deadlocking on the mentorship rows.
    lock_for_pairing(mentee_ids=[profile.pk], mentor_ids=[])
    count = 0
    for m in Mentorship.objects.select_for_update().filter(
        **{side: profile}, status__in=Mentorship.OPEN
    ):
        if m.status == Status.REQUESTED:
            # Not a decline: nobody chose it, and the pair can never meet again anyway.
            _close(m, Status.WITHDRAWN, Event.LEFT, ended_by=side)
        else:
            _close(
                m,
                Status.ENDED,
                Event.LEFT,
                end_reason=end_reason,
                ended_by=side,
            )
        emails.partner_left.delay_on_commit(m.pk)
        count += 1
    return count


@transaction.atomic
def turn_down_match(*, mentorship: Mentorship, by: Profile, reason: str) -> None:
    """One side of a match the program made says it does not work for them: it
    ends with their reason, shown to the other side, and both go back to the
    pool (matching re-scores them, as for any end)."""
    reason = reason.strip()
    if not reason:
        raise Refused(gettext("Say in a few words why this match does not work for you."))
    m = Mentorship.objects.select_for_update().get(pk=mentorship.pk)
    if not m.can_be_turned_down:
        raise Refused(
            gettext("Only a match made for you that is still under way can be turned down.")
        )
    _close(
        m,
        Status.ENDED,
        Event.ENDED,
        end_reason=Mentorship.EndReason.NOT_FOR_ME,
        end_note=reason,
        ended_by=m.side_of(by),
    )
    emails.ended.delay_on_commit(m.pk)


# --- mentorships under way -----------------------------------------------------------


@transaction.atomic
def check_in(*, mentorship: Mentorship, author: Profile, rating: int, note: str = "") -> CheckIn:
    m = Mentorship.objects.select_for_update().get(pk=mentorship.pk)
    if m.status not in Mentorship.PAIRED:
        raise Refused(gettext("Check-ins are for mentorships under way."))
    entry = CheckIn.objects.create(mentorship=m, author=author, rating=rating, note=note)
    if m.status == Status.ACCEPTED:
        m.status = Status.ACTIVE
        m.save(update_fields=["status"])
    m.record_health()
    return entry


@transaction.atomic
def mark_met(*, mentorship: Mentorship) -> None:
    updated = Mentorship.objects.filter(pk=mentorship.pk, status=Status.ACCEPTED).update(
        status=Status.ACTIVE
    )
    if not updated and mentorship.status not in Mentorship.PAIRED:
        raise Refused(gettext("This mentorship is not under way."))


@transaction.atomic
def end(*, mentorship: Mentorship, by: Profile, reason: str, note: str = "") -> None:
    m = Mentorship.objects.select_for_update().get(pk=mentorship.pk)
    if m.status not in Mentorship.PAIRED:
        raise Refused(gettext("This mentorship is not under way."))
    status = Status.COMPLETED if reason == Mentorship.EndReason.GOALS_MET else Status.ENDED
    _close(m, status, Event.ENDED, end_reason=reason, end_note=note, ended_by=m.side_of(by))
    emails.ended.delay_on_commit(m.pk)


@transaction.atomic
def end_term(*, mentorship: Mentorship, today: date) -> Mentorship:
    """The day a mentorship asked to close at its cycle's end (``closing_on``,
    mentorships/terms.py) has come: it ends as *completed*, unless both sides chose
    to keep going, when it goes on without a term (``closing_on`` cleared; either
    side can end it as any other). Refused if it is no longer under way or its
    day has not come (a page or a second clock run got there first)."""
    m = Mentorship.objects.select_for_update().get(pk=mentorship.pk)
    if m.status not in Mentorship.PAIRED:
        raise Refused(gettext("This mentorship is not under way."))
    if m.closing_on is None or m.closing_on > today:
        raise Refused(gettext("This mentorship's term has not come to its end."))
    if m.mentor_extends_at and m.mentee_extends_at:
        m.closing_on = None
        m.save(update_fields=["closing_on"])
        return m
    # ended_by stays empty: Kindred closed it on the day both were told, nobody chose
    # it, so neither goes "back in the pool" with an email (matching's RETURNED).
    _close(m, Status.COMPLETED, Event.ENDED, end_reason=Mentorship.EndReason.TERM_ENDED)
    return m
