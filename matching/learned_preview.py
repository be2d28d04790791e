"""What learned weights would change, worked out before anyone approves them
(docs/outcomes.md, "Approving learned weights").

For a proposal of matching/learned.py, a worker works out in memory, from the
same data at the same moment, every mentee's list and the auto-assignment
under the program's current weights and under the proposed ones, and keeps
them as two preview runs (re-scores that wrote nothing: ``settings["preview"]``
says which weights each tried) that ``rescoring.compare`` sets side by side.
No suggestion, program weight or pair an admin could commit is written.

The predicted effect on outcomes comes from the proposal's fitted coefficients:
each assigned mentee's chance of a good outcome with their mentor, with the
model's constant set so that the current assignment predicts the share of good
outcomes the proposal learned from. Those per-mentee values stay on the proposal
(``fit["preview"]``), never on a run (the API reads runs): the dashboard adds
them up per group, for admins allowed to read background answers.
"""

from __future__ import annotations

import logging
from datetime import timedelta

import numpy as np
from django.core.cache import cache
from django.db import transaction
from django.utils import timezone

from profiles import cycles
from profiles.models import Cycle, Program, User
from profiles.taxonomy import COMPONENTS

from . import assigning, learned, rescoring, scoring, suggestions
from .models import MatchingRun, WeightProposal

log = logging.getLogger(__name__)

CURRENT, PROPOSED = "current", "proposed"
POLICY = "optimal"
SAMPLE = 20


# Learning runs in a worker: a bootstrap over thousands of mentorships takes longer
# than a page may. While it is queued or running, the program is marked (past
# LEARNING_FOR, a lost task no longer blocks learning again).
LEARNING_FOR = 15 * 60


def learning_key(program_id: int) -> str:
    return f"matching:learning:{program_id}"


def start_learning(*, program: Program, cycle: Cycle | None = None, by: User | None = None) -> bool:
    """Queue learning weights from ``program``'s outcomes (of ``cycle`` only, if
    given), then the preview; False, and nothing queued, when one is already under
    way for the program (a second click, another admin)."""
    from .tasks import learn_weights

    if not cache.add(learning_key(program.pk), True, timeout=LEARNING_FOR):
        return False
    learn_weights.delay_on_commit(program.pk, cycle.pk if cycle else None, by.pk if by else None)
    return True


def is_learning(program: Program) -> bool:
    return bool(cache.get(learning_key(program.pk)))


def learn(*, program_id: int, cycle_id: int | None, user_id: int | None) -> None:
    """The worker's side of :func:`start_learning`: the proposal (learned.propose),
    then its preview."""
    try:
        program = Program.objects.filter(pk=program_id).first()
        if program is None:
            return
        cycle = Cycle.objects.filter(pk=cycle_id, program=program).first() if cycle_id else None
        by = User.objects.filter(pk=user_id).first() if user_id else None
        proposal = learned.propose(program=program, cycle=cycle, by=by)
    finally:
        cache.delete(learning_key(program_id))
    work_out(proposal_id=proposal.pk)


def start(*, proposal: WeightProposal) -> None:
    """Queue the preview of a proposal once the transaction that made it commits."""
    from .tasks import preview_learned_weights

    if proposal.status == WeightProposal.Status.PROPOSED and proposal.preview_run_id is None:
        preview_learned_weights.delay_on_commit(proposal.pk)


def is_working(proposal: WeightProposal) -> bool:
    return proposal.status == WeightProposal.Status.PROPOSED and proposal.preview_run_id is None


# A preview still missing this long after its proposal was made was lost (its
# worker killed, its message gone with the broker): an admin may ask again.
LOST_AFTER = timedelta(minutes=15)


def is_lost(proposal: WeightProposal) -> bool:
    return is_working(proposal) and timezone.now() - proposal.created_at > LOST_AFTER


