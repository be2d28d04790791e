"""The outcome report: what came of a program's mentorships, per cycle, overall
and per self-identified group (docs/outcomes.md, "The outcome report").

Every figure is a share with its Wilson 95 % interval or a mean with its t
interval (dashboard/intervals.py), over the mentorships *started* in the scope
(one cycle, or every cycle). One SQL query works out every figure of every group
whatever the program's size; the Python here handles one row per figure and
group.

What keeps answers private:

- **Batches of five.** Each figure counts its answers in the order they came
  (the first five, then the first ten …): the newest ``total mod 5`` wait for
  the next. A figure therefore moves only when five more answers are in, so two
  views a day apart never differ by one person's answer; under five answers
  it reads "not enough answers yet".
- **Groups.** Per self-identified group only for a viewer who may read the
  program's background answers, and only for one population at a time: a
  cycle's mentees (or a program without cycles: all of them), never all
  cycles, whose group rows minus a cycle's would isolate who took part in
  another. Groups under five mentees are hidden, and each figure is hidden
  in more groups (dashboard/disclosure.py's complementary suppression, over the
  fairness page's relations) whenever subtracting the shown ones would isolate
  a hidden group's answers or fewer than five of them.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field

from django.core.cache import cache
from django.db import connection
from django.db.models import (
    Avg,
    Case,
    Count,
    F,
    FloatField,
    Max,
    Min,
    Q,
    Value,
    When,
)
from django.db.models.functions import Cast, Coalesce
from django.utils import translation
from django.utils.functional import lazy
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from mentorships.models import CheckIn, Mentorship
from mentorships.outcome_models import (
    FOLLOW_UP_MONTHS,
    CloseOut,
    FollowUp,
    Side,
    SponsorshipAction,
)
from profiles.models import Cycle, Profile, Program, Tag
from profiles.taxonomy import Facet

from . import disclosure, intervals
from .figures import EVERYONE, MIN_GROUP, UNDISCLOSED, group_relations

# A figure rests on at least this many answers, counted in batches of as many.
MIN_ANSWERS = MIN_GROUP
# A group's "mentored but not sponsored" share is marked when it differs from
# all mentees' by at least this many percentage points (as the fairness page marks).
GAP_POINTS = 10

SHARE, RATING, COUNT = "share", "rating", "count"
# Lazy throughout: a report is kept in the cache and shown in each viewer's language.
NOT_ENOUGH = _("Not enough answers yet")
HIDDEN = _("Hidden to protect a small group")
ALL_MENTEES = _("All mentees")
UNDISCLOSED_NAME = _("Chose not to disclose")
WHY_NOT_ALLOWED = _(
    "Figures per self-identified group are shown only to the program's admins "
    "allowed to read background answers."
)
WHY_ONE_CYCLE = _(
    "Figures per self-identified group are shown one cycle at a time: choose a "
    "cycle. Beside each other, all cycles' and one cycle's would let a small "
    "group's figures be worked out by subtraction."
)
PEOPLE = "people"  # the family of group sizes: never batched
ALL_ANSWERS = "#all"  # each family's answers in so far, kept or waiting


@dataclass(frozen=True)
class Figure:
    key: str
    label: str
    unit: str  # SHARE (0–100 %), RATING (a mean on 1–5) or COUNT (a mean from 0)
    family: str  # the answers it is worked out from
    column: int  # which value of the family: 1, 2 or 3
    positive: bool = False  # a share of answers whose value is above 0
    complement: bool = False  # … or the share of those that are not
    base: str = "answers"  # what the answers are, in words: "of 40 <base>"
    says: str = ""  # the figure in a sentence, after "62 % (48–74 %) of 40 <base>"


@dataclass(frozen=True)
class Section:
    key: str
    title: str
    figures: tuple[Figure, ...]
    explains: str


def _follow_ups_title_now(months: int) -> str:
    return ngettext("Follow-ups at %(months)s month", "Follow-ups at %(months)s months", months) % {
        "months": months
    }


def _follow_ups_explained_now(months: int) -> str:
    return ngettext(
        "The mentees' own answers %(months)s month after their mentorship closed.",
        "The mentees' own answers %(months)s months after their mentorship closed.",
        months,
    ) % {"months": months}


# Lazy, and picklable (module functions): the report is kept in the cache.
_follow_ups_title = lazy(_follow_ups_title_now, str)
_follow_ups_explained = lazy(_follow_ups_explained_now, str)


def _follow_ups(months: int) -> Section:
    family = f"follow_up_{months}"
    return Section(
        f"follow_up_{months}",
        _follow_ups_title(months),
        (
            Figure(
                f"new_role_{months}",
                _("New role"),
                SHARE,
                f"{family}_role",
                1,
                base=_("mentees who answered"),
                says=_("have a new role or more responsibility"),
            ),
            Figure(
                f"stay_{months}",
                _("Expect to stay"),
                SHARE,
                f"{family}_stay",
                1,
                base=_("mentees who answered"),
                says=_("expect to stay at least another year"),
            ),
            Figure(
                f"belonging_{months}",
                _("Belonging (1–5)"),
                RATING,
                f"{family}_belong",
                1,
                base=_("mentees who answered"),
                says=_("mean belonging, from 1 (strongly disagree) to 5 (strongly agree)"),
            ),
            Figure(
                f"sponsored_{months}",
                _("Say they were sponsored"),
                SHARE,
                f"{family}_sponsored",
                1,
                base=_("mentees who answered"),
                says=_("say someone sponsored them"),
            ),
        ),
        _follow_ups_explained(months),
    )


SECTIONS = (
    Section(
        "completion",
        _("Completion"),
        (
            Figure(
                "completed",
                _("Completed"),
                SHARE,
                "completion",
                1,
                base=_("mentorships that closed"),
                says=_("completed rather than ended early"),
            ),
        ),
        _(
            "Of the mentorships that started and have since closed, those that ran their "
            "course (completed) rather than ended early. Mentorships still running are not "
            "counted yet."
        ),
    ),
    Section(
        "ratings",
        _("Ratings"),
        (
            Figure(
                "check_in",
                _("Check-ins (1–5)"),
                RATING,
                "check_in",
                1,
                base=_("people who checked in"),
                says=_("mean check-in rating, from 1 (poor) to 5 (very good)"),
            ),
            Figure(
                "close_out_mentee",
                _("Close-out, mentees (1–5)"),
                RATING,
                "close_out_mentee",
                1,
                base=_("mentees who answered"),
                says=_("mean close-out rating given by mentees"),
            ),
            Figure(
                "close_out_mentor",
                _("Close-out, mentors (1–5)"),
                RATING,
                "close_out_mentor",
                1,
                base=_("mentors who answered"),
                says=_("mean close-out rating given by mentors"),
            ),
        ),
        _(
            "Each person who checked in counts once, with the mean of their check-ins in the "
            "mentorship; each close-out survey counts once."
        ),
    ),
    Section(
        "goals",
        _("Goal progress"),
        (
            Figure(
                "goal_start",
                _("Goals at the start (1–5)"),
                RATING,
                "goals",
                1,
                base=_("mentees who rated their goals"),
                says=_("mean rating of their goals when agreed"),
            ),
            Figure(
                "goal_end",
                _("Goals at the close (1–5)"),
                RATING,
                "goals",
                2,
                base=_("mentees who rated their goals"),
                says=_("mean rating of their goals at the close"),
            ),
            Figure(
                "goal_improved",
                _("Goals improved"),
                SHARE,
                "goals",
                3,
                base=_("mentees who rated their goals"),
                says=_("rated their goals higher at the close than at the start"),
            ),
        ),
        _(
            "Where the mentees rated their agreed goals, from 1 to 5, when they agreed them "
            "and again in their close-out survey; each mentee counts once, with the mean of "
            "their goals."
        ),
    ),
    Section(
        "sponsorship",
        _("Sponsorship"),
        (
            Figure(
                "sponsored",
                _("Sponsored"),
                SHARE,
                "sponsorship",
                1,
                positive=True,
                base=_("mentees mentored"),
                says=_("had at least one sponsorship action recorded"),
            ),
            Figure(
                "sponsored_confirmed",
                _("Sponsored, confirmed"),
                SHARE,
                "sponsorship",
                2,
                positive=True,
                base=_("mentees mentored"),
                says=_("had at least one sponsorship action they confirmed"),
            ),
            Figure(
                "actions",
                _("Actions per mentee"),
                COUNT,
                "sponsorship",
                1,
                base=_("mentees mentored"),
                says=_("sponsorship actions recorded per mentee"),
            ),
            Figure(
                "not_sponsored",
                _("Mentored but not sponsored"),
                SHARE,
                "sponsorship",
                1,
                complement=True,
                base=_("mentees mentored"),
                says=_("were mentored but have no sponsorship action recorded"),
            ),
        ),
        _(
            "Introductions, recommendations, nominations and advocacy the mentors recorded for "
            "the mentees they mentored; confirmed ones the mentee confirmed too."
        ),
    ),
    *(_follow_ups(m) for m in FOLLOW_UP_MONTHS),
)
FIGURES = {f.key: f for s in SECTIONS for f in s.figures}
FAMILIES = sorted({f.family for f in FIGURES.values()})


# --- the answers, one row each ------------------------------------------------------


def _float(expression):
    return Cast(expression, FloatField())


NONE = Value(None, output_field=FloatField())


def _scope(program: Program, cycle: Cycle | None):
    """The mentorships the report is about: started, in ``cycle`` or in any."""
    found = Mentorship.objects.filter(program=program, started_at__isnull=False)
    return found.filter(cycle=cycle) if cycle is not None else found


def _rows(mentorships) -> dict[str, object]:
    """Each family's answers as a values queryset of (rid, t_at, who, v1, v2, v3):
    a row's id and time (the batches' order), the mentee it is about (their
    group) and up to three values."""
    ids = mentorships.values("pk")
    answered = Q(answered_at__isnull=False)

    def one(qs, rid, at, who, v1, v2=NONE, v3=NONE):
        return qs.order_by().values(
            rid=rid, t_at=at, who=who, v1=_float(v1), v2=_float(v2), v3=_float(v3)
        )

    rows = {
        PEOPLE: mentorships.order_by()
        .values("mentee_id")
        .annotate(rid=F("mentee_id"), t_at=Min("started_at"), who=F("mentee_id"))
        .values("rid", "t_at", "who", v1=NONE, v2=NONE, v3=NONE),
        "completion": one(
            mentorships.filter(status__in=(Mentorship.Status.COMPLETED, Mentorship.Status.ENDED)),
            F("pk"),
            F("ended_at"),
            F("mentee_id"),
            Case(When(status=Mentorship.Status.COMPLETED, then=1), default=0),
        ),
        "check_in": CheckIn.objects.filter(mentorship__in=ids, author__isnull=False)
        .order_by()
        .values("mentorship_id", "author_id")
        .annotate(
            rid=Min("pk"),
            t_at=Max("created_at"),
            who=Max("mentorship__mentee_id"),
            v1=_float(Avg("rating")),
            v2=NONE,
            v3=NONE,
        )
        .values("rid", "t_at", "who", "v1", "v2", "v3"),
        "goals": CloseOut.objects.filter(
            answered, mentorship__in=ids, side=Side.MENTEE, goals__end_rating__isnull=False
        )
        .order_by()
        .values("pk")
        .annotate(
            rid=F("pk"),
            t_at=F("answered_at"),
            who=F("mentorship__mentee_id"),
            v1=_float(Avg("goals__start_rating")),
            v2=_float(Avg("goals__end_rating")),
            v3=Case(
                When(Q(v2__gt=F("v1")), then=Value(1.0)),
                default=Value(0.0),
                output_field=FloatField(),
            ),
        )
        .values("rid", "t_at", "who", "v1", "v2", "v3"),
        "sponsorship": mentorships.order_by()
        .values("mentee_id")
        .annotate(
            rid=F("mentee_id"),
            t_at=Min("started_at"),
            who=F("mentee_id"),
            v1=_float(Count("sponsorships", distinct=True)),
            v2=_float(
                Count(
                    "sponsorships",
                    filter=Q(sponsorships__confirmed_at__isnull=False),
                    distinct=True,
                )
            ),
            v3=NONE,
        )
        .values("rid", "t_at", "who", "v1", "v2", "v3"),
    }
    for side in (Side.MENTEE, Side.MENTOR):
        rows[f"close_out_{side}"] = one(
            CloseOut.objects.filter(answered, mentorship__in=ids, side=side, rating__isnull=False),
            F("pk"),
            F("answered_at"),
            F("mentorship__mentee_id"),
            F("rating"),
        )
    belonging = [F(f) for f in FollowUp.BELONGING]
    for months in FOLLOW_UP_MONTHS:
        asked = FollowUp.objects.filter(answered, mentorship__in=ids, months=months)
        family = f"follow_up_{months}"
        for suffix, only, value in (
            ("role", Q(new_role__isnull=False), Case(When(new_role=True, then=1), default=0)),
            ("stay", ~Q(stay=""), Case(When(stay=FollowUp.Stay.YES, then=1), default=0)),
            (
                "sponsored",
                Q(sponsored__isnull=False),
                Case(When(sponsored=True, then=1), default=0),
            ),
            (
                "belong",
                Q(*(Q(**{f"{f}__isnull": False}) for f in FollowUp.BELONGING), _connector=Q.OR),
                _belonging(belonging),
            ),
        ):
            rows[f"{family}_{suffix}"] = one(
                asked.filter(only), F("pk"), F("answered_at"), F("profile_id"), value
            )
    return rows


def _belonging(items):
    """A follow-up's mean over the belonging items it answers (unanswered ones left out)."""
    answered = sum(
        (Case(When(Q(**{f"{i.name}__isnull": False}), then=1), default=0) for i in items),
        Value(0),
    )
    total = sum((Coalesce(i, 0) for i in items), Value(0))
    return Cast(total, FloatField()) / Cast(answered, FloatField())


