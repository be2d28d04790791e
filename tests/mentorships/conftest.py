import pytest

from matching import suggestions
from mentorships import lifecycle
from tests.factories import MentorFactory, ProfileFactory
from tests.mentorships.helpers import ask


@pytest.fixture
def on_commit(django_capture_on_commit_callbacks):
    """Run what a transaction queues for after its commit (tasks run inline)."""

    def run(action, *args, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return action(*args, **kwargs)

    return run


@pytest.fixture
def pool(program):
    """One mentee with four suggested mentors of capacity 2."""
    mentee = ProfileFactory(program=program, goals=["networking", "leadership"])
    mentors = [
        MentorFactory(program=program, goals=["networking", "leadership"], capacity=2)
        for _ in range(4)
    ]
    suggestions.refresh_profile(profile_id=mentee.pk)
    return mentee, mentors


@pytest.fixture
def paired(pool):
    mentee, mentors = pool
    m = ask(mentee, mentors[0])
    lifecycle.accept(mentorship=m)
    m.refresh_from_db()
    return m
