"""Re-scoring a whole program: a run split into chunks that any number of
workers share, each chunk rewriting the lists of a range of mentees; and
comparing two runs, to see what a change of weights or settings moved
(docs/matching.md).
"""

from __future__ import annotations

import logging
import math
import zlib
from collections import Counter
from datetime import datetime

import numpy as np
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext, ngettext, pgettext
from django.utils.translation import gettext_lazy as _

from mentorships.models import Mentorship
from profiles import cycles
from profiles.models import AuditEntry, Profile, Program, User
from profiles.taxonomy import COMPONENT_LABELS, COMPONENTS

from . import suggestions
from .models import AssignmentPair, MatchingChunk, MatchingRun, Suggestion
from .signals import program_moved

log = logging.getLogger(__name__)

# Chunks follow the work (docs/performance.md, "Chunks follow the work"). A run
# of up to ONE_CHUNK_PAIRS pairs (2,000 × 2,000: a few tenths of a second of a
# worker) is one chunk: splitting it would only add each chunk's fixed costs.
ONE_CHUNK_PAIRS = 4_000_000
# Up to PROGRESS_PAIRS (about two seconds of work), an even number of chunks of
# about HALF_RUN_PAIRS each, so that two worker processes share it evenly.
PROGRESS_PAIRS = 50_000_000
HALF_RUN_PAIRS = 12_500_000
# Past that a progress bar matters: at least MIN_CHUNKS chunks when there are
# mentees enough, so progress moves in tenths and two workers finish close
# together, each chunk about CHUNK_PAIRS pairs at most, so a lost chunk costs
# a few seconds and many workers can share a run.
MIN_CHUNKS = 10
CHUNK_PAIRS = 20_000_000
MIN_CHUNK, MAX_CHUNK = 50, 5000
# A chunk running longer than this (or queued this long) is presumed lost;
# a starting worker resumes sooner, since it may be replacing a killed one.
STALL_AFTER_SECONDS = 90
RESUME_AFTER_SECONDS = 10
MAX_CHUNK_ATTEMPTS = 5


def chunk_size(n_mentors: int, n_mentees: int) -> int:
    """Mentees per chunk of a run of ``n_mentees`` against ``n_mentors``."""
    pairs = n_mentors * n_mentees
    if pairs <= ONE_CHUNK_PAIRS:
        size = n_mentees
    elif pairs <= PROGRESS_PAIRS:
        size = math.ceil(n_mentees / (2 * math.ceil(pairs / (2 * HALF_RUN_PAIRS))))
    else:
        by_pairs = CHUNK_PAIRS // max(n_mentors, 1)
        by_count = math.ceil(n_mentees / MIN_CHUNKS)
        size = max(MIN_CHUNK, min(by_pairs, by_count))
    return int(min(MAX_CHUNK, max(size, 1)))


def ready_counts(program: Program) -> tuple[int, int]:
    """(mentees, mentors) ready for matching: what a re-score would cover."""
    ready = Profile.objects.filter(program=program).ready()
    return ready.mentees().count(), ready.mentors().count()


def chunks_of(program: Program, size: int | None = None) -> tuple[list[int], int, int, list]:
    """(ready mentee ids in id order, ready mentors, mentees per chunk, each
    chunk's (start, end) in the ids): how a re-score of the program splits."""
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
    return ids, mentors, size, bounds


