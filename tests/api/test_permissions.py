"""The pages' permission matrix, through the API: nobody reads or changes
what is not theirs, and only a program's admins and coordinators reach its admin
endpoints (the full table of who gets what: test_program_access.py)."""

import pytest
from rest_framework.test import APIClient

from profiles.models import ProgramRole
from tests.api.conftest import bearer, call, object_endpoints, staff_endpoints, state
from tests.factories import program_admin

pytestmark = pytest.mark.django_db


def test_every_endpoint_asks_an_anonymous_caller_to_authenticate(world):
    before = state(world)
    anonymous = APIClient()
    for method, url, data in [
        ("get", "/profiles/", None),
        ("get", "/mentorships/", None),
        ("get", "/tags/", None),
        *object_endpoints(world),
        *staff_endpoints(world),
    ]:
        response = call(anonymous, method, url, data)
        assert response.status_code == 401, (method, url)
        assert response["WWW-Authenticate"].startswith("Bearer")
        assert response.json()["error"]["code"] == "not_authenticated"
    assert state(world) == before


@pytest.mark.parametrize("who", ["another mentee", "another mentor", "staff", "sensitive staff"])
def test_nobody_reads_or_changes_another_persons_objects(world, outsiders, sensitive_staff, who):
    user = sensitive_staff if who == "sensitive staff" else outsiders[who]
    client = bearer(user)
    before = state(world)
    for method, url, data in object_endpoints(world):
        response = call(client, method, url, data)
        assert response.status_code == 404, (who, method, url, response.content)
        assert response.json()["error"]["code"] == "not_found"
    assert state(world) == before


@pytest.mark.parametrize("who", ["another mentee", "another mentor"])
def test_lists_hold_only_the_callers_own(world, outsiders, who):
    client = bearer(outsiders[who])
    profiles = call(client, "get", "/profiles/").json()
    assert [p["id"] for p in profiles] == list(outsiders[who].profiles.values_list("pk", flat=True))
    assert call(client, "get", "/mentorships/").json()["count"] == 0


def test_the_owners_see_their_own(world):
    mentee, mentor = bearer(world.mentee.user), bearer(world.mentor.user)
    assert call(mentee, "get", f"/profiles/{world.mentee.pk}/").status_code == 200
    assert call(mentee, "get", f"/suggestions/{world.listed.pk}/").status_code == 200
    for client in (mentee, mentor):
        listed = call(client, "get", "/mentorships/").json()["results"]
        assert [m["id"] for m in listed] == [world.m.pk]
        assert call(client, "get", f"/mentorships/{world.m.pk}/").status_code == 200


@pytest.mark.parametrize("role", ["mentee", "mentor"])
def test_participants_are_told_the_admin_endpoints_are_not_there(world, role):
    client = bearer(getattr(world, role).user)
    before = state(world)
    for method, url, data in staff_endpoints(world):
        response = call(client, method, url, data)
        assert response.status_code == 404, (method, url)
        assert response.json()["error"]["code"] == "not_found"
    assert state(world) == before


@pytest.mark.parametrize(
    ("side", "action", "data"),
    [
        ("mentor", "withdraw", None),
        ("mentee", "accept", None),
        ("mentee", "decline", {"reason": "timing"}),
    ],
)
def test_only_the_right_side_decides(world, side, action, data):
    before = state(world)
    response = call(
        bearer(getattr(world, side).user), "post", f"/mentorships/{world.m.pk}/{action}/", data
    )
    assert response.status_code == 403
    assert "Only the" in response.json()["error"]["message"]
    assert state(world) == before


def test_a_mentor_profile_has_no_suggestions_and_a_mentee_no_availability(world):
    mentor, mentee = bearer(world.mentor.user), bearer(world.mentee.user)
    assert call(mentor, "get", f"/profiles/{world.mentor.pk}/suggestions/").status_code == 404
    response = call(mentee, "post", f"/profiles/{world.mentee.pk}/availability/", {"capacity": 1})
    assert response.status_code == 404


def test_a_program_admin_reaches_the_admin_endpoints_with_their_token(world):
    client = bearer(program_admin(world.program))
    assert call(client, "get", "/admin/programs/").status_code == 200
    assert call(client, "get", f"/admin/programs/{world.program.slug}/runs/").status_code == 200


def test_a_token_of_someone_whose_role_is_taken_away_loses_the_admin_endpoints_at_once(world):
    admin = program_admin(world.program)
    client = bearer(admin)
    assert call(client, "get", f"/admin/programs/{world.program.slug}/").status_code == 200
    ProgramRole.objects.filter(user=admin).delete()
    assert call(client, "get", "/admin/programs/").status_code == 404
    assert call(client, "get", f"/admin/programs/{world.program.slug}/").status_code == 404
