"""The learned-weights page (dashboard/views/learning.py): proposals and their
preview for everyone who runs the program; learning, approving and discarding
for its admins alone. Approving applies the weights once, on the record, and
starts a re-score that says where its weights came from."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from matching import learned_preview, rescoring
from matching.models import MatchingRun, WeightProposal
from profiles.models import AuditEntry, Program, SensitiveAccess
from tests.conftest import login
from tests.factories import ProfileFactory, ProgramFactory, coordinator, program_admin, tags
from tests.matching.weight_proposals import VALUES_FIRST, known_program, make_proposal

pytestmark = pytest.mark.django_db

YES = {"confirm": "yes"}


@pytest.fixture
def people(program, django_capture_on_commit_callbacks):
    people = known_program(program)
    with django_capture_on_commit_callbacks(execute=True):
        rescoring.start_rescore(program=program)
    return people


@pytest.fixture
def previewed(program, people):
    proposal = make_proposal(program)
    learned_preview.work_out(proposal_id=proposal.pk)
    proposal.refresh_from_db()
    return proposal


def page(client, proposal) -> str:
    url = reverse("dashboard:weight_proposal", args=[proposal.program.slug, proposal.pk])
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def approve(client, proposal, data=YES):
    url = reverse("dashboard:approve_weights", args=[proposal.program.slug, proposal.pk])
    return client.post(url, data)


def weights_of(program) -> dict:
    return Program.objects.get(pk=program.pk).weights()


# --- reading ---------------------------------------------------------------------------


def test_the_list_shows_proposals_newest_first_with_their_status(staff_client, program):
    older = make_proposal(program, status=WeightProposal.Status.TOO_FEW)
    newer = make_proposal(program)
    html = staff_client.get(reverse("dashboard:learned_weights", args=[program.slug])).content
    html = html.decode()
    assert html.index(f"Proposal #{newer.pk}") < html.index(f"Proposal #{older.pk}")
    assert "Not enough outcomes yet" in html and "Proposed" in html
    assert "Learn from outcomes" in html


def test_a_proposal_shows_each_weight_with_its_interval_and_the_sample(staff_client, previewed):
    html = page(staff_client, previewed)
    assert "From 143 mentorships in Summer 2026: 120 requests answered" in html
    assert "99% interval" in html
    assert "64–76" in html  # values: 70 proposed, ±6
    assert "Up 50 (confident)" in html
    assert "Down 30 (not confident: the interval includes today&#x27;s)" in html


def test_the_preview_names_whose_list_and_pair_would_change(staff_client, previewed):
    html = page(staff_client, previewed)
    assert "2 of 3 mentees" in html  # lists changed, top suggestion changed
    assert '<th scope="row">Ada</th><td data-label="Today">Gail</td>' in html
    assert "Paired differently</dt><dd>2 mentees" in html
    assert "Chance of a good outcome, today's pairs</dt><dd>76.8%" in html
    baseline = previewed.preview_run.summary["preview"]["baseline"]
    assert f"?a={baseline}&amp;b={previewed.preview_run_id}" in html


def test_while_the_preview_is_worked_out_the_page_says_so_and_offers_no_approval(
    staff_client, program, people
):
    proposal = make_proposal(program)
    html = page(staff_client, proposal)
    assert "This page shows them when they are ready" in html
    assert "Approve and re-score" not in html
    assert "still being worked out" in html


def test_too_few_outcomes_says_what_is_needed_and_proposes_nothing(staff_client, program):
    proposal = make_proposal(program, status=WeightProposal.Status.TOO_FEW)
    proposal.sample = {**proposal.sample, "mentorships": 12, "observations": 20}
    proposal.save()
    html = page(staff_client, proposal)
    assert "Nothing proposed" in html
    assert "Not enough outcomes yet: 12 mentorships with 20 outcomes (needs 30 mentorships" in html
    assert "Approve" not in html


def test_a_coordinator_reads_a_proposal_but_is_offered_no_decision(client, program, previewed):
    login(client, coordinator(program))
    html = page(client, previewed)
    assert "Only the program's admins can approve or discard" in html
    assert "Approve and re-score" not in html
    listing = client.get(reverse("dashboard:learned_weights", args=[program.slug])).content
    assert b"are for the program's admins" in listing


def test_runs_name_the_previews(staff_client, program, previewed):
    html = staff_client.get(reverse("dashboard:runs", args=[program.slug])).content.decode()
    assert f"Preview of learned weights #{previewed.preview_run_id}" in html
    assert "Preview of today&#x27;s weights" in html
    run = staff_client.get(reverse("dashboard:run", args=[program.slug, previewed.preview_run_id]))
    assert b"nothing was written" in run.content


# --- groups ----------------------------------------------------------------------------


def group_proposal(program):
    """Predicted chances for six Korean mentees and four Filipino ones."""
    korean = [ProfileFactory(program=program) for _ in range(6)]
    filipino = [ProfileFactory(program=program) for _ in range(4)]
    for p in korean:
        p.background.set(tags("heritage", "korean"))
    for p in filipino:
        p.background.set(tags("heritage", "filipino"))
    proposal = make_proposal(program)
    everyone = korean + filipino
    proposal.fit = {
        **proposal.fit,
        "preview": {
            "current": {str(p.pk): 0.5 for p in everyone},
            "proposed": {str(p.pk): 0.6 for p in everyone},
        },
    }
    proposal.save()
    return proposal


def test_groups_of_five_or_more_are_shown_to_an_admin_allowed_background(
    exact_client, program, people
):
    from dashboard import learning

    proposal = group_proposal(program)
    admin = program_admin(program, background=True)
    rows = learning.by_group(proposal, admin)
    assert [(r.name, r.now, r.proposed, r.people) for r in rows] == [("Korean", 50.0, 60.0, 6)]
    assert SensitiveAccess.objects.filter(viewer=admin).exists()


def test_groups_are_not_shown_to_an_admin_without_background(staff_client, program, people):
    from dashboard import learning

    proposal = group_proposal(program)
    assert learning.by_group(proposal, program_admin(program)) is None


# --- deciding --------------------------------------------------------------------------


def test_approving_asks_first_saying_what_will_change(staff_client, program, previewed):
    response = approve(staff_client, previewed, {})
    html = response.content.decode()
    assert "Approve the learned weights of proposal" in html
    assert "Goals 40 → 10" in html and "Shared values 20 → 70" in html
    assert "2 of 3 mentees compared got a different list" in html
    assert weights_of(program) != VALUES_FIRST
    assert not AuditEntry.objects.exists()


def test_approving_applies_the_weights_audits_them_and_rescores(
    staff_client, program, previewed, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = approve(staff_client, previewed)
    previewed.refresh_from_db()
    run = previewed.applied_run
    assert response.status_code == 302
    assert response.url == reverse("dashboard:run", args=[program.slug, run.pk])
    assert weights_of(program) == VALUES_FIRST
    assert previewed.status == WeightProposal.Status.APPROVED
    assert previewed.decided_by is not None and previewed.decided_at is not None
    assert run.weights == VALUES_FIRST
    assert run.settings["weights_from"] == "learning"
    assert run.settings["proposal"] == previewed.pk
    assert run.settings["sample"]["mentorships"] == 143
    entry = AuditEntry.objects.get(action=AuditEntry.Action.SETTINGS)
    assert entry.details["proposal"] == previewed.pk
    assert entry.details["after"] == VALUES_FIRST
    assert entry.details["sample"]["cycles"] == ["Summer 2026"]
    assert "Goals 40 → 10" in entry.summary
    html = staff_client.get(response.url).content.decode()
    assert (
        f"Weights learned from outcomes (proposal #{previewed.pk}, 143 mentorships, "
        "Summer 2026)." in html
    )


def test_the_applied_rescore_makes_the_lists_the_preview_showed(
    staff_client, program, previewed, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        approve(staff_client, previewed)
    previewed.refresh_from_db()
    run = MatchingRun.objects.get(pk=previewed.applied_run_id)
    assert run.status == MatchingRun.Status.SUCCEEDED
    assert rescoring._pairs(run) == rescoring._pairs(previewed.preview_run)


def test_a_stale_proposal_is_refused_and_nothing_changes(staff_client, program, previewed):
    Program.objects.filter(pk=program.pk).update(weight_goals=35)
    response = approve(staff_client, previewed)
    assert response.status_code == 302
    messages = staff_client.get(response.url).content.decode()
    assert "weights have changed since these were learned" in messages
    previewed.refresh_from_db()
    assert previewed.status == WeightProposal.Status.PROPOSED
    assert weights_of(program)["goals"] == 35
    assert not MatchingRun.objects.filter(settings__weights_from="learning").exists()


def test_a_proposal_with_no_clear_change_cannot_be_approved(staff_client, program, previewed):
    """Noise: every interval holds today's weight, so nothing is applied."""
    fit = {**previewed.fit, "confident": dict.fromkeys(previewed.fit["confident"], False)}
    WeightProposal.objects.filter(pk=previewed.pk).update(fit=fit)
    response = approve(staff_client, previewed)
    assert (
        "No change here is clear from the outcomes"
        in staff_client.get(response.url).content.decode()
    )
    previewed.refresh_from_db()
    assert previewed.status == WeightProposal.Status.PROPOSED
    assert weights_of(program) == previewed.current_weights
    assert not MatchingRun.objects.filter(settings__weights_from="learning").exists()


