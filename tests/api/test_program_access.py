"""Who reaches which admin endpoint, as exact status codes: every admin endpoint
of the API (read from the URL resolver, so a new one without a row here fails)
for each kind of caller, against a program they run and one they do not.

Program A and program B each have people, a cycle, a mentorship and a proposed
assignment. A program's admins and coordinators reach it and nothing else; a
coordinator reads but gets a 403 on an admin's action; anyone else signed in is
told there is nothing there (404), and an anonymous caller is asked to sign in.
"""

from types import SimpleNamespace

import pytest
from django.urls import URLPattern, URLResolver, get_resolver
from rest_framework.test import APIClient

from api.staff.views import StaffViewSet
from matching import assigning
from matching.models import MatchingRun
from mentorships.models import Mentorship
from tests.api.conftest import bearer, call
from tests.factories import (
    CycleFactory,
    MentorFactory,
    ProfileFactory,
    ProgramFactory,
    UserFactory,
    coordinator,
    program_admin,
)

pytestmark = pytest.mark.django_db

ACTORS = (
    "superuser",
    "admin of A",
    "coordinator of A",
    "admin of B",
    "staff with no role",
    "participant of A",
    "anonymous",
)

# Each endpoint: how to call it on a program, and what each kind of caller gets.
READ = {"runs it": 200}
ADMIN_ONLY_202 = {"runs it": 202, "coordinates it": 403}
ADMIN_ONLY_204 = {"runs it": 204, "coordinates it": 403}
P = "admin/programs/<slug:slug>"
R = f"{P}/runs/<int:pk>"
ENDPOINTS = {
    ("get", f"{P}/"): ("", None, READ),
    ("get", f"{P}/cycles/"): ("cycles/", None, READ),
    ("get", f"{P}/participants/"): ("participants/", None, READ),
    ("get", f"{P}/matches/"): ("matches/", None, READ),
    ("get", f"{P}/matches.csv"): ("matches.csv", None, READ),
    ("get", f"{P}/runs/"): ("runs/", None, READ),
    ("post", f"{P}/rescore/"): ("rescore/", None, ADMIN_ONLY_202),
    ("post", f"{P}/assign/"): ("assign/", {"policy": "optimal"}, ADMIN_ONLY_202),
    ("get", f"{R}/"): ("runs/{run}/", None, READ),
    ("get", f"{R}/pairs/"): ("runs/{run}/pairs/", None, READ),
    ("post", f"{R}/commit/"): ("runs/{run}/commit/", None, ADMIN_ONLY_202),
    ("post", f"{R}/discard/"): ("runs/{run}/discard/", None, ADMIN_ONLY_204),
}
# The one endpoint under no program: the programs list.
PROGRAMS = ("get", "admin/programs/")


def admin_endpoints() -> set[tuple[str, str]]:
    """(method, route) of every endpoint under /api/v1/admin/ or served by a
    staff view set, read from the URL resolver."""
    found = set()

    def walk(patterns, prefix: str) -> None:
        for pattern in patterns:
            route = prefix + str(pattern.pattern)
            if isinstance(pattern, URLResolver):
                walk(pattern.url_patterns, route)
            elif isinstance(pattern, URLPattern):
                view = getattr(pattern.callback, "cls", None)
                actions = getattr(pattern.callback, "actions", None) or {}
                staff = view is not None and issubclass(view, StaffViewSet)
                if staff or route.startswith("api/v1/admin/"):
                    # DRF adds "head" for a "get" once the view has been called: the same.
                    methods = set(actions) - {"head"}
                    found.update((method, route.removeprefix("api/v1/")) for method in methods)

    walk(get_resolver().url_patterns, "")
    return found


def test_every_admin_endpoint_has_a_row_in_the_table():
    assert admin_endpoints() == {PROGRAMS, *ENDPOINTS}


