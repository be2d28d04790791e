"""Auto-assignment runs: the ORM side of matching/assignment.py.

A run proposes one mentor for every unmatched mentee over each mentee's top
candidates, beside what the other policies and a greedy pass would give; the
admin then commits it (mentorships created, both sides told) or discards it.
"""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Callable
from datetime import datetime, timedelta

import numpy as np
from django.db import OperationalError, transaction
from django.utils import timezone

from mentorships import lifecycle
from mentorships.exceptions import Refused
from mentorships.models import Mentorship
from profiles.models import Profile, Program, User

from . import assignment, candidates, rescoring, scoring, suggestions
from .features import ProgramFeatures
from .models import AssignmentPair, MatchingRun
from .signals import program_moved

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
    weights, settings = suggestions.snapshot(program)
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


@dataclasses.dataclass
class Proposal:
    """One policy's assignment of the unmatched mentees, worked out in memory."""

    policy: str
    mentee_ids: list[int]
    # (mentee id, mentor id, score, mentee row, mentor row) of each chosen pair.
    pairs: list[tuple[int, int, float, int, int]]
    summary: dict
    features: ProgramFeatures


def work_out(
    *,
    program_id: int,
    weights: dict,
    settings: dict,
    policy: str,
    on_block: Callable[[int], None] | None = None,
    on_total: Callable[[int], None] | None = None,
) -> Proposal:
    """Every policy's assignment over the unmatched mentees' candidate lists,
    ``policy``'s pairs kept; nothing is read but the program, nothing written."""
    features = suggestions.prepared(program_id)
    rules = suggestions.rules_from(weights, settings, features)
    # Longest waiting first: the order greedy serves them in.
    mentee_ids = [i for i in unmatched_mentee_ids(program_id) if i in features.mentee_row]
    if on_total:
        on_total(len(mentee_ids))
    capacity = np.where(features.mentors.available, features.mentors.room, 0)
    c = candidates.build(
        features.mentees,
        features.mentors,
        rules,
        rows=np.array([features.mentee_row[i] for i in mentee_ids], dtype=np.int64),
        capacity=capacity,
        excluded=suggestions.excluded_pairs(features, mentee_ids=mentee_ids),
        on_block=on_block,
    )
    results = {
        name: solver(c, capacity, rules.min_score) for name, solver in assignment.POLICIES.items()
    }
    results["greedy"] = assignment.greedy(c, capacity, rules.min_score)
    pairs = [
        (
            mentee_ids[i],
            int(features.mentors.ids[j]),
            round(float(score), 2),
            features.mentee_row[mentee_ids[i]],
            j,
        )
        for i, j, score in results[policy].pairs()
    ]
    summary = {
        "policy": policy,
        "mentees": len(mentee_ids),
        "with_candidates": int(np.count_nonzero(np.diff(c.indptr))),
        "mentors_with_room": int((capacity > 0).sum()),
        "free_places": int(capacity.sum()),
        "figures": {name: result.figures() for name, result in results.items()},
    }
    return Proposal(policy, mentee_ids, pairs, summary, features)


def propose(*, run_id: int) -> None:
    """Work the run's proposal out and keep it, each pair with its reasons."""
    run = MatchingRun.objects.select_related("program").get(pk=run_id)
    if run.is_finished:
        return
    MatchingRun.objects.filter(pk=run_id).update(
        status=MatchingRun.Status.RUNNING, started_at=timezone.now(), done=0
    )
    proposal = work_out(
        program_id=run.program_id,
        weights=run.weights,
        settings=run.settings,
        policy=run.settings["policy"],
        on_block=lambda done: MatchingRun.objects.filter(pk=run_id).update(done=done),
        # The progress bar counts against the mentees actually proposed for.
        on_total=lambda total: MatchingRun.objects.filter(pk=run_id).update(total=total),
    )
    total = len(proposal.mentee_ids)
    features = proposal.features
    explainer = features.explainer()
    rows = [row for *_, row, _ in proposal.pairs]
    cols = [col for *_, col in proposal.pairs]
    # Every chosen pair's components in one call, not one call per pair.
    components = scoring.pair_components(features.mentees, rows, features.mentors, cols)
    pairs = [
        AssignmentPair(
            run=run,
            mentee_id=mentee_id,
            mentor_id=mentor_id,
            score=score,
            reasons=explainer.explain(row, col, parts),
        )
        for (mentee_id, mentor_id, score, row, col), parts in zip(
            proposal.pairs, components, strict=True
        )
    ]
    with transaction.atomic():
        AssignmentPair.objects.filter(run=run).delete()
        AssignmentPair.objects.bulk_create(pairs, batch_size=2000)
        MatchingRun.objects.filter(pk=run_id).update(
            status=MatchingRun.Status.SUCCEEDED,
            finished_at=timezone.now(),
            total=total,
            done=total,
            summary=proposal.summary,
        )


