import re

import pytest
from django.urls import reverse

from profiles.models import Consent, Profile, Program, Tag
from profiles.taxonomy import STEPS, Role
from tests.conftest import login
from tests.factories import ProfileFactory, ProgramFactory, UserFactory, tags

pytestmark = pytest.mark.django_db


def tag_ids(kind, *slugs):
    return [t.pk for t in tags(kind, *slugs)]


def edit(client, profile, step, data):
    return client.post(reverse("profiles:edit", args=[profile.pk, step]), data)


@pytest.fixture
def new_mentee(default_program):
    return Profile.objects.create(user=UserFactory(), program=default_program, role=Role.MENTEE)


@pytest.fixture
def new_mentor(default_program):
    return Profile.objects.create(
        user=UserFactory(), program=default_program, role=Role.MENTOR, capacity=3
    )


@pytest.fixture
def client_of(client):
    def _client_of(profile):
        return login(client, profile.user)

    return _client_of


ABOUT = {
    "display_name": "Ji-woo Park",
    "headline": "Data analyst",
    "bio": "Second generation, first in my family at university.",
    "career_stage": "1",
    "years_experience": "3",
}


def about(**changes):
    data = {
        **ABOUT,
        "industry": Tag.objects.get(kind="industry", slug="technology").pk,
        "languages": tag_ids("language", "english", "korean"),
    }
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


LOGISTICS = {
    "timezone": "America/Los_Angeles",
    "meeting_format": "either",
    "city": "",
    "contact_details": "ji-woo@example.org",
    **{
        f"importance_{c}": "2" for c in ("goals", "background", "values", "experience", "logistics")
    },
}


# --- good input saves ------------------------------------------------------------


def test_about_step_saves_and_moves_on(client_of, new_mentee):
    response = edit(client_of(new_mentee), new_mentee, "about", {**about(), "continue": "1"})
    assert response.url == reverse("profiles:edit", args=[new_mentee.pk, "background"])
    new_mentee.refresh_from_db()
    assert new_mentee.display_name == "Ji-woo Park"
    assert new_mentee.career_stage == 1
    assert {t.slug for t in new_mentee.languages.all()} == {"english", "korean"}
    assert new_mentee.steps_done == ["about"]


def test_background_step_saves_answers_with_consent_and_visibility(client_of, new_mentee):
    data = {
        "heritage": tag_ids("heritage", "east-asian", "korean"),
        "generation": tag_ids("identity", "second-generation-immigrant")[0],
        "first_gen": tag_ids("identity", "first-generation-college-graduate"),
        "visibility": "matches",
        "consent": "on",
    }
    response = edit(client_of(new_mentee), new_mentee, "background", data)
    assert response.status_code == 302
    new_mentee.refresh_from_db()
    assert {t.slug for t in new_mentee.background.all()} == {
        "east-asian",
        "korean",
        "second-generation-immigrant",
        "first-generation-college-graduate",
    }
    assert new_mentee.background_visibility == "matches"
    assert set(new_mentee.consents.given().values_list("category", flat=True)) == {
        "heritage",
        "generation",
        "first_gen",
    }


def test_background_step_can_be_skipped_without_consent(client_of, new_mentee):
    response = edit(client_of(new_mentee), new_mentee, "background", {"visibility": "matching"})
    assert response.status_code == 302
    new_mentee.refresh_from_db()
    assert "background" in new_mentee.steps_done
    assert not new_mentee.background.exists()
    assert not Consent.objects.filter(profile=new_mentee).exists()


def test_goals_step_saves_mentee_wants(client_of, new_mentee):
    edit(
        client_of(new_mentee),
        new_mentee,
        "goals",
        {"goals": tag_ids("goal", "networking", "leadership")},
    )
    assert {t.slug for t in new_mentee.goals.all()} == {"networking", "leadership"}


def test_goals_step_is_worded_for_mentors(client_of, new_mentor):
    response = client_of(new_mentor).get(reverse("profiles:edit", args=[new_mentor.pk, "goals"]))
    assert b"What you can help mentees with" in response.content


def test_values_step_saves(client_of, new_mentee):
    edit(
        client_of(new_mentee),
        new_mentee,
        "values",
        {"values": tag_ids("value", "community", "family")},
    )
    assert {t.slug for t in new_mentee.values.all()} == {"community", "family"}


def test_logistics_step_saves_importance_and_makes_the_profile_ready(client_of, new_mentee):
    client = client_of(new_mentee)
    edit(client, new_mentee, "about", about())
    response = edit(
        client,
        new_mentee,
        "logistics",
        {**LOGISTICS, "importance_background": "3", "must_share": ["language"]},
    )
    assert response.url == reverse("matching:home")
    new_mentee.refresh_from_db()
    assert new_mentee.importance_background == 3
    assert new_mentee.must_share == ["language"]
    assert new_mentee.timezone == "America/Los_Angeles"
    assert new_mentee.is_ready


