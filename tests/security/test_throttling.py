"""Sign-in and sign-up are rate limited through allauth, on the Redis cache."""

import re

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


# --- behind the documented reverse proxy (issue 14, item 7) -----------------------------

PROXY = "10.0.0.2"  # every request reaches Django from the proxy


def through_proxy(client, client_ip: str, email: str, password: str):
    return client.post(
        reverse("account_login"),
        {"login": email, "password": password},
        REMOTE_ADDR=PROXY,
        HTTP_X_FORWARDED_FOR=client_ip,
    )


@pytest.fixture
def behind_one_proxy(settings):
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 1


def test_behind_the_proxy_one_address_failing_does_not_hold_up_everyone(
    behind_one_proxy, client_factory
):
    attacker, admin = client_factory(), client_factory()
    staff = UserFactory(is_staff=True)
    for n in range(12):
        through_proxy(attacker, "203.0.113.5", f"nobody{n}@example.org", "wrong password")
    assert b"Too many" in through_proxy(attacker, "203.0.113.5", staff.email, PASSWORD).content
    through_proxy(admin, "198.51.100.7", staff.email, PASSWORD)
    assert int(admin.session["_auth_user_id"]) == staff.pk


def test_a_strangers_failures_do_not_lock_the_owner_out(behind_one_proxy, client_factory):
    stranger, owner = client_factory(), client_factory()
    victim = UserFactory()
    for _ in range(6):
        through_proxy(stranger, "203.0.113.5", victim.email, "wrong password")
    through_proxy(owner, "198.51.100.7", victim.email, PASSWORD)
    assert int(owner.session["_auth_user_id"]) == victim.pk


def test_failures_from_many_addresses_stop_passwords_but_not_an_emailed_code(
    behind_one_proxy, client_factory, settings, mailoutbox
):
    settings.ACCOUNT_RATE_LIMITS = {
        **settings.ACCOUNT_RATE_LIMITS,
        "login_failed_account": "8/h/key",  # the production 50 an hour, made quick to reach
    }
    victim = UserFactory()
    for n in range(8):
        through_proxy(client_factory(), f"203.0.113.{n + 10}", victim.email, "wrong password")
    owner = client_factory()
    refused = through_proxy(owner, "198.51.100.7", victim.email, PASSWORD)
    assert "_auth_user_id" not in owner.session
    assert "Send me a sign-in code" in refused.content.decode()
    owner.post(
        reverse("account_request_login_code"),
        {"email": victim.email},
        REMOTE_ADDR=PROXY,
        HTTP_X_FORWARDED_FOR="198.51.100.7",
    )
    (code,) = re.findall(r"^[A-Z0-9]{4}-[A-Z0-9]{4}$", mailoutbox[-1].body, flags=re.M)
    owner.post(
        reverse("account_confirm_login_code"),
        {"code": code},
        REMOTE_ADDR=PROXY,
        HTTP_X_FORWARDED_FOR="198.51.100.7",
    )
    assert int(owner.session["_auth_user_id"]) == victim.pk


@pytest.fixture
def client_factory():
    from django.test import Client

    return Client


def test_the_trusted_proxy_is_read_from_the_environment():
    import os
    import subprocess
    import sys

    env = {**os.environ, "KINDRED_TRUSTED_PROXY_COUNT": "1", "KINDRED_CLIENT_IP_HEADER": ""}
    script = (
        "from config import settings as s;"
        "print(s.ALLAUTH_TRUSTED_PROXY_COUNT, s.ALLAUTH_TRUSTED_CLIENT_IP_HEADER)"
    )
    shown = subprocess.run(
        [sys.executable, "-c", script], env=env, capture_output=True, text=True, check=True
    )
    assert shown.stdout.split() == ["1", "None"]
