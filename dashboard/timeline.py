"""A mentorship's life as its program's admins read it: each thing that happened to it,
in order, in words.

Admins read what the exports give them (docs/csv.md): the mentor's note with a no, the
words a mentorship ended with, the reason an admin gave for setting a rule aside. What the
pair wrote to each other — the request's note, the note with a yes, check-in notes — is
theirs: the timeline says there was one, not what it said."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time

from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from matching.emails import told_key
from matching.models import AssignmentPair
from mentorships import emails
from mentorships.models import Mentorship
from profiles.models import AuditEntry, Profile, SentEmail, User

Status = Mentorship.Status
LEFT = _("a member who has left Kindred")


@dataclass(frozen=True)
class Event:
    at: datetime
    kind: str  # made, reminder, answer, closed, prompt, check_in, flag, end, email
    text: str
    # Someone's own words that admins may read, and whose they are.
    quote: str = ""
    quote_by: str = ""
    # A note only the pair may read: the timeline says there is one.
    private_note: str = ""
    # Another mentorship this one names (the one that closed it, or one it closed).
    other: Mentorship | None = None
    run_id: int | None = None


def _midnight(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def _name(profile: Profile | None) -> str:
    return profile.name if profile else LEFT


def _admin(user: User | None) -> str:
    """An admin by name and email (two staff may share a first name)."""
    if user is None:
        return gettext("an admin")
    name = user.get_full_name()
    return f"{name} ({user.email})" if name else user.email


class Pair:
    """The two sides' names, by side ("mentee", "mentor")."""

    def __init__(self, m: Mentorship):
        self.mentee, self.mentor = _name(m.mentee), _name(m.mentor)

    def __getitem__(self, side: str) -> str:
        return self.mentee if side == "mentee" else self.mentor

    def of(self, m: Mentorship, author_id: int | None) -> str:
        if author_id is None:
            return LEFT
        return self.mentee if author_id == m.mentee_id else self.mentor


def timeline(m: Mentorship) -> list[Event]:
    """Every event of ``m``, oldest first; events at one moment keep the order they
    happen in (a request, then its email)."""
    names = Pair(m)
    events = [_made(m, names)]
    if m.reminded_at:
        events.append(
            Event(
                m.reminded_at,
                "reminder",
                gettext("%(mentor)s was reminded: a week unanswered") % {"mentor": names.mentor},
            )
        )
    if answered := _answered(m, names):
        events.append(answered)
    events += [
        Event(
            other.decided_at,
            "closed",
            gettext("%(mentee)s's request to %(mentor)s closed, as this mentorship began")
            % {"mentee": names.mentee, "mentor": _name(other.mentor)},
            other=other,
        )
        for other in Mentorship.objects.filter(superseded_by=m)
        .select_related("mentor")
        .order_by("decided_at", "pk")
        if other.decided_at
    ]
    for week in (2, 8):
        if at := getattr(m, f"prompted_week_{week}_at"):
            events.append(
                Event(
                    at,
                    "prompt",
                    gettext("Week %(week)s: both were asked to check in") % {"week": week},
                )
            )
    events += [
        Event(
            c.created_at,
            "check_in",
            gettext("%(name)s checked in: %(rating)s out of 5")
            % {"name": names.of(m, c.author_id), "rating": c.rating},
            private_note=gettext("with a note for the pair") if c.note else "",
        )
        for c in m.check_ins.order_by("created_at", "pk")
    ]
    if m.health and m.health_flagged_at:
        events.append(
            Event(
                m.health_flagged_at,
                "flag",
                gettext("Flagged: %(health)s") % {"health": m.get_health_display()},
            )
        )
    events += _term(m, names)
    if m.ended_at:
        events.append(_ended(m, names))
    events += _emails(m, names)
    return sorted(events, key=lambda e: e.at)


def _made(m: Mentorship, names: Pair) -> Event:
    if m.source == Mentorship.Source.ADMIN:
        return Event(
            m.requested_at,
            "made",
            gettext("Matched by hand by %(admin)s") % {"admin": _admin(m.created_by)},
            quote=m.override_reason,
            quote_by=gettext("Reason for setting a rule aside"),
        )
    if m.source == Mentorship.Source.AUTO:
        pair = (
            AssignmentPair.objects.filter(
                run__program_id=m.program_id,
                mentee_id=m.mentee_id,
                mentor_id=m.mentor_id,
                outcome=AssignmentPair.Outcome.CREATED,
            )
            .select_related("run__created_by")
            .order_by("-run_id")
            .first()
        )
        if pair is None or m.mentee_id is None:
            return Event(m.requested_at, "made", gettext("Matched by an auto-assignment"))
        text = gettext("Matched by auto-assignment #%(run)s, committed by %(admin)s") % {
            "run": pair.run_id,
            "admin": _admin(pair.run.created_by),
        }
        return Event(m.requested_at, "made", text, run_id=pair.run_id)
    return Event(
        m.requested_at,
        "made",
        gettext("%(mentee)s asked %(mentor)s") % {"mentee": names.mentee, "mentor": names.mentor},
        private_note=gettext("with a note to the mentor") if m.message else "",
    )


