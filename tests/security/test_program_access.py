"""Who may open which admin page of which program: every URL of dashboard/urls.py,
walked as each kind of visitor against two programs, A and B, with exact codes.

A program's admins may do everything for it, its coordinators read it and match by
hand, superusers may do everything everywhere (profiles/access.py). Anyone else
signed in (staff without a role, a participant, an admin of the other program) is
told the page does not exist (404); a coordinator on an admin's action gets 403;
someone signed out is sent to log in. A refused request changes nothing: each is
sent inside a savepoint, the database compared before and after, then rolled back
(so the allowed actions of one row never change what the next row finds).

A URL added to dashboard/urls.py without a row here fails
test_every_dashboard_url_is_in_the_table. docs/security.md, "Who may do what".
"""

import pytest
from django.db import transaction
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from dashboard.models import DigestChoice, ImportJob
from matching.models import AssignmentPair, MatchingRun, Suggestion, WeightProposal
from mentorships.models import Mentorship, Message, MessageReport
from profiles.models import (
    AuditEntry,
    Cycle,
    Enrolment,
    Profile,
    Program,
    ProgramRole,
    SensitiveAccess,
    SentEmail,
    User,
)
from tests.conftest import login
from tests.factories import (
    CycleFactory,
    MentorFactory,
    ProfileFactory,
    ProgramFactory,
    UserFactory,
    coordinator,
    program_admin,
    tags,
)

pytestmark = pytest.mark.django_db

ACTORS = [
    "superuser",
    "admin_a",
    "coordinator_a",
    "admin_b",
    "staff",
    "participant",
    "anonymous",
]
PROGRAMS = ["a", "b"]

# What a row needs: the admin area (no program), a program's coordinators (and
# admins), or its admins alone.
AREA, COORDINATOR, ADMIN = "area", "coordinator", "admin"
LOGIN = "login"  # a redirect to the log-in page
YES = {"confirm": "yes"}