# A commit asked for and not yet done (or failed): keys of the run's summary.
COMMIT_REQUESTED, COMMIT_ERROR = "commit_requested_at", "commit_error"
# Past the commit task's hard time limit (30 minutes) a request whose task never
# reported back (its message lost with the broker, say) no longer blocks a new
# one. Committing twice stays impossible: the commit claims the run atomically.
COMMIT_GIVEN_UP_AFTER = timedelta(minutes=35)


def is_committing(run: MatchingRun) -> bool:
    requested = run.summary.get(COMMIT_REQUESTED)
    if not requested or run.committed_at is not None:
        return False
    return timezone.now() - datetime.fromisoformat(requested) < COMMIT_GIVEN_UP_AFTER


@transaction.atomic
def request_commit(*, run: MatchingRun, user: User | None) -> None:
    """Commit a proposal in the background: thousands of pairs take longer than
    a web request may (gunicorn gives a request 30 s)."""
    from .tasks import commit_assignment

    locked = MatchingRun.objects.select_for_update().get(pk=run.pk)
    if locked.kind != MatchingRun.Kind.ASSIGN:
        raise Refused("Only an auto-assignment run has a proposal to commit.")
    if not locked.is_finished:
        raise Refused("This run is still working: wait until it has succeeded.")
    if locked.status != MatchingRun.Status.SUCCEEDED:
        raise Refused("This run failed: it has no proposal to commit.")
    if locked.committed_at or locked.discarded_at:
        raise Refused("This proposal was already committed or discarded.")
    if is_committing(locked):
        raise Refused("This proposal is being committed already.")
    summary = {k: v for k, v in locked.summary.items() if k != COMMIT_ERROR}
    locked.summary = {**summary, COMMIT_REQUESTED: timezone.now().isoformat()}
    locked.save(update_fields=["summary"])
    commit_assignment.delay_on_commit(locked.pk, user.pk if user else None)


def commit_requested(*, run_id: int, user_id: int | None) -> None:
    """The worker's side of :func:`request_commit`."""
    run = MatchingRun.objects.filter(pk=run_id).first()
    if run is None or not is_committing(run):
        return
    try:
        commit(run=run, user=User.objects.filter(pk=user_id).first())
    except Refused as refused:
        commit_failed(run_id=run_id, error=str(refused))


def commit_failed(*, run_id: int, error: str) -> None:
    """Nothing was committed: say why, and let the admin try again."""
    with transaction.atomic():
        run = MatchingRun.objects.select_for_update().filter(pk=run_id).first()
        if run is None or run.committed_at:
            return
        summary = {k: v for k, v in run.summary.items() if k != COMMIT_REQUESTED}
        run.summary = {**summary, COMMIT_ERROR: error}
        run.save(update_fields=["summary"])
    log.warning("Assignment run %s was not committed: %s", run_id, error)


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
                raise Refused(
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
        raise Refused("This proposal was already committed or discarded.")
    created = skipped = 0
    proposed = list(
        AssignmentPair.objects.filter(run=run, outcome=AssignmentPair.Outcome.PROPOSED)
        .select_related("mentee", "mentor", "mentee__program")
        .order_by("pk")
    )
    lifecycle.lock_for_pairing(
        mentee_ids=[p.mentee_id for p in proposed], mentor_ids=[p.mentor_id for p in proposed]
    )
    for pair in proposed:
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
        except Refused as refused:
            pair.outcome, pair.note = AssignmentPair.Outcome.SKIPPED, str(refused)[:200]
            skipped += 1
        else:
            pair.outcome = AssignmentPair.Outcome.CREATED
            created += 1
        pair.save(update_fields=["outcome", "note"])
    result = {"created": created, "skipped": skipped}
    summary = {k: v for k, v in run.summary.items() if k != COMMIT_ERROR}
    MatchingRun.objects.filter(pk=run.pk).update(summary={**summary, "committed": result})
    if created:
        rescoring.start_rescore(program=run.program, user=user)
    program_moved.send(sender=MatchingRun, program_id=run.program_id)
    log.info("Assignment run %s committed: %s", run.pk, result)
    return result


def discard(*, run: MatchingRun) -> None:
    claimed = (
        MatchingRun.objects.filter(
            pk=run.pk,
            kind=MatchingRun.Kind.ASSIGN,
            committed_at__isnull=True,
            discarded_at__isnull=True,
        )
        .exclude(summary__has_key=COMMIT_REQUESTED)
        .update(discarded_at=timezone.now())
    )
    if not claimed:
        raise Refused("This proposal was already committed or discarded.")