def work_out(*, proposal_id: int) -> MatchingRun | None:
    """The worker's side: both sets of lists and assignments, kept as two runs.
    Run twice (a retry, a duplicate), it keeps the first result."""
    proposal = WeightProposal.objects.select_related("program").filter(pk=proposal_id).first()
    if proposal is None or not is_working(proposal):
        return None
    program = proposal.program
    started = timezone.now()
    current, settings = suggestions.snapshot(program)
    tried = {CURRENT: current, PROPOSED: _weights(proposal.proposed_weights)}
    ids, mentors, size, bounds = rescoring.chunks_of(program)
    listed = {
        name: _lists(program, weights, settings, ids, bounds) for name, weights in tried.items()
    }
    assigned = {name: _assignment(program, weights, settings) for name, weights in tried.items()}
    chances = predicted(proposal.fit, assigned)
    with transaction.atomic():
        locked = WeightProposal.objects.select_for_update().get(pk=proposal_id)
        if not is_working(locked):
            return None
        runs = {}
        for name, weights in tried.items():
            run = MatchingRun(
                program=program,
                kind=MatchingRun.Kind.SCORE,
                status=MatchingRun.Status.SUCCEEDED,
                cycle=cycles.current(program),
                total=len(ids),
                done=len(ids),
                weights=weights,
                settings={
                    **settings,
                    "chunk_size": size,
                    "mentors": mentors,
                    "preview": name,
                    "learned_from": proposal_id,
                },
                created_by=proposal.created_by,
                started_at=started,
                finished_at=timezone.now(),
                snapshot=rescoring.snapshot_lists(listed[name]),
            )
            run.summary = rescoring.summarise(run, listed[name])
            run.save()
            runs[name] = run
        preview = runs[PROPOSED]
        preview.summary = {
            **preview.summary,
            "preview": {
                "baseline": runs[CURRENT].pk,
                "assignment": assignment_changes(assigned[CURRENT], assigned[PROPOSED]),
                "predicted": {name: mean(values) for name, values in chances.items()},
            },
        }
        preview.save(update_fields=["summary"])
        locked.preview_run = preview
        locked.fit = {
            **locked.fit,
            "preview": {
                name: {str(m): round(p, 4) for m, p in values.items()}
                for name, values in chances.items()
            },
        }
        locked.save(update_fields=["preview_run", "fit"])
    log.info("Preview of weights proposal %s kept as runs %s", proposal_id, runs)
    return preview


def _weights(weights: dict) -> dict[str, int]:
    return {c: int(weights.get(c, 0)) for c in COMPONENTS}


def _lists(program: Program, weights: dict, settings: dict, ids: list[int], bounds) -> np.ndarray:
    """Every pooled mentee's list under ``weights`` as (mentee, mentor, rank, score)
    rows, chunk by chunk as a re-score would make them (rescoring.score_chunk)."""
    features = suggestions.prepared(program.pk)
    rules = suggestions.rules_from(weights, settings, features)
    excluded = suggestions.excluded_pairs(features)
    found = []
    for lo, hi in bounds:
        span = (ids[lo], ids[hi - 1])
        chunk = [int(i) for i in features.mentees.ids if span[0] <= i <= span[1]]
        top = scoring.top_k(
            features.mentees,
            features.mentors,
            rules,
            rows=suggestions.pool_rows(features, mentee_ids=chunk),
            excluded=excluded,
            exposure=scoring.Exposure(
                shown=np.zeros(len(features.mentors)), scale=len(ids) / max(len(chunk), 1)
            ),
            components=False,
        )
        hit = top.mentor_rows >= 0
        rank = np.nonzero(hit)[1] + 1
        mentee_rows = np.broadcast_to(top.mentee_rows[:, None], hit.shape)[hit]
        found.append(
            np.column_stack(
                [
                    features.mentees.ids[mentee_rows],
                    features.mentors.ids[top.mentor_rows[hit]],
                    rank,
                    np.round(top.scores[hit], 2),
                ]
            ).astype(float)
        )
    return np.concatenate(found) if found else np.zeros((0, 4))


