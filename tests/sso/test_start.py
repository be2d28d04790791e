"""Starting a sign-in from a direct "Sign in with …" button or a required-SSO
link (sso/start_views.py): a GET asks first, a POST goes on to the IdP, and an
IdP that cannot be reached gets a page that says so, never a 500."""

import socket

import pytest

from sso.models import Connection
from tests.sso import globex
from tests.sso.saml_helpers import HOST

pytestmark = pytest.mark.django_db


@pytest.fixture
def client(client):
    # python3-saml reads the host from HTTP_HOST, which a browser always sends,
    # and takes no single-label host for Kindred's addresses.
    client.defaults["HTTP_HOST"] = HOST
    return client


def closed_port() -> int:
    """A loopback port nobody listens on (bound, then let go)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def organisation():
    return globex.organisation()


def test_a_get_asks_before_going_to_the_idp(client, organisation):
    globex.saml_connection(organisation)

    response = client.get("/accounts/saml/globex-saml/login/")

    assert response.status_code == 200
    assert b"Continue" in response.content


def test_a_post_goes_on_to_the_saml_idp(client, organisation):
    globex.saml_connection(organisation)

    response = client.post("/accounts/saml/globex-saml/login/")

    assert response.status_code == 302
    assert response["Location"].startswith(f"{globex.IDP_SSO}?SAMLRequest=")


def test_an_unknown_or_switched_off_connection_is_a_404(client, organisation):
    globex.saml_connection(organisation, is_active=False)

    assert client.post("/accounts/saml/globex-saml/login/").status_code == 404
    assert client.post("/accounts/saml/nobody/login/").status_code == 404
    # The slug of a SAML connection is not an OpenID Connect one.
    assert client.post("/accounts/oidc/globex-saml/login/").status_code == 404


def test_an_unreachable_saml_metadata_url_says_so(client, organisation):
    url = f"http://127.0.0.1:{closed_port()}/metadata"
    globex.saml_connection(organisation, metadata_url=url)

    response = client.post("/accounts/saml/globex-saml/login/")

    assert response.status_code == 503
    assert b"Globex SSO cannot be reached just now" in response.content


def test_an_unreachable_oidc_provider_says_so(client, organisation):
    Connection.objects.create(
        organisation=organisation,
        protocol=Connection.Protocol.OIDC,
        slug="globex-oidc",
        label="Globex OIDC",
        server_url=f"http://127.0.0.1:{closed_port()}",
        client_id="kindred",
        client_secret="s3cret",
    )

    response = client.post("/accounts/oidc/globex-oidc/login/")

    assert response.status_code == 503
    assert b"Globex OIDC cannot be reached just now" in response.content
