"""A mentorship's agreement: every transition, with its rules (docs/mentorships.md).

The mentee writes it (goals chosen from their profile, what success looks like in
their words, where they stand today, how often to meet, for how long, what stays
between the two), saves drafts only they see, and proposes it; the mentor confirms
it or suggests changes with a note, which sends it back to the mentee to revise and
propose again. Every proposed version is kept. Once agreed, the mentee rates their
progress on each goal (the rating at agreement kept as the start, every change
dated) and marks goals done. A revision proposed later leaves the agreed version in
force until the mentor confirms it.

Each function is one transition in one transaction: the mentorship's row is locked
first, then the agreement's. Input the rules cannot take raises
:class:`~mentorships.exceptions.Invalid` (by field); a transition refused for the
state or the side raises :class:`~mentorships.exceptions.Refused`; nothing is
written either way. The other side's email is queued for after the commit.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from profiles.models import Profile, Tag
from profiles.taxonomy import TagKind

from . import emails
from .exceptions import Invalid, Refused
from .models import (
    AGREEMENT_MAX_GOALS,
    CONFIDENTIALITY_MAX_LENGTH,
    SUCCESS_MAX_LENGTH,
    SUGGESTION_MAX_LENGTH,
    Agreement,
    AgreementGoal,
    AgreementVersion,
    GoalProgress,
    Mentorship,
    ProgressUpdate,
    Rating,
)

Status = Agreement.Status

# What the form offers until the mentee writes their own.
DEFAULT_CADENCE = AgreementVersion.Cadence.FORTNIGHTLY
DEFAULT_DURATION = AgreementVersion.Duration.SIX
DEFAULT_CONFIDENTIALITY = _(
    "What we share about our lives, families, backgrounds and workplaces stays between "
    "the two of us. Either of us may pass on what we learn, without names or details that "
    "point to the other. If one of us is worried about someone's safety, we may ask the "
    "program team for help."
)


@dataclass(frozen=True)
class GoalTerms:
    """One goal as the mentee words it: the goal tag's slug, what success looks
    like, and where they stand today (1–5)."""

    goal: str
    success: str
    rating: int


@dataclass(frozen=True)
class Terms:
    goals: list[GoalTerms]
    cadence_weeks: int
    duration_months: int
    confidentiality: str


def check_terms(mentee: Profile, terms: Terms) -> list[tuple[Tag, GoalTerms]]:
    """The goals' tags with their terms, or :class:`Invalid` naming every problem
    (``goals``, ``goals.<i>.goal|success|rating``, ``cadence_weeks``,
    ``duration_months``, ``confidentiality``)."""
    errors: dict[str, list[str]] = {}

    def fail(field: str, message: str) -> None:
        errors.setdefault(field, []).append(message)

    offered = {tag.slug: tag for tag in mentee.goals.all()}
    if not terms.goals:
        fail("goals", gettext("Choose at least one goal to work on."))
    elif len(terms.goals) > AGREEMENT_MAX_GOALS:
        fail(
            "goals",
            ngettext(
                "Choose at most %(count)s goal: a few, worked on well, go further.",
                "Choose at most %(count)s goals: a few, worked on well, go further.",
                AGREEMENT_MAX_GOALS,
            )
            % {"count": AGREEMENT_MAX_GOALS},
        )
    chosen: list[tuple[Tag, GoalTerms]] = []
    seen: set[str] = set()
    for i, term in enumerate(terms.goals):
        tag = offered.get(term.goal)
        if term.goal in seen:
            fail(
                f"goals.{i}.goal",
                gettext("%(goal)s is chosen twice.") % {"goal": tag.name if tag else term.goal},
            )
        elif tag is None:
            fail(f"goals.{i}.goal", _not_offered(term.goal))
        else:
            chosen.append((tag, term))
        seen.add(term.goal)
        success = term.success.strip()
        if not success:
            fail(f"goals.{i}.success", gettext("Say what success looks like, in your own words."))
        elif len(success) > SUCCESS_MAX_LENGTH:
            fail(f"goals.{i}.success", _too_long(success, SUCCESS_MAX_LENGTH))
        if not _is_rating(term.rating):
            fail(f"goals.{i}.rating", gettext("Choose where you are today, from 1 to 5."))
    if terms.cadence_weeks not in AgreementVersion.Cadence.values:
        fail("cadence_weeks", gettext("Choose to meet every 1, 2 or 4 weeks."))
    if terms.duration_months not in AgreementVersion.Duration.values:
        fail("duration_months", gettext("Choose 3, 6 or 12 months."))
    confidentiality = terms.confidentiality.strip()
    if len(confidentiality) > CONFIDENTIALITY_MAX_LENGTH:
        fail("confidentiality", _too_long(confidentiality, CONFIDENTIALITY_MAX_LENGTH))
    if errors:
        raise Invalid(errors)
    return chosen


def _not_offered(slug: str) -> str:
    known = Tag.objects.filter(kind=TagKind.GOAL, slug=slug).first()
    if known is None:
        return gettext("There is no goal called “%(goal)s”.") % {"goal": slug}
    return gettext("%(goal)s is not among the goals on your profile: add it there first.") % {
        "goal": known.name
    }


def _too_long(text: str, limit: int) -> str:
    return ngettext(
        "Keep it to %(limit)s character (this has %(length)s).",
        "Keep it to %(limit)s characters (this has %(length)s).",
        limit,
    ) % {"limit": limit, "length": len(text)}


def _is_rating(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value in Rating.values


# --- locks and rules shared by every transition ----------------------------------------


def _lock(mentorship: Mentorship) -> tuple[Mentorship, Agreement | None]:
    m = (
        Mentorship.objects.select_for_update(of=("self",))
        .select_related("mentee", "mentor")
        .get(pk=mentorship.pk)
    )
    agreement = Agreement.objects.select_for_update().filter(mentorship=m).first()
    return m, agreement


def _side(m: Mentorship, by: Profile, wanted: str, refusal: str) -> None:
    if by is None or by.pk not in (m.mentee_id, m.mentor_id):
        raise Refused(gettext("Only the two people in this mentorship can change its agreement."))
    if m.side_of(by) != wanted:
        raise Refused(refusal)
    if m.status in Mentorship.CLOSED:
        raise Refused(
            gettext(
                "This mentorship has ended: its agreement stays as it was and can no longer change."
            )
        )
    if m.status not in Mentorship.PAIRED:
        raise Refused(gettext("The agreement is written once the mentorship is under way."))


def _name(profile: Profile | None, fallback: str) -> str:
    return profile.name if profile else fallback


def _as_mentee(m: Mentorship, by: Profile) -> None:
    mentee = _name(m.mentee, gettext("the mentee"))
    _side(
        m,
        by,
        "mentee",
        gettext(
            "The agreement is %(mentee)s's to write: they choose the goals. "
            "You confirm it, or suggest changes, once they propose it."
        )
        % {"mentee": mentee},
    )


def _as_mentor(m: Mentorship, by: Profile) -> None:
    mentor = _name(m.mentor, gettext("the mentor"))
    _side(
        m,
        by,
        "mentor",
        gettext("You propose the agreement: it is for %(mentor)s to answer it.")
        % {"mentor": mentor},
    )


def _latest(agreement: Agreement) -> AgreementVersion | None:
    return agreement.versions.order_by("-number").first()


def _settle(agreement: Agreement) -> Agreement | None:
    """Set the agreement's status from its latest version (none left: it goes)."""
    latest = _latest(agreement)
    if latest is None:
        agreement.delete()
        return None
    if latest.is_draft:
        agreement.status = Status.DRAFT
    elif latest.answer == AgreementVersion.Answer.CHANGES:
        agreement.status = Status.CHANGES
    elif latest.answer == AgreementVersion.Answer.AGREED:
        agreement.status = Status.AGREED
    else:
        agreement.status = Status.PROPOSED
    agreement.updated_at = timezone.now()
    agreement.save(update_fields=["status", "agreed", "updated_at"])
    return agreement