@transaction.atomic
def start_rescore(
    *,
    program: Program,
    user: User | None = None,
    size: int | None = None,
    reason: str = "",
    source: dict | None = None,
) -> MatchingRun:
    """Queue a re-score of every ready mentee, split into chunks. One an admin
    starts (``user``) goes on the program's audit log, with ``reason`` if any.
    ``source`` says where the weights came from, kept with the run's settings
    (``{"weights_from": "learning", "proposal": …}``)."""
    from .tasks import score_chunk

    ids, mentors, size, bounds = chunks_of(program, size)
    weights, settings = suggestions.snapshot(program)
    now = timezone.now()
    run = MatchingRun.objects.create(
        program=program,
        kind=MatchingRun.Kind.SCORE,
        cycle=cycles.current(program),
        total=len(ids),
        chunks_total=len(bounds),
        weights=weights,
        settings={**settings, "chunk_size": size, "mentors": mentors, **(source or {})},
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
    if user is not None:
        AuditEntry.record(
            program=program,
            actor=user,
            action=AuditEntry.Action.RESCORE,
            summary=f"Re-score #{run.pk} started: {len(ids)} mentee{'s' if len(ids) != 1 else ''} "
            f"against {mentors} mentor{'s' if mentors != 1 else ''}.",
            reason=reason,
            details={"run": run.pk, "mentees": len(ids), "mentors": mentors},
        )
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
    features = suggestions.prepared(run.program_id)
    span = (chunk.first_mentee_id, chunk.last_mentee_id)
    ids = [int(i) for i in features.mentees.ids if span[0] <= i <= span[1]]
    try:
        with transaction.atomic():
            suggestions.refresh_mentees(
                program_id=run.program_id,
                weights=run.weights,
                settings=run.settings,
                mentee_ids=ids,
                run=run,
                scope=Q(program_id=run.program_id, mentee_id__gte=span[0], mentee_id__lte=span[1]),
                exposure_scale=max(run.total, 1) / max(len(ids), 1),
                announce=True,
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


# --- comparing runs ---------------------------------------------------------------------


def listed_now(program_id: int) -> np.ndarray:
    """Every listed suggestion of a program as (mentee, mentor, rank, score)
    rows: what a finished re-score summarises and keeps for comparing."""
    rows = (
        Suggestion.objects.filter(program_id=program_id, status__in=Suggestion.LISTED)
        .order_by()
        .values_list("mentee_id", "mentor_id", "rank", "score")
    )
    return np.array(list(rows), dtype=float).reshape(-1, 4)


def snapshot_lists(listed: np.ndarray) -> bytes:
    """The lists as compressed (mentee, mentor, rank) triples."""
    triples = listed[:, :3].astype(np.int64)
    return zlib.compress(triples.tobytes(), level=6)


def _pairs(run: MatchingRun) -> dict[int, list[int]]:
    """Mentee id → mentor ids (best first) for a re-score, or the one mentor
    an assignment proposed."""
    if run.kind == MatchingRun.Kind.ASSIGN:
        return {
            mentee: [mentor]
            for mentee, mentor in AssignmentPair.objects.filter(run=run).values_list(
                "mentee_id", "mentor_id"
            )
        }
    if not run.snapshot:
        return {}
    triples = np.frombuffer(zlib.decompress(bytes(run.snapshot)), dtype=np.int64).reshape(-1, 3)
    triples = triples[np.lexsort((triples[:, 2], triples[:, 0]))]
    out: dict[int, list[int]] = {}
    for mentee, mentor, _score in triples.tolist():
        out.setdefault(mentee, []).append(mentor)
    return out


# Each setting a run records, as the settings page names it. Those missing
# here (chunk size, mentors counted) describe the work, not the rules; nor do
# those of DESCRIBING, which say where a run's weights came from.
SETTING_NAMES = {
    "min_score": _("Minimum score"),
    "k": _("Suggestions per mentee"),
    "gap": _("Spreading gap"),
    "require_common_language": _("Only pairs who share a language"),
    "load_spreading": _("Mentees spread across mentors"),
    "policy": _("Policy"),
    "candidates": _("Candidates weighed per mentee"),
    "per_place": _("Candidates weighed per free place"),
}


# A run's policy as the runs page names it (assignment.POLICIES).
POLICY_WORDS = {
    "optimal": _("optimal policy"),
    "balanced": _("balanced policy"),
    "stable": _("stable policy"),
}


DESCRIBING = {
    "chunk_size",
    "mentors",
    "preview",
    "learned_from",
    "weights_from",
    "proposal",
    "sample",
}


def _said(value: object) -> object:
    if isinstance(value, bool):
        return gettext("yes") if value else gettext("no")
    return "—" if value is None else value


def weights_in_words(weights: dict) -> list[str]:
    """``["Goals 40", "Shared background 25", …]``, in the questionnaire's order."""
    return [f"{COMPONENT_LABELS[c]} {weights[c]}" for c in COMPONENTS if c in weights]


def settings_in_words(settings: dict) -> list[str]:
    """The rules a run followed, said as the settings page says them:
    ``["minimum score 30", "top 5 suggestions", "optimal policy"]``."""
    words = []
    if "min_score" in settings:
        words.append(gettext("minimum score %(score)s") % {"score": settings["min_score"]})
    if "k" in settings:
        k = settings["k"]
        words.append(
            ngettext("top %(count)s suggestion", "top %(count)s suggestions", k) % {"count": k}
        )
    if policy := settings.get("policy"):
        words.append(str(POLICY_WORDS.get(policy, f"{policy} policy")))
    return words


def changed_settings(a: MatchingRun, b: MatchingRun) -> list[tuple[str, object, object]]:
    """(what, before, after) for each weight and setting that differs, in words."""
    out = [
        (
            gettext("Weight of %(component)s")
            % {"component": str(COMPONENT_LABELS.get(k, k)).lower()},
            _said(a.weights.get(k)),
            _said(b.weights.get(k)),
        )
        for k in [*COMPONENTS, *sorted({*a.weights, *b.weights} - set(COMPONENTS))]
        if a.weights.get(k) != b.weights.get(k)
    ]
    for k in [
        *SETTING_NAMES,
        *sorted({*a.settings, *b.settings} - {*SETTING_NAMES, *DESCRIBING}),
    ]:
        if a.settings.get(k) != b.settings.get(k):
            name = SETTING_NAMES.get(k, k.replace("_", " ").capitalize())
            out.append((name, _said(a.settings.get(k)), _said(b.settings.get(k))))
    return out


def _kept_lists(run: MatchingRun) -> bool:
    """Whether the run kept what it made (lists may be empty: nobody had room)."""
    return run.kind == MatchingRun.Kind.ASSIGN or run.snapshot is not None


def made_at(run: MatchingRun) -> datetime:
    """When a run took its lists (a re-score) or its pairs (an assignment)."""
    return run.finished_at or run.created_at


# Why a mentee of either run is left out of a comparison, in the order asked:
# the first that holds is given. ``a`` is the earlier run, ``b`` the later.
# Each is read after a count of mentees ("3 left the program since").
LEFT_OUT = (
    "left",
    "matched_meanwhile",
    "matched_at_a",
    "joined_after_a",
    "not_in_a",
    "not_in_b",
)


def _left_out_words(key: str, a: MatchingRun, b: MatchingRun) -> str:
    """Why some mentees are left out of a comparison, read after their count."""
    runs = {"a": a.pk, "b": b.pk}
    assign = a.kind == MatchingRun.Kind.ASSIGN
    if key == "left":
        return pgettext("after a count of mentees", "left the program since")
    if key == "matched_meanwhile":
        return pgettext("after a count of mentees", "matched between the two runs")
    if key == "matched_at_a":
        return pgettext("after a count of mentees", "already matched at run #%(a)s") % runs
    if key == "joined_after_a":
        return pgettext("after a count of mentees", "joined after run #%(a)s") % runs
    if key == "not_in_a":
        if assign:
            return pgettext("after a count of mentees", "had no pair proposed in run #%(a)s") % runs
        return pgettext("after a count of mentees", "had no suggestions in run #%(a)s") % runs
    if assign:
        return pgettext("after a count of mentees", "had no pair proposed in run #%(b)s") % runs
    return pgettext("after a count of mentees", "had no suggestions in run #%(b)s") % runs


def _matched_at(program_id: int, times: tuple[datetime, datetime]) -> list[set[int]]:
    """For each time, the mentees in a mentorship under way then."""
    first, last = min(times), max(times)
    spans = Mentorship.objects.filter(
        program_id=program_id, started_at__isnull=False, started_at__lte=last, mentee__isnull=False
    ).filter(Q(ended_at__isnull=True) | Q(ended_at__gt=first))
    spans = list(spans.values_list("mentee_id", "started_at", "ended_at"))
    return [
        {m for m, start, end in spans if start <= t and (end is None or end > t)} for t in times
    ]


def _left_out(a: MatchingRun, b: MatchingRun, before: dict, after: dict) -> tuple[set, Counter]:
    """The mentees both runs can be compared on (in both, unmatched at both),
    and how many of the others were left out for each reason of LEFT_OUT."""
    at_a, at_b = made_at(a), made_at(b)
    matched_a, matched_b = _matched_at(a.program_id, (at_a, at_b))
    everyone = before.keys() | after.keys()
    joined = dict(
        Profile.objects.filter(program_id=a.program_id, role="mentee").values_list(
            "pk", "created_at"
        )
    )
    compared, reasons = set(), Counter()
    for m in everyone:
        in_a, in_b = m in before, m in after
        if m not in joined:
            reasons["left"] += 1
        elif m in matched_b and m not in matched_a:
            reasons["matched_meanwhile"] += 1
        elif m in matched_a:
            reasons["matched_at_a"] += 1
        elif in_a and in_b:
            compared.add(m)
        elif not in_a and joined[m] > at_a:
            reasons["joined_after_a"] += 1
        elif not in_a:
            reasons["not_in_a"] += 1
        else:
            reasons["not_in_b"] += 1
    return compared, reasons


def compare(a: MatchingRun, b: MatchingRun, sample: int = 20) -> dict:
    """How run ``b`` differs from the earlier run ``a`` (both re-scores, or both
    assignments), like with like: only mentees who are in both runs and were
    unmatched at both are compared; the others are counted by why they are not
    (``left_out``: ``[(count, words), …]``)."""
    before, after = _pairs(a), _pairs(b)
    both, reasons = _left_out(a, b, before, after)
    pairs_before = {(m, j) for m in both for j in before[m]}
    pairs_after = {(m, j) for m in both for j in after[m]}
    first_moved = sorted(m for m in both if before[m][:1] != after[m][:1])
    return {
        "available": _kept_lists(a) and _kept_lists(b),
        "settings": changed_settings(a, b),
        "mentees_before": len(before),
        "mentees_after": len(after),
        "compared": len(both),
        "left_out": [
            (reasons[key], _left_out_words(key, a, b)) for key in LEFT_OUT if reasons[key]
        ],
        "left_out_total": sum(reasons.values()),
        "lists_changed": sum(1 for m in both if set(before[m]) != set(after[m])),
        "first_choice_moved": len(first_moved),
        "pairs_added": len(pairs_after - pairs_before),
        "pairs_removed": len(pairs_before - pairs_after),
        "moved_sample": [(m, before[m][0], after[m][0]) for m in first_moved[:sample]],
    }
