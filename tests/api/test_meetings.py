"""Meetings through the API: the pages' rules and forms, the pair only."""

from datetime import UTC, datetime

import icalendar
import pytest
import time_machine
import vobject
from django.core import mail

from mentorships import meetings
from mentorships.meetings import Plan
from mentorships.models import Meeting
from tests.api.conftest import bearer, call
from tests.mentorships.helpers import in_two_zones

pytestmark = pytest.mark.django_db

NOW = datetime(2027, 3, 1, 12, 0, tzinfo=UTC)
BODY = {
    "times": ["2027-03-16T10:00", "2027-03-17T17:30:00Z"],
    "minutes": 50,
    "video_url": "https://meet.example.org/abc",
    "agenda": ["networking"],
    "agenda_note": "Stretch projects",
}


@pytest.fixture
def pair(accepted):
    with time_machine.travel(NOW, tick=False):
        mail.outbox.clear()
        yield in_two_zones(accepted)


def propose(pair, **changes):
    return call(
        bearer(pair.mentee.user), "post", "/meetings/", {**BODY, "mentorship": pair.pk, **changes}
    )


def confirmed(pair) -> Meeting:
    meeting = meetings.propose(
        mentorship=pair,
        by=pair.mentee,
        times=[datetime(2027, 3, 16, 17, 0, tzinfo=UTC)],
        plan=Plan(minutes=60, place="The library"),
    )
    return meetings.pick(meeting=meeting, by=pair.mentor, option_id=meeting.options.get().pk)


def test_a_meeting_is_proposed_with_times_in_the_callers_zone(pair):
    response = propose(pair)
    assert response.status_code == 201, response.content
    data = response.json()
    assert data["status"] == "proposed" and data["proposed_by"] == "mentee"
    assert [o["starts_at"] for o in data["options"]] == [
        "2027-03-16T17:00:00Z",  # 10:00 in Los Angeles
        "2027-03-17T17:30:00Z",
    ]
    assert data["options"][0]["shown"] == (
        f"Tue 16 Mar 10:00 your time · 17:00 for {pair.mentor.name} (Europe/London)"
    )
    assert [t["slug"] for t in data["agenda"]] == ["networking"]
    assert data["invite"] is None and data["log"] is None


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"times": []}, "times"),
        ({"times": ["2027-03-16T10:00"] * 2 + ["2027-03-18T10:00", "2027-03-19T10:00"]}, "times"),
        ({"times": ["2027-02-27T10:00"]}, "times.0"),
        ({"times": ["whenever"]}, "times.0"),
        ({"minutes": 10}, "minutes"),
        ({"minutes": 181}, "minutes"),
        ({"video_url": "ftp://files.example.org/x"}, "video_url"),
        ({"video_url": "", "place": ""}, "video_url"),
        ({"agenda": ["emotional-support"]}, "agenda"),
        ({"mentorship": 999999}, "mentorship"),
        ({"when": "soon"}, "when"),
    ],
)
def test_bad_input_is_a_400_naming_the_field(pair, changes, field):
    response = propose(pair, **changes)
    assert response.status_code == 400, response.content
    assert field in response.json()["error"]["fields"]
    assert not Meeting.objects.exists()


def test_the_other_side_picks_and_the_invite_downloads(pair):
    meeting_id = propose(pair).json()["id"]
    mentor = bearer(pair.mentor.user)
    options = call(mentor, "get", f"/meetings/{meeting_id}/").json()["options"]
    assert options[0]["shown"].startswith("Tue 16 Mar 17:00 your time · 10:00 for")
    data = call(mentor, "post", f"/meetings/{meeting_id}/pick/", {"option": options[1]["id"]})
    assert data.status_code == 200, data.content
    data = data.json()
    assert data["status"] == "confirmed" and data["starts_at"] == "2027-03-17T17:30:00Z"
    assert data["invite"].endswith(f"/api/v1/meetings/{meeting_id}/invite.ics")
    response = mentor.get(f"/api/v1/meetings/{meeting_id}/invite.ics")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    text = response.content.decode()
    event = icalendar.Calendar.from_ical(text).walk("VEVENT")[0]
    assert event.decoded("dtstart") == datetime(2027, 3, 17, 17, 30, tzinfo=UTC)
    assert vobject.readOne(text).vevent.dtstart.value == event.decoded("dtstart")


