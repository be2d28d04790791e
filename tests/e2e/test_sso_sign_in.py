"""The email-first sign-in page in a real browser: an address at a domain
without single sign-on gets the password form, an organisation that requires
SSO refuses it with a way to its IdP, and axe finds nothing serious on any
step."""

import re

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.conftest import axe_violations, describe
from tests.factories import PASSWORD, ProfileFactory, UserFactory
from tests.sso.globex import organisation, saml_connection

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


@pytest.fixture
def globex(db):
    """An organisation that requires SSO through a SAML IdP typed in by hand."""
    required = organisation(require_sso=True)
    saml_connection(required)
    return required


def assert_accessible(page: Page) -> None:
    found = axe_violations(page)
    assert not found, describe(found)


def test_an_address_without_sso_goes_on_to_the_password_form(browsing, globex):
    mentee = ProfileFactory()
    page = browsing.page()
    page.goto("/accounts/login/")
    expect(page.get_by_role("button", name="Sign in with Globex SSO")).to_be_visible()
    assert_accessible(page)

    page.get_by_label("Email").fill(mentee.user.email)
    page.get_by_role("button", name="Continue").click()

    expect(page.get_by_label("Email")).to_have_value(mentee.user.email)
    password = page.get_by_label("Password:", exact=True)
    expect(password).to_be_focused()
    expect(page.get_by_role("link", name="Send me a sign-in code")).to_be_visible()
    expect(page.get_by_role("link", name="Forgot your password?")).to_be_visible()
    assert_accessible(page)
    password.fill(PASSWORD)
    page.get_by_role("button", name="Sign In", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(f"Hello, {mentee.name}")


def test_an_organisation_that_requires_sso_refuses_the_password_form(browsing, globex):
    UserFactory(email="ann@globex.test")
    page = browsing.page()
    page.goto("/accounts/login/")
    page.get_by_role("link", name="Sign in with a password").click()

    page.get_by_label("Email").fill("ann@globex.test")
    page.get_by_label("Password:", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Sign In", exact=True).click()

    expect(page.get_by_text("Globex signs its people in with single sign-on")).to_be_visible()
    expect(page.get_by_label("Email")).to_be_focused()  # its message is read with it
    link = page.get_by_role("link", name="Continue with Globex SSO")
    expect(link).to_have_attribute("href", re.compile(r"/accounts/saml/globex-saml/login/$"))
    assert_accessible(page)
