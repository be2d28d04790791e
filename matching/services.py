"""Where the ORM meets scoring: load a program's arrays, score, and upsert
suggestions; run a full re-score as chunks that any number of workers share.

Every write here is recomputed from the database and upserted against the
one-row-per-pair constraint, so a retried, duplicated or concurrent call
leaves the same rows.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
from django.core.cache import cache
from django.db import transaction
from django.db.models import Count, F, Min, Q
from django.utils import timezone

from profiles.models import Profile, Program, User
from profiles.taxonomy import COMPONENTS, Role

from . import features as feature_cache
from . import lists, scoring
from .models import MatchingChunk, MatchingRun, Mentorship, Suggestion, component_bars
from .reasons import Explainer
from .runs import listed_now, snapshot_lists
from .signals import program_moved

log = logging.getLogger(__name__)

# A chunk is sized to about this many pairs: a few seconds of work, so a lost
# chunk costs little and many workers can share a run.
CHUNK_PAIRS = 20_000_000
MIN_CHUNK, MAX_CHUNK = 50, 5000
# ...and a run has at least this many chunks when it has mentees enough, so its
# progress moves in steps of a tenth and two workers finish close together
# rather than one waiting on the other's last large chunk.
MIN_CHUNKS = 10
# A chunk running longer than this (or queued this long) is presumed lost;
# a starting worker resumes sooner, since it may be replacing a killed one.
STALL_AFTER_SECONDS = 90
RESUME_AFTER_SECONDS = 10
MAX_CHUNK_ATTEMPTS = 5
EXCLUDING = (Suggestion.Status.DISMISSED, Suggestion.Status.REQUESTED)


def refreshing_key(profile_id: int) -> str:
    return f"matching:refreshing:{profile_id}"


# --- settings --------------------------------------------------------------------


def snapshot(program: Program) -> tuple[dict, dict]:
    """The weights and settings a run records, so runs can be compared later."""
    return program.weights(), {
        "min_score": program.min_score,
        "k": program.suggestions_per_mentee,
        "require_common_language": program.require_common_language,
        "load_spreading": True,
    }


def rules_from(weights: dict, settings: dict, features) -> scoring.Rules:
    return scoring.Rules(
        weights=tuple(float(weights[c]) for c in COMPONENTS),
        min_score=float(settings["min_score"]),
        require_common_language=bool(settings["require_common_language"]),
        facet_columns=features.vocabulary.facet_columns,
        k=int(settings["k"]),
        spread=bool(settings.get("load_spreading", True)),
    )


# --- loading -----------------------------------------------------------------------


def mentor_load(program_id: int) -> dict[int, tuple[int, int]]:
    """``{mentor id: (mentorships taken, requests waiting)}`` for a program."""
    return Mentorship.objects.load_by_mentor(program_id)


def prepared(program_id: int):
    """The program's cached arrays, with each mentor's current room applied."""
    features = feature_cache.current(program_id)
    features.apply_load(mentor_load(program_id))
    return features


def excluded_pairs(features, *, mentee_ids=None, mentor_id=None) -> tuple[np.ndarray, np.ndarray]:
    """(mentee rows, mentor rows) never to suggest: dismissed or already requested
    suggestions, and pairs whose mentorship was declined or is under way."""
    pairs = Suggestion.objects.filter(program_id=features.program_id, status__in=EXCLUDING)
    if mentee_ids is not None:
        pairs = pairs.filter(mentee_id__in=mentee_ids)
    if mentor_id is not None:
        pairs = pairs.filter(mentor_id=mentor_id)
    found = set(pairs.values_list("mentee_id", "mentor_id"))
    found |= Mentorship.objects.blocked_pairs(
        features.program_id, mentee_ids=mentee_ids, mentor_id=mentor_id
    )
    rows, cols = [], []
    for mentee, mentor in found:
        r, c = features.mentee_row.get(mentee), features.mentor_row.get(mentor)
        if r is not None and c is not None:
            rows.append(r)
            cols.append(c)
    return np.array(rows, dtype=np.int64), np.array(cols, dtype=np.int64)


# --- writing suggestions ---------------------------------------------------------------


def explainer_for(features) -> Explainer:
    if getattr(features, "_explainer_for", None) is not (features.mentees, features.mentors):
        features._explainer = Explainer(
            features.mentees, features.mentors, features.vocabulary.labels
        )
        features._explainer_for = (features.mentees, features.mentors)
    return features._explainer


def _per_row(ids: np.ndarray, values: list[tuple], width: int) -> tuple[np.ndarray, np.ndarray]:
    """For the (id, …) tuples of ``width`` items whose id is in ``ids``: their
    row positions in ``ids``, and the rest of each tuple as an array row."""
    table = np.array(values, dtype=float).reshape(-1, width)
    if not len(ids):
        return np.zeros(0, dtype=np.int64), table[:0, 1:]
    order = np.argsort(ids)
    rows = order[np.minimum(np.searchsorted(ids, table[:, 0], sorter=order), len(ids) - 1)]
    known = ids[rows] == table[:, 0]
    return rows[known], table[known, 1:]


def exposure_elsewhere(features, mentee_ids) -> scoring.Exposure:
    """How many lists, other than these mentees' own, show each mentor now:
    every list of the program (counted from an index alone), less theirs."""
    listed = Suggestion.objects.filter(status__in=Suggestion.LISTED).order_by()
    shown = np.zeros(len(features.mentors))
    for sign, lists_ in (
        (1, listed.filter(program_id=features.program_id)),
        (-1, listed.filter(mentee_id__in=mentee_ids)),
    ):
        counts = list(
            lists_.values("mentor_id").annotate(n=Count("*")).values_list("mentor_id", "n")
        )
        rows, n = _per_row(features.mentors.ids, counts, width=2)
        np.add.at(shown, rows, sign * n[:, 0])
    return scoring.Exposure(shown=shown)


def refresh_mentees(
    *,
    features,
    rules,
    mentee_ids: Iterable[int],
    run=None,
    scope: Q | None = None,
    exposure: scoring.Exposure | None = None,
):
    """Recompute the lists of these mentees. Mentees not ready for matching, or
    already paired with a mentor, are out of the pool: their lists empty."""
    mentee_ids = sorted(set(mentee_ids))
    paired = set(
        Mentorship.objects.filter(
            mentee_id__in=mentee_ids, status__in=Mentorship.PAIRED
        ).values_list("mentee_id", flat=True)
    )
    rows = np.array(
        [
            features.mentee_row[i]
            for i in mentee_ids
            if i in features.mentee_row and i not in paired
        ],
        dtype=np.int64,
    )
    top = scoring.top_k(
        features.mentees,
        features.mentors,
        rules,
        rows=rows,
        excluded=excluded_pairs(features, mentee_ids=mentee_ids),
        exposure=exposure or exposure_elsewhere(features, mentee_ids),
    )
    found = lists.rows(features, top, explainer_for(features))
    with transaction.atomic():
        lists.replace(
            scope if scope is not None else Q(mentee_id__in=mentee_ids),
            found,
            program_id=features.program_id,
            run_id=run.pk if run is not None else None,
        )
    return top


def refresh_for_mentor(*, features, rules, mentor_id: int) -> set[int]:
    """After a mentor changed: recompute the lists they are in, and those they now belong in."""
    affected = set(
        Suggestion.objects.filter(mentor_id=mentor_id, status__in=Suggestion.LISTED).values_list(
            "mentee_id", flat=True
        )
    )
    col = features.mentor_row.get(mentor_id)
    if col is not None and len(features.mentees):
        # Each mentee's list: how long, and its lowest key.
        lists = list(
            Suggestion.objects.filter(program_id=features.program_id, status__in=Suggestion.LISTED)
            .order_by()  # the default ordering would join each mentee's profile
            .values("mentee_id")
            .annotate(n=Count("*"), low=Min("sort_key"))
            .values_list("mentee_id", "n", "low")
        )
        length = np.zeros(len(features.mentees))
        lowest = np.full(len(features.mentees), -np.inf)
        rows, found = _per_row(features.mentees.ids, lists, width=3)
        length[rows], lowest[rows] = found[:, 0], found[:, 1]
        rows, cols = excluded_pairs(features, mentor_id=mentor_id)
        one = scoring.top_k(
            features.mentees,
            features.mentors.take(np.array([col])),
            rules,
            excluded=(rows, np.zeros_like(cols)),
            k=1,
        )
        hit = one.mentor_rows[:, 0] >= 0
        rows, keys = one.mentee_rows[hit], one.keys[hit, 0]
        belongs = (length[rows] < rules.k) | (keys > lowest[rows])
        affected.update(features.mentees.ids[rows[belongs]].tolist())
    if affected:
        refresh_mentees(features=features, rules=rules, mentee_ids=affected)
    return affected


def refresh_profile(*, profile_id: int) -> None:
    """Re-score one person against the other side after their profile changed."""
    profile = Profile.objects.filter(pk=profile_id).select_related("program").first()
    try:
        if profile is None:
            return
        features = prepared(profile.program_id)
        weights, settings = snapshot(profile.program)
        rules = rules_from(weights, settings, features)
        if profile.role == Role.MENTEE:
            top = refresh_mentees(features=features, rules=rules, mentee_ids=[profile.pk])
            if (top.mentor_rows >= 0).any():
                notify("suggestions_ready", profile.pk)
        else:
            refresh_for_mentor(features=features, rules=rules, mentor_id=profile.pk)
    finally:
        cache.delete(refreshing_key(profile_id))


def refresh_mentor_lists(*, mentor_id: int) -> None:
    """A mentor's room or waiting requests changed: their place in lists moves."""
    refresh_profile(profile_id=mentor_id)


