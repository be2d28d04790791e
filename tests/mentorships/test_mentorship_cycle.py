"""A mentorship belongs to the cycle it was made in: its mentee's cycle then, however
it was made (a request, an admin's match, an auto-assignment's commit); none in a
program without cycles."""

from datetime import date

import pytest

from matching import assigning, suggestions
from mentorships import lifecycle
from mentorships.models import Mentorship
from profiles.models import Cycle, Profile
from tests.factories import CycleFactory, MentorFactory, ProfileFactory, UserFactory
from tests.mentorships.helpers import ask

pytestmark = pytest.mark.django_db

GOALS = ["networking", "leadership"]


@pytest.fixture
def spring(program) -> Cycle:
    return CycleFactory(
        program=program, name="Spring 2027", ends_on=date(2027, 6, 30), state=Cycle.State.RUNNING
    )


@pytest.fixture
def people(program, spring, on_commit):
    mentee = ProfileFactory(program=program, goals=GOALS, cycle=spring)
    mentor = MentorFactory(program=program, goals=GOALS, capacity=2, cycle=spring)
    on_commit(suggestions.refresh_profile, profile_id=mentee.pk)
    return mentee, mentor


def fresh(m: Mentorship) -> Mentorship:
    m.refresh_from_db()
    return m


def test_a_request_belongs_to_the_mentees_cycle(people, spring, on_commit):
    m = on_commit(ask, *people)
    assert fresh(m).cycle == spring


def test_the_mentees_cycle_counts_not_the_mentors(people, program, spring, on_commit):
    mentee, mentor = people
    autumn = CycleFactory(program=program, name="Autumn 2027", state=Cycle.State.REGISTRATION)
    Profile.objects.filter(pk=mentor.pk).update(cycle=autumn)
    m = on_commit(lifecycle.match, mentee=mentee, mentor=mentor, source=Mentorship.Source.ADMIN)
    assert fresh(m).cycle == spring


def test_an_admins_match_belongs_to_the_mentees_cycle(people, spring, on_commit):
    mentee, mentor = people
    m = on_commit(
        lifecycle.match_by_admin,
        mentee=mentee,
        mentor=mentor,
        by=UserFactory(is_superuser=True),
        score=80.0,
    )
    assert m.source == Mentorship.Source.ADMIN
    assert fresh(m).cycle == spring


def test_an_auto_assignment_commit_belongs_to_each_mentees_cycle(people, spring, program):
    mentee, _ = people
    run = assigning.start(program=program, policy="optimal", queue=False)
    assigning.propose(run_id=run.pk)
    run.refresh_from_db()
    assigning.commit(run=run, user=UserFactory(is_superuser=True))
    m = Mentorship.objects.get(mentee=mentee)
    assert m.source == Mentorship.Source.AUTO
    assert m.cycle == spring


def test_a_program_without_cycles_makes_mentorships_of_none(program, on_commit):
    mentee = ProfileFactory(program=program, goals=GOALS)
    mentor = MentorFactory(program=program, goals=GOALS)
    on_commit(suggestions.refresh_profile, profile_id=mentee.pk)
    m = on_commit(ask, mentee, mentor)
    assert m.cycle is None
    other = ProfileFactory(program=program, goals=GOALS)
    matched = on_commit(
        lifecycle.match, mentee=other, mentor=mentor, source=Mentorship.Source.ADMIN
    )
    assert matched.cycle is None
