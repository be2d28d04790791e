"""With a real worker, a dashboard page answers from its kept figures at once,
marks them as updating while the worker works out new ones, and its poll
reloads the page when they are in."""

import threading
from datetime import timedelta

import pytest
from django.urls import reverse

from dashboard import snapshots
from tests.conftest import login, wait_for
from tests.factories import MentorFactory, ProfileFactory, UserFactory

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


@pytest.fixture
def staff_client(client, celery_worker):
    return login(client, UserFactory(is_staff=True))


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


def test_when_the_worker_gives_up_the_poll_says_so_and_stops(staff_client, program, monkeypatch):
    def broken(program):
        raise RuntimeError("the database went away")

    monkeypatch.setitem(snapshots.PAGES, "fairness", broken)
    url = reverse("dashboard:fairness", args=[program.slug])
    shown = staff_client.get(url).context["shown"]
    assert shown.updating and shown.snapshot is None
    wait_for(lambda: not snapshots.is_asked_for(program, "fairness"))
    state = reverse("dashboard:figures_state", args=[program.slug, "fairness", 0])
    answer = staff_client.get(state, headers={"HX-Request": "true"})
    assert answer.status_code == 200 and "HX-Refresh" not in answer
    assert b"could not be worked out just now" in answer.content
    assert b"Refresh figures" in answer.content and b"hx-trigger" not in answer.content
    # The next view asks again, and this time it works.
    monkeypatch.setitem(snapshots.PAGES, "fairness", snapshots.figures.fairness)
    assert staff_client.get(url).context["shown"].updating
    wait_for(lambda: snapshots.kept(program, "fairness"))
    assert staff_client.get(url).context["everyone"].people == 0
