import pytest
from rest_framework.test import APIClient

from api.models import Token
from matching import suggestions
from matching.models import Suggestion
from tests.factories import MentorFactory, ProfileFactory, UserFactory, program_admin

API = "/api/v1"


def bearer(user) -> APIClient:
    """A client that calls the API with a fresh personal token of ``user``."""
    _, raw = Token.issue(user=user, name="tests")
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {raw}")
    return client


@pytest.fixture
def suggestion(people):
    mentee, mentor = people
    return Suggestion.objects.get(mentee=mentee, mentor=mentor)


@pytest.fixture
def staff(program):
    """An admin of the test program (without the right to read background answers)."""
    return program_admin(program)


@pytest.fixture
def sensitive_staff(program):
    """An admin of the test program who may read its background answers."""
    return program_admin(program, background=True)


@pytest.fixture
def outsiders(program):
    """Another mentee and another mentor of the same program, and staff with no role."""
    return {
        "another mentee": ProfileFactory(program=program).user,
        "another mentor": MentorFactory(program=program).user,
        "staff": UserFactory(is_staff=True),
    }


@pytest.fixture
def world(program):
    """A mentee who asked one mentor and has another still suggested, and a
    queued assignment run: an object behind every endpoint."""
    from types import SimpleNamespace

    from matching import assigning

    mentee = ProfileFactory(program=program, goals=["networking"], bio="My own words")
    mentor = MentorFactory(program=program, goals=["networking"])
    spare = MentorFactory(program=program, goals=["networking"])
    suggestions.refresh_profile(profile_id=mentee.pk)
    asked = suggestions.request_mentor(
        suggestion=Suggestion.objects.get(mentee=mentee, mentor=mentor), message="Hello"
    )
    listed = Suggestion.objects.get(mentee=mentee, mentor=spare)
    run = assigning.start(program=program, queue=False)
    return SimpleNamespace(
        program=program, mentee=mentee, mentor=mentor, m=asked, listed=listed, run=run
    )


def object_endpoints(w) -> list[tuple[str, str, dict | None]]:
    """Every endpoint that reads or changes one participant's object."""
    m = f"/mentorships/{w.m.pk}"
    s = f"/suggestions/{w.listed.pk}"
    return [
        ("get", f"/profiles/{w.mentee.pk}/", None),
        ("patch", f"/profiles/{w.mentee.pk}/", {"bio": "Not yours"}),
        ("get", f"/profiles/{w.mentee.pk}/suggestions/", None),
        ("post", f"/profiles/{w.mentor.pk}/availability/", {"capacity": 0, "is_paused": True}),
        ("get", f"{s}/", None),
        ("post", f"{s}/request/", {"message": "Hi"}),
        ("post", f"{s}/dismiss/", {"reason": "other"}),
        ("get", f"{m}/", None),
        ("post", f"{m}/withdraw/", None),
        ("post", f"{m}/accept/", None),
        ("post", f"{m}/decline/", {"reason": "timing"}),
        ("post", f"{m}/met/", None),
        ("post", f"{m}/end/", {"reason": "no_time"}),
        ("get", f"{m}/check-ins/", None),
        ("post", f"{m}/check-ins/", {"rating": 1}),
    ]


def staff_endpoints(w) -> list[tuple[str, str, dict | None]]:
    p = f"/admin/programs/{w.program.slug}"
    r = f"{p}/runs/{w.run.pk}"
    return [
        ("get", "/admin/programs/", None),
        ("get", f"{p}/", None),
        ("get", f"{p}/participants/", None),
        ("get", f"{p}/matches/", None),
        ("get", f"{p}/matches.csv", None),
        ("get", f"{p}/runs/", None),
        ("post", f"{p}/rescore/", None),
        ("post", f"{p}/assign/", {"policy": "optimal"}),
        ("get", f"{r}/", None),
        ("get", f"{r}/pairs/", None),
        ("post", f"{r}/commit/", None),
        ("post", f"{r}/discard/", None),
    ]


def state(w) -> tuple:
    """Everything an endpoint could change, to show that nothing did."""
    from matching.models import MatchingRun
    from mentorships.models import CheckIn

    w.m.refresh_from_db()
    w.listed.refresh_from_db()
    w.mentee.refresh_from_db()
    w.mentor.refresh_from_db()
    w.run.refresh_from_db()
    return (
        w.m.status,
        w.listed.status,
        w.mentee.bio,
        (w.mentor.capacity, w.mentor.is_paused),
        CheckIn.objects.count(),
        MatchingRun.objects.count(),
        (w.run.committed_at, w.run.discarded_at),
    )


def call(client, method: str, url: str, data: dict | None = None):
    return getattr(client, method)(API + url, data, format="json")
