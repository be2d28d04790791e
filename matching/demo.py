"""The demo's past: mentorships in the demo program's closed rounds and what came
of them, so the outcome report and the learned weights have something to show.

``seed_demo`` sends ``profiles.signals.demo_seeded`` once its people and rounds
exist; :func:`outcomes` then makes, for each closed round that has no mentorships
yet, pairs of the demo's generated people (never the demo logins, whose walkthrough
starts with no past) as the matcher would have made them: their components worked
out by the real scorer (features + scoring), the program's weights kept beside
them. Each pair has its dates inside the round, check-ins, both sides' close-out
surveys with goal ratings, the sponsorship its mentor recorded (some confirmed by
the mentee) and, where the round closed six months ago or more, the mentee's
follow-ups. The same seed and the same rounds give the same past.

Two patterns are planted, so there is something to find:

- a pair whose values overlap more is likelier to go well (``GOOD_AT_NO_VALUES``
  rising to ``GOOD_AT_SHARED_VALUES``): what learned weights should pick up;
- mentees who self-identify in ``LESS_SPONSORED`` are sponsored less often
  (``SPONSORED_LESS``), their mentorships as good otherwise: a "mentored but not
  sponsored" gap. Each round takes at least ``GROUP_FLOOR`` of each such group
  where there are that many, so their rows show (groups under 5 are hidden).

The people's answers are not changed and nobody leaves the current round: the
mentees of a closed round take part in it as well (an ``Enrolment``, their
current one marked as coming back), and every mentorship made here is closed, so
the current pool and every mentor's room are as they were."""

from __future__ import annotations

import math
import random
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

import numpy as np
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from mentorships.agreement_page import add_months
from mentorships.models import CheckIn, Mentorship
from mentorships.outcome_models import (
    FOLLOW_UP_MONTHS,
    CloseOut,
    CloseOutGoal,
    FollowUp,
    Side,
    SponsorshipAction,
)
from profiles.models import Cycle, Enrolment, Profile, Program, Tag
from profiles.taxonomy import COMPONENTS, Role

from . import features as feature_cache
from . import scoring

Status, EndReason, Source = Mentorship.Status, Mentorship.EndReason, Mentorship.Source
# The share of the generated mentees who had a mentorship in each closed round, the
# newest round first (older rounds than these get none).
SHARES = (1 / 3, 0.3)
LESS_SPONSORED = ("first-generation-college-graduate", "lower-income-growing-up")
GROUP_FLOOR = 6
GOOD_AT_NO_VALUES, GOOD_AT_SHARED_VALUES = 0.15, 0.9
# Values overlap (Jaccard) at which a pair is as likely to go well as it gets.
VALUES_FULL = 0.35
SPONSORED_IF_GOOD, SPONSORED_IF_NOT = 0.85, 0.45
SPONSORED_LESS = 0.15  # the chance above, multiplied, for LESS_SPONSORED mentees
ANSWERS = {Side.MENTEE: 0.85, Side.MENTOR: 0.75}  # share of close-outs answered
FOLLOW_UPS_ANSWERED = 0.8
CHOSEN_FROM_TOP = (0.6, 0.25, 0.15)  # a mentee's pick among their three best mentors