# (URL name, method, URL kwargs ("@x" is the program's x), who may, code when allowed,
# what is posted). The POSTs carry what would act ("confirm=yes", a reason, a note):
# a refused one must still change nothing.
TABLE = [
    ("dashboard:programs", "get", {}, AREA, 200, None),
    ("dashboard:digest", "get", {}, AREA, 200, None),
    ("dashboard:digest", "post", {}, AREA, 302, {}),
    ("dashboard:program", "get", {}, COORDINATOR, 200, None),
    ("dashboard:fairness", "get", {}, COORDINATOR, 200, None),
    ("dashboard:cycles_compared", "get", {}, COORDINATOR, 200, None),
    ("dashboard:outcomes", "get", {}, COORDINATOR, 200, None),
    ("dashboard:outcomes_csv", "get", {}, COORDINATOR, 200, None),
    ("dashboard:refresh_figures", "post", {"page": "health"}, COORDINATOR, 302, {}),
    (
        "dashboard:figures_state",
        "get",
        {"page": "fairness", "version": "9" * 20},
        COORDINATOR,
        200,
        None,
    ),
    ("dashboard:cycles", "get", {}, COORDINATOR, 200, None),
    ("dashboard:cycle_new", "get", {}, ADMIN, 200, None),
    ("dashboard:cycle_new", "post", {}, ADMIN, 302, {"name": "Taken over"}),
    ("dashboard:cycle_edit", "get", {"cycle_id": "@cycle"}, ADMIN, 200, None),
    ("dashboard:cycle_edit", "post", {"cycle_id": "@cycle"}, ADMIN, 302, {"name": "Renamed"}),
    ("dashboard:cycle_move", "get", {"cycle_id": "@cycle"}, ADMIN, 200, None),
    (
        "dashboard:cycle_move",
        "post",
        {"cycle_id": "@cycle"},
        ADMIN,
        302,
        {"to": "registration", "reason": "Opening early", **YES},
    ),
    ("dashboard:settings", "get", {}, ADMIN, 200, None),
    # Incomplete: the form comes back with its errors, nothing saved.
    ("dashboard:settings", "post", {}, ADMIN, 200, {"name": "Taken over"}),
    ("dashboard:rescore", "post", {}, ADMIN, 302, YES),
    ("dashboard:assign", "post", {}, ADMIN, 302, {"policy": "optimal"}),
    ("dashboard:runs", "get", {}, COORDINATOR, 200, None),
    ("dashboard:run", "get", {"run_id": "@run"}, COORDINATOR, 200, None),
    ("dashboard:run_progress", "get", {"run_id": "@run"}, COORDINATOR, 200, None),
    ("dashboard:commit", "post", {"run_id": "@run"}, ADMIN, 302, YES),
    ("dashboard:discard", "post", {"run_id": "@run"}, ADMIN, 302, YES),
    ("dashboard:remove_pair", "post", {"run_id": "@run", "pair_id": "@pair"}, ADMIN, 302, {}),
    ("dashboard:restore_pair", "post", {"run_id": "@run", "pair_id": "@pair"}, ADMIN, 302, {}),
    ("dashboard:learned_weights", "get", {}, COORDINATOR, 200, None),
    ("dashboard:learn_weights", "post", {}, ADMIN, 302, {}),
    ("dashboard:weight_proposal", "get", {"proposal_id": "@proposal"}, COORDINATOR, 200, None),
    # The preview is not worked out yet: back to the proposal, told why, nothing applied.
    ("dashboard:approve_weights", "post", {"proposal_id": "@proposal"}, ADMIN, 302, YES),
    ("dashboard:discard_weights", "post", {"proposal_id": "@proposal"}, ADMIN, 302, YES),
    # Not lost (just made): back to the proposal, nothing queued.
    ("dashboard:preview_weights", "post", {"proposal_id": "@proposal"}, ADMIN, 302, {}),
    ("dashboard:audit", "get", {}, COORDINATOR, 200, None),
    ("dashboard:roles", "get", {}, ADMIN, 200, None),
    (
        "dashboard:invite_role",
        "post",
        {},
        ADMIN,
        302,
        {"email": "newcomer@example.org", "role": "coordinator", **YES},
    ),
    ("dashboard:change_role", "post", {"role_id": "@role"}, ADMIN, 302, {"role": "admin", **YES}),
    ("dashboard:remove_role", "post", {"role_id": "@role"}, ADMIN, 302, YES),
    ("dashboard:match", "get", {}, COORDINATOR, 200, None),
    # Matching by hand is a coordinator's work: the waiting mentee with the mentor.
    ("dashboard:match", "post", {}, COORDINATOR, 302, {"mentee": "@waiting", "mentor": "@mentor"}),
    ("dashboard:manual_match", "get", {"mentee_id": "@waiting"}, COORDINATOR, 200, None),
    ("dashboard:match_find", "get", {"side": "mentors"}, COORDINATOR, 200, None),
    ("dashboard:match_preview", "get", {}, COORDINATOR, 200, None),
    ("dashboard:people", "get", {}, COORDINATOR, 200, None),
    ("dashboard:person", "get", {"profile_id": "@mentee"}, COORDINATOR, 200, None),
    (
        "dashboard:person_pause",
        "post",
        {"profile_id": "@mentor"},
        ADMIN,
        302,
        {"paused": "yes", "reason": "Away", **YES},
    ),
    # The mentee has chosen a password: nothing to send, back to their page.
    ("dashboard:person_invite", "post", {"profile_id": "@mentee"}, ADMIN, 302, YES),
    ("dashboard:mentorships", "get", {}, COORDINATOR, 200, None),
    ("dashboard:mentorship", "get", {"mentorship_id": "@mentorship"}, COORDINATOR, 200, None),
    (
        "dashboard:end_mentorship",
        "post",
        {"mentorship_id": "@mentorship"},
        ADMIN,
        302,
        {"reason": "Not working", **YES},
    ),
    ("dashboard:rematch", "get", {"mentorship_id": "@mentorship"}, COORDINATOR, 200, None),
    (
        "dashboard:rematch",
        "post",
        {"mentorship_id": "@mentorship"},
        COORDINATOR,
        302,
        {"reason": "Stalled", **YES},
    ),
    # Still under way: back to the re-match's second step, which sends it to the first.
    ("dashboard:rematch_next", "get", {"mentorship_id": "@mentorship"}, COORDINATOR, 302, None),
    ("dashboard:rematch_pool", "post", {"mentorship_id": "@mentorship"}, COORDINATOR, 302, {}),
    ("dashboard:reports", "get", {}, ADMIN, 200, None),
    ("dashboard:handle_report", "post", {"report_id": "@report"}, ADMIN, 302, {"note": "Seen"}),
    ("dashboard:import", "get", {}, ADMIN, 200, None),
    ("dashboard:csv_guide", "get", {}, ADMIN, 200, None),
    ("dashboard:csv_template", "get", {}, ADMIN, 200, None),
    ("dashboard:import_job", "get", {"job_id": "@job"}, ADMIN, 200, None),
    # Not checked yet: nothing to import, back to the job, told why.
    ("dashboard:confirm_import", "post", {"job_id": "@job"}, ADMIN, 302, {"invite": "on", **YES}),
    ("dashboard:discard_import", "post", {"job_id": "@job"}, ADMIN, 302, {}),
    ("dashboard:exports", "get", {}, COORDINATOR, 200, None),
    ("dashboard:export", "get", {"what": "matches"}, COORDINATOR, 200, None),
    ("dashboard:export", "get", {"what": "suggestions"}, COORDINATOR, 200, None),
]


