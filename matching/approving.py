"""An admin's decision on learned weights (docs/outcomes.md, "Approving learned
weights"): approve, and the program takes the proposed weights and is re-scored
with them, on the record; or discard, and nothing changes. Nothing else ever
changes a program's weights from what was learned.

The proposal's row is locked first and the program's after, so two admins
approving at once (or one clicking twice) apply it once: the second finds it
decided and is told so.
"""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext

from mentorships.exceptions import Refused
from profiles.models import AuditEntry, Program, User
from profiles.taxonomy import COMPONENT_LABELS, COMPONENTS

from . import rescoring
from .models import MatchingRun, WeightProposal


def decided_refusal(proposal: WeightProposal, verb: str = "approve") -> str | None:
    """Why this proposal is not open to a decision (to ``verb``: "approve" or
    "discard"), or None."""
    if proposal.status == WeightProposal.Status.APPROVED:
        return gettext("This proposal was already approved: its weights are in use.")
    if proposal.status == WeightProposal.Status.DISCARDED:
        return gettext("This proposal was already discarded: the weights stayed as they were.")
    if proposal.status == WeightProposal.Status.TOO_FEW:
        if verb == "discard":
            return gettext(
                "There were too few outcomes to propose weights: there is nothing to discard."
            )
        return gettext(
            "There were too few outcomes to propose weights: there is nothing to approve."
        )
    return None


def approve_refusal(proposal: WeightProposal, program: Program) -> str | None:
    """Why this proposal cannot be approved now, or None if it can."""
    if why := decided_refusal(proposal):
        return why
    if not any((proposal.fit.get("confident") or {}).values()):
        return gettext(
            "No change here is clear from the outcomes: every weight's interval holds today's "
            "weight, so the differences may be chance. Today's weights stand; learn again once "
            "more mentorships have closed."
        )
    if proposal.preview_run_id is None:
        return gettext(
            "What these weights would change is still being worked out: approve them once "
            "the preview shows it."
        )
    if program.weights() != {c: proposal.current_weights.get(c) for c in COMPONENTS}:
        return gettext(
            "The program's weights have changed since these were learned, so the proposal "
            "no longer says what approving it would change. Learn from outcomes again."
        )
    return None


def _locked(proposal: WeightProposal) -> tuple[WeightProposal, Program]:
    locked = WeightProposal.objects.select_for_update().get(pk=proposal.pk)
    program = Program.objects.select_for_update().get(pk=locked.program_id)
    return locked, program


def source_of(proposal: WeightProposal) -> dict:
    """What a run applying the proposal records about where its weights came from."""
    sample = proposal.sample
    return {
        "weights_from": "learning",
        "proposal": proposal.pk,
        "sample": {
            "mentorships": sample.get("mentorships", 0),
            "observations": sample.get("observations", 0),
            "cycles": sample.get("cycles", []),
            "cycle": sample.get("cycle"),
        },
    }


def changes_in_words(before: dict, after: dict) -> list[str]:
    """``["Goals 40 → 36", …]`` for each weight that moves."""
    return [
        f"{COMPONENT_LABELS[c]} {before.get(c)} → {after.get(c)}"
        for c in COMPONENTS
        if before.get(c) != after.get(c)
    ]


@transaction.atomic
def approve(*, proposal: WeightProposal, user: User | None) -> MatchingRun:
    """The program takes the proposed weights, the change goes on the audit log
    with the proposal and its data, and a re-score recording where its weights
    came from starts. Refused (nothing changed) when the proposal is decided,
    its preview not ready, or the program's weights moved since it was made."""
    proposal, program = _locked(proposal)
    if why := approve_refusal(proposal, program):
        raise Refused(why)
    before = program.weights()
    after = {c: int(proposal.proposed_weights[c]) for c in COMPONENTS}
    if any(not 0 <= w <= 100 for w in after.values()) or not any(after.values()):
        raise Refused(gettext("These weights cannot be used: each must be 0 to 100, not all 0."))
    for c, weight in after.items():
        setattr(program, f"weight_{c}", weight)
    program.save(update_fields=[f"weight_{c}" for c in COMPONENTS])
    source = source_of(proposal)
    # The audit log is kept in English, whoever reads or writes it.
    with translation.override("en"):
        moves = "; ".join(changes_in_words(before, after) or ["no weight moves"])
    AuditEntry.record(
        program=program,
        actor=user,
        action=AuditEntry.Action.SETTINGS,
        summary=f"Weights learned from outcomes approved (proposal #{proposal.pk}): {moves}.",
        details={
            "proposal": proposal.pk,
            "before": before,
            "after": after,
            "sample": source["sample"],
            "preview_run": proposal.preview_run_id,
        },
    )
    run = rescoring.start_rescore(
        program=program,
        user=user,
        reason=f"Weights learned from outcomes (proposal #{proposal.pk}) approved",
        source=source,
    )
    proposal.status = WeightProposal.Status.APPROVED
    proposal.decided_by = user if user is not None and user.is_authenticated else None
    proposal.decided_at = timezone.now()
    proposal.applied_run = run
    proposal.save(update_fields=["status", "decided_by", "decided_at", "applied_run"])
    return run


@transaction.atomic
def discard(*, proposal: WeightProposal, user: User | None) -> None:
    """Set the proposal aside: the program's weights stay as they are."""
    proposal, _ = _locked(proposal)
    if why := decided_refusal(proposal, "discard"):
        raise Refused(why)
    proposal.status = WeightProposal.Status.DISCARDED
    proposal.decided_by = user if user is not None and user.is_authenticated else None
    proposal.decided_at = timezone.now()
    proposal.save(update_fields=["status", "decided_by", "decided_at"])
