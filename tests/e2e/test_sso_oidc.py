"""Signing in through an organisation's OpenID Connect provider in a real browser:
Kindred's email-first sign-in page, the provider's own form (a real provider on
loopback, tests/sso/idp/oidc_idp.js), back to Kindred; logout at both ends; and a
tampered or expired ID token refused in words a person understands."""

import pytest
from allauth.socialaccount.models import SocialAccount
from playwright.sync_api import Page, expect

from profiles.models import User
from sso.models import EmailDomain, Organisation
from tests.sso.idp import oidc

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

SLUG = "acme-oidc"
ALICE = "alice@acme.test"


@pytest.fixture(scope="module")
def idp(live_server):
    """The provider, its client registered with the live server's addresses."""
    with oidc.running(kindred=live_server.url, slug=SLUG) as running:
        yield running


@pytest.fixture
def connection(idp):
    acme = Organisation.objects.create(name="Acme", slug="acme")
    EmailDomain.objects.create(organisation=acme, domain="acme.test")
    yield oidc.connect(idp=idp, organisation=acme, slug=SLUG)
    idp.set_mode("normal")


def sign_in(page: Page, *, email: str) -> None:
    """From Kindred's sign-in page through the provider's form."""
    page.goto("/accounts/login/")
    page.get_by_label("Email").fill(email)
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("heading", name="Sign in to Test IdP")).to_be_visible()
    expect(page.get_by_label("Email")).to_have_value(email)  # Kindred told it (login_hint)
    page.get_by_label("Password").fill(oidc.PASSWORD)
    page.get_by_role("button", name="Sign in").click()


def test_sign_in_log_out_and_sign_in_again_through_the_organisations_provider(
    browsing, connection, live_server
):
    page = browsing.page()

    sign_in(page, email=ALICE)
    expect(page.get_by_role("button", name="Log out")).to_be_visible()
    alice = User.objects.get(email=ALICE)
    assert (alice.first_name, alice.last_name) == ("Alice", "Archer")

    page.get_by_role("button", name="Log out").click()
    expect(page.get_by_role("heading", name="Sign out of Test IdP")).to_be_visible()
    page.get_by_role("button", name="Yes, sign me out").click()
    expect(page).to_have_url(f"{live_server.url}/")
    expect(
        page.get_by_role("navigation", name="Main").get_by_role("link", name="Log in")
    ).to_be_visible()

    sign_in(page, email=ALICE)  # the provider asks again: its session ended too
    expect(page.get_by_role("button", name="Log out")).to_be_visible()
    assert User.objects.filter(email__iexact=ALICE).count() == 1
    assert SocialAccount.objects.get(uid="alice").user == alice


@pytest.mark.parametrize("mode", ["tamper", "expired"])
def test_a_tampered_or_expired_id_token_is_refused_and_makes_no_account(
    browsing, connection, idp, mode
):
    page = browsing.page()
    idp.set_mode(mode)

    sign_in(page, email=ALICE)

    expect(page.get_by_role("heading", name="We could not sign you in")).to_be_visible()
    expect(page.get_by_text("We could not sign you in with Acme SSO")).to_be_visible()
    expect(page.get_by_role("link", name="Back to sign in")).to_be_visible()
    assert not User.objects.exists()
    assert not SocialAccount.objects.exists()
