"""Reading and changing one's own answers: the questionnaire's forms decide,
with the same messages, and a refused change saves nothing."""

import pytest

from profiles.forms import AboutForm
from profiles.models import Consent, Profile, Tag
from tests.api.conftest import bearer, call
from tests.factories import MentorFactory, ProfileFactory, tags

pytestmark = pytest.mark.django_db


@pytest.fixture
def mentee(program):
    return ProfileFactory(program=program, goals=["networking"], bio="Before", headline="Kept")


def patch(profile, data):
    return call(bearer(profile.user), "patch", f"/profiles/{profile.pk}/", data)


def answers(profile) -> tuple:
    profile = Profile.objects.get(pk=profile.pk)
    return (
        profile.bio,
        profile.headline,
        profile.importance_goals,
        sorted(profile.languages.values_list("slug", flat=True)),
        sorted(profile.goals.values_list("slug", flat=True)),
        sorted(profile.background.values_list("slug", flat=True)),
        profile.must_share,
        profile.capacity,
        profile.updated_at,
    )


def test_a_person_reads_their_profile_with_every_answer(mentee):
    data = call(bearer(mentee.user), "get", f"/profiles/{mentee.pk}/").json()
    assert data["bio"] == "Before" and data["role"] == "mentee"
    assert data["goals"] == [{"slug": "networking", "name": "Networking"}]
    assert data["importance_goals"] == 2 and data["capacity"] is None
    assert data["background"]["visibility"] == "matching"


def test_a_mentor_has_capacity_and_no_importances(program):
    mentor = MentorFactory(program=program)
    data = call(bearer(mentor.user), "get", f"/profiles/{mentor.pk}/").json()
    assert data["capacity"] == 3 and data["is_paused"] is False
    assert data["importance_goals"] is None and data["must_share"] is None


def test_a_valid_change_is_saved_as_the_step_page_saves_it(program):
    mentee = ProfileFactory(program=program, steps_done=["about"])
    response = patch(
        mentee,
        {
            "goals": ["leadership", "networking"],
            "timezone": "Europe/Paris",
            "meeting_format": "online",
            "importance_goals": 3,
        },
    )
    assert response.status_code == 200, response.content
    data = response.json()
    assert {g["slug"] for g in data["goals"]} == {"leadership", "networking"}
    assert data["importance_goals"] == 3 and data["timezone"] == "Europe/Paris"
    mentee.refresh_from_db()
    assert set(mentee.steps_done) == {"about", "goals", "logistics"}
    assert mentee.is_ready


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"importance_goals": 7}, "importance_goals"),
        ({"languages": ["english", "klingon"]}, "languages"),
        ({"goals": ["world-domination"]}, "goals"),
        ({"industry": "piracy"}, "industry"),
        ({"bio": "x" * 10_000}, "bio"),
        ({"display_name": ""}, "display_name"),
        ({"languages": []}, "languages"),
        ({"career_stage": 9}, "career_stage"),
        ({"years_experience": 71}, "years_experience"),
        ({"timezone": "Mars/Olympus_Mons"}, "timezone"),
        ({"meeting_format": "in_person", "city": ""}, "city"),
        ({"must_share": ["heritage"]}, "must_share"),
        ({"capacity": 2}, "capacity"),
        ({"bio": ["a", "list"]}, "bio"),
        ({"nickname": "Sunny"}, "nickname"),
        ({"background": {"heritage": ["korean"], "consent": False}}, "background.consent"),
        ({"background": {"generation": "martian"}}, "background.generation"),
        ({"background": {"favourite_colour": "blue"}}, "background.favourite_colour"),
    ],
)
def test_an_invalid_answer_is_a_400_naming_the_field_and_saves_nothing(mentee, change, field):
    before = answers(mentee)
    response = patch(mentee, {"bio": "A valid new bio", **change})
    assert response.status_code == 400, response.content
    error = response.json()["error"]
    assert error["code"] == "invalid"
    assert field in error["fields"], error
    assert all(isinstance(m, str) and m for m in error["fields"][field])
    assert answers(mentee) == before


def test_the_api_says_what_the_questionnaire_page_says(mentee):
    page = AboutForm(
        {
            "display_name": "Ana",
            "career_stage": "1",
            "bio": "x" * 10_000,
            "languages": ["english"],
        },
        instance=mentee,
    )
    assert not page.is_valid()
    response = patch(mentee, {"bio": "x" * 10_000})
    assert response.json()["error"]["fields"]["bio"] == page.errors["bio"]


