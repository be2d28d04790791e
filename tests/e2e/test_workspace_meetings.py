"""A meeting, arranged in the browser: the mentee (Los Angeles) proposes two
times, the mentor (London) sees both in their own time and picks one, downloads
the invite (read back here with two calendar parsers), and after the meeting's
time, its clock moved on server-side, the mentee logs it. axe runs on every
state, and each is measured on a phone."""

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import icalendar
import pytest
import vobject
from django.core import mail
from django.urls import reverse
from playwright.sync_api import expect

from matching import suggestions
from matching.models import Suggestion
from mentorships import lifecycle
from mentorships.models import Meeting
from tests.e2e.test_accessibility import Audit
from tests.e2e.test_small_screens import PHONE, PhoneCheck
from tests.factories import MentorFactory, ProfileFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

LA, LONDON = ZoneInfo("America/Los_Angeles"), ZoneInfo("Europe/London")


@pytest.fixture
def pair(default_program):
    mentee = ProfileFactory(
        program=default_program,
        display_name="Ji-woo Park",
        goals=["networking", "leadership"],
        timezone="America/Los_Angeles",
    )
    mentor = MentorFactory(
        program=default_program,
        display_name="Grace Lee",
        goals=["networking", "leadership"],
        timezone="Europe/London",
    )
    suggestions.refresh_profile(profile_id=mentee.pk)
    m = suggestions.request_mentor(
        suggestion=Suggestion.objects.get(mentee=mentee, mentor=mentor), message="Hello"
    )
    lifecycle.accept(mentorship=m)
    m.refresh_from_db()
    return m


def checked(audit: Audit, phone: PhoneCheck, page, what: str) -> None:
    """axe on the page as it is, then the same page on a phone."""
    audit.check(page, what)
    size = page.viewport_size
    page.set_viewport_size(PHONE)
    phone.check(page, what)
    page.set_viewport_size(size)


def test_a_meeting_proposed_picked_downloaded_and_logged(browsing, pair, time_machine):
    audit, phone = Audit(), PhoneCheck()
    mentee, mentor = pair.mentee, pair.mentor
    detail = reverse("mentorships:detail", args=[pair.pk])
    # Two mornings ahead in Los Angeles: 9:00 and 10:30 there.
    day = (datetime.now(LA) + timedelta(days=2)).date()
    first = datetime(day.year, day.month, day.day, 9, 0, tzinfo=LA)
    second = first + timedelta(minutes=90)

    # The mentee proposes two times, in their own zone.
    page = browsing.page(mentee.user)
    page.goto(detail)
    expect(page.get_by_text("No meeting arranged.")).to_be_visible()
    checked(audit, phone, page, "workspace, no meeting yet")
    page.get_by_role("link", name="Propose a meeting").click()
    expect(page.get_by_role("heading", name="Propose a meeting with Grace Lee")).to_be_visible()
    expect(page.get_by_text("When, in your time (America/Los Angeles)")).to_be_visible()
    checked(audit, phone, page, "propose a meeting")
    page.get_by_label("First time").fill(first.strftime("%Y-%m-%dT%H:%M"))
    page.get_by_label("Second time").fill(second.strftime("%Y-%m-%dT%H:%M"))
    page.get_by_label("How long").select_option(label="45 minutes")
    page.get_by_label("Video link").fill("meet.example.org/ji-woo-grace")
    page.get_by_role("checkbox", name="Networking").check()
    page.get_by_label("Anything else").fill("Asking for a stretch project")
    page.get_by_role("button", name="Propose the meeting").click()
    expect(page.get_by_text("Proposed. Grace Lee is asked to pick a time.")).to_be_visible()
    expect(page.get_by_role("heading", name="Waiting for Grace Lee to pick a time")).to_be_visible()
    checked(audit, phone, page, "workspace, times proposed (the proposer)")

    # The mentor sees both times in London's time, and Los Angeles's beside them.
    mine = page
    page = browsing.page(mentor.user)
    page.goto(detail)
    expect(page.get_by_role("heading", name="Ji-woo Park proposed a meeting")).to_be_visible()
    for start in (first, second):
        london = start.astimezone(LONDON)
        label = (
            f"{london:%a} {london.day} {london:%b} {london:%H:%M} your time · "
            f"{start:%H:%M} for Ji-woo Park (America/Los Angeles)"
        )
        expect(page.get_by_role("radio", name=label)).to_be_visible()
    checked(audit, phone, page, "workspace, times to pick (the other side)")
    london = second.astimezone(LONDON)
    page.get_by_role("radio", name=f"{london:%H:%M} your time", exact=False).check()
    page.get_by_role("button", name="Confirm this time").click()
    expect(page.get_by_text("Confirmed. You both get a calendar invite by email.")).to_be_visible()
    checked(audit, phone, page, "workspace, meeting confirmed")
    invited = [e.to[0] for e in mail.outbox if e.attachments]
    assert sorted(invited) == sorted([mentee.user.email, mentor.user.email])

    # The invite downloads, and two parsers read the same instant from it.
    with page.expect_download() as download:
        page.get_by_role("link", name="Add to calendar").click()
    text = download.value.path().read_text(encoding="utf-8")
    event = icalendar.Calendar.from_ical(text).walk("VEVENT")[0]
    card = vobject.readOne(text)
    assert card.method.value == "REQUEST"
    assert event.decoded("dtstart") == card.vevent.dtstart.value == second.astimezone(UTC)
    assert event.decoded("dtend") == second.astimezone(UTC) + timedelta(minutes=45)
    assert str(event["location"]) == "https://meet.example.org/ji-woo-grace"

    # After the meeting's time (the server's clock moved on), the mentee logs it.
    meeting = Meeting.objects.get()
    time_machine.move_to(meeting.ends_at + timedelta(minutes=10), tick=True)
    page = mine
    page.goto(detail)
    expect(page.get_by_role("heading", name="How did your meeting go?")).to_be_visible()
    checked(audit, phone, page, "workspace, did you meet?")
    page.get_by_role("radio", name="Yes, we met").check()
    page.get_by_label("How long did you meet, in minutes?").fill("40")
    expect(page.get_by_role("checkbox", name="Networking")).to_be_checked()  # the agenda's
    page.get_by_role("button", name="Save to the log").click()
    expect(page.get_by_text("Thank you: the meeting is in your log.")).to_be_visible()
    expect(page.get_by_text("Met for 40 minutes, about Networking.")).to_be_visible()
    checked(audit, phone, page, "workspace, meeting logged")

    # The other side sees the log.
    other = browsing.page(mentor.user)
    other.goto(detail)
    expect(other.get_by_text("Logged by Ji-woo Park.")).to_be_visible()
    audit.assert_clean()
    phone.assert_fits()
