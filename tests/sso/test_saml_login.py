"""Signing in through a real SAML IdP on loopback (tests/sso/idp/saml_idp.js),
with the connection set up by metadata URL and by hand-typed fields."""

import pytest
from allauth.socialaccount.models import SocialAccount

from profiles.models import User
from scripts.saml_smoke import key_and_cert
from tests.sso.idp.saml import cert_body, decoded, encoded
from tests.sso.saml_helpers import (
    SLUG,
    acme,
    connect,
    idp_answer,
    kindred,
    post_to_acs,
    signed_in_user,
    typed_fields,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def client():
    return kindred()


@pytest.fixture
def organisation():
    return acme()


@pytest.fixture(params=["metadata_url", "typed"])
def connection(request, organisation, saml_idp):
    """The IdP as an admin would enter it: its metadata URL, or its fields typed in."""
    if request.param == "metadata_url":
        fields = {"metadata_url": saml_idp.metadata_url, "idp_entity_id": saml_idp.entity_id}
    else:
        fields = typed_fields(saml_idp)
    return connect(organisation, saml_idp, **fields)


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
    connect(
        organisation, saml_idp, **{**typed_fields(saml_idp), "idp_x509cert": cert_body(other_cert)}
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
    # InResponseTo), and refuses it: said in words, not as a bare 403.
    assert refused(response, because="used already")
    assert signed_in_user(client) is None


@pytest.mark.parametrize("garbage", ["not base64 at all!", encoded("<not-saml/>"), encoded("<<<")])
def test_a_garbled_answer_gets_the_error_page_not_a_500(client, connection, garbage):
    response = client.post(f"/accounts/saml/{SLUG}/acs/", {"SAMLResponse": garbage}, follow=True)

    assert response.status_code == 401
    assert "We could not sign you in" in response.content.decode()
    assert not User.objects.exists()
