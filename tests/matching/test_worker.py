"""Matching through a real Celery worker on Redis and PostgreSQL, after commit."""

import time

import pytest
from django.core import mail
from django.db import OperationalError
from django.urls import reverse

from matching import rescoring, suggestions, tasks
from matching.models import MatchingChunk, MatchingRun, Suggestion
from mentorships.models import Mentorship
from profiles.models import Profile
from tests.conftest import login, wait_for
from tests.factories import MentorFactory, tags
from tests.matching.helpers import listed, rows

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

LOGISTICS = {
    "timezone": "America/New_York",
    "meeting_format": "online",
    **{
        f"importance_{c}": "2" for c in ("goals", "background", "values", "experience", "logistics")
    },
}


def finished(run: MatchingRun) -> MatchingRun:
    return wait_for(lambda: (r := MatchingRun.objects.get(pk=run.pk)).is_finished and r)


def test_saving_a_mentees_profile_produces_suggestions(celery_worker, client, small_program):
    _, mentees, _ = small_program
    mentee = mentees[0]
    assert listed(mentee) == []
    login(client, mentee.user)
    client.post(reverse("profiles:edit", args=[mentee.pk, "logistics"]), LOGISTICS)
    assert wait_for(lambda: listed(mentee))


def test_editing_goals_changes_the_suggestions(celery_worker, client, small_program):
    program, mentees, _ = small_program
    specialist = MentorFactory(program=program, goals=["emotional-support"])
    mentee = mentees[0]
    login(client, mentee.user)
    client.post(reverse("profiles:edit", args=[mentee.pk, "logistics"]), LOGISTICS)
    wait_for(lambda: listed(mentee))
    assert specialist.pk not in listed(mentee)
    goal = tags("goal", "emotional-support")[0]
    client.post(reverse("profiles:edit", args=[mentee.pk, "goals"]), {"goals": [goal.pk]})
    wait_for(lambda: listed(mentee)[:1] == [specialist.pk])


def test_a_mentor_who_pauses_drops_out_of_lists(celery_worker, client, small_program):
    program, _, mentors = small_program
    finished(rescoring.start_rescore(program=program))
    mentor = max(mentors, key=lambda m: Suggestion.objects.filter(mentor=m).count())
    assert Suggestion.objects.filter(mentor=mentor).listed().exists()
    login(client, mentor.user)
    client.post(
        reverse("profiles:edit", args=[mentor.pk, "logistics"]),
        {**LOGISTICS, "capacity": "3", "is_paused": "on"},
    )
    wait_for(lambda: not Suggestion.objects.filter(mentor=mentor).listed().exists())
    assert Profile.objects.get(pk=mentor.pk).is_paused


def test_a_full_rescore_through_workers_is_repeatable(celery_worker, small_program):
    program, _, _ = small_program
    first = finished(rescoring.start_rescore(program=program, size=4))
    assert first.status == MatchingRun.Status.SUCCEEDED
    before = rows(program)
    second = finished(rescoring.start_rescore(program=program, size=4))
    assert second.status == MatchingRun.Status.SUCCEEDED
    assert rows(program) == before
    assert len({(r[0], r[1]) for r in before}) == len(before)


def test_a_chunk_that_raises_once_is_retried(celery_worker, small_program, monkeypatch):
    program, _, _ = small_program
    finished(rescoring.start_rescore(program=program, size=4))
    undisturbed = rows(program)
    Suggestion.objects.all().delete()

    real = suggestions.refresh_mentees
    failures = []

    def flaky(**kwargs):
        if kwargs.get("run") is not None and not failures:
            failures.append(1)
            raise OperationalError("the database went away for a moment")
        return real(**kwargs)

    monkeypatch.setattr(suggestions, "refresh_mentees", flaky)
    run = finished(rescoring.start_rescore(program=program, size=4))
    assert failures == [1]
    assert run.status == MatchingRun.Status.SUCCEEDED
    assert run.done == run.total and run.chunks_done == run.chunks_total == 3
    assert sorted(MatchingChunk.objects.filter(run=run).values_list("attempts", flat=True)) == [
        1,
        1,
        2,
    ]
    assert [r[:4] for r in rows(program)] == [r[:4] for r in undisturbed]


def test_a_failed_run_records_its_error(celery_worker, client, small_program, monkeypatch):
    program, mentees, _ = small_program

    def broken(**kwargs):
        raise ValueError("scoring broke")

    monkeypatch.setattr(suggestions, "refresh_mentees", broken)
    run = finished(rescoring.start_rescore(program=program, size=4))
    assert run.status == MatchingRun.Status.FAILED
    assert run.get_status_display() == "Failed"
    assert "ValueError: scoring broke" in run.error
    # A mentee no longer sees "scoring in progress" once the run has failed.
    login(client, mentees[0].user)
    response = client.get(reverse("matching:profile_home", args=[mentees[0].pk]))
    assert response.context["state"] == "none"


def test_a_chunk_whose_message_was_lost_is_requeued(celery_worker, small_program, monkeypatch):
    program, _, _ = small_program
    monkeypatch.setattr(tasks.score_chunk, "delay_on_commit", lambda *args: None)
    run = rescoring.start_rescore(program=program, size=4)
    time.sleep(0.5)
    assert MatchingRun.objects.get(pk=run.pk).status == MatchingRun.Status.QUEUED
    assert rescoring.requeue_stalled(older_than=0) == 3
    assert finished(run).status == MatchingRun.Status.SUCCEEDED


def test_a_request_reaches_the_mentor_by_email_through_the_worker(
    celery_worker, client, small_program
):
    _, mentees, _ = small_program
    mentee = mentees[0]
    login(client, mentee.user)
    client.post(reverse("profiles:edit", args=[mentee.pk, "logistics"]), LOGISTICS)
    suggestion = wait_for(lambda: Suggestion.objects.for_mentee(mentee).listed().first())
    client.post(reverse("matching:request", args=[mentee.pk, suggestion.pk]), {"message": "Hi"})
    mentor = suggestion.mentor
    wait_for(lambda: [m for m in mail.outbox if m.to == [mentor.user.email]])
    assert Mentorship.objects.get(mentee=mentee, mentor=mentor).status == "requested"


def test_a_mentee_sees_suggestions_on_the_page_after_their_last_step(
    celery_worker, client, small_program
):
    """No waiting page: the home page the last step redirects to shows the list
    the worker has just stored."""
    _, mentees, _ = small_program
    mentee = mentees[0]
    login(client, mentee.user)
    for _ in range(5):
        Suggestion.objects.filter(mentee=mentee).delete()
        url = reverse("profiles:edit", args=[mentee.pk, "logistics"])
        page = client.post(url, LOGISTICS, follow=True).content.decode()
        assert "We are finding mentors for you" not in page
        first = Suggestion.objects.for_mentee(mentee).listed().select_related("mentor").first()
        assert first is not None and first.mentor.name in page
