import os
import time
from datetime import timedelta

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
    # The test databases need no durability: a commit that waits for its WAL to
    # reach the disk costs ~6 ms here, and creating the database, every
    # transactional test's flush and the workers' writes commit thousands of
    # times. libpq reads PGOPTIONS, so the tests' own subprocesses (Celery
    # workers, manage.py) do without it too. A crash of PostgreSQL itself could
    # lose the last commits; no test crashes it (tests/faults/ ends connections).
    if "synchronous_commit" not in os.environ.get("PGOPTIONS", ""):
        os.environ["PGOPTIONS"] = f"{os.environ.get('PGOPTIONS', '')} -c synchronous_commit=off"
    delete_rather_than_truncate()
    # Every test flushes its Redis database: two processes must never share one.
    indexes = redis_test_indexes()
    processes = getattr(config.option, "numprocesses", None) or 1
    if len(set(indexes)) != len(indexes) or len(indexes) < processes:
        pytest.exit(
            f"KINDRED_TEST_REDIS_DB={','.join(indexes)}: give each of the {processes} test"
            " processes a Redis database index of its own, separated by commas (e.g. 15,13)",
            returncode=2,
        )
    # Signals use the app's cache before a test's `settings` point it at the test
    # Redis (while pytest-django reloads a serialized database, say): let that be
    # this process's test Redis too, not REDIS_URL's database, which the other
    # process may be flushing.
    if "LOCATION" in settings.CACHES["default"]:
        settings.CACHES["default"]["LOCATION"] = this_process_redis_url()


def delete_rather_than_truncate() -> None:
    """A transactional test ends by emptying every table (Django's flush). One
    TRUNCATE of ~70 tables makes PostgreSQL replace each one's files, 1-2.5 s
    here; DELETE of the few rows a test leaves takes ~0.2 s. Foreign keys are
    deferrable (Django makes them so), hence checked once all rows are gone.
    Sequences are left alone as TRUNCATE left them; a flush that resets them or
    cascades still truncates."""
    from django.db.backends.postgresql.operations import DatabaseOperations

    truncate = DatabaseOperations.sql_flush

    def sql_flush(self, style, tables, *, reset_sequences=False, allow_cascade=False):
        if reset_sequences or allow_cascade:
            return truncate(
                self, style, tables, reset_sequences=reset_sequences, allow_cascade=allow_cascade
            )
        # Django's own table names, quoted as its TRUNCATE quotes them.
        deletes = [f"DELETE FROM {self.quote_name(table)};" for table in tables]  # noqa: S608
        return ["SET CONSTRAINTS ALL DEFERRED;", *deletes] if deletes else []

    DatabaseOperations.sql_flush = sql_flush


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


@pytest.fixture(autouse=True)
def _english_to_start():
    """A language a request activated stays active in the thread: each test starts in English."""
    from django.utils import translation

    translation.activate("en")
    yield
    translation.deactivate()


# pytest-django's ways of asking for a database whose transactions really commit.
COMMITTING = {"transactional_db", "live_server", "django_db_reset_sequences", "celery_worker"}


@pytest.fixture(autouse=True)
def _no_wait_for_a_refresh_that_never_runs(request, monkeypatch):
    """A mentee's home waits up to FRESH_REFRESH for a refresh queued on commit
    (matching/pages.py). Inside a test's transaction nothing commits, so the
    refresh never runs and the page, after two seconds of waiting, shows exactly
    what it shows at once: don't wait there. Tests whose transactions commit
    (a worker, a live server) keep the real wait."""
    marker = request.node.get_closest_marker("django_db")
    committing = COMMITTING & set(request.fixturenames) or (
        marker is not None and (marker.kwargs.get("transaction") or marker.args[:1] == (True,))
    )
    if not committing:
        from matching import pages

        monkeypatch.setattr(pages, "FRESH_REFRESH", timedelta(0))


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
    return this_process_redis_url()


def this_process_redis_url() -> str:
    base = os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0")
    return base.rsplit("/", 1)[0] + "/" + redis_test_index()


def redis_test_indexes() -> list[str]:
    """KINDRED_TEST_REDIS_DB: one index, or one per pytest-xdist worker separated by
    commas (``-n 2`` with "15,13": gw0 uses 15, gw1 13)."""
    return [i.strip() for i in os.environ.get("KINDRED_TEST_REDIS_DB", "15").split(",")]


def redis_test_index() -> str:
    worker = os.environ.get("PYTEST_XDIST_WORKER", "gw0")
    return redis_test_indexes()[int(worker.removeprefix("gw"))]


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


@pytest.fixture(autouse=True)
def responses_keep_to_the_schema(monkeypatch):
    """Every response a test receives from the API, through Django's test
    client or DRF's, is checked against the schema (tests/api/conformance.py)."""
    from tests.api import conformance

    received = Client.request

    def checked(self, **request):
        response = received(self, **request)
        conformance.check(response)
        return response

    monkeypatch.setattr(Client, "request", checked)
