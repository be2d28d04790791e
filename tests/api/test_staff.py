"""A program admin's endpoints: programs, participants, runs, exports."""

import csv
import io

import pytest

from matching import assigning, exports, rescoring
from matching.models import MatchingRun
from mentorships.models import Mentorship
from profiles import cycles
from tests.api.conftest import bearer, call
from tests.factories import (
    CycleFactory,
    MentorFactory,
    ProfileFactory,
    ProgramFactory,
    program_admin,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin(staff):
    return bearer(staff)


@pytest.fixture
def cohort(program):
    """Three ready mentees, one unfinished; two mentors, one paused."""
    mentees = [ProfileFactory(program=program, goals=["networking"]) for _ in range(3)]
    ProfileFactory(program=program, steps_done=["about"])
    mentors = [
        MentorFactory(program=program, goals=["networking"]),
        MentorFactory(program=program, goals=["networking"], is_paused=True),
    ]
    return mentees, mentors


def url(program, rest: str = "") -> str:
    return f"/admin/programs/{program.slug}/{rest}"


def test_programs_are_listed_with_counts_and_health(admin, cohort, program):
    listed = call(admin, "get", "/admin/programs/").json()["results"]
    assert [(p["slug"], p["mentees"], p["mentors"]) for p in listed] == [("default", 4, 2)]
    detail = call(admin, "get", url(program)).json()
    assert detail["weights"]["goals"] == program.weight_goals
    assert detail["health"]["mentees"] == 3 and detail["health"]["unfinished"] == 1
    assert call(admin, "get", "/admin/programs/nowhere/").status_code == 404


@pytest.mark.parametrize(
    ("query", "count"),
    [
        ("", 6),
        ("?role=mentor", 2),
        ("?role=mentee&ready=true", 3),
        ("?role=mentee&ready=false", 1),
        ("?paused=true", 1),
        ("?role=mentor&paused=false", 1),
    ],
)
def test_participants_filter_by_role_readiness_and_pause(admin, cohort, program, query, count):
    data = call(admin, "get", url(program, f"participants/{query}")).json()
    assert data["count"] == count


def test_participants_come_a_page_at_a_time(admin, cohort, program):
    first = call(admin, "get", url(program, "participants/?page_size=4")).json()
    assert (first["count"], len(first["results"])) == (6, 4) and first["next"]
    second = call(admin, "get", url(program, "participants/?page_size=4&page=2")).json()
    ids = {p["id"] for p in first["results"]} | {p["id"] for p in second["results"]}
    assert len(ids) == 6 and second["next"] is None
    assert call(admin, "get", url(program, "participants/?page=9")).status_code == 404


@pytest.mark.parametrize("query", ["?role=boss", "?ready=perhaps", "?paused=2"])
def test_a_bad_filter_is_a_400(admin, cohort, program, query):
    response = call(admin, "get", url(program, f"participants/{query}"))
    assert response.status_code == 400
    assert response.json()["error"]["fields"]


def test_a_rescore_starts_and_is_polled_to_the_end(
    admin, cohort, program, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = call(admin, "post", url(program, "rescore/"))
    assert response.status_code == 202
    run = response.json()
    assert (run["kind"], run["total"]) == ("score", 3)
    polled = call(admin, "get", url(program, f"runs/{run['id']}/")).json()
    assert (polled["status"], polled["percent"]) == ("succeeded", 100)
    assert polled["summary"]["mentees_with_suggestions"] == 3
    listed = call(admin, "get", url(program, "runs/")).json()["results"]
    assert [r["id"] for r in listed] == [run["id"]]


def test_an_assignment_is_proposed_committed_once_and_not_discarded_after(
    admin, cohort, program, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        run = call(admin, "post", url(program, "assign/"), {"policy": "stable"}).json()
    assert run["kind"] == "assign"
    polled = call(admin, "get", url(program, f"runs/{run['id']}/")).json()
    assert polled["status"] == "succeeded" and polled["settings"]["policy"] == "stable"
    pairs = call(admin, "get", url(program, f"runs/{run['id']}/pairs/")).json()
    assert pairs["count"] == 3  # the paused mentor takes nobody; the other has room for 3
    with django_capture_on_commit_callbacks(execute=True):
        accepted = call(admin, "post", url(program, f"runs/{run['id']}/commit/"))
    assert accepted.status_code == 202 and accepted.json()["summary"]["commit_requested_at"]
    done = call(admin, "get", url(program, f"runs/{run['id']}/")).json()
    assert done["committed_at"] and done["summary"]["committed"] == {
        "created": 3,
        "skipped": 0,
        "removed": 0,
    }
    assert Mentorship.objects.filter(source="auto", status="accepted").count() == 3
    again = call(admin, "post", url(program, f"runs/{run['id']}/commit/"))
    assert again.status_code == 409 and "already committed" in again.json()["error"]["message"]
    assert call(admin, "post", url(program, f"runs/{run['id']}/discard/")).status_code == 409


def test_a_discarded_proposal_cannot_be_committed(admin, cohort, program):
    run = assigning.start(program=program, queue=False)
    assigning.propose(run_id=run.pk)
    assert call(admin, "post", url(program, f"runs/{run.pk}/discard/")).status_code == 204
    assert call(admin, "post", url(program, f"runs/{run.pk}/commit/")).status_code == 409
    assert not Mentorship.objects.exists()


def test_an_unfinished_or_scoring_run_has_nothing_to_commit(admin, cohort, program):
    queued = assigning.start(program=program, queue=False)
    response = call(admin, "post", url(program, f"runs/{queued.pk}/commit/"))
    assert "still working" in response.json()["error"]["message"]
    rescore = rescoring.start_rescore(program=program)
    response = call(admin, "post", url(program, f"runs/{rescore.pk}/commit/"))
    assert (
        response.status_code == 409
        and "Only an auto-assignment" in response.json()["error"]["message"]
    )
    assert MatchingRun.objects.filter(committed_at__isnull=False).count() == 0


def test_a_bad_policy_is_a_400_and_starts_nothing(admin, program):
    response = call(admin, "post", url(program, "assign/"), {"policy": "random"})
    assert response.status_code == 400 and "policy" in response.json()["error"]["fields"]
    assert not MatchingRun.objects.exists()


def test_a_run_is_found_only_under_its_own_program(admin, program):
    run = assigning.start(program=program, queue=False)
    other = ProgramFactory()
    assert call(admin, "get", f"/admin/programs/{other.slug}/runs/{run.pk}/").status_code == 404
    assert (
        call(admin, "post", f"/admin/programs/{other.slug}/runs/{run.pk}/discard/").status_code
        == 404
    )


def test_matches_export_as_the_dashboards_csv(admin, accepted, program):
    response = call(admin, "get", url(program, "matches.csv"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert tuple(rows[0]) == exports.MATCH_COLUMNS
    assert rows[1][4:6] == ["accepted", "request"]


def test_matches_export_as_json(admin, accepted, program):
    data = call(admin, "get", url(program, "matches/?status=accepted")).json()
    (match,) = data["results"]
    assert match["mentee"]["email"] == accepted.mentee.user.email
    assert match["mentor"]["background"] is None and match["status"] == "accepted"
    assert call(admin, "get", url(program, "matches/?status=ended")).json()["count"] == 0


def test_a_run_recorded_without_settings_still_reads(admin, program):
    run = MatchingRun.objects.create(program=program)
    data = call(admin, "get", url(program, f"runs/{run.pk}/")).json()
    assert data["status"] == "queued"
    assert set(data["weights"]) == {"goals", "background", "values", "experience", "logistics"}
    for part in ("weights", "settings", "summary"):
        assert set(data[part].values()) == {None}, part
    assert call(admin, "get", url(program, "runs/")).json()["count"] == 1


@pytest.fixture
def rounds(program):
    """The program's open-ended cycle ("Ongoing", from the upgrade) and an earlier
    one that has closed."""
    ongoing = program.cycles.get()
    spring = CycleFactory(
        program=program,
        name="Spring 2026",
        registration_opens="2026-01-05",
        registration_closes="2026-02-01",
        matching_on="2026-02-08",
        starts_on="2026-02-15",
        ends_on="2026-06-30",
        state="closed",
    )
    return spring, ongoing


def test_cycles_come_with_their_dates_and_state_oldest_first(admin, program, rounds):
    spring, ongoing = rounds
    listed = call(admin, "get", url(program, "cycles/")).json()
    assert [(c["id"], c["name"], c["state"], c["current"]) for c in listed] == [
        (spring.pk, "Spring 2026", "closed", False),
        (ongoing.pk, "Ongoing", "registration", True),
    ]
    assert listed[0] | {"state_changed_at": None} == {
        "id": spring.pk,
        "name": "Spring 2026",
        "state": "closed",
        "current": False,
        "registration_opens": "2026-01-05",
        "registration_closes": "2026-02-01",
        "matching_on": "2026-02-08",
        "starts_on": "2026-02-15",
        "ends_on": "2026-06-30",
        "state_changed_at": None,
    }
    assert call(admin, "get", url(ProgramFactory(), "cycles/")).status_code == 404


def test_a_program_without_cycles_lists_none():
    bare = ProgramFactory()
    assert call(bearer(program_admin(bare)), "get", url(bare, "cycles/")).json() == []


def test_participants_of_one_cycle_are_those_enrolled_in_it(admin, cohort, program, rounds):
    spring, ongoing = rounds
    mentees, mentors = cohort
    for person in (mentees[0], mentors[0]):
        cycles.enrol(profile=person, cycle=spring)
    cycles.enrol(profile=mentees[1], cycle=ongoing)
    data = call(admin, "get", url(program, f"participants/?cycle={spring.pk}")).json()
    assert {p["id"] for p in data["results"]} == {mentees[0].pk, mentors[0].pk}
    mentee = call(admin, "get", url(program, f"participants/?cycle={ongoing.pk}&role=mentee"))
    assert [(p["id"], p["cycle"]) for p in mentee.json()["results"]] == [
        (mentees[1].pk, ongoing.pk)
    ]


def test_runs_of_one_cycle_are_those_started_in_it(admin, program, rounds):
    spring, ongoing = rounds
    old = MatchingRun.objects.create(program=program, cycle=spring)
    new = MatchingRun.objects.create(program=program, cycle=ongoing)
    listed = call(admin, "get", url(program, f"runs/?cycle={spring.pk}")).json()["results"]
    assert [(r["id"], r["cycle"]) for r in listed] == [(old.pk, spring.pk)]
    everything = call(admin, "get", url(program, "runs/")).json()["results"]
    assert [r["id"] for r in everything] == [new.pk, old.pk]


def test_matches_and_their_csv_of_one_cycle_are_those_made_in_it(admin, accepted, program, rounds):
    spring, _ = rounds
    Mentorship.objects.filter(pk=accepted.pk).update(cycle=spring)
    Mentorship.objects.create(
        program=program,
        mentee=ProfileFactory(program=program),
        mentor=accepted.mentor,
        status="requested",
    )
    data = call(admin, "get", url(program, f"matches/?cycle={spring.pk}")).json()
    assert [(m["id"], m["cycle"]) for m in data["results"]] == [(accepted.pk, spring.pk)]
    assert call(admin, "get", url(program, "matches/")).json()["count"] == 2
    response = call(admin, "get", url(program, f"matches.csv?cycle={spring.pk}"))
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert [row[4] for row in rows[1:]] == ["accepted"]
    assert f"cycle-{spring.pk}" in response["Content-Disposition"]


@pytest.mark.parametrize("path", ["participants/", "runs/", "matches/", "matches.csv"])
def test_a_cycle_of_another_program_is_a_400_naming_the_parameter(admin, program, path):
    elsewhere = CycleFactory(program=ProgramFactory())
    for value in (elsewhere.pk, 2**31 - 1):
        response = call(admin, "get", url(program, f"{path}?cycle={value}"))
        assert response.status_code == 400
        error = response.json()["error"]
        assert (error["code"], error["fields"]) == (
            "invalid",
            {"cycle": [f"This program has no cycle {value}."]},
        )
    for bad in ("spring", "0", str(2**31)):
        response = call(admin, "get", url(program, f"{path}?cycle={bad}"))
        assert response.status_code == 400 and list(response.json()["error"]["fields"]) == ["cycle"]
