"""The close-out survey: each side of a mentorship that completed or ended after it
had started is asked, once, how it went (docs/outcomes.md, "The close-out survey").

:func:`ask` makes one :class:`CloseOut` per side still on Kindred, each with a row
per goal of the agreement in force (the rating that goal started from beside it),
and emails each side once. ``receivers.ask_how_it_went`` queues it as any closing
transition commits (an end by either side or the program team, a match turned
down, a departure, the end of a term); a pair that goes on together into a new
cycle is asked once the last of their mentorships closes, about the goals they
last agreed.
:func:`answer` keeps the person's answers: once, every one optional. Only the
testimonial's consent may change afterwards (:func:`share_testimonial`): it is the
person's to give or take back at any time.

The answers are the respondent's: only they open their survey; the other side
reads a testimonial only while its writer shares it (:func:`page_part`).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone
from django.utils.formats import date_format, number_format
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from profiles.models import Profile

from . import emails
from .exceptions import Invalid, Refused
from .models import Agreement, AgreementGoal, GoalProgress, Mentorship, Rating
from .outcome_models import TEXT_MAX_LENGTH, CloseOut, CloseOutGoal, Side

ASKED = (Mentorship.Status.COMPLETED, Mentorship.Status.ENDED)
RATINGS = range(1, 6)
# The overall rating, in words.
OVERALL = [
    (1, _("1 — poor")),
    (2, _("2 — fair")),
    (3, _("3 — good")),
    (4, _("4 — very good")),
    (5, _("5 — excellent")),
]
# A goal's rating as the mentor reads it: the mentee's words, said of the mentee.
GOAL_FOR_MENTOR = [
    *((value, label) for value, label in Rating.choices if value != Rating.THERE),
    (Rating.THERE.value, _("5 — where they want to be")),
]


@transaction.atomic
def ask(*, mentorship_id: int) -> list[CloseOut]:
    """Ask each side of a mentorship that completed or ended after starting: one
    survey per side, made once however often this runs (a retry, two workers),
    and each side emailed once. A side who has left Kindred (or whose account is
    switched off) is not asked; a request that never started asks nobody, nor does a
    match made for the pair that one of them turned down (it never went: there is
    nothing to say how it went), nor a mentorship its pair went on from together
    (they are asked when the last closes)."""
    m = (
        Mentorship.objects.select_related("mentee__user", "mentor__user")
        .filter(pk=mentorship_id, status__in=ASKED, started_at__isnull=False)
        .exclude(end_reason=Mentorship.EndReason.NOT_FOR_ME)
        .exclude(Exists(_went_on()))
        .first()
    )
    if m is None:
        return []
    goals = agreed_goals(m)
    made = []
    for side, person in ((Side.MENTEE, m.mentee), (Side.MENTOR, m.mentor)):
        if person is None or not person.user.is_active:
            continue
        close_out, created = CloseOut.objects.get_or_create(
            mentorship=m, side=side, defaults={"respondent": person}
        )
        if created:
            CloseOutGoal.objects.bulk_create(
                [CloseOutGoal(close_out=close_out, goal_id=g, start_rating=r) for g, r in goals],
                ignore_conflicts=True,
            )
            emails.close_out_asked.delay_on_commit(close_out.pk)
        made.append(close_out)
    return made


def _went_on():
    """The pair's mentorship that went on from this one into a new cycle."""
    return Mentorship.objects.filter(
        mentee=OuterRef("mentee"),
        mentor=OuterRef("mentor"),
        source=Mentorship.Source.CONTINUED,
        started_at__gt=OuterRef("started_at"),
    )


