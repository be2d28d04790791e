"""Dates on pages and in emails are in the person's own time zone (issue 16):
a request made at 23:30 UTC on 4 December was made on 5 December in Seoul and
still on 4 December in New York."""

from datetime import UTC, datetime

import pytest
from django.core import mail
from django.urls import reverse

from matching import suggestions
from mentorships import emails
from mentorships.models import Mentorship
from profiles import zones
from tests.conftest import login
from tests.factories import MentorFactory, ProfileFactory

pytestmark = pytest.mark.django_db

LATE_ON_THE_4TH = datetime(2026, 12, 4, 23, 30, tzinfo=UTC)


@pytest.fixture
def waiting(program):
    """Two requests made at the same instant, by mentees in Seoul and New York,
    to a mentor in Seoul."""
    mentor = MentorFactory(program=program, goals=["networking"], timezone="Asia/Seoul")
    made = {}
    for zone in ("Asia/Seoul", "America/New_York"):
        mentee = ProfileFactory(program=program, goals=["networking"], timezone=zone)
        suggestions.refresh_profile(profile_id=mentee.pk)
        made[zone] = Mentorship.objects.create(
            program=program, mentee=mentee, mentor=mentor, requested_at=LATE_ON_THE_4TH
        )
    return mentor, made


def home(client, profile) -> str:
    login(client, profile.user)
    return client.get(reverse("matching:profile_home", args=[profile.pk])).content.decode()


def test_each_mentee_sees_the_day_of_their_request_in_their_own_zone(client, waiting):
    _, made = waiting
    assert "waiting since 5 December" in home(client, made["Asia/Seoul"].mentee)
    assert "waiting since 4 December" in home(client, made["America/New_York"].mentee)


def test_a_changed_zone_shows_on_the_next_page(client, waiting):
    _, made = waiting
    mentee = made["Asia/Seoul"].mentee
    assert "waiting since 5 December" in home(client, mentee)
    mentee.timezone = "America/Los_Angeles"
    mentee.save()
    assert "waiting since 4 December" in home(client, mentee)


def test_a_page_read_before_the_change_commits_does_not_keep_the_old_zone(
    client, waiting, django_capture_on_commit_callbacks
):
    _, made = waiting
    mentee = made["Asia/Seoul"].mentee
    with django_capture_on_commit_callbacks(execute=True):
        mentee.timezone = "America/Los_Angeles"
        mentee.save()
        zones.cache.set(zones._key(mentee.user_id), "Asia/Seoul")  # a page read meanwhile
    assert "waiting since 4 December" in home(client, mentee)


@pytest.mark.parametrize("zone", ["", "Mars/Olympus_Mons"])
def test_no_zone_or_an_unknown_one_means_utc(client, waiting, zone):
    _, made = waiting
    mentee = made["Asia/Seoul"].mentee
    mentee.timezone = zone
    mentee.save()
    assert "waiting since 4 December" in home(client, mentee)


def test_emails_give_dates_in_the_recipients_zone(waiting):
    mentor, made = waiting
    pks = sorted(m.pk for m in made.values())
    emails.from_the_clock.apply(args=[mentor.pk, pks, []])
    (email,) = mail.outbox
    assert email.subject == "2 mentees are still waiting for your answer"
    for m in made.values():
        # Seoul's days, not UTC's: asked on the 5th, closing on the 19th.
        assert f"{m.mentee.name}, on 5 December (left unanswered, it closes on 19 December)" in (
            email.body
        )
