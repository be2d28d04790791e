import pytest

from tests.factories import MentorFactory, ProfileFactory

GOALS = ["networking", "leadership", "career-advancement", "sense-of-belonging"]


@pytest.fixture
def small_program(program):
    """Twelve mentees and six mentors with overlapping goals, nothing sensitive."""
    mentors = [
        MentorFactory(program=program, goals=GOALS[i % 4 :] + GOALS[: i % 2], capacity=3)
        for i in range(6)
    ]
    mentees = [ProfileFactory(program=program, goals=GOALS[i % 3 : i % 3 + 2]) for i in range(12)]
    return program, mentees, mentors
