"""Taking part again through a real Celery worker on Redis and PostgreSQL: the cycles'
clock opens a new cycle's registration, and the invitations go out once each."""

from datetime import date

import pytest
from django.core import mail
from django.utils import timezone

from profiles import cycles, tasks
from profiles.models import Cycle
from tests.conftest import drained, wait_for
from tests.factories import CycleFactory, ProfileFactory, ProgramFactory

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def invited() -> list[str]:
    return sorted(
        m.to[0] for m in mail.outbox if m.extra_headers.get("X-Kindred-Email") == "take_part_again"
    )


def test_the_clock_opening_registration_invites_last_cycles_people_once_on_the_worker(
    celery_worker, redis_test_url
):
    program = ProgramFactory()
    before = CycleFactory(
        program=program,
        name="Autumn 2026",
        state=Cycle.State.RUNNING,
        registration_opens=date(2026, 9, 1),
    )
    new = CycleFactory(program=program, name="Spring 2027", registration_opens=timezone.localdate())
    people = [ProfileFactory(program=program) for _ in range(3)]
    for person in people:
        cycles.enrol(profile=person, cycle=before)
    cycles.enrol(profile=people[2], cycle=new)  # already in: not invited
    for _ in range(2):  # the clock twice, and two workers' worth of tasks: once each
        tasks.advance_cycles.delay()
    wait_for(lambda: len(invited()) >= 2)
    wait_for(drained(redis_test_url))
    assert Cycle.objects.get(pk=new.pk).state == Cycle.State.REGISTRATION
    assert invited() == sorted(p.user.email for p in people[:2])
