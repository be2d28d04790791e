"""The request and mentorship pages: who may do what, and bad input."""

import pytest
from django.urls import reverse

from matching.models import Suggestion
from mentorships import lifecycle
from mentorships.models import CheckIn, Mentorship
from tests.conftest import login
from tests.factories import MentorFactory, ProfileFactory, UserFactory

pytestmark = pytest.mark.django_db


def url_name(name: str) -> str:
    """The home's actions are matching's; a mentorship page's own are mentorships'."""
    own = {"check_in", "end", "mark_met", "turn_down"}
    return f"mentorships:{name}" if name in own else f"matching:{name}"


def post(client, user, name, *args, data=None):
    login(client, user)
    return client.post(reverse(url_name(name), args=args), data or {})


def test_a_mentee_requests_from_the_suggestion(client, people):
    mentee, mentor = people
    suggestion = Suggestion.objects.get(mentee=mentee, mentor=mentor)
    response = post(
        client, mentee.user, "request", mentee.pk, suggestion.pk, data={"message": "Hello"}
    )
    assert response.status_code == 302
    assert Mentorship.objects.get(mentee=mentee, mentor=mentor).message == "Hello"


def test_a_too_long_message_saves_nothing(client, people):
    mentee, mentor = people
    suggestion = Suggestion.objects.get(mentee=mentee, mentor=mentor)
    response = post(
        client, mentee.user, "request", mentee.pk, suggestion.pk, data={"message": "x" * 600}
    )
    assert not Mentorship.objects.exists()
    assert b"at most 500 characters" in client.get(response.url).content


def test_a_refused_request_says_why(client, people):
    mentee, mentor = people
    mentor.is_paused = True
    mentor.save()
    suggestion = Suggestion.objects.get(mentee=mentee, mentor=mentor)
    response = post(client, mentee.user, "request", mentee.pk, suggestion.pk)
    assert b"not taking requests" in client.get(response.url).content
    assert not Mentorship.objects.exists()


def test_the_mentor_sees_the_request_with_its_explanation(client, requested):
    login(client, requested.mentor.user)
    page = client.get(reverse("matching:profile_home", args=[requested.mentor.pk])).content.decode()
    assert requested.mentee.name in page and "Hi there" in page
    assert "You can help with 1 of their 1 goal: networking" in page
    assert "Signal: +1 555 0100" not in page  # no contact details before acceptance


def test_the_mentor_accepts_and_lands_on_the_mentorship(client, requested):
    response = post(client, requested.mentor.user, "accept", requested.mentor.pk, requested.pk)
    assert response.url == reverse("mentorships:detail", args=[requested.pk])
    assert Mentorship.objects.get(pk=requested.pk).status == "accepted"


def test_declining_needs_a_reason(client, requested):
    post(
        client,
        requested.mentor.user,
        "decline",
        requested.mentor.pk,
        requested.pk,
        data={"reason": ""},
    )
    assert Mentorship.objects.get(pk=requested.pk).status == "requested"
    post(
        client,
        requested.mentor.user,
        "decline",
        requested.mentor.pk,
        requested.pk,
        data={"reason": "timing"},
    )
    assert Mentorship.objects.get(pk=requested.pk).decline_reason == "timing"


@pytest.mark.parametrize("action", ["accept", "decline"])
def test_nobody_decides_someone_elses_request(client, requested, program, action):
    other_mentor = MentorFactory(program=program)
    for user, pk in [
        (other_mentor.user, other_mentor.pk),  # own profile, someone else's request
        (other_mentor.user, requested.mentor.pk),  # someone else's profile
        (requested.mentee.user, requested.mentee.pk),  # the mentee, as if a mentor
    ]:
        response = post(client, user, action, pk, requested.pk, data={"reason": "timing"})
        assert response.status_code == 404
    assert Mentorship.objects.get(pk=requested.pk).status == "requested"


def test_nobody_withdraws_someone_elses_request(client, requested, program):
    other = ProfileFactory(program=program)
    assert post(client, other.user, "withdraw", other.pk, requested.pk).status_code == 404
    assert (
        post(
            client, requested.mentor.user, "withdraw", requested.mentor.pk, requested.pk
        ).status_code
        == 404
    )
    assert Mentorship.objects.get(pk=requested.pk).status == "requested"


def test_the_pair_reads_each_others_contact_details_once_accepted(client, accepted):
    url = reverse("mentorships:detail", args=[accepted.pk])
    login(client, accepted.mentee.user)
    assert b"mentor@slack" in client.get(url).content
    login(client, accepted.mentor.user)
    assert b"Signal: +1 555 0100" in client.get(url).content


def test_contact_details_are_hidden_before_acceptance(client, requested):
    login(client, requested.mentee.user)
    page = client.get(reverse("mentorships:detail", args=[requested.pk])).content
    assert b"mentor@slack" not in page


def test_contact_details_are_hidden_after_the_end(client, accepted):
    lifecycle.end(mentorship=accepted, by=accepted.mentee, reason="no_time")
    for user, secret in [
        (accepted.mentee.user, b"mentor@slack"),
        (accepted.mentor.user, b"Signal"),
    ]:
        login(client, user)
        assert secret not in client.get(reverse("mentorships:detail", args=[accepted.pk])).content


