"""With a real worker, a dashboard page answers from its kept figures at once,
marks them as updating while the worker works out new ones, and its poll
reloads the page when they are in."""

import threading
from datetime import timedelta

import pytest
from django.conf import settings
from django.urls import reverse

from dashboard import snapshots
from matching.models import MatchingRun
from tests.conftest import login, point_broker_at, wait_for
from tests.dashboard.helpers import proposal
from tests.factories import MentorFactory, ProfileFactory, program_admin

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


@pytest.fixture
def staff_client(client, program, celery_worker):
    return login(client, program_admin(program))


@pytest.fixture
def exact_client(exact_client, celery_worker):
    """The exact fairness figures' viewer, with the worker running."""
    return exact_client


class Gate:
    """Holds the worker inside the figures until the test lets it go."""

    def __init__(self, work):
        self.work, self.calls, self.open = work, 0, threading.Event()

    def __call__(self, program):
        self.calls += 1
        assert self.open.wait(20), "the test never let the worker go"
        return self.work(program)


@pytest.fixture
def gate(monkeypatch):
    held = Gate(snapshots.PAGES["health"])
    monkeypatch.setitem(snapshots.PAGES, "health", held)
    yield held
    held.open.set()


def overview(client, program):
    return client.get(reverse("dashboard:program", args=[program.slug]))


def poll(client, program, shown):
    url = reverse("dashboard:figures_state", args=[program.slug, "health", shown.version])
    return client.get(url, headers={"HX-Request": "true"})


def test_out_of_date_figures_are_shown_at_once_and_replaced_when_the_worker_is_done(
    staff_client, program, gate, monkeypatch
):
    MentorFactory(program=program)
    gate.open.set()
    snapshots.refresh(program, "health")
    gate.open.clear()

    MentorFactory(program=program)
    monkeypatch.setattr(snapshots, "FRESH_FOR", timedelta(0))
    stale = overview(staff_client, program)
    shown = stale.context["shown"]
    assert shown.updating and stale.context["health"]["mentors"] == 1
    assert b"newer figures are being worked out" in stale.content
    assert b'hx-trigger="every 1s"' in stale.content
    assert b'hx-params="none"' in stale.content  # the form's CSRF token stays out of the URL
    # Asked once, however often the page is viewed meanwhile.
    overview(staff_client, program)
    wait_for(lambda: gate.calls == 2)
    waiting = poll(staff_client, program, shown)
    assert waiting.status_code == 204 and "HX-Refresh" not in waiting

    gate.open.set()
    wait_for(lambda: snapshots.is_newer(program, "health", shown.version))
    done = poll(staff_client, program, shown)
    assert done.status_code == 204 and done["HX-Refresh"] == "true"
    monkeypatch.setattr(snapshots, "FRESH_FOR", timedelta(minutes=1))
    fresh = overview(staff_client, program)
    assert fresh.context["health"]["mentors"] == 2 and not fresh.context["shown"].updating
    assert gate.calls == 2  # the one by hand, then the worker's only one


def test_a_program_without_kept_figures_says_they_are_being_worked_out(staff_client, program, gate):
    ProfileFactory(program=program)
    page = overview(staff_client, program)
    assert page.status_code == 200
    assert page.context["health"] is None and page.context["shown"].updating
    assert b"Working out this program" in page.content
    assert b"Re-score the program" in page.content  # the actions do not wait
    gate.open.set()
    wait_for(lambda: snapshots.kept(program, "health"))
    assert poll(staff_client, program, page.context["shown"])["HX-Refresh"] == "true"
    assert overview(staff_client, program).context["health"]["mentees"] == 1


def test_when_the_worker_gives_up_the_poll_says_so_and_stops(exact_client, program, monkeypatch):
    def broken(program):
        raise RuntimeError("the database went away")

    monkeypatch.setitem(snapshots.PAGES, "fairness", broken)
    url = reverse("dashboard:fairness", args=[program.slug])
    shown = exact_client.get(url).context["shown"]
    assert shown.updating and shown.snapshot is None
    wait_for(lambda: not snapshots.is_asked_for(program, "fairness"))
    state = reverse("dashboard:figures_state", args=[program.slug, "fairness", 0])
    answer = exact_client.get(state, headers={"HX-Request": "true"})
    assert answer.status_code == 200 and "HX-Refresh" not in answer
    assert b"could not be worked out just now" in answer.content
    assert b"Refresh figures" in answer.content and b"hx-trigger" not in answer.content
    # The next view asks again, and this time it works.
    monkeypatch.setitem(snapshots.PAGES, "fairness", snapshots.figures.fairness)
    assert exact_client.get(url).context["shown"].updating
    wait_for(lambda: snapshots.kept(program, "fairness"))
    assert exact_client.get(url).context["everyone"]["people"] == 0


