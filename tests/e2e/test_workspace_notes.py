"""Notes, action items and messages in Chromium (issue 20): the mentee writes a shared and
a private note, the mentor adds an action item the mentee ticks, the two exchange messages
from two browser pages (new ones arrive without a reload), the mentee reports one, and an
admin reads it with its context. axe on every state, at desktop width and on a phone."""

import pytest
from django.core import mail
from playwright.sync_api import Page, expect

from matching import suggestions
from matching.models import Suggestion
from mentorships import lifecycle
from mentorships.models import ActionItem, MessageReport
from tests.e2e.conftest import MOBILE, VIEWPORT
from tests.e2e.test_accessibility import Audit
from tests.factories import MentorFactory, ProfileFactory, program_admin

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

# The thread asks for new messages every 15 seconds.
POLL = 20_000


@pytest.fixture
def pair(default_program):
    mentee = ProfileFactory(
        program=default_program, display_name="Ji-woo Park", goals=["networking"]
    )
    mentor = MentorFactory(program=default_program, display_name="Grace Lee", goals=["networking"])
    suggestions.refresh_profile(profile_id=mentee.pk)
    m = suggestions.request_mentor(
        suggestion=Suggestion.objects.get(mentee=mentee, mentor=mentor), message="Hello"
    )
    lifecycle.accept(mentorship=m)
    mail.outbox.clear()
    return m


def check_both_widths(audit: Audit, page: Page, what: str) -> None:
    """axe on the page as it is, at desktop width and on a phone, nothing scrolling sideways."""
    for viewport, where in ((VIEWPORT, "desktop"), (MOBILE, "phone")):
        page.set_viewport_size(viewport)
        audit.check(page, f"{what} ({where})")
        wide = page.evaluate("document.documentElement.scrollWidth > window.innerWidth")
        assert not wide, f"{what} scrolls sideways on a {where}"
    page.set_viewport_size(VIEWPORT)


def said(page: Page, text: str) -> None:
    expect(page.get_by_role("status")).to_contain_text(text)


def notes(page: Page):
    return page.get_by_role("region", name="Notes")


def thread(page: Page):
    return page.get_by_role("log")


