"""A mentee's 6-month follow-up in Chromium: the email's link lands on the sign-in,
then on the page; the mentee answers by the questions' labels (one group with the
keyboard alone) and is thanked; the home lists it until then. axe on each state, at
desktop width and on a phone."""

import tempfile
from datetime import timedelta
from pathlib import Path

import pytest
from django.core import mail
from django.utils import timezone
from playwright.sync_api import Page, expect

from mentorships import follow_ups
from mentorships.models import Mentorship
from mentorships.outcome_models import FollowUp
from tests.e2e.conftest import MOBILE, VIEWPORT
from tests.e2e.test_accessibility import Audit, mail_link
from tests.e2e.test_keyboard import assert_every_control_is_reachable, tab_and_press, tab_to
from tests.e2e.test_workspace_notes import check_both_widths, said
from tests.factories import PASSWORD, MentorFactory, ProfileFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

# Where a phone's view of the page is kept to look at (not docs/screenshots: not for the docs).
LOOK = Path(tempfile.gettempdir()) / "kindred-e2e"


@pytest.fixture
def sent(default_program) -> FollowUp:
    """Ji-woo Park's mentorship with Grace Lee closed 200 days ago; the clock sent the
    6-month follow-up."""
    mentee = ProfileFactory(program=default_program, display_name="Ji-woo Park")
    mentor = MentorFactory(program=default_program, display_name="Grace Lee")
    closed = timezone.now() - timedelta(days=200)
    Mentorship.objects.create(
        program=default_program,
        mentee=mentee,
        mentor=mentor,
        status=Mentorship.Status.COMPLETED,
        end_reason=Mentorship.EndReason.GOALS_MET,
        requested_at=closed - timedelta(days=100),
        started_at=closed - timedelta(days=90),
        ended_at=closed,
    )
    assert follow_ups.send_due() == 1
    return FollowUp.objects.get()


def group(page: Page, question: str):
    return page.get_by_role("group", name=question)


def test_the_mentee_answers_their_follow_up_from_the_email(browsing, sent):
    audit = Audit()
    mentee = sent.profile
    since = f"{timezone.localtime(sent.mentorship.ended_at):%B %Y}"
    link = mail_link(mentee.user.email, r"/follow-up/\d+/")

    page = browsing.page()
    page.goto(link)  # signed out: the sign-in first
    page.get_by_label("Email").fill(mentee.user.email)
    page.get_by_role("button", name="Continue").click()
    page.get_by_label("Password:", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Sign In").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        f"How have things gone since {since}?"
    )
    assert page.url.endswith(link)
    page.goto(link)  # without "signed in" said, which takes the focus
    check_both_widths(audit, page, "follow-up")
    assert_every_control_is_reachable(page, "follow-up")

    # One group with the keyboard alone: Tab into it, arrows to the answer.
    new_role = group(page, f"Since {since}, have you started a new role or had a promotion?")
    tab_to(page, new_role.get_by_role("radio", name="Yes"))
    page.keyboard.press("Space")
    page.keyboard.press("ArrowRight")
    expect(new_role.get_by_role("radio", name="No")).to_be_checked()
    page.keyboard.press("ArrowLeft")
    expect(new_role.get_by_role("radio", name="Yes")).to_be_checked()

    group(page, "How long do you expect to stay with your organisation?").get_by_label(
        "I am not sure"
    ).check()
    for statement, answer in [
        ("People at work value me for who I am.", "Agree"),
        ("I can be open about who I am at work.", "Strongly agree"),
        ("There are people at work I can go to for help or advice.", "Disagree"),
    ]:
        group(page, statement).get_by_label(answer, exact=True).check()
    # The fourth left out: every question is optional.
    group(page, f"Since {since}, has someone sponsored you?").get_by_label("Yes").check()
    LOOK.mkdir(exist_ok=True)
    page.set_viewport_size(MOBILE)
    page.screenshot(path=LOOK / "follow-up-mobile.png", full_page=True)
    page.set_viewport_size(VIEWPORT)
    tab_and_press(page, page.get_by_role("button", name="Send my answers"))

    said(page, "Thank you: your answers are saved.")
    expect(page.get_by_role("heading", name="Thank you")).to_be_visible()
    expect(page.get_by_text("I am not sure")).to_be_visible()
    check_both_widths(audit, page, "follow-up answered")
    page.set_viewport_size(MOBILE)
    page.screenshot(path=LOOK / "follow-up-answered-mobile.png", full_page=True)
    sent.refresh_from_db()
    assert (sent.new_role, sent.stay, sent.sponsored) == (True, "unsure", True)
    assert [getattr(sent, n) for n in FollowUp.BELONGING] == [4, 5, 2, None]
    assert len([m for m in mail.outbox if m.to == [mentee.user.email]]) == 1
    audit.assert_clean()


def test_the_home_lists_the_follow_up_and_a_wrong_answer_is_told(browsing, sent):
    audit = Audit()
    page = browsing.page(sent.profile.user)
    audit.visit(page, f"/p/{sent.profile_id}/", "mentee home with a follow-up")
    card = page.get_by_role("region", name="How have things gone since?")
    expect(card).to_contain_text("Grace Lee")
    LOOK.mkdir(exist_ok=True)
    page.set_viewport_size(MOBILE)
    card.screenshot(path=LOOK / "follow-up-home-mobile.png")
    page.set_viewport_size(VIEWPORT)
    card.get_by_role("link", name="Answer the 6-month follow-up").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("How have things gone since")

    # A value the page never offered (a tampered form) is told at its question.
    radio = group(page, "People at work value me for who I am.").get_by_label("Agree", exact=True)
    radio.evaluate("el => { el.value = '7'; el.checked = true; }")
    page.get_by_role("button", name="Send my answers").click()
    said(page, "Please check the form: each problem is marked below.")
    expect(page.get_by_text("Choose one of the answers shown, or none.")).to_be_visible()
    check_both_widths(audit, page, "follow-up with an error")
    sent.refresh_from_db()
    assert sent.answered_at is None and sent.belong_valued is None
    audit.assert_clean()
