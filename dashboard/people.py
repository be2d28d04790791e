"""The People pages: a program's participants found by name, email, role and
state (one query for a page of them, one to count them), and one person as an
admin sees them, with the admin's actions on them (pause, invite again), each
recorded in the audit log."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.core.paginator import Page, Paginator
from django.db import transaction
from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.db.models.functions import Lower
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from matching import sentences
from matching.models import Suggestion
from mentorships import lifecycle
from mentorships.models import Mentorship
from profiles import emails
from profiles.models import (
    INVITATIONS,
    AuditEntry,
    Cycle,
    Profile,
    Program,
    SensitiveAccess,
    SentEmail,
    User,
)
from profiles.taxonomy import COMPONENT_LABELS, Facet, Importance, Role

from . import snapshots
from .figures import CLOSED, FULL, IDLE

PER_PAGE = 50
# Longer histories are cut to their latest rows, the page says how many there are.
SHOWN = 50

MENTOR, MENTEE = Q(role=Role.MENTOR), Q(role=Role.MENTEE)
READY_MENTOR = MENTOR & Q(is_ready=True)
# name → (label, rows in that state): the dashboard's lists link here with these names.
STATES = {
    "waiting": (_("Waiting for a mentor"), MENTEE & Q(is_ready=True, paired=False)),
    "matched": (
        _("Matched (a mentorship under way)"),
        MENTEE & Q(paired=True) | MENTOR & Q(taken__gt=0),
    ),
    "paused": (_("Paused mentors"), READY_MENTOR & Q(is_paused=True)),
    "full": (_("Full mentors"), READY_MENTOR & FULL),
    "idle": (_("Idle mentors: room, no mentee or request"), READY_MENTOR & IDLE),
    "closed": (_("Mentors taking no mentees (capacity 0)"), READY_MENTOR & CLOSED),
}


def with_state(people: QuerySet[Profile]) -> QuerySet[Profile]:
    """Each person with what their state is worked out from: as a mentor, the
    places taken and requests waiting (one join and GROUP BY, as the dashboard
    counts them); as a mentee, whether a mentorship is under way."""
    mine = "mentorships_as_mentor"
    return people.annotate(
        taken=Count(mine, filter=Q(**{f"{mine}__status__in": Mentorship.TAKING_ROOM})),
        pending=Count(mine, filter=Q(**{f"{mine}__status": Mentorship.Status.REQUESTED})),
        paired=Exists(
            Mentorship.objects.filter(mentee=OuterRef("pk"), status__in=Mentorship.PAIRED)
        ),
    )


def found(program: Program, filters: dict, cycle: Cycle | None = None) -> QuerySet[Profile]:
    """The program's people that match ``filters`` (PeopleFilterForm's cleaned
    data; a filter left out or empty is not applied), by name; with ``cycle``,
    those who took part in it (an Enrolment: one per person and cycle)."""
    people = Profile.objects.filter(program=program)
    if cycle is not None:
        people = people.filter(enrolments__cycle=cycle)
    people = with_state(people).select_related("user")
    people = people.search(filters.get("q") or "")
    if role := filters.get("role"):
        people = people.filter(role=role)
    if questionnaire := filters.get("questionnaire"):
        people = people.filter(is_ready=questionnaire == "done")
    if state := filters.get("state"):
        people = people.filter(STATES[state][1])
    people = people.joined_between(filters.get("joined_from"), filters.get("joined_to"))
    if filters.get("invited"):
        people = people.invited_never_logged_in()
    return people.order_by(Lower("display_name"), "pk")


def page_of(
    program: Program, filters: dict, number: str | int | None, cycle: Cycle | None = None
) -> Page:
    page = Paginator(found(program, filters, cycle), PER_PAGE).get_page(number)
    for person in page:
        describe(person)
    return page


def describe(person: Profile) -> Profile:
    """Set ``state`` (in words), ``tone`` (a badge colour) and, for a mentor,
    ``room`` on a person of :func:`with_state`."""
    person.state, person.tone = _state(person)
    person.room = ""
    if person.is_mentor:
        person.room = room_of(person)
    return person


def room_of(mentor: Profile) -> str:
    """ "2 of 3 places free · 1 request waiting", as the list shows a mentor's room."""
    if mentor.capacity == 0:
        return gettext("Capacity set to 0")
    free = max(mentor.capacity - mentor.taken, 0)
    places = ngettext(
        "%(free)s of %(capacity)s place free",
        "%(free)s of %(capacity)s places free",
        mentor.capacity,
    ) % {"free": free, "capacity": mentor.capacity}
    if not mentor.pending:
        return places
    waiting = ngettext(
        "%(count)s request waiting", "%(count)s requests waiting", mentor.pending
    ) % {"count": mentor.pending}
    return f"{places} · {waiting}"


