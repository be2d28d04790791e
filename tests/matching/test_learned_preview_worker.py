"""The preview of learned weights through a real Celery worker on Redis and
PostgreSQL: queued once the proposal commits, by its id alone."""

import pytest
from django.db import transaction

from matching import learned_preview, rescoring
from matching.models import MatchingRun, WeightProposal
from profiles.models import Program
from tests.conftest import wait_for
from tests.matching.weight_proposals import known_program, make_proposal

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def test_a_worker_previews_a_proposal_and_leaves_the_weights(celery_worker, program):
    known_program(program)
    rescoring.start_rescore(program=program)
    weights = program.weights()
    with transaction.atomic():
        proposal = make_proposal(program)
        learned_preview.start(proposal=proposal)
    found = wait_for(lambda: WeightProposal.objects.get(pk=proposal.pk).preview_run)
    assert found.settings["preview"] == "proposed"
    assert MatchingRun.objects.filter(settings__learned_from=proposal.pk).count() == 2
    assert Program.objects.get(pk=program.pk).weights() == weights
