"""Emails queued under an earlier release's names still reach people after an
upgrade, as the email that now says the same (mentorships/emails.py)."""

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from mentorships import emails, lifecycle
from mentorships.models import Mentorship
from tests.mentorships.helpers import ask, sent_to

pytestmark = pytest.mark.django_db


def test_a_queued_reminder_becomes_the_clock_email_once(pool):
    mentee, mentors = pool
    m = ask(mentee, mentors[0])
    mail.outbox.clear()
    for _ in range(2):
        emails.reminder.apply(args=[m.pk])
    assert sent_to(mentors[0]) == [f"{mentee.name} is still waiting for your answer"]


def test_a_queued_check_in_prompt_reaches_both_sides_once(pool, on_commit):
    mentee, mentors = pool
    m = ask(mentee, mentors[0])
    on_commit(lifecycle.accept, mentorship=m)
    mail.outbox.clear()
    for _ in range(2):
        emails.check_in_prompt.apply(args=[m.pk, 2])
    assert len(sent_to(mentee)) == len(sent_to(mentors[0])) == 1
    assert "check in" in mail.outbox[0].body


def test_a_queued_expiry_email_becomes_the_back_in_the_pool_email(pool, on_commit):
    mentee, mentors = pool
    m = ask(mentee, mentors[0])
    lifecycle.expire(mentorship_id=m.pk)  # by the old code: its email still queued
    Mentorship.objects.filter(pk=m.pk).update(decided_at=timezone.now() - timedelta(minutes=5))
    mail.outbox.clear()
    on_commit(emails.expired.apply, args=[m.pk])
    (subject,) = sent_to(mentee)
    assert subject.startswith(f"Your request to {mentors[0].name} went unanswered")