def test_approving_twice_applies_once(
    staff_client, program, previewed, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        approve(staff_client, previewed)
    second = approve(staff_client, previewed)
    assert "already approved" in staff_client.get(second.url).content.decode()
    assert AuditEntry.objects.filter(action=AuditEntry.Action.SETTINGS).count() == 1
    assert MatchingRun.objects.filter(settings__weights_from="learning").count() == 1


def test_a_discarded_proposal_cannot_be_approved(staff_client, program, previewed):
    url = reverse("dashboard:discard_weights", args=[program.slug, previewed.pk])
    asked = staff_client.post(url)
    assert b"Discard proposal" in asked.content
    staff_client.post(url, YES)
    previewed.refresh_from_db()
    assert previewed.status == WeightProposal.Status.DISCARDED
    response = approve(staff_client, previewed)
    assert "already discarded" in staff_client.get(response.url).content.decode()
    assert weights_of(program) != VALUES_FIRST


def test_a_coordinator_cannot_approve(client, program, previewed):
    login(client, coordinator(program))
    assert approve(client, previewed).status_code == 403
    previewed.refresh_from_db()
    assert previewed.status == WeightProposal.Status.PROPOSED
    assert weights_of(program) != VALUES_FIRST


def test_another_programs_admin_cannot_approve(client, program, previewed):
    other = ProgramFactory(name="Elsewhere", slug="elsewhere")
    login(client, program_admin(other))
    assert approve(client, previewed).status_code == 404
    # Nor through their own program's address: the proposal is not theirs.
    url = reverse("dashboard:approve_weights", args=[other.slug, previewed.pk])
    assert client.post(url, YES).status_code == 404
    assert weights_of(program) != VALUES_FIRST


def test_learning_makes_a_proposal_and_leaves_the_weights(
    staff_client, program, people, django_capture_on_commit_callbacks
):
    weights = weights_of(program)
    with django_capture_on_commit_callbacks(execute=True):
        response = staff_client.post(reverse("dashboard:learn_weights", args=[program.slug]))
    proposal = WeightProposal.objects.get()
    assert response.url == reverse("dashboard:learned_weights", args=[program.slug])
    assert proposal.created_by is not None
    assert proposal.preview_run is not None or proposal.status == WeightProposal.Status.TOO_FEW
    assert not learned_preview.is_learning(program)
    assert weights_of(program) == weights


def test_learning_while_learning_queues_nothing_more(staff_client, program):
    from django.core.cache import cache

    cache.set(learned_preview.learning_key(program.pk), True)
    response = staff_client.post(reverse("dashboard:learn_weights", args=[program.slug]))
    html = staff_client.get(response.url).content.decode()
    assert "Already learning from this program" in html
    assert "Learning from outcomes… The new proposal appears here" in html
    assert not WeightProposal.objects.exists()


def test_learning_from_another_programs_cycle_is_refused(staff_client, program):
    from tests.factories import CycleFactory

    elsewhere = CycleFactory(program=ProgramFactory(name="Elsewhere", slug="elsewhere"))
    url = reverse("dashboard:learn_weights", args=[program.slug])
    response = staff_client.post(url, {"cycle": elsewhere.pk})
    assert response.status_code == 302
    assert not WeightProposal.objects.exists()


def test_a_lost_preview_can_be_asked_for_again(
    staff_client, program, people, django_capture_on_commit_callbacks
):
    proposal = make_proposal(program)
    url = reverse("dashboard:preview_weights", args=[program.slug, proposal.pk])
    staff_client.post(url)  # just made: not lost, nothing queued
    proposal.refresh_from_db()
    assert proposal.preview_run is None
    assert "Work out the preview again" not in page(staff_client, proposal)
    old = timezone.now() - learned_preview.LOST_AFTER - timedelta(minutes=1)
    WeightProposal.objects.filter(pk=proposal.pk).update(created_at=old)
    assert "Work out the preview again" in page(staff_client, proposal)
    with django_capture_on_commit_callbacks(execute=True):
        staff_client.post(url)
    proposal.refresh_from_db()
    assert proposal.preview_run is not None
