"""Logout after signing in through a SAML IdP (tests/sso/idp/saml_idp.js): Kindred's
session ends, then single logout at the IdP names the person as its assertion did."""

import base64
import zlib
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
from django.test import Client

from sso.models import Connection
from tests.sso.test_oidc_logout import idp_logout_address

pytestmark = pytest.mark.django_db

SLUG = "acme-saml"
HOST = "localhost"  # python3-saml refuses single-label hosts such as "testserver"


@pytest.fixture
def client():
    return Client(HTTP_HOST=HOST)


@pytest.fixture
def connection(acme, saml_idp):
    connection = Connection.objects.create(
        organisation=acme,
        protocol=Connection.Protocol.SAML,
        slug=SLUG,
        label="Acme SSO",
        idp_entity_id=saml_idp.entity_id,
        idp_sso_url=saml_idp.sso_url,
        idp_slo_url=saml_idp.slo_url,
        idp_x509cert=saml_idp.cert,
    )
    saml_idp.register_sp(Client(HTTP_HOST=HOST).get(f"/accounts/saml/{SLUG}/metadata/").text)
    return connection


def sign_in(client, saml_idp, user) -> None:
    started = client.post(f"/accounts/saml/{SLUG}/login/")
    answer = saml_idp.sign_in(started["Location"], email=user.email, password=user.password)
    client.post(
        urlsplit(answer["action"]).path,
        {"SAMLResponse": answer["SAMLResponse"], "RelayState": answer["RelayState"]},
        follow=True,
    )
    assert client.get("/").wsgi_request.user.email == user.email


def logout_request(url: str) -> str:
    """The LogoutRequest XML inside an HTTP-Redirect binding URL."""
    (deflated,) = parse_qs(urlsplit(url).query)["SAMLRequest"]
    return zlib.decompress(base64.b64decode(deflated), -15).decode()


def test_logout_ends_the_session_and_asks_the_idp_to_log_out_the_same_subject(
    client, connection, saml_idp
):
    ada = saml_idp.users[0]
    sign_in(client, saml_idp, ada)

    response = client.post("/accounts/logout/")

    assert not client.get("/").wsgi_request.user.is_authenticated
    to_idp = idp_logout_address(response)
    assert to_idp.startswith(f"{saml_idp.slo_url}?SAMLRequest=")
    xml = logout_request(to_idp)
    assert f">{ada.email}</saml:NameID>" in xml
    assert "<samlp:SessionIndex>_" in xml  # the assertion's, so only that session ends


def test_the_idp_logs_the_person_out_and_sends_them_back_home(client, connection, saml_idp):
    ada = saml_idp.users[0]
    sign_in(client, saml_idp, ada)
    known = len(saml_idp.logouts())

    to_idp = idp_logout_address(client.post("/accounts/logout/"))
    answer = requests.get(to_idp, allow_redirects=False, timeout=5)
    back = urlsplit(answer.headers["Location"])
    home = client.get(f"{back.path}?{back.query}")

    assert saml_idp.logouts()[known:] == [ada.email]
    assert back.path == f"/accounts/saml/{SLUG}/sls/"
    assert home["Location"] == "/"


def test_logout_stays_at_kindred_when_the_idp_has_no_single_logout(client, connection, saml_idp):
    connection.idp_slo_url = ""
    connection.save()
    sign_in(client, saml_idp, saml_idp.users[0])

    response = client.post("/accounts/logout/")

    assert response["Location"] == "/"
    assert not client.get("/").wsgi_request.user.is_authenticated