# --- explaining one pair ----------------------------------------------------------------


@dataclass
class Explanation:
    score: float
    components: dict
    reasons: list[str]

    def bars(self):
        return component_bars(self.components)


def explain_pair(*, mentee: Profile, mentor: Profile, viewer: Profile) -> Explanation | None:
    """Score and reasons for one pair, as ``viewer`` (one of the two) may read them."""
    from .privacy import can_see_background

    pair = feature_cache.for_pair(mentee.program_id, mentee.pk, mentor.pk)
    if pair is None:
        return None
    mentees, mentors, vocab = pair
    weights = mentee.program.weights()
    scores, components = scoring.score_pairs(
        mentees, [0], mentors, [0], [weights[c] for c in COMPONENTS]
    )
    other = mentor if viewer.pk == mentee.pk else mentee
    reasons = Explainer(mentees, mentors, vocab.labels).explain(
        0,
        0,
        components[0],
        viewer=viewer.role,
        reveal_background=can_see_background(other, viewer),
    )
    return Explanation(
        score=round(float(scores[0]), 2),
        components={
            c: None if math.isnan(v) else round(float(v), 4)
            for c, v in zip(COMPONENTS, components[0], strict=True)
        },
        reasons=reasons,
    )


# --- dismissing and viewing ---------------------------------------------------------------