def _assignment(program: Program, weights: dict, settings: dict) -> dict[int, tuple[int, list]]:
    """``{mentee: (mentor, components)}`` the auto-assignment would propose now."""
    proposal = assigning.work_out(
        program_id=program.pk,
        weights=weights,
        settings={**settings, "policy": POLICY},
        policy=POLICY,
    )
    features = proposal.features
    rows = [row for *_, row, _ in proposal.pairs]
    cols = [col for *_, col in proposal.pairs]
    parts = scoring.pair_components(features.mentees, rows, features.mentors, cols)
    return {
        mentee: (mentor, values.tolist())
        for (mentee, mentor, *_), values in zip(proposal.pairs, parts, strict=True)
    }


def assignment_changes(before: dict, after: dict, sample: int = SAMPLE) -> dict:
    """Which mentees the assignment would pair differently: counts, and the
    first ``sample`` of them as (mentee, mentor now, mentor then) ids, None
    where one of the two leaves the mentee unassigned."""
    everyone = sorted(before.keys() | after.keys())
    moved = [m for m in everyone if (before.get(m) or (None,))[0] != (after.get(m) or (None,))[0]]
    return {
        "now": len(before),
        "then": len(after),
        "same": len(everyone) - len(moved),
        "changed": len(moved),
        "no_longer": sum(1 for m in moved if m not in after),
        "newly": sum(1 for m in moved if m not in before),
        "sample": [
            [m, (before.get(m) or (None,))[0], (after.get(m) or (None,))[0]] for m in moved[:sample]
        ],
    }


# --- the predicted effect ---------------------------------------------------------


def _sigmoid(z: np.ndarray) -> np.ndarray:
    return np.exp(-np.logaddexp(0.0, -z))


def linear_part(fit: dict, components: list[list]) -> np.ndarray:
    """Σ b[c]·x[c] of each pair, over the components the fit learned; a
    component not counted for a pair adds nothing."""
    coefficients = fit.get("coefficients") or {}
    b = np.array([float(coefficients.get(c, 0.0)) for c in COMPONENTS])
    x = np.array(components, dtype=float).reshape(-1, len(COMPONENTS))
    return np.nan_to_num(x, nan=0.0) @ b


def base_rate(fit: dict) -> float | None:
    counts = fit.get("counts") or {}
    good, poor = counts.get("good", 0), counts.get("poor", 0)
    return good / (good + poor) if good and poor else None


def constant_for(linear: np.ndarray, rate: float) -> float:
    """The constant ``a`` with mean σ(a + linear) equal to ``rate`` (bisection:
    the mean rises with ``a``)."""
    lo, hi = -30.0, 30.0
    for _ in range(100):
        mid = (lo + hi) / 2
        if _sigmoid(mid + linear).mean() < rate:
            lo = mid
        else:
            hi = mid
    return (lo + hi) / 2


def predicted(fit: dict, assigned: dict[str, dict]) -> dict[str, dict[int, float]]:
    """Each assigned mentee's predicted chance of a good outcome (0–1) under each
    assignment (``{"current": {mentee: (mentor, components)}, "proposed": …}``).
    The fit keeps the components' coefficients, not the model's constant: it is
    set so that the current assignment predicts the share of good outcomes the
    proposal learned from, and the same constant serves both. Empty without a
    fit, or with no pair assigned now."""
    rate = base_rate(fit)
    linear = {
        name: dict(
            zip(pairs, linear_part(fit, [v for _, v in pairs.values()]).tolist(), strict=True)
        )
        for name, pairs in assigned.items()
    }
    if rate is None or not fit.get("coefficients") or not linear[CURRENT]:
        return {name: {} for name in assigned}
    a = constant_for(np.array(list(linear[CURRENT].values())), rate)
    return {
        name: {m: float(_sigmoid(np.array(a + v))) for m, v in values.items()}
        for name, values in linear.items()
    }


def mean(values: dict) -> float | None:
    return round(float(np.mean(list(values.values()))), 4) if values else None
