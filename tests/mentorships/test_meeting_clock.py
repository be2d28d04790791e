"""The clock's meeting steps, with a moving clock, each run twice to prove it
happens once: the reminder a day before, "did you meet?" after; and the
session log's rules of match health."""

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from mentorships import clock, lifecycle, meetings
from mentorships.meetings import Plan
from mentorships.models import Meeting, Mentorship
from tests.mentorships.helpers import sent_to

pytestmark = pytest.mark.django_db

Health = Mentorship.Health


@pytest.fixture
def start(time_machine):
    """Now, held still; the clock moves only when a test moves it."""
    now = timezone.now().replace(minute=0, second=0, microsecond=0)
    time_machine.move_to(now, tick=False)
    return now


def arrange(m, at, *, proposer=None, picker=None) -> Meeting:
    proposer, picker = proposer or m.mentee, picker or m.mentor
    meeting = meetings.propose(
        mentorship=m, by=proposer, times=[at], plan=Plan(minutes=60, place="The library")
    )
    return meetings.pick(meeting=meeting, by=picker, option_id=meeting.options.get().pk)


def reminders(profile) -> list[str]:
    return [s for s in sent_to(profile) if s.startswith("Tomorrow:")]


def prompts(profile) -> list[str]:
    return [s for s in sent_to(profile) if s.startswith("Did you meet")]


def tick(on_commit, time_machine, by: timedelta) -> dict:
    """Move the clock on, and run the hourly clock twice."""
    time_machine.shift(by)
    first = on_commit(clock.run)
    second = on_commit(clock.run)
    assert second["meeting_reminders"] == second["meeting_prompts"] == 0
    return first


def test_a_reminder_goes_a_day_before_once(paired, on_commit, time_machine, start):
    meeting = arrange(paired, start + timedelta(days=3))
    mail.outbox.clear()
    assert tick(on_commit, time_machine, timedelta(days=1, hours=23))["meeting_reminders"] == 0
    assert tick(on_commit, time_machine, timedelta(hours=2))["meeting_reminders"] == 1
    tick(on_commit, time_machine, timedelta(hours=3))
    for side in (paired.mentee, paired.mentor):
        (subject,) = reminders(side)
        assert subject.startswith(f"Tomorrow: your meeting with {paired.other_side(side).name}, ")
    assert Meeting.objects.get(pk=meeting.pk).reminded_at is not None


def test_a_meeting_moved_after_its_reminder_is_reminded_of_again(
    paired, on_commit, time_machine, start
):
    meeting = arrange(paired, start + timedelta(days=2))
    tick(on_commit, time_machine, timedelta(days=1, hours=1))
    assert len(reminders(paired.mentee)) == 1
    meetings.propose_times(
        meeting=meeting,
        by=paired.mentor,
        times=[start + timedelta(days=5)],
        plan=Plan(minutes=60, place="The library"),
    )
    on_commit(meetings.pick, meeting=meeting, by=paired.mentee, option_id=meeting.options.get().pk)
    tick(on_commit, time_machine, timedelta(days=2))
    assert len(reminders(paired.mentee)) == 1  # not yet: three days to go
    tick(on_commit, time_machine, timedelta(days=1, hours=1))
    assert len(reminders(paired.mentee)) == len(reminders(paired.mentor)) == 2


def test_a_meeting_confirmed_within_a_day_gets_no_reminder(paired, on_commit, time_machine, start):
    arrange(paired, start + timedelta(hours=20))
    assert tick(on_commit, time_machine, timedelta(hours=1))["meeting_reminders"] == 0
    assert reminders(paired.mentee) == []


def test_did_you_meet_is_asked_once_after_the_meeting(paired, on_commit, time_machine, start):
    meeting = arrange(paired, start + timedelta(days=2))
    assert tick(on_commit, time_machine, timedelta(days=2, minutes=59))["meeting_prompts"] == 0
    assert tick(on_commit, time_machine, timedelta(minutes=1))["meeting_prompts"] == 1
    tick(on_commit, time_machine, timedelta(days=1))
    for side in (paired.mentee, paired.mentor):
        assert prompts(side) == [f"Did you meet {paired.other_side(side).name}?"]
    body = next(e.body for e in mail.outbox if e.subject.startswith("Did you meet"))
    assert f"/m/{paired.pk}/#meeting-{meeting.pk}" in body


def test_a_meeting_logged_before_the_clock_runs_is_not_asked_about(
    paired, on_commit, time_machine, start
):
    meeting = arrange(paired, start + timedelta(days=1, hours=2))
    time_machine.shift(timedelta(days=1, hours=3, minutes=5))
    meetings.log(meeting=meeting, by=paired.mentor, held=True, minutes=60)
    assert tick(on_commit, time_machine, timedelta(minutes=1))["meeting_prompts"] == 0
    assert prompts(paired.mentee) == []