def side(program) -> SimpleNamespace:
    """A program's people, one cycle, a mentorship and a proposed assignment."""
    cycle = CycleFactory(program=program, state="registration")
    mentees = [ProfileFactory(program=program, goals=["networking"]) for _ in range(2)]
    mentor = MentorFactory(program=program, goals=["networking"], capacity=3)
    Mentorship.objects.create(
        program=program, mentee=mentees[0], mentor=mentor, cycle=cycle, status="requested"
    )
    run = assigning.start(program=program, queue=False)
    assigning.propose(run_id=run.pk)
    MatchingRun.objects.filter(pk=run.pk).update(cycle=cycle)
    return SimpleNamespace(program=program, cycle=cycle, mentees=mentees, run=run)


@pytest.fixture
def world(program):
    a, b = side(program), side(ProgramFactory())
    users = {
        "superuser": UserFactory(is_staff=True, is_superuser=True),
        "admin of A": program_admin(a.program, background=True),
        "coordinator of A": coordinator(a.program),
        "admin of B": program_admin(b.program, background=True),
        "staff with no role": UserFactory(is_staff=True),
        "participant of A": a.mentees[1].user,
    }
    return SimpleNamespace(a=a, b=b, users=users)


def client_of(world, actor: str) -> APIClient:
    return APIClient() if actor == "anonymous" else bearer(world.users[actor])


def expected(actor: str, program: str, codes: dict) -> int:
    """The status ``actor`` gets on an endpoint of program ``program`` (A or B)."""
    if actor == "anonymous":
        return 401
    if actor == "superuser" or actor == f"admin of {program}":
        return codes["runs it"]
    if actor == f"coordinator of {program}":
        return codes.get("coordinates it", codes["runs it"])
    return 404


def state(world) -> tuple:
    """What an admin's action changes, to show that a refused one changed nothing."""
    runs = MatchingRun.objects.order_by("pk")
    return tuple(runs.values_list("pk", "summary", "committed_at", "discarded_at"))


@pytest.mark.parametrize("actor", ACTORS)
@pytest.mark.parametrize("endpoint", list(ENDPOINTS), ids=lambda e: f"{e[0]} {e[1]}")
def test_each_caller_gets_exactly_this_on_both_programs(world, endpoint, actor):
    method, _ = endpoint
    rest, body, codes = ENDPOINTS[endpoint]
    client = client_of(world, actor)
    for name, place in (("A", world.a), ("B", world.b)):
        before = state(world)
        url = f"/admin/programs/{place.program.slug}/" + rest.format(run=place.run.pk)
        response = call(client, method, url, body)
        want = expected(actor, name, codes)
        assert response.status_code == want, (actor, name, method, url, response.content[:300])
        if want >= 400:
            error = response.json()["error"]
            assert (
                error["code"]
                == {
                    401: "not_authenticated",
                    403: "permission_denied",
                    404: "not_found",
                }[want]
            )
            assert state(world) == before, (actor, name, method, url)


@pytest.mark.parametrize(
    ("actor", "status", "listed"),
    [
        ("superuser", 200, {"A", "B"}),
        ("admin of A", 200, {"A"}),
        ("coordinator of A", 200, {"A"}),
        ("admin of B", 200, {"B"}),
        ("staff with no role", 404, None),
        ("participant of A", 404, None),
        ("anonymous", 401, None),
    ],
)
def test_the_programs_list_holds_only_the_callers_programs(world, actor, status, listed):
    response = call(client_of(world, actor), "get", "/admin/programs/")
    assert response.status_code == status
    if listed is not None:
        names = {world.a.program.slug: "A", world.b.program.slug: "B"}
        assert {names[p["slug"]] for p in response.json()["results"]} == listed


def test_a_run_of_another_program_is_not_found_under_ones_own(world):
    client = bearer(world.users["admin of A"])
    other = world.b.run.pk
    for rest in ("", "pairs/"):
        url = f"/admin/programs/{world.a.program.slug}/runs/{other}/{rest}"
        assert call(client, "get", url).status_code == 404
    url = f"/admin/programs/{world.a.program.slug}/runs/{other}/discard/"
    assert call(client, "post", url).status_code == 404
    world.b.run.refresh_from_db()
    assert world.b.run.discarded_at is None
