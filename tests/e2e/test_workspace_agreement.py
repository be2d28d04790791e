"""The agreement in Chromium (issue 20): the mentee drafts and proposes it, the mentor
suggests a change, the mentee revises it, the mentor confirms it, the mentee rates
progress and marks a goal done; the guides follow the goals; axe on every state,
at desktop width and on a phone."""

import re

import pytest
from django.core import mail
from playwright.sync_api import Page, expect

from matching import suggestions
from matching.models import Suggestion
from mentorships import lifecycle
from mentorships.models import GuideNote
from tests.e2e.conftest import MOBILE, VIEWPORT
from tests.e2e.test_accessibility import Audit
from tests.e2e.test_small_screens import PhoneCheck
from tests.e2e.test_workspace_notes import check_both_widths, said
from tests.factories import MentorFactory, ProfileFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

GOALS = ["networking", "overcoming-imposter-syndrome", "leadership"]


@pytest.fixture
def pair(default_program):
    mentee = ProfileFactory(program=default_program, display_name="Ji-woo Park", goals=GOALS)
    mentor = MentorFactory(program=default_program, display_name="Grace Lee", goals=GOALS)
    suggestions.refresh_profile(profile_id=mentee.pk)
    m = suggestions.request_mentor(
        suggestion=Suggestion.objects.get(mentee=mentee, mentor=mentor), message="Hello"
    )
    lifecycle.accept(mentorship=m)
    GuideNote.objects.create(
        program=default_program, guide="networking", text="Our **alumni evening** is in May."
    )
    mail.outbox.clear()
    return m


class Checks:
    """axe at desktop width and on a phone, and the phone's tap sizes, on each state."""

    def __init__(self):
        self.audit, self.phone = Audit(), PhoneCheck()

    def __call__(self, page: Page, what: str) -> None:
        check_both_widths(self.audit, page, what)
        page.set_viewport_size(MOBILE)
        self.phone.check(page, what)
        page.set_viewport_size(VIEWPORT)

    def assert_clean(self) -> None:
        self.audit.assert_clean()
        self.phone.assert_fits()


def agreement(page: Page):
    return page.get_by_role("region", name="Your agreement")