def dashboard_url_names() -> set[str]:
    """Every named URL under the dashboard's namespace, as the resolver has them."""

    def walk(patterns, namespace=None):
        for p in patterns:
            if isinstance(p, URLResolver):
                inner = ":".join(filter(None, [namespace, p.namespace])) or None
                yield from walk(p.url_patterns, inner)
            elif isinstance(p, URLPattern) and p.name and namespace == "dashboard":
                yield f"{namespace}:{p.name}"

    return set(walk(get_resolver().url_patterns))


def test_every_dashboard_url_is_in_the_table():
    listed = {row[0] for row in TABLE}
    assert dashboard_url_names() - listed == set(), "add an access row for these"
    assert listed - dashboard_url_names() == set(), "these rows name no URL"


def test_every_action_is_posted_and_every_page_got():
    """Each POST-only view has a POST row (a GET of it is a 405 for everyone)."""
    methods = {}
    for name, method, *_ in TABLE:
        methods.setdefault(name, set()).add(method)
    actions = {
        "dashboard:refresh_figures",
        "dashboard:rescore",
        "dashboard:assign",
        "dashboard:commit",
        "dashboard:discard",
        "dashboard:remove_pair",
        "dashboard:restore_pair",
        "dashboard:invite_role",
        "dashboard:change_role",
        "dashboard:remove_role",
        "dashboard:person_pause",
        "dashboard:person_invite",
        "dashboard:end_mentorship",
        "dashboard:rematch_pool",
        "dashboard:handle_report",
        "dashboard:confirm_import",
        "dashboard:discard_import",
        "dashboard:learn_weights",
        "dashboard:approve_weights",
        "dashboard:discard_weights",
        "dashboard:preview_weights",
    }
    assert {name for name, how in methods.items() if how == {"post"}} == actions


def expected(actor: str, level: str, program: str | None, allowed: int) -> int | str:
    """The code ``actor`` gets from a URL of ``level`` (of program ``program``)."""
    if actor == "anonymous":
        return LOGIN
    if actor == "superuser":
        return allowed
    roles = {"admin_a": ("a", ADMIN), "coordinator_a": ("a", COORDINATOR), "admin_b": ("b", ADMIN)}
    if actor not in roles:  # staff without a role, a participant
        return 404
    where, role = roles[actor]
    if level == AREA:
        return allowed
    if where != program:
        return 404
    return 403 if level == ADMIN and role == COORDINATOR else allowed


