"""Sign-in and sign-up are rate limited through allauth, on the Redis cache."""

import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.urls import reverse

from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db


def log_in(client, email: str, password: str):
    return client.post(reverse("account_login"), {"login": email, "password": password})


def test_repeated_failed_logins_lock_the_account_for_a_while(client):
    user = UserFactory()
    for _ in range(5):
        assert log_in(client, user.email, "wrong password").status_code == 200
    response = log_in(client, user.email, PASSWORD)  # even the right password, for now
    assert "_auth_user_id" not in client.session
    assert b"Too many failed login attempts" in response.content


def test_another_account_is_not_locked_by_someone_elses_failures(client):
    victim, other = UserFactory(), UserFactory()
    for _ in range(5):
        log_in(client, victim.email, "wrong password")
    log_in(client, other.email, PASSWORD)
    assert int(client.session["_auth_user_id"]) == other.pk


def test_sign_up_is_throttled_per_address(client, settings):
    # The production rate is 20 a minute; a lower one keeps the test quick
    # whatever the machine's load, and exercises the same machinery.
    settings.ACCOUNT_RATE_LIMITS = {"signup": "3/m/ip"}
    statuses = [
        client.post(
            reverse("account_signup"),
            {"email": f"bulk{i}@example.org", "password1": PASSWORD, "password2": PASSWORD},
        ).status_code
        for i in range(4)
    ]
    assert statuses == [302, 302, 302, 429]


def test_the_django_admin_signs_in_through_the_same_throttled_page(client):
    response = client.get("/admin/login/")
    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))


@pytest.mark.parametrize("password", ["short-pass1", "password1234", "123456789012"])
def test_weak_passwords_are_refused(password):
    with pytest.raises(ValidationError):
        validate_password(password)


def test_a_long_uncommon_passphrase_is_accepted():
    validate_password("violet tram lantern 1987")
