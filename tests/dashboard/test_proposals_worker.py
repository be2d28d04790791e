"""An edited proposal committed through a real Celery worker over Redis: the
pairs the admin removed are skipped and their mentees stay waiting."""

import pytest
from django.urls import reverse

from matching import assigning
from matching.models import AssignmentPair, MatchingRun
from mentorships.models import Mentorship
from profiles.models import AuditEntry
from tests.conftest import login, wait_for
from tests.dashboard.helpers import proposal
from tests.factories import program_admin

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def test_a_worker_commits_the_pairs_left_and_the_removed_mentees_wait(
    client, celery_worker, program, cohort
):
    admin = program_admin(program)
    staff = login(client, admin)
    run = proposal(program)
    removed = list(AssignmentPair.objects.filter(run=run).order_by("-score", "pk")[:2])
    for pair in removed:
        answer = staff.post(
            reverse("dashboard:remove_pair", args=[program.slug, run.pk, pair.pk]),
            headers={"HX-Request": "true"},
        )
        assert answer.status_code == 200
    commit = reverse("dashboard:commit", args=[program.slug, run.pk])
    asked = staff.post(commit)
    assert "Yes, create 4 mentorships and send 8 emails" in asked.content.decode()
    staff.post(commit, {"confirm": "yes"})
    done = wait_for(
        lambda: MatchingRun.objects.filter(pk=run.pk, committed_at__isnull=False).first()
    )
    wait_for(lambda: "committed" in MatchingRun.objects.get(pk=run.pk).summary)
    assert MatchingRun.objects.get(pk=done.pk).summary["committed"] == {
        "created": 4,
        "skipped": 0,
        "removed": 2,
    }
    waiting = set(assigning.unmatched_mentee_ids(program.pk))
    assert {p.mentee_id for p in removed} <= waiting
    assert not Mentorship.objects.filter(mentee__in=[p.mentee_id for p in removed]).exists()
    assert Mentorship.objects.filter(source="auto").count() == 4
    entry = AuditEntry.objects.get(action="assign_commit")
    assert entry.actor == admin and entry.details["removed"] == 2
    # Once committed, the proposal can no longer change.
    late = staff.post(
        reverse("dashboard:restore_pair", args=[program.slug, run.pk, removed[0].pk]),
        headers={"HX-Request": "true"},
    )
    assert late.status_code == 409