def test_the_codes_read_as_the_rules_say():
    """The table's answers, spelled out for one admin's action and one coordinator's page."""
    settings = {a: expected(a, ADMIN, "a", 200) for a in ACTORS}
    assert settings == {
        "superuser": 200,
        "admin_a": 200,
        "coordinator_a": 403,
        "admin_b": 404,
        "staff": 404,
        "participant": 404,
        "anonymous": LOGIN,
    }
    people_of_b = {a: expected(a, COORDINATOR, "b", 200) for a in ACTORS}
    assert people_of_b == {
        "superuser": 200,
        "admin_a": 404,
        "coordinator_a": 404,
        "admin_b": 200,
        "staff": 404,
        "participant": 404,
        "anonymous": LOGIN,
    }


def program_world(program: Program) -> dict:
    """One program's people and things, by the names the table's URLs use."""
    goals = ["networking"]
    mentee = ProfileFactory(program=program, goals=goals)
    waiting = ProfileFactory(program=program, goals=goals)
    mentor = MentorFactory(program=program, goals=goals, capacity=3)
    mentorship = Mentorship.objects.create(
        program=program, mentee=mentee, mentor=mentor, status="active", started_at=timezone.now()
    )
    run = MatchingRun.objects.create(
        program=program, kind="assign", status="succeeded", finished_at=timezone.now()
    )
    pair = AssignmentPair.objects.create(run=run, mentee=waiting, mentor=mentor, score=60)
    message = Message.objects.create(mentorship=mentorship, author=mentor, body="hello")
    helper = coordinator(program)
    return {
        "cycle": CycleFactory(program=program, name=f"Round of {program.name}").pk,
        "slug": program.slug,
        "mentee": mentee.pk,
        "waiting": waiting.pk,
        "mentor": mentor.pk,
        "mentorship": mentorship.pk,
        "run": run.pk,
        "pair": pair.pk,
        "job": ImportJob.objects.create(program=program, filename="x.csv", content=b"x").pk,
        "report": MessageReport.objects.create(message=message, reporter=mentee).pk,
        "role": ProgramRole.objects.get(user=helper, program=program).pk,
        "proposal": WeightProposal.objects.create(
            program=program, current_weights=program.weights(), proposed_weights=program.weights()
        ).pk,
        "mentee_user": mentee.user,
    }


@pytest.fixture
def world(program):
    a, b = program, ProgramFactory(name="Program B", slug="program-b")
    ids = {"a": program_world(a), "b": program_world(b)}
    actors = {
        "superuser": UserFactory(is_staff=True, is_superuser=True),
        "admin_a": program_admin(a),
        "coordinator_a": coordinator(a),
        "admin_b": program_admin(b),
        "staff": UserFactory(is_staff=True),
        "participant": ids["a"]["mentee_user"],
    }
    return ids, actors


# Everything an admin page could change, compared whole before and after a refused request.
WATCHED = [
    Program,
    Cycle,
    Enrolment,
    Profile,
    ProgramRole,
    User,
    Mentorship,
    Suggestion,
    MatchingRun,
    AssignmentPair,
    WeightProposal,
    ImportJob,
    MessageReport,
    AuditEntry,
    SensitiveAccess,
    SentEmail,
    DigestChoice,
]


def everything() -> dict:
    state = {m.__name__: list(m.objects.order_by("pk").values()) for m in WATCHED}
    for user in state["User"]:
        user.pop("last_login")  # set when the test logs the actor in, before the request
    return state


def filled(spec: dict, ids: dict) -> dict:
    return {
        k: ids[v[1:]] if isinstance(v, str) and v.startswith("@") else v for k, v in spec.items()
    }