# --- one query for all of it -------------------------------------------------------


# A NULL value column has no type of its own: each part says what its columns are.
COLUMNS = (
    "CAST(rid AS bigint) AS rid, t_at, CAST(who AS bigint) AS who, "
    "CAST(v1 AS double precision) AS v1, CAST(v2 AS double precision) AS v2, "
    "CAST(v3 AS double precision) AS v3"
)
# Each family's rows ranked by time; group sizes (PEOPLE) kept whole, answers in
# whole batches of MIN_ANSWERS, oldest first; then counted for everyone (and each
# group), and all the answers in so far apart ('#all').
REPORT = (
    "WITH base AS ({base}), "
    "ranked AS (SELECT base.*, "
    "ROW_NUMBER() OVER (PARTITION BY family ORDER BY t_at, rid) AS rn, "
    "COUNT(*) OVER (PARTITION BY family) AS total FROM base), "
    "kept AS (SELECT * FROM ranked WHERE family = %s OR rn <= total - total %% %s), "
    "grouped AS ({by_group}) "
    "SELECT family, grp, COUNT(*), MAX(total), "
    "SUM(v1), SUM(v1 * v1), COUNT(*) FILTER (WHERE v1 > 0), "
    "SUM(v2), SUM(v2 * v2), COUNT(*) FILTER (WHERE v2 > 0), "
    "SUM(v3), SUM(v3 * v3), COUNT(*) FILTER (WHERE v3 > 0) "
    "FROM grouped GROUP BY family, grp "
    "UNION ALL SELECT family, %s, 0, COUNT(*), 0, 0, 0, 0, 0, 0, 0, 0, 0 "
    "FROM ranked GROUP BY family"
)
GROUPS = (
    " UNION ALL SELECT 'tag:' || b.tag_id, k.* FROM kept k "
    "JOIN {background} b ON b.profile_id = k.who"
    " UNION ALL SELECT %s, k.* FROM kept k WHERE NOT EXISTS "
    "(SELECT 1 FROM {background} b WHERE b.profile_id = k.who)"
)