# --- the mentee writes and proposes -----------------------------------------------------


def _check_write(m: Mentorship, agreement: Agreement | None, by: Profile) -> None:
    _as_mentee(m, by)
    if agreement is not None and agreement.status == Status.PROPOSED:
        raise Refused(
            gettext(
                "Your proposal is waiting for %(mentor)s's answer: "
                "you can revise it once they have answered."
            )
            % {"mentor": _name(m.mentor, gettext("your mentor"))}
        )


def may_write(*, mentorship: Mentorship, by: Profile) -> None:
    """Raises :class:`Refused` if ``by`` may not write the agreement now (a page asks
    before it shows the form)."""
    _check_write(mentorship, Agreement.objects.filter(mentorship=mentorship).first(), by)


def _write(m: Mentorship, agreement: Agreement | None, by: Profile, terms: Terms):
    _check_write(m, agreement, by)
    chosen = check_terms(m.mentee, terms)
    agreement = agreement or Agreement.objects.create(mentorship=m)
    draft = agreement.versions.filter(proposed_at__isnull=True).first()
    if draft is None:
        number = (agreement.versions.aggregate(n=Max("number"))["n"] or 0) + 1
        draft = AgreementVersion(agreement=agreement, number=number)
    draft.written_by = by
    draft.cadence_weeks = terms.cadence_weeks
    draft.duration_months = terms.duration_months
    draft.confidentiality = terms.confidentiality.strip()
    draft.created_at = timezone.now()
    draft.save()
    draft.goals.all().delete()
    AgreementGoal.objects.bulk_create(
        AgreementGoal(
            version=draft,
            goal=tag,
            success=term.success.strip(),
            starting_rating=term.rating,
            position=position,
        )
        for position, (tag, term) in enumerate(chosen)
    )
    return agreement, draft


