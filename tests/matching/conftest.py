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


@pytest.fixture(params=["direct", "screened"])
def scoring_path(request):
    """Run a scoring test both ways ``top_k`` can go: every pair scored exactly
    (what a call with few pairs does) and a float32 screen picking candidates
    first (what a re-score does), whatever the size of the test program."""
    from matching import scoring

    original = scoring.DIRECT_PAIRS
    scoring.DIRECT_PAIRS = 10**12 if request.param == "direct" else 0
    yield request.param
    scoring.DIRECT_PAIRS = original
