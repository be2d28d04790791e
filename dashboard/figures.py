"""A program's health and fairness in figures, aggregated in SQL.

Every function here runs a bounded number of queries whatever the program's
size; lists are cut to a page. What they return is plain data (numbers,
text, dates, lists and dicts of them), kept as JSON by dashboard/snapshots.py:
a person appears as their id and name only.
"""

from __future__ import annotations

import math
import statistics
from collections import Counter
from datetime import timedelta

from django.contrib.postgres.aggregates import ArrayAgg
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
    Max,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce, Floor, Greatest, Least
from django.utils import timezone

from matching.models import Suggestion
from mentorships.clock import REMIND_AFTER
from mentorships.models import Mentorship
from profiles.models import TAKING_PART, Cycle, Enrolment, Profile, Program, Tag
from profiles.taxonomy import HERITAGE_REGIONS, TagKind

from .disclosure import WAIT_CAP, Counts, Relation

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


def wait_in_cycle():
    """A mentorship's wait counted from its mentee taking part in its cycle (joining,
    or taking part again: a returning mentee's wait starts anew), from joining
    without cycles; never below 0 (a pair that went on from the cycle before)."""
    enrolled = Enrolment.objects.filter(
        profile=OuterRef("mentee_id"), cycle=OuterRef("cycle_id")
    ).values("enrolled_at")[:1]
    waited = F("started_at") - Coalesce(Subquery(enrolled), F("mentee__created_at"))
    return Greatest(waited, Value(timedelta(0)), output_field=DurationField())


# The score chart's drawing, in SVG units (dashboard.html draws it at about
# the size of its units on a phone): each bar's count sits over it, the score
# axis runs under the bars with a tick every ten points.
CHART_LEFT, CHART_STEP = 10, 30  # 10 bars of 30: the axis runs from 10 to 310
CHART_TOP, CHART_BASE = 36, 140  # the highest bar reaches CHART_TOP


def histogram(counts: dict[int, int]) -> list[dict]:
    """Bars for scores bucketed by tens (0–9 … 90–100), as SVG coordinates,
    each with its count and where to write it, and its tick on the score axis."""
    top = max(counts.values(), default=0) or 1
    bars = []
    for b in range(BUCKETS):
        value = counts.get(b, 0)
        h = round((CHART_BASE - CHART_TOP) * value / top, 1)
        x = CHART_LEFT + b * CHART_STEP
        bars.append(
            {
                "label": f"{b * 10}–{b * 10 + 9 if b < BUCKETS - 1 else 100}",
                "value": value,
                "x": x + 2,
                "width": CHART_STEP - 4,
                "y": round(CHART_BASE - h, 1),
                "height": h,
                "middle": x + CHART_STEP / 2,
                "count_y": round(CHART_BASE - h - 5, 1),
                "tick": b * 10,
                "tick_x": x,
                "end_x": x + CHART_STEP,
            }
        )
    return bars


def person(profile: Profile | None) -> dict:
    return {"id": profile.pk, "name": profile.name} if profile else {"id": None, "name": "—"}


def pair(m: Mentorship) -> dict:
    return {
        "id": m.pk,
        "mentee": person(m.mentee),
        "mentor": person(m.mentor),
        "requested_at": m.requested_at,
        "health": m.get_health_display(),
    }


def paired(program: Program):
    return Mentorship.objects.filter(program=program, status__in=Mentorship.PAIRED)


def members(program: Program):
    """The people the overview and fairness figures are about: those taking part
    now (in a cycle in registration, matching or running: the current cycle's, and
    an earlier one still running), everyone in a program without cycles. People of
    a closed cycle are in the cycles compared (cycle_figures.py), not here."""
    return Profile.objects.filter(program=program).filter(TAKING_PART)


# A mentorship whose mentee is one of members(): the figures' matched and waited.
MENTEE_TAKING_PART = Q(mentee__cycle__isnull=True) | Q(mentee__cycle__state__in=Cycle.TAKING_PART)
# A mentorship of a cycle taking part (or of a program without cycles): a returning
# mentee's mentorships of a closed cycle are that cycle's, in the cycles compared.
OF_A_CYCLE_TAKING_PART = Q(cycle__isnull=True) | Q(cycle__state__in=Cycle.TAKING_PART)


