"""A program's cycles side by side: whether it does better from round to round.

One row per cycle that has begun (drafts have nobody yet), oldest first:

- **sign-ups**: the cycle's enrolments, mentees and mentors apart;
- **matched share**: of the mentees enrolled, those who got a mentorship of that
  cycle that started (a request still waiting is not a match);
- **median days to match**: from a mentee's enrolment to the start of their first
  mentorship of that cycle (0 when it started before they enrolled: a pair that
  went on together from the cycle before);
- **check-ins**: how many, and their mean rating (1–5), over the cycle's mentorships;
- **completed share**: of the cycle's mentorships that started, those that ended
  as completed.

A share, a median or a mean resting on fewer than ``MIN_GROUP`` people (mentees
enrolled, mentees matched, people who rated, mentorships started) is None, shown
as "—": a figure about four people says too much about each of them. The counts
are exact, as the overview's are; nothing here is about anyone's background.

A fixed number of queries however many cycles and people; plain data, like
figures.py.
"""

from __future__ import annotations

import statistics
from collections import defaultdict

from django.db.models import Avg, Count, OuterRef, Q, Subquery

from mentorships.models import CheckIn, Mentorship
from profiles.models import Cycle, Enrolment, Program

from .figures import MIN_GROUP


def _share(part: int, whole: int) -> int | None:
    return round(100 * part / whole) if whole >= MIN_GROUP else None


def compared(program: Program) -> list[dict]:
    """The program's cycles that have begun, oldest first, each with its figures."""
    cycles = list(
        program.cycles.exclude(state=Cycle.State.DRAFT).order_by("registration_opens", "pk")
    )
    ids = [c.pk for c in cycles]
    enrolments = Enrolment.objects.filter(cycle_id__in=ids)
    signups = {
        row.pop("cycle_id"): row
        for row in enrolments.values("cycle_id").annotate(
            mentees=Count("pk", filter=Q(profile__role="mentee")),
            mentors=Count("pk", filter=Q(profile__role="mentor")),
        )
    }
    first_start = (
        Mentorship.objects.filter(
            cycle=OuterRef("cycle_id"), mentee=OuterRef("profile_id"), started_at__isnull=False
        )
        .order_by("started_at")
        .values("started_at")[:1]
    )
    waits: dict[int, list[float]] = defaultdict(list)
    for cycle_id, enrolled_at, started_at in (
        enrolments.filter(profile__role="mentee")
        .annotate(started=Subquery(first_start))
        .filter(started__isnull=False)
        .values_list("cycle_id", "enrolled_at", "started")
    ):
        waits[cycle_id].append(max(0.0, (started_at - enrolled_at).total_seconds() / 86400))
    ratings = {
        row.pop("mentorship__cycle_id"): row
        for row in CheckIn.objects.filter(mentorship__cycle_id__in=ids)
        .values("mentorship__cycle_id")
        .annotate(n=Count("pk"), raters=Count("author_id", distinct=True), mean=Avg("rating"))
    }
    outcomes = {
        row.pop("cycle_id"): row
        for row in Mentorship.objects.filter(cycle_id__in=ids, started_at__isnull=False)
        .order_by()
        .values("cycle_id")
        .annotate(
            started=Count("pk"),
            completed=Count("pk", filter=Q(status=Mentorship.Status.COMPLETED)),
        )
    }
    return [
        _row(
            c,
            signups.get(c.pk, {}),
            waits.get(c.pk, []),
            ratings.get(c.pk, {}),
            outcomes.get(c.pk, {}),
        )
        for c in cycles
    ]


def _row(cycle: Cycle, signups: dict, waits: list[float], rated: dict, outcome: dict) -> dict:
    mentees, mentors = signups.get("mentees", 0), signups.get("mentors", 0)
    matched = len(waits)
    mean = rated.get("mean")
    enough_raters = rated.get("raters", 0) >= MIN_GROUP
    return {
        "id": cycle.pk,
        "name": cycle.name,
        "state": cycle.get_state_display(),
        "registration_opens": cycle.registration_opens,
        "signups": mentees + mentors,
        "mentees": mentees,
        "mentors": mentors,
        "matched": matched,
        "matched_share": _share(matched, mentees),
        "median_days_to_match": (
            round(statistics.median(waits), 1) if matched >= MIN_GROUP else None
        ),
        "check_ins": rated.get("n", 0),
        "mean_rating": round(mean, 1) if mean is not None and enough_raters else None,
        "started": outcome.get("started", 0),
        "completed_share": _share(outcome.get("completed", 0), outcome.get("started", 0)),
    }
