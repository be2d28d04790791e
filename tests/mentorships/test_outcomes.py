"""Each side reads why a request or mentorship closed, and the other person's
own words exactly as they wrote them, in the app (not only by email)."""

import html
from datetime import timedelta

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from mentorships import lifecycle
from mentorships.models import Mentorship
from tests.conftest import login
from tests.factories import MentorFactory
from tests.mentorships.helpers import ask

pytestmark = pytest.mark.django_db

NOTE = "I'm travelling in March — ask me again in April!"


def home(client, profile) -> str:
    login(client, profile.user)
    page = client.get(reverse("matching:profile_home", args=[profile.pk])).content.decode()
    return html.unescape(page)


def detail(client, profile, m) -> str:
    login(client, profile.user)
    return html.unescape(client.get(reverse("mentorships:detail", args=[m.pk])).content.decode())


def test_the_mentee_reads_the_decline_note_exactly_as_written(client, requested):
    lifecycle.decline(mentorship=requested, reason="timing", note=NOTE)
    page = home(client, requested.mentee)
    assert NOTE in page
    assert f"{requested.mentor.name} wrote:" in page
    assert NOTE.lower() not in page  # not lower-cased


def test_the_mentee_reads_the_chosen_reason_in_the_mentors_voice(client, requested):
    lifecycle.decline(mentorship=requested, reason="not_my_area")
    page = home(client, requested.mentee)
    assert f"{requested.mentor.name}'s answer:" in page
    assert "Your goals are outside what I can help with" in page
    assert "their goals" not in page.lower() and "what i can" not in page


def test_the_decline_is_shown_from_the_mentee_side_through_the_form(client, requested):
    login(client, requested.mentor.user)
    client.post(
        reverse("matching:decline", args=[requested.mentor.pk, requested.pk]),
        {"reason": "other", "note": NOTE},
    )
    assert Mentorship.objects.get(pk=requested.pk).decline_note == NOTE
    mentee_page = detail(client, requested.mentee, requested)
    assert NOTE in mentee_page and "How this request closed" in mentee_page
    assert "Another reason" not in mentee_page  # "other" says nothing in the mentor's name


def test_the_mentor_sees_their_own_decline_as_theirs(client, requested):
    lifecycle.decline(mentorship=requested, reason="timing", note=NOTE)
    page = home(client, requested.mentor)
    assert "You declined." in page and "Your note:" in page and NOTE in page


def test_the_note_with_an_accept_is_kept_and_shown_to_the_mentee(client, requested):
    login(client, requested.mentor.user)
    client.post(
        reverse("matching:accept", args=[requested.mentor.pk, requested.pk]),
        {"note": "Delighted! Let's talk Tuesday."},
    )
    m = Mentorship.objects.get(pk=requested.pk)
    assert (m.status, m.accept_note) == ("accepted", "Delighted! Let's talk Tuesday.")
    assert "Delighted! Let's talk Tuesday." in home(client, requested.mentee)
    page = detail(client, requested.mentee, m)
    assert f"{requested.mentor.name}'s note with their yes:" in page
    assert "Delighted! Let's talk Tuesday." in page


def test_an_accept_note_too_long_accepts_nothing(client, requested):
    login(client, requested.mentor.user)
    client.post(
        reverse("matching:accept", args=[requested.mentor.pk, requested.pk]), {"note": "x" * 501}
    )
    assert Mentorship.objects.get(pk=requested.pk).status == "requested"


def test_the_mentorship_page_says_accepted_on_a_date(client, accepted):
    for side in (accepted.mentee, accepted.mentor):
        page = detail(client, side, accepted)
        assert "Accepted on " in page and "Accepted since" not in page
    assert "Accepted on " in home(client, accepted.mentee)
    assert "accepted on " in home(client, accepted.mentor)


@pytest.fixture
def two_asked(pool):
    """A mentee who asked two mentors; the first accepts."""
    mentee, mentors = pool
    first, second = ask(mentee, mentors[0]), ask(mentee, mentors[1])
    lifecycle.accept(mentorship=first)
    second.refresh_from_db()
    return first, second


def test_a_request_closed_by_another_acceptance_remembers_why(two_asked):
    first, second = two_asked
    assert second.status == "withdrawn"
    assert second.superseded_by_id == first.pk


