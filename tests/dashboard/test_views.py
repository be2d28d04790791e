import json
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.db import OperationalError
from django.urls import reverse
from django.utils import timezone

from matching import assigning, rescoring, suggestions
from matching.models import AssignmentPair, MatchingRun
from mentorships import lifecycle
from mentorships.exceptions import Refused
from mentorships.models import Mentorship
from profiles.models import Program
from tests.conftest import login
from tests.dashboard.helpers import proposal
from tests.factories import ProfileFactory, UserFactory

pytestmark = pytest.mark.django_db


def urls(program, run, mentee, mentorship) -> list[tuple[str, str]]:
    s = program.slug
    return [
        ("get", reverse("dashboard:programs")),
        ("get", reverse("dashboard:program", args=[s])),
        ("get", reverse("dashboard:fairness", args=[s])),
        ("get", reverse("dashboard:settings", args=[s])),
        ("get", reverse("dashboard:runs", args=[s])),
        ("get", reverse("dashboard:run", args=[s, run.pk])),
        ("get", reverse("dashboard:run_progress", args=[s, run.pk])),
        ("get", reverse("dashboard:manual_match", args=[s, mentee.pk])),
        ("get", reverse("dashboard:match", args=[s])),
        ("get", reverse("dashboard:match_find", args=[s, "mentees"])),
        ("get", reverse("dashboard:match_preview", args=[s])),
        ("get", reverse("dashboard:rematch", args=[s, mentorship.pk])),
        ("post", reverse("dashboard:rematch_pool", args=[s, mentorship.pk])),
        ("post", reverse("dashboard:rescore", args=[s])),
        ("post", reverse("dashboard:assign", args=[s])),
        ("post", reverse("dashboard:commit", args=[s, run.pk])),
        ("post", reverse("dashboard:discard", args=[s, run.pk])),
        ("post", reverse("dashboard:rematch", args=[s, mentorship.pk])),
    ]


@pytest.fixture
def every_url(program, cohort):
    mentees, mentors = cohort
    run = proposal(program)
    m = Mentorship.objects.create(
        program=program, mentee=mentees[0], mentor=mentors[0], status="active"
    )
    return urls(program, run, mentees[1], m)


def test_anonymous_visitors_are_sent_to_log_in(client, every_url):
    for method, url in every_url:
        response = getattr(client, method)(url)
        assert response.status_code == 302 and "/accounts/login/" in response.url, url


def test_people_who_do_not_run_the_program_get_404(client, every_url, cohort):
    mentees, mentors = cohort
    for user in (mentees[2].user, mentors[1].user, UserFactory(is_staff=True)):
        login(client, user)
        for method, url in every_url:
            assert getattr(client, method)(url).status_code == 404, url
    assert not MatchingRun.objects.filter(kind="score").exists()
    assert AssignmentPair.objects.filter(outcome="created").count() == 0
    assert Mentorship.objects.get().status == "active"


def test_staff_open_every_page(staff_client, every_url):
    for method, url in every_url:
        if method == "get":
            assert staff_client.get(url).status_code == 200, url


def test_unknown_program_or_run_is_404(staff_client, program):
    assert staff_client.get(reverse("dashboard:program", args=["nope"])).status_code == 404
    assert staff_client.get(reverse("dashboard:run", args=[program.slug, 999])).status_code == 404
    other = Program.objects.create(name="Other", slug="other")
    run = MatchingRun.objects.create(program=other)
    assert (
        staff_client.get(reverse("dashboard:run", args=[program.slug, run.pk])).status_code == 404
    )


