"""The same action twice (a double click, the back button, a second tab) is
answered in words, never with a raw 404 (issue 14, item 4)."""

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from matching import suggestions
from matching.models import Suggestion
from mentorships.models import Mentorship
from tests.api.conftest import bearer, call
from tests.conftest import login
from tests.factories import MentorFactory, ProfileFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def suggestion(program):
    mentee = ProfileFactory(program=program, goals=["networking"])
    MentorFactory(program=program, goals=["networking"], display_name="Rosa Delgado")
    suggestions.refresh_profile(profile_id=mentee.pk)
    return Suggestion.objects.get(mentee=mentee)


def post(client, name: str, suggestion: Suggestion, data: dict):
    login(client, suggestion.mentee.user)
    url = reverse(f"matching:{name}", args=[suggestion.mentee_id, suggestion.pk])
    response = client.post(url, data)
    said = [str(m) for m in get_messages(response.wsgi_request)]
    return response, said[-1:]  # what this post said (earlier ones wait unread)


def test_asking_twice_says_so(client, suggestion):
    post(client, "request", suggestion, {"message": "Hi"})
    response, said = post(client, "request", suggestion, {"message": "Hi again"})
    assert response.status_code == 302
    assert said == ["You have already asked Rosa Delgado."]
    assert Mentorship.objects.filter(mentee=suggestion.mentee).count() == 1


def test_hiding_twice_says_so(client, suggestion):
    post(client, "dismiss", suggestion, {"reason": "know_them"})
    response, said = post(client, "dismiss", suggestion, {"reason": "know_them"})
    assert response.status_code == 302
    assert said == ["Rosa Delgado is already hidden."]


def test_hiding_a_mentor_already_asked_points_at_withdrawing(client, suggestion):
    post(client, "request", suggestion, {"message": "Hi"})
    response, said = post(client, "dismiss", suggestion, {"reason": "know_them"})
    assert response.status_code == 302 and "withdraw the request" in said[0]
    assert Suggestion.objects.get(pk=suggestion.pk).status == "requested"


def test_asking_a_hidden_mentor_from_an_old_tab_says_so(client, suggestion):
    post(client, "dismiss", suggestion, {"reason": "know_them"})
    response, said = post(client, "request", suggestion, {"message": "Hi"})
    assert response.status_code == 302
    assert said == ["You hid Rosa Delgado: they are no longer suggested to you."]
    assert not Mentorship.objects.exists()


@pytest.mark.parametrize("name", ["request", "dismiss"])
def test_a_suggestion_replaced_since_the_page_opened_sends_the_mentee_to_the_new_list(
    client, suggestion, name
):
    Suggestion.objects.filter(pk=suggestion.pk).delete()
    response, said = post(client, name, suggestion, {"message": "", "reason": "other"})
    assert response.status_code == 302
    assert response["Location"] == reverse("matching:profile_home", args=[suggestion.mentee_id])
    assert "Your suggestions have changed" in said[0]


def test_the_api_answers_a_repeated_request_with_a_conflict(suggestion):
    client = bearer(suggestion.mentee.user)
    url = f"/suggestions/{suggestion.pk}/request/"
    assert call(client, "post", url, {"message": "Hi"}).status_code == 201
    again = call(client, "post", url, {"message": "Hi"})
    assert again.status_code == 409
    assert again.json()["error"]["message"] == "You have already asked Rosa Delgado."
    hide = call(client, "post", f"/suggestions/{suggestion.pk}/dismiss/", {"reason": "other"})
    assert hide.status_code == 409
