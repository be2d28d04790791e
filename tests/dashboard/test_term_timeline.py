"""A mentorship's timeline tells the end of its cycle's term: asked to close, each
side's choice to keep going, and completed at the end of the term."""

from datetime import UTC, date, datetime

import pytest
import time_machine
from django.utils import timezone

from mentorships import clock, lifecycle, terms
from mentorships.models import Mentorship
from profiles.models import Cycle, Profile
from tests.dashboard.test_mentorships import detail, whats
from tests.factories import CycleFactory, MentorFactory, ProfileFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def pair(program) -> tuple[Profile, Profile]:
    spring = CycleFactory(
        program=program, name="Spring 2027", ends_on=date(2027, 6, 30), state=Cycle.State.RUNNING
    )
    mentee = ProfileFactory(program=program, display_name="Mina Okafor", cycle=spring)
    mentor = MentorFactory(program=program, display_name="Teodor Lindqvist", cycle=spring)
    return mentee, mentor


def on(day: str, hour: int = 9) -> datetime:
    return datetime.fromisoformat(day).replace(hour=hour, tzinfo=UTC)


def test_the_timeline_tells_the_close_and_the_completion(
    staff_client, pair, django_capture_on_commit_callbacks
):
    mentee, mentor = pair
    with time_machine.travel(on("2027-03-02"), tick=False) as traveller:
        with django_capture_on_commit_callbacks(execute=True):
            m = lifecycle.match(mentee=mentee, mentor=mentor, source=Mentorship.Source.AUTO)
        for day in ("2027-06-30", "2027-07-01", "2027-07-14"):
            traveller.move_to(on(day))
            with django_capture_on_commit_callbacks(execute=True):
                clock.run(timezone.now())
            if day == "2027-07-01":
                terms.keep_going(mentorship=m, by=mentor)
    lines = whats(detail(staff_client, m))
    assert lines[-7:] == [
        "Asked to close: the term of Spring 2027 ended on 30 June 2027; "
        "it closes on 14 July 2027 unless both choose to keep going",
        "Email to Mina Okafor: the term has ended: close, or keep going?",
        "Email to Teodor Lindqvist: the term has ended: close, or keep going?",
        "Teodor Lindqvist chose to keep going after the term",
        "Completed at the end of the term of Spring 2027",
        # Asked how it went once it completed, not when it was asked to close.
        "Email to Mina Okafor: how did it go? (the close-out survey)",
        "Email to Teodor Lindqvist: how did it go? (the close-out survey)",
    ]


def test_the_timeline_tells_that_both_chose_to_keep_going(
    staff_client, pair, django_capture_on_commit_callbacks
):
    mentee, mentor = pair
    with time_machine.travel(on("2027-03-02"), tick=False) as traveller:
        m = lifecycle.match(mentee=mentee, mentor=mentor, source=Mentorship.Source.AUTO)
        traveller.move_to(on("2027-06-30"))
        with django_capture_on_commit_callbacks(execute=True):
            clock.run(timezone.now())
        traveller.move_to(on("2027-07-02"))
        terms.keep_going(mentorship=m, by=mentee)
        traveller.move_to(on("2027-07-03"))
        with django_capture_on_commit_callbacks(execute=True):
            terms.keep_going(mentorship=m, by=mentor)
        traveller.move_to(on("2027-07-14"))
        clock.run(timezone.now())
    lines = whats(detail(staff_client, m))
    assert lines[-3:] == [
        "Mina Okafor chose to keep going after the term",
        "Teodor Lindqvist chose to keep going after the term",
        "Both chose to keep going: it goes on without a term",
    ]
    assert "Asked to close: the term of Spring 2027 ended on 30 June 2027" in lines
