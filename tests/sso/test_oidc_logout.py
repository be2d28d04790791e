"""Logout after signing in through an OpenID Connect provider: Kindred's session
ends, then the IdP's (RP-initiated logout at its end-session endpoint)."""

import socket
from urllib.parse import parse_qs, urlsplit

import jwt
import pytest
import requests
from django.contrib.sessions.models import Session
from django.test import Client
from django.utils.html import escape

from tests.sso.conftest import KINDRED, OIDC_SLUG

pytestmark = pytest.mark.django_db

LOGIN = f"/accounts/oidc/{OIDC_SLUG}/login/"


def signed_in(client) -> bool:
    return client.get("/").wsgi_request.user.is_authenticated


def authorize_url() -> str:
    """A new sign-in's first stop at the IdP, as another tab of Kindred would start it."""
    return Client().post(LOGIN)["Location"]


def idp_logout_address(response) -> str:
    """Where the page after Kindred's logout goes on to (its Refresh header, and its button)."""
    assert response.status_code == 200
    url = response["Refresh"].removeprefix("0; url=")
    assert f'href="{escape(url)}"' in response.content.decode()
    return url


@pytest.fixture
def browser():
    """The person's browser at the IdP: its cookies hold the IdP's session."""
    with requests.Session() as session:
        yield session


def test_logout_ends_the_session_and_goes_to_the_idps_end_session_endpoint(
    client, oidc_idp, oidc_sign_in, browser
):
    oidc_sign_in(client, email="alice@acme.test", browser=browser)

    response = client.post("/accounts/logout/")

    assert not signed_in(client)
    target = urlsplit(idp_logout_address(response))
    assert f"{target.scheme}://{target.netloc}{target.path}" == f"{oidc_idp.issuer}/session/end"
    query = parse_qs(target.query)
    assert query["client_id"] == [oidc_idp.client_id]
    assert query["post_logout_redirect_uri"] == [f"{KINDRED}/"]
    hint = jwt.decode(query["id_token_hint"][0], options={"verify_signature": False})
    assert (hint["iss"], hint["sub"]) == (oidc_idp.issuer, "alice")


def test_after_the_idps_logout_a_new_sign_in_asks_for_credentials_again(
    client, oidc_idp, oidc_sign_in, browser
):
    oidc_sign_in(client, email="alice@acme.test", browser=browser)
    assert not oidc_idp.asks_to_sign_in(browser, authorize_url())  # the IdP remembers her

    end_session = idp_logout_address(client.post("/accounts/logout/"))
    back = oidc_idp.confirm_sign_out(browser, end_session)

    assert back == f"{KINDRED}/"
    assert oidc_idp.asks_to_sign_in(browser, authorize_url())


def test_the_id_token_is_kept_out_of_the_database(client, oidc_sign_in):
    oidc_sign_in(client, email="alice@acme.test")

    sessions = [str(s.get_decoded()) for s in Session.objects.all()]
    assert sessions
    assert not any("eyJ" in s for s in sessions)  # how every JWT begins


def test_logout_stays_at_kindred_when_the_connection_is_switched_off(
    client, oidc_connection, oidc_sign_in
):
    oidc_sign_in(client, email="alice@acme.test")
    oidc_connection.is_active = False
    oidc_connection.save()

    response = client.post("/accounts/logout/")

    assert response["Location"] == "/"
    assert not signed_in(client)


def test_a_password_users_logout_is_unchanged(client, user):
    client.force_login(user)

    page = client.get("/accounts/logout/")
    response = client.post("/accounts/logout/")

    assert page.status_code == 200
    assert 'action="/accounts/logout/"' in page.content.decode()
    assert response["Location"] == "/"
    assert not signed_in(client)


def test_logout_stays_at_kindred_when_the_idp_cannot_be_reached(
    client, oidc_connection, oidc_sign_in
):
    oidc_sign_in(client, email="alice@acme.test")
    with socket.socket() as closed:  # a loopback port nothing listens on once closed
        closed.bind(("127.0.0.1", 0))
        port = closed.getsockname()[1]
    oidc_connection.server_url = f"http://127.0.0.1:{port}"
    oidc_connection.save()

    response = client.post("/accounts/logout/")

    assert response["Location"] == "/"
    assert not signed_in(client)
