"""The clock: reminders, expiry and check-in prompts, each once, at its time."""

from datetime import timedelta

import pytest
from django.utils import timezone

from matching import suggestions
from mentorships import clock, emails, lifecycle
from mentorships.models import Mentorship
from profiles.models import SentEmail
from tests.matching.helpers import listed
from tests.mentorships.helpers import aged, ask, sent_to

pytestmark = pytest.mark.django_db

Status = Mentorship.Status


def test_a_reminder_goes_at_seven_days_once(pool, on_commit):
    mentee, mentors = pool
    m = ask(mentee, mentors[0])
    aged(m, timedelta(days=6, hours=23))
    assert on_commit(clock.send_reminders) == 0
    aged(m, timedelta(days=7, minutes=1))
    assert on_commit(clock.send_reminders) == 1
    assert on_commit(clock.send_reminders) == 0
    assert sent_to(mentors[0]).count(f"{mentee.name} is still waiting for your answer") == 1


def test_each_email_is_sent_once_even_when_its_task_runs_twice(pool):
    mentee, mentors = pool
    m = aged(ask(mentee, mentors[0]), timedelta(days=8))
    emails.reminder.apply(args=[m.pk])
    emails.reminder.apply(args=[m.pk])
    assert sent_to(mentors[0]).count(f"{mentee.name} is still waiting for your answer") == 1
    assert SentEmail.objects.filter(key=f"reminder:{m.pk}").count() == 1


def test_a_request_expires_at_fourteen_days(pool, on_commit):
    mentee, mentors = pool
    m = aged(ask(mentee, mentors[0]), timedelta(days=13, hours=23))
    assert on_commit(clock.expire_requests) == 0
    aged(m, timedelta(days=14, minutes=1))
    assert on_commit(clock.expire_requests) == 1
    assert on_commit(clock.expire_requests) == 0
    m.refresh_from_db()
    assert m.status == Status.EXPIRED
    assert sent_to(mentee).count(f"Your request to {mentors[0].name} has expired") == 1
    assert listed(mentee)  # back in the pool


def test_check_in_prompts_at_two_and_eight_weeks(paired, on_commit):
    now = timezone.now()
    Mentorship.objects.filter(pk=paired.pk).update(started_at=now - timedelta(days=13))
    assert on_commit(clock.prompt_check_ins, now) == 0
    Mentorship.objects.filter(pk=paired.pk).update(started_at=now - timedelta(weeks=2, minutes=1))
    assert on_commit(clock.prompt_check_ins, now) == 1
    assert on_commit(clock.prompt_check_ins, now) == 0
    Mentorship.objects.filter(pk=paired.pk).update(started_at=now - timedelta(weeks=8, minutes=1))
    assert on_commit(clock.prompt_check_ins, now) == 1
    subject = f"How is your mentorship with {paired.mentor.name} going?"
    assert sent_to(paired.mentee).count(subject) == 2
    assert len(sent_to(paired.mentor)) >= 2


def test_suggestions_ready_is_emailed_once_per_entry_to_the_pool(pool, on_commit):
    mentee, mentors = pool
    on_commit(suggestions.refresh_profile, profile_id=mentee.pk)
    on_commit(suggestions.refresh_profile, profile_id=mentee.pk)
    assert sent_to(mentee).count("Mentors suggested for you") == 1
    m = ask(mentee, mentors[0])
    on_commit(lifecycle.decline, mentorship=m, reason="other")
    assert sent_to(mentee).count("Mentors suggested for you") == 2