def _state(p: Profile) -> tuple[str, str]:
    if not p.is_ready:
        return gettext("Filling in the questionnaire"), "neutral"
    if p.is_mentee:
        if p.paired:
            return gettext("Matched"), "ok"
        return gettext("Waiting for a mentor"), "warn"
    if p.is_paused:
        return gettext("Paused"), "neutral"
    if p.capacity == 0:
        return gettext("Taking no mentees"), "neutral"
    if p.taken >= p.capacity:
        return gettext("Full"), "info"
    if p.taken:
        return gettext("Mentoring %(count)s, has room") % {"count": p.taken}, "ok"
    return gettext("Has room"), "brand"


# --- one person ----------------------------------------------------------------------------


def person_of(program: Program, profile_id: int) -> Profile | None:
    person = (
        with_state(Profile.objects.filter(program=program, pk=profile_id))
        .select_related("user", "industry")
        .prefetch_related("languages", "goals", "values")
        .first()
    )
    return describe(person) if person else None


def background_of(person: Profile, *, viewer: User) -> dict:
    """The person's background answers, for a viewer allowed to read them; the
    read is recorded (docs/security.md)."""
    SensitiveAccess.open_for(
        viewer=viewer,
        program=person.program,
        profile=person,
        what="background answers, People page",
    )
    return {
        "answers": [t.name for t in person.background.all()],
        "note": person.heritage_note,
        "must_share": [Facet(f).label for f in person.must_share if f in Facet.values],
        "visibility": person.get_background_visibility_display(),
    }


@dataclass
class Listed:
    """One suggestion on a person's page: the other side, and why."""

    other: Profile
    score: float
    rank: int | None
    status: str
    reasons: list[str]
    concerns: list[str]


def suggestions_of(person: Profile, *, background: bool) -> tuple[list[Listed], int]:
    """A mentee's suggestions (listed first, in order; then those dismissed or
    requested), or the mentees who have a mentor in their list, best score first;
    and how many there are in all."""
    if person.is_mentee:
        rows = Suggestion.objects.filter(mentee=person).select_related("mentor")
        rows = rows.order_by("rank", "-score", "pk")
    else:
        rows = Suggestion.objects.filter(mentor=person, status__in=Suggestion.LISTED)
        rows = rows.select_related("mentee").order_by("-score", "pk")
    shown = []
    listed = list(rows[:SHOWN])
    tag_names = sentences.names_of(s.reasons for s in listed)
    for s in listed:
        # Reasons that name background answers are kept from an admin who may not read them.
        reasons, concerns = sentences.split(
            [r for r in s.reasons if background or not sentences.speaks_of_background(r)],
            names=tag_names,
        )
        status = s.get_status_display()
        if s.dismiss_reason:
            status = gettext("Hidden by the mentee: “%(reason)s”") % {
                "reason": s.get_dismiss_reason_display()
            }
        shown.append(
            Listed(
                other=s.mentor if person.is_mentee else s.mentee,
                score=s.score,
                rank=s.rank if s.status in Suggestion.LISTED else None,
                status=status,
                reasons=reasons,
                concerns=concerns,
            )
        )
    return shown, (rows.count() if len(shown) == SHOWN else len(shown))


