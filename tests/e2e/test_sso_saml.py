"""Signing in through an organisation's SAML 2.0 IdP in a real browser: Kindred's
email-first sign-in page, the IdP's own form (a real IdP on loopback,
tests/sso/idp/saml_idp.js), its signed answer POSTed back to Kindred; and a
tampered or expired assertion refused in words a person understands."""

from urllib.parse import parse_qs, urlencode

import pytest
from allauth.socialaccount.models import SocialAccount
from playwright.sync_api import Page, Route, expect

from profiles.models import User
from tests.sso.idp import saml
from tests.sso.saml_helpers import SLUG, acme, connect

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

ADA = saml.USERS[0]


@pytest.fixture(scope="module")
def idp():
    with saml.running() as running:
        yield running


@pytest.fixture
def connection(idp, live_server):
    """Acme's IdP by its metadata URL, trusting the live server's SP metadata."""
    yield connect(
        acme(),
        idp,
        live_url=live_server.url,
        metadata_url=idp.metadata_url,
        idp_entity_id=idp.entity_id,
    )
    idp.set_mode("normal")


def sign_in(page: Page, *, user: saml.SamlUser = ADA) -> None:
    """From Kindred's sign-in page through the IdP's form, and back."""
    page.goto("/accounts/login/")
    page.get_by_label("Email").fill(user.email)
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("heading", name="Sign in to the test IdP")).to_be_visible()
    page.get_by_label("Email").fill(user.email)
    page.get_by_label("Password").fill(user.password)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", name=f"Signed in as {user.email}")).to_be_visible()
    page.get_by_role("button", name="Continue").click()


def test_first_sign_in_makes_the_account_and_the_second_finds_it(browsing, connection):
    page = browsing.page()

    sign_in(page)
    expect(page.get_by_role("button", name="Log out")).to_be_visible()
    ada = User.objects.get(email=ADA.email)
    assert (ada.first_name, ada.last_name) == (ADA.first_name, ADA.last_name)

    page.context.clear_cookies()
    sign_in(page)
    expect(page.get_by_role("button", name="Log out")).to_be_visible()
    assert User.objects.filter(email__iexact=ADA.email).count() == 1
    assert SocialAccount.objects.get(provider=SLUG).user == ada


def refused(page: Page, *, because: str) -> None:
    expect(page.get_by_role("heading", name="We could not sign you in")).to_be_visible()
    expect(page.get_by_text("We could not sign you in with Acme SSO")).to_be_visible()
    expect(page.get_by_text(because)).to_be_visible()
    expect(page.get_by_role("link", name="Back to sign in")).to_be_visible()
    assert not User.objects.exists()
    assert not SocialAccount.objects.exists()


def test_a_tampered_assertion_is_refused_and_makes_no_account(browsing, connection, live_server):
    page = browsing.page()

    def change_the_email(route: Route) -> None:
        form = parse_qs(route.request.post_data)
        xml = saml.decoded(form["SAMLResponse"][0])
        form["SAMLResponse"] = [saml.encoded(xml.replace(ADA.email, "mallory@acme.test"))]
        route.continue_(post_data=urlencode(form, doseq=True))

    page.route(f"{live_server.url}/accounts/saml/{SLUG}/acs/", change_the_email)
    sign_in(page)

    refused(page, because="signature did not match")


def test_an_expired_assertion_is_refused_and_makes_no_account(browsing, connection, idp):
    page = browsing.page()
    idp.set_mode("expired")

    sign_in(page)

    refused(page, because="had expired before it reached Kindred")