def mentorships_of(program: Program, members) -> QuerySet:
    """The mentorships of ``members`` (mentees) that the figures count: the
    program's, of the cycles taking part now."""
    return Mentorship.objects.filter(
        OF_A_CYCLE_TAKING_PART, program=program, mentee__in=members.values("pk")
    )


def taking_part(program: Program) -> list[str]:
    """The names of the cycles whose people the figures are about, newest first
    (none without cycles), for the page to say so."""
    return list(
        program.cycles.taking_part()
        .order_by("-registration_opens", "-pk")
        .values_list("name", flat=True)
    )


def program_health(program: Program) -> dict:
    now = timezone.now()
    people = members(program)
    counts = people.aggregate(
        mentors=Count("id", filter=Q(role="mentor", is_ready=True)),
        mentees=Count("id", filter=Q(role="mentee", is_ready=True)),
        unfinished=Count("id", filter=Q(is_ready=False)),
        paused=Count("id", filter=Q(role="mentor", is_ready=True, is_paused=True)),
    )
    matched = paired(program).filter(MENTEE_TAKING_PART).values("mentee_id").distinct().count()
    # The mentee's program as well, which is always the mentorship's: PostgreSQL
    # then reads that program's profiles, not every profile (0.077 → 0.045 s).
    # Mentorships of the cycles taking part (a returning mentee's earlier ones are
    # their earlier cycle's: the cycles compared count those).
    started = Mentorship.objects.filter(
        MENTEE_TAKING_PART,
        OF_A_CYCLE_TAKING_PART,
        program=program,
        mentee__program=program,
        started_at__isnull=False,
    )
    load = _mentor_load(program)
    return {
        **counts,
        "cycles": taking_part(program),
        "matched": matched,
        "matched_share": _share(matched, counts["mentees"]),
        "median_days_to_match": days(median(started, wait_in_cycle(), DurationField())),
        "waiting": waiting_mentees(program),
        "full_mentors": load["full"],
        "idle_mentors": load["idle"],
        "full_count": load["full_count"],
        "idle_count": load["idle_count"],
        "closed_mentors": load["closed"],
        "closed_count": load["closed_count"],
        "stalled": [
            pair(m)
            for m in Mentorship.objects.filter(
                program=program,
                status=Mentorship.Status.REQUESTED,
                requested_at__lte=now - REMIND_AFTER,
            )
            .select_related("mentee", "mentor")
            .order_by("requested_at")[:PAGE]
        ],
        "stalled_count": Mentorship.objects.filter(
            program=program,
            status=Mentorship.Status.REQUESTED,
            requested_at__lte=now - REMIND_AFTER,
        ).count(),
        "histogram": histogram(_top_score_buckets(program)),
        "unmet_goals": unmet_goals(program),
        # Oldest flag first, then by id: many flags raised by one clock tick
        # share a time, and the page must not pick an arbitrary twenty.
        "flags": [
            pair(m)
            for m in paired(program)
            .exclude(health="")
            .select_related("mentee", "mentor")
            .order_by("health_flagged_at", "pk")[:PAGE]
        ],
        "flags_count": paired(program).exclude(health="").count(),
        "busiest_share": _busiest_share(program, counts["mentors"]),
    }


def _share(part: int, whole: int) -> int | None:
    return round(100 * part / whole) if whole else None


def waiting_mentees(program: Program) -> list[dict]:
    """Ready mentees without a mentor, the longest waiting first. Waiting starts
    when they joined or when their last request or mentorship closed.

    One join with GROUP BY gives the page's ids, dates and open requests; the
    twenty rows follow. (A correlated sub-query for the last closed date made
    PostgreSQL's cost estimate cross its JIT threshold: 45 ms of compiling.)"""
    mine = "mentorships_as_mentee"
    closed = Q(**{f"{mine}__status__in": Mentorship.CLOSED})
    rows = list(
        members(program)
        .filter(role="mentee", is_ready=True)
        .exclude(Exists(paired(program).filter(mentee=OuterRef("pk"))))
        .annotate(
            last_closed=Max(Coalesce(f"{mine}__ended_at", f"{mine}__decided_at"), filter=closed),
            waiting_since=Greatest("created_at", Coalesce("last_closed", "created_at")),
            open_requests=Count(mine, filter=Q(**{f"{mine}__status": "requested"})),
        )
        .order_by("waiting_since", "pk")
        .values_list("pk", "waiting_since", "open_requests")[:PAGE]
    )
    found = Profile.objects.in_bulk([pk for pk, _, _ in rows])
    page = []
    for pk, since, open_requests in rows:
        if profile := found.get(pk):  # not deleted in between
            page.append({**person(profile), "waiting_since": since, "open_requests": open_requests})
    return page