def ask(client, name, method, kwargs, data):
    url = reverse(name, kwargs=kwargs)
    if method == "get":
        return client.get(url)
    return client.post(url, data)


@pytest.mark.parametrize("actor", ACTORS)
def test_each_actor_gets_exactly_their_codes_on_both_programs(client, world, actor):
    ids, actors = world
    if actor != "anonymous":
        login(client, actors[actor])
    wrong, changed = [], []
    for name, method, spec, level, allowed, data in TABLE:
        for program in [None] if level == AREA else PROGRAMS:
            kwargs = filled(spec, ids[program]) | {"slug": ids[program]["slug"]} if program else {}
            want = expected(actor, level, program, allowed)
            with transaction.atomic():
                before = everything()
                response = ask(
                    client, name, method, kwargs, filled(data or {}, ids[program or "a"])
                )
                after = everything()
                transaction.set_rollback(True)
            got = response.status_code
            if want == LOGIN:
                if not (got == 302 and response.url.startswith(reverse("account_login"))):
                    wrong.append((name, method, program, got, "to log in"))
            elif got != want:
                wrong.append((name, method, program, got, want))
            if want != allowed and before != after:
                changed.append((name, method, program))
    assert not wrong, wrong
    assert not changed, f"refused, and yet something changed: {changed}"


# --- the Django admin ------------------------------------------------------------------------


@pytest.mark.parametrize("actor", ["admin_a", "coordinator_a", "staff", "participant"])
def test_the_django_admin_opens_for_superusers_only(client, world, actor):
    ids, actors = world
    user = actors[actor]
    User.objects.filter(pk=user.pk).update(is_staff=True)  # staff, with a role or without
    login(client, user)
    for url in (
        "/admin/",
        "/admin/profiles/profile/",
        f"/admin/profiles/profile/{ids['a']['mentee']}/change/",
    ):
        response = client.get(url)
        assert response.status_code == 302, url
        assert response.url.startswith("/admin/login/"), url


def test_the_django_admin_opens_for_a_superuser(client, world):
    ids, actors = world
    login(client, actors["superuser"])
    for url in (
        "/admin/",
        "/admin/profiles/profile/",
        f"/admin/profiles/profile/{ids['a']['mentee']}/change/",
    ):
        assert client.get(url).status_code == 200, url


# --- background answers, per program ----------------------------------------------------------


@pytest.fixture
def backgrounds(program):
    """A person with background answers in each program."""
    b = ProgramFactory(name="Program B", slug="program-b")
    people = {}
    for where, heritage in ((program, "korean"), (b, "filipino")):
        person = ProfileFactory(program=where, goals=["networking"])
        person.background.set(tags("heritage", heritage))
        mentor = MentorFactory(program=where, goals=["networking"])
        Mentorship.objects.create(program=where, mentee=person, mentor=mentor, status="active")
        people[where.slug] = person
    return program, b, people


def person_page(client, person, show=True):
    url = reverse("dashboard:person", args=[person.program.slug, person.pk])
    return client.get(url + ("?background=show" if show else ""))


def export(client, program, what="matches"):
    return client.get(reverse("dashboard:export", args=[program.slug, what]) + "?sensitive=1")


def test_reading_background_is_a_right_in_one_program_recorded_there(client, backgrounds):
    a, b, people = backgrounds
    reader = program_admin(a, background=True)
    login(client, reader)
    assert "Korean" in person_page(client, people[a.slug]).content.decode()
    assert "Korean" in export(client, a).content.decode("utf-8-sig")
    assert export(client, a, "suggestions").status_code == 200
    # B is not theirs: its person, exports and fairness figures are not there at all.
    assert person_page(client, people[b.slug]).status_code == 404
    wrong_slug = reverse("dashboard:person", args=[a.slug, people[b.slug].pk])
    assert client.get(wrong_slug + "?background=show").status_code == 404
    assert export(client, b).status_code == 404
    assert client.get(reverse("dashboard:fairness", args=[b.slug])).status_code == 404
    readings = list(SensitiveAccess.objects.order_by("pk").values_list("viewer", "program", "what"))
    assert [(viewer, program) for viewer, program, _ in readings] == [(reader.pk, a.pk)] * 3
    assert "People page" in readings[0][2] and "CSV export of matches" in readings[1][2]


