"""What a mentee hears as they go back to the pool (issue 16): nothing for
what they did themselves; one email when someone else sent them back, with
why and what is new; an honest "no suggestions yet", and then one email when
a mentor who fits arrives."""

import smtplib
from datetime import timedelta
from unittest.mock import Mock

import pytest
from django.core import mail
from django.core.mail import EmailMultiAlternatives
from django.utils import timezone

from matching import emails as matching_emails
from matching import rescoring, suggestions
from mentorships import clock, lifecycle
from mentorships.models import Mentorship
from profiles.models import SentEmail
from tests.factories import MentorFactory, ProfileFactory
from tests.matching.helpers import listed
from tests.mentorships.helpers import ask, sent_to

pytestmark = pytest.mark.django_db

GOALS = ["networking", "leadership"]


@pytest.fixture
def one_mentor(program, on_commit):
    """A mentee whose list holds one mentor."""
    mentor = MentorFactory(program=program, goals=GOALS, capacity=2, display_name="Ada Obi")
    mentee = ProfileFactory(program=program, goals=GOALS)
    on_commit(suggestions.refresh_profile, profile_id=mentee.pk)
    assert sent_to(mentee) == ["Mentors suggested for you"]
    mail.outbox.clear()
    return mentee, mentor


def test_withdrawing_sends_the_mentee_nothing(one_mentor, on_commit):
    mentee, mentor = one_mentor
    on_commit(lifecycle.withdraw, mentorship=ask(mentee, mentor))
    assert sent_to(mentee) == []


def test_ending_ones_own_mentorship_sends_the_mentee_no_pool_email(one_mentor, on_commit):
    mentee, mentor = one_mentor
    m = ask(mentee, mentor)
    on_commit(lifecycle.accept, mentorship=m)
    mail.outbox.clear()
    on_commit(lifecycle.end, mentorship=m, by=mentee, reason="goals_met")
    # Only the close-out survey, which each side of a mentorship that ended is asked.
    assert sent_to(mentee) == ["How did your mentorship with Ada Obi go?"]
    assert sent_to(mentor) == [
        f"Your mentorship with {mentee.name} has ended",
        f"How did your mentorship with {mentee.name} go?",
    ]


def test_with_nothing_left_the_email_says_so_then_a_new_mentor_is_announced_once(
    one_mentor, program, on_commit
):
    mentee, mentor = one_mentor
    m = ask(mentee, mentor)
    on_commit(lifecycle.decline, mentorship=m, reason="timing", note="My diary is full until May.")
    (email,) = mail.outbox
    assert email.subject == "Ada Obi cannot mentor you right now"  # no count: none left
    assert "No mentor fits well enough just yet. We will email you" in email.body
    # The mentor's answer in their own voice, as they chose it, then their note.
    assert 'Their answer: "Our schedules or time zones will not work."' in email.body
    assert 'In their words: "My diary is full until May."' in email.body
    assert "We have refreshed" not in email.body
    mail.outbox.clear()
    # The promise kept: a mentor who fits joins, and the mentee hears once.
    newcomer = MentorFactory(program=program, goals=GOALS, display_name="Bo Lin")
    for _ in range(2):
        on_commit(suggestions.refresh_profile, profile_id=newcomer.pk)
    (email,) = mail.outbox
    assert email.subject == "Mentors suggested for you" and "Bo Lin" in email.body


def test_what_people_type_is_text_in_both_parts_of_an_email(program, on_commit):
    """A name or a note with markup is shown as typed, never as live HTML."""
    mentor = MentorFactory(program=program, goals=GOALS, display_name="Siobhán O'Brien")
    mentee = ProfileFactory(program=program, goals=GOALS)
    on_commit(suggestions.refresh_profile, profile_id=mentee.pk)
    note = "Sorry & good luck! <a href='http://evil.example'>click</a>"
    on_commit(lifecycle.decline, mentorship=ask(mentee, mentor), reason="other", note=note)
    email = mail.outbox[-1]
    assert email.subject.startswith("Siobhán O'Brien cannot mentor you right now")
    assert note in email.body  # the plain text is the text as typed
    (html, kind) = email.alternatives[0]
    assert kind == "text/html"
    assert "<a href='http://evil.example'>" not in html
    assert "&lt;a href=" in html and "Siobhán O&#x27;Brien" in html


def test_a_new_mentor_announces_itself_only_to_mentees_waiting_with_an_empty_list(
    one_mentor, program, on_commit, monkeypatch
):
    mentee, mentor = one_mentor
    on_commit(lifecycle.accept, mentorship=ask(mentee, mentor))  # paired: their list empties
    waiting = ProfileFactory(program=program, goals=GOALS)
    on_commit(lifecycle.set_availability, mentor=mentor, capacity=1, paused=False)  # full now
    on_commit(suggestions.refresh_profile, profile_id=waiting.pk)  # nobody fits: empty
    queued = []
    monkeypatch.setattr(
        matching_emails.suggestions_ready, "delay_on_commit", lambda pk: queued.append(pk)
    )
    newcomer = MentorFactory(program=program, goals=GOALS)
    on_commit(suggestions.refresh_profile, profile_id=newcomer.pk)
    assert queued == [waiting.pk]


@pytest.fixture
def two_mentors(program, on_commit):
    """A mentee whose list holds two mentors."""
    first = MentorFactory(program=program, goals=GOALS, capacity=2, display_name="Ada Obi")
    second = MentorFactory(program=program, goals=GOALS, capacity=2, display_name="Bo Lin")
    mentee = ProfileFactory(program=program, goals=GOALS)
    on_commit(suggestions.refresh_profile, profile_id=mentee.pk)
    mail.outbox.clear()
    return mentee, first, second


