"""Auto-assignment runs: the ORM side of matching/assignment.py.

A run proposes one mentor for every unmatched mentee over each mentee's top
candidates, beside what the other policies and a greedy pass would give; the
admin then commits it (mentorships created, both sides told) or discards it.
"""

from __future__ import annotations

import logging

import numpy as np
from django.db import OperationalError, transaction
from django.utils import timezone

from profiles.models import Profile, Program, User

from . import assignment, candidates, lifecycle, scoring, services
from .models import AssignmentPair, MatchingRun, Mentorship

log = logging.getLogger(__name__)


def unmatched_mentee_ids(program_id: int) -> list[int]:
    paired = Mentorship.objects.filter(program_id=program_id, status__in=Mentorship.PAIRED)
    return list(
        Profile.objects.filter(program_id=program_id)
        .mentees()
        .ready()
        .exclude(pk__in=paired.values("mentee_id"))
        .order_by("created_at", "id")
        .values_list("id", flat=True)
    )


@transaction.atomic
def start(
    *, program: Program, policy: str = "optimal", user: User | None = None, queue: bool = True
) -> MatchingRun:
    """Create an assignment run; with ``queue`` a worker proposes it, otherwise
    the caller calls :func:`propose` itself (the ``assign`` command does)."""
    from .tasks import propose_assignment

    if policy not in assignment.POLICIES:
        raise ValueError(f"unknown policy {policy!r}")
    weights, settings = services.snapshot(program)
    run = MatchingRun.objects.create(
        program=program,
        kind=MatchingRun.Kind.ASSIGN,
        total=len(unmatched_mentee_ids(program.pk)),
        weights=weights,
        settings={
            **settings,
            "policy": policy,
            "candidates": candidates.PER_MENTEE,
            "per_place": candidates.PER_PLACE,
        },
        created_by=user,
    )
    if queue:
        propose_assignment.delay_on_commit(run.pk)
    return run


def propose(*, run_id: int) -> None:
    run = MatchingRun.objects.select_related("program").get(pk=run_id)
    if run.is_finished:
        return
    now = timezone.now()
    MatchingRun.objects.filter(pk=run_id).update(
        status=MatchingRun.Status.RUNNING, started_at=now, done=0
    )
    features = services.prepared(run.program_id)
    rules = services.rules_from(run.weights, run.settings, features)
    # Longest waiting first: the order greedy serves them in.
    mentee_ids = [i for i in unmatched_mentee_ids(run.program_id) if i in features.mentee_row]
    run.total = len(mentee_ids)
    MatchingRun.objects.filter(pk=run_id).update(total=run.total)
    capacity = np.where(features.mentors.available, features.mentors.room, 0)
    c = candidates.build(
        features.mentees,
        features.mentors,
        rules,
        rows=np.array([features.mentee_row[i] for i in mentee_ids], dtype=np.int64),
        capacity=capacity,
        excluded=services.excluded_pairs(features, mentee_ids=mentee_ids),
        on_block=lambda done: MatchingRun.objects.filter(pk=run_id).update(done=done),
    )
    results = {
        name: solver(c, capacity, rules.min_score) for name, solver in assignment.POLICIES.items()
    }
    results["greedy"] = assignment.greedy(c, capacity, rules.min_score)
    chosen = results[run.settings["policy"]]
    explainer = services.explainer_for(features)
    pairs = []
    for i, j, score in chosen.pairs():
        row, col = features.mentee_row[mentee_ids[i]], j
        components = scoring.pair_components(features.mentees, [row], features.mentors, [col])[0]
        pairs.append(
            AssignmentPair(
                run=run,
                mentee_id=mentee_ids[i],
                mentor_id=int(features.mentors.ids[col]),
                score=round(float(score), 2),
                reasons=explainer.explain(row, col, components),
            )
        )
    with transaction.atomic():
        AssignmentPair.objects.filter(run=run).delete()
        AssignmentPair.objects.bulk_create(pairs, batch_size=2000)
        MatchingRun.objects.filter(pk=run_id).update(
            status=MatchingRun.Status.SUCCEEDED,
            finished_at=timezone.now(),
            done=run.total,
            summary={
                "policy": run.settings["policy"],
                "mentees": len(mentee_ids),
                "with_candidates": int(
                    sum(1 for k in range(c.n_mentees) if c.indptr[k + 1] > c.indptr[k])
                ),
                "mentors_with_room": int((capacity > 0).sum()),
                "free_places": int(capacity.sum()),
                "figures": {name: result.figures() for name, result in results.items()},
            },
        )


# PostgreSQL's deadlock and serialisation failures: the whole commit rolled
# back, so it is safe to run again.
RETRY_CODES = {"40P01", "40001"}
COMMIT_ATTEMPTS = 3


def commit(*, run: MatchingRun, user: User | None) -> dict:
    """Create the proposed mentorships, all in one transaction: either every
    pair is decided (created or skipped) and the run marked committed, or
    nothing changed. A pair whose mentor filled up or whose mentee found a
    mentor meanwhile is skipped and reported."""
    attempt = 1
    while True:
        try:
            with transaction.atomic():
                return _commit(run=run, user=user)
        except OperationalError as error:
            code = getattr(error.__cause__, "pgcode", None)
            if code not in RETRY_CODES:
                raise
            if attempt == COMMIT_ATTEMPTS:
                raise lifecycle.Refused(
                    "The database was too busy to save the proposal: nothing was changed. "
                    "Try committing again in a moment."
                ) from error
            log.warning("Committing assignment run %s: %s, trying again", run.pk, code)
            attempt += 1


def _commit(*, run: MatchingRun, user: User | None) -> dict:
    claimed = MatchingRun.objects.filter(
        pk=run.pk,
        kind=MatchingRun.Kind.ASSIGN,
        status=MatchingRun.Status.SUCCEEDED,
        committed_at__isnull=True,
        discarded_at__isnull=True,
    ).update(committed_at=timezone.now())
    if not claimed:
        raise lifecycle.Refused("This proposal was already committed or discarded.")
    created = skipped = 0
    for pair in AssignmentPair.objects.filter(
        run=run, outcome=AssignmentPair.Outcome.PROPOSED
    ).select_related("mentee", "mentor", "mentee__program"):
        try:
            # Lists are re-ranked once at the end, not once per mentor: a worker
            # rewriting lists while this transaction pairs their mentees would
            # deadlock against it.
            lifecycle.match(
                mentee=pair.mentee,
                mentor=pair.mentor,
                source=Mentorship.Source.AUTO,
                by=user,
                score=pair.score,
                refresh=False,
            )
        except lifecycle.Refused as refused:
            pair.outcome, pair.note = AssignmentPair.Outcome.SKIPPED, str(refused)[:200]
            skipped += 1
        else:
            pair.outcome = AssignmentPair.Outcome.CREATED
            created += 1
        pair.save(update_fields=["outcome", "note"])
    result = {"created": created, "skipped": skipped}
    MatchingRun.objects.filter(pk=run.pk).update(summary={**run.summary, "committed": result})
    if created:
        services.start_rescore(program=run.program, user=user)
    log.info("Assignment run %s committed: %s", run.pk, result)
    return result


def discard(*, run: MatchingRun) -> None:
    claimed = MatchingRun.objects.filter(
        pk=run.pk,
        kind=MatchingRun.Kind.ASSIGN,
        committed_at__isnull=True,
        discarded_at__isnull=True,
    ).update(discarded_at=timezone.now())
    if not claimed:
        raise lifecycle.Refused("This proposal was already committed or discarded.")
