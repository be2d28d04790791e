"""The close-out survey through a real Celery worker on Redis and PostgreSQL: an end
commits, the worker asks each side and emails them; asked again, nobody hears twice."""

import pytest
from django.core import mail
from django.utils import timezone

from mentorships import lifecycle, tasks
from mentorships.models import Mentorship
from mentorships.outcome_models import CloseOut
from tests.conftest import drained, wait_for

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def asked_how_it_went(profile) -> list[str]:
    return [
        e.subject
        for e in mail.outbox
        if e.to == [profile.user.email] and e.extra_headers["X-Kindred-Email"] == "close_out_asked"
    ]


def test_the_worker_asks_each_side_once(celery_worker, small_program, redis_test_url):
    program, mentees, mentors = small_program
    mentee, mentor = mentees[0], mentors[0]
    m = Mentorship.objects.create(
        program=program,
        mentee=mentee,
        mentor=mentor,
        status=Mentorship.Status.ACTIVE,
        started_at=timezone.now(),
    )
    lifecycle.end(mentorship=m, by=mentor, reason=Mentorship.EndReason.NO_TIME)
    wait_for(lambda: asked_how_it_went(mentee) and asked_how_it_went(mentor))
    for _ in range(2):  # a retry, a second worker: the same rows, no second email
        tasks.ask_close_out.delay(m.pk)
    wait_for(drained(redis_test_url))
    assert asked_how_it_went(mentee) == [f"How did your mentorship with {mentor.name} go?"]
    assert asked_how_it_went(mentor) == [f"How did your mentorship with {mentee.name} go?"]
    assert sorted(CloseOut.objects.filter(mentorship=m).values_list("side", flat=True)) == [
        "mentee",
        "mentor",
    ]