HELPED_MENTEE = [
    "Talking through how to ask for the promotion, and practising it.",
    "Someone who had been the only one like them in the room, and made it.",
    "Honest feedback on my presentations.",
    "Help mapping who decides what in my organisation.",
    "Having an hour every other week that was about my career.",
]
HELPED_MENTOR = [
    "Seeing their confidence grow from one meeting to the next.",
    "Agreeing goals early and checking on them every month.",
    "They came prepared, with questions written down.",
    "Sharing my own mistakes, not only what went well.",
]
TESTIMONIALS = [
    "My mentor helped me see that my background is a strength at work, not something "
    "to hide. I asked for, and got, the lead role on our next project.",
    "Every conversation left me with one concrete next step. I would recommend Kindred "
    "to anyone starting out.",
    "I finally had someone to ask the questions I felt I could not ask at work.",
]
NOTES = {
    SponsorshipAction.Kind.INTRODUCED: [
        "Introduced them to the head of our analytics team.",
        "Introduced them to two hiring managers at the industry meetup.",
    ],
    SponsorshipAction.Kind.RECOMMENDED: [
        "Recommended them to lead the customer research project.",
        "Put their name forward for the open team lead role.",
    ],
    SponsorshipAction.Kind.NOMINATED: [
        "Nominated them for the company's emerging leader award.",
    ],
    SponsorshipAction.Kind.ADVOCATED: [
        "Spoke up for their promotion case in the calibration meeting.",
    ],
}
KINDS = list(NOTES)
KIND_WEIGHTS = [40, 30, 10, 20]
MESSAGES = [
    "I would love your help growing into a leadership role.",
    "Your path looks a lot like the one I hope to take. Could we talk?",
    "I am working on speaking up in meetings and would value your advice.",
    "",
]


