"""Every error in one JSON shape; throttling per token; never a 500 for bad input."""

import pytest
from rest_framework.test import APIClient

from api.models import Token
from tests.api.conftest import API, bearer, call
from tests.factories import coordinator

pytestmark = pytest.mark.django_db


def error_of(response, status: int, code: str) -> dict:
    assert response.status_code == status, response.content
    assert response["Content-Type"] == "application/json"
    body = response.json()
    assert set(body) == {"error"}
    assert set(body["error"]) == {"code", "message", "fields"}
    assert body["error"]["code"] == code and body["error"]["message"]
    return body["error"]


def test_errors_share_one_shape(mentee, requested):
    client = bearer(mentee.user)
    error_of(APIClient().get(f"{API}/profiles/"), 401, "not_authenticated")
    error_of(call(client, "get", "/admin/programs/"), 404, "not_found")
    rescore = f"/admin/programs/{mentee.program.slug}/rescore/"
    error_of(call(bearer(coordinator(mentee.program)), "post", rescore), 403, "permission_denied")
    error_of(call(client, "get", "/profiles/999999/"), 404, "not_found")
    error_of(call(client, "put", f"/profiles/{mentee.pk}/", {}), 405, "method_not_allowed")
    error_of(call(client, "post", f"/mentorships/{requested.pk}/decline/", {}), 404, "not_found")
    fields = error_of(
        call(client, "patch", f"/profiles/{mentee.pk}/", {"bio": 5 * "x" * 1000}), 400, "invalid"
    )["fields"]
    assert list(fields) == ["bio"]
    mentor = bearer(requested.mentor.user)
    call(mentor, "post", f"/mentorships/{requested.pk}/decline/", {"reason": "timing"})
    error_of(call(mentor, "post", f"/mentorships/{requested.pk}/accept/"), 409, "refused")


def test_malformed_json_is_a_400(mentee):
    response = bearer(mentee.user).generic(
        "PATCH", f"{API}/profiles/{mentee.pk}/", "{not json", content_type="application/json"
    )
    error_of(response, 400, "parse_error")


@pytest.mark.parametrize("body", ["[" * 1000 + "]" * 1000, '{"bio": ' * 1000 + "1" + "}" * 1000])
def test_deeply_nested_json_is_a_400_in_the_api_shape(mentee, body):
    response = bearer(mentee.user).generic(
        "PATCH", f"{API}/profiles/{mentee.pk}/", body, content_type="application/json"
    )
    assert "too deeply" in error_of(response, 400, "parse_error")["message"]


def test_a_body_over_the_limit_is_a_413_in_the_api_shape(mentee, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 10_000
    body = '{"bio": "' + "x" * 20_000 + '"}'
    response = bearer(mentee.user).generic(
        "PATCH", f"{API}/profiles/{mentee.pk}/", body, content_type="application/json"
    )
    assert "larger than 9 KB" in error_of(response, 413, "too_large")["message"]


def test_a_form_body_is_refused_as_unsupported(mentee):
    response = bearer(mentee.user).patch(f"{API}/profiles/{mentee.pk}/", {"bio": "x"})
    error_of(response, 415, "unsupported_media_type")


def test_an_unknown_address_is_a_json_404_that_points_at_the_slash(mentee):
    client = bearer(mentee.user)
    error_of(client.get(f"{API}/nothing/here/"), 404, "not_found")
    message = error_of(client.post(f"{API}/profiles", {}, format="json"), 404, "not_found")[
        "message"
    ]
    assert "/api/v1/profiles/ ?" in message
    error_of(client.get(f"{API}/profiles/abc/"), 404, "not_found")


def test_calls_are_throttled_per_token(settings, user):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"caller": "3/minute", "runs": "3/minute"},
    }
    first, second = bearer(user), bearer(user)
    for _ in range(3):
        assert first.get(f"{API}/profiles/").status_code == 200
    response = first.get(f"{API}/profiles/")
    error_of(response, 429, "throttled")
    assert int(response["Retry-After"]) > 0
    assert second.get(f"{API}/profiles/").status_code == 200


def test_a_session_is_throttled_per_person(settings, user):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"caller": "2/minute", "runs": "2/minute"},
    }
    client = APIClient()
    client.force_login(user)
    for _ in range(2):
        assert client.get(f"{API}/profiles/").status_code == 200
    error_of(client.get(f"{API}/profiles/"), 429, "throttled")
    assert bearer(user).get(f"{API}/profiles/").status_code == 200


def test_starting_runs_has_its_own_smaller_allowance(settings, staff, program):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"caller": "100/minute", "runs": "1/minute"},
    }
    client = bearer(staff)
    assert call(client, "post", f"/admin/programs/{program.slug}/rescore/").status_code == 202
    error_of(call(client, "post", f"/admin/programs/{program.slug}/rescore/"), 429, "throttled")
    assert call(client, "get", f"/admin/programs/{program.slug}/runs/").status_code == 200


@pytest.mark.parametrize(
    "body",
    [
        {"capacity": 10**30, "is_paused": "maybe"},
        {"capacity": {"nested": True}},
        {"capacity": [1, 2]},
        {"capacity": "1e309"},
        {"capacity": "\u0000"},
    ],
)
def test_nonsense_never_makes_a_server_error(people, body):
    _, mentor = people
    response = call(bearer(mentor.user), "post", f"/profiles/{mentor.pk}/availability/", body)
    error_of(response, 400, "invalid")


@pytest.mark.parametrize(
    "body",
    [
        {"languages": "english"},
        {"languages": [None]},
        {"background": "korean"},
        {"background": {"heritage": "korean"}},
        {"career_stage": "senior"},
        {"years_experience": -3},
        {"display_name": "\u0000"},
        {"must_share": ["everything"]},
        {"timezone": None},
    ],
)
def test_nonsense_answers_never_make_a_server_error(mentee, body):
    response = call(bearer(mentee.user), "patch", f"/profiles/{mentee.pk}/", body)
    error_of(response, 400, "invalid")


def test_tokens_are_not_leaked_in_errors(user):
    token, raw = Token.issue(user=user, name="x")
    token.revoke()
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert raw not in client.get(f"{API}/profiles/").content.decode()
