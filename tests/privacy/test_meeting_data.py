"""A person's meetings and session log in their data export, and what deleting
an account leaves of them for the other person."""

from datetime import timedelta

import pytest
from django.utils import timezone

from mentorships import meetings
from mentorships.meetings import Plan
from mentorships.models import Meeting
from privacy import services

pytestmark = pytest.mark.django_db


@pytest.fixture
def logged(accepted):
    m = accepted
    meeting = meetings.propose(
        mentorship=m,
        by=m.mentee,
        times=[timezone.now() + timedelta(days=1)],
        plan=Plan(minutes=60, place="The library", agenda=list(m.mentee.goals.all())),
    )
    meeting = meetings.pick(meeting=meeting, by=m.mentor, option_id=meeting.options.get().pk)
    meetings.log(
        meeting=meeting,
        by=m.mentor,
        held=True,
        minutes=40,
        discussed=list(m.mentee.goals.all()),
        now=meeting.ends_at + timedelta(minutes=5),
    )
    return m


def test_the_export_has_the_meetings_and_their_log(logged):
    (row,) = services.data_of(logged.mentee.user)["profiles"][0]["meetings"]
    assert row["with"] == logged.mentor.name
    assert (row["status"], row["proposed_by"], row["logged_by"]) == ("held", "you", "mentor")
    assert (row["held_minutes"], row["talked_about"]) == (40, ["Networking"])
    assert row["place"] == "The library" and row["agenda"] == ["Networking"]
    theirs = services.data_of(logged.mentor.user)["profiles"][0]["meetings"]
    assert theirs[0]["logged_by"] == "you" and theirs[0]["proposed_by"] == "mentee"


def test_a_deleted_account_leaves_the_log_to_the_other_person(logged):
    logged.mentor.delete()
    meeting = Meeting.objects.get()
    assert meeting.status == "held" and meeting.logged_by is None
    (row,) = services.data_of(logged.mentee.user)["profiles"][0]["meetings"]
    assert row["with"] == "a member who has left" and row["logged_by"] is None
