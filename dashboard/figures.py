"""A program's health and fairness in figures, aggregated in SQL.

Every function here runs a bounded number of queries whatever the program's
size; lists are cut to a page.
"""

from __future__ import annotations

import math
import statistics
from dataclasses import dataclass
from datetime import timedelta

from django.db import connection
from django.db.models import (
    Aggregate,
    Avg,
    Count,
    DurationField,
    Exists,
    ExpressionWrapper,
    F,
    FloatField,
    IntegerField,
    Max,
    OuterRef,
    Q,
    Subquery,
)
from django.db.models.functions import Coalesce, Floor, Greatest
from django.utils import timezone

from matching.lifecycle import REMIND_AFTER
from matching.models import Mentorship, Suggestion
from profiles.models import Profile, Program, Tag

# Groups smaller than this are never shown: a figure about four people says
# too much about each of them.
MIN_GROUP = 5
PAGE = 20
BUCKETS = 10
# Requests a mentor answered: declined, or accepted and perhaps since ended.
ANSWERED = (
    Mentorship.Status.DECLINED,
    Mentorship.Status.ACCEPTED,
    Mentorship.Status.ACTIVE,
    Mentorship.Status.COMPLETED,
    Mentorship.Status.ENDED,
)


class Median(Aggregate):
    """PostgreSQL's percentile_cont; on SQLite (the no-setup dev default) the
    median is taken in Python instead, see :func:`median`."""

    function = "percentile_cont"
    template = "%(function)s(0.5) WITHIN GROUP (ORDER BY %(expressions)s)"


def median(queryset, expression, output_field) -> object:
    if connection.vendor == "postgresql":
        return queryset.aggregate(m=Median(expression, output_field=output_field))["m"]
    values = [
        v for v in queryset.annotate(_v=expression).values_list("_v", flat=True) if v is not None
    ]
    return statistics.median(values) if values else None


def days(value: timedelta | None) -> float | None:
    return None if value is None else round(value.total_seconds() / 86400, 1)


def wait_to_match():
    return ExpressionWrapper(
        F("started_at") - F("mentee__created_at"), output_field=DurationField()
    )


@dataclass
class Bar:
    label: str
    value: int
    x: float
    y: float
    height: float


def histogram(counts: dict[int, int], width: float = 300, height: float = 100) -> list[Bar]:
    """Bars for scores bucketed by tens (0–9 … 90–100), as SVG coordinates."""
    top = max(counts.values(), default=0) or 1
    step = width / BUCKETS
    bars = []
    for b in range(BUCKETS):
        h = round(height * counts.get(b, 0) / top, 1)
        label = f"{b * 10}–{b * 10 + 9 if b < BUCKETS - 1 else 100}"
        bars.append(
            Bar(label, counts.get(b, 0), x=round(b * step, 1), y=round(height - h, 1), height=h)
        )
    return bars


def paired(program: Program):
    return Mentorship.objects.filter(program=program, status__in=Mentorship.PAIRED)


def program_health(program: Program) -> dict:
    now = timezone.now()
    people = Profile.objects.filter(program=program)
    counts = people.aggregate(
        mentors=Count("id", filter=Q(role="mentor", is_ready=True)),
        mentees=Count("id", filter=Q(role="mentee", is_ready=True)),
        unfinished=Count("id", filter=Q(is_ready=False)),
        paused=Count("id", filter=Q(role="mentor", is_ready=True, is_paused=True)),
    )
    matched = paired(program).values("mentee_id").distinct().count()
    started = Mentorship.objects.filter(program=program, started_at__isnull=False)
    load = _mentor_load(program)
    return {
        **counts,
        "matched": matched,
        "matched_share": _share(matched, counts["mentees"]),
        "median_days_to_match": days(median(started, wait_to_match(), DurationField())),
        "waiting": waiting_mentees(program),
        "full_mentors": load["full"],
        "idle_mentors": load["idle"],
        "full_count": load["full_count"],
        "idle_count": load["idle_count"],
        "stalled": list(
            Mentorship.objects.filter(
                program=program,
                status=Mentorship.Status.REQUESTED,
                requested_at__lte=now - REMIND_AFTER,
            )
            .select_related("mentee", "mentor")
            .order_by("requested_at")[:PAGE]
        ),
        "stalled_count": Mentorship.objects.filter(
            program=program,
            status=Mentorship.Status.REQUESTED,
            requested_at__lte=now - REMIND_AFTER,
        ).count(),
        "histogram": histogram(_top_score_buckets(program)),
        "unmet_goals": unmet_goals(program),
        "flags": list(
            paired(program)
            .exclude(health="")
            .select_related("mentee", "mentor")
            .order_by("health_flagged_at")[:PAGE]
        ),
        "busiest_share": _busiest_share(program, counts["mentors"]),
    }