def agreed_goals(m: Mentorship) -> list[tuple[int, int]]:
    """The goals of the agreement in force when it closed, in its order, each with
    the rating it started from (its ``GoalProgress``); none without an agreement. A
    pair that went on together without a new agreement is asked about the goals of
    their latest one."""
    agreed = Agreement.objects.filter(agreed__isnull=False)
    agreement = agreed.filter(mentorship=m).first()
    if agreement is None and m.source == Mentorship.Source.CONTINUED:
        agreement = (
            agreed.filter(
                mentorship__mentee_id=m.mentee_id,
                mentorship__mentor_id=m.mentor_id,
                mentorship__started_at__lt=m.started_at,
            )
            .order_by("-mentorship__started_at")
            .first()
        )
    if agreement is None:
        return []
    started = dict(
        GoalProgress.objects.filter(agreement=agreement).values_list("goal_id", "start_rating")
    )
    return [
        (goal_id, started.get(goal_id, starting))
        for goal_id, starting in AgreementGoal.objects.filter(
            version_id=agreement.agreed_id
        ).values_list("goal_id", "starting_rating")
    ]


# --- answering ------------------------------------------------------------------------


@dataclass(frozen=True)
class Answers:
    """One side's answers, every one optional: ``rating`` and each goal's end rating
    (by the goal's slug) 1–5 or None, ``recommend`` one of ``CloseOut.Recommend``
    or "", and the testimonial with whether to show it."""

    rating: int | None = None
    goals: dict[str, int | None] = field(default_factory=dict)
    helped_most: str = ""
    recommend: str = ""
    testimonial: str = ""
    testimonial_shared: bool = False

    @property
    def is_empty(self) -> bool:
        return not (
            self.rating
            or any(self.goals.values())
            or self.helped_most.strip()
            or self.recommend
            or self.testimonial.strip()
        )


NOTHING = _("Answer at least one question, or come back later: your survey stays open.")
SHARE_WITHOUT_TEXT = _(
    "Write your testimonial first, or untick “Show my testimonial”: there is nothing to show."
)


def check(close_out: CloseOut, answers: Answers) -> None:
    """:class:`Invalid` naming every problem by field (``rating``, ``goal_<slug>``,
    ``helped_most``, ``recommend``, ``testimonial``, ``testimonial_shared``, and
    ``__all__`` for an empty survey)."""
    errors: dict[str, list[str]] = {}
    if answers.rating is not None and answers.rating not in RATINGS:
        errors["rating"] = [gettext("Choose from 1 to 5.")]
    slugs = {g.goal.slug for g in close_out.goals.select_related("goal")}
    for slug, rating in answers.goals.items():
        if slug not in slugs:
            errors[f"goal_{slug}"] = [
                gettext("“%(goal)s” is not one of the goals you agreed.") % {"goal": slug}
            ]
        elif rating is not None and rating not in RATINGS:
            errors[f"goal_{slug}"] = [gettext("Choose from 1 to 5.")]
    for name in ("helped_most", "testimonial"):
        text = getattr(answers, name).strip()
        if len(text) > TEXT_MAX_LENGTH:
            errors[name] = [
                gettext("Keep it to %(limit)s characters (this has %(length)s).")
                % {
                    "limit": number_format(TEXT_MAX_LENGTH, force_grouping=True),
                    "length": number_format(len(text), force_grouping=True),
                }
            ]
    if answers.recommend not in ("", *CloseOut.Recommend.values):
        errors["recommend"] = [gettext("Choose yes, not sure or no.")]
    if answers.testimonial_shared and not answers.testimonial.strip():
        errors["testimonial_shared"] = [SHARE_WITHOUT_TEXT]
    if not errors and answers.is_empty:
        errors["__all__"] = [NOTHING]
    if errors:
        raise Invalid(errors)


def _mine(close_out: CloseOut, by: Profile | None) -> CloseOut:
    locked = CloseOut.objects.select_for_update().get(pk=close_out.pk)
    if by is None or locked.respondent_id != by.pk:
        raise Refused(gettext("Only the person asked answers their close-out survey."))
    return locked


