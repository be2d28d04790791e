"""An admin allowed to read background answers opens the outcome report from the
program's pages, reads a cycle's figures per group and downloads them; in a real
Chromium, by labels and roles, axe on each view, and the page on a phone."""

from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from mentorships.outcome_models import FollowUp, SponsorshipAction
from tests.dashboard.test_outcomes import answered_groups, close_out
from tests.e2e.test_accessibility import Audit
from tests.e2e.test_small_screens import PhoneCheck, phone
from tests.factories import CycleFactory, ProgramFactory, program_admin

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


@pytest.fixture
def harbour():
    """Spring (closed): 25 mentees mentored, in three heritage groups, one of them of
    two people, and those who gave no background answer; Autumn (running): none yet."""
    program = ProgramFactory(name="Harbour", slug="harbour")
    spring = CycleFactory(
        program=program, name="Spring", state="closed", registration_opens=date(2026, 3, 1)
    )
    CycleFactory(
        program=program, name="Autumn", state="running", registration_opens=date(2026, 9, 1)
    )
    groups = answered_groups(
        program,
        spring,
        {"east-asian": 8, "south-asian": 7, "southeast-asian": 2, None: 8},
        ratings={"east-asian": 5, "south-asian": 3},
    )
    today = timezone.now().date()
    for i, m in enumerate(groups["east-asian"] + groups[None]):
        SponsorshipAction.objects.create(mentorship=m, kind="introduced", happened_on=today)
        close_out(m, side="mentor", rating=4, at=i)
    for i, m in enumerate([m for ms in groups.values() for m in ms]):
        FollowUp.objects.create(
            mentorship=m,
            profile=m.mentee,
            months=6,
            due_on=today - timedelta(days=1),
            answered_at=timezone.now() - timedelta(minutes=50 - i),
            new_role=i % 3 == 0,
            stay="yes" if i % 4 else "unsure",
            belong_valued=4,
            belong_connected=3 + i % 3,
            sponsored=i % 2 == 0,
        )
    return program


def test_an_admin_reads_a_cycle_s_outcomes_per_group(browsing, harbour):
    audit = Audit()
    admin = program_admin(harbour, background=True)
    page = browsing.page(admin)
    audit.visit(page, reverse("dashboard:program", args=[harbour.slug]), "overview")
    page.get_by_role("navigation", name="Program").get_by_role("link", name="Outcomes").click()
    expect(page.get_by_role("heading", name="Outcomes of Harbour", level=1)).to_be_visible()
    # The current cycle (Autumn) has no mentorship yet: the page opens on Spring's.
    expect(page.get_by_text("25 mentees mentored so far")).to_be_visible()
    spring = harbour.cycles.get(name="Spring")
    expect(page.get_by_role("combobox", name="Cycle")).to_have_value(str(spring.pk))
    ratings = page.get_by_role("table", name="Ratings in figures")
    expect(ratings.get_by_role("row", name="East Asian")).to_contain_text("5.0")
    expect(ratings.get_by_role("row", name="Southeast Asian")).to_have_count(0)
    sponsorship = page.get_by_role("region", name="Sponsorship")
    expect(sponsorship.get_by_text("Mentored but not sponsored, by group.")).to_be_visible()
    expect(sponsorship.get_by_role("img", name="Mentored but not sponsored")).to_be_visible()
    audit.check(page, "outcomes of Spring, per group")

    with page.expect_download() as downloading:
        page.get_by_role("link", name="Download these figures as CSV").click()
    assert downloading.value.suggested_filename.startswith("harbour-outcomes-cycle-")

    page.get_by_role("combobox", name="Cycle").select_option(label="Autumn (current)")
    page.get_by_role("button", name="Show this cycle").click()
    expect(page.get_by_text("0 mentees mentored so far")).to_be_visible()
    audit.check(page, "outcomes of the current cycle, none yet")

    page.get_by_role("combobox", name="Cycle").select_option(label="All cycles")
    page.get_by_role("button", name="Show this cycle").click()
    expect(page.get_by_text("shown one cycle at a time")).to_be_visible()
    expect(page.get_by_role("row", name="East Asian")).to_have_count(0)
    audit.check(page, "outcomes of all cycles")
    audit.assert_clean()

    check = PhoneCheck()
    small = phone(browsing, admin)
    check.visit(
        small,
        reverse("dashboard:outcomes", args=[harbour.slug]) + f"?cycle={spring.pk}",
        "outcomes on a phone",
    )
    check.assert_fits()
