"""A mentorship's agreement through the API: the pages' services, so the pages'
rules. The pair only (anyone else, staff too, a 404); a step refused for the state
or the side is a 409; input the rules cannot take is a 400 naming the field."""

import pytest
from django.core import mail

from mentorships import lifecycle
from mentorships.models import Agreement, GoalProgress
from tests.api.conftest import bearer, call
from tests.factories import MentorFactory, ProfileFactory, UserFactory, tags
from tests.mentorships.helpers import ask

pytestmark = pytest.mark.django_db

GOALS = ["networking", "leadership", "sense-of-belonging"]


@pytest.fixture
def pair(program):
    mentee = ProfileFactory(program=program, goals=GOALS)
    mentor = MentorFactory(program=program, goals=GOALS, capacity=2)
    from matching import suggestions

    suggestions.refresh_profile(profile_id=mentee.pk)
    m = ask(mentee, mentor)
    lifecycle.accept(mentorship=m)
    m.refresh_from_db()
    return m


def path(m, step: str = "") -> str:
    return f"/mentorships/{m.pk}/agreement/" + (f"{step}/" if step else "")


def body(*goals: str, **changes) -> dict:
    data = {
        "goals": [{"goal": g, "success": f"Success at {g}", "rating": 2} for g in goals],
        "cadence_weeks": 2,
        "duration_months": 6,
    }
    return data | changes


def refused(response) -> str:
    assert response.status_code == 409, response.content
    assert response.json()["error"]["code"] == "refused"
    return response.json()["error"]["message"]


def invalid(response) -> dict:
    assert response.status_code == 400, response.content
    assert response.json()["error"]["code"] == "invalid"
    return response.json()["error"]["fields"]


def test_the_whole_round_through_the_api(pair, django_capture_on_commit_callbacks):
    mentee, mentor = bearer(pair.mentee.user), bearer(pair.mentor.user)
    assert call(mentee, "get", path(pair)).json()["state"] == "none"
    draft = call(mentee, "post", path(pair, "draft"), body("networking"))
    assert draft.status_code == 200 and draft.json()["state"] == "draft"
    assert draft.json()["pending"]["confidentiality"].startswith("What we share")
    assert call(mentor, "get", path(pair)).json()["state"] == "none"  # a draft is the mentee's
    with django_capture_on_commit_callbacks(execute=True):
        proposed = call(mentee, "post", path(pair, "propose"), body("networking", "leadership"))
    assert proposed.json()["state"] == "proposed"
    assert len(mail.outbox) == 1 and mail.outbox[0].to == [pair.mentor.user.email]
    seen = call(mentor, "get", path(pair)).json()
    assert seen["pending"]["written_by"] == "mentee"
    assert [g["goal"]["slug"] for g in seen["pending"]["goals"]] == ["networking", "leadership"]
    sent_back = call(mentor, "post", path(pair, "suggest-changes"), {"note": "Meet weekly?"})
    assert sent_back.json()["state"] == "changes"
    assert sent_back.json()["pending"]["suggestion"] == "Meet weekly?"
    call(mentee, "post", path(pair, "propose"), body("networking", cadence_weeks=1))
    agreed = call(mentor, "post", path(pair, "confirm")).json()
    assert agreed["state"] == "agreed" and agreed["agreed"]["number"] == 2
    assert agreed["agreed"]["cadence_weeks"] == 1 and agreed["agreed"]["answered_by"] == "mentor"
    assert [v["state"] for v in agreed["versions"]] == ["changes", "agreed"]
    rated = call(mentee, "post", path(pair, "progress"), {"goal": "networking", "rating": 4})
    (goal,) = rated.json()["goals"]
    assert (goal["start_rating"], goal["rating"], goal["done"]) == (2, 4, False)
    done = call(mentee, "post", path(pair, "done"), {"goal": "networking", "done": True})
    (goal,) = done.json()["goals"]
    assert goal["done"] and [u["kind"] for u in goal["updates"]] == ["started", "rated", "done"]


@pytest.mark.parametrize("who", ["another mentee", "another mentor", "staff", "superuser"])
def test_nobody_else_reads_or_changes_it(pair, program, who):
    call(bearer(pair.mentee.user), "post", path(pair, "propose"), body("networking"))
    outsider = {
        "another mentee": lambda: ProfileFactory(program=program, goals=GOALS).user,
        "another mentor": lambda: MentorFactory(program=program).user,
        "staff": lambda: UserFactory(is_staff=True),
        "superuser": lambda: UserFactory(is_staff=True, is_superuser=True),
    }[who]()
    client = bearer(outsider)
    assert call(client, "get", path(pair)).status_code == 404
    for step, data in [
        ("draft", body("networking")),
        ("propose", body("networking")),
        ("discard", {}),
        ("confirm", {}),
        ("suggest-changes", {"note": "x"}),
        ("progress", {"goal": "networking", "rating": 3}),
        ("done", {"goal": "networking", "done": True}),
    ]:
        assert call(client, "post", path(pair, step), data).status_code == 404, step
    assert Agreement.objects.get().status == Agreement.Status.PROPOSED