def test_a_meeting_moved_after_the_prompt_is_asked_about_again(
    paired, on_commit, time_machine, start
):
    meeting = arrange(paired, start + timedelta(days=1, hours=2))
    tick(on_commit, time_machine, timedelta(days=1, hours=4))
    assert len(prompts(paired.mentee)) == 1
    meetings.propose_times(  # "no, we moved it"
        meeting=meeting,
        by=paired.mentee,
        times=[timezone.now() + timedelta(days=2)],
        plan=Plan(minutes=60, place="The library"),
    )
    meetings.pick(meeting=meeting, by=paired.mentor, option_id=meeting.options.get().pk)
    tick(on_commit, time_machine, timedelta(days=2, hours=2))
    assert len(prompts(paired.mentee)) == len(prompts(paired.mentor)) == 2


def test_an_ended_mentorship_gets_no_meeting_emails(paired, on_commit, time_machine, start):
    arrange(paired, start + timedelta(days=2))
    lifecycle.end(mentorship=paired, by=paired.mentee, reason="no_time")
    mail.outbox.clear()
    tick(on_commit, time_machine, timedelta(days=3))
    assert not [e for e in mail.outbox if "Tomorrow" in e.subject or "Did you" in e.subject]


# --- match health: the session log's rules ------------------------------------------------


def started(m, weeks_ago: float) -> None:
    Mentorship.objects.filter(pk=m.pk).update(
        started_at=timezone.now() - timedelta(weeks=weeks_ago)
    )


def held_or_missed(m, *outcomes: str) -> None:
    """Meetings logged in this order, a day apart, the last a day ago."""
    now = timezone.now()
    for n, outcome in enumerate(outcomes):
        at = now - timedelta(days=len(outcomes) - n)
        Meeting.objects.create(
            mentorship=m,
            minutes=60,
            place="The library",
            status=outcome,
            starts_at=at,
            ends_at=at + timedelta(hours=1),
            held_minutes=60 if outcome == "held" else None,
        )


def health_after_a_tick(m) -> str:
    clock.flag_unhealthy()
    return Mentorship.objects.get(pk=m.pk).health


def meeting_health(m) -> str:
    return Mentorship.objects.with_meeting_health().get(pk=m.pk).meeting_health


def test_no_meeting_logged_by_week_three_is_flagged_beside_the_check_in_rule(paired, start):
    lifecycle.check_in(mentorship=paired, author=paired.mentee, rating=4)
    started(paired, 2.9)
    assert meeting_health(paired) == "" and health_after_a_tick(paired) == ""
    started(paired, 3)
    assert meeting_health(paired) == Health.NO_MEETING
    assert health_after_a_tick(paired) == Health.NO_MEETING
    held_or_missed(paired, "held")
    assert meeting_health(paired) == "" and health_after_a_tick(paired) == ""


def test_without_check_ins_the_check_in_flag_comes_first(paired, start):
    started(paired, 4)
    assert health_after_a_tick(paired) == Health.NO_CHECK_IN
    lifecycle.check_in(mentorship=paired, author=paired.mentee, rating=5)
    assert Mentorship.objects.get(pk=paired.pk).health == Health.NO_MEETING


def test_a_missed_meeting_alone_is_no_meeting_held(paired, start):
    started(paired, 4)
    lifecycle.check_in(mentorship=paired, author=paired.mentee, rating=5)
    held_or_missed(paired, "missed")
    assert health_after_a_tick(paired) == Health.NO_MEETING


@pytest.mark.parametrize(
    ("log", "flag"),
    [
        (["missed", "missed"], Health.MISSED_TWICE),
        (["held", "missed", "missed"], Health.MISSED_TWICE),
        (["missed", "missed", "held"], ""),
        (["missed", "held", "missed"], ""),
        (["held", "missed"], ""),
    ],
)
def test_two_meetings_missed_in_a_row_are_flagged(paired, start, log, flag):
    started(paired, 1)  # before week 3: only the missed rule can flag it
    held_or_missed(paired, *log)
    assert meeting_health(paired) == flag
    assert health_after_a_tick(paired) == flag


def test_logging_the_second_missed_meeting_flags_it_at_once(paired, start):
    held_or_missed(paired, "missed")
    meeting = arrange(paired, timezone.now() + timedelta(hours=1))
    meetings.log(
        meeting=meeting, by=paired.mentee, held=False, now=timezone.now() + timedelta(hours=3)
    )
    assert Mentorship.objects.get(pk=paired.pk).health == Health.MISSED_TWICE


def test_a_low_rating_outranks_the_meeting_flags(paired, start):
    held_or_missed(paired, "missed", "missed")
    lifecycle.check_in(mentorship=paired, author=paired.mentor, rating=1)
    assert Mentorship.objects.get(pk=paired.pk).health == Health.LOW_RATING


def test_the_dashboards_flag_lists_carry_the_meeting_flags(paired, start):
    held_or_missed(paired, "missed", "missed")
    clock.flag_unhealthy()
    assert list(Mentorship.objects.exclude(health="").values_list("pk", "health")) == [
        (paired.pk, Health.MISSED_TWICE)
    ]
    assert Mentorship.objects.get(pk=paired.pk).get_health_display() == (
        "Two meetings missed in a row"
    )