@transaction.atomic
def save_draft(*, mentorship: Mentorship, by: Profile, terms: Terms) -> AgreementVersion:
    """The mentee saves what they have written, seen by them alone until proposed."""
    m, agreement = _lock(mentorship)
    agreement, draft = _write(m, agreement, by, terms)
    _settle(agreement)
    return draft


@transaction.atomic
def propose(*, mentorship: Mentorship, by: Profile, terms: Terms) -> AgreementVersion:
    """The mentee proposes these terms to their mentor, who is emailed."""
    m, agreement = _lock(mentorship)
    agreement, version = _write(m, agreement, by, terms)
    version.proposed_at = timezone.now()
    version.save(update_fields=["proposed_at"])
    _settle(agreement)
    emails.agreement_proposed.delay_on_commit(version.pk)
    return version


@transaction.atomic
def discard_draft(*, mentorship: Mentorship, by: Profile) -> None:
    """The mentee drops a draft never proposed; what was proposed before stays."""
    m, agreement = _lock(mentorship)
    _as_mentee(m, by)
    draft = agreement and agreement.versions.filter(proposed_at__isnull=True).first()
    if not draft:
        raise Refused(gettext("There is no draft to discard."))
    draft.delete()
    _settle(agreement)


# --- the mentor answers ---------------------------------------------------------------


def _waiting(m: Mentorship, agreement: Agreement | None) -> tuple[Agreement, AgreementVersion]:
    if agreement is None or agreement.status != Status.PROPOSED:
        mentee = _name(m.mentee, gettext("your mentee"))
        raise Refused(
            gettext("There is no proposal from %(mentee)s waiting for your answer.")
            % {"mentee": mentee}
        )
    return agreement, _latest(agreement)


@transaction.atomic
def confirm(*, mentorship: Mentorship, by: Profile) -> AgreementVersion:
    """The mentor confirms the proposal: it is the agreement in force, and each of
    its goals starts its progress from the rating the mentee gave it (a goal already
    under way from an earlier version keeps its own)."""
    m, agreement = _lock(mentorship)
    _as_mentor(m, by)
    agreement, version = _waiting(m, agreement)
    now = timezone.now()
    version.answer, version.answered_by, version.answered_at = (
        AgreementVersion.Answer.AGREED,
        by,
        now,
    )
    version.save(update_fields=["answer", "answered_by", "answered_at"])
    agreement.agreed = version
    for goal in version.goals.all():
        progress, created = GoalProgress.objects.get_or_create(
            agreement=agreement,
            goal_id=goal.goal_id,
            defaults={
                "start_rating": goal.starting_rating,
                "rating": goal.starting_rating,
                "started_at": now,
                "updated_at": now,
            },
        )
        if created:
            ProgressUpdate.objects.create(
                progress=progress,
                kind=ProgressUpdate.Kind.STARTED,
                rating=goal.starting_rating,
                at=now,
            )
    _settle(agreement)
    emails.agreement_agreed.delay_on_commit(version.pk)
    return version


