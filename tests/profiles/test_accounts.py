import re

import pytest
from django.conf import settings
from django.contrib.auth.hashers import identify_hasher
from django.core import mail
from django.urls import reverse

from profiles.models import Profile, User
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "a much longer passphrase 2026"


def link_in(message) -> str:
    """The path of the email's link, which is on the site's public address."""
    return re.search(re.escape(settings.SITE_URL) + r"(/\S+)", message.body).group(1)


def sign_up(client, email: str):
    return client.post(
        reverse("account_signup"),
        {"email": email, "password1": PASSWORD, "password2": PASSWORD},
    )


@pytest.mark.parametrize("role", ["mentee", "mentor"])
def test_a_visitor_joins_through_signup_and_email_confirmation(client, default_program, role):
    response = client.get(reverse("profiles:join", args=[role]))
    assert response.url == reverse("account_signup")

    response = sign_up(client, f"new-{role}@example.org")
    assert response.status_code == 302
    assert response.url == reverse("account_email_verification_sent")
    assert "_auth_user_id" not in client.session  # not before confirming

    confirm_path = link_in(mail.outbox[-1])
    assert client.get(confirm_path).status_code == 200
    response = client.post(confirm_path)
    assert response.status_code == 302
    assert (
        int(client.session["_auth_user_id"]) == User.objects.get(email=f"new-{role}@example.org").pk
    )

    response = client.get(reverse("matching:home"))
    assert response.url == reverse("profiles:join", args=[role])
    response = client.post(response.url, {"program": default_program.pk})
    profile = Profile.objects.get(user__email=f"new-{role}@example.org")
    assert profile.role == role
    assert profile.program == default_program
    assert response.url == reverse("profiles:edit", args=[profile.pk, "about"])


def test_a_new_account_gets_a_confirmation_email(client):
    sign_up(client, "someone@example.org")
    assert mail.outbox[-1].to == ["someone@example.org"]
    assert "confirm" in mail.outbox[-1].subject.lower()


def test_signup_refuses_a_short_password(client):
    response = client.post(
        reverse("account_signup"),
        {"email": "weak@example.org", "password1": "short1", "password2": "short1"},
    )
    assert response.status_code == 200
    assert not User.objects.filter(email="weak@example.org").exists()
    assert b"too short" in response.content


def test_signing_up_twice_creates_no_account_and_warns_the_owner(client, user):
    sign_up(client, user.email.upper())
    assert User.objects.filter(email__iexact=user.email).count() == 1
    # No "already taken" page that would reveal who has an account: the owner hears instead.
    assert mail.outbox[-1].to == [user.email]
    assert "already" in mail.outbox[-1].body.lower()


def test_unconfirmed_email_cannot_log_in(client):
    sign_up(client, "pending@example.org")
    client.logout()
    response = client.post(
        reverse("account_login"), {"login": "pending@example.org", "password": PASSWORD}
    )
    assert response.url == reverse("account_email_verification_sent")
    assert "_auth_user_id" not in client.session


def test_log_in_and_log_out(client, user):
    response = client.post(reverse("account_login"), {"login": user.email, "password": PASSWORD})
    assert response.status_code == 302
    assert int(client.session["_auth_user_id"]) == user.pk
    client.post(reverse("account_logout"))
    assert "_auth_user_id" not in client.session


def test_wrong_password_is_refused(client, user):
    response = client.post(reverse("account_login"), {"login": user.email, "password": "nope"})
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session


def test_password_reset_sets_a_new_password(client, user):
    client.post(reverse("account_reset_password"), {"email": user.email})
    reset_path = link_in(mail.outbox[-1])
    response = client.get(reset_path)  # allauth swaps the key for a session token
    form_path = response.url if response.status_code == 302 else reset_path
    response = client.post(form_path, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD})
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.check_password(NEW_PASSWORD)


def test_password_change(client, user):
    client.force_login(user)
    response = client.post(
        reverse("account_change_password"),
        {"oldpassword": PASSWORD, "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
    )
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.check_password(NEW_PASSWORD)


def test_passwords_are_stored_with_argon2(client):
    sign_up(client, "hashed@example.org")
    stored = User.objects.get(email="hashed@example.org").password
    assert identify_hasher(stored).algorithm == "argon2"
