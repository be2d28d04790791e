"""allauth's account emails are Kindred's: the site's name and public address
from settings (never the request's host, "example.com" or "Hello from …"),
text with nothing escaped, and an HTML part in the house style."""

import re
from pathlib import Path

import allauth
import pytest
from allauth.account.adapter import get_adapter
from django.conf import settings
from django.core import mail
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from profiles import outbox
from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

SITE_NAME = "Bright Futures Mentoring"
SITE_URL = "https://mentoring.example.org"
# A valid address that carries an apostrophe and an ampersand.
ODD = "o'neil&co@example.org"
ENTITIES = ("&#", "&amp;", "&quot;", "&lt;", "&gt;")
FOREIGN = ("Hello from", "testserver", "example.com", "127.0.0.1")


@pytest.fixture(autouse=True)
def site(settings):
    settings.SITE_NAME = SITE_NAME
    settings.SITE_URL = SITE_URL


def the_email(kind: str):
    found = [m for m in mail.outbox if m.extra_headers.get("X-Kindred-Email") == kind]
    assert len(found) == 1, [m.subject for m in mail.outbox]
    return found[0]


def html_of(email) -> str:
    ((html, kind),) = email.alternatives
    assert kind == "text/html"
    return html


def assert_branded(email, kind: str) -> None:
    text = f"{email.subject}\n{email.body}"
    assert SITE_NAME in email.subject
    assert SITE_NAME in email.body
    for foreign in FOREIGN:
        assert foreign not in text
    for entity in ENTITIES:
        assert entity not in text
    html = html_of(email)
    assert f'data-kindred-email="{kind}"' in html
    assert f'<a href="{SITE_URL}/" style="font-size: 22px' in html
    assert f">{SITE_NAME}</a>" in html
    assert "You get this" in html


def link_in(email) -> str:
    return re.search(re.escape(SITE_URL) + r"(/\S+)", email.body).group(1)


def sign_up(client, email: str):
    return client.post(
        reverse("account_signup"), {"email": email, "password1": PASSWORD, "password2": PASSWORD}
    )


def test_the_confirmation_email_is_branded_and_links_to_the_public_address(client):
    sign_up(client, "new@example.org")
    email = the_email("email_confirmation_signup")
    assert email.subject == f"Confirm your email address to finish signing up to {SITE_NAME}"
    assert_branded(email, "email_confirmation_signup")
    assert f"Thank you for signing up to {SITE_NAME}" in email.body
    path = link_in(email)
    assert path.startswith("/accounts/confirm-email/")
    button = f'<a href="{SITE_URL}{path}" style="display: inline-block'
    assert button in html_of(email)
    assert client.post(path).status_code == 302  # the link confirms


def test_the_confirmation_email_says_the_role_chosen_on_the_landing_page(client, default_program):
    client.get(reverse("profiles:join", args=["mentor"]))
    sign_up(client, "guide@example.org")
    email = the_email("email_confirmation_signup")
    assert f"signing up to {SITE_NAME} as a mentor" in email.body
    assert "tell mentees what you can help with" in email.body


def test_the_password_reset_email_is_branded_and_its_link_works(client):
    user = UserFactory(email="forgetful@example.org")
    client.post(reverse("account_reset_password"), {"email": user.email})
    email = the_email("password_reset_key")
    assert email.subject == f"Reset your {SITE_NAME} password"
    assert_branded(email, "password_reset_key")
    path = link_in(email)
    assert path.startswith("/accounts/password/reset/key/")
    assert f'<a href="{SITE_URL}{path}" style="display: inline-block' in html_of(email)
    response = client.get(path)
    assert response.status_code == 302  # to the form that sets the new password
    assert client.get(response.url).status_code == 200


def test_an_address_with_an_apostrophe_reads_as_typed_and_is_escaped_in_html(client):
    sign_up(client, ODD)
    email = the_email("email_confirmation_signup")
    assert ODD in email.body
    html = html_of(email)
    assert escape(ODD) in html and ODD not in html


def test_signing_up_with_a_taken_address_tells_the_owner_in_kindreds_words(client):
    UserFactory(email="taken@example.org")
    sign_up(client, "taken@example.org")
    email = the_email("account_already_exists")
    assert_branded(email, "account_already_exists")
    assert link_in(email).startswith("/accounts/password/reset/")


def test_a_reset_for_an_unknown_address_is_branded(client):
    client.post(reverse("account_reset_password"), {"email": "nobody@example.org"})
    email = the_email("unknown_account")
    assert_branded(email, "unknown_account")
    assert link_in(email) == reverse("account_signup")


def test_the_sign_in_code_email_is_branded(client):
    UserFactory(email="coder@example.org")
    client.post(reverse("account_request_login_code"), {"email": "coder@example.org"})
    email = the_email("login_code")
    assert_branded(email, "login_code")
    assert re.search(r"^[A-Z0-9]{4}-[A-Z0-9]{4}$", email.body, re.MULTILINE)


@pytest.mark.parametrize(
    "kind",
    ["password_changed", "password_set", "password_reset", "email_confirm", "email_deleted"],
)
def test_security_notifications_are_branded_with_a_link_to_sign_in_settings(kind, rf):
    context = {
        **outbox.site(),
        "email": "me@example.org",
        "ip": "203.0.113.9",
        "user_agent": 'Firefox "ESR" & co',
        "timestamp": timezone.now(),
    }
    email = get_adapter(rf.get("/")).render_mail(f"account/email/{kind}", "me@example.org", context)
    assert_branded(email, kind)
    assert 'Firefox "ESR" & co' in email.body
    assert f"{SITE_URL}/accounts/email/" in html_of(email)


def test_every_account_email_allauth_sends_has_kindreds_subject_and_html_part():
    theirs = Path(allauth.__file__).parent / "templates/account/email"
    ours = Path(settings.BASE_DIR) / "templates/account/email"
    kinds = [p.name.removesuffix("_subject.txt") for p in theirs.glob("*_subject.txt")]
    assert len(kinds) >= 13
    for kind in kinds:
        assert "site_name" in (ours / f"{kind}_subject.txt").read_text(), kind
        html = (ours / f"{kind}_message.html").read_text()
        assert html.startswith('{% extends "email/base.html" %}'), kind