@transaction.atomic
def suggest_changes(*, mentorship: Mentorship, by: Profile, note: str) -> AgreementVersion:
    """The mentor sends the proposal back with a note; the mentee revises it."""
    m, agreement = _lock(mentorship)
    _as_mentor(m, by)
    agreement, version = _waiting(m, agreement)
    note = note.strip()
    if not note:
        raise Invalid({"note": [gettext("Say what you would change, so that they can revise it.")]})
    if len(note) > SUGGESTION_MAX_LENGTH:
        raise Invalid({"note": [_too_long(note, SUGGESTION_MAX_LENGTH)]})
    version.answer, version.answered_by, version.answered_at = (
        AgreementVersion.Answer.CHANGES,
        by,
        timezone.now(),
    )
    version.suggestion = note
    version.save(update_fields=["answer", "answered_by", "answered_at", "suggestion"])
    _settle(agreement)
    emails.agreement_changes.delay_on_commit(version.pk)
    return version


# --- progress on the goals agreed ---------------------------------------------------------


def _agreed_goal(m: Mentorship, agreement: Agreement | None, goal: str) -> GoalProgress:
    if agreement is None or agreement.agreed_id is None:
        raise Refused(
            gettext("Progress is rated on agreed goals: your agreement is not agreed yet.")
        )
    progress = (
        GoalProgress.objects.select_for_update()
        .select_related("goal")
        .filter(
            agreement=agreement,
            goal__slug=goal,
            goal_id__in=agreement.agreed.goals.values("goal_id"),
        )
        .first()
    )
    if progress is None:
        raise Invalid(
            {"goal": [gettext("“%(goal)s” is not one of the goals you agreed.") % {"goal": goal}]}
        )
    return progress


def _as_owner(m: Mentorship, by: Profile) -> None:
    mentee = _name(m.mentee, gettext("the mentee"))
    _side(
        m,
        by,
        "mentee",
        gettext("Progress is %(mentee)s's to rate: it is how they see their own goals.")
        % {"mentee": mentee},
    )


@transaction.atomic
def rate_goal(*, mentorship: Mentorship, by: Profile, goal: str, rating: int) -> GoalProgress:
    """The mentee says where they stand on an agreed goal now (a rating equal to the
    latest changes nothing)."""
    m, agreement = _lock(mentorship)
    _as_owner(m, by)
    if not _is_rating(rating):
        raise Invalid({"rating": [gettext("Choose where you are now, from 1 to 5.")]})
    progress = _agreed_goal(m, agreement, goal)
    if rating != progress.rating:
        now = timezone.now()
        progress.rating, progress.updated_at = rating, now
        progress.save(update_fields=["rating", "updated_at"])
        ProgressUpdate.objects.create(
            progress=progress, kind=ProgressUpdate.Kind.RATED, rating=rating, at=now
        )
    return progress


@transaction.atomic
def mark_done(*, mentorship: Mentorship, by: Profile, goal: str, done: bool) -> GoalProgress:
    """The mentee marks an agreed goal done, or not done after all (marking it as
    it already is changes nothing)."""
    m, agreement = _lock(mentorship)
    _as_owner(m, by)
    progress = _agreed_goal(m, agreement, goal)
    if done != progress.is_done:
        now = timezone.now()
        progress.done_at, progress.updated_at = (now if done else None), now
        progress.save(update_fields=["done_at", "updated_at"])
        ProgressUpdate.objects.create(
            progress=progress,
            kind=ProgressUpdate.Kind.DONE if done else ProgressUpdate.Kind.UNDONE,
            rating=progress.rating,
            at=now,
        )
    return progress