def closed_how(m: Mentorship) -> str:
    """How a request or mentorship closed, in a few words; "" while it is open.
    (Its whole timeline is on the mentorship's own admin page.)"""
    S = Mentorship.Status
    if m.status == S.DECLINED:
        if m.ended_by != "mentor":
            return gettext("Closed: the mentor had no room or paused")
        return gettext("Declined: “%(reason)s”") % {"reason": m.get_decline_reason_display()}
    if m.status == S.EXPIRED:
        return gettext("Expired: not answered within two weeks")
    if m.status == S.WITHDRAWN:
        if m.superseded_by_id:
            return gettext("Closed: the mentee was paired meanwhile")
        return gettext("Withdrawn")
    if m.status in (S.ENDED, S.COMPLETED):
        ends = ENDED_BY[m.status == S.COMPLETED]
        said = ends.get(m.ended_by, ends[""])
        return said % {"reason": m.get_end_reason_display()}
    return ""


# How a mentorship ended, by whether it completed and who ended it.
ENDED_BY = {
    True: {
        "mentee": _("Completed by the mentee: “%(reason)s”"),
        "mentor": _("Completed by the mentor: “%(reason)s”"),
        "admin": _("Completed by the program team: “%(reason)s”"),
        "": _("Completed: “%(reason)s”"),
    },
    False: {
        "mentee": _("Ended by the mentee: “%(reason)s”"),
        "mentor": _("Ended by the mentor: “%(reason)s”"),
        "admin": _("Ended by the program team: “%(reason)s”"),
        "": _("Ended: “%(reason)s”"),
    },
}


def mentorships_of(person: Profile) -> tuple[list[Mentorship], int]:
    """Their requests and mentorships, latest first, each with the ``other``
    side, how it closed and its check-ins."""
    rows = (
        Mentorship.objects.filter(Q(mentee=person) | Q(mentor=person))
        .select_related("mentee", "mentor", "created_by")
        .prefetch_related("check_ins")
        .order_by("-requested_at", "-pk")
    )
    shown = list(rows[:SHOWN])
    for m in shown:
        m.other = m.other_side(person)
        m.closed_how = closed_how(m)
    return shown, (rows.count() if len(shown) == SHOWN else len(shown))


# What each email of the outbox is, by the start of its key (*/emails.py, digest.py).
EMAILS = {
    "welcome": _("Welcome, or the invitation to choose a password"),
    "invitation": _("Invitation sent again"),
    "request-received": _("A mentee's request"),
    "request-answered": _("Their request was accepted"),
    "clock": _("Reminder of requests waiting, or a check-in prompt"),
    "matched": _("Matched by the program"),
    "ended": _("A mentorship was ended"),
    "left": _("A mentee left Kindred"),
    "paused": _("The mentor they asked has paused"),
    "suggestions-ready": _("Their suggestions are ready"),
    "returned": _("Back among the suggestions, and why"),
    "digest": _("The admins' weekly digest"),
}
# Keys that mark news as told inside another email; no email of their own.
MARKERS = ("told:",)


def email_in_words(key: str) -> str:
    kind = key.split(":", 1)[0]
    if kind == "clock":
        if key.split(":")[2:3] and key.split(":")[2].startswith("r"):
            return gettext("Reminder of requests waiting for their answer")
        return gettext("Asked for a check-in")
    return str(EMAILS.get(kind, gettext("Another email")))


def emails_of(user: User) -> tuple[list[tuple[datetime, str]], int]:
    rows = SentEmail.objects.filter(to=user)
    for marker in MARKERS:
        rows = rows.exclude(key__startswith=marker)
    rows = rows.order_by("-sent_at", "-pk")
    shown = [
        (sent_at, email_in_words(key))
        for key, sent_at in rows.values_list("key", "sent_at")[:SHOWN]
    ]
    return shown, (rows.count() if len(shown) == SHOWN else len(shown))


