"""The weekly digest goes to the people who run programs (issue 21), each about
their own programs only: one email a week, however many programs they run."""

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.core import mail

from dashboard import digest, tasks
from mentorships.models import Mentorship
from tests.factories import (
    MentorFactory,
    ProfileFactory,
    ProgramFactory,
    ProgramRoleFactory,
    UserFactory,
    coordinator,
    program_admin,
)

pytestmark = pytest.mark.django_db

MONDAY_8AM = datetime(2026, 12, 7, 8, 0, tzinfo=UTC)


def flag(program, mentee_name: str) -> Mentorship:
    when = MONDAY_8AM - timedelta(days=20)
    return Mentorship.objects.create(
        program=program,
        mentee=ProfileFactory(program=program, display_name=mentee_name),
        mentor=MentorFactory(program=program),
        status=Mentorship.Status.ACTIVE,
        requested_at=when,
        decided_at=when,
        started_at=when,
        health=Mentorship.Health.LOW_RATING,
        health_flagged_at=MONDAY_8AM - timedelta(days=2),
    )


@pytest.fixture
def two_programs(program):
    other = ProgramFactory(name="First-Gen Network")
    flag(program, "Ana Alpha")
    flag(other, "Ben Beta")
    return program, other


def digests(django_capture_on_commit_callbacks) -> dict[str, str]:
    """Monday 08:00, the beat task run twice: each recipient's digest body."""
    with time_machine.travel(MONDAY_8AM, tick=False):
        for _ in range(2):
            with django_capture_on_commit_callbacks(execute=True):
                tasks.queue_weekly_digests()
    bodies = {}
    for email in mail.outbox:
        (to,) = email.to
        assert to not in bodies, f"{to} got two digests"
        bodies[to] = email.body
    return bodies


def test_each_person_hears_about_their_own_programs_only(
    two_programs, django_capture_on_commit_callbacks
):
    a, b = two_programs
    admin_a, coordinator_b = program_admin(a), coordinator(b)
    both = program_admin(a)
    ProgramRoleFactory(user=both, program=b, role="coordinator")
    superuser = UserFactory(is_superuser=True, is_staff=True)
    bodies = digests(django_capture_on_commit_callbacks)
    assert set(bodies) == {admin_a.email, coordinator_b.email, both.email, superuser.email}
    assert "Ana Alpha" in bodies[admin_a.email] and "Ben Beta" not in bodies[admin_a.email]
    assert "First-Gen Network" not in bodies[admin_a.email]
    assert (
        "Ben Beta" in bodies[coordinator_b.email] and "Ana Alpha" not in bodies[coordinator_b.email]
    )
    for everything in (both, superuser):
        assert "Ana Alpha" in bodies[everything.email] and "Ben Beta" in bodies[everything.email]


def test_staff_without_a_role_and_participants_get_no_digest(
    two_programs, django_capture_on_commit_callbacks
):
    UserFactory(is_staff=True)
    ProfileFactory(program=two_programs[0])
    assert digests(django_capture_on_commit_callbacks) == {}


def test_a_person_whose_programs_are_quiet_gets_nothing_though_another_program_has_news(
    program, django_capture_on_commit_callbacks
):
    quiet = ProgramFactory()
    flag(program, "Ana Alpha")
    heard = program_admin(program)
    program_admin(quiet)
    assert set(digests(django_capture_on_commit_callbacks)) == {heard.email}


def test_recipients_are_people_with_a_role_and_superusers(program):
    admin, helper = program_admin(program), coordinator(program)
    superuser = UserFactory(is_superuser=True)
    UserFactory(is_staff=True)
    program_admin(program, is_active=False)
    assert set(digest.recipients()) == {admin, helper, superuser}
