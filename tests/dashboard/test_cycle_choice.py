"""The admin area's lists per cycle (dashboard/cycle_choice.py): People, Mentorships,
Runs and the matches CSV show the current cycle unless another is chosen; the
overview and fairness figures are about the people taking part now; runs record
their cycle."""

import csv
import io
from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from dashboard import figures
from matching import assigning, rescoring
from matching.models import MatchingRun
from mentorships.models import Mentorship
from profiles.models import Enrolment
from tests.conftest import login
from tests.factories import (
    CycleFactory,
    MentorFactory,
    ProfileFactory,
    ProgramFactory,
    coordinator,
    program_admin,
)

pytestmark = pytest.mark.django_db


def enrol(profile, *cycles):
    for cycle in cycles:
        Enrolment.objects.create(profile=profile, cycle=cycle)
    profile.cycle = cycles[-1]
    profile.save(update_fields=["cycle"])
    return profile


@pytest.fixture
def rounds():
    """A program whose Spring cycle closed and whose Autumn cycle runs: Ada took
    part in Spring only, Bea in both, Cy in Autumn only."""
    program = ProgramFactory(name="Bridges", slug="bridges")
    spring = CycleFactory(
        program=program, name="Spring", state="closed", registration_opens=date(2026, 3, 1)
    )
    autumn = CycleFactory(
        program=program, name="Autumn", state="running", registration_opens=date(2026, 9, 1)
    )
    ada = enrol(ProfileFactory(program=program, display_name="Ada"), spring)
    bea = enrol(ProfileFactory(program=program, display_name="Bea"), spring, autumn)
    cy = enrol(ProfileFactory(program=program, display_name="Cy"), autumn)
    return program, spring, autumn, (ada, bea, cy)


@pytest.fixture
def admin_client(client, rounds):
    return login(client, program_admin(rounds[0]))


def url(name, program, **query):
    address = reverse(f"dashboard:{name}", args=[program.slug])
    return address + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


def names(response):
    return {p.name for p in response.context["page"].object_list}


# --- People --------------------------------------------------------------------------------


def test_people_are_the_current_cycles_unless_another_is_chosen(admin_client, rounds):
    program, spring, _, _ = rounds

    assert names(admin_client.get(url("people", program))) == {"Bea", "Cy"}
    assert names(admin_client.get(url("people", program, cycle=spring.pk))) == {"Ada", "Bea"}
    assert names(admin_client.get(url("people", program, cycle="all"))) == {"Ada", "Bea", "Cy"}


def test_the_chooser_is_a_labelled_select_naming_the_current_cycle(admin_client, rounds):
    program, spring, autumn, _ = rounds

    page = admin_client.get(url("people", program, cycle=spring.pk)).content.decode()

    assert '<label for="id_cycle">Cycle:</label>' in page
    assert f'<option value="{spring.pk}" selected>Spring (closed)</option>' in page
    assert f'<option value="{autumn.pk}">Autumn (current)</option>' in page
    assert '<option value="all">All cycles</option>' in page


def test_the_chooser_works_with_the_other_filters(admin_client, rounds):
    program, spring, _, _ = rounds
    MentorFactory(program=program, display_name="Dee")
    enrol(MentorFactory(program=program, display_name="Eve"), spring)

    response = admin_client.get(url("people", program, cycle=spring.pk, role="mentor"))

    assert names(response) == {"Eve"}


def test_a_cycle_of_another_program_is_not_found(admin_client, rounds):
    program = rounds[0]
    elsewhere = CycleFactory(state="running")

    for name in ("people", "mentorships", "runs"):
        assert admin_client.get(url(name, program, cycle=elsewhere.pk)).status_code == 404
        assert admin_client.get(url(name, program, cycle="spring")).status_code == 404
    export = reverse("dashboard:export", args=[program.slug, "matches"])
    assert admin_client.get(f"{export}?cycle={elsewhere.pk}").status_code == 404


def test_a_program_with_one_cycle_offers_no_choice_and_shows_everyone(staff_client, program):
    assert program.cycles.count() == 1  # "Ongoing", from the upgrade
    ProfileFactory(program=program, display_name="Never enrolled")

    response = staff_client.get(url("people", program))

    assert names(response) == {"Never enrolled"}
    assert 'name="cycle"' not in response.content.decode()


def test_a_program_without_cycles_shows_everyone_and_no_chooser(client):
    program = ProgramFactory()
    ProfileFactory(program=program, display_name="Fay")
    login(client, program_admin(program))

    response = client.get(url("people", program))

    assert names(response) == {"Fay"}
    assert 'name="cycle"' not in response.content.decode()
    assert client.get(url("people", program, cycle=1)).status_code == 404


def test_the_people_list_takes_the_same_few_queries_with_a_cycle_chosen(
    admin_client, rounds, django_assert_max_num_queries
):
    program, spring, autumn, _ = rounds
    with CaptureQueriesContext(connection) as few:
        admin_client.get(url("people", program, cycle=spring.pk))
    for _ in range(12):
        enrol(ProfileFactory(program=program), spring, autumn)
        enrol(MentorFactory(program=program), spring)

    with django_assert_max_num_queries(len(few)):
        response = admin_client.get(url("people", program, cycle=spring.pk))
    assert len(response.context["page"].object_list) == 26