def test_a_pair_agrees_on_goals_and_the_mentee_tracks_progress(browsing, pair):
    checked = Checks()
    mentee, mentor = browsing.page(pair.mentee.user), browsing.page(pair.mentor.user)
    url = f"/m/{pair.pk}/"

    # Before an agreement: the first session's guide, then the mentee's goals'.
    mentee.goto(url)
    guides = mentee.get_by_role("region", name="Guides to get you started")
    expect(guides.locator("summary")).to_have_text(
        ["Your first session", "Networking", "Overcoming imposter syndrome", "Leadership"]
    )
    guides.get_by_text("Your first session").click()
    expect(guides.get_by_role("heading", name="Share your stories")).to_be_visible()
    guides.get_by_text("Networking", exact=True).click()
    expect(guides.get_by_text("alumni evening")).to_be_visible()
    checked(mentee, "mentorship page, no agreement yet, guides open")

    # The mentee drafts.
    agreement(mentee).get_by_role("link", name="Write the agreement").click()
    expect(mentee.get_by_role("heading", name="Write your agreement")).to_be_visible()
    mentee.get_by_label("Networking", exact=True).check()
    mentee.get_by_label("What success looks like for Networking").fill(
        "Five people in fintech who know my work."
    )
    mentee.get_by_label("Where you are today with Networking").select_option("2")
    checked(mentee, "agreement form")
    mentee.get_by_role("button", name="Save as a draft").click()
    said(mentee, "Draft saved")
    expect(agreement(mentee).get_by_text("You have a draft")).to_be_visible()
    checked(mentee, "a draft")

    # … a bad form is named and keeps what was written; then proposes.
    agreement(mentee).get_by_role("link", name="Continue the draft").click()
    mentee.get_by_label("Overcoming imposter syndrome", exact=True).check()
    mentee.get_by_role("button", name="Propose to Grace Lee").click()
    expect(mentee.get_by_text("Say what success looks like, in your own words.")).to_be_visible()
    expect(mentee.get_by_label("What success looks like for Networking")).to_have_value(
        "Five people in fintech who know my work."
    )
    checked(mentee, "agreement form with errors")
    mentee.get_by_label("What success looks like for Overcoming imposter syndrome").fill(
        "I speak up in design reviews without rehearsing every sentence."
    )
    mentee.get_by_label("Where you are today with Overcoming imposter syndrome").select_option("1")
    mentee.get_by_role("button", name="Propose to Grace Lee").click()
    said(mentee, "Proposed to Grace Lee")
    expect(agreement(mentee).get_by_text("Waiting for Grace Lee.")).to_be_visible()
    checked(mentee, "proposed, the mentee waiting")
    assert [m.subject for m in mail.outbox] == ["Ji-woo Park has proposed your mentoring agreement"]

    # The mentor suggests a change.
    mentor.goto(url)
    card = agreement(mentor)
    expect(card.get_by_text("Five people in fintech who know my work.")).to_be_visible()
    checked(mentor, "proposed, the mentor to answer")
    card.get_by_text("Suggest changes", exact=True).click()
    card.get_by_label("What would you change?").fill("Could we add leadership too?")
    checked(mentor, "suggest changes open")
    card.get_by_role("button", name="Send back with my suggestions").click()
    said(mentor, "Sent back with your suggestions")
    checked(mentor, "changes suggested, the mentor's side")

    # The mentee revises.
    mentee.goto(url)
    expect(agreement(mentee).get_by_text("Could we add leadership too?")).to_be_visible()
    checked(mentee, "changes suggested, the mentee's side")
    agreement(mentee).get_by_role("link", name="Revise the agreement").click()
    expect(mentee.get_by_text("Could we add leadership too?")).to_be_visible()
    mentee.get_by_label("Leadership", exact=True).check()
    mentee.get_by_label("What success looks like for Leadership").fill(
        "I run our quarterly planning day."
    )
    mentee.get_by_label("Where you are today with Leadership").select_option("2")
    mentee.get_by_text("Every week", exact=True).click()
    mentee.get_by_role("button", name="Propose to Grace Lee").click()
    said(mentee, "Proposed to Grace Lee")

    # The mentor confirms.
    mentor.goto(url)
    agreement(mentor).get_by_role("button", name="Confirm the agreement").click()
    said(mentor, "Agreed.")
    expect(agreement(mentor).get_by_text("meeting every week, for 6 months")).to_be_visible()
    expect(agreement(mentor).get_by_label(re.compile("Where are you now"))).to_have_count(0)
    checked(mentor, "agreed, the mentor's side")
    assert mail.outbox[-1].subject == "Grace Lee confirmed your agreement"

    # The mentee rates progress and marks a goal done; the guides follow the goals.
    mentee.goto(url)
    card = agreement(mentee)
    expect(card.get_by_role("listitem").get_by_role("heading", level=3)).to_have_text(
        ["Networking", "Overcoming imposter syndrome", "Leadership"]
    )
    card.get_by_label("Where are you now? (Networking)").select_option("4")
    card.get_by_role("button", name="Save progress on Networking").click()
    said(mentee, "Progress saved.")
    goal = (  # a locator: found again on each page
        agreement(mentee)
        .get_by_role("listitem")
        .filter(has=mentee.get_by_role("heading", name="Networking"))
    )
    expect(goal).to_contain_text("Now: 4 — nearly there (started at 2)")
    goal.get_by_role("button", name="Mark as done (Networking)").click()
    said(mentee, "Marked as done")
    expect(goal.get_by_text("Done", exact=True)).to_be_visible()
    goal.get_by_text("Progress so far").click()
    expect(goal.get_by_role("listitem")).to_have_count(3)
    checked(mentee, "agreed, progress rated and a goal done")
    guides = mentee.get_by_role("region", name="Guides for your goals")
    expect(guides.locator("summary")).to_have_text(  # the first session's until they meet
        ["Your first session", "Networking", "Overcoming imposter syndrome", "Leadership"]
    )
    guides.get_by_text("Leadership", exact=True).click()
    expect(guides.get_by_role("heading", name="What a mentor can do").last).to_be_visible()
    checked(mentee, "guides for the agreed goals")

    # Both see every version.
    agreement(mentee).get_by_role("link", name=re.compile("Every version and answer")).click()
    expect(mentee.get_by_role("heading", name="Version 2")).to_be_visible()
    expect(mentee.get_by_text("Could we add leadership too?")).to_be_visible()
    checked(mentee, "the agreement's history")

    checked.assert_clean()