def _tallies(mentorships, *, groups: bool) -> dict[tuple[str, str], dict]:
    """{(family, group key): {"n", "total", "s1", "q1", "p1", …}} for every family
    and group (EVERYONE; with ``groups``, each background tag and UNDISCLOSED).
    ``n`` counts the answers kept (whole batches of five, oldest first, taken
    over everyone so that groups add up); ``total`` all the answers in."""
    parts, params = [], []
    for family, qs in _rows(mentorships).items():
        sql, p = qs.query.sql_with_params()
        parts.append(
            f"SELECT %s AS family, {COLUMNS} FROM ({sql}) AS f{len(parts)}"  # noqa: S608  # nosec B608
        )
        params += [family, *p]
    params += [PEOPLE, MIN_ANSWERS, EVERYONE]
    by_group = "SELECT %s AS grp, k.* FROM kept k"
    if groups:
        by_group += GROUPS.format(background=Profile.background.through._meta.db_table)
        params += [UNDISCLOSED]
    params += [ALL_ANSWERS]
    # Every value is a parameter; the parts are the ORM's SQL, the table name its meta's.
    sql = REPORT.format(base=" UNION ALL ".join(parts), by_group=by_group)
    found: dict[tuple[str, str], dict] = {}
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        for family, grp, n, total, *values in cursor.fetchall():
            row = {"n": n, "total": total}
            for i in (1, 2, 3):
                s, q, p = values[3 * (i - 1) : 3 * i]
                row |= {f"s{i}": float(s or 0), f"q{i}": float(q or 0), f"p{i}": int(p or 0)}
            found[(family, grp)] = row
    return found