def midnight(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


@dataclass
class Pair:
    mentee: Profile
    mentor: Profile
    components: dict
    score: float
    mentorship: Mentorship | None = None


def outcomes(*, program: Program, people: QuerySet, cycles: list[Cycle], seed: int) -> str | None:
    """The demo's past in ``cycles`` (closed rounds, oldest first), once: a round
    that has mentorships already is left as it is. A line saying what was made."""
    closed = [c for c in cycles if c.state == Cycle.State.CLOSED]
    newest_first = list(reversed(closed))[: len(SHARES)]
    if not newest_first:
        return None
    mentees = list(
        people.filter(role=Role.MENTEE, program=program)
        .select_related("user")
        .prefetch_related("goals")
        .order_by("user__email")
    )
    mentors = list(
        people.filter(role=Role.MENTOR, program=program, is_paused=False)
        .select_related("user")
        .prefetch_related("goals")
        .order_by("user__email")
    )
    made, kept = [], []
    used: set[int] = set(
        Enrolment.objects.filter(profile__in=mentees, cycle__in=newest_first).values_list(
            "profile_id", flat=True
        )
    )
    for position, (cycle, share) in enumerate(zip(newest_first, SHARES, strict=False)):
        if cycle.mentorships.exists():
            kept.append(cycle.name)
            continue
        rng = random.Random(f"kindred-demo-outcomes-{seed}-{position}")  # noqa: S311 - demo data
        free = [m for m in mentees if m.pk not in used]
        chosen = _choose_mentees(rng, free, round(len(mentees) * share))
        pairs = _pair(rng, program, chosen, mentors)
        with transaction.atomic():
            _enrol(cycle, [p.mentee for p in pairs], mentors)
            _make(rng, program, cycle, pairs)
        used |= {p.mentee.pk for p in pairs}
        made.append(f"{len(pairs)} in {cycle.name}")
    if made:
        return f"{program.name}: past mentorships with their outcomes, {' and '.join(made)}."
    if kept and not Mentorship.objects.filter(cycle__in=newest_first, mentee__in=mentees).exists():
        # Reset people leave their past behind, anonymised, as any deleted account does.
        return (
            f"{program.name} keeps the past mentorships of {', '.join(kept)} without their "
            "people, who were recreated: seed an empty database to see the demo's past afresh."
        )
    if kept:
        return f"{program.name}: past mentorships already present in {', '.join(kept)}."
    return None


def _choose_mentees(rng: random.Random, free: list[Profile], n: int) -> list[Profile]:
    """``n`` of the free mentees, at least GROUP_FLOOR of each LESS_SPONSORED group
    among them where there are that many."""
    n = min(n, len(free))
    tagged = dict(Tag.objects.filter(slug__in=LESS_SPONSORED).values_list("slug", "pk"))
    links = Profile.background.through.objects.filter(
        profile_id__in=[m.pk for m in free], tag_id__in=tagged.values()
    ).values_list("profile_id", "tag_id")
    members: dict[int, set[int]] = {}
    for profile_id, tag_id in links:
        members.setdefault(tag_id, set()).add(profile_id)
    chosen: list[Profile] = []
    for slug in LESS_SPONSORED:
        group = [m for m in free if m.pk in members.get(tagged.get(slug), ()) and m not in chosen]
        have = sum(1 for m in chosen if m.pk in members.get(tagged.get(slug), ()))
        chosen += rng.sample(group, max(0, min(GROUP_FLOOR - have, len(group), n - len(chosen))))
    rest = [m for m in free if m not in chosen]
    chosen += rng.sample(rest, max(0, n - len(chosen)))
    return chosen


def _pair(
    rng: random.Random, program: Program, mentees: list[Profile], mentors: list[Profile]
) -> list[Pair]:
    """Each mentee with one of their three best-scoring mentors who has room, as the
    real scorer sees the pair now."""
    features = feature_cache.current(program.pk)
    mentees = [m for m in mentees if m.pk in features.mentee_row]
    mentors = [m for m in mentors if m.pk in features.mentor_row]
    if not mentees or not mentors:
        return []
    rows = np.array([features.mentee_row[m.pk] for m in mentees], dtype=np.int64)
    cols = np.array([features.mentor_row[m.pk] for m in mentors], dtype=np.int64)
    r, c = np.repeat(rows, len(cols)), np.tile(cols, len(rows))
    parts = scoring.pair_components(features.mentees, r, features.mentors, c)
    weights = program.weights()
    scores = scoring.combine(
        parts, features.mentees.importance[r], [weights[k] for k in COMPONENTS]
    ).reshape(len(rows), len(cols))
    parts = parts.reshape(len(rows), len(cols), len(COMPONENTS))
    room = {m.pk: m.capacity for m in mentors}
    pairs = []
    for i in rng.sample(range(len(mentees)), len(mentees)):
        best = [j for j in np.argsort(-scores[i], kind="stable") if room[mentors[j].pk] > 0][:3]
        if not best:
            continue
        j = rng.choices(best, weights=CHOSEN_FROM_TOP[: len(best)])[0]
        room[mentors[j].pk] -= 1
        components = {
            k: None if math.isnan(v) else round(float(v), 4)
            for k, v in zip(COMPONENTS, parts[i, j], strict=True)
        }
        pairs.append(Pair(mentees[i], mentors[j], components, round(float(scores[i, j]), 2)))
    return pairs


def _enrol(cycle: Cycle, mentees: list[Profile], mentors: list[Profile]) -> None:
    """The round's people took part in it; those mentees came back for a later one.
    Nobody's current round changes."""
    opened = midnight(cycle.registration_opens or cycle.starts_on)
    Enrolment.objects.bulk_create(
        [
            Enrolment(profile=p, cycle=cycle, enrolled_at=opened + timedelta(hours=i))
            for i, p in enumerate([*mentors, *mentees])
        ],
        ignore_conflicts=True,
    )
    if cycle.registration_opens:
        Enrolment.objects.filter(
            profile__in=mentees, cycle__registration_opens__gt=cycle.registration_opens
        ).update(carried_over=True)


def _make(rng: random.Random, program: Program, cycle: Cycle, pairs: list[Pair]) -> None:
    now = timezone.now()
    weights = program.weights()
    good = {}
    mentorships = []
    for p in pairs:
        values = p.components["values"] or 0.0
        chance = GOOD_AT_NO_VALUES + (GOOD_AT_SHARED_VALUES - GOOD_AT_NO_VALUES) * min(
            1.0, values / VALUES_FULL
        )
        good[p.mentee.pk] = rng.random() < chance
        p.mentorship = _mentorship(rng, program, cycle, p, good[p.mentee.pk], weights, now)
        mentorships.append(p.mentorship)
    Mentorship.objects.bulk_create(mentorships)
    less = set(
        Profile.background.through.objects.filter(
            profile_id__in=[p.mentee.pk for p in pairs], tag__slug__in=LESS_SPONSORED
        ).values_list("profile_id", flat=True)
    )
    check_ins, close_outs, goals, actions, follow_ups = [], [], [], [], []
    for p in pairs:
        went_well = good[p.mentee.pk]
        check_ins += _check_ins(rng, p, went_well)
        agreed = _goals(rng, p)
        for side, person in ((Side.MENTEE, p.mentee), (Side.MENTOR, p.mentor)):
            close_out, rated = _close_out(rng, p, side, person, went_well, agreed, now)
            close_outs.append(close_out)
            goals.append(rated)
        chance = SPONSORED_IF_GOOD if went_well else SPONSORED_IF_NOT
        if p.mentee.pk in less:
            chance *= SPONSORED_LESS
        sponsored = _sponsorship(rng, p, now) if rng.random() < chance else []
        actions += sponsored
        follow_ups += _follow_ups(rng, p, went_well, sponsored, now)
    CheckIn.objects.bulk_create(check_ins)
    CloseOut.objects.bulk_create(close_outs)
    CloseOutGoal.objects.bulk_create(
        [
            CloseOutGoal(close_out=close_out, goal_id=goal, start_rating=start, end_rating=end)
            for close_out, rated in zip(close_outs, goals, strict=True)
            for goal, start, end in rated
        ]
    )
    SponsorshipAction.objects.bulk_create(actions)
    FollowUp.objects.bulk_create(follow_ups)


def _at(rng: random.Random, start: datetime, end: datetime) -> datetime:
    """A moment between ``start`` and ``end``, in working hours."""
    days = max((end - start).days, 0)
    day = timezone.localdate(start) + timedelta(days=rng.randint(0, days))
    return midnight(day) + timedelta(hours=rng.randint(9, 17), minutes=rng.randint(0, 59))


def _mentorship(rng, program, cycle, p: Pair, went_well: bool, weights, now) -> Mentorship:
    matched = midnight(cycle.matching_on or cycle.starts_on)
    if rng.random() < 0.8:
        source = Source.REQUEST
        requested = matched - timedelta(days=rng.randint(0, 9), hours=rng.randint(0, 12))
        started = requested + timedelta(days=rng.randint(1, 4), hours=rng.randint(0, 8))
        message = rng.choice(MESSAGES)
    else:
        source, message = Source.AUTO, ""
        requested = started = matched + timedelta(hours=rng.randint(9, 17))
    closing_on = cycle.ends_on + timedelta(days=program.term_grace_days)
    m = Mentorship(
        program=program,
        cycle=cycle,
        mentee=p.mentee,
        mentor=p.mentor,
        source=source,
        message=message,
        score=p.score,
        requested_at=requested,
        decided_at=started,
        started_at=started,
        match_components=p.components,
        match_weights=weights,
    )
    if went_well and rng.random() < 0.25:
        m.status, m.end_reason = Status.COMPLETED, EndReason.GOALS_MET
        m.ended_by = rng.choice(["mentee", "mentor"])
        m.ended_at = _at(rng, started + timedelta(weeks=12), midnight(cycle.ends_on))
    elif not went_well and rng.random() < 0.55:
        m.status = Status.ENDED
        m.end_reason = rng.choices(
            [EndReason.NO_TIME, EndReason.NOT_WORKING, EndReason.MOVED_ON], [30, 55, 15]
        )[0]
        m.ended_by = rng.choice(["mentee", "mentor"])
        m.ended_at = _at(rng, started + timedelta(weeks=4), started + timedelta(weeks=12))
    else:
        m.status, m.end_reason = Status.COMPLETED, EndReason.TERM_ENDED
        m.closing_on = closing_on
        m.ended_at = midnight(closing_on) + timedelta(hours=2)
    m.ended_at = min(m.ended_at, now)
    return m


def _check_ins(rng, p: Pair, went_well: bool) -> list[CheckIn]:
    m = p.mentorship
    ratings = [4, 5, 5] if went_well else [1, 2, 2, 3, 4]
    return [
        CheckIn(
            mentorship=m,
            author=author,
            rating=rng.choice(ratings),
            created_at=_at(rng, m.started_at + timedelta(weeks=2), m.ended_at),
        )
        for author in (p.mentee, p.mentor)
        for _ in range(rng.randint(1, 3))
    ]


def _goals(rng, p: Pair) -> list[tuple[int, int]]:
    """The goals the pair worked on (those they share, else the mentee's), up to
    three, each with the rating it started from."""
    theirs = {g.pk for g in p.mentor.goals.all()}
    mine = [g.pk for g in p.mentee.goals.all()]
    return [(g, rng.randint(1, 3)) for g in ([g for g in mine if g in theirs] or mine)[:3]]


def _close_out(rng, p: Pair, side: str, person: Profile, went_well: bool, agreed, now):
    m = p.mentorship
    close_out = CloseOut(mentorship=m, respondent=person, side=side, asked_at=m.ended_at)
    if rng.random() >= ANSWERS[side]:
        return close_out, []
    close_out.answered_at = min(m.ended_at + timedelta(days=rng.randint(1, 12)), now)
    early = m.status == Status.ENDED
    close_out.rating = rng.choice([4, 5, 5] if went_well else [1, 2, 2] if early else [2, 2, 3, 4])
    close_out.recommend = (
        rng.choices(["yes", "unsure"], [9, 1])[0]
        if went_well
        else rng.choices(["yes", "unsure", "no"], [2, 5, 3])[0]
    )
    if rng.random() < 0.7:
        close_out.helped_most = rng.choice(HELPED_MENTEE if side == Side.MENTEE else HELPED_MENTOR)
    if side == Side.MENTEE and went_well and rng.random() < 0.35:
        close_out.testimonial = rng.choice(TESTIMONIALS)
        close_out.testimonial_shared = rng.random() < 0.7
    rated = []
    for goal, start in agreed:
        gain = rng.choice([1, 2, 2]) if went_well else rng.choice([0, 0, 1])
        rated.append((goal, start, min(5, start + gain)))
    return close_out, rated


def _sponsorship(rng, p: Pair, now) -> list[SponsorshipAction]:
    m = p.mentorship
    actions = []
    for _ in range(rng.choice([1, 1, 2, 3])):
        kind = rng.choices(KINDS, KIND_WEIGHTS)[0]
        happened = _at(rng, m.started_at + timedelta(weeks=3), m.ended_at)
        recorded = min(happened + timedelta(days=rng.randint(0, 5)), now)
        confirmed = None
        if rng.random() < 0.65:
            confirmed = min(recorded + timedelta(days=rng.randint(1, 10)), now)
        actions.append(
            SponsorshipAction(
                mentorship=m,
                kind=kind,
                happened_on=timezone.localdate(happened),
                note=rng.choice(NOTES[kind]),
                recorded_by=p.mentor,
                recorded_at=recorded,
                confirmed_at=confirmed,
            )
        )
    return actions


def _follow_ups(rng, p: Pair, went_well: bool, sponsored: list, now) -> list[FollowUp]:
    """The mentee's follow-ups that had come due by now, sent on the day and mostly
    answered."""
    m, today = p.mentorship, timezone.localdate(now)
    made = []
    for months in FOLLOW_UP_MONTHS:
        due = add_months(timezone.localdate(m.ended_at), months)
        if due > today:
            break
        sent = midnight(due) + timedelta(hours=9)
        f = FollowUp(mentorship=m, profile=p.mentee, months=months, due_on=due, sent_at=sent)
        if rng.random() < FOLLOW_UPS_ANSWERED:
            f.answered_at = min(sent + timedelta(days=rng.randint(0, 14), hours=3), now)
            f.new_role = rng.random() < 0.15 + 0.2 * went_well + 0.25 * bool(sponsored)
            f.stay = rng.choices(["yes", "unsure", "no"], [7, 2, 1] if went_well else [4, 4, 2])[0]
            for item in FollowUp.BELONGING:
                setattr(f, item, rng.choice([3, 4, 4, 5] if went_well else [2, 3, 3, 4]))
            confirmed = any(a.confirmed_at for a in sponsored)
            f.sponsored = confirmed if rng.random() < 0.9 else not confirmed
        made.append(f)
    return made
