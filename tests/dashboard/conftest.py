import pytest

from tests.conftest import login
from tests.factories import MentorFactory, ProfileFactory, program_admin


@pytest.fixture
def staff_client(client, program):
    """An admin of the program (not allowed to read background answers)."""
    return login(client, program_admin(program))


@pytest.fixture
def exact_client(client, program):
    """An admin of the program allowed to read background answers: exact fairness figures."""
    return login(client, program_admin(program, background=True))


@pytest.fixture
def cohort(program):
    """Six unmatched mentees and three mentors with two places each."""
    goals = ["networking", "leadership"]
    mentors = [MentorFactory(program=program, goals=goals, capacity=2) for _ in range(3)]
    mentees = [ProfileFactory(program=program, goals=goals) for _ in range(6)]
    return mentees, mentors