def test_signed_out_callers_are_told_to_authenticate(pair, client):
    assert client.get(f"/api/v1{path(pair)}").status_code == 401


def test_each_side_is_refused_the_others_steps(pair):
    mentee, mentor = bearer(pair.mentee.user), bearer(pair.mentor.user)
    assert "to write" in refused(call(mentor, "post", path(pair, "propose"), body("networking")))
    call(mentee, "post", path(pair, "propose"), body("networking"))
    assert "to answer it" in refused(call(mentee, "post", path(pair, "confirm")))
    assert "waiting for" in refused(call(mentee, "post", path(pair, "draft"), body("leadership")))
    call(mentor, "post", path(pair, "confirm"))
    assert "to rate" in refused(
        call(mentor, "post", path(pair, "progress"), {"goal": "networking", "rating": 5})
    )
    assert "no proposal" in refused(call(mentor, "post", path(pair, "confirm")))


@pytest.mark.parametrize(
    ("data", "field", "words"),
    [
        (body(), "goals", "at least one goal"),
        (
            body(*GOALS, "personal-growth", "career-advancement", "emotional-support"),
            "goals",
            "at most 5",
        ),
        (body("no-such-goal"), "goals.0.goal", "no goal called"),
        (body("cultural-identity"), "goals.0.goal", "not among the goals on your profile"),
        (body("networking", "networking"), "goals.1.goal", "chosen twice"),
        (body("networking", cadence_weeks=3), "cadence_weeks", "not a valid choice"),
        (body("networking", duration_months="6 months"), "duration_months", "not a valid"),
        (body("networking", confidentiality="x" * 501), "confidentiality", "500 characters"),
        (body("networking", extra=1), "extra", "Unknown field"),
        (
            {**body(), "goals": [{"goal": "networking", "success": "", "rating": 2}]},
            "goals.0.success",
            "own words",
        ),
        (
            {**body(), "goals": [{"goal": "networking", "success": "Yes", "rating": 9}]},
            "goals.0.rating",
            "from 1 to 5",
        ),
        ({**body(), "goals": "networking"}, "goals", "list"),
    ],
)
def test_bad_terms_are_a_400_naming_the_field_and_save_nothing(pair, data, field, words):
    pair.mentee.goals.set(
        tags("goal", *GOALS, "personal-growth", "career-advancement", "emotional-support")
    )
    response = call(bearer(pair.mentee.user), "post", path(pair, "propose"), data)
    fields = invalid(response)
    assert words in " ".join(fields[field]), fields
    assert not Agreement.objects.exists()


def test_bad_progress_is_a_400(pair):
    mentee = bearer(pair.mentee.user)
    call(mentee, "post", path(pair, "propose"), body("networking"))
    call(bearer(pair.mentor.user), "post", path(pair, "confirm"))
    for data, field in [
        ({"goal": "networking", "rating": 0}, "rating"),
        ({"goal": "networking", "rating": "high"}, "rating"),
        ({"goal": "leadership", "rating": 3}, "goal"),
        ({"goal": "networking"}, "rating"),
    ]:
        assert field in invalid(call(mentee, "post", path(pair, "progress"), data)), data
    assert "goal" in invalid(call(mentee, "post", path(pair, "done"), {"goal": "x", "done": 1}))
    assert GoalProgress.objects.get().updates.count() == 1


def test_a_note_is_needed_to_suggest_changes(pair):
    call(bearer(pair.mentee.user), "post", path(pair, "propose"), body("networking"))
    fields = invalid(call(bearer(pair.mentor.user), "post", path(pair, "suggest-changes"), {}))
    assert "note" in fields
    fields = invalid(
        call(bearer(pair.mentor.user), "post", path(pair, "suggest-changes"), {"note": " "})
    )
    assert "Say what you would change" in fields["note"][0]


def test_an_ended_mentorship_is_read_only(pair):
    mentee = bearer(pair.mentee.user)
    call(mentee, "post", path(pair, "propose"), body("networking"))
    call(bearer(pair.mentor.user), "post", path(pair, "confirm"))
    lifecycle.end(mentorship=pair, by=pair.mentee, reason="goals_met")
    shown = call(mentee, "get", path(pair)).json()
    assert shown["can_change"] is False and shown["state"] == "agreed"
    assert "has ended" in refused(
        call(mentee, "post", path(pair, "progress"), {"goal": "networking", "rating": 5})
    )