# --- laid out ------------------------------------------------------------------------


@dataclass
class Cell:
    """One figure of one group, as shown (and exported)."""

    figure: Figure
    value: float | None = None  # a share as 0–100, a mean as is
    low: float | None = None
    high: float | None = None
    n: int = 0  # the answers it rests on
    note: str = ""  # why there is no figure (NOT_ENOUGH, HIDDEN)
    gap: float | None = None  # percentage points from all mentees', when marked
    direction: str = ""  # "higher" or "lower": a CSS class; the word is direction_word

    @property
    def direction_word(self) -> str:
        if not self.direction:
            return ""
        if self.direction == "higher":
            # Translators: as in "12 points higher (than all mentees)".
            return gettext("higher")
        # Translators: as in "12 points lower (than all mentees)".
        return gettext("lower")

    @property
    def shown(self) -> bool:
        return self.value is not None

    @property
    def text(self) -> str:
        return _number(self.figure, self.value) if self.shown else ""

    @property
    def interval(self) -> str:
        if not self.shown:
            return ""
        low, high = _number(self.figure, self.low), _number(self.figure, self.high)
        return f"{low.rstrip('%').strip()}–{high}"

    @property
    def sentence(self) -> str:
        """ "62 % (48–74 %) of 40 mentorships that closed completed rather than ended early"."""
        if not self.shown:
            return self.note
        return f"{self.text} ({self.interval}) of {self.n} {self.figure.base}: {self.figure.says}"


