"""Calendar invites (mentorships/invites.py): what Kindred sends parses back,
with icalendar and with vobject (an independent parser), at the right instant
for both people, across the weeks when Los Angeles and London have changed
their clocks on different dates."""

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import icalendar
import pytest
import time_machine
import vobject
from django.core import mail

from mentorships import invites, meetings
from mentorships.meeting_forms import MeetingForm
from mentorships.meetings import Plan
from mentorships.models import Meeting
from mentorships.times import in_both_zones
from tests.mentorships.helpers import in_two_zones

pytestmark = pytest.mark.django_db

LA, LONDON = ZoneInfo("America/Los_Angeles"), ZoneInfo("Europe/London")
# 2027: the United States move their clocks on 14 March and back on 7 November,
# the United Kingdom on 28 March and back on 31 October.
BEFORE_BOTH = datetime(2027, 3, 1, 12, 0, tzinfo=UTC)


@pytest.fixture
def pair(paired):
    """The mentee in Los Angeles, the mentor in London, on 1 March 2027."""
    with time_machine.travel(BEFORE_BOTH, tick=False):
        yield in_two_zones(paired)


def proposed_as_typed(m, by, typed: str) -> Meeting:
    """A time typed on the page, in the proposer's own zone."""
    form = MeetingForm(
        {"time_1": typed, "minutes": "45", "video_url": "https://meet.example.org/kindred"},
        me=by,
        goals=meetings.agenda_goals(m),
    )
    assert form.is_valid(), form.errors
    return meetings.propose(mentorship=m, by=by, times=form.times(), plan=form.plan())


def picked(meeting: Meeting, by) -> Meeting:
    option = meeting.options.get()
    return meetings.pick(meeting=meeting, by=by, option_id=option.pk)


def attachment_of(email):
    (part,) = email.attachments
    return part.get_payload(decode=True).decode()


def both_parsers(text: str) -> tuple:
    """The calendar and its event as icalendar reads them, and as vobject does."""
    cal = icalendar.Calendar.from_ical(text)
    (event,) = cal.walk("VEVENT")
    return cal, event, vobject.readOne(text)


@pytest.mark.parametrize(
    ("typed", "utc", "in_london"),
    [
        # Both on winter time: eight hours apart.
        ("2027-03-09T10:00", datetime(2027, 3, 9, 18, 0, tzinfo=UTC), "18:00"),
        # Los Angeles has moved, London not yet: seven hours apart.
        ("2027-03-16T10:00", datetime(2027, 3, 16, 17, 0, tzinfo=UTC), "17:00"),
        # Both on summer time: eight hours apart again.
        ("2027-03-30T10:00", datetime(2027, 3, 30, 17, 0, tzinfo=UTC), "18:00"),
        # London has moved back, Los Angeles not yet: seven hours apart.
        ("2027-11-02T10:00", datetime(2027, 11, 2, 17, 0, tzinfo=UTC), "17:00"),
    ],
)
def test_the_invite_has_the_instant_typed_for_both_zones(pair, on_commit, typed, utc, in_london):
    meeting = on_commit(picked, proposed_as_typed(pair, pair.mentee, typed), pair.mentor)
    assert meeting.starts_at == utc
    invited = [e for e in mail.outbox if e.attachments]
    assert sorted(e.to[0] for e in invited) == sorted(
        [pair.mentee.user.email, pair.mentor.user.email]
    )
    for email in invited:
        _, event, card = both_parsers(attachment_of(email))
        for start, end in (
            (event.decoded("dtstart"), event.decoded("dtend")),
            (card.vevent.dtstart.value, card.vevent.dtend.value),
        ):
            assert start == utc and (end - start).total_seconds() == 45 * 60
            assert start.utcoffset().total_seconds() == 0  # written in UTC
            assert start.astimezone(LA).strftime("%H:%M") == "10:00"
            assert start.astimezone(LONDON).strftime("%H:%M") == in_london
    label = in_both_zones(utc, pair.mentee, pair.mentor)
    assert label.endswith(f"10:00 your time · {in_london} for {pair.mentor.name} (Europe/London)")
    assert in_both_zones(utc, pair.mentor, pair.mentee).startswith(
        f"{utc.astimezone(LONDON):%a} {utc.day} {utc:%b} {in_london} your time · 10:00 for"
    )


def test_a_time_typed_in_london_is_read_in_london(pair):
    meeting = proposed_as_typed(pair, pair.mentor, "2027-03-16T18:00")
    assert meeting.options.get().starts_at == datetime(2027, 3, 16, 18, 0, tzinfo=UTC)


