"""A match made for people, by an admin or an auto-assignment: both are told
how it was made, and either can say "this doesn't work for me", which ends it
with their reason and puts both back in the pool."""

import html

import pytest
from django.core import mail
from django.urls import reverse

from matching import suggestions
from matching.models import AssignmentPair, Suggestion
from mentorships import lifecycle
from mentorships.exceptions import Refused
from mentorships.models import Mentorship
from tests.conftest import login
from tests.dashboard.helpers import proposal
from tests.factories import MentorFactory, ProfileFactory

pytestmark = pytest.mark.django_db

GOALS = ["networking", "leadership"]
REASON = "I'm travelling in March — we can't meet until April, sorry!"


@pytest.fixture
def by_admin(staff_client, program, django_capture_on_commit_callbacks):
    """A mentee matched by hand, through the dashboard, with a mentor of one place."""
    mentee = ProfileFactory(program=program, goals=GOALS)
    mentor = MentorFactory(program=program, goals=GOALS, capacity=1)
    with django_capture_on_commit_callbacks(execute=True):
        response = staff_client.post(
            reverse("dashboard:manual_match", args=[program.slug, mentee.pk]),
            {"mentor": mentor.pk, "override_reason": "They met at the kick-off."},
        )
    assert response.status_code == 302
    return Mentorship.objects.get(mentee=mentee, mentor=mentor)


@pytest.fixture
def by_auto(program, cohort, django_capture_on_commit_callbacks):
    """A mentorship made by committing an auto-assignment."""
    run = proposal(program)
    with django_capture_on_commit_callbacks(execute=True):
        from matching import assigning

        assigning.commit(run=run, user=None)
    pair = AssignmentPair.objects.filter(run=run, outcome="created").first()
    return Mentorship.objects.get(mentee=pair.mentee, mentor=pair.mentor, source="auto")


def page_of(client, profile, m) -> str:
    login(client, profile.user)
    return html.unescape(client.get(reverse("mentorships:detail", args=[m.pk])).content.decode())


def matched_email(profile) -> str:
    found = [e for e in mail.outbox if e.to == [profile.user.email] and "matched" in e.subject]
    assert found, [e.subject for e in mail.outbox]
    return found[0].body


def test_an_admins_match_tells_both_sides_how_it_was_made(client, by_admin):
    for side in (by_admin.mentee, by_admin.mentor):
        assert "matched you by hand" in page_of(client, side, by_admin)
        other = by_admin.mentor if side == by_admin.mentee else by_admin.mentee
        assert f"Your program's coordinator matched you with {other.name}" in matched_email(side)
        assert "This doesn't work for me" in matched_email(side)


def test_an_auto_assignment_tells_both_sides_how_it_was_made(client, by_auto):
    for side in (by_auto.mentee, by_auto.mentor):
        page = page_of(client, side, by_auto)
        assert "Kindred's auto-assignment matched you" in page
        assert "This doesn't work for me" in page
        assert (
            "as part of the program's matching round, which pairs everyone at once for the "
            "best overall fit"
        ) in " ".join(matched_email(side).split())


def test_a_mentee_who_asked_is_not_offered_to_turn_it_down(client, accepted):
    page = page_of(client, accepted.mentee, accepted)
    assert f"You asked {accepted.mentor.name}, and {accepted.mentor.name} accepted." in page
    assert "This doesn't work for me" not in page
    response = client.post(
        reverse("mentorships:turn_down", args=[accepted.pk]), {"reason": "x", "confirm": "yes"}
    )
    assert response.status_code == 302
    assert Mentorship.objects.get(pk=accepted.pk).status == "accepted"
    with pytest.raises(Refused):
        lifecycle.turn_down_match(mentorship=accepted, by=accepted.mentee, reason="x")


def test_turning_down_without_confirming_changes_nothing(client, by_admin):
    login(client, by_admin.mentee.user)
    response = client.post(reverse("mentorships:turn_down", args=[by_admin.pk]), {"reason": REASON})
    assert response.status_code == 200
    page = html.unescape(response.content.decode())
    assert "This match doesn't work for me: end it with" in page
    assert "What happens when you confirm" in page and REASON in page  # kept in the form
    assert Mentorship.objects.get(pk=by_admin.pk).status == "accepted"


