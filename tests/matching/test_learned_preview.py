"""The preview of learned weights (matching/learned_preview.py): every list and the
auto-assignment under today's and the proposed weights, worked out without writing
a suggestion, a weight or a pair anyone could commit, and kept as two runs that
rescoring.compare sets side by side."""

import pytest

from matching import learned, learned_preview, rescoring
from matching.models import AssignmentPair, MatchingRun, Suggestion, WeightProposal
from profiles.models import Program
from tests.matching.weight_proposals import (
    VALUES_FIRST,
    known_program,
    make_proposal,
    outcomes,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def people(program, django_capture_on_commit_callbacks):
    people = known_program(program)
    with django_capture_on_commit_callbacks(execute=True):
        rescoring.start_rescore(program=program)
    return people


def live():
    return list(
        Suggestion.objects.order_by("pk").values("pk", "mentee_id", "mentor_id", "rank", "score")
    )


def test_the_preview_writes_no_suggestion_and_no_weight(program, people):
    before, weights = live(), program.weights()
    proposal = make_proposal(program)
    learned_preview.work_out(proposal_id=proposal.pk)
    program.refresh_from_db()
    assert live() == before
    assert program.weights() == weights
    assert not AssignmentPair.objects.exists()


def test_the_preview_keeps_two_finished_runs_with_each_set_of_weights(program, people):
    proposal = make_proposal(program)
    run = learned_preview.work_out(proposal_id=proposal.pk)
    proposal.refresh_from_db()
    assert proposal.preview_run == run
    baseline = MatchingRun.objects.get(pk=run.summary["preview"]["baseline"])
    assert (baseline.weights, run.weights) == (program.weights(), VALUES_FIRST)
    assert {baseline.settings["preview"], run.settings["preview"]} == {"current", "proposed"}
    assert baseline.settings["learned_from"] == run.settings["learned_from"] == proposal.pk
    assert baseline.status == run.status == MatchingRun.Status.SUCCEEDED
    assert all(r.kind == MatchingRun.Kind.SCORE for r in (baseline, run))


def test_the_comparison_names_the_lists_that_change(program, people):
    proposal = make_proposal(program)
    run = learned_preview.work_out(proposal_id=proposal.pk)
    baseline = MatchingRun.objects.get(pk=run.summary["preview"]["baseline"])
    comparison = rescoring.compare(baseline, run)
    ada, bea, gail, val = (people[k].pk for k in ("ada", "bea", "gail", "val"))
    assert comparison["compared"] == 3
    # Ada and Bea: Gail then Val today; Val alone with values first. Cy: Gail alone both times.
    assert comparison["lists_changed"] == 2
    assert comparison["first_choice_moved"] == 2
    assert sorted(comparison["moved_sample"]) == sorted([(ada, gail, val), (bea, gail, val)])
    assert (comparison["pairs_added"], comparison["pairs_removed"]) == (0, 2)
    assert comparison["settings"] == [
        ("Weight of goals", 40, 10),
        ("Weight of shared background", 25, 10),
        ("Weight of shared values", 20, 70),
        ("Weight of experience", 10, 5),
    ]


def test_the_baseline_lists_are_todays(program, people):
    """Under today's weights the preview makes the lists the re-score made."""
    latest = MatchingRun.objects.filter(settings__preview__isnull=True).latest("created_at")
    run = learned_preview.work_out(proposal_id=make_proposal(program).pk)
    baseline = MatchingRun.objects.get(pk=run.summary["preview"]["baseline"])
    assert rescoring._pairs(baseline) == rescoring._pairs(latest)


def test_the_assignment_changes_for_the_two_whose_best_mentor_changes(program, people):
    run = learned_preview.work_out(proposal_id=make_proposal(program).pk)
    changes = run.summary["preview"]["assignment"]
    ada, bea, gail, val = (people[k].pk for k in ("ada", "bea", "gail", "val"))
    assert changes | {"sample": None} == {
        "now": 3,
        "then": 3,
        "same": 1,
        "changed": 2,
        "no_longer": 0,
        "newly": 0,
        "sample": None,
    }
    assert sorted(changes["sample"]) == sorted([[ada, gail, val], [bea, gail, val]])


def test_the_predicted_chance_rises_when_valued_pairs_are_made(program, people):
    proposal = make_proposal(program)
    run = learned_preview.work_out(proposal_id=proposal.pk)
    predicted = run.summary["preview"]["predicted"]
    # Anchored: today's pairs predict the sample's share of good outcomes.
    assert predicted["current"] == pytest.approx(315 / 410, abs=1e-3)
    assert predicted["proposed"] > predicted["current"]
    proposal.refresh_from_db()
    per_mentee = proposal.fit["preview"]
    assert set(per_mentee["current"]) == {str(people[k].pk) for k in ("ada", "bea", "cy")}
    # Kept on the proposal, never on a run the API reads.
    assert set(run.summary["preview"]) == {"baseline", "assignment", "predicted"}
    assert set(predicted) == {"current", "proposed"}


def test_a_second_preview_keeps_the_first(program, people):
    proposal = make_proposal(program)
    first = learned_preview.work_out(proposal_id=proposal.pk)
    assert learned_preview.work_out(proposal_id=proposal.pk) is None
    proposal.refresh_from_db()
    assert proposal.preview_run == first
    assert MatchingRun.objects.filter(settings__learned_from=proposal.pk).count() == 2


def test_nothing_is_previewed_for_too_few_outcomes(program, people):
    proposal = make_proposal(program, status=WeightProposal.Status.TOO_FEW)
    assert learned_preview.work_out(proposal_id=proposal.pk) is None
    assert not MatchingRun.objects.filter(settings__learned_from=proposal.pk).exists()


def test_learning_and_previewing_leave_the_weights_alone(
    program, people, django_capture_on_commit_callbacks
):
    """Learn from outcomes, then the preview its worker works out: weights as they were."""
    outcomes(program)
    weights = program.weights()
    with django_capture_on_commit_callbacks(execute=True):
        proposal = learned.propose(program=program)
        learned_preview.start(proposal=proposal)
    proposal.refresh_from_db()
    assert proposal.status == WeightProposal.Status.PROPOSED
    assert proposal.proposed_weights != weights
    assert proposal.preview_run is not None
    assert Program.objects.get(pk=program.pk).weights() == weights


def test_a_preview_run_is_named_for_what_it_is(program, people):
    from dashboard.learning import run_name, run_source

    run = learned_preview.work_out(proposal_id=make_proposal(program).pk)
    assert run_name(run) == "Preview of learned weights"
    assert "nothing was written" in run_source(run)


def test_learning_twice_at_once_queues_it_once(program, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks() as queued:
        assert learned_preview.start_learning(program=program)
        assert not learned_preview.start_learning(program=program)
    assert len(queued) == 1
    assert learned_preview.is_learning(program)


def test_the_worker_learns_then_previews_and_may_learn_again(
    program, people, django_capture_on_commit_callbacks
):
    outcomes(program)
    with django_capture_on_commit_callbacks(execute=True):  # tasks run in-process here
        learned_preview.start_learning(program=program)
    proposal = WeightProposal.objects.get()
    assert proposal.status == WeightProposal.Status.PROPOSED
    assert proposal.preview_run is not None
    assert not learned_preview.is_learning(program)