def mentors_with_load(program: Program):
    """Ready mentors, each with the places taken and the requests waiting on
    them: one join and GROUP BY (a correlated count per mentor took seconds on
    30,000 mentors)."""
    mine = "mentorships_as_mentor"
    return (
        members(program)
        .filter(role="mentor", is_ready=True)
        .annotate(
            taken=Count(mine, filter=Q(**{f"{mine}__status__in": Mentorship.TAKING_ROOM})),
            pending=Count(mine, filter=Q(**{f"{mine}__status": Mentorship.Status.REQUESTED})),
        )
    )


# A mentor who set their capacity to 0 is not full: they take no mentees, and
# are counted apart ("closed").
FULL = Q(taken__gte=F("capacity"), capacity__gt=0)
IDLE = Q(taken=0, pending=0, is_paused=False, capacity__gt=0)
CLOSED = Q(capacity=0)
# Each list of mentors the overview names: who is in it, and in what order.
MENTOR_LISTS = {
    "full": (FULL, "display_name"),
    "idle": (IDLE, "created_at"),
    "closed": (CLOSED, "display_name"),
}
# PostgreSQL gathers each list's ids, in order, in the same pass as the
# counts (0.31 → 0.12 s at 30,000 mentors); SQLite, the no-setup development
# default, has no array_agg and asks once per list.
ARRAYS = connection.vendor == "postgresql"


def _mentor_load(program: Program) -> dict:
    mentors = mentors_with_load(program)
    counts = {f"{name}_count": Count("pk", filter=q) for name, (q, _) in MENTOR_LISTS.items()}
    if ARRAYS:
        lists = {
            name: ArrayAgg("pk", filter=q, order_by=(by, "pk"))
            for name, (q, by) in MENTOR_LISTS.items()
        }
        row = mentors.aggregate(**counts, **lists)
        ids = {name: (row.pop(name) or [])[:PAGE] for name in MENTOR_LISTS}
    else:
        row = mentors.aggregate(**counts)
        ids = {
            name: list(mentors.filter(q).order_by(by, "pk").values_list("pk", flat=True)[:PAGE])
            for name, (q, by) in MENTOR_LISTS.items()
        }
    found = Profile.objects.in_bulk([pk for page in ids.values() for pk in page])
    named = {name: [person(found[pk]) for pk in page if pk in found] for name, page in ids.items()}
    return {**row, **named}


def _top_score_buckets(program: Program) -> dict[int, int]:
    """Each listed mentee's best score, counted per ten points. The best, not
    the first: spreading the load may put a lower score first in a list."""
    best = (
        Suggestion.objects.filter(program=program, status__in=Suggestion.LISTED)
        .order_by()  # not the model's ordering: it joins the mentee for nothing
        .values("mentee_id")
        .annotate(best=Max("score"))
        .annotate(bucket=Floor(F("best") / 10))
        .values_list("bucket", flat=True)
    )
    return dict(Counter(min(int(b), BUCKETS - 1) for b in best))


def unmet_goals(program: Program) -> list[list]:
    """Goals wanted by waiting mentees that no mentor with room offers.

    The goals of every mentor with room, gathered in one pass: its cost is
    bounded by the program's size whatever the answer. A query per goal,
    stopping at the first mentor with room offering it, was quicker while
    every goal was on offer (62 ms against 0.31 s at 30,000 mentors), but for
    each goal on offer from nobody it read every profile holding that goal:
    after an auto-assignment, with 17 goals unmet among 3,000 mentors, 0.55 s
    against 24 ms, and seconds at 30,000."""
    with_room = mentors_with_load(program).filter(is_paused=False, capacity__gt=F("taken"))
    offered = Profile.goals.through.objects.filter(profile__in=with_room.values("pk"))
    unmet = list(
        Tag.objects.filter(kind=TagKind.GOAL)
        .exclude(pk__in=offered.values("tag_id"))
        .values_list("pk", flat=True)
    )
    if not unmet:
        return []
    waiting = (
        members(program)
        .filter(role="mentee", is_ready=True)
        .exclude(Exists(paired(program).filter(mentee=OuterRef("pk"))))
        .values("pk")
    )
    wanted = (
        Profile.goals.through.objects.filter(profile__in=waiting, tag__in=unmet)
        .values("tag__name")
        .annotate(n=Count("profile_id", distinct=True))
        .order_by("-n", "tag__name")
    )
    return [[row["tag__name"], row["n"]] for row in wanted]


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


