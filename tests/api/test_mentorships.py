"""Suggestions, requests and mentorships through the API: the same services
as the pages, so the same rules; a refusal is a 409 that changes nothing."""

import pytest

from matching import suggestions
from matching.models import Suggestion
from mentorships import lifecycle
from mentorships.models import CheckIn, Mentorship
from tests.api.conftest import bearer, call
from tests.factories import MentorFactory, ProfileFactory

pytestmark = pytest.mark.django_db


def refused(response, code: str = "refused") -> str:
    assert response.status_code == 409, response.content
    error = response.json()["error"]
    assert error["code"] == code
    return error["message"]


def test_a_mentee_reads_suggestions_with_components_and_reasons(people):
    mentee, mentor = people
    data = call(bearer(mentee.user), "get", f"/profiles/{mentee.pk}/suggestions/").json()
    assert data["state"] == "ready" and data["can_request"] is True
    (first,) = data["results"]
    assert first["mentor"]["id"] == mentor.pk and first["rank"] == 1
    assert set(first["components"]) == {"goals", "background", "values", "experience", "logistics"}
    assert first["components"]["goals"] == 1.0
    assert "Can help with 1 of your 1 goal: networking" in first["reasons"]
    assert first["mentor"]["background"] is None


def test_reading_suggestions_marks_them_seen(people, suggestion):
    mentee, _ = people
    client = bearer(mentee.user)
    assert (
        call(client, "get", f"/profiles/{mentee.pk}/suggestions/").json()["results"][0]["status"]
        == "new"
    )
    suggestion.refresh_from_db()
    assert suggestion.status == "seen"


def test_a_mentee_without_answers_is_told_what_to_finish(program):
    mentee = ProfileFactory(program=program, steps_done=["about"])
    data = call(bearer(mentee.user), "get", f"/profiles/{mentee.pk}/suggestions/").json()
    assert data["state"] == "incomplete" and data["results"] == []


def test_requesting_a_suggested_mentor_sends_the_message(people, suggestion):
    mentee, mentor = people
    response = call(
        bearer(mentee.user), "post", f"/suggestions/{suggestion.pk}/request/", {"message": "Hello!"}
    )
    assert response.status_code == 201, response.content
    data = response.json()
    assert data["status"] == "requested" and data["my_role"] == "mentee"
    assert data["other"]["id"] == mentor.pk and data["contact"] is None
    assert Mentorship.objects.get(pk=data["id"]).message == "Hello!"


def test_a_too_long_message_is_a_400_and_sends_nothing(people, suggestion):
    response = call(
        bearer(people[0].user),
        "post",
        f"/suggestions/{suggestion.pk}/request/",
        {"message": "x" * 600},
    )
    assert response.status_code == 400
    assert "message" in response.json()["error"]["fields"]
    assert not Mentorship.objects.exists()


def test_requesting_a_paused_mentor_is_refused_and_changes_nothing(people, suggestion):
    mentee, mentor = people
    mentor.is_paused = True
    mentor.save()
    response = call(bearer(mentee.user), "post", f"/suggestions/{suggestion.pk}/request/", {})
    assert "not taking requests" in refused(response)
    assert not Mentorship.objects.exists()
    suggestion.refresh_from_db()
    assert suggestion.status == "new"


def test_a_fourth_open_request_is_refused(program):
    mentee = ProfileFactory(program=program, goals=["networking"])
    for _ in range(4):
        MentorFactory(program=program, goals=["networking"])

    suggestions.refresh_profile(profile_id=mentee.pk)
    client = bearer(mentee.user)
    listed = list(Suggestion.objects.for_mentee(mentee).listed())
    for s in listed[:3]:
        assert call(client, "post", f"/suggestions/{s.pk}/request/", {}).status_code == 201
    assert "3 open requests" in refused(
        call(client, "post", f"/suggestions/{listed[3].pk}/request/", {})
    )
    assert Mentorship.objects.filter(mentee=mentee).count() == 3


def test_dismissing_needs_a_reason_from_the_list(people, suggestion):
    client = bearer(people[0].user)
    response = call(client, "post", f"/suggestions/{suggestion.pk}/dismiss/", {"reason": "rude"})
    assert response.status_code == 400 and "reason" in response.json()["error"]["fields"]
    assert call(client, "post", f"/suggestions/{suggestion.pk}/dismiss/", {}).status_code == 400
    response = call(
        client, "post", f"/suggestions/{suggestion.pk}/dismiss/", {"reason": "know_them"}
    )
    assert response.status_code == 204
    suggestion.refresh_from_db()
    assert (suggestion.status, suggestion.dismiss_reason) == ("dismissed", "know_them")
    assert call(client, "get", f"/suggestions/{suggestion.pk}/").status_code == 404


def test_a_mentee_withdraws_a_request_once(requested):
    client = bearer(requested.mentee.user)
    data = call(client, "post", f"/mentorships/{requested.pk}/withdraw/").json()
    assert data["status"] == "withdrawn"
    assert "already withdrawn" in refused(
        call(client, "post", f"/mentorships/{requested.pk}/withdraw/")
    )


def test_the_mentor_sees_the_request_with_its_explanation(requested):
    data = call(bearer(requested.mentor.user), "get", f"/mentorships/{requested.pk}/").json()
    assert data["my_role"] == "mentor" and data["message"] == "Hi there"
    assert "You can help with 1 of their 1 goal: networking" in data["explanation"]["reasons"]
    assert data["contact"] is None  # no contact details before acceptance
    listed = call(
        bearer(requested.mentor.user), "get", "/mentorships/?role=mentor&status=requested"
    )
    assert [m["id"] for m in listed.json()["results"]] == [requested.pk]


