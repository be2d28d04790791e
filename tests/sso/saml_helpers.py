"""A SAML sign-in through the local IdP, driven with Django's test client:
Kindred's redirect, the IdP's form over HTTP, the answer POSTed to the ACS."""

from urllib.parse import urlsplit

import requests
from django.test import Client

from profiles.models import User
from sso.models import Connection, EmailDomain, Organisation

SLUG = "acme-saml"
# python3-saml refuses single-label hosts such as the test client's "testserver".
HOST = "localhost"


def kindred() -> Client:
    return Client(HTTP_HOST=HOST)


def acme() -> Organisation:
    organisation = Organisation.objects.create(name="Acme", slug="acme")
    EmailDomain.objects.create(organisation=organisation, domain="acme.test")
    return organisation


def typed_fields(saml_idp) -> dict:
    """The IdP's fields as an admin types them in."""
    return {
        "idp_entity_id": saml_idp.entity_id,
        "idp_sso_url": saml_idp.sso_url,
        "idp_slo_url": saml_idp.slo_url,
        "idp_x509cert": saml_idp.cert,
    }


def connect(organisation, saml_idp, *, live_url: str = "", **fields) -> Connection:
    """The organisation's SAML connection with ``fields``, and the IdP told to trust
    Kindred's SP metadata (from the test client, or from a live server at ``live_url``),
    as an admin sets it up at Okta or Entra ID."""
    connection = Connection.objects.create(
        organisation=organisation,
        protocol=Connection.Protocol.SAML,
        slug=SLUG,
        label="Acme SSO",
        **fields,
    )
    path = f"/accounts/saml/{SLUG}/metadata/"
    metadata = requests.get(live_url + path, timeout=10) if live_url else kindred().get(path)
    assert metadata.status_code == 200
    saml_idp.register_sp(metadata.content.decode())
    return connection


def idp_answer(client, saml_idp, user=None) -> dict:
    """Start at Kindred, sign in at the IdP; what the IdP would POST back."""
    user = user or saml_idp.users[0]
    started = client.post(f"/accounts/saml/{SLUG}/login/")
    assert started.status_code == 302
    assert started["Location"].startswith(saml_idp.sso_url + "?SAMLRequest=")
    return saml_idp.sign_in(started["Location"], email=user.email, password=user.password)


def post_to_acs(client, answer: dict):
    acs = urlsplit(answer["action"])
    assert acs.path == f"/accounts/saml/{SLUG}/acs/"
    return client.post(
        acs.path,
        {"SAMLResponse": answer["SAMLResponse"], "RelayState": answer["RelayState"]},
        follow=True,
    )


def signed_in_user(client) -> User | None:
    user_id = client.session.get("_auth_user_id")
    return User.objects.filter(pk=user_id).first() if user_id else None