@dataclass
class Row:
    key: str
    name: str
    kind: str  # the facet: "Heritage", "Gender" …; "" for all mentees
    people: int | None  # mentees mentored; None when hidden
    cells: dict[str, Cell] = field(default_factory=dict)

    @property
    def reference(self) -> bool:
        return self.key == EVERYONE


@dataclass
class Report:
    cycle: Cycle | None
    rows: list[Row]  # all mentees first, then the groups shown
    groups: bool  # whether groups were asked for (the viewer may read background)
    why_no_groups: str  # when they are not shown, why, in a sentence
    hidden_groups: int  # groups under five mentees, or hidden beside them
    answers: dict[str, int]  # each family's answers in so far (kept or waiting)
    gaps: list[tuple[Row, Cell]]  # marked "mentored but not sponsored" differences
    min_answers: int = MIN_ANSWERS
    gap_points: int = GAP_POINTS

    @property
    def everyone(self) -> Row:
        return self.rows[0]

    def sections(self):
        return SECTIONS


def _number(figure: Figure, value: float | None) -> str:
    if value is None:
        return ""
    if figure.unit == SHARE:
        return f"{round(value)} %"
    return f"{value:.1f}" if figure.unit == RATING else f"{value:.2f}"


def _cell(figure: Figure, tally: dict | None) -> Cell:
    n = tally["n"] if tally else 0
    if n < MIN_ANSWERS:
        return Cell(figure, note=NOT_ENOUGH)
    i = figure.column
    if figure.unit == SHARE:
        k = tally[f"p{i}"] if figure.positive or figure.complement else round(tally[f"s{i}"])
        if figure.complement:
            k = n - k
        low, high = intervals.wilson(k, n)
        return Cell(figure, 100 * k / n, 100 * low, 100 * high, n)
    mean, low, high = intervals.mean_interval(n, tally[f"s{i}"], tally[f"q{i}"])
    floor, ceiling = (1.0, 5.0) if figure.unit == RATING else (0.0, None)
    low = max(floor, low)
    high = high if ceiling is None else min(ceiling, high)
    return Cell(figure, mean, low, high, n)


