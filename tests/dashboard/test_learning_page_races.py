"""Two admins approving one proposal at the same moment (or one clicking twice):
real threads on PostgreSQL, each in its own transaction. The proposal's row is
locked first, so the weights are applied once, one re-score starts and one
audit entry is written; the other admin is told it was already approved."""

import threading

import pytest

from matching import approving, learned_preview
from matching.models import MatchingRun, WeightProposal
from mentorships.exceptions import Refused
from profiles.models import AuditEntry, Program
from tests import threads
from tests.factories import program_admin
from tests.matching.weight_proposals import VALUES_FIRST, known_program, make_proposal


def race(*actions) -> list[Exception]:
    return threads.race(*actions, refusals=(Refused,))


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_admins_approving_at_once_apply_it_once(program, monkeypatch):
    known_program(program)
    proposal = make_proposal(program)
    learned_preview.work_out(proposal_id=proposal.pk)
    first, second = program_admin(program), program_admin(program)
    checking = approving.approve_refusal

    def slow_check(found, held):
        why = checking(found, held)
        threading.Event().wait(0.3)  # hold the lock while the other approval arrives
        return why

    monkeypatch.setattr(approving, "approve_refusal", slow_check)
    refused = race(
        lambda: approving.approve(proposal=proposal, user=first),
        lambda: approving.approve(proposal=proposal, user=second),
    )
    assert len(refused) == 1 and "already approved" in str(refused[0])
    proposal.refresh_from_db()
    assert proposal.status == WeightProposal.Status.APPROVED
    assert proposal.decided_by in (first, second)
    assert Program.objects.get(pk=program.pk).weights() == VALUES_FIRST
    assert AuditEntry.objects.filter(action=AuditEntry.Action.SETTINGS).count() == 1
    assert MatchingRun.objects.filter(settings__weights_from="learning").count() == 1