@transaction.atomic
def dismiss(*, suggestion: Suggestion, reason: str) -> None:
    Suggestion.objects.filter(pk=suggestion.pk, status__in=Suggestion.LISTED).update(
        status=Suggestion.Status.DISMISSED, dismiss_reason=reason, rank=None
    )
    queue_refresh(suggestion.mentee_id)


def mark_seen(mentee: Profile) -> None:
    Suggestion.objects.filter(mentee=mentee, status=Suggestion.Status.NEW).update(
        status=Suggestion.Status.SEEN
    )


FORGOTTEN_WITHIN = timezone.timedelta(days=2)


def rescore_forgotten(*, within: timezone.timedelta = FORGOTTEN_WITHIN, limit: int = 500) -> int:
    """Queue a refresh for mentees who changed lately yet have no list and no
    mentor: their refresh was lost (the broker was down, or restarted empty)."""
    cutoff = timezone.now() - within
    forgotten = (
        Profile.objects.mentees()
        .ready()
        .filter(updated_at__gte=cutoff)
        .exclude(suggestions__status__in=Suggestion.LISTED)
        .exclude(mentorships_as_mentee__status__in=Mentorship.PAIRED)
        .order_by("-updated_at")
        .values_list("pk", flat=True)[:limit]
    )
    count = 0
    for profile_id in forgotten:
        queue_refresh(profile_id)
        count += 1
    return count


