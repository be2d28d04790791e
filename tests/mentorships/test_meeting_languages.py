"""A meeting's emails and calendar invites speak each recipient's language: the
times in an email's context are worded when it is rendered, and each side's invite
is built under their own language (mentorships/emails.py, issue 24)."""

from datetime import UTC, datetime

import pytest
from django.core import mail
from django.utils import translation
from icalendar import Calendar

from mentorships import invites, meetings, times
from mentorships.meetings import Plan
from tests.mentorships.helpers import in_two_zones

pytestmark = pytest.mark.django_db

INSTANT = datetime(2027, 3, 16, 17, 0, tzinfo=UTC)  # Tuesday: 10:00 in Los Angeles


@pytest.fixture
def pair(paired, on_commit):
    mail.outbox.clear()
    pair = in_two_zones(paired)
    pair.mentee.user.language = "ko"
    pair.mentee.user.save(update_fields=["language"])
    return pair


def propose(pair, on_commit):
    return on_commit(
        meetings.propose,
        mentorship=pair,
        by=pair.mentor,
        times=[INSTANT],
        plan=Plan(minutes=60, video_url="https://meet.example.org/abc"),
    )


def test_the_times_in_an_email_are_said_in_the_recipients_language(pair, on_commit):
    propose(pair, on_commit)
    (email,) = mail.outbox
    with translation.override("ko"):
        said = times.in_both_zones(INSTANT, pair.mentee, pair.mentor)
    assert said in email.body
    assert "Tue 16 Mar 2027" not in email.body


def test_each_side_gets_the_invite_written_in_their_own_language(pair, on_commit, monkeypatch):
    monkeypatch.setattr(invites, "summary", lambda meeting: translation.get_language())
    meeting = propose(pair, on_commit)
    mail.outbox.clear()
    option = meeting.options.get()
    on_commit(meetings.pick, meeting=meeting, by=pair.mentee, option_id=option.pk)
    summaries = {}
    for email in mail.outbox:
        (part,) = email.attachments
        (event,) = Calendar.from_ical(part.get_payload(decode=True)).walk("VEVENT")
        summaries[email.to[0]] = str(event["summary"])
    assert summaries == {pair.mentee.user.email: "ko", pair.mentor.user.email: "en"}
