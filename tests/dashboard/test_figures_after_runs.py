"""A worker's task that moved the whole program (a committed auto-assignment,
a finished re-score, an import) works the dashboard's figures out itself once
it commits, so they are in when its result shows: no page view has to ask,
and no refresh waits behind the emails and re-scores the task queued."""

from pathlib import Path

import pytest
from django.urls import reverse

from dashboard import imports, snapshots
from dashboard.models import ImportJob
from matching import assigning, rescoring
from matching.models import MatchingRun
from tests.dashboard.helpers import proposal

pytestmark = pytest.mark.django_db

PEOPLE = (Path(__file__).resolve().parent.parent / "fixtures" / "participants.csv").read_bytes()


def kept_figures(program) -> dict:
    return {page: snapshots.kept(program, page) for page in snapshots.PAGES}


def test_a_committed_auto_assignment_leaves_its_figures_kept(
    program, cohort, django_capture_on_commit_callbacks, monkeypatch
):
    run = proposal(program)
    # Not the re-score the commit starts: its own end would keep figures too.
    monkeypatch.setattr(rescoring, "start_rescore", lambda **kwargs: None)
    before = kept_figures(program)
    with django_capture_on_commit_callbacks(execute=True):
        assigning.commit(run=run, user=None)
    run.refresh_from_db()
    after = kept_figures(program)
    assert before == {"health": None, "fairness": None}
    assert after["health"].figures["matched"] == 6
    assert after["fairness"].figures["everyone"]["matched_share"] == 100
    assert all(shot.computed_at > run.committed_at for shot in after.values())
    # …and a page view shows them as they are, without asking the worker again.
    assert not snapshots.current(program, "health").updating


def test_a_finished_rescore_leaves_its_figures_kept(
    program, cohort, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        run = rescoring.start_rescore(program=program, user=None)
    run.refresh_from_db()
    assert run.status == MatchingRun.Status.SUCCEEDED
    kept = snapshots.kept(program, "health")
    assert kept.computed_at > run.finished_at
    assert sum(bar["value"] for bar in kept.figures["histogram"]) == 6  # each mentee's best score


def test_a_finished_import_leaves_its_figures_kept(program, django_capture_on_commit_callbacks):
    job = ImportJob.objects.create(
        program=program, filename="people.csv", content=PEOPLE, status="importing", report={}
    )
    with django_capture_on_commit_callbacks(execute=True):
        imports.run(job_id=job.pk)
    job.refresh_from_db()
    assert job.status == "imported"
    kept = snapshots.kept(program, "health")
    assert kept.figures["mentors"] + kept.figures["mentees"] + kept.figures["unfinished"] == (
        job.report["mentors"] + job.report["mentees"]
    )


def test_figures_that_fail_after_a_commit_leave_the_commit_alone(
    program, cohort, staff_client, django_capture_on_commit_callbacks, monkeypatch
):
    def broken(program):
        raise RuntimeError("the database went away")

    monkeypatch.setitem(snapshots.PAGES, "health", broken)
    run = proposal(program)
    with django_capture_on_commit_callbacks(execute=True):
        assert assigning.commit(run=run, user=None) == {"created": 6, "skipped": 0}
    assert snapshots.kept(program, "health") is None
    assert snapshots.kept(program, "fairness").figures["everyone"]["matched_share"] == 100
    monkeypatch.undo()
    page = staff_client.get(reverse("dashboard:program", args=[program.slug]))
    assert page.context["health"]["matched"] == 6  # the next view asked again