def notify(kind: str, *ids: int) -> None:
    """Queue an email (matching/emails.py) for after the transaction commits."""
    from .tasks import send_notice

    send_notice.delay_on_commit(kind, *ids)


def queue_refresh(profile_id: int) -> None:
    """Re-score this person once the current transaction commits."""
    from .tasks import refresh_profile_suggestions

    cache.set(refreshing_key(profile_id), timezone.now().isoformat(), timeout=600)
    refresh_profile_suggestions.delay_on_commit(profile_id)


# --- full re-scores as chunked runs ---------------------------------------------------------


def chunk_size(n_mentors: int, n_mentees: int) -> int:
    by_pairs = CHUNK_PAIRS // max(n_mentors, 1)
    by_count = math.ceil(n_mentees / MIN_CHUNKS)
    return int(min(MAX_CHUNK, max(MIN_CHUNK, min(by_pairs, by_count))))


@transaction.atomic
def start_rescore(
    *, program: Program, user: User | None = None, size: int | None = None
) -> MatchingRun:
    """Queue a re-score of every ready mentee, split into chunks."""
    from .tasks import score_chunk

    ids = list(
        Profile.objects.filter(program=program)
        .mentees()
        .ready()
        .order_by("id")
        .values_list("id", flat=True)
    )
    mentors = Profile.objects.filter(program=program).mentors().ready().count()
    size = size or chunk_size(mentors, len(ids))
    bounds = [(start, min(start + size, len(ids))) for start in range(0, len(ids), size)]
    weights, settings = snapshot(program)
    now = timezone.now()
    run = MatchingRun.objects.create(
        program=program,
        kind=MatchingRun.Kind.SCORE,
        total=len(ids),
        chunks_total=len(bounds),
        weights=weights,
        settings={**settings, "chunk_size": size, "mentors": mentors},
        created_by=user,
    )
    MatchingChunk.objects.bulk_create(
        MatchingChunk(
            run=run,
            index=i,
            first_mentee_id=ids[lo],
            last_mentee_id=ids[hi - 1],
            size=hi - lo,
            queued_at=now,
        )
        for i, (lo, hi) in enumerate(bounds)
    )
    if not bounds:
        MatchingRun.objects.filter(pk=run.pk).update(
            status=MatchingRun.Status.SUCCEEDED,
            started_at=now,
            finished_at=now,
            summary=summarise(run),
        )
    for i in range(len(bounds)):
        score_chunk.delay_on_commit(run.pk, i)
    return run


class ChunkAlreadyDone(Exception):
    """Another worker finished this chunk first; this attempt's writes roll back."""


def score_chunk(*, run_id: int, index: int) -> None:
    chunk = MatchingChunk.objects.select_related("run").filter(run_id=run_id, index=index).first()
    if chunk is None or chunk.status == MatchingChunk.Status.DONE or chunk.run.is_finished:
        return
    run = chunk.run
    if chunk.attempts >= MAX_CHUNK_ATTEMPTS:
        fail_run(
            run_id=run_id, error=f"Chunk {index} did not finish after {chunk.attempts} attempts."
        )
        return
    now = timezone.now()
    MatchingChunk.objects.filter(pk=chunk.pk).exclude(status=MatchingChunk.Status.DONE).update(
        status=MatchingChunk.Status.RUNNING, attempts=F("attempts") + 1, started_at=now
    )
    MatchingRun.objects.filter(pk=run_id, status=MatchingRun.Status.QUEUED).update(
        status=MatchingRun.Status.RUNNING, started_at=now
    )
    features = prepared(run.program_id)
    rules = rules_from(run.weights, run.settings, features)
    span = (chunk.first_mentee_id, chunk.last_mentee_id)
    ids = [int(i) for i in features.mentees.ids if span[0] <= i <= span[1]]
    try:
        with transaction.atomic():
            refresh_mentees(
                features=features,
                rules=rules,
                mentee_ids=ids,
                run=run,
                scope=Q(program_id=run.program_id, mentee_id__gte=span[0], mentee_id__lte=span[1]),
                # A run ignores the lists it replaces: each chunk counts its own
                # lists as standing for the whole program's, so results do not
                # depend on which chunk ran first.
                exposure=scoring.Exposure(
                    shown=np.zeros(len(features.mentors)),
                    scale=max(run.total, 1) / max(len(ids), 1),
                ),
            )
            claimed = (
                MatchingChunk.objects.filter(pk=chunk.pk)
                .exclude(status=MatchingChunk.Status.DONE)
                .update(status=MatchingChunk.Status.DONE, finished_at=timezone.now())
            )
            if not claimed:
                raise ChunkAlreadyDone
            MatchingRun.objects.filter(pk=run_id).update(
                done=F("done") + chunk.size, chunks_done=F("chunks_done") + 1
            )
    except ChunkAlreadyDone:
        return
    finish_if_complete(run_id)