def test_a_pair_keeps_notes_ticks_an_item_and_talks(browsing, pair):
    audit = Audit()
    mentee, mentor = browsing.page(pair.mentee.user), browsing.page(pair.mentor.user)
    url = f"/m/{pair.pk}/"

    # The mentee writes a shared note and a private one.
    mentee.goto(url)
    check_both_widths(audit, mentee, "mentorship page, an empty workspace")
    mentee.get_by_label("Write a note").fill("We agreed to meet **every two weeks**.\n\n- CV first")
    mentee.get_by_label("Shared: both of you see it").check()
    mentee.get_by_role("button", name="Save note").click()
    said(mentee, "Note saved.")
    mentee.get_by_label("Write a note").fill("Ask about the *leadership course*.")
    mentee.get_by_label("Private: only you see it").check()
    mentee.get_by_role("button", name="Save note").click()
    said(mentee, "Note saved.")
    expect(notes(mentee).locator("strong", has_text="every two weeks")).to_be_visible()
    expect(notes(mentee).locator("em", has_text="leadership course")).to_be_visible()
    expect(notes(mentee).get_by_text("Private: only you", exact=True)).to_be_visible()
    check_both_widths(audit, mentee, "mentorship page with a shared and a private note")

    # The mentor reads the shared one only, and adds an action item for the mentee.
    mentor.goto(url)
    expect(notes(mentor).get_by_text("every two weeks")).to_be_visible()
    expect(notes(mentor).get_by_text("leadership course")).to_have_count(0)
    mentor.get_by_label("What is to be done").fill("Send the CV draft")
    mentor.get_by_label("Whose is it").select_option(label="Ji-woo Park (mentee)")
    mentor.get_by_label("Due (optional)").fill("2031-03-01")
    mentor.get_by_role("button", name="Add action item").click()
    said(mentor, "Action item added.")
    check_both_widths(audit, mentor, "mentorship page with an action item")

    # The mentee ticks it: saved at once, without a reload.
    mentee.reload()
    box = mentee.get_by_role("checkbox", name="Send the CV draft")
    expect(mentee.get_by_text("Yours · due 1 Mar 2031")).to_be_visible()
    box.check()
    expect(mentee.locator(".action-item.is-done")).to_have_count(1)
    expect(mentee.get_by_role("status")).to_have_count(0)  # no page load, no banner
    assert ActionItem.objects.get().done
    mentee.reload()
    expect(mentee.get_by_role("checkbox", name="Send the CV draft")).to_be_checked()
    check_both_widths(audit, mentee, "mentorship page with an item ticked done")

    # Messages, from two pages at once.
    mentee.get_by_role("link", name="Open messages").click()
    expect(mentee.get_by_role("heading", name="Messages with Grace Lee")).to_be_visible()
    mentor.goto(f"/m/{pair.pk}/messages/")
    check_both_widths(audit, mentor, "messages, an empty thread")
    mentee.get_by_label("Your message to Grace Lee").fill("Hello Grace! The CV is on its way.")
    mentee.get_by_role("button", name="Send").click()
    expect(thread(mentee).get_by_text("The CV is on its way")).to_be_visible()
    expect(mentee.get_by_label("Your message to Grace Lee")).to_have_value("")
    expect(mentee.get_by_label("Your message to Grace Lee")).to_be_focused()
    expect(thread(mentor).get_by_text("The CV is on its way")).to_be_visible(timeout=POLL)
    assert len([e for e in mail.outbox if e.to == [pair.mentor.user.email]]) == 1

    mentor.get_by_label("Your message to Ji-woo Park").fill("Thank you!\nTalk on Thursday?")
    mentor.get_by_role("button", name="Send").click()
    expect(thread(mentor).get_by_text("Talk on Thursday?")).to_be_visible()
    expect(thread(mentee).get_by_text("Talk on Thursday?")).to_be_visible(timeout=POLL)
    check_both_widths(audit, mentee, "messages, a conversation")

    # A poll that crosses a send brings messages the page has: they are shown once.
    expect(thread(mentee).get_by_role("listitem")).to_have_count(2)
    mentee.evaluate(
        "(url) => htmx.ajax('GET', url, {target: '#thread-poll', swap: 'outerHTML'})",
        f"/m/{pair.pk}/messages/after/0/",
    )
    mentee.wait_for_timeout(500)
    expect(thread(mentee).get_by_role("listitem")).to_have_count(2)

    # A blank message (spaces pass the browser's own check) is refused in words, in place.
    mentee.get_by_label("Your message to Grace Lee").fill("   ")
    mentee.get_by_role("button", name="Send").click()
    expect(mentee.get_by_role("alert")).to_contain_text("an empty message is not sent")
    check_both_widths(audit, mentee, "messages, an empty message refused")

    # The mentee reports the mentor's message.
    thread(mentee).get_by_role("link", name="Report").click()
    expect(
        mentee.get_by_role("heading", name="Report a message to the program team")
    ).to_be_visible()
    check_both_widths(audit, mentee, "report a message")
    mentee.get_by_label("What is wrong with this message? (optional)").fill("Just testing")
    mentee.get_by_role("button", name="Report this message").click()
    said(mentee, "the program team has the message")
    assert MessageReport.objects.get().reason == "Just testing"

    # The admin sees it, with its context, and marks it handled.
    admin = browsing.page(program_admin(pair.program))
    admin.goto(f"/programs/{pair.program.slug}/")
    admin.get_by_role("navigation", name="Program").get_by_role("link", name="Reports").click()
    expect(admin.get_by_role("heading", name="1 report to handle")).to_be_visible()
    expect(admin.get_by_text("Talk on Thursday?")).to_be_visible()
    expect(admin.get_by_text("The CV is on its way")).to_be_visible()
    check_both_widths(audit, admin, "the admin's reported messages")
    admin.get_by_label("What you did").fill("Spoke with Grace; all fine.")
    admin.get_by_role("button", name="Mark handled").click()
    said(admin, "Report marked handled")
    expect(admin.get_by_text("Talk on Thursday?")).to_have_count(0)
    check_both_widths(audit, admin, "the admin's reported messages, handled")

    # Once the mentorship ends, the thread is read-only.
    lifecycle.end(mentorship=pair, by=pair.mentor, reason="no_time")
    mentee.goto(f"/m/{pair.pk}/messages/")
    expect(mentee.get_by_text("this conversation is read-only")).to_be_visible()
    expect(mentee.get_by_label("Your message to Grace Lee")).to_have_count(0)
    check_both_widths(audit, mentee, "messages, read-only after the end")
    audit.assert_clean()