# --- Mentorships, runs, the CSV ------------------------------------------------------------


@pytest.fixture
def pairs(rounds):
    program, spring, autumn, (ada, _, cy) = rounds
    mentor = enrol(MentorFactory(program=program, display_name="Mo"), spring, autumn)
    made = {}
    for cycle, mentee in ((spring, ada), (autumn, cy)):
        made[cycle.name] = Mentorship.objects.create(
            program=program, cycle=cycle, mentee=mentee, mentor=mentor, status="active"
        )
    return made


def test_mentorships_are_the_chosen_cycles(admin_client, rounds, pairs):
    program, spring, _, _ = rounds

    current = admin_client.get(url("mentorships", program))
    chosen = admin_client.get(url("mentorships", program, cycle=spring.pk, status="under_way"))
    every = admin_client.get(url("mentorships", program, cycle="all"))

    assert list(current.context["page"].object_list) == [pairs["Autumn"]]
    assert list(chosen.context["page"].object_list) == [pairs["Spring"]]
    assert every.context["page"].paginator.count == 2


def test_a_coordinator_chooses_a_cycle_too(client, rounds, pairs):
    program, spring, _, _ = rounds
    login(client, coordinator(program))

    response = client.get(url("mentorships", program, cycle=spring.pk))

    assert list(response.context["page"].object_list) == [pairs["Spring"]]


def test_runs_record_the_current_cycle(rounds):
    program, _, autumn, _ = rounds

    rescore = rescoring.start_rescore(program=program)
    assign = assigning.start(program=program, queue=False)

    assert rescore.cycle == autumn and assign.cycle == autumn


def test_a_run_of_a_program_without_cycles_records_none():
    program = ProgramFactory()

    assert rescoring.start_rescore(program=program).cycle is None


def test_the_runs_list_is_the_chosen_cycles(admin_client, rounds):
    program, spring, autumn, _ = rounds
    old = MatchingRun.objects.create(program=program, cycle=spring, kind="score")
    new = MatchingRun.objects.create(program=program, cycle=autumn, kind="score")

    current = admin_client.get(url("runs", program))
    chosen = admin_client.get(url("runs", program, cycle=spring.pk))

    assert list(current.context["page"].object_list) == [new]
    assert list(chosen.context["page"].object_list) == [old]
    # Choosing a cycle is not asking to compare runs: no "this field is required".
    assert not current.context["form"].is_bound and not chosen.context["form"].is_bound
    assert "Run history of Spring" in chosen.content.decode()


def rows(response):
    text = b"".join(response.streaming_content if response.streaming else [response.content])
    return list(csv.DictReader(io.StringIO(text.decode("utf-8-sig"))))


def test_the_matches_csv_is_the_chosen_cycles(admin_client, rounds, pairs):
    program, spring, _, _ = rounds
    export = reverse("dashboard:export", args=[program.slug, "matches"])

    current = admin_client.get(export)
    chosen = admin_client.get(f"{export}?cycle={spring.pk}")
    every = admin_client.get(f"{export}?cycle=all")

    assert [r["mentee_name"] for r in rows(current)] == ["Cy"]
    assert [r["mentee_name"] for r in rows(chosen)] == ["Ada"]
    assert len(rows(every)) == 2


def test_the_export_page_names_the_cycle_its_matches_link_downloads(admin_client, rounds):
    program, spring, _, _ = rounds

    page = admin_client.get(url("import", program, cycle=spring.pk)).content.decode()

    assert f"?cycle={spring.pk}" in page
    assert "Mentorships of Spring (CSV)" in page


# --- The overview and fairness -------------------------------------------------------------


def test_the_overview_figures_leave_out_the_people_of_a_closed_cycle(rounds):
    program, *_ = rounds

    health = figures.program_health(program)

    assert health["mentees"] == 2  # Bea and Cy; Ada's cycle closed
    assert health["cycles"] == ["Autumn"]
    assert figures.fairness(program)["everyone"]["people"] == 2


def test_the_overview_says_which_cycle_its_figures_are_for(admin_client, rounds):
    program, *_ = rounds

    page = admin_client.get(url("program", program)).content.decode()

    assert "about the people taking part now: the cycle Autumn" in page
    assert reverse("dashboard:cycles_compared", args=[program.slug]) in page


def test_the_overview_counts_a_returning_mentees_wait_from_taking_part_again(rounds):
    program, spring, autumn, (_, bea, cy) = rounds
    start = timezone.now() - timedelta(days=30)
    Enrolment.objects.filter(cycle=autumn).update(enrolled_at=start)
    mentor = enrol(MentorFactory(program=program), spring, autumn)
    # Bea's Spring mentorship is her earlier cycle's: not this overview's.
    Mentorship.objects.create(
        program=program,
        cycle=spring,
        mentee=bea,
        mentor=mentor,
        status="completed",
        end_reason="goals_met",
        started_at=start - timedelta(days=200),
    )
    for mentee, wait in ((bea, 2), (cy, 4)):
        Mentorship.objects.create(
            program=program,
            cycle=autumn,
            mentee=mentee,
            mentor=mentor,
            status="active",
            started_at=start + timedelta(days=wait),
        )

    assert figures.program_health(program)["median_days_to_match"] == 3.0
