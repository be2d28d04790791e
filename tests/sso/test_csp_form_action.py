"""The sign-in pages may send their forms on to an organisation's identity
provider (sso/csp.py); every other page keeps ``form-action 'self'``."""

import pytest

from sso.models import Connection, Organisation

pytestmark = pytest.mark.django_db


def form_action(response) -> str:
    directives = dict(
        part.strip().split(" ", 1) for part in response["Content-Security-Policy"].split(";")
    )
    return directives["form-action"]


@pytest.fixture
def connections():
    acme = Organisation.objects.create(name="Acme", slug="acme")
    Connection.objects.create(
        organisation=acme,
        protocol=Connection.Protocol.SAML,
        slug="acme-saml",
        label="Acme SSO",
        metadata_url="https://acme.okta.example/app/xyz/sso/saml/metadata",
        idp_sso_url="https://sso.acme.example:8443/saml/sso",
    )
    Connection.objects.create(
        organisation=acme,
        protocol=Connection.Protocol.OIDC,
        slug="acme-oidc",
        label="Acme OIDC",
        server_url="https://login.acme.example/realms/staff",
    )
    Connection.objects.create(
        organisation=acme,
        protocol=Connection.Protocol.OIDC,
        slug="old",
        label="Old",
        server_url="https://retired.example",
        is_active=False,
    )


def test_the_sign_in_page_may_send_to_the_active_providers(client, connections):
    allowed = form_action(client.get("/accounts/login/"))

    assert allowed.split() == [
        "'self'",
        "https://acme.okta.example",
        "https://login.acme.example",
        "https://sso.acme.example:8443",
    ]


def test_other_pages_keep_forms_to_kindred_only(client, connections):
    assert form_action(client.get("/")) == "'self'"


def test_with_no_connections_the_sign_in_page_is_unchanged(client, db):
    assert form_action(client.get("/accounts/login/")) == "'self'"
