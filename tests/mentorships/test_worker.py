"""The mentorship clock through a real Celery worker on Redis and PostgreSQL."""

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from mentorships import tasks
from mentorships.models import Mentorship
from tests.conftest import wait_for

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