def test_the_right_in_one_program_does_not_carry_to_another_they_run(client, backgrounds):
    a, b, people = backgrounds
    reader = program_admin(a, background=True)
    ProgramRole.objects.create(user=reader, program=b, role=ProgramRole.Kind.ADMIN)
    login(client, reader)
    page = person_page(client, people[b.slug])
    assert page.status_code == 200
    assert "Filipino" not in page.content.decode() and "Show background answers" not in (
        page.content.decode()
    )
    assert export(client, b).status_code == 403
    assert export(client, b, "suggestions").status_code == 403
    exports_page = client.get(reverse("dashboard:exports", args=[b.slug])).content.decode()
    assert "sensitive=1" not in exports_page
    fairness = client.get(reverse("dashboard:fairness", args=[b.slug]))
    assert not fairness.context.get("exact")
    assert not SensitiveAccess.objects.exists()
    # In A, the same person reads, on the record of A.
    client.get(reverse("dashboard:fairness", args=[a.slug]))
    assert list(SensitiveAccess.objects.values_list("program", flat=True)) == [a.pk]


def test_a_coordinator_never_reads_background(client, backgrounds):
    a, _, people = backgrounds
    login(client, coordinator(a))
    page = person_page(client, people[a.slug]).content.decode()
    assert "Korean" not in page and "Show background answers" not in page
    assert export(client, a).status_code == 403
    plain = client.get(reverse("dashboard:export", args=[a.slug, "matches"]))
    assert plain.status_code == 200 and "Korean" not in plain.content.decode("utf-8-sig")
    assert not SensitiveAccess.objects.exists()


def test_a_superuser_reads_everywhere_each_reading_recorded_in_its_program(client, backgrounds):
    a, b, people = backgrounds
    login(client, UserFactory(is_superuser=True, is_staff=True))
    assert "Korean" in person_page(client, people[a.slug]).content.decode()
    assert "Filipino" in export(client, b).content.decode("utf-8-sig")
    assert sorted(SensitiveAccess.objects.values_list("program", flat=True)) == sorted([a.pk, b.pk])


def test_the_programs_list_shows_each_person_their_own(client, world):
    _, actors = world
    page_for = {}
    for actor in ("superuser", "admin_a", "coordinator_a", "admin_b"):
        login(client, actors[actor])
        listed = client.get(reverse("dashboard:programs")).context["programs"]
        page_for[actor] = sorted(p.slug for p in listed)
    a = Program.objects.exclude(slug="program-b").get().slug
    assert page_for == {
        "superuser": sorted([a, "program-b"]),
        "admin_a": [a],
        "coordinator_a": [a],
        "admin_b": ["program-b"],
    }


def test_the_header_shows_programs_to_those_who_run_one_and_the_django_admin_to_superusers(
    client, world
):
    _, actors = world
    programs, django_admin = reverse("dashboard:programs"), reverse("admin:index")
    for actor, sees_programs, sees_admin in [
        ("superuser", True, True),
        ("admin_a", True, False),
        ("coordinator_a", True, False),
        ("staff", False, False),
        ("participant", False, False),
    ]:
        login(client, actors[actor])
        page = client.get(reverse("account_change_password")).content.decode()
        assert (f'href="{programs}"' in page) is sees_programs, actor
        assert (f'href="{django_admin}"' in page) is sees_admin, actor
        landing = client.get(reverse("profiles:landing")).content.decode()
        assert ("Open the dashboard" in landing) is sees_programs, actor
