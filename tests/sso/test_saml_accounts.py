"""Which Kindred account a SAML sign-in lands in (sso/adapter.py's rule): an IdP
vouches for addresses at its organisation's domains only."""

import pytest
from allauth.socialaccount.models import SocialAccount

from profiles.models import User
from tests.factories import UserFactory
from tests.sso.idp.saml import SamlUser
from tests.sso.saml_helpers import (
    acme,
    connect,
    idp_answer,
    kindred,
    post_to_acs,
    signed_in_user,
    typed_fields,
)

pytestmark = pytest.mark.django_db

EVE = SamlUser("eve@elsewhere.test", "idp-password-eve", "Eve", "Outside", "u-eve")


@pytest.fixture
def client():
    return kindred()


@pytest.fixture
def connection(saml_idp):
    return connect(acme(), saml_idp, **typed_fields(saml_idp))


def test_a_password_account_at_the_organisations_domain_is_linked(client, connection, saml_idp):
    ada = UserFactory(email="ada@acme.test")

    post_to_acs(client, idp_answer(client, saml_idp))

    assert signed_in_user(client) == ada
    assert SocialAccount.objects.get(provider=connection.slug).user == ada
    assert User.objects.filter(email__iexact="ada@acme.test").count() == 1


def test_an_address_outside_the_organisations_domains_takes_over_no_account(
    client, connection, saml_idp
):
    saml_idp.add_user(EVE)
    eve = UserFactory(email=EVE.email)

    post_to_acs(client, idp_answer(client, saml_idp, EVE))

    assert signed_in_user(client) is None
    assert not SocialAccount.objects.filter(user=eve).exists()
    assert User.objects.filter(email__iexact=EVE.email).count() == 1


def test_a_new_address_outside_the_domains_is_not_taken_as_verified(client, connection, saml_idp):
    saml_idp.add_user(EVE)

    post_to_acs(client, idp_answer(client, saml_idp, EVE))

    assert not User.objects.get(email=EVE.email).emailaddress_set.filter(verified=True).exists()