def test_a_refused_pick_is_a_409(pair):
    meeting_id = propose(pair).json()["id"]
    option = Meeting.objects.get().options.first().pk
    response = call(
        bearer(pair.mentee.user), "post", f"/meetings/{meeting_id}/pick/", {"option": option}
    )
    assert response.status_code == 409
    assert response.json()["error"]["message"] == (
        f"You proposed these times: {pair.mentor.name} picks one."
    )


def test_reschedule_cancel_and_log(pair, time_machine):
    meeting = confirmed(pair)
    mentee, mentor = bearer(pair.mentee.user), bearer(pair.mentor.user)
    moved = call(
        mentor,
        "post",
        f"/meetings/{meeting.pk}/reschedule/",
        {**BODY, "times": ["2027-03-20T09:00"], "agenda": []},
    )
    assert moved.status_code == 200, moved.content
    assert moved.json()["status"] == "proposed" and moved.json()["proposed_by"] == "mentor"
    option = moved.json()["options"][0]["id"]
    assert (
        call(mentee, "post", f"/meetings/{meeting.pk}/pick/", {"option": option}).json()["sequence"]
        == 1
    )
    too_early = call(mentee, "post", f"/meetings/{meeting.pk}/log/", {"outcome": "missed"})
    assert too_early.status_code == 409
    time_machine.move_to(datetime(2027, 3, 20, 10, 0, tzinfo=UTC), tick=False)
    bad = call(mentee, "post", f"/meetings/{meeting.pk}/log/", {"outcome": "held"})
    assert bad.status_code == 400 and "held_minutes" in bad.json()["error"]["fields"]
    logged = call(
        mentee,
        "post",
        f"/meetings/{meeting.pk}/log/",
        {"outcome": "held", "held_minutes": 45, "discussed": ["leadership"]},
    )
    assert logged.status_code == 400  # not one of this pair's goals
    logged = call(
        mentee,
        "post",
        f"/meetings/{meeting.pk}/log/",
        {"outcome": "held", "held_minutes": 45, "discussed": ["networking"]},
    )
    assert logged.status_code == 200, logged.content
    assert logged.json()["log"] == {
        "by": "mentee",
        "at": "2027-03-20T10:00:00Z",
        "held_minutes": 45,
        "discussed": [{"slug": "networking", "name": "Networking"}],
    }
    assert call(mentor, "post", f"/meetings/{meeting.pk}/cancel/").status_code == 409


def test_cancel(pair):
    meeting = confirmed(pair)
    data = call(bearer(pair.mentor.user), "post", f"/meetings/{meeting.pk}/cancel/").json()
    assert data["status"] == "cancelled" and data["cancelled_by"] == "mentor"
    assert data["sequence"] == 1


def test_the_list_is_the_callers_meetings(pair, outsiders):
    meeting = confirmed(pair)
    for side in (pair.mentee, pair.mentor):
        (found,) = call(bearer(side.user), "get", "/meetings/").json()["results"]
        assert found["id"] == meeting.pk
    listed = call(bearer(pair.mentee.user), "get", f"/meetings/?mentorship={pair.pk}&status=held")
    assert listed.json()["results"] == []
    for user in outsiders.values():
        assert call(bearer(user), "get", "/meetings/").json()["results"] == []


def test_no_one_else_reaches_a_meeting(pair, outsiders):
    meeting = confirmed(pair)
    for who, user in outsiders.items():
        client = bearer(user)
        for method, path, body in [
            ("get", f"/meetings/{meeting.pk}/", None),
            ("post", f"/meetings/{meeting.pk}/pick/", {"option": 1}),
            ("post", f"/meetings/{meeting.pk}/reschedule/", BODY),
            ("post", f"/meetings/{meeting.pk}/cancel/", None),
            ("post", f"/meetings/{meeting.pk}/log/", {"outcome": "missed"}),
        ]:
            assert call(client, method, path, body).status_code == 404, (who, path)
        assert client.get(f"/api/v1/meetings/{meeting.pk}/invite.ics").status_code == 404
        created = call(client, "post", "/meetings/", {**BODY, "mentorship": pair.pk})
        assert created.status_code == 400, who
    assert Meeting.objects.get().status == Meeting.Status.CONFIRMED


def test_an_unconfirmed_meeting_has_no_invite(pair):
    meeting_id = propose(pair).json()["id"]
    response = bearer(pair.mentee.user).get(f"/api/v1/meetings/{meeting_id}/invite.ics")
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"


def test_times_a_week_apart_keep_their_order(pair):
    assert (
        propose(pair, times=["2027-03-23T10:00", "2027-03-16T10:00"]).json()["options"][0][
            "starts_at"
        ]
        == "2027-03-16T17:00:00Z"
    )