def test_the_mentee_reads_that_another_mentor_accepted(client, two_asked):
    first, second = two_asked
    page = home(client, second.mentee)
    assert f"Closed because {first.mentor.name} accepted you." in page
    assert "You withdrew" not in page


def test_the_other_mentor_reads_it_too_without_the_rivals_name(client, two_asked):
    first, second = two_asked
    page = home(client, second.mentor)
    assert f"Closed: {second.mentee.name} was paired with another mentor" in page
    assert "withdrew" not in page
    assert first.mentor.name not in page
    assert "paired with another mentor" in detail(client, second.mentor, second)


def test_a_match_by_the_program_team_closes_waiting_requests_saying_so(client, pool):
    mentee, mentors = pool
    waiting = ask(mentee, mentors[1])
    lifecycle.match(mentee=mentee, mentor=mentors[2], source="admin")
    waiting.refresh_from_db()
    page = home(client, mentee)
    assert f"Closed because the program team matched you with {mentors[2].name}." in page


def test_a_match_made_for_them_says_how_not_accepted_on(client, pool):
    mentee, mentors = pool
    for source, how in (("admin", "by the program team"), ("auto", "by auto-assignment")):
        m = lifecycle.match(mentee=mentee, mentor=mentors[0], source=source)
        for side in (mentee, mentors[0]):
            page = detail(client, side, m)
            assert f"Matched {how} on " in page and "Accepted on" not in page
        lifecycle.end(mentorship=m, by=mentee, reason="other")


def test_an_ended_mentorship_no_longer_reads_as_current(client, accepted):
    lifecycle.end(mentorship=accepted, by=accepted.mentor, reason="no_time")
    page = detail(client, accepted.mentee, accepted)
    assert f"Your mentorship with {accepted.mentor.name} has ended" in page
    assert "Your mentor:" not in page and "You will both be asked" not in page


def test_a_request_the_mentee_withdrew_still_says_they_did(client, requested):
    lifecycle.withdraw(mentorship=requested)
    assert "You withdrew this request." in home(client, requested.mentee)
    assert f"{requested.mentee.name} withdrew the request." in home(client, requested.mentor)


def test_an_end_shows_the_reason_and_note_to_the_other_side(client, accepted):
    lifecycle.end(mentorship=accepted, by=accepted.mentor, reason="no_time", note=NOTE)
    page = detail(client, accepted.mentee, accepted)
    assert f"{accepted.mentor.name} ended it: “One of us no longer has time”." in page
    assert f"{accepted.mentor.name} added:" in page and NOTE in page


def test_a_mentor_who_left_is_not_named(client, program, pool):
    mentee, mentors = pool
    m = ask(mentee, mentors[0])
    mentors[0].delete()
    m.refresh_from_db()
    assert m.status == "withdrawn"
    assert "Closed: the mentor left Kindred." in home(client, mentee)


def test_a_mentor_paused_with_waiting_requests_declined_reads_no_room(client, program, pool):
    mentee, mentors = pool
    m = ask(mentee, mentors[0])
    lifecycle.set_availability(mentor=mentors[0], capacity=2, paused=True, decline_waiting=True)
    lifecycle.answer_waiting_requests(mentor_id=mentors[0].pk)
    m.refresh_from_db()
    assert m.status == "declined"
    assert f"Closed: {mentors[0].name} has no room for another mentee right now." in home(
        client, mentee
    )


def test_nobody_else_reads_the_outcome(client, program, requested):
    lifecycle.decline(mentorship=requested, reason="timing", note=NOTE)
    login(client, MentorFactory(program=program).user)
    assert client.get(reverse("mentorships:detail", args=[requested.pk])).status_code == 404


def test_a_fresh_decline_is_news_above_the_suggestions_and_later_history(client, requested):
    """Where the mentee looks first: two weeks as news, then among earlier requests."""
    lifecycle.decline(mentorship=requested, reason="timing", note=NOTE)
    page = home(client, requested.mentee)
    news = page.index('id="news-heading"')
    assert news < page.index(NOTE) < page.index('aria-labelledby="suggestions-heading"')
    assert 'id="past-heading"' not in page
    with time_machine.travel(timezone.now() + timedelta(days=15)):
        page = home(client, requested.mentee)
    assert 'id="news-heading"' not in page
    assert page.index('id="past-heading"') < page.index(NOTE)
