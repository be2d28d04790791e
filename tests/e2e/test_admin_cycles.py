"""An admin of a program with two cycles looks at one cycle, then another, and at the
cycles side by side: in a real Chromium, by labels and roles, with the keyboard and
without it, axe on each page, and the comparison on a phone."""

from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from dashboard import snapshots
from mentorships.models import Mentorship
from profiles.models import Enrolment
from tests.e2e.test_accessibility import Audit
from tests.e2e.test_small_screens import PhoneCheck, phone
from tests.factories import (
    CycleFactory,
    MentorFactory,
    ProfileFactory,
    ProgramFactory,
    program_admin,
)

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def enrol(profile, cycle):
    Enrolment.objects.create(profile=profile, cycle=cycle)
    profile.cycle = cycle
    profile.save(update_fields=["cycle"])
    return profile


@pytest.fixture
def bridges():
    """Spring (closed): five mentees, all matched, and two mentors. Autumn (running):
    Ada and Ben, and a mentor."""
    program = ProgramFactory(name="Bridges", slug="bridges")
    spring = CycleFactory(
        program=program, name="Spring", state="closed", registration_opens=date(2026, 3, 1)
    )
    autumn = CycleFactory(
        program=program, name="Autumn", state="running", registration_opens=date(2026, 9, 1)
    )
    mentors = [enrol(MentorFactory(program=program), spring) for _ in range(2)]
    for i in range(5):
        mentee = enrol(ProfileFactory(program=program, display_name=f"Spring mentee {i}"), spring)
        Mentorship.objects.create(
            program=program,
            cycle=spring,
            mentee=mentee,
            mentor=mentors[i % 2],
            status="completed",
            end_reason="goals_met",
            started_at=timezone.now() - timedelta(days=100 - i),
            ended_at=timezone.now() - timedelta(days=10),
        )
    for name in ("Ada Autumn", "Ben Autumn"):
        enrol(ProfileFactory(program=program, display_name=name), autumn)
    enrol(MentorFactory(program=program, display_name="Mo Autumn"), autumn)
    return program


def test_an_admin_looks_at_each_cycle_and_at_the_cycles_side_by_side(browsing, bridges):
    audit = Audit()
    page = browsing.page(program_admin(bridges))

    audit.visit(page, reverse("dashboard:people", args=[bridges.slug]), "people, current cycle")
    results = page.get_by_role("region", name="3 people")
    expect(results.get_by_role("link", name="Ada Autumn")).to_be_visible()
    expect(page.get_by_label("Cycle")).to_have_value(str(bridges.cycles.get(name="Autumn").pk))

    page.get_by_label("Cycle").select_option(label="Spring (closed)")
    page.get_by_role("button", name="Show people").press("Enter")
    expect(page.get_by_role("heading", name="7 people")).to_be_visible()
    expect(page.get_by_role("link", name="Ada Autumn")).to_have_count(0)
    audit.check(page, "people, Spring chosen")

    audit.visit(page, reverse("dashboard:mentorships", args=[bridges.slug]), "mentorships")
    expect(page.get_by_role("heading", name="0 mentorships")).to_be_visible()
    page.get_by_label("Cycle").select_option(label="All cycles")
    page.get_by_role("button", name="Show mentorships").click()
    expect(page.get_by_role("heading", name="5 mentorships")).to_be_visible()
    audit.check(page, "mentorships, all cycles")

    audit.visit(page, reverse("dashboard:runs", args=[bridges.slug]), "runs")
    page.get_by_label("Cycle").select_option(label="Spring (closed)")
    page.get_by_role("button", name="Show runs").click()
    expect(page.get_by_role("table", name="Run history of Spring")).to_be_visible()
    audit.check(page, "runs of Spring")

    snapshots.refresh(bridges, "health")  # the worker's job, done here
    audit.visit(page, reverse("dashboard:program", args=[bridges.slug]), "overview")
    page.get_by_role("link", name="Compare the program's cycles").click()
    table = page.get_by_role("table", name="One row per cycle")
    expect(table.get_by_role("row")).to_have_count(3)
    spring = table.get_by_role("row", name="Spring")
    expect(spring.get_by_role("cell").nth(3)).to_have_text("100%")  # five of five matched
    expect(table.get_by_role("row", name="Autumn").get_by_role("cell").nth(3)).to_contain_text(
        "no figure: fewer than 5 mentees enrolled"
    )
    audit.check(page, "cycles compared")
    audit.assert_clean()

    check = PhoneCheck()
    check.visit(
        phone(browsing, program_admin(bridges)),
        reverse("dashboard:cycles_compared", args=[bridges.slug]),
        "cycles compared on a phone",
    )
    check.assert_fits()