def _tallies(program: Program):
    """Every background answer of the program's ready mentees, with its
    mentees' outcomes; and the same for those who answered none, and for all.
    A fixed number of queries however many groups there are: the groups'
    outcomes come from one grouped query."""
    mentees = members(program).filter(role="mentee", is_ready=True)
    through = Profile.background.through.objects.filter(profile__in=mentees.values("pk"))
    sizes = dict(
        through.values("tag_id").annotate(n=Count("profile_id")).values_list("tag_id", "n")
    )
    tags = list(Tag.objects.filter(pk__in=sizes).order_by("kind", "facet", "sort_order", "pk"))
    in_program = mentorships_of(program, mentees)
    by_tag = {
        row.pop("tag"): row
        for row in in_program.filter(mentee__background__isnull=False)
        .values(tag=F("mentee__background"))
        .annotate(**_outcomes())
    }
    # An anti-join: ``background__isnull`` joined every mentee's tags first.
    undisclosed = mentees.exclude(
        Exists(Profile.background.through.objects.filter(profile=OuterRef("pk")))
    )
    return mentees, tags, sizes, by_tag, in_program, undisclosed


def fairness(program: Program) -> dict:
    """Per self-identified group, exactly: matched share, days to match, the
    mentors' own decline rate apart from requests closed for want of room, and
    mean score. Groups under MIN_GROUP people are hidden, and no person's own
    answers appear: only counts over groups. For viewers allowed to read
    background answers; everyone else sees a release (dashboard/releases.py)."""
    mentees, tags, sizes, by_tag, in_program, undisclosed = _tallies(program)
    groups = []
    for t in tags:
        if sizes[t.pk] < MIN_GROUP:
            continue
        outcome = by_tag.get(t.pk, {})
        if outcome and not GROUPED_MEDIAN:
            outcome["wait"] = _median_wait(in_program.filter(mentee__background=t))
        groups.append(_as_group(t.name, t.get_facet_display(), sizes[t.pk], outcome))
    undisclosed_count = undisclosed.count()
    if undisclosed_count >= MIN_GROUP:
        groups.append(_group(program, "Chose not to disclose", "—", undisclosed, undisclosed_count))
    return {
        "cycles": taking_part(program),
        "groups": groups,
        "everyone": _group(program, "All mentees", "—", mentees, mentees.count()),
        "hidden": sum(1 for n in sizes.values() if n < MIN_GROUP),
        "min_group": MIN_GROUP,
    }


EVERYONE, UNDISCLOSED = "everyone", "undisclosed"


def fairness_counts(program: Program) -> tuple[list[Counts], list[Relation]]:
    """Every group's exact counts, small ones included, and how the groups
    relate: what a release (dashboard/disclosure.py) is made from."""
    mentees, tags, sizes, by_tag, _, undisclosed = _tallies(program)
    cells = [
        _counts(f"tag:{t.pk}", t.name, t.get_facet_display(), sizes[t.pk], by_tag.get(t.pk, {}))
        for t in tags
    ]
    for key, name, members in (
        (UNDISCLOSED, "Chose not to disclose", undisclosed),
        (EVERYONE, "All mentees", mentees),
    ):
        outcome = mentorships_of(program, members).aggregate(**_outcomes(medians=False))
        cells.append(_counts(key, name, "—", members.count(), outcome))
    return cells, group_relations(tags)


