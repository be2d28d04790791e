"""Matching people by hand, and re-matching a mentee whose mentorship struggled:
what the admin sees before they act (people found as they type, a pair weighed
with every rule it would set aside, a mentee's best mentors with room) and the
actions themselves, each on the record (the audit log, in lifecycle)."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import QuerySet
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext

from matching import pairs, sentences
from matching.models import Suggestion
from mentorships import lifecycle
from mentorships.models import Mentorship
from profiles.forms import facet_list
from profiles.models import Profile, Program, SensitiveAccess, User
from profiles.taxonomy import Facet, Role

from . import snapshots
from .people import describe, with_state

SHOWN = 8


def ready(program: Program, role: str) -> QuerySet[Profile]:
    """Ready people of the program, each with their state (``dashboard.people``)."""
    people = with_state(Profile.objects.filter(program=program, role=role, is_ready=True))
    return people.select_related("user")


def eligible(program: Program, role: str) -> QuerySet[Profile]:
    """Who is found to match by hand: ready people; mentees without a mentorship under way."""
    people = ready(program, role)
    return people.filter(paired=False) if role == Role.MENTEE else people


@dataclass
class Found:
    people: list[Profile]
    count: int  # found in all, of which the first SHOWN are in ``people``
    text: str
    chosen: Profile | None = None  # kept first, whatever the text, so a choice survives typing


def find(program: Program, role: str, text: str, chosen_id: int | None = None) -> Found:
    """People of ``role`` whose name or email holds ``text``; the chosen one first
    (even a mentee matched meanwhile, whom the pair then says cannot be matched)."""
    text = " ".join(text.split())[:100]
    people = eligible(program, role)
    chosen = ready(program, role).filter(pk=chosen_id).first() if chosen_id else None
    matching = people.search(text).order_by(Lower("display_name"), "pk") if text else people.none()
    if chosen is not None:
        matching = matching.exclude(pk=chosen.pk)
    shown = [describe(p) for p in ([chosen] if chosen else []) + list(matching[:SHOWN])]
    count = matching.count() if text else 0
    return Found(people=shown, count=count, text=text, chosen=chosen)


def may_read_background(user: User, program: Program) -> bool:
    return SensitiveAccess.allowed(user, program)


@dataclass
class Rule:
    """A rule the match sets aside, in words; ``detail`` names the background
    must-haves it is about, for an admin who may read them."""

    code: str
    text: str
    detail: str = ""


@dataclass
class Preview:
    mentee: Profile
    mentor: Profile
    fit: pairs.Fit
    rules: list[Rule] = field(default_factory=list)
    # Why the two cannot be matched at all (a mentee with a mentor, one person).
    blocker: str = ""
    # Facts worth knowing: the pair in the mentee's list, a request waiting.
    notes: list[str] = field(default_factory=list)


def preview(*, mentee: Profile, mentor: Profile, viewer: User) -> Preview:
    """The pair as the admin weighs it: score and reasons, the mentor's room,
    every rule the match would set aside. Reading background answers (a shared
    background, which must-haves are unmet) is recorded."""
    mentee, mentor = _described(mentee), _described(mentor)
    reveal = may_read_background(viewer, mentee.program)
    fit = pairs.weigh(mentee=mentee, mentor=mentor, reveal_background=reveal)
    shown = Preview(mentee=mentee, mentor=mentor, fit=fit)
    if mentee.user_id == mentor.user_id or "same_person" in fit.unmet:
        shown.blocker = gettext("%(mentee)s cannot be their own mentor.") % {"mentee": mentee.name}
        return shown
    current = (
        Mentorship.objects.filter(mentee=mentee, status__in=Mentorship.PAIRED)
        .select_related("mentor")
        .first()
    )
    if current is not None:
        shown.blocker = gettext(
            "%(mentee)s already has a mentor, %(mentor)s: end that mentorship first."
        ) % {"mentee": mentee.name, "mentor": current.mentor.name if current.mentor else ""}
        return shown
    for rule in lifecycle.rule_breaks(mentee, mentor, fit.score, fit.unmet):
        private = [f for f in rule.facets if f != Facet.LANGUAGE]
        detail = facet_list(private) if reveal else ""
        shown.rules.append(Rule(rule.code, rule.text, detail))
    shown.notes = _notes(mentee, mentor)
    revealed = any(r.detail for r in shown.rules) or (
        fit.explanation is not None
        and any(sentences.speaks_of_background(r) for r in fit.explanation.reasons)
    )
    if revealed:
        for person in (mentee, mentor):
            SensitiveAccess.record(
                viewer=viewer,
                program=person.program,
                profile=person,
                what=f"shared background of {mentee.name} and {mentor.name}, manual match",
            )
    return shown


def _described(person: Profile) -> Profile:
    """The person again, with their state and room in words."""
    return describe(with_state(Profile.objects.filter(pk=person.pk)).select_related("user").get())


def _notes(mentee: Profile, mentor: Profile) -> list[str]:
    notes = []
    listed = Suggestion.objects.for_mentee(mentee).listed().filter(mentor=mentor).first()
    if listed is not None and listed.rank:
        notes.append(
            gettext("%(mentor)s is number %(rank)s in %(mentee)s's suggestions.")
            % {"mentor": mentor.name, "rank": listed.rank, "mentee": mentee.name}
        )
    asked = Mentorship.objects.filter(
        mentee=mentee, mentor=mentor, status=Mentorship.Status.REQUESTED
    ).first()
    if asked is not None:
        day = date_format(timezone.localtime(asked.requested_at), "j M")
        notes.append(
            gettext("%(mentee)s asked %(mentor)s on %(day)s: this match accepts that request.")
            % {"mentee": mentee.name, "mentor": mentor.name, "day": day}
        )
    return notes


def match(*, program: Program, mentee: Profile, mentor: Profile, by: User, reason: str):
    """Match the two by hand (lifecycle.match_by_admin: the rules weighed again
    with both rows locked; refused in words, nothing saved)."""
    fit = pairs.weigh(mentee=mentee, mentor=mentor, reveal_background=False)
    m = lifecycle.match_by_admin(
        mentee=mentee, mentor=mentor, by=by, score=fit.score, unmet=fit.unmet, reason=reason
    )
    snapshots.changed(program)
    return m


def matched_already(mentee: Profile, mentor: Profile) -> bool:
    """The two are paired now: a second click on "Match" finds its work done."""
    return Mentorship.objects.filter(
        mentee=mentee, mentor=mentor, status__in=Mentorship.PAIRED
    ).exists()


# --- re-matching ----------------------------------------------------------------------------


@dataclass
class Option:
    """A mentor a re-matched mentee could go to next."""

    mentor: Profile
    fit: pairs.Fit
    match_url: str


def next_mentors(*, program: Program, mentee: Profile, viewer: User) -> list[Option]:
    """The mentee's best mentors with room, as the admin reads them, each with
    the manual match page for the pair."""
    reveal = may_read_background(viewer, program)
    best = pairs.best_available(mentee=mentee, reveal_background=reveal)
    mentors = {
        p.pk: describe(p)
        for p in with_state(Profile.objects.filter(pk__in=[m.pk for m, _ in best])).select_related(
            "user"
        )
    }
    page = reverse("dashboard:manual_match", args=[program.slug, mentee.pk])
    options = [
        Option(mentor=mentors[m.pk], fit=fit, match_url=f"{page}?mentor={m.pk}")
        for m, fit in best
        if m.pk in mentors
    ]
    if reveal and any(
        sentences.speaks_of_background(r) for o in options for r in o.fit.explanation.reasons
    ):
        SensitiveAccess.record(
            viewer=viewer,
            program=program,
            profile=mentee,
            what=f"shared background of {mentee.name}, re-match",
        )
    return options


def rematch(*, program: Program, mentorship: Mentorship, by: User, reason: str) -> None:
    """End a struggling mentorship so its mentee can be matched again, on the record."""
    lifecycle.rematch(mentorship=mentorship, by=by, reason=reason)
    snapshots.changed(program)
