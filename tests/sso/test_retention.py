"""A person the directory deactivated is kept, closed, for their organisation's
retention period, then deleted as if they had deleted their own account; a
reactivation before then keeps them. The hourly task is idempotent."""

from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from mentorships.models import Mentorship
from profiles.models import Profile, User
from sso import deactivation, members
from sso.members import Person
from sso.models import EmailDomain, Member, Organisation
from sso.tasks import delete_expired_members
from tests.factories import ProfileFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def org(db) -> Organisation:
    org = Organisation.objects.create(name="Example", slug="example", retention_days=30)
    EmailDomain.objects.create(organisation=org, domain="example.org")
    return org


@pytest.fixture
def clock():
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        yield traveller


def provisioned(org: Organisation, profile: Profile) -> Member:
    return members.provision(organisation=org, person=Person(email=profile.user.email))


def test_a_deactivated_member_is_kept_until_the_retention_period_ends(org, mentee, clock):
    member = provisioned(org, mentee)
    deactivation.deactivate(member=member)

    clock.shift(timedelta(days=29, hours=23))
    assert delete_expired_members.delay().get() == 0
    assert User.objects.filter(pk=mentee.user_id).exists()

    clock.shift(timedelta(hours=1))
    assert delete_expired_members.delay().get() == 1
    assert not User.objects.filter(pk=mentee.user_id).exists()
    assert not Profile.objects.filter(pk=mentee.pk).exists()
    assert not Member.objects.filter(pk=member.pk).exists()


def test_running_the_task_twice_deletes_once(org, mentee, clock):
    deactivation.deactivate(member=provisioned(org, mentee))
    clock.shift(timedelta(days=31))

    assert delete_expired_members.delay().get() == 1
    assert delete_expired_members.delay().get() == 0


def test_reactivated_before_the_end_is_kept(org, mentee, clock):
    member = provisioned(org, mentee)
    deactivation.deactivate(member=member)
    clock.shift(timedelta(days=10))
    deactivation.reactivate(member=member)

    clock.shift(timedelta(days=365))
    delete_expired_members.delay().get()

    assert User.objects.filter(pk=mentee.user_id, is_active=True).exists()


def test_zero_days_deletes_at_the_next_run(org, mentee, clock):
    org.retention_days = 0
    org.save()
    deactivation.deactivate(member=provisioned(org, mentee))

    clock.shift(timedelta(seconds=1))
    delete_expired_members.delay().get()

    assert not User.objects.filter(pk=mentee.user_id).exists()


def test_each_organisation_keeps_its_own_period(org, program, clock):
    other = Organisation.objects.create(name="Other", slug="other", retention_days=90)
    EmailDomain.objects.create(organisation=other, domain="other.org")
    ours = ProfileFactory(program=program)
    theirs = ProfileFactory(program=program, user__email="theirs@other.org")
    deactivation.deactivate(member=provisioned(org, ours))
    deactivation.deactivate(member=provisioned(other, theirs))

    clock.shift(timedelta(days=31))
    delete_expired_members.delay().get()

    assert not User.objects.filter(pk=ours.user_id).exists()
    assert User.objects.filter(pk=theirs.user_id).exists()


def test_active_members_are_never_deleted(org, mentee, clock):
    provisioned(org, mentee)

    clock.shift(timedelta(days=3650))
    delete_expired_members.delay().get()

    assert User.objects.filter(pk=mentee.user_id).exists()


def test_deletion_keeps_the_mentorships_anonymised_as_account_deletion_does(
    org, accepted, clock, django_capture_on_commit_callbacks
):
    mentor = accepted.mentor
    with django_capture_on_commit_callbacks(execute=True):
        deactivation.deactivate(member=provisioned(org, mentor))
    clock.shift(timedelta(days=31))

    delete_expired_members.delay().get()

    accepted.refresh_from_db()
    assert accepted.mentor_id is None
    assert accepted.end_reason == Mentorship.EndReason.LEFT_ORGANISATION


def test_the_beat_schedule_runs_it_hourly(settings):
    entry = settings.CELERY_BEAT_SCHEDULE["delete-expired-members"]

    assert entry == {"task": "sso.tasks.delete_expired_members", "schedule": 3600.0}
    assert delete_expired_members.name == entry["task"]


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_runs_at_once_delete_each_person_once(program):
    from sso import retention
    from tests.threads import race

    org = Organisation.objects.create(name="Example", slug="example", retention_days=0)
    EmailDomain.objects.create(organisation=org, domain="example.org")
    people = [ProfileFactory(program=program) for _ in range(3)]
    for person in people:
        deactivation.deactivate(member=provisioned(org, person))
    deleted = []

    # What the task runs, in two threads (an eager task may not wait on another thread's).
    race(
        lambda: deleted.append(retention.delete_due()),
        lambda: deleted.append(retention.delete_due()),
        refusals=(),
    )

    assert sum(deleted) == 3
    assert not User.objects.filter(pk__in=[p.user_id for p in people]).exists()


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_real_worker_deletes_a_member_whose_period_has_passed(celery_worker, program):
    """The task as beat sends it: serialised over Redis, run by a worker, its own
    transactions committed (retention_days 0: due at the next run)."""
    from tests.conftest import wait_for

    org = Organisation.objects.create(name="Example", slug="example", retention_days=0)
    EmailDomain.objects.create(organisation=org, domain="example.org")
    person = ProfileFactory(program=program)
    deactivation.deactivate(member=provisioned(org, person))

    delete_expired_members.delay()

    assert wait_for(lambda: not User.objects.filter(pk=person.user_id).exists())
    assert not Member.objects.filter(organisation=org).exists()