def test_accepting_reveals_contact_details_to_both(requested):
    response = call(bearer(requested.mentor.user), "post", f"/mentorships/{requested.pk}/accept/")
    assert response.status_code == 200
    assert response.json()["status"] == "accepted"
    assert response.json()["contact"] == "Signal: +1 555 0100"
    mentee_view = call(bearer(requested.mentee.user), "get", f"/mentorships/{requested.pk}/").json()
    assert mentee_view["contact"] == "mentor@slack"


def test_a_full_mentor_cannot_accept_and_nothing_changes(requested, program):
    mentor = requested.mentor
    mentor.capacity = 0
    mentor.save()
    response = call(bearer(mentor.user), "post", f"/mentorships/{requested.pk}/accept/")
    assert "full" in refused(response, "mentor_full")
    assert Mentorship.objects.get(pk=requested.pk).status == "requested"


def test_declining_needs_a_reason_and_carries_the_note(requested):
    client = bearer(requested.mentor.user)
    assert (
        call(client, "post", f"/mentorships/{requested.pk}/decline/", {"note": "Sorry"}).status_code
        == 400
    )
    assert Mentorship.objects.get(pk=requested.pk).status == "requested"
    data = call(
        client,
        "post",
        f"/mentorships/{requested.pk}/decline/",
        {"reason": "timing", "note": "Sorry"},
    ).json()
    assert (data["status"], data["decline_reason"], data["decline_note"]) == (
        "declined",
        "timing",
        "Sorry",
    )
    assert "no longer open" in refused(call(client, "post", f"/mentorships/{requested.pk}/accept/"))


def test_both_sides_check_in_and_read_each_other(accepted):
    mentee, mentor = bearer(accepted.mentee.user), bearer(accepted.mentor.user)
    url = f"/mentorships/{accepted.pk}/check-ins/"
    first = call(mentee, "post", url, {"rating": 5, "note": "Loved it"})
    assert first.status_code == 201 and first.json()["by"] == "mentee"
    assert call(mentor, "post", url, {"rating": "4"}).json()["by"] == "mentor"
    entries = call(mentee, "get", url).json()
    assert [(e["by"], e["rating"]) for e in entries] == [("mentee", 5), ("mentor", 4)]
    assert Mentorship.objects.get(pk=accepted.pk).status == "active"


@pytest.mark.parametrize("rating", [0, 6, "", "five", -1, None, 2.5, [3]])
def test_a_bad_rating_is_a_400_and_saves_nothing(accepted, rating):
    response = call(
        bearer(accepted.mentee.user),
        "post",
        f"/mentorships/{accepted.pk}/check-ins/",
        {"rating": rating},
    )
    assert response.status_code == 400
    assert "rating" in response.json()["error"]["fields"]
    assert not CheckIn.objects.exists()


def test_a_check_in_before_acceptance_is_refused(requested):
    response = call(
        bearer(requested.mentee.user),
        "post",
        f"/mentorships/{requested.pk}/check-ins/",
        {"rating": 3},
    )
    assert "under way" in refused(response)
    assert not CheckIn.objects.exists()


def test_marking_the_first_conversation(accepted):
    data = call(bearer(accepted.mentor.user), "post", f"/mentorships/{accepted.pk}/met/").json()
    assert data["status"] == "active"


def test_ending_hides_the_contact_details_again(accepted):
    client = bearer(accepted.mentee.user)
    data = call(client, "post", f"/mentorships/{accepted.pk}/end/", {"reason": "goals_met"}).json()
    assert (data["status"], data["ended_by"], data["contact"]) == ("completed", "mentee", None)
    assert "not under way" in refused(
        call(client, "post", f"/mentorships/{accepted.pk}/end/", {"reason": "goals_met"})
    )


def test_a_mentor_sets_capacity_and_pause(people):
    _, mentor = people
    client = bearer(mentor.user)
    data = call(
        client, "post", f"/profiles/{mentor.pk}/availability/", {"capacity": 5, "is_paused": True}
    ).json()
    assert (data["capacity"], data["is_paused"]) == (5, True)


@pytest.mark.parametrize("capacity", [-1, 99, "", "lots", None])
def test_a_bad_capacity_saves_nothing(people, capacity):
    _, mentor = people
    response = call(
        bearer(mentor.user), "post", f"/profiles/{mentor.pk}/availability/", {"capacity": capacity}
    )
    assert response.status_code == 400
    mentor.refresh_from_db()
    assert mentor.capacity == 3


def test_capacity_below_the_current_mentees_is_refused(accepted):
    mentor = accepted.mentor
    response = call(
        bearer(mentor.user), "post", f"/profiles/{mentor.pk}/availability/", {"capacity": 0}
    )
    assert "cannot be lower" in refused(response)
    mentor.refresh_from_db()
    assert mentor.capacity == 3


def test_a_mentorship_whose_other_side_left_still_reads(accepted):
    mentor = accepted.mentor
    lifecycle.end(mentorship=accepted, by=accepted.mentee, reason="no_time")
    Mentorship.objects.filter(pk=accepted.pk).update(mentor=None)
    data = call(bearer(accepted.mentee.user), "get", f"/mentorships/{accepted.pk}/").json()
    assert data["other"] is None and data["explanation"] is None and data["contact"] is None
    assert call(bearer(mentor.user), "get", f"/mentorships/{accepted.pk}/").status_code == 404