def audit_of(person: Profile) -> list[AuditEntry]:
    """The admins' actions that name this person."""
    return list(
        AuditEntry.objects.filter(program_id=person.program_id)
        .filter(
            Q(details__profile=person.pk)
            | Q(details__mentee=person.pk)
            | Q(details__mentor=person.pk)
        )
        .select_related("actor")[:SHOWN]
    )


def person_page(person: Profile, *, viewer: User, show_background: bool) -> dict:
    """Everything the person's admin page shows. Background answers only for a
    viewer allowed to read them who asked to (``show_background``), on the record."""
    may_read = SensitiveAccess.allowed(viewer, person.program)
    background = background_of(person, viewer=viewer) if may_read and show_background else None
    listed, listed_count = suggestions_of(person, background=background is not None)
    mentorships, mentorships_count = mentorships_of(person)
    sent, sent_count = emails_of(person.user)
    return {
        "person": person,
        "may_read_background": may_read,
        # Times to the minute only for those who may read background answers; others see the
        # day, as in the exports (docs/security.md, "Linkage").
        "exact": may_read,
        "background": background,
        "listed": listed,
        "listed_count": listed_count,
        "mentorships": mentorships,
        "mentorships_count": mentorships_count,
        "sent": sent,
        "sent_count": sent_count,
        "audit": audit_of(person),
        "may_be_invited": may_be_invited(person),
        "invited": was_invited(person),
        "waiting": person.is_mentee and person.is_ready and not person.paired,
        "importances": [
            (COMPONENT_LABELS[c], Importance(v).label) for c, v in person.importances().items()
        ]
        # Asked with the logistics step: until it is saved they are only defaults.
        if person.is_mentee and "logistics" in person.steps_done
        else [],
    }


# --- actions -------------------------------------------------------------------------------


def may_be_invited(person: Profile) -> bool:
    return emails.may_be_invited(person.user)


def was_invited(person: Profile) -> bool:
    return SentEmail.objects.filter(INVITATIONS, to=person.user_id).exists()


def invitations_sent_again(person: Profile) -> int:
    """How many times an admin has sent this person's invitation again: the
    confirmation form carries it, so that a second click of the same form is seen
    as the same request."""
    return AuditEntry.objects.filter(
        program_id=person.program_id, action=AuditEntry.Action.INVITE, details__profile=person.pk
    ).count()


@transaction.atomic
def invite_again(*, person: Profile, by: User, seen: int) -> bool:
    """Send the invitation again, once for each confirmation form: ``seen`` is
    the count of earlier resends the form was shown with; if another resend has
    happened since (the same form sent twice), nothing is sent and False."""
    person = Profile.objects.select_for_update().select_related("user").get(pk=person.pk)
    again = invitations_sent_again(person)
    if again != seen or not may_be_invited(person):
        return False
    AuditEntry.record(
        program=person.program,
        actor=by,
        action=AuditEntry.Action.INVITE,
        summary=f"Sent {person.name}'s invitation again ({person.user.email})",
        details={"profile": person.pk, "again": again + 1},
    )
    emails.invitation.delay_on_commit(person.user_id, person.program_id, again + 1)
    return True


@transaction.atomic
def set_paused(*, person: Profile, by: User, paused: bool, reason: str = "") -> bool:
    """Pause a mentor (no new requests; the mentees waiting on them are told) or
    resume them; False if they already were. The mentor's own setting, as their
    home page sets it (lifecycle.set_availability)."""
    mentor = Profile.objects.select_for_update().get(pk=person.pk, role=Role.MENTOR)
    if mentor.is_paused == paused:
        return False
    lifecycle.set_availability(mentor=mentor, capacity=mentor.capacity, paused=paused)
    AuditEntry.record(
        program=mentor.program,
        actor=by,
        action=AuditEntry.Action.PAUSE,
        summary=f"{'Paused' if paused else 'Resumed'} {mentor.name} (mentor)",
        reason=reason,
        details={"profile": mentor.pk, "paused": paused},
    )
    snapshots.changed(mentor.program)
    return True
