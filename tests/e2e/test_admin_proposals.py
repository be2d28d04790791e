"""An admin edits an auto-assignment before committing it: removes a pair by its
button (the row and the counts change in place, focus stays on the button),
commits through the confirmation page, then reads the audit log. axe runs on
each state, at desktop width and on a phone."""

import re

import pytest
from django.urls import reverse
from playwright.sync_api import Page, expect

from matching.models import AssignmentPair, MatchingRun
from mentorships.models import Mentorship
from tests.e2e.conftest import MOBILE
from tests.e2e.test_accessibility import Audit
from tests.factories import MentorFactory, ProfileFactory, program_admin

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

GOALS = ["networking", "leadership"]


@pytest.fixture
def cohort(default_program):
    """Six mentees waiting, three mentors with two places each."""
    mentors = [MentorFactory(program=default_program, goals=GOALS, capacity=2) for _ in range(3)]
    mentees = [ProfileFactory(program=default_program, goals=GOALS) for _ in range(6)]
    return mentees, mentors


def fits_the_screen(page: Page) -> None:
    wide = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert wide <= 0, f"{page.url} scrolls sideways by {wide}px"


def test_an_admin_removes_a_pair_commits_the_rest_and_reads_the_audit_log(
    browsing, default_program, cohort
):
    audit = Audit()
    admin = program_admin(default_program, email="lead@example.org")
    page = browsing.page(admin)
    page.goto(reverse("dashboard:program", args=[default_program.slug]))
    page.get_by_role("radio", name=re.compile("^Optimal")).check()
    page.get_by_role("button", name="Propose an auto-assignment").click()

    pairs = page.get_by_role("table", name=re.compile("^Proposed pairs"))
    expect(pairs.get_by_role("row")).to_have_count(7)
    counts = page.locator("#proposal-counts")
    expect(counts).to_contain_text("6 pairs to commit.")
    expect(pairs).to_contain_text("Can help with 2 of the mentee's 2 goals")
    audit.check(page, "auto-assignment proposal")

    run = MatchingRun.objects.get(kind=MatchingRun.Kind.ASSIGN)
    first = AssignmentPair.objects.filter(run=run).order_by("-score", "pk").first()
    name = f"{first.mentee.name} and {first.mentor.name}"
    page.evaluate("window.notReloaded = true")
    remove = page.get_by_role("button", name=f"Remove {name}")
    remove.focus()
    page.keyboard.press("Enter")  # by keyboard: focus stays on the row's button
    put_back = page.get_by_role("button", name=f"Put back {name}")
    expect(put_back).to_be_focused()
    expect(counts).to_contain_text("5 pairs to commit; 1 removed by hand")
    row = pairs.get_by_role("row").filter(has=put_back)
    expect(row).to_contain_text("Removed")
    commit = page.get_by_role("button", name=re.compile("^Commit: create these 5 mentorships"))
    expect(commit).to_be_visible()
    assert page.evaluate("window.notReloaded === true"), "the page reloaded"
    audit.check(page, "proposal with a pair removed")

    page.set_viewport_size(MOBILE)
    fits_the_screen(page)
    audit.check(page, "proposal with a pair removed, on a phone")
    page.set_viewport_size({"width": 1280, "height": 800})

    commit.click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Commit auto-assignment #{run.pk}?")
    happens = page.get_by_role("list", name="What happens when you confirm")
    expect(happens).to_contain_text("5 mentorships are created")
    expect(happens).to_contain_text("10 emails")
    expect(happens).to_contain_text("1 pair removed by hand")
    audit.check(page, "commit confirmation")
    page.get_by_role("button", name="Yes, create 5 mentorships and send 10 emails").click()

    expect(page.get_by_role("status").filter(has_text="Committed")).to_contain_text(
        "5 mentorships created, 0 skipped"
    )
    assert Mentorship.objects.filter(source="auto").count() == 5
    assert not Mentorship.objects.filter(mentee=first.mentee).exists()
    expect(page.get_by_role("button", name=re.compile("^(Remove|Put back) "))).to_have_count(0)
    audit.check(page, "auto-assignment committed")

    page.get_by_role("navigation", name="Program").get_by_role("link", name="Audit log").click()
    log = page.get_by_role("table", name=re.compile("^Audit log"))
    expect(log).to_contain_text("Auto-assignment committed")
    expect(log).to_contain_text(f"{name} removed from auto-assignment #{run.pk}.")
    expect(log).to_contain_text("lead@example.org")
    audit.check(page, "audit log")
    page.get_by_label("What").select_option(label="Pair removed from or put back into a proposal")
    page.get_by_role("button", name="Show").click()
    expect(page.get_by_role("heading", name=re.compile("^1 entry matching"))).to_be_visible()
    audit.check(page, "audit log, filtered")

    page.set_viewport_size(MOBILE)
    fits_the_screen(page)
    audit.check(page, "audit log on a phone")
    audit.assert_clean()


def test_a_rescore_asks_first_and_going_back_changes_nothing(browsing, default_program, cohort):
    audit = Audit()
    page = browsing.page(program_admin(default_program))
    page.goto(reverse("dashboard:program", args=[default_program.slug]))
    page.get_by_role("button", name="Re-score the program").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Re-score {default_program.name}?")
    audit.check(page, "re-score confirmation")
    page.set_viewport_size(MOBILE)
    fits_the_screen(page)
    audit.check(page, "re-score confirmation on a phone")
    page.get_by_role("link", name="No, go back to the dashboard").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text(default_program.name)
    assert not MatchingRun.objects.exists()
    audit.assert_clean()