def report(program: Program, cycle: Cycle | None, *, groups: bool) -> Report:
    """The report on the mentorships started in ``cycle`` (every cycle when None);
    per group when ``groups`` (the viewer may read background answers) and the
    scope is one population (a cycle, or a program without cycles)."""
    # One cycle's mentorships; or all of them where the page offers no other view.
    one_population = cycle is not None or program.cycles.count() <= 1
    by_group = groups and one_population
    tallies = _tallies(_scope(program, cycle), groups=by_group)
    everyone = Row(EVERYONE, ALL_MENTEES, "", tallies.get((PEOPLE, EVERYONE), {}).get("n", 0))
    rows, hidden_rows, keys, relations = [everyone], set(), [EVERYONE], []
    if by_group:
        rows, hidden_rows, keys, relations = _group_rows(everyone, tallies)
    for row in rows:
        for key, figure in FIGURES.items():
            row.cells[key] = _cell(figure, tallies.get((figure.family, row.key)))
    if by_group:
        _suppress(rows, tallies, keys, relations, hidden_rows)
    gaps = _mark_gaps(rows)
    if not groups:
        why = WHY_NOT_ALLOWED
    elif not one_population:
        why = WHY_ONE_CYCLE
    else:
        why = ""
    answers = {f: tallies.get((f, ALL_ANSWERS), {}).get("total", 0) for f in FAMILIES}
    return Report(cycle, rows, by_group, why, len(hidden_rows), answers, gaps)


def _group_rows(everyone: Row, tallies: dict):
    """(the rows shown, the group keys hidden, every group key, their relations):
    groups under five mentees hidden, and more beside them as disclosure.py says."""
    keys = {grp for family, grp in tallies if family == PEOPLE and grp != ALL_ANSWERS}
    tag_ids = [int(k.split(":", 1)[1]) for k in keys if k.startswith("tag:")]
    tags = list(Tag.objects.filter(pk__in=tag_ids).order_by("kind", "facet", "sort_order", "pk"))
    size = {k: tallies[(PEOPLE, k)]["n"] for k in keys}
    relations = group_relations(tags)
    cells = [disclosure.Counts(k, k, "", n) for k, n in size.items()]
    hidden = disclosure.suppress(cells, relations, MIN_GROUP, public=frozenset({EVERYONE}))
    rows = [everyone]
    for t in tags:
        key = f"tag:{t.pk}"
        if key not in hidden:
            rows.append(Row(key, t.name, Facet(t.facet).label if t.facet else "", size[key]))
    if UNDISCLOSED in size and UNDISCLOSED not in hidden:
        rows.append(Row(UNDISCLOSED, UNDISCLOSED_NAME, "", size[UNDISCLOSED]))
    return rows, hidden, list(size), relations


