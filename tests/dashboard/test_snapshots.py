"""The dashboard keeps its figures for a minute, says how old they are, and
works them out again after a run, a commit, an import, a manual match, or
when the admin asks. Here tasks run in-process, so new figures are in by the
time the page answers; test_figures_worker.py has the real worker."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from dashboard import snapshots
from dashboard.models import ImportJob
from matching.models import MatchingRun
from profiles.models import Program
from tests.factories import MentorFactory, ProfileFactory

pytestmark = pytest.mark.django_db


def mentors_shown(client, program) -> int:
    return client.get(reverse("dashboard:program", args=[program.slug])).context["health"][
        "mentors"
    ]


def a_mentor_joins(program) -> None:
    MentorFactory(program=program)


def test_the_overview_keeps_its_figures_and_says_when_they_were_worked_out(
    staff_client, program, django_assert_max_num_queries
):
    MentorFactory(program=program)
    first = staff_client.get(reverse("dashboard:program", args=[program.slug]))
    assert first.context["health"]["mentors"] == 1
    assert b"Figures as of" in first.content
    a_mentor_joins(program)
    # Kept: the session, the user, the program, the freshness checks, the runs; and the
    # menu's open reports and the header's unread messages (a count each).
    with django_assert_max_num_queries(10):
        again = staff_client.get(reverse("dashboard:program", args=[program.slug]))
    assert again.context["health"]["mentors"] == 1
    assert again.context["shown"].snapshot == first.context["shown"].snapshot
    assert not again.context["shown"].updating


def test_figures_older_than_a_minute_are_worked_out_again(staff_client, program, monkeypatch):
    assert mentors_shown(staff_client, program) == 0
    a_mentor_joins(program)
    monkeypatch.setattr(snapshots, "FRESH_FOR", timedelta(0))
    assert mentors_shown(staff_client, program) == 1


@pytest.mark.parametrize("field", ["finished_at", "committed_at"])
def test_a_run_finished_or_committed_since_shows_at_once(staff_client, program, field):
    assert mentors_shown(staff_client, program) == 0
    a_mentor_joins(program)
    MatchingRun.objects.create(program=program, **{field: timezone.now()})
    assert mentors_shown(staff_client, program) == 1


def test_a_run_of_another_program_changes_nothing(staff_client, program):
    assert mentors_shown(staff_client, program) == 0
    a_mentor_joins(program)
    other = Program.objects.create(name="Alumni circle", slug="alumni")
    MatchingRun.objects.create(program=other, finished_at=timezone.now())
    assert mentors_shown(staff_client, program) == 0


def test_a_finished_import_shows_at_once(staff_client, program):
    assert mentors_shown(staff_client, program) == 0
    a_mentor_joins(program)
    ImportJob.objects.create(
        program=program, filename="people.csv", status="imported", finished_at=timezone.now()
    )
    assert mentors_shown(staff_client, program) == 1


def test_a_manual_match_shows_at_once(staff_client, program):
    mentee, mentor = ProfileFactory(program=program), MentorFactory(program=program)
    overview = reverse("dashboard:program", args=[program.slug])
    assert staff_client.get(overview).context["health"]["matched"] == 0
    response = staff_client.post(
        reverse("dashboard:manual_match", args=[program.slug, mentee.pk]),
        {"mentor": mentor.pk, "override_reason": "They met at the kick-off."},
    )
    assert response.status_code == 302
    assert staff_client.get(overview).context["health"]["matched"] == 1


def test_a_rematch_shows_at_once(staff_client, program, accepted):
    overview = reverse("dashboard:program", args=[program.slug])
    assert staff_client.get(overview).context["health"]["matched"] == 1
    staff_client.post(
        reverse("dashboard:rematch", args=[program.slug, accepted.pk]),
        {"reason": "Stalled", "confirm": "yes"},
    )
    assert staff_client.get(overview).context["health"]["matched"] == 0


@pytest.mark.parametrize(("page", "shown_at"), [("health", "program"), ("fairness", "fairness")])
def test_refresh_works_the_figures_out_again(exact_client, program, page, shown_at):
    url = reverse(f"dashboard:{shown_at}", args=[program.slug])
    before = exact_client.get(url).context["shown"].version
    response = exact_client.post(reverse("dashboard:refresh_figures", args=[program.slug, page]))
    assert response.status_code == 302 and response.url == url
    assert exact_client.get(url).context["shown"].version > before


def test_refresh_of_an_unknown_page_is_not_found(staff_client, program):
    response = staff_client.post(f"/programs/{program.slug}/figures/everything/refresh/")
    assert response.status_code == 404


def test_the_fairness_page_keeps_its_figures_too(exact_client, program):
    url = reverse("dashboard:fairness", args=[program.slug])
    assert exact_client.get(url).context["everyone"]["people"] == 0
    ProfileFactory(program=program)
    assert exact_client.get(url).context["everyone"]["people"] == 0
    MatchingRun.objects.create(program=program, finished_at=timezone.now())
    assert exact_client.get(url).context["everyone"]["people"] == 1


def test_a_deleted_person_leaves_the_kept_figures_at_once(staff_client, program):
    mentor = MentorFactory(program=program, display_name="Ada Quinton", capacity=0)
    url = reverse("dashboard:program", args=[program.slug])
    assert b"Ada Quinton" in staff_client.get(url).content
    assert snapshots.kept(program, "health") is not None
    mentor.user.delete()
    assert snapshots.kept(program, "health") is None
    assert b"Ada Quinton" not in staff_client.get(url).content


def test_a_stray_poll_for_a_program_that_is_gone_is_not_found(staff_client):
    response = staff_client.get("/programs/no-such-program/figures/health/since/0/")
    assert response.status_code == 404


def test_a_refresh_that_started_earlier_never_replaces_a_later_one(program, monkeypatch):
    later = snapshots.refresh(program, "health")
    earlier = timezone.now() - timedelta(seconds=5)
    monkeypatch.setattr(snapshots.timezone, "now", lambda: earlier)
    snapshots.refresh(program, "health")
    assert snapshots.kept(program, "health") == later


@pytest.mark.parametrize("version", ["abc", "-1", "1" * 21])
def test_a_poll_with_a_malformed_version_is_not_found(staff_client, program, version):
    response = staff_client.get(f"/programs/{program.slug}/figures/health/since/{version}/")
    assert response.status_code == 404
