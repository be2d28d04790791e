import pytest
from django.core.cache import cache
from django.urls import reverse

from matching import suggestions
from matching.models import Suggestion
from tests.conftest import login
from tests.factories import MentorFactory, ProfileFactory, tags

pytestmark = pytest.mark.django_db


def home_of(client, profile):
    login(client, profile.user)
    return client.get(reverse("matching:profile_home", args=[profile.pk]))


@pytest.fixture
def suggested(program):
    """A mentee with one suggested mentor; both Filipino, the mentor keeps it private."""
    mentee = ProfileFactory(program=program, goals=["networking", "leadership"])
    mentor = MentorFactory(program=program, goals=["networking", "leadership"], values=["family"])
    for person in (mentee, mentor):
        person.background.set(tags("heritage", "filipino", "southeast-asian"))
    suggestions.refresh_profile(profile_id=mentee.pk)
    return mentee, mentor


def test_home_shows_scored_explained_suggestions(client, suggested):
    mentee, mentor = suggested
    response = home_of(client, mentee)
    page = response.content.decode()
    assert response.status_code == 200
    assert mentor.display_name in page
    suggestion = Suggestion.objects.get(mentee=mentee, mentor=mentor)
    assert f"{suggestion.shown_score:.0f}</span>/100" in page  # their background left out
    # The mentee chose no values: that bar is not counted. The mentor keeps their
    # background private: no bar for it, however vague.
    assert page.count("<meter") == 3
    assert "not counted" in page and "their background is private" in page
    assert "Can help with 2 of your 2 goals: networking, leadership" in page


def test_reasons_never_reveal_a_private_background(client, suggested):
    mentee, _mentor = suggested
    page = home_of(client, mentee).content.decode()
    assert "background fit" not in page and "Shared background:" not in page
    assert "Filipino" not in page and "Southeast Asian" not in page


def test_a_background_shared_with_the_program_is_named(client, suggested):
    mentee, mentor = suggested
    mentor.background_visibility = "program"
    mentor.save()
    suggestions.refresh_profile(profile_id=mentee.pk)
    page = home_of(client, mentee).content.decode()
    assert "Shared background: Southeast Asian, Filipino" in page


def test_viewing_marks_suggestions_seen(client, suggested):
    mentee, _ = suggested
    assert b"New</span>" in home_of(client, mentee).content
    assert Suggestion.objects.get(mentee=mentee).status == "seen"
    assert b"New</span>" not in home_of(client, mentee).content


def test_an_incomplete_mentee_is_told_what_to_finish(client, program):
    mentee = ProfileFactory(program=program, steps_done=["about"])
    response = home_of(client, mentee)
    assert response.context["state"] == "incomplete"
    assert b"Continue the questionnaire" in response.content


def test_a_mentee_being_scored_sees_progress_that_polls(client, program):
    mentee = ProfileFactory(program=program)
    cache.set(suggestions.refreshing_key(mentee.pk), "now")
    response = home_of(client, mentee)
    assert response.context["state"] == "scoring"
    assert b'hx-trigger="every 2s"' in response.content


def test_a_mentee_with_no_fit_is_told_why(client, program):
    mentee = ProfileFactory(program=program, must_share=["language"], languages=["korean"])
    MentorFactory(program=program)  # speaks only English
    suggestions.refresh_profile(profile_id=mentee.pk)
    response = home_of(client, mentee)
    assert response.context["state"] == "none"
    assert b"must-haves" in response.content


def test_the_suggestions_panel_renders_alone(client, suggested):
    mentee, mentor = suggested
    login(client, mentee.user)
    response = client.get(reverse("matching:suggestions", args=[mentee.pk]))
    assert response.status_code == 200
    assert mentor.display_name.encode() in response.content
    assert b"<html" not in response.content


def test_dismissing_hides_the_mentor(client, suggested, django_capture_on_commit_callbacks):
    mentee, mentor = suggested
    suggestion = Suggestion.objects.get(mentee=mentee)
    login(client, mentee.user)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("matching:dismiss", args=[mentee.pk, suggestion.pk]), {"reason": "know_them"}
        )
    assert response.status_code == 302
    suggestion.refresh_from_db()
    assert (suggestion.status, suggestion.dismiss_reason) == ("dismissed", "know_them")
    page = client.get(response.url)
    assert mentor not in [s.mentor for s in page.context["suggestions"]]
    assert f"{mentor.display_name} will not be suggested again" in page.content.decode()


@pytest.mark.parametrize("reason", ["", "because", "x" * 500])
def test_dismissing_needs_a_known_reason(client, suggested, reason):
    mentee, _ = suggested
    suggestion = Suggestion.objects.get(mentee=mentee)
    login(client, mentee.user)
    response = client.post(
        reverse("matching:dismiss", args=[mentee.pk, suggestion.pk]),
        {"reason": reason},
        follow=True,
    )
    assert response.status_code == 200
    assert b"Nothing was changed" in response.content
    assert Suggestion.objects.get(pk=suggestion.pk).status in Suggestion.LISTED


def test_a_mentee_cannot_see_another_mentees_suggestions(client, suggested, program):
    mentee, _ = suggested
    other = ProfileFactory(program=program)
    login(client, other.user)
    assert client.get(reverse("matching:profile_home", args=[mentee.pk])).status_code == 404
    assert client.get(reverse("matching:suggestions", args=[mentee.pk])).status_code == 404


def test_a_mentee_cannot_dismiss_another_mentees_suggestion(client, suggested, program):
    mentee, _ = suggested
    suggestion = Suggestion.objects.get(mentee=mentee)
    other = ProfileFactory(program=program)
    login(client, other.user)
    for pk in (mentee.pk, other.pk):
        response = client.post(
            reverse("matching:dismiss", args=[pk, suggestion.pk]), {"reason": "know_them"}
        )
        assert response.status_code == 404
    assert Suggestion.objects.get(pk=suggestion.pk).status == "new"


def test_a_mentor_has_no_suggestions_panel(client, suggested):
    _, mentor = suggested
    login(client, mentor.user)
    assert client.get(reverse("matching:suggestions", args=[mentor.pk])).status_code == 404
    assert home_of(client, mentor).status_code == 200


def test_home_sends_a_single_profile_straight_to_it(client, suggested):
    mentee, _ = suggested
    login(client, mentee.user)
    response = client.get(reverse("matching:home"))
    assert response.url == reverse("matching:profile_home", args=[mentee.pk])


def test_home_lists_several_profiles(client, suggested):
    mentee, _ = suggested
    MentorFactory(program=mentee.program, user=mentee.user)
    login(client, mentee.user)
    response = client.get(reverse("matching:home"))
    assert response.status_code == 200
    assert len(response.context["profiles"]) == 2
