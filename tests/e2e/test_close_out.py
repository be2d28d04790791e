"""The close-out survey in Chromium (issue 22): a pair with an agreement, the mentor
ends the mentorship, is asked how it went, answers by label (a testimonial shown
without words is named first), and reads their answers; the mentee reads the shared
testimonial, finds their own survey on their home and answers from where their goals
started. axe at desktop width and on a phone on every state."""

import pytest
from django.core import mail
from playwright.sync_api import Page, expect

from matching import suggestions
from matching.models import Suggestion
from mentorships import agreements, lifecycle
from mentorships.agreements import GoalTerms, Terms
from mentorships.outcome_models import CloseOut
from tests.e2e.test_accessibility import Audit
from tests.e2e.test_workspace_notes import check_both_widths, said
from tests.factories import MentorFactory, ProfileFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

GOALS = ["networking", "leadership"]
WORDS = "Ji-woo grew into someone who runs the room. A joy to mentor."


@pytest.fixture
def pair(default_program):
    """Ji-woo and Grace, agreed on networking (from 2) and leadership (from 1)."""
    mentee = ProfileFactory(program=default_program, display_name="Ji-woo Park", goals=GOALS)
    mentor = MentorFactory(program=default_program, display_name="Grace Lee", goals=GOALS)
    suggestions.refresh_profile(profile_id=mentee.pk)
    m = suggestions.request_mentor(
        suggestion=Suggestion.objects.get(mentee=mentee, mentor=mentor), message="Hello"
    )
    lifecycle.accept(mentorship=m)
    goals = [
        GoalTerms("networking", "Five people in fintech who know my work.", 2),
        GoalTerms("leadership", "I run our quarterly planning day.", 1),
    ]
    agreements.propose(mentorship=m, by=mentee, terms=Terms(goals, 2, 6, ""))
    agreements.confirm(mentorship=m, by=mentor)
    mail.outbox.clear()
    return m


def test_a_pair_closes_and_each_side_says_how_it_went(browsing, pair):
    audit = Audit()
    mentor, mentee = browsing.page(pair.mentor.user), browsing.page(pair.mentee.user)
    url = f"/m/{pair.pk}/"

    # The mentor ends it.
    mentor.goto(url)
    mentor.get_by_label("Why end the mentorship?").select_option(label="We reached our goals")
    mentor.get_by_role("button", name="End the mentorship…").click()
    mentor.get_by_role("button", name="Yes, end the mentorship").click()
    said(mentor, "The mentorship has ended")
    prompt = mentor.get_by_role("region", name="Tell us how it went — 2 minutes")
    expect(prompt).to_be_visible()
    check_both_widths(audit, mentor, "a closed mentorship, the survey asked")
    subjects = sorted(e.subject for e in mail.outbox if e.subject.startswith("How did"))
    assert subjects == [
        "How did your mentorship with Grace Lee go?",
        "How did your mentorship with Ji-woo Park go?",
    ]

    # The survey, in the mentor's words.
    prompt.get_by_role("link", name="Tell us how it went").click()
    expect(mentor.get_by_role("heading", name="How did it go?", level=1)).to_be_visible()
    expect(mentor.get_by_text("Ji-woo Park started at 2 — early steps.")).to_be_visible()
    check_both_widths(audit, mentor, "the mentor's survey")
    overall = mentor.get_by_role("group", name="Overall, how was mentoring Ji-woo Park?")
    overall.get_by_label("5 — excellent").check()
    mentor.get_by_label("Where is Ji-woo Park now with Networking, as you saw it?").select_option(
        "4"
    )
    helped = mentor.get_by_label("What do you think helped Ji-woo Park most?")
    helped.fill("Practising the hard conversations before she had them.")
    expect(mentor.get_by_text("54 / 1,000 characters")).to_be_visible()  # counted as typed
    recommend = mentor.get_by_role("group", name="Would you recommend mentoring in")
    recommend.get_by_label("Yes", exact=True).check()
    consent = mentor.get_by_label("Show my testimonial to Ji-woo Park and the program")
    expect(consent).not_to_be_checked()
    consent.check()
    mentor.get_by_role("button", name="Send my answers").click()

    # Consent without words is named, and nothing is lost or saved.
    expect(mentor.get_by_text("Write your testimonial first")).to_be_visible()
    expect(helped).to_have_value("Practising the hard conversations before she had them.")
    assert CloseOut.objects.get(mentorship=pair, side="mentor").answered_at is None
    check_both_widths(audit, mentor, "the mentor's survey with an error")
    mentor.get_by_label("A few words others could read (optional)").fill(WORDS)
    mentor.get_by_role("button", name="Send my answers").click()

    # Thanked, with the answers.
    said(mentor, "Thank you for telling us how it went.")
    answers = mentor.get_by_role("region", name="Your answers")
    expect(answers).to_contain_text("5 — excellent")
    expect(answers).to_contain_text(
        "Started at 2 — early steps; at the close, as you saw it: 4 — nearly there"
    )
    expect(mentor.get_by_role("button", name="Stop showing my testimonial")).to_be_visible()
    check_both_widths(audit, mentor, "the mentor's answers")

    # The mentee reads the shared testimonial, and finds their own survey at home.
    mentee.goto(url)
    theirs = mentee.get_by_role("region", name="What Grace Lee said")
    expect(theirs).to_contain_text(WORDS)
    expect(mentee.get_by_text("Practising the hard conversations")).to_have_count(0)
    check_both_widths(audit, mentee, "the mentee's closed mentorship with a testimonial")
    mentee.goto(f"/p/{pair.mentee_id}/")
    home = mentee.get_by_role("region", name="Tell us how it went — 2 minutes")
    check_both_widths(audit, mentee, "the mentee's home, the survey asked")
    home.get_by_role("link", name="Tell us how it went with Grace Lee").click()
    expect(mentee.get_by_text("You started at 1 — just starting out.")).to_be_visible()
    mentee.get_by_role(
        "group", name="Overall, how was your mentorship with Grace Lee?"
    ).get_by_label("4 — very good").check()
    mentee.get_by_label("Where are you now with Leadership?").select_option("3")
    mentee.get_by_role("button", name="Send my answers").click()
    said(mentee, "Thank you for telling us how it went.")
    expect(mentee.get_by_role("region", name="Your answers")).to_contain_text(
        "Started at 1 — just starting out; at the close: 3 — about halfway"
    )
    mentee.goto(f"/p/{pair.mentee_id}/")
    expect(mentee.get_by_role("region", name="Tell us how it went — 2 minutes")).to_have_count(0)

    audit.assert_clean()


def test_the_survey_works_by_keyboard(browsing, pair):
    lifecycle.end(mentorship=pair, by=pair.mentee, reason="no_time")
    page: Page = browsing.page(pair.mentee.user)
    page.goto(f"/m/{pair.pk}/close-out/mentee/")
    page.get_by_role("group", name="Overall, how was your mentorship with Grace Lee?").get_by_label(
        "3 — good"
    ).focus()
    page.keyboard.press("Space")
    page.get_by_label("What helped you most?").focus()
    page.keyboard.type("Our monthly walks.")
    page.get_by_role("button", name="Send my answers").focus()
    page.keyboard.press("Enter")
    said(page, "Thank you for telling us how it went.")
    c = CloseOut.objects.get(mentorship=pair, side="mentee")
    assert (c.rating, c.helped_most) == (3, "Our monthly walks.")
