"""At the end of a cycle's term, in Chromium with the keyboard alone: the mentee reads that
the mentorship closes unless both keep going, chooses it and confirms, then the mentor
does; the mentee is told by email. axe on every state, at desktop width and on a phone."""

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone
from playwright.sync_api import expect

from matching import suggestions
from matching.models import Suggestion
from mentorships import lifecycle, terms
from mentorships.models import Mentorship
from profiles.models import Cycle
from tests.e2e.test_accessibility import Audit
from tests.e2e.test_keyboard import assert_every_control_is_reachable, tab_and_press
from tests.e2e.test_workspace_notes import check_both_widths, said
from tests.factories import CycleFactory, MentorFactory, ProfileFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


@pytest.fixture
def asked(default_program) -> Mentorship:
    """A pair of Spring 2027, whose term ended yesterday, asked to close by the clock."""
    spring = CycleFactory(
        program=default_program,
        name="Spring 2027",
        ends_on=timezone.localdate() - timedelta(days=1),
        state=Cycle.State.RUNNING,
    )
    mentee = ProfileFactory(
        program=default_program, display_name="Ji-woo Park", goals=["networking"], cycle=spring
    )
    mentor = MentorFactory(
        program=default_program, display_name="Grace Lee", goals=["networking"], cycle=spring
    )
    suggestions.refresh_profile(profile_id=mentee.pk)
    m = suggestions.request_mentor(
        suggestion=Suggestion.objects.get(mentee=mentee, mentor=mentor), message="Hello"
    )
    lifecycle.accept(mentorship=m)
    Mentorship.objects.filter(pk=m.pk).update(started_at=timezone.now() - timedelta(weeks=12))
    Cycle.objects.filter(pk=spring.pk).update(state=Cycle.State.CLOSED)  # as its clock does
    terms.close_terms(now=timezone.now())
    m.refresh_from_db()
    mail.outbox.clear()
    return m


def test_both_keep_going_after_the_term_with_the_keyboard(browsing, asked):
    audit = Audit()
    closes = f"{asked.closing_on:%-d %B %Y}"
    page = browsing.page(asked.mentee.user)
    page.goto(asked.get_absolute_url())
    card = page.get_by_role("region", name="After the term")
    expect(card).to_contain_text(f"closes on {closes} as completed")
    expect(card).to_contain_text("Grace Lee: has not chosen to keep going")
    expect(page.get_by_text("Spring 2027 · its term ended on")).to_be_visible()
    check_both_widths(audit, page, "mentorship page, asked to close")
    assert_every_control_is_reachable(page, "mentorship page, asked to close")

    tab_and_press(page, card.get_by_role("button", name="Keep going after the term…"))
    expect(page.get_by_role("heading", name="Keep going after the term?")).to_be_visible()
    check_both_widths(audit, page, "keep going: what happens")
    tab_and_press(page, page.get_by_role("button", name="Yes, keep going after the term"))
    said(page, f"Unless you both do, your mentorship closes on {closes}")
    expect(card).to_contain_text("You: chose to keep going on")
    expect(card.get_by_role("button", name="Take back my choice…")).to_be_visible()
    check_both_widths(audit, page, "mentorship page, one side chose")
    assert not mail.outbox  # one side alone: the other reads it on the page

    other = browsing.page(asked.mentor.user)
    other.goto(asked.get_absolute_url())
    card = other.get_by_role("region", name="After the term")
    expect(card).to_contain_text("Ji-woo Park: chose to keep going on")
    tab_and_press(other, card.get_by_role("button", name="Keep going after the term…"))
    tab_and_press(other, other.get_by_role("button", name="Yes, keep going after the term"))
    said(other, "You both chose to keep going: your mentorship goes on after the term.")
    asked.refresh_from_db()
    assert asked.mentee_extends_at and asked.mentor_extends_at
    (email,) = mail.outbox
    assert email.to == [asked.mentee.user.email]
    assert email.subject == "Grace Lee chose to keep going too"
    audit.assert_clean()
