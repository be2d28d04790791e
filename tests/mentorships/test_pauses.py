"""Pauses and declines (issue 16): only a decline the mentor chose for that
mentee keeps the pair apart; a paused mentor's waiting mentees are told at
once and the mentor is not reminded; an unanswered request keeps the mentor
out of that mentee's suggestions for the program's cooling-off time only."""

from datetime import timedelta

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from matching import suggestions
from mentorships import clock, lifecycle
from mentorships.models import Mentorship
from tests.conftest import login
from tests.factories import MentorFactory, ProfileFactory
from tests.matching.helpers import listed
from tests.mentorships.helpers import aged, ask, sent_to

pytestmark = pytest.mark.django_db

Status = Mentorship.Status


def test_pausing_and_declining_what_waits_leaves_the_pair_free_after_the_pause(pool, on_commit):
    mentee, mentors = pool
    m = ask(mentee, mentors[0])
    on_commit(
        lifecycle.set_availability, mentor=mentors[0], capacity=2, paused=True, decline_waiting=True
    )
    m.refresh_from_db()
    assert (m.status, m.decline_reason) == (Status.DECLINED, "no_room")
    mentors[0].refresh_from_db()
    assert mentors[0].is_paused
    on_commit(lifecycle.set_availability, mentor=mentors[0], capacity=2, paused=False)
    assert mentors[0].pk in listed(mentee)  # suggested again
    again = ask(mentee, mentors[0])  # and asked again
    assert again.status == Status.REQUESTED


def test_a_mentor_filling_up_leaves_the_pair_free_when_room_comes_back(program, on_commit):
    mentor = MentorFactory(program=program, goals=["networking"], capacity=1)
    first, second = (ProfileFactory(program=program, goals=["networking"]) for _ in range(2))
    for mentee in (first, second):
        on_commit(suggestions.refresh_profile, profile_id=mentee.pk)
    taken, waiting = ask(first, mentor), ask(second, mentor)
    on_commit(lifecycle.accept, mentorship=taken)
    waiting.refresh_from_db()
    assert waiting.decline_reason == "no_room"
    on_commit(lifecycle.end, mentorship=taken, by=first, reason="no_time")
    assert mentor.pk in listed(second)


def test_a_decline_the_mentor_chose_still_keeps_the_pair_apart(pool, on_commit):
    mentee, mentors = pool
    on_commit(lifecycle.decline, mentorship=ask(mentee, mentors[0]), reason="not_my_area")
    on_commit(lifecycle.set_availability, mentor=mentors[0], capacity=3, paused=False)
    assert mentors[0].pk not in listed(mentee)


def test_pausing_alone_tells_the_waiting_mentees_once_and_stops_the_reminders(pool, on_commit):
    mentee, mentors = pool
    m = ask(mentee, mentors[0])
    on_commit(lifecycle.set_availability, mentor=mentors[0], capacity=2, paused=True)
    on_commit(lifecycle.set_availability, mentor=mentors[0], capacity=3, paused=True)
    subject = f"{mentors[0].name} has paused new mentoring for now"
    assert sent_to(mentee).count(subject) == 1
    body = next(e.body for e in mail.outbox if e.subject == subject)
    assert "keep waiting, or withdraw" in body
    # The moving clock: a week on, no reminder to the paused mentor...
    aged(m, timedelta(days=7, hours=1))
    for _ in range(2):
        assert on_commit(clock.send_reminders) == 0
    assert not any("still waiting" in s for s in sent_to(mentors[0]))
    # ...and at two weeks the request expires, as any other.
    aged(m, timedelta(days=14, hours=1))
    assert on_commit(clock.expire_requests) == 1
    assert on_commit(clock.expire_requests) == 0


def test_a_pause_saved_with_the_questionnaire_tells_the_waiting_mentees_once(
    pool, on_commit, client
):
    mentee, mentors = pool
    mentor = mentors[0]
    ask(mentee, mentor)
    logistics = {
        "timezone": "Europe/London",
        "meeting_format": "either",
        "contact_details": "ada@example.org",
        "capacity": "2",
        "is_paused": "on",
    }
    login(client, mentor.user)
    url = reverse("profiles:edit", args=[mentor.pk, "logistics"])
    for _ in range(2):  # saved twice: still one email
        response = on_commit(client.post, url, logistics)
        assert response.status_code == 302
    mentor.refresh_from_db()
    assert mentor.is_paused
    assert sent_to(mentee) == [f"{mentor.name} has paused new mentoring for now"]


def rests_for_the_cooling_off(m: Mentorship, subject: str, program, on_commit) -> None:
    """The closed pair is kept apart, the mentee's email says for how long, and
    once the program's cooling-off is over (30 days by default) the mentor is
    suggested to them again."""
    mentee, mentor = m.mentee, m.mentor
    assert mentor.pk not in listed(mentee)
    (told,) = [e.body for e in mail.outbox if subject in e.subject]
    assert f"will not be suggested to you for {program.expired_pair_cooldown_days} days" in told
    Mentorship.objects.filter(pk=m.pk).update(
        decided_at=timezone.now() - timedelta(days=program.expired_pair_cooldown_days, hours=1)
    )
    on_commit(suggestions.refresh_profile, profile_id=mentee.pk)
    assert mentor.pk in listed(mentee)


def test_an_unanswered_mentor_returns_after_the_programs_cooling_off(pool, on_commit, program):
    mentee, mentors = pool
    m = aged(ask(mentee, mentors[0]), clock.EXPIRE_AFTER + timedelta(hours=1))
    on_commit(clock.expire_requests)
    rests_for_the_cooling_off(m, "went unanswered", program, on_commit)


def test_a_mentor_who_says_no_room_while_places_are_free_rests_the_pair_for_the_cooling_off(
    pool, on_commit, program
):
    """Not at once (the mentee would see them again the minute they said no),
    not for good (it was not about this mentee)."""
    mentee, mentors = pool
    m = ask(mentee, mentors[0])
    on_commit(lifecycle.decline, mentorship=m, reason="no_room")
    rests_for_the_cooling_off(m, "has no room", program, on_commit)
    assert ask(mentee, mentors[0]).status == Status.REQUESTED  # and may be asked again
