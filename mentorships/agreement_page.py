"""What the mentorship page and the agreement's own page show of the agreement and
the guides, gathered for their templates (one side's view: a draft is its writer's
alone)."""

from __future__ import annotations

import calendar
from dataclasses import dataclass, field
from datetime import date, datetime

from django.db.models import Prefetch
from django.utils import timezone

from profiles.models import Profile, Tag

from . import agreements, guides
from .exceptions import Refused
from .forms import SuggestChangesForm
from .models import (
    Agreement,
    AgreementGoal,
    AgreementVersion,
    GoalProgress,
    Meeting,
    Mentorship,
    ProgressUpdate,
    Rating,
)


@dataclass
class GoalInForce:
    """A goal of the agreement in force, with the mentee's progress on it."""

    terms: AgreementGoal
    progress: GoalProgress | None

    @property
    def updates(self) -> list[ProgressUpdate]:
        return list(self.progress.updates.all()) if self.progress else []


@dataclass
class AgreementView:
    """The agreement as one side of the pair sees it."""

    side: str
    agreement: Agreement | None = None
    agreed: AgreementVersion | None = None
    in_force: list[GoalInForce] = field(default_factory=list)
    # The latest version when it is not the one in force: a draft (its writer
    # only), a proposal waiting for the mentor, or one sent back with changes.
    pending: AgreementVersion | None = None
    history: list[AgreementVersion] = field(default_factory=list)
    started: datetime | None = None
    can_change: bool = False
    # The day the program's round ends for this pair (the mentorship's closing day,
    # or its cycle's end): an agreed duration may run past it.
    term_ends: date | None = None

    @property
    def is_mentee(self) -> bool:
        return self.side == "mentee"

    @property
    def runs_until(self) -> date | None:
        """When the agreed duration is up, counted from the first agreement."""
        if self.agreed is None or self.started is None:
            return None
        return add_months(timezone.localdate(self.started), self.agreed.duration_months)

    @property
    def outlasts_term(self) -> bool:
        """The agreed duration runs past the round's end, when the mentorship closes
        unless both choose to go on (mentorships/terms.py)."""
        until = self.runs_until
        return bool(until and self.term_ends and until > self.term_ends)

    @property
    def can_write(self) -> bool:
        """The mentee may start, continue or revise it (not while a proposal waits)."""
        waiting = self.pending is not None and self.pending.proposed_at and not self.pending.answer
        return self.can_change and self.is_mentee and not waiting

    @property
    def waiting_for_mentor(self) -> bool:
        return bool(self.pending and self.pending.proposed_at and not self.pending.answer)


def add_months(day: date, months: int) -> date:
    year, month = divmod(day.month - 1 + months, 12)
    year, month = day.year + year, month + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def _versions(agreement: Agreement) -> list[AgreementVersion]:
    return list(
        agreement.versions.select_related("written_by", "answered_by").prefetch_related(
            Prefetch("goals", queryset=AgreementGoal.objects.select_related("goal"))
        )
    )


def view(m: Mentorship, me: Profile) -> AgreementView:
    side = m.side_of(me)
    term_ends = m.closing_on or (m.cycle.ends_on if m.cycle_id else None)
    found = AgreementView(side=side, can_change=m.is_paired, term_ends=term_ends)
    agreement = Agreement.objects.filter(mentorship=m).first()
    if agreement is None:
        return found
    versions = _versions(agreement)
    if side != "mentee":
        versions = [v for v in versions if not v.is_draft]
    if not versions:  # a draft the mentor may not see yet
        return found
    found.agreement = agreement
    found.history = [v for v in versions if not v.is_draft]
    found.agreed = next((v for v in versions if v.pk == agreement.agreed_id), None)
    if versions[-1] is not found.agreed:
        found.pending = versions[-1]
    if found.agreed is not None:
        progress = {
            p.goal_id: p
            for p in agreement.progress.prefetch_related(
                Prefetch("updates", queryset=ProgressUpdate.objects.order_by("at", "pk"))
            )
        }
        found.in_force = [GoalInForce(g, progress.get(g.goal_id)) for g in found.agreed.goals.all()]
        found.started = next(v.answered_at for v in versions if v.answer == "agreed")
    return found


def workspace(m: Mentorship, me: Profile) -> dict:
    """The agreement's card and the guides, for the mentorship page."""
    if m.started_at is None:  # a request, never a mentorship
        return {"agreement": None, "guides": []}
    shown = view(m, me)
    if shown.agreed is not None:
        goals = [g.terms.goal for g in shown.in_force]
        # The first session's guide stays until they have held a meeting: many agree on
        # paper before they first talk.
        met = m.meetings.filter(status=Meeting.Status.HELD).exists()
        pair_guides = guides.for_pair(m.program, goals, first_session=not met)
    elif m.is_paired:
        goals = list(m.mentee.goals.all()) if m.mentee else []
        pair_guides = guides.for_pair(m.program, goals, first_session=True)
    else:
        pair_guides = []
    return {
        "agreement": shown,
        "guides": pair_guides,
        "agreement_ratings": Rating.choices,
        "suggest_changes_form": SuggestChangesForm(auto_id="suggest-%s"),
    }


def initial_terms(m: Mentorship, offered: list[Tag]) -> dict:
    """What the form starts from: the draft, else the latest version (today's rating
    of a goal under way is its latest), else Kindred's suggestions."""
    agreement = Agreement.objects.filter(mentorship=m).first()
    latest = _versions(agreement)[-1] if agreement else None
    initial: dict = {
        "cadence_weeks": agreements.DEFAULT_CADENCE,
        "duration_months": agreements.DEFAULT_DURATION,
        "confidentiality": agreements.DEFAULT_CONFIDENTIALITY,
    }
    if latest is None:
        return initial
    progress = dict(agreement.progress.values_list("goal_id", "rating"))
    initial.update(
        cadence_weeks=latest.cadence_weeks,
        duration_months=latest.duration_months,
        confidentiality=latest.confidentiality,
    )
    offered_ids = {tag.pk for tag in offered}
    for goal in latest.goals.all():
        if goal.goal_id in offered_ids:
            slug = goal.goal.slug
            initial[f"goal_{slug}"] = True
            initial[f"success_{slug}"] = goal.success
            rating = goal.starting_rating if latest.is_draft else progress.get(goal.goal_id)
            initial[f"rating_{slug}"] = rating or goal.starting_rating
    return initial


def refusal_to_write(m: Mentorship, me: Profile) -> str | None:
    """Why this person may not write the agreement now, in words; None if they may."""
    try:
        agreements.may_write(mentorship=m, by=me)
    except Refused as refused:
        return str(refused)
    return None