def _share(part: int, whole: int) -> int | None:
    return round(100 * part / whole) if whole else None


def waiting_mentees(program: Program) -> list[Profile]:
    """Ready mentees without a mentor, the longest waiting first. Waiting starts
    when they joined or when their last request or mentorship closed."""
    last_closed = (
        Mentorship.objects.filter(mentee=OuterRef("pk"), status__in=Mentorship.CLOSED)
        .values("mentee")
        .annotate(at=Max(Coalesce("ended_at", "decided_at")))
        .values("at")
    )
    return list(
        Profile.objects.filter(program=program, role="mentee", is_ready=True)
        .exclude(Exists(paired(program).filter(mentee=OuterRef("pk"))))
        .annotate(
            waiting_since=Greatest("created_at", Coalesce(Subquery(last_closed), "created_at")),
            open_requests=Count(
                "mentorships_as_mentee", filter=Q(mentorships_as_mentee__status="requested")
            ),
        )
        .order_by("waiting_since", "id")[:PAGE]
    )


def _mentor_load(program: Program) -> dict:
    taken = (
        Mentorship.objects.filter(mentor=OuterRef("pk"), status__in=Mentorship.TAKING_ROOM)
        .values("mentor")
        .annotate(n=Count("id"))
        .values("n")
    )
    pending = Mentorship.objects.filter(mentor=OuterRef("pk"), status=Mentorship.Status.REQUESTED)
    mentors = Profile.objects.filter(program=program, role="mentor", is_ready=True).annotate(
        taken=Coalesce(Subquery(taken, output_field=IntegerField()), 0)
    )
    full = mentors.filter(taken__gte=F("capacity"))
    idle = mentors.filter(taken=0, is_paused=False, capacity__gt=0).exclude(Exists(pending))
    return {
        "full": list(full.order_by("display_name")[:PAGE]),
        "idle": list(idle.order_by("created_at")[:PAGE]),
        "full_count": full.count(),
        "idle_count": idle.count(),
    }


def _top_score_buckets(program: Program) -> dict[int, int]:
    """Each listed mentee's best score, counted per ten points."""
    rows = (
        Suggestion.objects.filter(program=program, status__in=Suggestion.LISTED, rank=1)
        .annotate(bucket=Floor(F("score") / 10))
        .values("bucket")
        .annotate(n=Count("id"))
        .values_list("bucket", "n")
    )
    return {min(int(b), BUCKETS - 1): n for b, n in rows}


