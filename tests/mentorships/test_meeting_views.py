"""The meeting pages: both sides act, anyone else gets a 404, bad input is
told in words and saves nothing."""

from datetime import UTC, datetime, timedelta

import icalendar
import pytest
import time_machine
from django.core import mail
from django.test import Client
from django.urls import reverse

from matching import suggestions
from mentorships import lifecycle, meetings
from mentorships.meetings import Plan
from mentorships.models import Meeting
from tests.conftest import login
from tests.factories import ProfileFactory
from tests.mentorships.helpers import OUTSIDERS, ask, in_two_zones, outsider

pytestmark = pytest.mark.django_db

Status = Meeting.Status
NOW = datetime(2027, 3, 1, 12, 0, tzinfo=UTC)


@pytest.fixture
def pair(accepted):
    with time_machine.travel(NOW, tick=False):
        mail.outbox.clear()
        yield in_two_zones(accepted)


def as_(person) -> Client:
    return login(Client(), person.user)


def page(client, m) -> str:
    return client.get(reverse("mentorships:detail", args=[m.pk])).content.decode()


def proposed(m, by=None, times=None) -> Meeting:
    return meetings.propose(
        mentorship=m,
        by=by or m.mentee,
        times=times
        or [datetime(2027, 3, 16, 17, 0, tzinfo=UTC), datetime(2027, 3, 17, 17, 0, tzinfo=UTC)],
        plan=Plan(minutes=60, video_url="https://meet.example.org/abc"),
    )


def confirmed(m) -> Meeting:
    meeting = proposed(m, times=[datetime(2027, 3, 16, 17, 0, tzinfo=UTC)])
    return meetings.pick(meeting=meeting, by=m.mentor, option_id=meeting.options.get().pk)


FORM = {
    "time_1": "2027-03-16T10:00",
    "time_2": "2027-03-17T10:00",
    "minutes": "45",
    "video_url": "https://meet.example.org/abc",
    "agenda_note": "How to ask for a stretch project",
}


def test_the_workspace_invites_a_first_meeting(pair):
    html = page(as_(pair.mentee), pair)
    assert "No meeting arranged." in html
    assert reverse("mentorships:meeting_new", args=[pair.pk]) in html
    assert "Session log" in html and "No meetings logged yet." in html


def test_a_meeting_is_proposed_in_the_proposers_own_zone(pair):
    client = as_(pair.mentee)
    form = client.get(reverse("mentorships:meeting_new", args=[pair.pk])).content.decode()
    assert "When, in your time (America/Los Angeles)" in form
    assert "Europe/London" in form
    networking = pair.mentee.goals.get(slug="networking")
    response = client.post(
        reverse("mentorships:meeting_new", args=[pair.pk]), {**FORM, "agenda": [networking.pk]}
    )
    assert response.status_code == 302
    meeting = Meeting.objects.get()
    assert [o.starts_at for o in meeting.options.all()] == [
        datetime(2027, 3, 16, 17, 0, tzinfo=UTC),
        datetime(2027, 3, 17, 17, 0, tzinfo=UTC),
    ]
    assert (meeting.minutes, list(meeting.agenda.all())) == (45, [networking])
    html = page(as_(pair.mentor), pair)
    assert f"{pair.mentee.name} proposed a meeting" in html
    assert (
        f"Tue 16 Mar 17:00 your time · 10:00 for {pair.mentee.name} (America/Los Angeles)" in html
    )
    mine = page(client, pair)
    assert f"Waiting for {pair.mentor.name} to pick a time" in mine
    assert f"Tue 16 Mar 10:00 your time · 17:00 for {pair.mentor.name} (Europe/London)" in mine


@pytest.mark.parametrize(
    ("changes", "said"),
    [
        ({"time_1": "2027-02-27T10:00"}, "This time has passed"),
        ({"time_1": ""}, "Give at least one time."),
        ({"time_1": "next tuesday"}, "Enter a date and a time."),
        ({"time_2": "2027-03-16T10:00"}, "two of them are the same"),
        ({"minutes": "10"}, "greater than or equal to 15"),
        ({"minutes": "200"}, "less than or equal to 180"),
        ({"video_url": "ftp://files.example.org/x"}, "Enter a web address starting with https://."),
        ({"video_url": "javascript:alert(1)"}, "Enter a web address starting with https://."),
        ({"video_url": "", "place": ""}, "Give a video link, or a place to meet."),
        ({"agenda": ["999999"]}, "Select a valid choice"),
    ],
)
def test_bad_input_is_told_and_nothing_is_saved(pair, changes, said):
    response = as_(pair.mentee).post(
        reverse("mentorships:meeting_new", args=[pair.pk]), {**FORM, **changes}
    )
    assert response.status_code == 200
    assert "Please check the form" in response.content.decode()
    assert said in response.content.decode()
    assert not Meeting.objects.exists() and not mail.outbox


