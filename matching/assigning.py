"""Auto-assignment runs: the ORM side of matching/assignment.py.

A run proposes one mentor for every unmatched mentee over each mentee's top
candidates, beside what the other policies and a greedy pass would give; the
admin may remove pairs from it (and put them back), then commits it
(mentorships created, both sides told) or discards it. Each of those admin
actions is on the program's audit log.
"""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Callable
from datetime import datetime, timedelta

import numpy as np
from django.db import OperationalError, transaction
from django.db.models import Count
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext

from mentorships import lifecycle
from mentorships.exceptions import Refused
from mentorships.models import Mentorship
from profiles import cycles
from profiles.models import AuditEntry, Profile, Program, Tag, User

from . import assignment, candidates, reasons, rescoring, scoring, suggestions
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
        cycle=cycles.current(program),
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
    """Work the run's proposal out and keep it, each pair with its reasons as an
    admin reads them: about the pair, and without background answers (those are
    added on the page, for an admin allowed to read them: :func:`background_reasons`)."""
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
            reasons=explainer.explain(row, col, parts, viewer="admin"),
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


def _closed(run: MatchingRun, verb: str) -> str | None:
    """Why this run has no proposal left to ``verb`` ("commit" or "discard"), or None."""
    if run.kind != MatchingRun.Kind.ASSIGN:
        if verb == "discard":
            return gettext("Only an auto-assignment run has a proposal to discard.")
        return gettext("Only an auto-assignment run has a proposal to commit.")
    if run.committed_at or run.discarded_at:
        return gettext("This proposal was already committed or discarded.")
    if is_committing(run):
        return gettext("This proposal is being committed already.")
    return None


def commit_refusal(run: MatchingRun) -> str | None:
    """Why this run's proposal cannot be committed now, or None if it can."""
    if why := _closed(run, "commit"):
        return why
    if not run.is_finished:
        return gettext("This run is still working: wait until it has succeeded.")
    if run.status != MatchingRun.Status.SUCCEEDED:
        return gettext("This run failed: it has no proposal to commit.")
    if not AssignmentPair.objects.filter(run=run).kept().exists():
        return gettext(
            "Every pair was removed from this proposal: there is nothing to commit. "
            "Discard it, or put pairs back first."
        )
    return None


def discard_refusal(run: MatchingRun) -> str | None:
    """Why this run's proposal cannot be discarded now, or None if it can."""
    return _closed(run, "discard")


@transaction.atomic
def request_commit(*, run: MatchingRun, user: User | None) -> None:
    """Commit a proposal in the background: thousands of pairs take longer than
    a web request may (gunicorn gives a request 30 s)."""
    from .tasks import commit_assignment

    locked = MatchingRun.objects.select_for_update().get(pk=run.pk)
    if why := commit_refusal(locked):
        raise Refused(why)
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
                    gettext(
                        "The database was too busy to save the proposal: nothing was changed. "
                        "Try committing again in a moment."
                    )
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
        raise Refused(gettext("This proposal was already committed or discarded."))
    created = skipped = 0
    proposed = list(
        AssignmentPair.objects.filter(run=run, outcome=AssignmentPair.Outcome.PROPOSED)
        .kept()
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
    removed = AssignmentPair.objects.filter(run=run, removed_at__isnull=False).count()
    # "removed" only when some were: the API's answer stays as it was for the others.
    result = {"created": created, "skipped": skipped, **({"removed": removed} if removed else {})}
    summary = {k: v for k, v in run.summary.items() if k != COMMIT_ERROR}
    MatchingRun.objects.filter(pk=run.pk).update(summary={**summary, "committed": result})
    AuditEntry.record(
        program=run.program,
        actor=user,
        action=AuditEntry.Action.ASSIGN_COMMIT,
        summary=f"Auto-assignment #{run.pk} committed: {_count(created, 'mentorship')} "
        f"created, {skipped} skipped, {_count(removed, 'pair')} removed before the commit.",
        details={"run": run.pk, **result, "removed": removed},
    )
    if created:
        rescoring.start_rescore(
            program=run.program, user=user, reason=f"After auto-assignment #{run.pk} was committed"
        )
    program_moved.send(sender=MatchingRun, program_id=run.program_id)
    log.info("Assignment run %s committed: %s", run.pk, result)
    return result


@transaction.atomic
def discard(*, run: MatchingRun, user: User | None = None) -> None:
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
        raise Refused(gettext("This proposal was already committed or discarded."))
    pairs = AssignmentPair.objects.filter(run=run).count()
    AuditEntry.record(
        program=run.program,
        actor=user,
        action=AuditEntry.Action.ASSIGN_DISCARD,
        summary=f"Auto-assignment #{run.pk} discarded: {_count(pairs, 'proposed pair')}, "
        "nothing changed.",
        details={"run": run.pk, "pairs": pairs},
    )


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}{'' if n == 1 else 's'}"