def unmet_goals(program: Program) -> list[tuple[str, int]]:
    """Goals wanted by waiting mentees that no mentor with room offers."""
    waiting = (
        Profile.objects.filter(program=program, role="mentee", is_ready=True)
        .exclude(Exists(paired(program).filter(mentee=OuterRef("pk"))))
        .values("pk")
    )
    room_taken = (
        Mentorship.objects.filter(mentor=OuterRef("pk"), status__in=Mentorship.TAKING_ROOM)
        .values("mentor")
        .annotate(n=Count("id"))
        .values("n")
    )
    with_room = (
        Profile.objects.filter(program=program, role="mentor", is_ready=True, is_paused=False)
        .annotate(taken=Coalesce(Subquery(room_taken, output_field=IntegerField()), 0))
        .filter(taken__lt=F("capacity"))
        .values("pk")
    )
    offered = Profile.goals.through.objects.filter(profile__in=with_room).values("tag_id")
    wanted = (
        Profile.goals.through.objects.filter(profile__in=waiting)
        .exclude(tag_id__in=offered)
        .values("tag__name")
        .annotate(n=Count("profile_id", distinct=True))
        .order_by("-n", "tag__name")
    )
    return [(row["tag__name"], row["n"]) for row in wanted]


def _busiest_share(program: Program, mentors: int) -> int | None:
    """Share of current mentorships held by the busiest 10% of mentors."""
    total = paired(program).count()
    if not total or not mentors:
        return None
    top = math.ceil(mentors / 10)
    table = Mentorship._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            # Table names come from model meta; every value is a parameter.
            f"SELECT COALESCE(SUM(n), 0) FROM (SELECT COUNT(*) AS n FROM {table} "  # noqa: S608  # nosec B608
            "WHERE program_id = %s AND status IN ('accepted', 'active') "
            "GROUP BY mentor_id ORDER BY n DESC LIMIT %s) busiest",
            [program.pk, top],
        )
        held = cursor.fetchone()[0]
    return _share(int(held), total)


# --- fairness -----------------------------------------------------------------------


@dataclass
class Group:
    name: str
    kind: str
    people: int
    matched_share: int | None
    median_days: float | None
    decline_rate: int | None
    mean_score: float | None


def fairness(program: Program) -> dict:
    """Per self-identified group: matched share, days to match, decline rate and
    mean score. Groups under MIN_GROUP people are hidden, and no person's own
    answers appear: only counts over groups."""
    mentees = Profile.objects.filter(program=program, role="mentee", is_ready=True)
    through = Profile.background.through.objects.filter(profile__in=mentees.values("pk"))
    sizes = dict(
        through.values("tag_id").annotate(n=Count("profile_id")).values_list("tag_id", "n")
    )
    shown = [
        t
        for t in Tag.objects.filter(pk__in=sizes).order_by("kind", "facet", "sort_order")
        if sizes[t.pk] >= MIN_GROUP
    ]
    groups = [
        _group(program, t.name, t.get_facet_display(), mentees.filter(background=t)) for t in shown
    ]
    undisclosed = mentees.filter(background__isnull=True)
    if undisclosed.count() >= MIN_GROUP:
        groups.append(_group(program, "Chose not to disclose", "—", undisclosed))
    return {
        "groups": groups,
        "everyone": _group(program, "All mentees", "—", mentees),
        "hidden": sum(1 for n in sizes.values() if n < MIN_GROUP),
        "min_group": MIN_GROUP,
    }


def _group(program: Program, name: str, kind: str, members) -> Group:
    ids = members.values("pk")
    people = members.count()
    in_group = Mentorship.objects.filter(program=program, mentee__in=ids)
    matched = in_group.filter(status__in=Mentorship.PAIRED).values("mentee_id").distinct().count()
    decided = in_group.aggregate(
        declined=Count("id", filter=Q(status=Mentorship.Status.DECLINED)),
        answered=Count("id", filter=Q(source="request", status__in=ANSWERED)),
        score=Avg("score", filter=Q(started_at__isnull=False), output_field=FloatField()),
    )
    return Group(
        name=name,
        kind=kind,
        people=people,
        matched_share=_share(matched, people),
        median_days=days(
            median(in_group.filter(started_at__isnull=False), wait_to_match(), DurationField())
        ),
        decline_rate=_share(decided["declined"], decided["answered"]),
        mean_score=None if decided["score"] is None else round(decided["score"], 1),
    )