def test_the_worker_that_commits_an_auto_assignment_keeps_the_new_figures(
    staff_client, program, cohort
):
    run = proposal(program)
    snapshots.refresh(program, "health")
    staff_client.post(reverse("dashboard:commit", args=[program.slug, run.pk]), {"confirm": "yes"})
    kept = wait_for(
        lambda: (s := snapshots.kept(program, "health")) and s.figures["matched"] == 6 and s
    )
    run.refresh_from_db()
    assert kept.computed_at > run.committed_at
    # The commit started a re-score of the waiting lists; the worker that
    # finishes it keeps figures newer than it too.
    rescore = wait_for(
        lambda: MatchingRun.objects.filter(
            program=program, kind=MatchingRun.Kind.SCORE, finished_at__isnull=False
        ).first()
    )
    wait_for(lambda: snapshots.kept(program, "health").computed_at > rescore.finished_at)
    page = overview(staff_client, program)
    assert page.context["health"]["matched"] == 6 and not page.context["shown"].updating


def test_a_refresh_is_taken_before_a_backlog_of_other_tasks(program, redis_test_url):
    """Its own queue: behind 200 queued tasks, a refresh still comes first."""
    import redis
    from celery.contrib.testing.worker import start_worker

    from config.celery import app
    from dashboard.tasks import forget_stale_imports

    backlog = redis.Redis.from_url(redis_test_url)
    backlog.flushdb()
    point_broker_at(app, redis_test_url)
    app.conf.task_always_eager = False
    try:
        for _ in range(200):
            forget_stale_imports.delay()
        assert snapshots.current(program, "health").updating
        with start_worker(app, pool="solo", perform_ping_check=False, loglevel="WARNING"):
            wait_for(lambda: snapshots.kept(program, "health"))
            left = backlog.llen(settings.CELERY_TASK_DEFAULT_QUEUE)
        assert left > 150, left
    finally:
        app.conf.task_always_eager = True


@pytest.fixture
def no_worker():
    """Tasks go to Redis, and nothing takes them."""
    from config.celery import app

    app.conf.task_always_eager = False
    yield
    app.conf.task_always_eager = True


def test_a_refresh_nobody_answers_is_worked_out_by_the_next_view(
    client, program, monkeypatch, caplog, no_worker
):
    """No worker consumes the figures' queue: after ASKED_FOR the page stops
    waiting, and the next view works the figures out itself, saying why."""
    staff = login(client, program_admin(program))
    MentorFactory(program=program)
    shown = overview(staff, program).context["shown"]
    assert shown.updating and shown.snapshot is None
    assert poll(staff, program, shown).status_code == 204
    monkeypatch.setattr(snapshots, "ASKED_FOR", timedelta(0))
    assert b"could not be worked out just now" in poll(staff, program, shown).content
    page = overview(staff, program)
    assert page.context["health"]["mentors"] == 1 and not page.context["shown"].updating
    assert settings.KINDRED_FIGURES_QUEUE in caplog.text


def test_each_task_lands_in_one_queue_only(program, redis_test_url, no_worker):
    import redis

    from config.celery import app
    from dashboard.tasks import forget_stale_imports, refresh_figures

    # Both queues and their bindings, as a starting worker declares them.
    with app.connection_for_write() as connection:
        for queue in app.amqp.queues.values():
            queue(connection.default_channel).declare()
    queues = redis.Redis.from_url(redis_test_url)
    main, figures = settings.CELERY_TASK_DEFAULT_QUEUE, settings.KINDRED_FIGURES_QUEUE
    forget_stale_imports.delay()
    assert (queues.llen(main), queues.llen(figures)) == (1, 0)
    refresh_figures.delay(program.pk, "health")
    assert (queues.llen(main), queues.llen(figures)) == (1, 1)
