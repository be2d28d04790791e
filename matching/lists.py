"""Storing mentees' suggestion lists: each pair a ``TopK`` found becomes one
``Suggestion`` row, upserted against the one-row-per-pair constraint, and the
listed rows of the same mentees that are no longer wanted are deleted.

A re-score writes tens of thousands of rows, and building a model instance
and a query parameter per field for each cost more than scoring them
(docs/performance.md). On PostgreSQL the rows therefore go through ``COPY``
into a temporary table and one ``INSERT … ON CONFLICT DO UPDATE``: the same
upsert ``bulk_create(update_conflicts=True)`` makes, written once. Other
databases (SQLite for ``make run``) use ``bulk_create``.
"""

from __future__ import annotations

import io
from typing import NamedTuple

import numpy as np
import orjson
from django.db import connection
from django.db.models import Q
from django.utils import timezone

from profiles.taxonomy import COMPONENTS

from . import scoring
from .models import Suggestion
from .reasons import Explainer

# Columns an upsert rewrites, and those the staged rows bring.
UPDATED = ("score", "rank", "sort_key", "components", "reasons", "run_id", "updated_at")
STAGED = ("mentee_id", "mentor_id", "score", "rank", "sort_key", "components", "reasons")


class Row(NamedTuple):
    mentee_id: int
    mentor_id: int
    score: float
    rank: int
    sort_key: float
    components: dict
    reasons: list


def rows(features, top: scoring.TopK, explainer: Explainer) -> list[Row]:
    """The rows of these lists, ordered by pair (so concurrent writers lock in
    the same order), with their reasons as the mentee reads them."""
    hit = top.mentor_rows >= 0
    rank = np.nonzero(hit)[1] + 1
    mentee_rows = np.broadcast_to(top.mentee_rows[:, None], hit.shape)[hit]
    mentor_rows = top.mentor_rows[hit]
    mentee_ids, mentor_ids = features.mentees.ids[mentee_rows], features.mentors.ids[mentor_rows]
    order = np.lexsort((mentor_ids, mentee_ids))
    components = top.components[hit][order]
    public = features.mentors.visibility[mentor_rows] == scoring.VISIBILITY_PROGRAM
    explainer.prepare("mentee", mentee_rows)
    explainer.prepare("mentor", mentor_rows)
    return [
        Row(
            mentee,
            mentor,
            score,
            rank,
            key,
            {c: None if v != v else v for c, v in zip(COMPONENTS, parts, strict=True)},
            explainer.explain(row, col, values, reveal_background=reveal),
        )
        for mentee, mentor, row, col, rank, score, key, values, parts, reveal in zip(
            *(a[order].tolist() for a in (mentee_ids, mentor_ids, mentee_rows, mentor_rows, rank)),
            np.round(top.scores[hit][order], 2).tolist(),
            np.round(top.keys[hit][order], 6).tolist(),
            components.tolist(),
            np.round(components, 4).tolist(),  # stored; ``values`` unrounded for the reasons
            public[order].tolist(),
            strict=True,
        )
    ]


def replace(scope: Q, found: list[Row], *, program_id: int, run_id: int | None) -> None:
    """Make the listed suggestions of the mentees in ``scope`` exactly ``found``.
    Call inside a transaction."""
    if found and connection.vendor == "postgresql":
        _copy_upsert(scope, found, program_id=program_id, run_id=run_id)
        return
    wanted = {(r.mentee_id, r.mentor_id) for r in found}
    stale = [
        pk
        for pk, mentee, mentor in Suggestion.objects.filter(scope, status__in=Suggestion.LISTED)
        .order_by("pk")
        .values_list("pk", "mentee_id", "mentor_id")
        if (mentee, mentor) not in wanted
    ]
    if stale:
        Suggestion.objects.filter(pk__in=stale).delete()
    if found:
        Suggestion.objects.bulk_create(
            [Suggestion(program_id=program_id, run_id=run_id, **r._asdict()) for r in found],
            batch_size=2000,
            update_conflicts=True,
            unique_fields=["mentee", "mentor"],
            update_fields=[c.removesuffix("_id") for c in UPDATED],
        )


def _copy_text(found: list[Row]) -> io.BytesIO:
    """The rows in COPY's text format: tab-separated, one row per line. orjson
    writes no raw tab or newline (they are escaped in JSON strings), so only
    its backslashes need escaping for COPY; numbers are Python's own repr."""
    return io.BytesIO(
        b"".join(
            b"%d\t%d\t%r\t%d\t%r\t%s\t%s\n"
            % (
                int(r.mentee_id),
                int(r.mentor_id),
                float(r.score),  # a numpy scalar's repr is not a number
                int(r.rank),
                float(r.sort_key),
                orjson.dumps(r.components).replace(b"\\", b"\\\\"),
                orjson.dumps(r.reasons).replace(b"\\", b"\\\\"),
            )
            for r in found
        )
    )


def _copy_upsert(scope: Q, found: list[Row], *, program_id: int, run_id: int | None) -> None:
    """``replace`` on PostgreSQL: the rows staged by COPY; the listed rows in
    ``scope`` that are not among them deleted in the database (no Python round
    trip of every current row); the staged rows upserted."""
    buffer = _copy_text(found)
    listed = Suggestion.objects.filter(scope, status__in=Suggestion.LISTED).order_by().values("pk")
    in_scope, scope_params = listed.query.sql_with_params()
    table = Suggestion._meta.db_table
    # The table name comes from model meta, the scope's SQL from the ORM with its parameters.
    delete_stale = (
        f"DELETE FROM {table} d WHERE d.id IN ({in_scope}) AND NOT EXISTS"  # noqa: S608  # nosec B608
        " (SELECT 1 FROM suggestion_stage t"
        " WHERE t.mentee_id = d.mentee_id AND t.mentor_id = d.mentor_id)"
    )
    now = timezone.now()
    # Each column of a new row: from the staged rows, or a parameter.
    values = {
        **{name: name for name in STAGED},
        "program_id": "%s",
        "status": "%s",
        "dismiss_reason": "''",
        "run_id": "%s",
        "created_at": "%s",
        "updated_at": "%s",
    }
    params = [program_id, Suggestion.Status.NEW, run_id, now, now]
    updates = ", ".join(f"{c} = EXCLUDED.{c}" for c in UPDATED)
    # Identifiers are this module's constants; every value is a parameter or staged by COPY.
    insert = (
        f"INSERT INTO {table} ({', '.join(values)})"  # noqa: S608  # nosec B608
        f" SELECT {', '.join(values.values())} FROM suggestion_stage"
        " ORDER BY mentee_id, mentor_id"
        f" ON CONFLICT (mentee_id, mentor_id) DO UPDATE SET {updates}"
    )
    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE TEMPORARY TABLE suggestion_stage (mentee_id integer, mentor_id integer,"
            " score double precision, rank smallint, sort_key double precision,"
            " components jsonb, reasons jsonb) ON COMMIT DROP"
        )
        cursor.copy_expert(f"COPY suggestion_stage ({', '.join(STAGED)}) FROM STDIN", buffer)
        cursor.execute(delete_stale, scope_params)
        cursor.execute(insert, params)
        cursor.execute("DROP TABLE suggestion_stage")
