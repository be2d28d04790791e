"""The mentee's email about a sponsorship entry, through a real Celery worker on Redis
and PostgreSQL: queued by id once the entry commits, sent once."""

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from mentorships import emails, sponsorships
from mentorships.models import Mentorship
from tests.conftest import drained, wait_for

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

NOTE = "Introduced to the head of data at Acme"


def test_the_mentee_hears_of_an_entry_from_the_worker_once(
    celery_worker, small_program, redis_test_url
):
    program, mentees, mentors = small_program
    m = Mentorship.objects.create(
        program=program,
        mentee=mentees[0],
        mentor=mentors[0],
        status=Mentorship.Status.ACCEPTED,
        started_at=timezone.now() - timedelta(days=10),
    )

    action = sponsorships.record(
        mentorship=m,
        by=m.mentor,
        kind="nominated",
        happened_on=timezone.localdate(),
        note=NOTE,
    )
    emails.sponsorship_recorded.delay(action.pk)  # a duplicate: still one email
    wait_for(lambda: [e for e in mail.outbox if e.to == [mentees[0].user.email]])
    wait_for(drained(redis_test_url))
    (email,) = [e for e in mail.outbox if e.to == [mentees[0].user.email]]
    assert email.subject == f"{mentors[0].name} recorded sponsorship for you: is it right?"
    assert "nominated you for an award or a promotion" in email.body
    assert f"/m/{m.pk}/sponsorship/" in email.body
    assert NOTE not in email.body