def test_each_close_is_told_once_however_often_the_email_runs(two_mentors, on_commit):
    mentee, first, second = two_mentors
    on_commit(lifecycle.decline, mentorship=ask(mentee, first), reason="timing")
    assert sent_to(mentee) == [
        "Ada Obi cannot mentor you right now: 1 mentor suggested for you now"
    ]
    assert matching_emails.returned(mentee.pk) is False  # a second run: nothing new
    on_commit(lifecycle.decline, mentorship=ask(mentee, second), reason="timing")
    (later,) = mail.outbox[1:]
    assert later.subject.startswith("Bo Lin cannot mentor you")
    assert "Ada Obi" not in later.body  # told already


def test_a_close_older_than_a_week_is_not_news(two_mentors, on_commit):
    """After an upgrade, say, the first email does not recount a mentee's history."""
    mentee, first, second = two_mentors
    old = ask(mentee, first)
    lifecycle.decline(mentorship=old, reason="timing")  # its email never ran
    Mentorship.objects.filter(pk=old.pk).update(decided_at=timezone.now() - timedelta(days=8))
    on_commit(lifecycle.decline, mentorship=ask(mentee, second), reason="timing")
    (email,) = mail.outbox
    assert "Bo Lin" in email.subject and "Ada Obi" not in email.body


def test_a_mentee_matched_before_the_email_goes_hears_nothing_of_the_old_close(
    two_mentors, on_commit
):
    mentee, first, second = two_mentors
    lifecycle.decline(mentorship=ask(mentee, first), reason="timing")  # its email not yet run
    lifecycle.match(mentee=mentee, mentor=second, source=Mentorship.Source.ADMIN)
    assert matching_emails.returned(mentee.pk) is False
    assert mail.outbox == []
    lifecycle.end(mentorship=Mentorship.objects.get(mentor=second), by=mentee, reason="other")
    assert matching_emails.returned(mentee.pk) is False  # the old close stays told


def test_a_mail_server_that_fails_leaves_the_close_to_be_told_on_retry(
    two_mentors, on_commit, monkeypatch
):
    mentee, first, _ = two_mentors
    lifecycle.decline(mentorship=ask(mentee, first), reason="timing")
    with monkeypatch.context() as patched:
        patched.setattr(EmailMultiAlternatives, "send", Mock(side_effect=smtplib.SMTPException))
        with pytest.raises(smtplib.SMTPException):
            matching_emails.returned(mentee.pk)
    assert SentEmail.objects.filter(to=mentee.user).count() == 1  # only their welcome
    assert matching_emails.returned(mentee.pk) is True
    (email,) = mail.outbox
    assert "Ada Obi" in email.subject


def test_a_full_rescore_keeps_the_promise_of_no_suggestions_yet(one_mentor, program, on_commit):
    """The program lowers its bar and re-scores: a mentee told "none fits yet"
    hears once that one does now."""
    mentee, mentor = one_mentor
    on_commit(lifecycle.decline, mentorship=ask(mentee, mentor), reason="timing")
    assert "No mentor fits well enough just yet" in mail.outbox[-1].body
    MentorFactory(
        program=program, goals=["emotional-support"], display_name="Bo Lin"
    )  # no refresh yet
    mail.outbox.clear()
    program.min_score = 0
    program.save()
    for _ in range(2):
        on_commit(rescoring.start_rescore, program=program)
    assert sent_to(mentee) == ["Mentors suggested for you"]


def test_when_a_cooling_off_ends_the_mentor_returns_to_an_empty_list_once(
    one_mentor, program, on_commit, time_machine
):
    mentee, mentor = one_mentor
    time_machine.move_to(timezone.now(), tick=False)
    m = ask(mentee, mentor)
    time_machine.shift(clock.EXPIRE_AFTER + timedelta(hours=1))
    on_commit(clock.expire_requests)
    assert "No mentor fits well enough just yet" in mail.outbox[-1].body
    mail.outbox.clear()
    # The moving clock, an hour at a time: the sweep finds the pair the hour the
    # cooling-off ends, and twice over sends one email.
    ends = Mentorship.objects.get(pk=m.pk).decided_at + timedelta(
        days=program.expired_pair_cooldown_days
    )
    time_machine.move_to(ends - timedelta(hours=2), tick=False)
    for _ in range(5):
        on_commit(suggestions.refresh_rested_pairs)
        time_machine.shift(timedelta(hours=1))
    assert sent_to(mentee) == ["Mentors suggested for you"]
    assert mentor.pk in listed(mentee)


@pytest.mark.parametrize("reason", ["no_room", "timing"])
def test_a_decline_email_quotes_the_mentors_note_whatever_the_reason(one_mentor, on_commit, reason):
    mentee, mentor = one_mentor
    note = "Ask me again in April — I'd love to help then."
    on_commit(lifecycle.decline, mentorship=ask(mentee, mentor), reason=reason, note=note)
    [email] = [e for e in mail.outbox if mentee.user.email in e.to]
    assert f'In their words: "{note}"' in email.body
    assert "\n- " not in email.body  # one close: a sentence, not a list of one


def test_several_closes_told_at_once_are_a_list(program, on_commit):
    mentee = ProfileFactory(program=program, goals=GOALS)
    mentors = [MentorFactory(program=program, goals=GOALS, capacity=2) for _ in range(2)]
    on_commit(suggestions.refresh_profile, profile_id=mentee.pk)
    asked = [ask(mentee, mentor) for mentor in mentors]
    mail.outbox.clear()
    # Both declined before the emails go: one email tells both.
    on_commit(lambda: [lifecycle.decline(mentorship=m, reason="timing") for m in asked])
    [email] = [e for e in mail.outbox if mentee.user.email in e.to]
    assert email.body.count("\n- ") == 2
