"""Signing in through an OpenID Connect provider (a real one on loopback)."""

import pytest
from allauth.socialaccount.models import SocialAccount
from django.conf import settings
from django.urls import reverse

from profiles.models import User
from tests.factories import UserFactory
from tests.sso.conftest import OIDC_SLUG

pytestmark = pytest.mark.django_db


def signed_in_user(client):
    return client.get("/").wsgi_request.user


def test_first_sign_in_creates_the_account_from_the_idps_verified_email_and_name(
    client, oidc_sign_in
):
    response = oidc_sign_in(client, email="alice@acme.test")

    assert response.redirect_chain == [(reverse(settings.LOGIN_REDIRECT_URL), 302)]
    user = User.objects.get(email="alice@acme.test")
    assert (user.first_name, user.last_name) == ("Alice", "Archer")
    assert user.emailaddress_set.get().verified
    account = SocialAccount.objects.get(user=user)
    assert (account.provider, account.uid) == (OIDC_SLUG, "alice")
    assert signed_in_user(client) == user


def test_second_sign_in_finds_the_same_account(client, oidc_sign_in):
    oidc_sign_in(client, email="alice@acme.test")
    client.logout()

    oidc_sign_in(client, email="alice@acme.test")

    assert User.objects.filter(email__iexact="alice@acme.test").count() == 1
    assert SocialAccount.objects.count() == 1
    assert signed_in_user(client).email == "alice@acme.test"


def test_an_existing_password_account_with_the_same_verified_email_is_linked(client, oidc_sign_in):
    existing = UserFactory(email="bob@acme.test")

    oidc_sign_in(client, email="bob@acme.test")

    assert User.objects.filter(email__iexact="bob@acme.test").count() == 1
    assert SocialAccount.objects.get(uid="bob").user == existing
    assert signed_in_user(client) == existing


@pytest.mark.parametrize("mode", ["tamper", "expired"])
def test_a_bad_id_token_is_refused_with_a_clear_message_and_no_account(
    client, oidc_idp, oidc_sign_in, mode
):
    with oidc_idp.mode(mode):
        response = oidc_sign_in(client, email="alice@acme.test")

    assert response.status_code == 401
    assert "could not sign you in with Acme SSO" in " ".join(response.content.decode().split())
    assert not User.objects.exists()
    assert not SocialAccount.objects.exists()
    assert not signed_in_user(client).is_authenticated
