"""CSV out of a program for its admins: mentorships and listed suggestions.

Every cell that a spreadsheet would read as a formula is made inert, and
background answers appear only for a caller allowed to see them (a program
admin given that right, profiles/access.py), each such export on the record. The
dashboard and the API both download through :func:`csv_response`."""

from __future__ import annotations

import csv
from collections.abc import Iterable
from datetime import datetime
from typing import IO

from django.db.models import Prefetch, QuerySet
from django.http import HttpResponse
from django.utils import timezone, translation

from mentorships.models import Mentorship
from profiles.models import Cycle, Profile, Program, SensitiveAccess, Tag, User
from profiles.taxonomy import COMPONENTS, SENSITIVE_FACETS

from . import sentences
from .models import BACKGROUND_COMPONENTS, Suggestion

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
LIST_JOIN = "; "
BACKGROUND_COLUMNS = (*(f.value for f in SENSITIVE_FACETS), "heritage_note")
PEOPLE_COLUMNS = ("mentee_name", "mentee_email", "mentor_name", "mentor_email")
MATCH_COLUMNS = (
    *PEOPLE_COLUMNS,
    "status",
    "source",
    "score",
    "requested_at",
    "decided_at",
    "started_at",
    "ended_at",
    "decline_reason",
    "decline_note",
    "end_reason",
    "end_note",
)
SUGGESTION_COLUMNS = (*PEOPLE_COLUMNS, "rank", "score", *COMPONENTS, "reasons")
CHUNK = 2000


def cell(value: object) -> str:
    """A value as spreadsheet-safe text: nothing that starts like a formula."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = timezone.localtime(value).isoformat(timespec="seconds")
    text = str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def _number(value: float | None, places: int) -> str:
    return "" if value is None else f"{value:.{places}f}"


DEPARTED = "(account deleted)"


def _background_header(include_sensitive: bool) -> tuple[str, ...]:
    if not include_sensitive:
        return ()
    return tuple(f"{side}_{c}" for side in ("mentee", "mentor") for c in BACKGROUND_COLUMNS)


def _background(profile: Profile | None) -> list[str]:
    if profile is None:
        return [""] * (len(SENSITIVE_FACETS) + 1)
    names: dict[str, list[str]] = {f.value: [] for f in SENSITIVE_FACETS}
    for tag in profile.background.all():
        names.setdefault(tag.facet, []).append(tag.name)
    return [*(LIST_JOIN.join(names[f.value]) for f in SENSITIVE_FACETS), profile.heritage_note]


def _people(pairs: QuerySet, include_sensitive: bool) -> QuerySet:
    pairs = pairs.select_related("mentee__user", "mentor__user")
    if include_sensitive:
        tags = Tag.objects.order_by("kind", "sort_order", "name")
        pairs = pairs.prefetch_related(
            Prefetch("mentee__background", queryset=tags),
            Prefetch("mentor__background", queryset=tags),
        )
    return pairs


def _person_cells(pair: Mentorship | Suggestion) -> list[object]:
    """Name and email of each side; a side who deleted their account is left blank."""
    return [
        value
        for person in (pair.mentee, pair.mentor)
        for value in ((person.display_name, person.user.email) if person else (DEPARTED, ""))
    ]


def _write(
    out: IO[str],
    header: Iterable[str],
    pairs: QuerySet,
    row,
    include_sensitive: bool,
    exact_times: bool = True,
) -> int:
    writer = csv.writer(out)
    writer.writerow([*header, *_background_header(include_sensitive)])
    written = 0
    for pair in _people(pairs, include_sensitive).iterator(chunk_size=CHUNK):
        values = [*_person_cells(pair), *row(pair)]
        if include_sensitive:
            values += [*_background(pair.mentee), *_background(pair.mentor)]
        if not exact_times:
            values = [_day(v) for v in values]
        writer.writerow([cell(v) for v in values])
        written += 1
    return written


def _day(value: object) -> object:
    """A time as its day: for a reader without the sensitive-answers
    permission, exact times could pick one person's change out of two exports."""
    return timezone.localtime(value).date().isoformat() if isinstance(value, datetime) else value


def _match_row(m: Mentorship) -> list[object]:
    return [
        m.status,
        m.source,
        _number(m.score, 1),
        m.requested_at,
        m.decided_at,
        m.started_at,
        m.ended_at,
        m.decline_reason,
        m.decline_note,
        m.end_reason,
        m.end_note,
    ]


def write_matches(
    program: Program,
    out: IO[str],
    *,
    include_sensitive: bool,
    exact_times: bool = True,
    cycle: Cycle | None = None,
) -> int:
    """One row per mentorship of ``program`` (made in ``cycle``, if given), oldest
    request first; the rows written."""
    pairs = Mentorship.objects.filter(program=program).order_by("requested_at", "pk")
    if cycle is not None:
        pairs = pairs.filter(cycle=cycle)
    return _write(out, MATCH_COLUMNS, pairs, _match_row, include_sensitive, exact_times)


def _reasons(reasons: list, names: dict[int, str], include_sensitive: bool) -> str:
    # A stored reason may name the background two people share (when the mentor
    # lets the program see theirs); without the permission it is only a fit.
    return LIST_JOIN.join(sentences.words(reasons, names=names, background=include_sensitive))


def write_suggestions(
    program: Program,
    out: IO[str],
    *,
    include_sensitive: bool,
    exact_times: bool = True,
    cycle: Cycle | None = None,
) -> int:
    """One row per suggestion listed to a mentee of ``program`` (enrolled in
    ``cycle``, if given), by mentee and rank."""
    pairs = Suggestion.objects.filter(program=program).listed().order_by("mentee_id", "rank", "pk")
    if cycle is not None:
        pairs = pairs.filter(mentee__enrolments__cycle=cycle)

    # How much two people's backgrounds overlap is about their answers: only
    # with the permission (the score beside it still counts it).
    withheld = () if include_sensitive else BACKGROUND_COMPONENTS

    def row(s: Suggestion) -> list[object]:
        return [
            s.rank,
            _number(s.score, 1),
            *("" if c in withheld else _number(s.components.get(c), 3) for c in COMPONENTS),
            _reasons(s.reasons, names, include_sensitive),
        ]

    # Reasons are worded in English here, as the rest of the file is.
    with translation.override("en"):
        names = sentences.all_names()
        return _write(out, SUGGESTION_COLUMNS, pairs, row, include_sensitive, exact_times)


WRITERS = {"matches": write_matches, "suggestions": write_suggestions}


def csv_response(
    program: Program,
    what: str,
    *,
    viewer: User,
    include_sensitive: bool,
    cycle: Cycle | None = None,
):
    """``what`` (matches or suggestions, of one ``cycle`` if given) as a CSV
    download. Background answers only with the right in ``program``, and on the
    record; PermissionDenied otherwise."""
    if include_sensitive:
        SensitiveAccess.open_for(
            viewer=viewer,
            program=program,
            what=f"CSV export of {what} with background, {program.slug}",
        )
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    name = f"{program.slug}-{what}" if cycle is None else f"{program.slug}-cycle-{cycle.pk}-{what}"
    response["Content-Disposition"] = f'attachment; filename="{name}.csv"'
    response.write("\ufeff")  # a byte-order mark, so spreadsheets read UTF-8
    # A CSV is read back by scripts and spreadsheets whoever downloads it: its
    # words (reasons, tag names) are English, as its columns are.
    with translation.override("en"):
        WRITERS[what](
            program,
            response,
            include_sensitive=include_sensitive,
            exact_times=SensitiveAccess.allowed(viewer, program),
            cycle=cycle,
        )
    return response
