import pytest

from tests.conftest import login
from tests.factories import MentorFactory, ProfileFactory, UserFactory


@pytest.fixture
def staff_client(client):
    return login(client, UserFactory(is_staff=True))


@pytest.fixture
def exact_client(client):
    """A staff member allowed to read background answers: exact fairness figures."""
    from django.contrib.auth.models import Permission

    user = UserFactory(is_staff=True)
    user.user_permissions.add(Permission.objects.get(codename="view_sensitive_answers"))
    return login(client, user)


@pytest.fixture
def cohort(program):
    """Six unmatched mentees and three mentors with two places each."""
    goals = ["networking", "leadership"]
    mentors = [MentorFactory(program=program, goals=goals, capacity=2) for _ in range(3)]
    mentees = [ProfileFactory(program=program, goals=goals) for _ in range(6)]
    return mentees, mentors