def test_every_bad_answer_is_named_at_once_in_the_forms_words(mentee):
    response = patch(mentee, {"importance_goals": 7, "languages": ["english", "klingon"]})
    fields = response.json()["error"]["fields"]
    assert fields == {
        "importance_goals": ["Select a valid choice. 7 is not one of the available choices."],
        "languages": ["Select a valid choice. klingon is not one of the available choices."],
    }


def test_one_invalid_step_rolls_back_the_valid_ones(mentee):
    before = answers(mentee)
    response = patch(
        mentee, {"headline": "New headline", "goals": ["leadership"], "timezone": "Nowhere"}
    )
    assert response.status_code == 400
    assert list(response.json()["error"]["fields"]) == ["timezone"]
    assert answers(mentee) == before


def test_a_required_answer_of_an_unfinished_step_is_asked_for(program):
    fresh = ProfileFactory(program=program, steps_done=[], career_stage=None, display_name="")
    fields = patch(fresh, {"headline": "Hello"}).json()["error"]["fields"]
    assert {"display_name", "career_stage"} <= set(fields)


def test_background_needs_consent_and_then_is_stored_with_it(mentee):
    response = patch(
        mentee,
        {"background": {"heritage": ["korean"], "generation": "second-generation-immigrant"}},
    )
    assert response.status_code == 400
    assert "consent" in response.json()["error"]["fields"]["background.consent"][0].lower()
    response = patch(
        mentee,
        {
            "background": {
                "heritage": ["korean"],
                "generation": "second-generation-immigrant",
                "consent": True,
                "visibility": "matches",
            }
        },
    )
    assert response.status_code == 200, response.content
    background = response.json()["background"]
    assert background["generation"]["slug"] == "second-generation-immigrant"
    assert [t["slug"] for t in background["heritage"]] == ["korean"]
    assert background["consent"] is True and background["visibility"] == "matches"
    assert set(
        Consent.objects.given().filter(profile=mentee).values_list("category", flat=True)
    ) == {
        "heritage",
        "generation",
    }


def test_a_must_have_on_a_shared_facet_is_accepted(mentee):
    mentee.background.set(tags("heritage", "korean"))
    response = patch(mentee, {"must_share": ["heritage", "language"]})
    assert response.status_code == 200, response.content
    assert response.json()["must_share"] == ["heritage", "language"]


def test_a_null_for_the_other_roles_answer_is_ignored(mentee):
    response = patch(mentee, {"capacity": None, "is_paused": None, "headline": "Still me"})
    assert response.status_code == 200
    assert response.json()["headline"] == "Still me"


def test_a_mentor_changes_capacity_through_logistics(program):
    mentor = MentorFactory(program=program)
    assert patch(mentor, {"capacity": 5}).json()["capacity"] == 5
    response = patch(mentor, {"importance_goals": 3})
    assert response.json()["error"]["fields"]["importance_goals"] == ["Only mentees answer this."]


@pytest.mark.parametrize("body", ["[]", '"bio"', "7", "null", '{"bio": '])
def test_a_body_that_is_not_an_object_is_a_400(mentee, body):
    response = bearer(mentee.user).generic(
        "PATCH", f"/api/v1/profiles/{mentee.pk}/", body, content_type="application/json"
    )
    assert response.status_code == 400
    assert response.json()["error"]["code"] in ("invalid", "parse_error")


def test_the_vocabulary_lists_the_slugs_to_answer_with(mentee):
    tags_ = call(bearer(mentee.user), "get", "/tags/?kind=language").json()
    assert {"kind": "language", "facet": "language", "slug": "english", "name": "English"} in tags_
    assert all(t["kind"] == "language" for t in tags_)
    assert call(bearer(mentee.user), "get", "/tags/?kind=planet").status_code == 400


def test_a_tag_no_longer_offered_is_dropped_as_the_page_drops_it(mentee):
    mentee.languages.add(*tags("language", "korean"))
    Tag.objects.filter(kind="language", slug="korean").update(is_active=False)
    response = patch(mentee, {"bio": "Still here"})
    assert response.status_code == 200, response.content
    assert [t["slug"] for t in response.json()["languages"]] == ["english"]