def test_nobody_outside_the_pair_opens_the_mentorship(client, accepted, program):
    staff = UserFactory(is_staff=True)
    for user in [ProfileFactory(program=program).user, MentorFactory(program=program).user, staff]:
        login(client, user)
        assert client.get(reverse("mentorships:detail", args=[accepted.pk])).status_code == 404
        assert post(client, user, "end", accepted.pk, data={"reason": "no_time"}).status_code == 404
        assert post(client, user, "check_in", accepted.pk, data={"rating": "1"}).status_code == 404
    assert Mentorship.objects.get(pk=accepted.pk).status == "accepted"


def test_both_sides_check_in_and_see_each_other(client, accepted):
    post(
        client,
        accepted.mentee.user,
        "check_in",
        accepted.pk,
        data={"rating": "5", "note": "Loved it"},
    )
    post(
        client, accepted.mentor.user, "check_in", accepted.pk, data={"rating": "4", "note": "Good"}
    )
    login(client, accepted.mentee.user)
    page = client.get(reverse("mentorships:detail", args=[accepted.pk])).content.decode()
    assert "Loved it" in page and "Good" in page


@pytest.mark.parametrize("rating", ["0", "6", "", "five", "-1"])
def test_a_bad_rating_saves_nothing(client, accepted, rating):
    post(client, accepted.mentee.user, "check_in", accepted.pk, data={"rating": rating})
    assert not CheckIn.objects.exists()


def test_ending_asks_first_and_changes_nothing(client, accepted):
    response = post(client, accepted.mentee.user, "end", accepted.pk, data={"reason": "goals_met"})
    assert response.status_code == 200
    page = response.content.decode()
    assert f"End your mentorship with {accepted.mentor.name}?" in page
    assert "What happens when you confirm" in page and "Yes, end the mentorship" in page
    assert 'value="goals_met" selected' in page  # the chosen reason is kept
    assert Mentorship.objects.get(pk=accepted.pk).status == "accepted"


def test_ending_once_confirmed(client, accepted):
    response = post(
        client,
        accepted.mentee.user,
        "end",
        accepted.pk,
        data={"reason": "goals_met", "confirm": "yes"},
    )
    assert response.status_code == 302
    assert Mentorship.objects.get(pk=accepted.pk).status == "completed"


def test_a_confirmed_end_without_a_reason_changes_nothing(client, accepted):
    response = post(client, accepted.mentee.user, "end", accepted.pk, data={"confirm": "yes"})
    assert response.status_code == 200
    assert "This field is required" in response.content.decode()
    assert Mentorship.objects.get(pk=accepted.pk).status == "accepted"


def test_the_end_page_opens_with_a_link(client, accepted):
    login(client, accepted.mentor.user)
    page = client.get(reverse("mentorships:end", args=[accepted.pk])).content.decode()
    assert f"End your mentorship with {accepted.mentee.name}?" in page
    assert Mentorship.objects.get(pk=accepted.pk).status == "accepted"


def test_a_mentorship_no_longer_under_way_cannot_be_ended_again(client, accepted):
    lifecycle.end(mentorship=accepted, by=accepted.mentee, reason="no_time")
    response = post(
        client, accepted.mentee.user, "end", accepted.pk, data={"reason": "other", "confirm": "yes"}
    )
    assert response.status_code == 302
    assert b"not under way" in client.get(response.url).content
    assert Mentorship.objects.get(pk=accepted.pk).end_reason == "no_time"


def test_the_mentor_sets_capacity_and_pauses(client, people):
    _, mentor = people
    post(client, mentor.user, "availability", mentor.pk, data={"capacity": "5", "is_paused": "on"})
    mentor.refresh_from_db()
    assert (mentor.capacity, mentor.is_paused) == (5, True)


@pytest.mark.parametrize("capacity", ["-1", "99", "", "lots"])
def test_bad_capacity_saves_nothing(client, people, capacity):
    _, mentor = people
    post(client, mentor.user, "availability", mentor.pk, data={"capacity": capacity})
    mentor.refresh_from_db()
    assert mentor.capacity == 3


def test_a_mentee_has_no_availability_form(client, people):
    mentee, _ = people
    assert (
        post(client, mentee.user, "availability", mentee.pk, data={"capacity": "1"}).status_code
        == 404
    )


@pytest.mark.parametrize(
    "name",
    [
        "request",
        "dismiss",
        "withdraw",
        "accept",
        "decline",
        "availability",
        "check_in",
        "mark_met",
    ],
)
def test_actions_refuse_get(client, accepted, name):
    login(client, accepted.mentee.user)
    args = {
        "availability": [accepted.mentor.pk],
        "check_in": [accepted.pk],
        "mark_met": [accepted.pk],
    }.get(name, [accepted.mentee.pk, 1])
    assert client.get(reverse(url_name(name), args=args)).status_code == 405


def test_homes_show_the_state_of_every_request(client, requested):
    login(client, requested.mentee.user)
    page = client.get(reverse("matching:profile_home", args=[requested.mentee.pk])).content.decode()
    assert "Your requests" in page and f"Withdraw request to {requested.mentor.name}" in page
    lifecycle.decline(mentorship=requested, reason="timing")
    page = client.get(reverse("matching:profile_home", args=[requested.mentee.pk])).content.decode()
    assert f"{requested.mentor.name} declined your request." in page
    assert "Our schedules or time zones will not work" in page
