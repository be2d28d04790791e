"""An admin matches two people by hand, past a rule, with a reason: people found
as they type and chosen by keyboard, the pair weighed without a reload; then
re-matches a flagged pair. axe runs on every state (the Audit of test_accessibility)."""

import re

import pytest
from django.urls import reverse
from playwright.sync_api import Page, expect

from mentorships.models import Mentorship
from profiles.models import AuditEntry, Program
from tests.e2e.test_accessibility import Audit
from tests.factories import MentorFactory, ProfileFactory, program_admin

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

GOALS = ["networking", "leadership"]


@pytest.fixture
def people(default_program):
    program = default_program
    ana = ProfileFactory(
        program=program, goals=GOALS, display_name="Ana Park", user__email="ana.park@example.org"
    )
    ProfileFactory(
        program=program, goals=GOALS, display_name="Ana Park", user__email="ana.p@example.net"
    )
    dana = MentorFactory(program=program, goals=GOALS, display_name="Dana Lee", capacity=1)
    Mentorship.objects.create(
        program=program, mentee=ProfileFactory(program=program), mentor=dana, status="active"
    )
    ben = ProfileFactory(program=program, goals=GOALS, display_name="Ben Cho")
    flagged = Mentorship.objects.create(
        program=program,
        mentee=ben,
        mentor=MentorFactory(program=program, goals=GOALS, display_name="Hal Moss"),
        status="active",
        health="low_rating",
    )
    grace = MentorFactory(program=program, goals=GOALS, display_name="Grace Kim")
    return {"ana": ana, "dana": dana, "ben": ben, "flagged": flagged, "grace": grace}


def staff_page(browsing) -> Page:
    return browsing.page(program_admin(Program.objects.get(slug="default")))


def test_matching_by_hand_past_a_rule_with_a_reason(browsing, default_program, people):
    audit = Audit()
    page = staff_page(browsing)
    audit.visit(page, reverse("dashboard:match", args=[default_program.slug]), "match by hand")
    page.evaluate("window.stillThisPage = true")

    page.get_by_label("Find a mentee").press_sequentially("ana pa", delay=40)
    mine = page.get_by_role("radio", name=re.compile("ana.park@example.org"))
    namesake = page.get_by_role("radio", name=re.compile("ana.p@example.net"))
    expect(mine).to_be_visible()
    expect(namesake).to_be_visible()  # same name, told apart by email
    expect(page.get_by_text("2 mentees match “ana pa”")).to_be_visible()
    audit.check(page, "match by hand, mentees found")

    # By keyboard: Tab into the group, arrows to the right Ana Park (arrows also choose).
    page.keyboard.press("Tab")
    page.keyboard.press("Space")
    if not mine.is_checked():
        page.keyboard.press("ArrowDown")
    expect(mine).to_be_checked()
    expect(page.get_by_role("heading", name="Choose a mentee and a mentor")).to_be_visible()

    page.keyboard.press("Tab")  # on to the mentor's search box
    expect(page.get_by_label("Find a mentor")).to_be_focused()
    page.keyboard.type("dana", delay=40)
    dana = page.get_by_role("radio", name=re.compile("Dana Lee"))
    expect(dana).to_be_visible()
    expect(page.get_by_text("0 of 1 place free")).to_be_visible()
    page.keyboard.press("Tab")
    page.keyboard.press("Space")
    expect(dana).to_be_checked()

    # The pair, weighed without a reload: score, reasons, room, and the rule set aside.
    expect(page.get_by_role("heading", name="Ana Park with Dana Lee")).to_be_visible()
    expect(page.get_by_text("Can help with 2 of the mentee's 2 goals")).to_be_visible()
    expect(page.get_by_text("Dana Lee is full: 1 of 1 place taken")).to_be_visible()
    reason = page.get_by_label("Why set this rule aside? (required)")
    expect(reason).to_be_visible()
    assert page.evaluate("window.stillThisPage === true"), "the page reloaded"
    audit.check(page, "match by hand, a pair setting a rule aside")

    page.get_by_role("button", name="Match Ana Park with Dana Lee").click()
    expect(page.get_by_text("Nothing was saved: the match sets this rule aside")).to_be_visible()
    assert not Mentorship.objects.filter(mentee=people["ana"]).exists()
    audit.check(page, "match by hand, reason missing")

    page.get_by_label("Why set this rule aside? (required)").fill("Dana offered a fourth place.")
    page.get_by_role("button", name="Match Ana Park with Dana Lee").click()
    expect(page.get_by_text("Ana Park is now mentored by Dana Lee")).to_be_visible()
    audit.check(page, "overview after a manual match")
    m = Mentorship.objects.get(mentee=people["ana"])
    assert (m.mentor, m.override_reason) == (people["dana"], "Dana offered a fourth place.")
    assert AuditEntry.objects.filter(action="manual_match", reason=m.override_reason).exists()
    audit.assert_clean()


def test_rematching_a_flagged_pair(browsing, default_program, people):
    audit = Audit()
    page = staff_page(browsing)
    slug = default_program.slug
    audit.visit(page, reverse("dashboard:program", args=[slug]), "overview with a flag")
    page.get_by_role("link", name="Re-match Ben Cho").click()
    expect(
        page.get_by_role("heading", name=re.compile("^End the mentorship of Ben Cho"))
    ).to_be_visible()
    audit.check(page, "re-match confirmation")

    confirm = page.get_by_role("button", name="Yes, end it and re-match Ben Cho")
    confirm.click()
    expect(page.get_by_text("Say why you are ending this mentorship.")).to_be_visible()
    assert Mentorship.objects.get(pk=people["flagged"].pk).status == "active"
    audit.check(page, "re-match confirmation, reason missing")

    page.get_by_label("Why are you ending it to re-match?").fill("Two low check-ins in a row.")
    page.get_by_role("button", name="Yes, end it and re-match Ben Cho").click()
    expect(page.get_by_role("heading", name="A next mentor for Ben Cho")).to_be_visible()
    options = page.get_by_role("list").filter(has=page.get_by_role("heading", name="Grace Kim"))
    expect(options.get_by_text("/100").first).to_be_visible()
    expect(page.get_by_role("button", name="Put Ben Cho back into the pool")).to_be_visible()
    audit.check(page, "re-match, the next mentors")

    page.get_by_role("link", name="Match with Grace Kim…").click()
    expect(page.get_by_role("heading", name="Ben Cho with Grace Kim")).to_be_visible()
    audit.check(page, "match by hand, a re-match's pick")
    page.get_by_role("button", name="Match Ben Cho with Grace Kim").click()
    expect(page.get_by_text("Ben Cho is now mentored by Grace Kim")).to_be_visible()
    assert Mentorship.objects.get(mentee=people["ben"], status="accepted").mentor == people["grace"]
    assert AuditEntry.objects.filter(action="rematch").count() == 1
    audit.assert_clean()