def test_logistics_step_saves_mentor_capacity_and_pause(client_of, new_mentor):
    data = {**LOGISTICS, "capacity": "5", "is_paused": "on"}
    assert edit(client_of(new_mentor), new_mentor, "logistics", data).status_code == 302
    new_mentor.refresh_from_db()
    assert (new_mentor.capacity, new_mentor.is_paused) == (5, True)


def test_every_step_can_be_edited_later(client_of):
    profile = ProfileFactory(display_name="Before")
    client = client_of(profile)
    for step in STEPS:
        assert client.get(reverse("profiles:edit", args=[profile.pk, step])).status_code == 200
    edit(client, profile, "about", about(display_name="After"))
    profile.refresh_from_db()
    assert profile.display_name == "After"


def test_profile_page_shows_completeness_and_next_step(client_of, new_mentee):
    client = client_of(new_mentee)
    edit(client, new_mentee, "about", about())
    response = client.get(new_mentee.get_absolute_url())
    assert b"20% complete" in response.content
    assert reverse("profiles:edit", args=[new_mentee.pk, "background"]).encode() in response.content


# --- bad input shows the error beside the field and saves nothing --------------------


def assert_nothing_saved(profile, response, field, message):
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert field in errors, errors
    assert message in " ".join(errors[field])
    assert f'id="id_{field}_error"'.encode() in response.content or field == "__all__"
    fresh = Profile.objects.get(pk=profile.pk)
    assert fresh.steps_done == profile.steps_done
    assert fresh.updated_at == profile.updated_at


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"display_name": ""}, "display_name", "required"),
        ({"career_stage": "9"}, "career_stage", "valid choice"),
        ({"bio": "x" * 10_000}, "bio", "at most 2000 characters"),
        ({"years_experience": "-4"}, "years_experience", "greater than or equal to 0"),
        ({"languages": []}, "languages", "at least one language"),
        ({"languages": [999_999]}, "languages", "valid choice"),
        ({"industry": 999_999}, "industry", "valid choice"),
    ],
)
def test_about_step_refuses_bad_input(client_of, new_mentee, changes, field, message):
    response = edit(client_of(new_mentee), new_mentee, "about", about(**changes))
    assert_nothing_saved(new_mentee, response, field, message)
    assert not new_mentee.languages.exists()


def test_goals_step_refuses_an_unknown_tag(client_of, new_mentee):
    response = edit(client_of(new_mentee), new_mentee, "goals", {"goals": ["999999"]})
    assert_nothing_saved(new_mentee, response, "goals", "valid choice")
    assert not new_mentee.goals.exists()


def test_goals_step_refuses_a_tag_of_another_kind(client_of, new_mentee):
    response = edit(
        client_of(new_mentee), new_mentee, "goals", {"goals": tag_ids("value", "family")}
    )
    assert_nothing_saved(new_mentee, response, "goals", "valid choice")


def test_logistics_refuses_importance_seven(client_of, new_mentee):
    data = {**LOGISTICS, "importance_values": "7"}
    response = edit(client_of(new_mentee), new_mentee, "logistics", data)
    assert_nothing_saved(new_mentee, response, "importance_values", "valid choice")
    assert Profile.objects.get(pk=new_mentee.pk).importance_values == 2


def test_logistics_refuses_negative_capacity(client_of, new_mentor):
    response = edit(client_of(new_mentor), new_mentor, "logistics", {**LOGISTICS, "capacity": "-1"})
    assert_nothing_saved(new_mentor, response, "capacity", "greater than or equal to 0")
    assert Profile.objects.get(pk=new_mentor.pk).capacity == 3


def test_logistics_refuses_an_unknown_timezone(client_of, new_mentee):
    response = edit(
        client_of(new_mentee), new_mentee, "logistics", {**LOGISTICS, "timezone": "Mars/Base"}
    )
    assert_nothing_saved(new_mentee, response, "timezone", "Choose your time zone from the list")


def test_in_person_needs_a_city(client_of, new_mentee):
    data = {**LOGISTICS, "meeting_format": "in_person"}
    response = edit(client_of(new_mentee), new_mentee, "logistics", data)
    assert_nothing_saved(new_mentee, response, "city", "city")


def test_a_must_facet_needs_an_answer_to_check(client_of, new_mentee):
    data = {**LOGISTICS, "must_share": ["heritage"]}
    response = edit(client_of(new_mentee), new_mentee, "logistics", data)
    assert_nothing_saved(new_mentee, response, "must_share", "heritage")