def _suppress(rows: list[Row], tallies: dict, keys, relations, hidden_rows: set[str]) -> None:
    """Each figure hidden in as many more groups as its answers need: the groups
    whose size is hidden count as hidden, and so does a group under five answers."""
    for key, figure in FIGURES.items():
        counts = [
            disclosure.Counts(k, k, "", tallies.get((figure.family, k), {}).get("n", 0))
            for k in keys
        ]
        hidden = disclosure.suppress(
            counts, relations, MIN_ANSWERS, public=frozenset({EVERYONE}), already=hidden_rows
        )
        for row in rows:
            cell = row.cells[key]
            if row.key in hidden and cell.shown:
                row.cells[key] = Cell(figure, note=HIDDEN)


def _mark_gaps(rows: list[Row]) -> list[tuple[Row, Cell]]:
    """Groups whose "mentored but not sponsored" share is at least GAP_POINTS
    from all mentees' and whose interval leaves all mentees' share out: a group
    of six moves 17 points with one person, which is no finding."""
    reference = rows[0].cells["not_sponsored"]
    marked = []
    if not reference.shown:
        return marked
    for row in rows[1:]:
        cell = row.cells["not_sponsored"]
        if (
            cell.shown
            and abs(cell.value - reference.value) >= GAP_POINTS
            and not cell.low <= reference.value <= cell.high
        ):
            cell.gap = abs(cell.value - reference.value)
            cell.direction = "higher" if cell.value > reference.value else "lower"
            marked.append((row, cell))
    return marked


# --- kept between views ----------------------------------------------------------------

# A report is kept until what it is worked out from changes (its fingerprint), and at
# most this long (a tag renamed, say, which no count sees).
KEPT_SECONDS = 600


def fingerprint(program: Program, cycle: Cycle | None) -> str:
    """What the report on ``cycle`` is worked out from, in a few counts and times: an
    answer given, a survey asked, a check-in, a sponsorship recorded, confirmed or
    taken back, a mentorship closing, a mentee's answers (their groups) changing, a
    row deleted with an account — each moves it. A few aggregate queries over the
    scope's mentorships, whatever the figures' cost."""
    scope = _scope(program, cycle)
    ids = scope.order_by().values("pk")
    parts = (
        scope.order_by().aggregate(
            n=Count("pk"), closed=Count("ended_at"), last=Max("ended_at"), mentees=Count("mentee")
        ),
        CheckIn.objects.filter(mentorship__in=ids).aggregate(n=Count("pk"), last=Max("created_at")),
        CloseOut.objects.filter(mentorship__in=ids).aggregate(
            n=Count("pk"), answered=Count("answered_at"), last=Max("answered_at")
        ),
        FollowUp.objects.filter(mentorship__in=ids).aggregate(
            n=Count("pk"), answered=Count("answered_at"), last=Max("answered_at")
        ),
        SponsorshipAction.objects.filter(mentorship__in=ids).aggregate(
            n=Count("pk"),
            confirmed=Count("confirmed_at"),
            recorded=Max("recorded_at"),
            last=Max("confirmed_at"),
        ),
        Profile.objects.filter(pk__in=scope.order_by().values("mentee_id")).aggregate(
            last=Max("updated_at")
        ),
        Tag.objects.aggregate(n=Count("pk"), last=Max("pk")),
    )
    return hashlib.sha256(repr(parts).encode()).hexdigest()[:20]


def kept_key(program: Program, cycle: Cycle | None, *, groups: bool) -> str:
    """The cache key of the report as it stands now (its fingerprint in it)."""
    scope = cycle.pk if cycle is not None else "all"
    # The page's rendering is kept under this key too: one per language.
    language = translation.get_language() or "en"
    return f"outcomes:{program.pk}:{scope}:{int(groups)}:{language}:{fingerprint(program, cycle)}"


def kept_report(program: Program, cycle: Cycle | None, *, groups: bool) -> tuple[Report, str]:
    """The report, worked out once per change of what it rests on, and its key (the
    page keeps its rendering under it too)."""
    key = kept_key(program, cycle, groups=groups)
    found = cache.get(key)
    if found is None:
        found = report(program, cycle, groups=groups)
        cache.set(key, found, KEPT_SECONDS)
    return found, key
