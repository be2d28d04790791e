"""The clock: reminders, expiry and check-in prompts, each once, at its time."""

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from matching import suggestions
from mentorships import clock, emails, lifecycle
from mentorships.models import Mentorship
from profiles.models import SentEmail
from tests.factories import MentorFactory, ProfileFactory
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
    emails.from_the_clock.apply(args=[mentors[0].pk, [m.pk], []])
    emails.from_the_clock.apply(args=[mentors[0].pk, [m.pk], []])
    assert sent_to(mentors[0]).count(f"{mentee.name} is still waiting for your answer") == 1
    assert SentEmail.objects.filter(key=f"clock:{mentors[0].pk}:r{m.pk}").count() == 1


def test_a_request_expires_at_fourteen_days(pool, on_commit):
    mentee, mentors = pool
    m = aged(ask(mentee, mentors[0]), timedelta(days=13, hours=23))
    assert on_commit(clock.expire_requests) == 0
    aged(m, timedelta(days=14, minutes=1))
    assert on_commit(clock.expire_requests) == 1
    assert on_commit(clock.expire_requests) == 0
    m.refresh_from_db()
    assert m.status == Status.EXPIRED
    told = [s for s in sent_to(mentee) if s.startswith(f"Your request to {mentors[0].name}")]
    assert told == [
        f"Your request to {mentors[0].name} went unanswered: 3 mentors suggested for you now"
    ]
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
    # Back in the pool: one email, which says why and shows what is new.
    assert sent_to(mentee).count("Mentors suggested for you") == 1
    back = [s for s in sent_to(mentee) if s != "Mentors suggested for you"]
    assert back == [
        f"{mentors[0].name} cannot mentor you right now: 3 mentors suggested for you now"
    ]
    body = next(e.body for e in mail.outbox if e.subject == back[0])
    assert "This is about fit and timing, not about you." in body
    on_commit(suggestions.refresh_profile, profile_id=mentee.pk)
    assert len(sent_to(mentee)) == 2


def test_after_the_clock_was_down_only_the_week_eight_prompt_goes(paired, on_commit):
    now = timezone.now()
    Mentorship.objects.filter(pk=paired.pk).update(started_at=now - timedelta(weeks=9))
    for _ in range(2):  # run twice: it happens once
        on_commit(clock.run, now)
    for side in (paired.mentee, paired.mentor):
        prompts = [s for s in sent_to(side) if "going?" in s]
        assert prompts == [f"How is your mentorship with {paired.other_side(side).name} going?"]
    body = next(
        e.body for e in mail.outbox if e.to == [paired.mentee.user.email] and "going?" in e.subject
    )
    assert "started 8 weeks ago" in body
    paired.refresh_from_db()
    assert paired.prompted_week_2_at == paired.prompted_week_8_at == now


def test_one_run_tells_a_mentor_everything_in_one_email(program, on_commit):
    mentor = MentorFactory(program=program, goals=["networking"], capacity=4)
    mentees = [ProfileFactory(program=program, goals=["networking"]) for _ in range(4)]
    for mentee in mentees:
        on_commit(suggestions.refresh_profile, profile_id=mentee.pk)
    started = [ask(mentee, mentor) for mentee in mentees[:2]]
    for m in started:
        on_commit(lifecycle.accept, mentorship=m)
    waiting = [aged(ask(mentee, mentor), timedelta(days=7, hours=1)) for mentee in mentees[2:]]
    now = timezone.now()
    Mentorship.objects.filter(pk__in=[m.pk for m in started]).update(
        started_at=now - timedelta(weeks=2, hours=1)
    )
    mail.outbox.clear()
    for _ in range(2):
        done = on_commit(clock.run, now)
    assert done["reminded"] == done["prompted"] == 0  # the second run had nothing left
    (email,) = [e for e in mail.outbox if e.to == [mentor.user.email]]
    assert email.subject == "2 mentees are still waiting for your answer, and a check-in is due"
    for m in waiting + started:
        assert m.mentee.name in email.body
    # Each mentee hears their own prompt, once.
    for m in started:
        assert sent_to(m.mentee) == [f"How is your mentorship with {mentor.name} going?"]


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_three_requests_expiring_together_are_one_email(program, on_commit):
    """Each commit runs what it queued at once (as a busy worker would)."""
    mentee = ProfileFactory(program=program, goals=["networking"])
    mentors = [MentorFactory(program=program, goals=["networking"]) for _ in range(5)]
    on_commit(suggestions.refresh_profile, profile_id=mentee.pk)
    for mentor in mentors[:3]:
        aged(ask(mentee, mentor), timedelta(days=14, hours=1))
    mail.outbox.clear()
    for _ in range(2):
        on_commit(clock.run)
    (email,) = [e for e in mail.outbox if e.to == [mentee.user.email]]
    assert email.subject == "3 of your requests have closed: 2 mentors suggested for you now"
    for mentor in mentors[:3]:
        assert mentor.name in email.body


def test_a_run_that_fails_midway_still_sends_what_it_claimed(pool, on_commit, monkeypatch):
    mentee, mentors = pool
    aged(ask(mentee, mentors[0]), timedelta(days=7, hours=1))

    def broken(now=None):
        raise RuntimeError("the database went away")

    monkeypatch.setattr(clock, "flag_unhealthy", broken)
    with pytest.raises(RuntimeError):
        on_commit(clock.run)
    assert sent_to(mentors[0]) == [f"{mentee.name} is still waiting for your answer"]