def group_relations(tags: list[Tag]) -> list[Relation]:
    """How the groups of ``tags`` (keyed ``tag:<pk>``), EVERYONE and UNDISCLOSED
    relate: a heritage region holds its sub-groups, and everyone holds each
    facet's top groups and those who chose not to disclose. The outcome report
    (dashboard/outcomes.py) suppresses over the same relations."""
    slug_key = {t.slug: f"tag:{t.pk}" for t in tags if t.kind == TagKind.HERITAGE}
    relations = [
        Relation(slug_key[region], tuple(slug_key[c] for c in children if c in slug_key))
        for region, children in HERITAGE_REGIONS.items()
        if region in slug_key
    ]
    within = {c for _, children in HERITAGE_REGIONS.items() for c in children}
    # In a fixed order: the suppression's choices follow the relations' order, and a
    # set's order changes from one process to the next (two views, two hidden sets).
    for facet in sorted({t.facet for t in tags}):
        top = [
            f"tag:{t.pk}"
            for t in tags
            if t.facet == facet and not (t.kind == TagKind.HERITAGE and t.slug in within)
        ]
        relations.append(Relation(EVERYONE, (*top, UNDISCLOSED)))
    return relations


def _counts(key: str, name: str, kind: str, people: int, outcome: dict) -> Counts:
    wait = outcome.get("wait_sum")
    return Counts(
        key=key,
        name=name,
        kind=str(kind),
        people=people,
        matched=outcome.get("matched", 0),
        declined=outcome.get("declined", 0),
        answered=outcome.get("answered", 0),
        score_sum=float(outcome.get("score_sum") or 0.0),
        scored=outcome.get("scored", 0),
        wait_sum=0.0 if wait is None else wait.total_seconds() / 86400,
        waited=outcome.get("waited", 0),
    )


# PostgreSQL takes a median per group in the same query; SQLite (the no-setup
# development default) has no percentile_cont, so there it is taken per group.
GROUPED_MEDIAN = connection.vendor == "postgresql"


NO_ROOM = Q(status=Mentorship.Status.DECLINED, decline_reason=Mentorship.DeclineReason.NO_ROOM)


def _outcomes(*, medians: bool = True) -> dict:
    """What each group's figures are made of, over its mentees' mentorships.
    A request declined automatically because its mentor filled up is not the
    mentor's choice: it counts apart (``no_room``) and out of ``answered``."""
    started = Q(started_at__isnull=False)
    out = {
        "matched": Count("mentee_id", filter=Q(status__in=Mentorship.PAIRED), distinct=True),
        "declined": Count("id", filter=Q(status=Mentorship.Status.DECLINED) & ~NO_ROOM),
        "no_room": Count("id", filter=NO_ROOM),
        "requests": Count("id", filter=Q(source="request", status__in=ANSWERED)),
        "answered": Count("id", filter=Q(source="request", status__in=ANSWERED) & ~NO_ROOM),
        "mean_score": Avg("score", filter=started, output_field=FloatField()),
        "score_sum": Sum("score", filter=started & Q(score__isnull=False)),
        "scored": Count("id", filter=started & Q(score__isnull=False)),
        "wait_sum": Sum(
            Least(wait_to_match(), Value(timedelta(days=WAIT_CAP))),
            filter=started,
            output_field=DurationField(),
        ),
        "waited": Count("id", filter=started),
    }
    if GROUPED_MEDIAN and medians:
        out["wait"] = Median(wait_to_match(), filter=started, output_field=DurationField())
    return out


def _median_wait(mentorships) -> timedelta | None:
    return median(mentorships.filter(started_at__isnull=False), wait_to_match(), DurationField())


def _group(program: Program, name: str, kind: str, members, people: int) -> dict:
    in_group = mentorships_of(program, members)
    outcome = in_group.aggregate(**_outcomes())
    if not GROUPED_MEDIAN:
        outcome["wait"] = _median_wait(in_group)
    return _as_group(name, kind, people, outcome)


def _as_group(name: str, kind: str, people: int, outcome: dict) -> dict:
    score = outcome.get("mean_score")
    return dict(
        name=name,
        kind=str(kind),
        people=people,
        matched_share=_share(outcome.get("matched", 0), people),
        median_days=days(outcome.get("wait")),
        decline_rate=_share(outcome.get("declined", 0), outcome.get("answered", 0)),
        no_room_rate=_share(outcome.get("no_room", 0), outcome.get("requests", 0)),
        mean_score=None if score is None else round(score, 1),
        # What each figure rests on: a difference resting on a few is not marked (fairness.py).
        answered=outcome.get("answered", 0),
        requests=outcome.get("requests", 0),
        started=outcome.get("waited", 0),
        scored=outcome.get("scored", 0),
    )
