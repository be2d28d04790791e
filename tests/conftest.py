import os
import time

import pytest
from django.test import Client

from profiles.models import Program
from tests.factories import PASSWORD, MentorFactory, ProfileFactory, UserFactory


def pytest_configure(config):
    from django.conf import settings

    if settings.DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql":
        pytest.exit(
            "The suite runs against PostgreSQL: run `make test`, or set DATABASE_URL "
            "(e.g. postgres://postgres@127.0.0.1:5432/kindred) and REDIS_URL.",
            returncode=2,
        )


@pytest.fixture(autouse=True)
def _isolated_email_and_cache(settings, redis_test_url):
    """Each test starts with an empty outbox and an empty Redis cache (rate limits live there)."""
    from django.core.cache import cache

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": redis_test_url,
            "KEY_PREFIX": "kindred-test",
        }
    }
    cache.clear()


@pytest.fixture(autouse=True)
def _fresh_feature_cache():
    """Matching caches program arrays per process; each test starts cold."""
    from matching import features

    features.forget()
    yield
    features.forget()


@pytest.fixture
def default_program(db) -> Program:
    return Program.objects.get(slug="default")


@pytest.fixture
def program(default_program) -> Program:
    return default_program


@pytest.fixture
def user(db):
    return UserFactory()


@pytest.fixture
def password() -> str:
    return PASSWORD


def login(client: Client, user) -> Client:
    client.force_login(user)
    return client


@pytest.fixture
def user_client(client, user) -> Client:
    return login(client, user)


@pytest.fixture
def mentee(db, default_program):
    return ProfileFactory(program=default_program)


@pytest.fixture
def mentor(db, default_program):
    return MentorFactory(program=default_program)


GOALS = ["networking", "leadership", "career-advancement", "sense-of-belonging"]


@pytest.fixture
def small_program(program):
    """Twelve mentees and six mentors with overlapping goals, nothing sensitive."""
    mentors = [
        MentorFactory(program=program, goals=GOALS[i % 4 :] + GOALS[: i % 2], capacity=3)
        for i in range(6)
    ]
    mentees = [ProfileFactory(program=program, goals=GOALS[i % 3 : i % 3 + 2]) for i in range(12)]
    return program, mentees, mentors


@pytest.fixture
def mentee_client(mentee) -> Client:
    return login(Client(), mentee.user)


@pytest.fixture
def people(program):
    """A mentee with one suggested mentor who can help with their goal."""
    from matching import suggestions

    mentee = ProfileFactory(
        program=program, goals=["networking"], contact_details="Signal: +1 555 0100"
    )
    mentor = MentorFactory(program=program, goals=["networking"], contact_details="mentor@slack")
    suggestions.refresh_profile(profile_id=mentee.pk)
    return mentee, mentor


@pytest.fixture
def requested(people):
    """The mentee of ``people`` has asked their mentor."""
    from matching import suggestions
    from matching.models import Suggestion

    mentee, mentor = people
    suggestion = Suggestion.objects.get(mentee=mentee, mentor=mentor)
    return suggestions.request_mentor(suggestion=suggestion, message="Hi there")


@pytest.fixture
def accepted(requested):
    """…and the mentor has said yes."""
    from mentorships import lifecycle

    lifecycle.accept(mentorship=requested)
    requested.refresh_from_db()
    return requested


@pytest.fixture(scope="session")
def redis_test_url() -> str:
    """The suite's own Redis database, so a developer's queues are untouched."""
    base = os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0")
    return base.rsplit("/", 1)[0] + "/" + os.environ.get("KINDRED_TEST_REDIS_DB", "15")


@pytest.fixture(autouse=True, scope="session")
def _tasks_in_process(redis_test_url):
    """Tasks run inline unless a test asks for the real worker below."""
    from config.celery import app

    app.conf.update(broker_url=redis_test_url, task_always_eager=True)


@pytest.fixture
def celery_worker(transactional_db, redis_test_url):
    """A real Celery worker thread consuming the project's app over Redis."""
    import redis
    from celery.contrib.testing.worker import start_worker

    from config.celery import app

    redis.Redis.from_url(redis_test_url).flushdb()
    point_broker_at(app, redis_test_url)
    app.conf.task_always_eager = False
    try:
        with start_worker(app, pool="solo", perform_ping_check=False, loglevel="WARNING"):
            yield app
    finally:
        app.conf.task_always_eager = True


def wait_for(condition, timeout: float = 20.0):
    """Poll ``condition`` until it returns something truthy (work done by a worker)."""
    deadline = time.monotonic() + timeout
    while not (result := condition()):
        if time.monotonic() > deadline:
            raise AssertionError("timed out waiting for the worker")
        time.sleep(0.05)
    return result


def drained(redis_url: str):
    """A condition for ``wait_for``: no task waits in any queue nor runs (tasks
    ack late, so a running task is still "unacked"), three polls in a row."""
    import redis

    broker = redis.Redis.from_url(redis_url)
    calm = []

    def idle() -> bool:
        queues = [key for key in broker.scan_iter() if broker.type(key) == b"list"]
        quiet = not broker.hlen("unacked") and not any(broker.llen(q) for q in queues)
        calm[:] = [*calm, True] if quiet else []
        return len(calm) >= 3

    return idle


def point_broker_at(app, url: str) -> None:
    """Use another broker from now on: Celery keeps a pool of producers bound to
    the old address, which must go too."""
    from kombu import pools

    app.conf.broker_url = url
    pools.reset()  # kombu's registry of producer pools, keyed by address
    app._pool = None
    app.amqp._producer_pool = None