def test_a_fourth_time_is_not_read(pair):
    as_(pair.mentee).post(
        reverse("mentorships:meeting_new", args=[pair.pk]), {**FORM, "time_4": "2027-03-18T10:00"}
    )
    assert Meeting.objects.get().options.count() == 2


def test_the_other_side_picks_a_time_on_the_page(pair):
    meeting = proposed(pair)
    option = meeting.options.order_by("starts_at").last()
    client = as_(pair.mentor)
    response = client.post(
        reverse("mentorships:meeting_pick", args=[pair.pk, meeting.pk]), {"option": option.pk}
    )
    assert response.url == f"/m/{pair.pk}/#meeting-{meeting.pk}"
    meeting.refresh_from_db()
    assert meeting.status == Status.CONFIRMED and meeting.starts_at == option.starts_at
    html = page(client, pair)
    assert "Confirmed. You both get a calendar invite by email." in html
    assert "Add to calendar" in html


def test_a_pick_that_is_refused_says_why(pair):
    meeting = proposed(pair)
    url = reverse("mentorships:meeting_pick", args=[pair.pk, meeting.pk])
    mentee, mentor = as_(pair.mentee), as_(pair.mentor)
    response = mentee.post(url, {"option": meeting.options.first().pk})
    html = mentee.get(response.url).content.decode()
    assert f"You proposed these times: {pair.mentor.name} picks one." in html
    response = mentor.post(url, {})
    assert "Choose one of the times." in mentor.get(response.url).content.decode()
    assert Meeting.objects.get().status == Status.PROPOSED


def test_other_times_are_proposed_and_a_confirmed_meeting_moved(pair):
    meeting = confirmed(pair)
    client = as_(pair.mentor)
    url = reverse("mentorships:meeting_times", args=[pair.pk, meeting.pk])
    form = client.get(url).content.decode()
    assert "Move your meeting with" in form and "https://meet.example.org/abc" in form
    response = client.post(url, {**FORM, "time_1": "2027-03-20T09:00", "time_2": ""})
    assert response.status_code == 302
    meeting.refresh_from_db()
    assert meeting.status == Status.PROPOSED and meeting.proposed_by == pair.mentor
    assert meeting.options.get().starts_at == datetime(2027, 3, 20, 9, 0, tzinfo=UTC)
    html = page(as_(pair.mentee), pair)
    assert f"{pair.mentor.name} would like to move your meeting" in html
    assert "your calendars keep the one confirmed before" in html


def test_cancelling_asks_first(pair):
    meeting = confirmed(pair)
    client = as_(pair.mentee)
    url = reverse("mentorships:meeting_cancel", args=[pair.pk, meeting.pk])
    asked = client.post(url)
    assert asked.status_code == 200
    assert "takes the meeting out of your calendars" in asked.content.decode()
    assert Meeting.objects.get().status == Status.CONFIRMED
    client.post(url, {"confirm": "yes"})
    assert Meeting.objects.get().status == Status.CANCELLED


def test_the_invite_downloads_for_the_pair_only(pair):
    meeting = confirmed(pair)
    url = reverse("mentorships:meeting_invite", args=[pair.pk, meeting.pk])
    for side in (pair.mentee, pair.mentor):
        response = as_(side).get(url)
        assert response.status_code == 200
        assert response["Content-Type"] == "text/calendar; charset=utf-8"
        assert response["Content-Disposition"] == (
            'attachment; filename="kindred-meeting-2027-03-16.ics"'
        )
        event = icalendar.Calendar.from_ical(response.content).walk("VEVENT")[0]
        assert event.decoded("dtstart") == datetime(2027, 3, 16, 17, 0, tzinfo=UTC)


def test_a_meeting_waiting_for_a_time_has_no_invite(pair):
    meeting = proposed(pair)
    url = reverse("mentorships:meeting_invite", args=[pair.pk, meeting.pk])
    assert as_(pair.mentee).get(url).status_code == 404


