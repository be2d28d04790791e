"""The email both people get when a match is made for them says how it was made,
in its text and its HTML part; a request the mentor accepted reads as before."""

import pytest
from django.core import mail

from matching import suggestions
from mentorships import emails, lifecycle
from mentorships.models import Mentorship
from tests.factories import MentorFactory, ProfileFactory, UserFactory
from tests.mentorships.helpers import ask

pytestmark = pytest.mark.django_db

COORDINATOR = "Your program's coordinator matched you with {other}"
ROUND = (
    "as part of the program's matching round, which pairs everyone at once for the best overall fit"
)


@pytest.fixture
def two(program):
    mentee = ProfileFactory(program=program, goals=["networking"], display_name="Ana Park")
    mentor = MentorFactory(program=program, goals=["networking"], display_name="Dana Lee")
    return mentee, mentor


def parts(profile) -> tuple[str, str]:
    """(text, html) of the one email to this person, each with its lines joined."""
    found = [m for m in mail.outbox if m.to == [profile.user.email]]
    assert len(found) == 1, [m.subject for m in mail.outbox]
    html = found[0].alternatives[0][0]
    return " ".join(found[0].body.split()), " ".join(html.split())


def by_admin(mentee, mentor, **kwargs) -> Mentorship:
    staff = UserFactory(is_staff=True)
    m = lifecycle.match_by_admin(mentee=mentee, mentor=mentor, by=staff, score=80.0, **kwargs)
    mail.outbox.clear()
    return m


def test_an_admins_match_says_the_coordinator_matched_them(two):
    mentee, mentor = two
    assert emails.matched(by_admin(mentee, mentor).pk)
    for me, other in ((mentee, mentor), (mentor, mentee)):
        text, html = parts(me)
        said = COORDINATOR.format(other=other.name)
        assert said in text and said.replace("'", "&#x27;") in html
        assert "matching round" not in text and "place more" not in text
        assert "Open your mentorship page" in html


def test_a_full_mentor_is_told_of_the_place_the_match_added(two):
    mentee, mentor = two
    mentor.capacity = 0
    mentor.save()
    m = by_admin(mentee, mentor, reason="Dana offered at the kick-off.")
    assert emails.matched(m.pk)
    text, html = parts(mentor)
    said = "they gave you one place more: you can now mentor up to 1 person at once"
    assert said in text and said in html
    assert "place more" not in parts(mentee)[0]


def test_an_auto_assignment_says_it_was_the_matching_round(two):
    mentee, mentor = two
    m = lifecycle.match(mentee=mentee, mentor=mentor, source=Mentorship.Source.AUTO)
    mail.outbox.clear()
    assert emails.matched(m.pk)
    for me in (mentee, mentor):
        text, html = parts(me)
        assert ROUND in text and ROUND.replace("'", "&#x27;") in html
        assert "coordinator" not in text


def test_a_request_the_mentor_accepted_keeps_its_words(two):
    mentee, mentor = two
    suggestions.refresh_profile(profile_id=mentee.pk)
    m = ask(mentee, mentor, "Hello")
    lifecycle.accept(mentorship=m)
    mail.outbox.clear()
    assert emails.request_answered(m.pk)
    text, _ = parts(mentee)
    assert "Dana Lee accepted your request and is now your mentor" in text
    assert "coordinator" not in text and "matching round" not in text
