"""Personal API tokens: made and revoked by their owner on a page, stored
hashed, shown once, dead the moment they are revoked."""

import hashlib

import pytest
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from api.models import Token
from tests.api.conftest import API, bearer
from tests.conftest import login
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def with_token(raw: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {raw}")
    return client


def test_a_token_is_stored_only_as_its_sha256_digest(user):
    token, raw = Token.issue(user=user, name="HR portal")
    stored = Token.objects.filter(pk=token.pk).values().get()
    assert stored["digest"] == hashlib.sha256(raw.encode()).hexdigest()
    assert raw not in {str(v) for v in stored.values()}
    assert raw.startswith(f"kindred_{token.prefix}_") and len(raw) > 50


def test_a_revoked_token_stops_working_at_once(user):
    token, raw = Token.issue(user=user, name="HR portal")
    client = with_token(raw)
    assert client.get(f"{API}/profiles/").status_code == 200
    token.revoke()
    response = client.get(f"{API}/profiles/")
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "authentication_failed"


@pytest.mark.parametrize(
    "header",
    [
        "Bearer",
        "Bearer one two",
        "Bearer kindred_00000000_not-a-real-secret",
        "Bearer not-even-the-shape",
        "Bearer kindred_",
        "Bearer caf\u00e9",
    ],
)
def test_a_bad_token_is_a_401(user, header):
    Token.issue(user=user, name="HR portal")
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=header.encode("utf-8").decode("latin-1"))
    response = client.get(f"{API}/profiles/")
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "authentication_failed"


def test_a_right_prefix_with_a_wrong_secret_is_a_401(user):
    _, raw = Token.issue(user=user, name="HR portal")
    assert with_token(raw[:-2] + "xx").get(f"{API}/profiles/").status_code == 401


def test_an_inactive_persons_token_is_a_401(user):
    client = bearer(user)
    user.is_active = False
    user.save()
    assert client.get(f"{API}/profiles/").status_code == 401


def test_a_used_token_records_when(user):
    token, raw = Token.issue(user=user, name="HR portal")
    with_token(raw).get(f"{API}/profiles/")
    token.refresh_from_db()
    assert token.last_used_at is not None


def test_the_sites_own_session_works_and_needs_csrf_to_change_things(mentee):
    client = APIClient(enforce_csrf_checks=True)
    client.force_login(mentee.user)
    assert client.get(f"{API}/profiles/{mentee.pk}/").status_code == 200
    response = client.patch(f"{API}/profiles/{mentee.pk}/", {"bio": "x"}, format="json")
    assert response.status_code == 403
    assert "CSRF" in response.json()["error"]["message"]


# --- the settings page ---------------------------------------------------------------


def test_the_tokens_page_needs_a_login(client):
    response = client.get(reverse("tokens:list"))
    assert response.status_code == 302 and response.url.startswith(reverse("account_login"))


def test_a_token_made_on_the_page_is_shown_once_and_works(client, user):
    login(client, user)
    response = client.post(reverse("tokens:list"), {"name": "HR portal"})
    raw = response.context["new"][1]
    page = response.content.decode()
    assert raw in page and "shown only this once" in page
    assert response["Cache-Control"].startswith("max-age=0")
    assert raw not in client.get(reverse("tokens:list")).content.decode()
    assert with_token(raw).get(f"{API}/profiles/").status_code == 200


def test_the_page_lists_labelled_inputs_and_each_token_by_its_start(client, user):
    token, _ = Token.issue(user=user, name="HR portal")
    login(client, user)
    page = client.get(reverse("tokens:list")).content.decode()
    assert '<label for="id_name">' in page
    assert token.shown in page
    assert 'Revoke<span class="visually-hidden"> “HR portal”</span>' in page


def test_a_token_needs_a_name(client, user):
    login(client, user)
    response = client.post(reverse("tokens:list"), {"name": ""})
    assert response.context["new"] is None
    assert not Token.objects.exists()


def test_revoking_from_the_page(client, user):
    token, raw = Token.issue(user=user, name="HR portal")
    login(client, user)
    response = client.post(reverse("tokens:revoke", args=[token.pk]))
    assert response.status_code == 302
    assert with_token(raw).get(f"{API}/profiles/").status_code == 401
    assert token.shown not in client.get(reverse("tokens:list")).content.decode()


def test_nobody_revokes_or_sees_another_persons_token(client, user):
    token, raw = Token.issue(user=user, name="HR portal")
    login(client, UserFactory())
    assert client.post(reverse("tokens:revoke", args=[token.pk])).status_code == 404
    assert token.shown not in client.get(reverse("tokens:list")).content.decode()
    assert with_token(raw).get(f"{API}/profiles/").status_code == 200


def test_revoking_needs_a_post_with_csrf(user):
    token, _ = Token.issue(user=user, name="HR portal")
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    assert client.get(reverse("tokens:revoke", args=[token.pk])).status_code == 405
    assert client.post(reverse("tokens:revoke", args=[token.pk])).status_code == 403
    token.refresh_from_db()
    assert token.revoked_at is None


def test_there_is_a_limit_to_active_tokens(client, user):
    for n in range(10):
        Token.issue(user=user, name=f"token {n}")
    login(client, user)
    response = client.post(reverse("tokens:list"), {"name": "one more"})
    assert "revoke one" in response.content.decode()
    assert Token.objects.count() == 10