@transaction.atomic
def answer(*, close_out: CloseOut, by: Profile, data: Answers) -> CloseOut:
    """Keep ``by``'s answers, once: a second answer is refused (their first stands).
    Nothing is written when an answer is refused or invalid."""
    c = _mine(close_out, by)
    if c.is_answered:
        raise Refused(
            gettext("You answered on %(date)s: thank you. Your answers are below.")
            % {"date": date_format(timezone.localdate(c.answered_at), "DATE_FORMAT")}
        )
    check(c, data)
    c.rating = data.rating
    c.helped_most = data.helped_most.strip()
    c.recommend = data.recommend
    c.testimonial = data.testimonial.strip()
    c.testimonial_shared = data.testimonial_shared
    c.answered_at = timezone.now()
    c.save()
    for goal in c.goals.select_related("goal"):
        rating = data.goals.get(goal.goal.slug)
        if rating is not None:
            goal.end_rating = rating
            goal.save(update_fields=["end_rating"])
    return c


@transaction.atomic
def share_testimonial(*, close_out: CloseOut, by: Profile, shared: bool) -> CloseOut:
    """``by`` shows their testimonial to the other side and the program, or takes
    that back, at any time after answering (choosing what is already so changes
    nothing)."""
    c = _mine(close_out, by)
    if not c.is_answered:
        raise Refused(gettext("Answer the survey first: your testimonial is part of it."))
    if shared and not c.testimonial:
        raise Refused(gettext("You wrote no testimonial, so there is nothing to show."))
    if c.testimonial_shared != shared:
        c.testimonial_shared = shared
        c.save(update_fields=["testimonial_shared"])
    return c


# --- what pages show ------------------------------------------------------------------


def page_part(m: Mentorship, me: Profile) -> dict:
    """For the mentorship page: the viewer's own survey (to answer, or answered),
    and the other side's testimonial if, and only while, they share it. A mentorship
    still open has no survey yet: nothing is looked up."""
    if m.status not in ASKED:
        return {"close_out": None, "their_testimonial": ""}
    mine = CloseOut.objects.filter(mentorship=m, respondent=me).first()
    theirs = (
        CloseOut.objects.filter(mentorship=m, testimonial_shared=True)
        .exclude(respondent=me)
        .exclude(testimonial="")
        .first()
    )
    return {"close_out": mine, "their_testimonial": theirs.testimonial if theirs else ""}


def answers_shown(close_out: CloseOut) -> dict:
    """The person's own answers in words, for their thank-you page."""
    words = dict(GOAL_FOR_MENTOR if close_out.side == Side.MENTOR else Rating.choices)
    goals = list(close_out.goals.select_related("goal"))
    for goal in goals:
        goal.end_label = words.get(goal.end_rating, "")
    return {"overall": dict(OVERALL).get(close_out.rating, ""), "goals": goals}


def waiting_for(profile: Profile) -> list[CloseOut]:
    """The person's surveys still to answer, latest closed first (for their home)."""
    return list(
        CloseOut.objects.filter(respondent=profile, answered_at__isnull=True)
        .select_related("mentorship__mentee", "mentorship__mentor")
        .order_by("-mentorship__ended_at", "-pk")
    )


@dataclass(frozen=True)
class Testimonial:
    """A testimonial its writer shares with the program: their first name, side and words."""

    first_name: str
    side: str
    text: str


SHOWN_TESTIMONIALS = 30


def shared_testimonials(*, program_id: int, cycle_id: int | None = None) -> list[Testimonial]:
    """The testimonials shared with the program (of one cycle's mentorships if given),
    latest first, with the writer's first name only, as they agreed; never a rating or
    any other answer beside them. Taking the consent back removes one at once."""
    found = (
        CloseOut.objects.filter(
            mentorship__program_id=program_id, testimonial_shared=True, answered_at__isnull=False
        )
        .exclude(testimonial="")
        .select_related("respondent")
        .order_by("-answered_at", "-pk")
    )
    if cycle_id is not None:
        found = found.filter(mentorship__cycle_id=cycle_id)
    return [
        Testimonial(
            first_name=(c.respondent.name.split() or [gettext("A member")])[0],
            side=Side(c.side).label.lower(),
            text=c.testimonial,
        )
        for c in found[:SHOWN_TESTIMONIALS]
    ]