def _answered(m: Mentorship, names: Pair) -> Event | None:
    """How a request was answered or closed; None for a request still open and
    for a match made for the pair (made already paired)."""
    at = m.decided_at
    if at is None or m.source != Mentorship.Source.REQUEST:
        return None
    if m.created_by_id:  # an admin's match turned the waiting request into the mentorship
        return Event(
            at,
            "answer",
            gettext("Matched by hand by %(admin)s, from this request")
            % {"admin": _admin(m.created_by)},
            quote=m.override_reason,
            quote_by=gettext("Reason for setting a rule aside"),
        )
    if m.status == Status.DECLINED:
        if m.ended_by != "mentor":
            return Event(
                at,
                "closed",
                gettext("Closed by Kindred: %(mentor)s had no room or paused")
                % {"mentor": names.mentor},
            )
        return Event(
            at,
            "closed",
            gettext("%(mentor)s declined: “%(reason)s”")
            % {"mentor": names.mentor, "reason": m.get_decline_reason_display()},
            quote=m.decline_note,
            quote_by=gettext("%(mentor)s's note to the mentee") % {"mentor": names.mentor},
        )
    if m.status == Status.EXPIRED:
        return Event(
            at,
            "closed",
            gettext("Expired: %(mentor)s did not answer within two weeks")
            % {"mentor": names.mentor},
        )
    if m.status == Status.WITHDRAWN:
        if m.superseded_by_id:
            text = gettext("Closed: %(mentee)s was paired with %(mentor)s") % {
                "mentee": names.mentee,
                "mentor": _name(m.superseded_by.mentor),
            }
            return Event(at, "closed", text, other=m.superseded_by)
        if m.ended_by == "mentee":
            return Event(at, "closed", gettext("Closed: the mentee left Kindred"))
        if m.ended_by == "mentor":
            return Event(at, "closed", gettext("Closed: the mentor left Kindred"))
        return Event(
            at, "closed", gettext("%(mentee)s withdrew the request") % {"mentee": names.mentee}
        )
    return Event(
        at,
        "answer",
        gettext("%(mentor)s accepted") % {"mentor": names.mentor},
        private_note=gettext("with a note to the mentee") if m.accept_note else "",
    )


def _day(d: date) -> str:
    return date_format(d, "DATE_FORMAT")


def _term(m: Mentorship, names: Pair) -> list[Event]:
    """The end of the cycle's term (mentorships/terms.py): asked to close, each
    side's choice to keep going, and both choosing it."""
    cycle = m.cycle
    chose = {"mentee": m.mentee_extends_at, "mentor": m.mentor_extends_at}
    if cycle is None or cycle.ends_on is None:
        return []
    told = (
        SentEmail.objects.filter(key__startswith=f"term-ended:{m.pk}:")
        .order_by("sent_at")
        .values_list("sent_at", flat=True)
        .first()
    )
    if not (told or m.closing_on or all(chose.values())):
        return []
    said = {"cycle": cycle.name, "ended": _day(cycle.ends_on)}
    if m.closing_on:
        text = gettext(
            "Asked to close: the term of %(cycle)s ended on %(ended)s; it closes on "
            "%(closes)s unless both choose to keep going"
        ) % {**said, "closes": _day(m.closing_on)}
    else:
        text = gettext("Asked to close: the term of %(cycle)s ended on %(ended)s") % said
    events = [Event(told or _midnight(cycle.ends_on), "prompt", text)]
    events += [
        Event(
            at,
            "answer",
            gettext("%(name)s chose to keep going after the term") % {"name": names[side]},
        )
        for side, at in chose.items()
        if at
    ]
    if all(chose.values()):
        if m.closing_on is None and m.is_paired:
            text = gettext("Both chose to keep going: it goes on without a term")
        else:
            text = gettext("Both chose to keep going")
        events.append(Event(max(chose.values()), "answer", text))
    return events


def _ended(m: Mentorship, names: Pair) -> Event:
    at, by = m.ended_at, m.ended_by
    if by == "admin":
        entry = (
            AuditEntry.objects.filter(
                details__mentorship=m.pk,
                action__in=[AuditEntry.Action.END, AuditEntry.Action.REMATCH],
            )
            .select_related("actor")
            .order_by("-at")
            .first()
        )
        if entry:
            text = gettext("Ended by the program team: %(admin)s") % {"admin": _admin(entry.actor)}
        else:
            text = gettext("Ended by the program team")
        return Event(at, "end", text, m.end_note, gettext("Reason"))
    if m.end_reason == Mentorship.EndReason.TERM_ENDED:
        if m.cycle:
            text = gettext("Completed at the end of the term of %(cycle)s") % {
                "cycle": m.cycle.name
            }
        else:
            text = gettext("Completed at the end of the term")
        return Event(at, "end", text)
    side = {"side": names[by] if by in ("mentee", "mentor") else "Kindred"}
    if by in ("mentee", "mentor") and getattr(m, by) is None:
        if by == "mentee":
            return Event(at, "end", gettext("Ended: the mentee left Kindred"))
        return Event(at, "end", gettext("Ended: the mentor left Kindred"))
    if m.end_reason == Mentorship.EndReason.NOT_FOR_ME:
        return Event(
            at,
            "end",
            gettext("%(side)s turned the match down") % side,
            m.end_note,
            gettext("%(side)s's reason") % side,
        )
    said = {**side, "reason": m.get_end_reason_display()}
    if m.status == Status.COMPLETED:
        text = gettext("%(side)s marked it complete: “%(reason)s”") % said
    else:
        text = gettext("%(side)s ended it: “%(reason)s”") % said
    return Event(at, "end", text, m.end_note, gettext("%(side)s added") % side)


def _emails(m: Mentorship, names: Pair) -> list[Event]:
    about = emails.keys_about(m)
    about[told_key(m.pk)] = ("mentee", gettext("back among the suggestions, and why"))
    return [
        Event(
            sent_at,
            "email",
            gettext("Email to %(name)s: %(email)s")
            % {"name": names[about[key][0]], "email": about[key][1]},
        )
        for key, sent_at in SentEmail.objects.filter(key__in=about).values_list("key", "sent_at")
    ]
