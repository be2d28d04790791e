"""A viewer whom the other person's visibility choice does not let see their
background gets no background reason and no background bar at all: a vague
"some shared background", or a bar beside the viewer's own answers, would
tell them what the other person's answers are (issue 14, item 5).

Both sides share a heritage, so whenever the background counts, it is
non-zero: whatever is shown of it would tell."""

import pytest
from django.urls import reverse

from matching import suggestions
from matching.models import Suggestion, score_over
from mentorships import lifecycle
from tests.api.conftest import bearer, call
from tests.conftest import login
from tests.factories import MentorFactory, ProfileFactory, tags

pytestmark = pytest.mark.django_db

PRIVATE = "not shown, and left out of the score: their background is private"
NAMED = "Shared background: Korean"
VAGUE = ("background fit", "Some shared background")
VISIBILITIES = ["matching", "matches", "program"]


def pair(program, mentee_visibility="matching", mentor_visibility="matching"):
    mentee = ProfileFactory(
        program=program, goals=["networking"], background_visibility=mentee_visibility
    )
    mentor = MentorFactory(
        program=program, goals=["networking"], background_visibility=mentor_visibility
    )
    for person in (mentee, mentor):
        person.background.set(tags("heritage", "korean"))
    suggestions.refresh_profile(profile_id=mentee.pk)
    return mentee, mentor


def html_of(client, user, url) -> str:
    login(client, user)
    return client.get(url).content.decode()


def told(html: str) -> bool:
    """Whether the page says anything about the pair's background fit."""
    assert not any(v in html for v in VAGUE)
    shown = NAMED in html and 'id="bar-' in html and '-background">' in html
    hidden = PRIVATE in html and NAMED not in html
    assert shown != hidden, "the background is either explained or plainly private"
    return shown


@pytest.mark.parametrize("visibility", VISIBILITIES)
def test_a_mentee_reading_a_suggestion(client, program, visibility):
    mentee, _ = pair(program, mentor_visibility=visibility)
    html = html_of(client, mentee.user, reverse("matching:profile_home", args=[mentee.pk]))
    assert told(html) == (visibility == "program")


@pytest.mark.parametrize("visibility", VISIBILITIES)
def test_a_mentor_reading_a_request(client, program, visibility):
    mentee, mentor = pair(program, mentee_visibility=visibility)
    suggestions.request_mentor(suggestion=Suggestion.objects.get(mentee=mentee), message="Hi")
    html = html_of(client, mentor.user, reverse("matching:profile_home", args=[mentor.pk]))
    assert told(html) == (visibility != "matching")


@pytest.mark.parametrize("visibility", VISIBILITIES)
@pytest.mark.parametrize("reader", ["mentee", "mentor"])
def test_each_side_on_the_mentorship_page(client, program, visibility, reader):
    mentee, mentor = pair(program, mentee_visibility=visibility, mentor_visibility=visibility)
    m = suggestions.request_mentor(suggestion=Suggestion.objects.get(mentee=mentee), message="Hi")
    lifecycle.accept(mentorship=m)
    me = mentee if reader == "mentee" else mentor
    html = html_of(client, me.user, reverse("mentorships:detail", args=[m.pk]))
    assert told(html) == (visibility != "matching")


@pytest.mark.parametrize("visibility", VISIBILITIES)
def test_the_api_withholds_the_background_component_as_the_page_does(program, visibility):
    mentee, _ = pair(program, mentor_visibility=visibility)
    listed = call(bearer(mentee.user), "get", f"/profiles/{mentee.pk}/suggestions/").json()
    (s,) = listed["results"]
    single = call(bearer(mentee.user), "get", f"/suggestions/{s['id']}/").json()
    for shown in (s, single):
        if visibility == "program":
            assert shown["withheld"] == [] and shown["components"]["background"] > 0
            assert NAMED in shown["reasons"]
        else:
            assert shown["withheld"] == ["background"]
            assert shown["components"]["background"] is None
            assert not any("background" in r.lower() for r in shown["reasons"])
    m = suggestions.request_mentor(suggestion=Suggestion.objects.get(mentee=mentee), message="Hi")
    lifecycle.accept(mentorship=m)
    explained = call(bearer(mentee.user), "get", f"/mentorships/{m.pk}/").json()["explanation"]
    assert (explained["withheld"] == []) == (visibility != "matching")
    assert (explained["components"]["background"] is None) == (visibility == "matching")


def test_the_score_still_counts_what_is_withheld(client, program):
    mentee, _ = pair(program)
    private = Suggestion.objects.get(mentee=mentee)
    assert private.components["background"] > 0  # kept for the score and the admin's records


@pytest.mark.parametrize("visibility", VISIBILITIES)
def test_the_score_shown_leaves_out_what_is_withheld(client, program, visibility):
    """Every shown bar at 100 % beside a score of 100 would say the private
    background matched fully: the score shown counts only what is shown."""
    mentee, _ = pair(program, mentor_visibility=visibility)
    s = Suggestion.objects.get(mentee=mentee)

    full = score_over(s.components, importance=mentee.importances(), weights=program.weights())
    assert abs(full - s.score) < 0.05  # the stored score is the whole one
    without = score_over(
        s.components,
        importance=mentee.importances(),
        weights=program.weights(),
        left_out=("background",),
    )
    shown = call(bearer(mentee.user), "get", f"/suggestions/{s.pk}/").json()["score"]
    html = html_of(client, mentee.user, reverse("matching:profile_home", args=[mentee.pk]))
    expected = s.score if visibility == "program" else without
    assert shown == pytest.approx(expected, abs=0.01)
    assert f"<span>{expected:.0f}</span>/100" in html
    m = suggestions.request_mentor(suggestion=s, message="Hi")
    lifecycle.accept(mentorship=m)
    mine = call(bearer(mentee.user), "get", f"/mentorships/{m.pk}/").json()
    assert (mine["score"] is None) == (visibility == "matching")
    if visibility == "matching":
        assert mine["explanation"]["score"] == pytest.approx(without, abs=0.01)
