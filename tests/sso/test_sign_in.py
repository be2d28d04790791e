"""The sign-in page, email first: the address's domain sends a person to their
organisation's identity provider, a choice of several, or the password form."""

import socket
from urllib.parse import parse_qs, urlsplit

import pytest
from django.test import Client
from django.urls import reverse

from sso.models import Connection
from tests.factories import PASSWORD, UserFactory
from tests.sso.globex import IDP_SSO, organisation, saml_connection

pytestmark = pytest.mark.django_db

LOGIN = "/accounts/login/"


@pytest.fixture
def client():
    # A browser always sends Host, which allauth's SAML reads; python3-saml
    # refuses the test client's single-label "testserver".
    return Client(HTTP_HOST="localhost")


@pytest.fixture
def globex():
    return organisation()


def test_the_page_asks_for_the_email_first(client):
    page = client.get(LOGIN).content.decode()

    assert 'name="email"' in page and "Continue" in page
    assert 'name="password"' not in page


def test_an_sso_domain_goes_straight_to_its_identity_provider(client, globex):
    saml_connection(globex)

    response = client.post(LOGIN, {"email": "Ann@GLOBEX.test", "next": "/programs/"})

    assert response.status_code == 302
    assert response["Location"].startswith(IDP_SSO + "?SAMLRequest=")
    # allauth keeps the state (and next) in the session for the ACS to read.
    assert "/programs/" in str(dict(client.session))


def test_a_subdomain_or_look_alike_is_not_the_organisations(client, globex):
    saml_connection(globex)

    for email in ("ann@mail.globex.test", "ann@globex.test.evil", "ann@xglobex.test"):
        response = client.post(LOGIN, {"email": email})
        assert response.status_code == 200
        assert 'name="password"' in response.content.decode()


def test_another_domain_gets_the_password_form_with_the_email_filled_in(client, globex):
    saml_connection(globex)

    response = client.post(LOGIN, {"email": "bo@example.org", "next": "/programs/"})

    page = response.content.decode()
    assert response.status_code == 200
    assert 'value="bo@example.org"' in page and 'name="password"' in page
    assert 'name="next" value="/programs/"' in page
    assert "Send me a sign-in code" in page and "Forgot your password?" in page
    assert reverse("account_signup") in page


def test_an_inactive_connection_sends_no_one_anywhere(client, globex):
    saml_connection(globex, is_active=False)

    response = client.post(LOGIN, {"email": "ann@globex.test"})

    assert response.status_code == 200 and 'name="password"' in response.content.decode()


def test_several_connections_offer_a_choice(client, globex):
    saml_connection(globex)
    saml_connection(globex, slug="globex-eu", label="Globex Europe")

    response = client.post(LOGIN, {"email": "ann@globex.test"})

    page = response.content.decode()
    assert response.status_code == 200
    assert "Continue with Globex SSO" in page and "Continue with Globex Europe" in page
    assert 'formaction="/accounts/saml/globex-eu/login/"' in page
    assert 'name="password"' not in page


def test_a_bad_email_is_answered_on_the_email_step(client):
    response = client.post(LOGIN, {"email": "not an address"})

    page = response.content.decode()
    assert response.status_code == 200
    assert "Enter a valid email address." in page
    assert 'aria-invalid="true"' in page


def test_the_password_step_still_signs_a_person_in(client):
    user = UserFactory(email="bo@example.org")

    response = client.post(LOGIN, {"login": "bo@example.org", "password": PASSWORD})

    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(user.pk)


def test_a_wrong_password_stays_on_the_password_step(client):
    UserFactory(email="bo@example.org")

    response = client.post(LOGIN, {"login": "bo@example.org", "password": "nope"})

    page = response.content.decode()
    assert "not correct" in page and 'name="password"' in page
    assert 'value="bo@example.org"' in page


def test_the_page_lists_every_active_connection_as_a_button(client, globex):
    saml_connection(globex)
    saml_connection(globex, slug="old", label="Old SSO", is_active=False)

    page = client.get(LOGIN).content.decode()

    assert "Sign in with Globex SSO" in page and "Old SSO" not in page
    assert 'formaction="/accounts/saml/globex-saml/login/"' in page


def test_a_direct_button_starts_the_sign_in(client, globex):
    saml_connection(globex)

    response = client.post("/accounts/saml/globex-saml/login/")

    assert response.status_code == 302
    assert parse_qs(urlsplit(response["Location"]).query)["SAMLRequest"]


def closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_an_unreachable_provider_is_said_in_words(client, globex):
    Connection.objects.create(
        organisation=globex,
        protocol=Connection.Protocol.OIDC,
        slug="globex-oidc",
        label="Globex SSO",
        server_url=f"http://127.0.0.1:{closed_port()}",
        client_id="kindred",
    )

    response = client.post(LOGIN, {"email": "ann@globex.test"})

    assert response.status_code == 200
    assert "Globex SSO cannot be reached just now" in response.content.decode()


def test_an_unreachable_saml_metadata_url_is_said_in_words(client, globex):
    saml_connection(globex, metadata_url=f"http://127.0.0.1:{closed_port()}/metadata")

    response = client.post(LOGIN, {"email": "ann@globex.test"})

    assert response.status_code == 200
    assert "Globex SSO cannot be reached just now" in response.content.decode()


def test_the_choice_keeps_where_the_person_was_going(client, globex):
    saml_connection(globex)
    saml_connection(globex, slug="globex-eu", label="Globex Europe")

    response = client.post(LOGIN, {"email": "ann@globex.test", "next": "/programs/"})

    assert '<input type="hidden" name="next" value="/programs/">' in response.content.decode()