def test_rescore_button_starts_a_run_with_progress(
    staff_client, program, cohort, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = staff_client.post(
            reverse("dashboard:rescore", args=[program.slug]), {"confirm": "yes"}
        )
    run = MatchingRun.objects.get(kind="score")
    assert response.url == reverse("dashboard:run", args=[program.slug, run.pk])
    page = staff_client.get(response.url).content.decode()
    assert "<progress" in page and "succeeded" in page.lower()


def test_progress_polls_until_the_run_finishes(staff_client, program):
    run = MatchingRun.objects.create(program=program, total=10, done=4, status="running")
    url = reverse("dashboard:run_progress", args=[program.slug, run.pk])
    response = staff_client.get(url, HTTP_HX_REQUEST="true")
    assert b'hx-trigger="every 1s"' in response.content and b'value="40"' in response.content
    assert "HX-Refresh" not in response
    MatchingRun.objects.filter(pk=run.pk).update(status="succeeded", done=10)
    response = staff_client.get(url, HTTP_HX_REQUEST="true")
    assert response["HX-Refresh"] == "true"


def test_a_failed_run_shows_its_error(staff_client, program):
    run = MatchingRun.objects.create(program=program, status="failed", error="ValueError: broke")
    page = staff_client.get(reverse("dashboard:run", args=[program.slug, run.pk])).content
    assert b"The run failed: ValueError: broke" in page


def test_assign_button_proposes_beside_greedy(
    staff_client, program, cohort, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = staff_client.post(
            reverse("dashboard:assign", args=[program.slug]), {"policy": "balanced"}
        )
    run = MatchingRun.objects.get(kind="assign")
    assert run.settings["policy"] == "balanced"
    page = staff_client.get(response.url).content.decode()
    for name in ("Optimal", "Balanced", "Stable", "Greedy"):
        assert f'<th scope="row">{name}' in page
    assert "Commit: create these 6 mentorships" in page


def test_an_unknown_policy_is_refused(staff_client, program):
    response = staff_client.post(
        reverse("dashboard:assign", args=[program.slug]), {"policy": "magic"}
    )
    assert response.status_code == 302
    assert not MatchingRun.objects.exists()


def test_committing_creates_exactly_the_proposed_mentorships(
    staff_client, program, cohort, django_capture_on_commit_callbacks
):
    run = proposal(program)
    proposed = set(AssignmentPair.objects.filter(run=run).values_list("mentee_id", "mentor_id"))
    assert len(proposed) == 6
    with django_capture_on_commit_callbacks(execute=False) as queued:
        answer = staff_client.post(
            reverse("dashboard:commit", args=[program.slug, run.pk]), {"confirm": "yes"}
        )
    # Sent on to where the commit's progress shows, not the top of a long page.
    assert answer.url == reverse("dashboard:run", args=[program.slug, run.pk]) + "#commit-state"
    page = staff_client.get(reverse("dashboard:run", args=[program.slug, run.pk]))
    assert "Committing: the mentorships are being created in the background" in page.text
    assert not Mentorship.objects.filter(source="auto").exists()  # not in the web request
    with django_capture_on_commit_callbacks(execute=True):
        for callback in queued:
            callback()
    page = staff_client.get(reverse("dashboard:run", args=[program.slug, run.pk]))
    assert "6 mentorships created, 0 skipped" in page.text
    created = set(
        Mentorship.objects.filter(source="auto", status="accepted").values_list(
            "mentee_id", "mentor_id"
        )
    )
    assert created == proposed


def test_commit_skips_a_pair_whose_mentor_filled_up_meanwhile(program, cohort):
    _mentees, _mentors = cohort
    run = proposal(program)
    pair = AssignmentPair.objects.filter(run=run).first()
    outsider = ProfileFactory(program=program)
    for _ in range(2):
        Mentorship.objects.create(
            program=program,
            mentee=ProfileFactory(program=program),
            mentor=pair.mentor,
            status="active",
        )
    result = assigning.commit(run=run, user=None)
    pair.refresh_from_db()
    assert pair.outcome == "skipped" and "full" in pair.note
    assert result["skipped"] >= 1
    assert (
        Mentorship.objects.filter(mentor=pair.mentor, status__in=Mentorship.TAKING_ROOM).count()
        == 2
    )
    assert outsider.pk


def test_a_proposal_commits_once(program, cohort):
    run = proposal(program)
    assigning.commit(run=run, user=None)
    with pytest.raises(Refused):
        assigning.commit(run=run, user=None)
    with pytest.raises(Refused):
        assigning.discard(run=run)


def test_a_commit_rescores_the_program_once_after_it_is_saved(
    program, cohort, django_capture_on_commit_callbacks
):
    run = proposal(program)
    with django_capture_on_commit_callbacks() as callbacks:
        result = assigning.commit(run=run, user=None)
    assert result == {"created": 6, "skipped": 0}
    # Nothing refreshes lists while the pairs are being saved: one re-score run
    # starts after the commit, plus the emails telling both sides.
    rescores = MatchingRun.objects.filter(program=program, kind=MatchingRun.Kind.SCORE)
    assert rescores.count() == 1
    assert [c for c in callbacks if "queue_refresh" in getattr(c, "__qualname__", "")] == []


class DeadlockDetected(Exception):
    pgcode = "40P01"  # as on psycopg2's error


class Deadlock(OperationalError):
    """What Django raises when PostgreSQL breaks a deadlock: psycopg2's error as the cause."""

    def __init__(self):
        super().__init__("deadlock detected")
        self.__cause__ = DeadlockDetected()


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_deadlocked_commit_saves_nothing_and_is_tried_again(program, cohort, monkeypatch):
    run = proposal(program)
    real_match, calls = lifecycle.match, []

    def match_with_a_deadlock_at_the_fourth_pair(**kwargs):
        calls.append(kwargs["mentee"].pk)
        if len(calls) == 4:
            raise Deadlock
        return real_match(**kwargs)

    monkeypatch.setattr(lifecycle, "match", match_with_a_deadlock_at_the_fourth_pair)
    result = assigning.commit(run=run, user=None)
    assert result == {"created": 6, "skipped": 0}
    assert len(calls) == 4 + 6  # three pairs saved, the fourth deadlocked: all rolled back
    assert Mentorship.objects.filter(source="auto").count() == 6
    assert set(AssignmentPair.objects.filter(run=run).values_list("outcome", flat=True)) == {
        "created"
    }


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_commit_that_keeps_failing_leaves_the_proposal_as_it_was(program, cohort, monkeypatch):
    run = proposal(program)
    real_match = lifecycle.match
    made = []

    def always_deadlocks_after_two(**kwargs):
        made.append(1)
        if len(made) % 3 == 0:
            raise Deadlock
        return real_match(**kwargs)

    monkeypatch.setattr(lifecycle, "match", always_deadlocks_after_two)
    with pytest.raises(Refused, match="nothing was changed"):
        assigning.commit(run=run, user=None)
    run.refresh_from_db()
    assert run.committed_at is None
    assert not Mentorship.objects.exists()
    assert set(AssignmentPair.objects.filter(run=run).values_list("outcome", flat=True)) == {
        "proposed"
    }


def test_a_background_commit_that_fails_says_why_and_can_be_tried_again(
    staff_client, program, cohort, django_capture_on_commit_callbacks, monkeypatch
):
    run = proposal(program)

    def refuse(**kwargs):
        raise Refused("The database was too busy: nothing was changed.")

    monkeypatch.setattr(assigning, "commit", refuse)
    with django_capture_on_commit_callbacks(execute=True):
        staff_client.post(
            reverse("dashboard:commit", args=[program.slug, run.pk]), {"confirm": "yes"}
        )
    page = staff_client.get(reverse("dashboard:run", args=[program.slug, run.pk]))
    assert "Nothing was committed: The database was too busy" in page.text
    assert "Commit: create these 6 mentorships" in page.text
    monkeypatch.undo()
    with django_capture_on_commit_callbacks(execute=True):
        staff_client.post(
            reverse("dashboard:commit", args=[program.slug, run.pk]), {"confirm": "yes"}
        )
    assert Mentorship.objects.filter(source="auto").count() == 6


def test_a_proposal_being_committed_is_neither_committed_twice_nor_discarded(program, cohort):
    run = proposal(program)
    assigning.request_commit(run=run, user=None)  # its task waits for the test's commit
    with pytest.raises(Refused, match="being committed"):
        assigning.request_commit(run=run, user=None)
    with pytest.raises(Refused):
        assigning.discard(run=run)


def test_a_commit_request_whose_task_never_came_back_stops_blocking_after_a_while(
    program, cohort, django_capture_on_commit_callbacks
):
    run = proposal(program)
    assigning.request_commit(run=run, user=None)  # its message is lost: never run
    long_ago = timezone.now() - assigning.COMMIT_GIVEN_UP_AFTER - timedelta(minutes=1)
    MatchingRun.objects.filter(pk=run.pk).update(
        summary={**run.summary, assigning.COMMIT_REQUESTED: long_ago.isoformat()}
    )
    run.refresh_from_db()
    with django_capture_on_commit_callbacks(execute=True):
        assigning.request_commit(run=run, user=None)
    assert Mentorship.objects.filter(source="auto").count() == 6


def test_discarding_changes_nothing(staff_client, program, cohort):
    run = proposal(program)
    staff_client.post(reverse("dashboard:discard", args=[program.slug, run.pk]), {"confirm": "yes"})
    assert not Mentorship.objects.exists()
    assert MatchingRun.objects.get(pk=run.pk).discarded_at


def test_assign_command_prints_the_proposal_as_json(program, cohort, capsys):
    call_command("assign", program.slug, "--dry-run", "--json")
    report = json.loads(capsys.readouterr().out)
    assert report["matched"] == len(report["pairs"]) == 6
    assert report["total_score"] == pytest.approx(sum(p[2] for p in report["pairs"]), abs=0.05)
    assert report["min_score"] == min(p[2] for p in report["pairs"])
    assert set(report["greedy"]) >= {"matched", "total_score", "min_score"}
    # A dry run is worked out in memory: no mentorship, and no run recorded either.
    assert report["run"] is None
    assert not Mentorship.objects.exists()
    assert not MatchingRun.objects.filter(kind="assign").exists()


def test_assign_command_without_dry_run_commits_the_same_proposal(program, cohort, capsys):
    call_command("assign", program.slug, "--dry-run", "--json")
    dry = json.loads(capsys.readouterr().out)
    call_command("assign", program.slug, "--json")
    report = json.loads(capsys.readouterr().out)
    assert report["pairs"] == dry["pairs"]
    assert report["committed"]["created"] == 6
    made = Mentorship.objects.filter(source="auto").values_list("mentee_id", "mentor_id")
    assert sorted(made) == sorted((mentee, mentor) for mentee, mentor, _ in dry["pairs"])


# --- settings -------------------------------------------------------------------------


def settings_data(program, **changes):
    data = {
        "name": program.name,
        "description": "",
        "signup_open": "on",
        "require_common_language": "on",
        "min_score": "30",
        "suggestions_per_mentee": "5",
        "suggestion_gap": "10",
        "default_capacity": "3",
        "expired_pair_cooldown_days": "30",
        "term_grace_days": "14",
        "weight_goals": "40",
        "weight_background": "25",
        "weight_values": "20",
        "weight_experience": "10",
        "weight_logistics": "5",
    }
    data.update(changes)
    return data


def test_saving_settings_offers_a_rescore(staff_client, program):
    url = reverse("dashboard:settings", args=[program.slug])
    data = settings_data(program, weight_values="35", min_score="40")
    response = staff_client.post(
        url,
        {
            **data,
            "expired_pair_cooldown_days": "60",
            "suggestion_gap": "25",
            "term_grace_days": "21",
        },
    )
    program.refresh_from_db()
    assert (program.weight_values, program.min_score) == (35, 40)
    assert program.expired_pair_cooldown_days == 60
    assert program.term_grace_days == 21
    assert program.suggestion_gap == 25
    # A run records the gap, and its lists are built with it.
    weights, settings = suggestions.snapshot(program)
    assert suggestions.rules_from(weights, settings, suggestions.prepared(program.pk)).gap == 25
    assert b"Re-score now" in response.content


@pytest.mark.parametrize(
    "changes",
    [
        {"min_score": "101"},
        {"suggestions_per_mentee": "0"},
        {"default_capacity": "-1"},
        {"expired_pair_cooldown_days": "366"},
        {"term_grace_days": "91"},
        {"suggestion_gap": "101"},
        {"weight_goals": "500"},
        {
            "weight_goals": "0",
            "weight_background": "0",
            "weight_values": "0",
            "weight_experience": "0",
            "weight_logistics": "0",
        },
        {"name": ""},
    ],
)
def test_bad_settings_save_nothing(staff_client, program, changes):
    response = staff_client.post(
        reverse("dashboard:settings", args=[program.slug]), settings_data(program, **changes)
    )
    assert response.status_code == 200 and response.context["form"].errors
    fresh = Program.objects.get(pk=program.pk)
    assert (fresh.min_score, fresh.weight_goals, fresh.name) == (
        program.min_score,
        program.weight_goals,
        program.name,
    )


# --- manual match ---------------------------------------------------------------------------


def test_a_manual_match_pairs_them_and_tells_both(staff_client, program, cohort, mailoutbox):
    mentees, mentors = cohort
    suggestions.refresh_profile(profile_id=mentees[0].pk)
    url = reverse("dashboard:manual_match", args=[program.slug, mentees[0].pk])
    staff_client.post(url, {"mentor": mentors[0].pk})
    m = Mentorship.objects.get(mentee=mentees[0])
    assert (m.mentor, m.source, m.status, m.override_reason) == (
        mentors[0],
        "admin",
        "accepted",
        "",
    )


def test_a_manual_match_never_exceeds_capacity(staff_client, program, cohort):
    mentees, mentors = cohort
    for mentee in mentees[:2]:
        Mentorship.objects.create(
            program=program, mentee=mentee, mentor=mentors[0], status="active"
        )
    url = reverse("dashboard:manual_match", args=[program.slug, mentees[2].pk])
    response = staff_client.post(url, {"mentor": mentors[0].pk})
    assert "Say why" in str(response.context["form"].errors)
    assert "is full" in response.content.decode()
    assert not Mentorship.objects.filter(mentee=mentees[2]).exists()
    # Set aside with a reason, the match gives the mentor a place more: capacity still holds.
    staff_client.post(url, {"mentor": mentors[0].pk, "override_reason": "VIP"})
    mentors[0].refresh_from_db()
    assert lifecycle.places_taken(mentors[0]) == mentors[0].capacity == 3


def test_setting_a_rule_aside_needs_a_stated_reason(staff_client, program, cohort):
    mentees, mentors = cohort
    mentors[1].is_paused = True
    mentors[1].save()
    url = reverse("dashboard:manual_match", args=[program.slug, mentees[0].pk])
    response = staff_client.post(url, {"mentor": mentors[1].pk})
    assert "Say why you set this rule aside" in str(response.context["form"].errors)
    assert "is paused" in response.content.decode()
    assert not Mentorship.objects.exists()
    staff_client.post(url, {"mentor": mentors[1].pk, "override_reason": "They agreed by phone."})
    assert Mentorship.objects.get(mentee=mentees[0]).override_reason == "They agreed by phone."


def test_a_forged_mentor_is_refused(staff_client, program, cohort):
    mentees, _ = cohort
    url = reverse("dashboard:manual_match", args=[program.slug, mentees[0].pk])
    for forged in (mentees[1].pk, 999_999, "x"):
        response = staff_client.post(url, {"mentor": forged})
        assert "mentor" in response.context["form"].errors
    assert not Mentorship.objects.exists()


# --- runs compared, re-match ------------------------------------------------------------------


def test_comparing_two_rescores_says_what_moved(
    staff_client, program, cohort, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        first = rescoring.start_rescore(program=program)
    program.weight_goals, program.min_score = 0, 0
    program.save()
    with django_capture_on_commit_callbacks(execute=True):
        second = rescoring.start_rescore(program=program)
    response = staff_client.get(
        reverse("dashboard:runs", args=[program.slug]), {"a": first.pk, "b": second.pk}
    )
    comparison = response.context["comparison"]
    assert ("Weight of goals", 40, 0) in comparison["settings"]
    assert ("Minimum score", 30, 0) in comparison["settings"]
    assert comparison["available"]
    assert b"Top suggestion changed" in response.content


def test_comparing_a_rescore_with_an_assignment_is_refused(
    staff_client, program, cohort, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        score = rescoring.start_rescore(program=program)
    assign = proposal(program)
    response = staff_client.get(
        reverse("dashboard:runs", args=[program.slug]), {"a": score.pk, "b": assign.pk}
    )
    assert response.context["comparison"] is False
    assert b"Compare two re-scores" in response.content


def test_rematch_ends_a_flagged_mentorship(
    staff_client, program, cohort, django_capture_on_commit_callbacks
):
    mentees, mentors = cohort
    m = Mentorship.objects.create(
        program=program, mentee=mentees[0], mentor=mentors[0], status="active", health="low_rating"
    )
    with django_capture_on_commit_callbacks(execute=True):
        staff_client.post(
            reverse("dashboard:rematch", args=[program.slug, m.pk]),
            {"reason": "Two low check-ins.", "confirm": "yes"},
        )
    m.refresh_from_db()
    assert (m.status, m.ended_by, m.end_note) == ("ended", "admin", "Two low check-ins.")
    assert suggestions.Suggestion.objects.for_mentee(mentees[0]).listed().exists()
