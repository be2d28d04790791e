"""The sponsorship ledger in Chromium (issue 22): the mentor reads what counts, records an
introduction (a date in the future first, refused on the form), the mentee is emailed,
opens the ledger from the mentorship page and confirms it, then takes it back. axe on
every state, at desktop width and on a phone."""

import re
from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone
from playwright.sync_api import Page, expect

from matching import suggestions
from matching.models import Suggestion
from mentorships import lifecycle
from mentorships.outcome_models import SponsorshipAction
from mentorships.times import zone_of
from tests.e2e.conftest import screenshot
from tests.e2e.test_accessibility import Audit
from tests.e2e.test_workspace_notes import check_both_widths, said
from tests.factories import MentorFactory, ProfileFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

NOTE = "Introduced to Priya Shah, head of data at Acme"


@pytest.fixture
def pair(default_program):
    mentee = ProfileFactory(
        program=default_program, display_name="Amara Okafor", goals=["networking"]
    )
    mentor = MentorFactory(
        program=default_program, display_name="Daniel Reyes", goals=["networking"]
    )
    suggestions.refresh_profile(profile_id=mentee.pk)
    m = suggestions.request_mentor(
        suggestion=Suggestion.objects.get(mentee=mentee, mentor=mentor), message="Hello"
    )
    lifecycle.accept(mentorship=m)
    mail.outbox.clear()
    return m


def ledger(page: Page):
    return page.get_by_role("region", name=re.compile("Your ledger|What Daniel Reyes has done"))


def test_the_mentor_records_an_introduction_and_the_mentee_confirms_it(browsing, pair):
    audit = Audit()
    mentor, mentee = browsing.page(pair.mentor.user), browsing.page(pair.mentee.user)

    # The mentor finds the ledger from the mentorship page.
    mentor.goto(f"/m/{pair.pk}/")
    card = mentor.get_by_role("region", name="Sponsorship")
    expect(card).to_contain_text("Mentoring is advice; sponsorship is putting your name")
    card.get_by_role("link", name="Open the sponsorship ledger").click()
    expect(mentor.get_by_role("heading", name="Sponsorship", level=1)).to_be_visible()
    expect(mentor.get_by_role("region", name="What counts as sponsorship")).to_contain_text(
        "over-mentored and under-sponsored"
    )
    expect(ledger(mentor)).to_contain_text("Nothing recorded yet.")
    check_both_widths(audit, mentor, "the mentor's empty ledger")

    # A date in the future is refused on the form, the choices kept.
    mentor.get_by_label("Introduced them to someone").check()
    today = timezone.localdate(timezone=zone_of(pair.mentor))  # the mentor's today
    mentor.get_by_label("When").fill((today + timedelta(days=3)).isoformat())
    note = mentor.get_by_label("A note for you both (optional)")
    note.fill(NOTE)
    expect(mentor.get_by_text(f"{len(NOTE)} / 300 characters")).to_be_visible()
    expect(note).to_have_accessible_description(re.compile(f"{len(NOTE)} / 300 characters"))
    mentor.get_by_role("button", name="Record it").click()
    expect(mentor.get_by_label("When")).to_have_accessible_description(re.compile("in the future"))
    expect(mentor.get_by_label("Introduced them to someone")).to_be_checked()
    check_both_widths(audit, mentor, "the ledger's form with an error")
    assert not SponsorshipAction.objects.exists()

    mentor.get_by_label("When").fill(today.isoformat())
    mentor.get_by_role("button", name="Record it").click()
    said(mentor, "Recorded. Amara Okafor is emailed to confirm it.")
    expect(ledger(mentor)).to_contain_text("You introduced Amara Okafor to someone")
    expect(ledger(mentor)).to_contain_text("Waiting for Amara Okafor to confirm")
    check_both_widths(audit, mentor, "the mentor's ledger with an entry")
    (email,) = [e for e in mail.outbox if e.to == [pair.mentee.user.email]]
    assert "introduced you to someone" in email.body

    # The mentee opens it from the mentorship page and confirms it.
    mentee.goto(f"/m/{pair.pk}/")
    card = mentee.get_by_role("region", name="Sponsorship")
    expect(card).to_contain_text("1 to confirm")
    card.get_by_role("link", name="Open the sponsorship ledger").click()
    expect(ledger(mentee)).to_contain_text("Daniel Reyes introduced you to someone")
    expect(ledger(mentee)).to_contain_text(NOTE)
    check_both_widths(audit, mentee, "the mentee's ledger, waiting to confirm")
    mentee.get_by_role("button", name="Confirm").click()
    said(mentee, "Confirmed. Thank you.")
    expect(ledger(mentee)).to_contain_text("Confirmed by you")
    assert SponsorshipAction.objects.get().is_confirmed
    screenshot(mentee, "sponsorship-ledger")
    check_both_widths(audit, mentee, "the mentee's ledger, confirmed")

    # Not quite right after all: the confirmation is taken back.
    mentee.get_by_role("button", name="Not quite right").click()
    said(mentee, "your confirmation is taken back")
    expect(mentee.get_by_role("button", name="Confirm")).to_be_visible()
    assert not SponsorshipAction.objects.get().is_confirmed

    # The mentor may correct it again.
    mentor.reload()
    expect(ledger(mentor).get_by_role("link", name=re.compile("Edit or delete"))).to_be_visible()
    audit.assert_clean()
