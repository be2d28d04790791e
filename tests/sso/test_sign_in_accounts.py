"""Which account a single sign-on reaches: Kindred's rule for an IdP's email
(verified only at the connection's organisation's domains, and not when the
IdP says it is unverified), the role chosen before signing up, and where a
new person lands."""

from urllib.parse import parse_qs, urlsplit

import pytest
import requests
from allauth.socialaccount.adapter import get_adapter
from allauth.socialaccount.models import SocialAccount
from django.core import mail
from django.test import RequestFactory
from django.urls import reverse

from profiles.models import User
from profiles.services import JOIN_ROLE_SESSION_KEY
from sso.models import Connection, EmailDomain, Organisation
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def initech():
    organisation = Organisation.objects.create(name="Initech", slug="initech")
    EmailDomain.objects.create(organisation=organisation, domain="initech.test")
    Connection.objects.create(
        organisation=organisation,
        protocol=Connection.Protocol.OIDC,
        slug="initech",
        label="Initech SSO",
        server_url="https://login.initech.test",
        client_id="kindred",
    )
    return organisation


def login_from(claims: dict):
    """allauth's login as its OpenID Connect provider builds it from the IdP's answer."""
    request = RequestFactory().get("/")
    provider = get_adapter(request).get_provider(request, "initech")
    return provider.sociallogin_from_response(request, {"userinfo": {"sub": "u1", **claims}})


def existing(email: str) -> User:
    """A password account whose address is confirmed."""
    return UserFactory(email=email)


def test_an_email_at_the_organisations_domain_is_verified_and_finds_the_account(initech):
    user = existing("ann@initech.test")

    login = login_from({"email": "Ann@Initech.test", "email_verified": True})
    login.lookup()

    assert [a.verified for a in login.email_addresses] == [True]
    assert login.user == user


def test_an_idp_that_does_not_say_counts_at_the_organisations_domain(initech):
    login = login_from({"email": "ann@initech.test"})

    assert [a.verified for a in login.email_addresses] == [True]


@pytest.mark.parametrize("said", [False, "false"])
def test_an_idp_that_says_unverified_is_believed(initech, said):
    user = existing("ann@initech.test")

    login = login_from({"email": "ann@initech.test", "email_verified": said})
    login.lookup()

    assert [a.verified for a in login.email_addresses] == [False]
    assert login.user.pk is None and login.user != user


def test_an_email_at_another_domain_is_unverified_and_takes_over_nothing(initech):
    victim = existing("vic@example.org")

    login = login_from({"email": "vic@example.org", "email_verified": True})
    login.lookup()

    assert [a.verified for a in login.email_addresses] == [False]
    assert login.user.pk is None and login.user != victim


def test_another_organisations_domain_is_not_this_connections(initech):
    other = Organisation.objects.create(name="Hooli", slug="hooli")
    EmailDomain.objects.create(organisation=other, domain="hooli.test")
    existing("gav@hooli.test")

    login = login_from({"email": "gav@hooli.test", "email_verified": True})
    login.lookup()

    assert [a.verified for a in login.email_addresses] == [False]
    assert login.user.pk is None


# --- through the local OpenID Connect provider (tests/sso/conftest.py) ---------


def test_the_email_step_goes_to_the_idp_with_the_address_and_back(
    client, oidc_connection, oidc_idp
):
    response = client.post(reverse("account_login"), {"email": "alice@acme.test"})

    assert response.status_code == 302
    authorize = response["Location"]
    assert authorize.startswith(oidc_idp.issuer)
    assert parse_qs(urlsplit(authorize).query)["login_hint"] == ["alice@acme.test"]
    callback = urlsplit(oidc_idp.sign_in(requests.Session(), authorize, email="alice@acme.test"))
    client.get(f"{callback.path}?{callback.query}")
    assert client.session["_auth_user_id"] == str(User.objects.get(email="alice@acme.test").pk)


def test_a_new_person_keeps_the_role_they_chose_and_goes_on_to_join(
    client, oidc_sign_in, default_program
):
    session = client.session
    session[JOIN_ROLE_SESSION_KEY] = "mentor"
    session.save()

    response = oidc_sign_in(client, email="bob@acme.test")

    bob = User.objects.get(email="bob@acme.test")
    assert bob.signup_role == "mentor"
    # As after a password sign-up: joining, then the questionnaire's first step.
    visited = [url for url, _ in response.redirect_chain]
    assert reverse("profiles:join", args=["mentor"]) in visited
    profile = bob.profiles.get()
    assert (profile.role, visited[-1]) == ("mentor", f"/p/{profile.pk}/edit/about/")


def test_an_idp_at_a_domain_it_does_not_own_cannot_take_over_an_account(
    client, oidc_connection, oidc_sign_in
):
    EmailDomain.objects.filter(organisation=oidc_connection.organisation).update(
        domain="acme.example"
    )
    victim = existing("alice@acme.test")

    oidc_sign_in(client, email="alice@acme.test")

    assert not SocialAccount.objects.filter(user=victim).exists()
    assert client.session.get("_auth_user_id") != str(victim.pk)
    assert User.objects.filter(email__iexact="alice@acme.test").count() == 1


def test_a_new_account_from_an_unverified_email_waits_for_the_emailed_confirmation(
    client, oidc_connection, oidc_sign_in
):
    EmailDomain.objects.filter(organisation=oidc_connection.organisation).update(
        domain="acme.example"
    )

    response = oidc_sign_in(client, email="alice@acme.test")

    alice = User.objects.get(email="alice@acme.test")
    assert not alice.emailaddress_set.get().verified
    assert "_auth_user_id" not in client.session
    assert response.redirect_chain[-1][0] == reverse("account_email_verification_sent")
    assert [m.to for m in mail.outbox] == [["alice@acme.test"]]