# --- an admin's edits before the commit ---------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class Outlook:
    """What committing a proposal would do now: ``pairs`` mentorships (at most:
    a mentor may fill up meanwhile), two emails each."""

    pairs: int
    removed: int

    @property
    def emails(self) -> int:
        return 2 * self.pairs


def outlook(run: MatchingRun) -> Outlook:
    pairs = AssignmentPair.objects.filter(run=run)
    kept = pairs.kept().count()
    return Outlook(pairs=kept, removed=pairs.count() - kept)


def _editable(run: MatchingRun) -> MatchingRun:
    """The run, locked against a commit starting meanwhile, if its pairs may change."""
    locked = MatchingRun.objects.select_for_update().get(pk=run.pk)
    if locked.kind != MatchingRun.Kind.ASSIGN or locked.status != MatchingRun.Status.SUCCEEDED:
        raise Refused(gettext("Only a finished auto-assignment's proposal can be edited."))
    if locked.committed_at:
        raise Refused(gettext("This proposal was committed: its pairs can no longer change."))
    if locked.discarded_at:
        raise Refused(gettext("This proposal was discarded: its pairs can no longer change."))
    if is_committing(locked):
        raise Refused(gettext("This proposal is being committed: its pairs can no longer change."))
    return locked


@transaction.atomic
def remove_pair(*, pair: AssignmentPair, user: User | None) -> AssignmentPair:
    """Take a pair out of the proposal: committing leaves its mentee waiting."""
    return _edit(pair, user, removed=True)


@transaction.atomic
def restore_pair(*, pair: AssignmentPair, user: User | None) -> AssignmentPair:
    """Put a removed pair back into the proposal."""
    return _edit(pair, user, removed=False)


def _edit(pair: AssignmentPair, user: User | None, *, removed: bool) -> AssignmentPair:
    run = _editable(pair.run)
    pair = AssignmentPair.objects.select_related("mentee", "mentor").get(pk=pair.pk, run=run)
    if (pair.removed_at is not None) == removed:
        return pair  # a second click, or another tab: already so
    pair.removed_at, pair.removed_by = (timezone.now(), user) if removed else (None, None)
    pair.save(update_fields=["removed_at", "removed_by"])
    done = "removed from" if removed else "put back into"
    AuditEntry.record(
        program=run.program,
        actor=user,
        action=AuditEntry.Action.PROPOSAL_EDIT,
        summary=f"{pair.mentee.name} and {pair.mentor.name} {done} auto-assignment #{run.pk}.",
        details={
            "run": run.pk,
            "pair": pair.pk,
            "mentee": pair.mentee_id,
            "mentor": pair.mentor_id,
            "removed": removed,
        },
    )
    return pair


def namesakes(*, program_id: int, names: set[str]) -> set[str]:
    """Which of these names (lower-cased) more than one person in the program goes by."""
    held = (
        Profile.objects.filter(program_id=program_id)
        .annotate(folded=Lower("display_name"))
        .filter(folded__in={n.lower() for n in names if n})
        .values("folded")
        .annotate(people=Count("user", distinct=True))
        .filter(people__gt=1)
    )
    return {row["folded"] for row in held}


def background_reasons(pairs: list[AssignmentPair]) -> dict[int, list[dict]]:
    """Pair id → the reason its shared background answers give, read now, for an
    admin allowed to read background answers (the stored reasons leave them out,
    so the API and exports never carry them)."""
    people = {p.mentee_id for p in pairs} | {p.mentor_id for p in pairs}
    held: dict[int, set[int]] = {}
    links = Profile.background.through.objects.filter(profile_id__in=people)
    for profile_id, tag_id in links.values_list("profile_id", "tag_id"):
        held.setdefault(profile_id, set()).add(tag_id)
    shared = {p.pk: held.get(p.mentee_id, set()) & held.get(p.mentor_id, set()) for p in pairs}
    # In the Explainer's order: a facet's answers as the questionnaire lists them.
    ordered = list(
        Tag.objects.filter(pk__in=set().union(*shared.values()))
        .order_by("kind", "sort_order", "id")
        .values_list("pk", flat=True)
    )
    return {
        pk: reasons.shared_background([tag for tag in ordered if tag in tags])
        for pk, tags in shared.items()
    }
