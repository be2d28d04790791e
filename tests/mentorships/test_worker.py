"""The mentorship clock through a real Celery worker on Redis and PostgreSQL."""

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from matching import suggestions
from mentorships import tasks
from mentorships.models import Mentorship
from privacy import services
from tests.conftest import drained, wait_for

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def test_the_hourly_clock_runs_on_the_worker(celery_worker, small_program):
    program, mentees, mentors = small_program
    m = Mentorship.objects.create(
        program=program,
        mentee=mentees[0],
        mentor=mentors[0],
        requested_at=timezone.now() - timedelta(days=15),
    )
    tasks.run_clock.delay()
    wait_for(lambda: Mentorship.objects.get(pk=m.pk).status == "expired")
    wait_for(lambda: [e for e in mail.outbox if e.to == [mentees[0].user.email]])


def to(profile) -> list[str]:
    return [e.subject for e in mail.outbox if e.to == [profile.user.email]]


def test_a_clock_run_tells_each_person_once_on_the_worker(
    celery_worker, small_program, redis_test_url
):
    """Three of a mentee's requests expire in one run, a mentor has two waiting
    a week: one email each, however the worker orders the tasks."""
    program, mentees, mentors = small_program
    now = timezone.now()
    for mentor in mentors[:3]:
        Mentorship.objects.create(
            program=program, mentee=mentees[0], mentor=mentor, requested_at=now - timedelta(days=15)
        )
    for mentee in mentees[1:3]:
        Mentorship.objects.create(
            program=program, mentee=mentee, mentor=mentors[5], requested_at=now - timedelta(days=8)
        )
    for _ in range(2):  # twice: what is due happens once
        tasks.run_clock.delay()
    wait_for(lambda: to(mentees[0]) and to(mentors[5]))
    wait_for(drained(redis_test_url))
    assert len(to(mentees[0])) == 1 and to(mentees[0])[0].startswith("3 of your requests")
    assert to(mentors[5]) == ["2 mentees are still waiting for your answer"]


def test_a_mentor_who_leaves_is_told_to_their_mentee_by_the_worker(
    celery_worker, small_program, redis_test_url
):
    program, mentees, mentors = small_program
    suggestions.refresh_profile(profile_id=mentees[0].pk)
    wait_for(lambda: to(mentees[0]))
    Mentorship.objects.create(program=program, mentee=mentees[0], mentor=mentors[0])
    services.delete_account(user=mentors[0].user)
    wait_for(lambda: to(mentees[0]))
    wait_for(drained(redis_test_url))
    assert to(mentees[0]) == [
        "Mentors suggested for you",  # their first list, before
        "The mentor you asked has left Kindred: 5 mentors suggested for you now",
    ]
