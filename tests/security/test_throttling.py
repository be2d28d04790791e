"""Sign-in and sign-up are rate limited through allauth, on the Redis cache; the
API's allowances hold across every web process (counted in the database)."""

import contextlib
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


# --- the API's allowances across web processes (issue 25) -------------------------------

RUN_RATE = 10  # an hour
CALLS = 60
ROUNDS = 5


def free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def gunicorn(transactional_db, tmp_path):
    """Three gunicorn workers on the test database, as deployed but without
    REDIS_URL: each process has a cache of its own (LocMemCache), where the
    allowances used to be kept. The access log names the process of each call."""
    import os
    import subprocess
    import time
    import urllib.request
    from concurrent.futures import ThreadPoolExecutor
    from pathlib import Path
    from urllib.parse import urlsplit, urlunsplit

    from django.conf import settings

    database = urlsplit(os.environ["DATABASE_URL"])
    env = {k: v for k, v in os.environ.items() if k != "REDIS_URL"}
    env |= {
        "DATABASE_URL": urlunsplit(
            database._replace(path="/" + settings.DATABASES["default"]["NAME"])
        ),
        "DJANGO_DEBUG": "0",
        "KINDRED_API_RATE": "100000/minute",
        "KINDRED_API_RUN_RATE": f"{RUN_RATE}/hour",
    }
    port, log = free_port(), tmp_path / "access.log"
    root = Path(__file__).resolve().parents[2]
    server = subprocess.Popen(
        [
            str(root / ".venv/bin/gunicorn"),
            "config.wsgi",
            "-w",
            "3",
            "-b",
            f"127.0.0.1:{port}",
            "--no-control-socket",  # its default path is one for every gunicorn here
            "--access-logfile",
            str(log),
            "--access-logformat",
            "%(p)s %(s)s",
        ],
        cwd=root,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=(tmp_path / "gunicorn.log").open("w"),
    )

    def served(*statuses: str) -> set[str]:
        """The processes that answered a call with one of ``statuses``."""
        lines = log.read_text().splitlines() if log.exists() else []
        return {pid for pid, status in map(str.split, lines) if status in statuses}

    def knock(_) -> None:
        with contextlib.suppress(OSError):  # a 404, or not listening yet
            urllib.request.urlopen(f"http://127.0.0.1:{port}/api/v1/", timeout=10).close()

    try:
        # Ready once each of the three workers has answered a call (a worker's
        # first call loads the URLs, seconds): knock on all three at once.
        deadline = time.monotonic() + 60
        with ThreadPoolExecutor(6) as pool:
            while len(served("404")) < 3:
                assert server.poll() is None and time.monotonic() < deadline, (
                    tmp_path / "gunicorn.log"
                ).read_text()
                list(pool.map(knock, range(6)))
        yield port, served
    finally:
        server.terminate()
        server.wait(timeout=20)


def burst(port: int, raw: str) -> list[tuple[int, str | None]]:
    """CALLS concurrent run starts with token ``raw``: each one's status and Retry-After."""
    import threading
    import urllib.error
    import urllib.request
    from concurrent.futures import ThreadPoolExecutor

    start = threading.Barrier(CALLS)

    def post(_) -> tuple[int, str | None]:
        request = urllib.request.Request(
            f"http://127.0.0.1:{port}/api/v1/admin/programs/runs/rescore/",
            method="POST",
            headers={"Authorization": f"Bearer {raw}", "Accept": "application/json"},
        )
        start.wait()
        try:
            with urllib.request.urlopen(request, timeout=60) as response:  # noqa: S310  (http://127.0.0.1)
                return response.status, response.headers.get("Retry-After")
        except urllib.error.HTTPError as refused:
            return refused.code, refused.headers.get("Retry-After")

    with ThreadPoolExecutor(CALLS) as pool:
        return list(pool.map(post, range(CALLS)))


# Its data reloaded after: a flush leaves no default program for the tests after.
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_run_starts_are_counted_once_across_web_processes(gunicorn):
    from collections import Counter

    from api.models import Token
    from matching.models import MatchingRun
    from tests.factories import ProgramFactory, program_admin

    port, served = gunicorn
    staff = program_admin(ProgramFactory(slug="runs"))  # no one to score: a run ends at once
    for round_ in range(ROUNDS):
        _, raw = Token.issue(user=staff, name=f"round {round_}")  # a caller not seen before
        answers = burst(port, raw)
        assert Counter(status for status, _ in answers) == {202: RUN_RATE, 429: CALLS - RUN_RATE}
        waits = [int(wait) for status, wait in answers if status == 429]
        assert all(0 < wait <= 3600 for wait in waits)
        assert MatchingRun.objects.filter(created_by=staff).count() == RUN_RATE * (round_ + 1)
    assert len(served("202", "429")) == 3  # every worker took part
