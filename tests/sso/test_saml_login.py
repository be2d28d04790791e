"""Signing in through a real SAML IdP on loopback (tests/sso/idp/saml_idp.js),
with the connection set up by metadata URL and by hand-typed fields."""

from urllib.parse import urlparse

import pytest
from allauth.socialaccount.models import SocialAccount
from django.test import Client

from profiles.models import User
from scripts.saml_smoke import key_and_cert
from sso.models import Connection, EmailDomain, Organisation
from tests.sso.idp.saml import cert_body, decoded, encoded

pytestmark = pytest.mark.django_db

SLUG = "acme-saml"
# python3-saml refuses single-label hosts such as the test client's "testserver".
HOST = "localhost"


@pytest.fixture
def client():
    return Client(HTTP_HOST=HOST)


@pytest.fixture
def organisation():
    organisation = Organisation.objects.create(name="Acme", slug="acme")
    EmailDomain.objects.create(organisation=organisation, domain="acme.test")
    return organisation


@pytest.fixture(params=["metadata_url", "typed"])
def connection(request, organisation, saml_idp):
    """The IdP as an admin would enter it: its metadata URL, or its fields typed in."""
    if request.param == "metadata_url":
        fields = {"metadata_url": saml_idp.metadata_url, "idp_entity_id": saml_idp.entity_id}
    else:
        fields = {
            "idp_entity_id": saml_idp.entity_id,
            "idp_sso_url": saml_idp.sso_url,
            "idp_slo_url": saml_idp.slo_url,
            "idp_x509cert": saml_idp.cert,
        }
    return _connection(organisation, saml_idp, **fields)


def _connection(organisation, saml_idp, **fields) -> Connection:
    connection = Connection.objects.create(
        organisation=organisation,
        protocol=Connection.Protocol.SAML,
        slug=SLUG,
        label="Acme SSO",
        **fields,
    )
    # What the admin does on the IdP's side: trust Kindred's SP metadata.
    metadata = Client(HTTP_HOST=HOST).get(f"/accounts/saml/{SLUG}/metadata/")
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
    acs = urlparse(answer["action"])
    assert acs.path == f"/accounts/saml/{SLUG}/acs/"
    return client.post(
        acs.path,
        {"SAMLResponse": answer["SAMLResponse"], "RelayState": answer["RelayState"]},
        follow=True,
    )


def signed_in_user(client) -> User | None:
    user_id = client.session.get("_auth_user_id")
    return User.objects.filter(pk=user_id).first() if user_id else None


def test_first_login_creates_the_account_with_the_idps_email_and_name(client, connection, saml_idp):
    post_to_acs(client, idp_answer(client, saml_idp))

    user = signed_in_user(client)
    assert user is not None
    assert (user.email, user.first_name, user.last_name) == ("ada@acme.test", "Ada", "Lovelace")
    account = SocialAccount.objects.get(user=user)
    assert (account.provider, account.uid) == (SLUG, "u-ada")


def test_second_login_finds_the_same_account(client, connection, saml_idp):
    post_to_acs(client, idp_answer(client, saml_idp))
    first = signed_in_user(client)
    client.logout()

    post_to_acs(client, idp_answer(client, saml_idp))

    assert signed_in_user(client) == first
    assert User.objects.filter(email__iexact="ada@acme.test").count() == 1
    assert SocialAccount.objects.count() == 1


def refused(response, because: str) -> bool:
    """Kindred's page for a refused sign-in, saying why in plain words."""
    text = response.content.decode()
    return response.status_code == 401 and "We could not sign you in" in text and because in text


def test_a_tampered_assertion_is_refused_and_makes_no_account(client, connection, saml_idp):
    answer = idp_answer(client, saml_idp)
    xml = decoded(answer["SAMLResponse"])
    answer["SAMLResponse"] = encoded(xml.replace("ada@acme.test", "mallory@acme.test"))

    response = post_to_acs(client, answer)

    assert refused(response, because="signature did not match")
    assert signed_in_user(client) is None
    assert not User.objects.exists()


def test_an_expired_assertion_is_refused_and_makes_no_account(
    client, connection, saml_idp, saml_mode
):
    saml_mode("expired")
    response = post_to_acs(client, idp_answer(client, saml_idp))

    assert refused(response, because="had expired before it reached Kindred")
    assert signed_in_user(client) is None
    assert not User.objects.exists()


def test_an_unsigned_response_is_refused(client, connection, saml_idp, saml_mode):
    saml_mode("unsigned")
    response = post_to_acs(client, idp_answer(client, saml_idp))

    assert refused(response, because="was not signed")
    assert signed_in_user(client) is None
    assert not User.objects.exists()


def test_a_response_signed_by_another_key_is_refused(client, organisation, saml_idp):
    _, other_cert = key_and_cert("Not the IdP")
    _connection(
        organisation,
        saml_idp,
        idp_entity_id=saml_idp.entity_id,
        idp_sso_url=saml_idp.sso_url,
        idp_x509cert=cert_body(other_cert),
    )

    response = post_to_acs(client, idp_answer(client, saml_idp))

    assert refused(response, because="signature did not match")
    assert not User.objects.exists()


def test_an_answer_replayed_after_logout_signs_no_one_in(client, connection, saml_idp):
    answer = idp_answer(client, saml_idp)
    post_to_acs(client, answer)
    client.logout()

    response = post_to_acs(client, answer)

    # allauth finds no sign-in started in this session for the answer (its
    # InResponseTo), and refuses it.
    assert 400 <= response.status_code < 500
    assert signed_in_user(client) is None