def test_a_time_that_does_not_exist_in_the_proposers_zone_is_refused(pair):
    form = MeetingForm(
        {"time_1": "2027-03-14T02:30", "minutes": "30", "place": "Café"},
        me=pair.mentee,
        goals=meetings.agenda_goals(pair),
    )
    assert not form.is_valid()
    assert "may be ambiguous or it may not exist" in str(form.errors["time_1"])


def test_the_invite_says_what_rfc_5545_asks_and_nothing_sensitive(pair, on_commit):
    goals = list(meetings.agenda_goals(pair))
    meeting = meetings.propose(
        mentorship=pair,
        by=pair.mentee,
        times=[datetime(2027, 3, 16, 17, 0, tzinfo=UTC)],
        plan=Plan(minutes=60, place="Blue Bottle, Mint Plaza", agenda=goals, agenda_note="Pay"),
    )
    mail.outbox.clear()
    meeting = on_commit(picked, meeting, pair.mentor)
    email = next(e for e in mail.outbox if e.to == [pair.mentee.user.email])
    (part,) = email.attachments
    assert part.get_content_type() == "text/calendar" and part.get_param("method") == "REQUEST"
    text = attachment_of(email)
    cal, event, card = both_parsers(text)
    assert cal["method"] == "REQUEST" and card.method.value == "REQUEST"
    assert cal["version"] == "2.0" and cal["prodid"]
    uid = f"{meeting.uid}@127.0.0.1"
    assert str(event["uid"]) == card.vevent.uid.value == uid
    assert int(event["sequence"]) == int(card.vevent.sequence.value) == 0
    assert str(event["organizer"]).startswith("mailto:")
    attendees = {str(a) for a in event.get("attendee")}
    assert attendees == {f"mailto:{pair.mentee.user.email}", f"mailto:{pair.mentor.user.email}"}
    assert {a.value for a in card.vevent.attendee_list} == attendees
    assert str(event["location"]) == card.vevent.location.value == "Blue Bottle, Mint Plaza"
    assert pair.mentee.name in str(event["summary"]) and pair.mentor.name in str(event["summary"])
    shown = text.replace("\r\n ", "")  # unfolded
    for private in (
        [g.name for g in goals] + ["Pay"] + [t.name for t in pair.mentee.background.all()]
    ):
        assert private not in shown
    assert str(event["class"]) == "PRIVATE"
    # The download is the same event.
    download = icalendar.Calendar.from_ical(meetings_invite(meeting))
    assert str(download.walk("VEVENT")[0]["uid"]) == uid


def meetings_invite(meeting: Meeting) -> bytes:
    return invites.ics(meeting, invites.REQUEST)


def test_a_move_and_a_cancellation_keep_the_uid_with_a_higher_sequence(pair, on_commit):
    meeting = picked(proposed_as_typed(pair, pair.mentee, "2027-03-16T10:00"), pair.mentor)
    first = meetings_invite(meeting)
    mail.outbox.clear()
    on_commit(
        meetings.propose_times,
        meeting=meeting,
        by=pair.mentor,
        times=[datetime(2027, 3, 18, 17, 0, tzinfo=UTC)],
        plan=Plan(minutes=30, video_url="https://meet.example.org/x"),
    )
    meeting = on_commit(picked, Meeting.objects.get(pk=meeting.pk), pair.mentee)
    moved = attachment_of(next(e for e in mail.outbox if e.attachments))
    mail.outbox.clear()
    on_commit(meetings.cancel, meeting=meeting, by=pair.mentee)
    cancelled = attachment_of(next(e for e in mail.outbox if e.attachments))
    seen = []
    for text in (first.decode(), moved, cancelled):
        cal, event, card = both_parsers(text)
        assert card.vevent.uid.value == str(event["uid"])
        seen.append(
            (str(cal["method"]), str(event["uid"]), int(event["sequence"]), str(event["status"]))
        )
    assert len({s[1] for s in seen}) == 1  # one uid throughout
    assert [(s[0], s[2], s[3]) for s in seen] == [
        ("REQUEST", 0, "CONFIRMED"),
        ("REQUEST", 1, "CONFIRMED"),
        ("CANCEL", 2, "CANCELLED"),
    ]
    assert icalendar.Calendar.from_ical(moved).walk("VEVENT")[0].decoded("dtstart") == datetime(
        2027, 3, 18, 17, 0, tzinfo=UTC
    )