def test_turning_down_needs_a_reason(client, by_admin):
    login(client, by_admin.mentee.user)
    response = client.post(
        reverse("mentorships:turn_down", args=[by_admin.pk]), {"reason": "  ", "confirm": "yes"}
    )
    assert response.status_code == 200
    assert "This field is required" in response.content.decode()
    assert Mentorship.objects.get(pk=by_admin.pk).status == "accepted"


def turn_down(client, profile, m, callbacks) -> None:
    login(client, profile.user)
    with callbacks(execute=True):
        response = client.post(
            reverse("mentorships:turn_down", args=[m.pk]), {"reason": REASON, "confirm": "yes"}
        )
    assert response.status_code == 302


def test_the_mentee_turns_down_an_admins_match(
    client, by_admin, program, django_capture_on_commit_callbacks
):
    other_mentee = ProfileFactory(program=program, goals=GOALS)
    suggestions.refresh_profile(profile_id=other_mentee.pk)
    listed = Suggestion.objects.for_mentee(other_mentee).listed()
    assert not listed.filter(mentor=by_admin.mentor).exists()  # full: one place, taken
    turn_down(client, by_admin.mentee, by_admin, django_capture_on_commit_callbacks)

    m = Mentorship.objects.get(pk=by_admin.pk)
    assert (m.status, m.end_reason, m.end_note, m.ended_by) == (
        "ended",
        "not_for_me",
        REASON,
        "mentee",
    )
    # Shown to the other side, in the mentee's own words.
    page = page_of(client, by_admin.mentor, m)
    assert f"{by_admin.mentee.name} ended this match: it did not work for them." in page
    assert f"{by_admin.mentee.name}'s reason:" in page and REASON in page
    assert REASON in html.unescape(
        client.get(reverse("matching:profile_home", args=[by_admin.mentor.pk])).content.decode()
    )
    # Both back in the pool: the mentor's place is offered again, the mentee has a fresh list.
    assert (
        Suggestion.objects.for_mentee(other_mentee).listed().filter(mentor=by_admin.mentor).exists()
    )
    assert (
        not Suggestion.objects.for_mentee(by_admin.mentee)
        .listed()
        .filter(mentor=by_admin.mentor)
        .exists()
    )


def test_the_mentor_turns_down_an_auto_assignment(
    client, by_auto, program, django_capture_on_commit_callbacks
):
    mentee = by_auto.mentee
    assert not Suggestion.objects.for_mentee(mentee).listed().exists()  # paired: out of the pool
    newcomer = ProfileFactory(program=program, goals=GOALS)
    suggestions.refresh_profile(profile_id=newcomer.pk)
    assert not Suggestion.objects.for_mentee(newcomer).listed().exists()  # every mentor full
    spare = MentorFactory(program=program, goals=GOALS, capacity=1)  # joins after the commit
    turn_down(client, by_auto.mentor, by_auto, django_capture_on_commit_callbacks)

    m = Mentorship.objects.get(pk=by_auto.pk)
    assert (m.status, m.end_reason, m.end_note, m.ended_by) == (
        "ended",
        "not_for_me",
        REASON,
        "mentor",
    )
    page = page_of(client, mentee, m)
    assert f"{by_auto.mentor.name}'s reason:" in page and REASON in page
    # The mentee is back in the pool with a fresh list, without this mentor.
    listed = Suggestion.objects.for_mentee(mentee).listed()
    assert listed.filter(mentor=spare).exists()
    assert not listed.filter(mentor=by_auto.mentor).exists()
    # The mentor's freed place shows in the lists of the mentees waiting.
    assert Suggestion.objects.for_mentee(newcomer).listed().filter(mentor=by_auto.mentor).exists()


def test_a_turned_down_match_cannot_be_turned_down_twice(client, by_admin):
    lifecycle.turn_down_match(mentorship=by_admin, by=by_admin.mentor, reason="No time")
    login(client, by_admin.mentee.user)
    response = client.post(
        reverse("mentorships:turn_down", args=[by_admin.pk]), {"reason": "x", "confirm": "yes"}
    )
    assert response.status_code == 302
    assert Mentorship.objects.get(pk=by_admin.pk).end_note == "No time"


def test_nobody_outside_the_pair_turns_it_down(client, by_admin, program):
    login(client, MentorFactory(program=program).user)
    response = client.post(
        reverse("mentorships:turn_down", args=[by_admin.pk]), {"reason": "x", "confirm": "yes"}
    )
    assert response.status_code == 404
    assert Mentorship.objects.get(pk=by_admin.pk).status == "accepted"
