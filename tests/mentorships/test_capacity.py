"""Capacity holds under concurrency: accepts race on real PostgreSQL rows."""

import threading

import pytest
from django.db import connection

from mentorships import lifecycle
from mentorships.exceptions import MentorFull
from mentorships.models import Mentorship
from tests.factories import MentorFactory, ProfileFactory

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def test_twenty_simultaneous_accepts_fill_exactly_the_capacity(program):
    mentor = MentorFactory(program=program, capacity=3)
    requests = [
        Mentorship.objects.create(
            program=program, mentee=ProfileFactory(program=program), mentor=mentor
        )
        for _ in range(20)
    ]
    start = threading.Barrier(len(requests))
    outcomes: dict[int, str] = {}

    def accept(m: Mentorship) -> None:
        try:
            start.wait()
            lifecycle.accept(mentorship=m)
            outcomes[m.pk] = "accepted"
        except MentorFull as full:
            outcomes[m.pk] = str(full)
        except Exception as error:
            outcomes[m.pk] = repr(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=accept, args=(m,)) for m in requests]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)

    answers = list(outcomes.values())
    assert answers.count("accepted") == 3
    assert len(answers) == 20
    assert all("You are full" in a for a in answers if a != "accepted"), answers
    assert Mentorship.objects.filter(mentor=mentor, status__in=Mentorship.TAKING_ROOM).count() == 3
    accepted = {pk for pk, a in outcomes.items() if a == "accepted"}
    assert (
        set(Mentorship.objects.filter(status="accepted").values_list("pk", flat=True)) == accepted
    )
    # The other 17 were answered kindly once the mentor filled up; nothing else changed.
    rest = Mentorship.objects.exclude(pk__in=accepted)
    assert set(rest.values_list("status", "decline_reason")) == {("declined", "no_room")}
    assert Mentorship.objects.count() == 20
    mentor.refresh_from_db()
    assert mentor.capacity == 3
