"""The follow-ups through a real Celery worker on Redis and PostgreSQL: the hourly
clock, run twice, sends the mentee one email and keeps one row."""

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from mentorships import tasks
from mentorships.models import Mentorship
from mentorships.outcome_models import FollowUp
from tests.conftest import drained, wait_for

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def test_the_clock_on_the_worker_sends_a_follow_up_once(
    celery_worker, small_program, redis_test_url
):
    program, mentees, mentors = small_program
    closed = timezone.now() - timedelta(days=200)
    m = Mentorship.objects.create(
        program=program,
        mentee=mentees[0],
        mentor=mentors[0],
        status=Mentorship.Status.COMPLETED,
        end_reason=Mentorship.EndReason.GOALS_MET,
        requested_at=closed - timedelta(days=90),
        started_at=closed - timedelta(days=80),
        ended_at=closed,
    )
    for _ in range(2):  # twice: what is due happens once
        tasks.run_clock.delay()
    wait_for(lambda: [e for e in mail.outbox if e.to == [mentees[0].user.email]])
    wait_for(drained(redis_test_url))
    (email,) = [e for e in mail.outbox if e.to == [mentees[0].user.email]]
    assert (
        email.subject == f"Six months since your mentorship with {mentors[0].name}: how are things?"
    )
    f = FollowUp.objects.get()
    assert (f.mentorship_id, f.profile_id, f.months) == (m.pk, mentees[0].pk, 6)
    assert f"/follow-up/{f.pk}/" in email.body
    assert not [e for e in mail.outbox if e.to == [mentors[0].user.email]]