def test_did_you_meet_is_asked_on_the_page_after_its_time(pair, time_machine):
    meeting = confirmed(pair)
    assert "Did you meet?" not in page(as_(pair.mentee), pair)
    time_machine.move_to(meeting.ends_at + timedelta(minutes=1), tick=False)
    client = as_(pair.mentor)
    html = page(client, pair)
    assert "Did you meet?" in html and "No, we moved it to another time" in html
    url = reverse("mentorships:meeting_log", args=[pair.pk, meeting.pk])
    networking = pair.mentee.goals.get(slug="networking")
    response = client.post(
        url, {"outcome": "held", "held_minutes": "55", "discussed": [networking.pk]}
    )
    assert response.status_code == 302
    meeting.refresh_from_db()
    assert (meeting.status, meeting.held_minutes) == (Status.HELD, 55)
    theirs = page(as_(pair.mentee), pair)
    assert "Met for 55 minutes, about Networking." in theirs
    assert f"Logged by {pair.mentor.name}." in theirs


def test_we_moved_it_leads_to_other_times(pair, time_machine):
    meeting = confirmed(pair)
    time_machine.move_to(meeting.ends_at + timedelta(hours=1), tick=False)
    response = as_(pair.mentee).post(
        reverse("mentorships:meeting_log", args=[pair.pk, meeting.pk]), {"outcome": "moved"}
    )
    assert response.url == reverse("mentorships:meeting_times", args=[pair.pk, meeting.pk])
    assert Meeting.objects.get().status == Status.CONFIRMED


def test_a_log_without_its_length_is_told(pair, time_machine):
    meeting = confirmed(pair)
    time_machine.move_to(meeting.ends_at + timedelta(hours=1), tick=False)
    client = as_(pair.mentee)
    response = client.post(
        reverse("mentorships:meeting_log", args=[pair.pk, meeting.pk]), {"outcome": "held"}
    )
    assert "Say how long you met." in client.get(response.url).content.decode()
    assert Meeting.objects.get().status == Status.CONFIRMED


@pytest.mark.parametrize("who", OUTSIDERS)
def test_no_one_else_reaches_a_meeting(pair, program, who):
    meeting = confirmed(pair)
    person = outsider(program, who)
    client = login(Client(), person)
    for name, method in [
        ("meeting_new", "get"),
        ("meeting_times", "get"),
        ("meeting_pick", "post"),
        ("meeting_cancel", "post"),
        ("meeting_log", "post"),
        ("meeting_invite", "get"),
    ]:
        args = [pair.pk] if name == "meeting_new" else [pair.pk, meeting.pk]
        response = getattr(client, method)(reverse(f"mentorships:{name}", args=args))
        assert response.status_code == 404, name
    assert Meeting.objects.get().status == Status.CONFIRMED


def test_a_meeting_of_another_mentorship_is_not_found_through_this_one(pair, program):
    meeting = confirmed(pair)
    other_mentee = ProfileFactory(program=program, goals=["networking"])
    suggestions.refresh_profile(profile_id=other_mentee.pk)
    theirs = ask(other_mentee, pair.mentor)
    lifecycle.accept(mentorship=theirs)
    url = reverse("mentorships:meeting_invite", args=[theirs.pk, meeting.pk])
    assert as_(pair.mentor).get(url).status_code == 404


def test_an_ended_mentorship_keeps_its_log_and_takes_no_more_meetings(pair, time_machine):
    meeting = confirmed(pair)
    time_machine.move_to(meeting.ends_at + timedelta(minutes=5), tick=False)
    meetings.log(meeting=meeting, by=pair.mentee, held=False)
    lifecycle.end(mentorship=pair, by=pair.mentor, reason="no_time")
    html = page(as_(pair.mentee), pair)
    assert "Session log" in html and "It did not happen." in html
    assert reverse("mentorships:meeting_new", args=[pair.pk]) not in html
    assert "Did you meet?" not in html
    response = as_(pair.mentee).get(reverse("mentorships:meeting_new", args=[pair.pk]))
    assert response.status_code == 302


def test_the_page_says_why_no_more_meetings_can_be_proposed(pair):
    for day in (16, 17, 18):
        proposed(pair, times=[datetime(2027, 3, day, 17, 0, tzinfo=UTC)])
    html = page(as_(pair.mentee), pair)
    assert "3 meetings are waiting for a time or to be logged" in html
    assert reverse("mentorships:meeting_new", args=[pair.pk]) not in html