def test_sensitive_answers_are_refused_without_consent(client_of, new_mentee):
    data = {"heritage": tag_ids("heritage", "korean"), "visibility": "matching"}
    response = edit(client_of(new_mentee), new_mentee, "background", data)
    assert_nothing_saved(new_mentee, response, "consent", "consent")
    assert not new_mentee.background.exists()
    assert not Consent.objects.exists()


def test_background_refuses_a_tag_from_another_facet(client_of, new_mentee):
    data = {"heritage": tag_ids("identity", "lgbtq"), "visibility": "matching", "consent": "on"}
    response = edit(client_of(new_mentee), new_mentee, "background", data)
    assert_nothing_saved(new_mentee, response, "heritage", "valid choice")


def test_join_refuses_a_forged_program(client_of, new_mentee):
    closed = ProgramFactory(signup_open=False)
    client = client_of(new_mentee)
    for forged in (closed.pk, 987_654, "abc"):
        response = client.post(reverse("profiles:join", args=["mentor"]), {"program": forged})
        assert response.status_code == 200
        assert "program" in response.context["form"].errors
    assert not Profile.objects.filter(user=new_mentee.user, role="mentor").exists()


def test_join_offers_a_choice_when_several_programs_are_open(client_of, new_mentee):
    other = ProgramFactory(name="Alumni circle")
    response = client_of(new_mentee).get(reverse("profiles:join", args=["mentor"]))
    page = response.content.decode()
    # One labelled radio per program open, none chosen for them.
    choices = re.search(r'<fieldset class="program-choices".*?</fieldset>', page, re.S).group(0)
    radios = re.findall(r'<input type="radio" name="program" value="(\d+)"[^>]*id="(\w+)"', choices)
    assert sorted(int(pk) for pk, _ in radios) == sorted(p.pk for p in Program.objects.open())
    assert re.search(r'<label for="id_program_\d">Alumni circle</label>', choices)
    assert all(f'<label for="{id_}">' in choices for _, id_ in radios)
    assert "checked" not in choices
    response = client_of(new_mentee).post(
        reverse("profiles:join", args=["mentor"]), {"program": other.pk}
    )
    assert Profile.objects.get(user=new_mentee.user, role="mentor").program == other


def test_join_twice_keeps_one_profile(client_of, new_mentee, default_program):
    client = client_of(new_mentee)
    for _ in range(2):
        client.post(reverse("profiles:join", args=["mentee"]), {"program": default_program.pk})
    assert Profile.objects.filter(user=new_mentee.user, role="mentee").count() == 1


def test_unknown_role_or_step_is_404(client_of, new_mentee):
    client = client_of(new_mentee)
    assert client.get(reverse("profiles:join", args=["admin"])).status_code == 404
    assert client.get(f"/p/{new_mentee.pk}/edit/secrets/").status_code == 404


# --- consent withdrawal -------------------------------------------------------------


def test_withdrawing_consent_deletes_the_answers(client_of, new_mentee):
    client = client_of(new_mentee)
    edit(
        client,
        new_mentee,
        "background",
        {
            "heritage": tag_ids("heritage", "korean"),
            "heritage_note": "Korean-American",
            "visibility": "program",
            "consent": "on",
        },
    )
    edit(client, new_mentee, "about", about())
    edit(client, new_mentee, "logistics", {**LOGISTICS, "must_share": ["heritage", "language"]})

    response = client.post(
        reverse("profiles:withdraw_consent", args=[new_mentee.pk]), {"confirm": "yes"}
    )
    assert response.status_code == 302
    new_mentee.refresh_from_db()
    assert not new_mentee.background.exists()
    assert new_mentee.heritage_note == ""
    assert new_mentee.must_share == ["language"]
    consent = Consent.objects.get(profile=new_mentee)
    assert consent.withdrawn_at is not None


def test_clearing_an_answer_withdraws_that_categorys_consent(client_of, new_mentee):
    client = client_of(new_mentee)
    edit(
        client,
        new_mentee,
        "background",
        {
            "heritage": tag_ids("heritage", "korean"),
            "lgbtq": tag_ids("identity", "lgbtq"),
            "visibility": "matching",
            "consent": "on",
        },
    )
    edit(
        client,
        new_mentee,
        "background",
        {
            "heritage": tag_ids("heritage", "korean"),
            "visibility": "matching",
            "consent": "on",
        },
    )
    assert set(new_mentee.consents.given().values_list("category", flat=True)) == {"heritage"}
    assert new_mentee.consents.filter(category="lgbtq", withdrawn_at__isnull=False).exists()


def test_withdrawing_asks_first_on_a_get(client_of, new_mentee):
    response = client_of(new_mentee).get(reverse("profiles:withdraw_consent", args=[new_mentee.pk]))
    assert response.status_code == 200
    assert b"What happens when you confirm" in response.content