def finish_if_complete(run_id: int) -> bool:
    run = MatchingRun.objects.get(pk=run_id)
    if run.is_finished or run.chunks_done < run.chunks_total:
        return False
    listed = listed_now(run.program_id)
    finished = MatchingRun.objects.filter(
        pk=run_id, status=MatchingRun.Status.RUNNING, chunks_done=F("chunks_total")
    ).update(
        status=MatchingRun.Status.SUCCEEDED,
        finished_at=timezone.now(),
        summary=summarise(run, listed),
        snapshot=snapshot_lists(listed),
    )
    if finished:
        program_moved.send(sender=MatchingRun, program_id=run.program_id)
    return bool(finished)


def summarise(run: MatchingRun, listed: np.ndarray | None = None) -> dict:
    """The run's figures from the lists it left (``runs.listed_now`` rows)."""
    listed = listed_now(run.program_id) if listed is None else listed
    per_mentor = np.unique(listed[:, 1], return_counts=True)[1]
    with_lists = len(np.unique(listed[:, 0]))
    top = listed[listed[:, 2] == 1, 3]
    return {
        "mentees": run.total,
        "mentors": run.settings.get("mentors", 0),
        "pairs_scored": run.total * run.settings.get("mentors", 0),
        "suggestions": len(listed),
        "mentees_with_suggestions": with_lists,
        "mentees_without_suggestions": max(run.total - with_lists, 0),
        "mean_top_score": round(float(top.mean()), 1) if len(top) else 0,
        "median_top_score": round(float(np.median(top)), 1) if len(top) else 0,
        "mentors_suggested": len(per_mentor),
        "busiest_mentor_lists": int(per_mentor.max(initial=0)),
    }


def fail_run(*, run_id: int, error: str) -> None:
    MatchingRun.objects.filter(pk=run_id).exclude(
        status__in=[MatchingRun.Status.SUCCEEDED, MatchingRun.Status.FAILED]
    ).update(status=MatchingRun.Status.FAILED, error=error[:2000], finished_at=timezone.now())


def requeue_stalled(*, older_than: int = STALL_AFTER_SECONDS) -> int:
    """Queue again every unfinished chunk of a live run that has waited or run
    too long: its worker was killed, or its message was lost with Redis."""
    from .tasks import score_chunk

    cutoff = timezone.now() - timezone.timedelta(seconds=older_than)
    live = [MatchingRun.Status.QUEUED, MatchingRun.Status.RUNNING]
    stalled = (
        MatchingChunk.objects.filter(run__status__in=live)
        .exclude(status=MatchingChunk.Status.DONE)
        .filter(
            Q(status=MatchingChunk.Status.QUEUED, queued_at__lt=cutoff)
            | Q(status=MatchingChunk.Status.RUNNING, started_at__lt=cutoff)
        )
    )
    count = 0
    for chunk in stalled.select_related("run"):
        if chunk.attempts >= MAX_CHUNK_ATTEMPTS:
            fail_run(
                run_id=chunk.run_id, error=f"Chunk {chunk.index} failed {chunk.attempts} times."
            )
            continue
        MatchingChunk.objects.filter(pk=chunk.pk).update(
            status=MatchingChunk.Status.QUEUED, queued_at=timezone.now()
        )
        score_chunk.delay(chunk.run_id, chunk.index)
        count += 1
    for run in MatchingRun.objects.filter(status=MatchingRun.Status.RUNNING):
        finish_if_complete(run.pk)
    if count:
        log.warning("Re-queued %d stalled scoring chunk(s).", count)
    return count
