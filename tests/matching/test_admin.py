"""The Django admin's raw records of mentorships, check-ins, suggestions and runs:
each lists, searches, filters and opens for a superuser, and none can be changed
there (every change goes through the lifecycle, a re-score or a run)."""

import pytest
from django.urls import reverse
from django.utils import timezone

from matching.models import MatchingRun, Suggestion
from mentorships.models import CheckIn, Mentorship
from tests.conftest import login
from tests.factories import MentorFactory, ProfileFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def superuser_client(client):
    return login(client, UserFactory(is_staff=True, is_superuser=True))


@pytest.fixture
def records(program):
    mentee = ProfileFactory(program=program, display_name="Hana Sato")
    mentor = MentorFactory(program=program, display_name="Leo Grant")
    run = MatchingRun.objects.create(
        program=program, status="succeeded", total=1, done=1, summary={"listed": 1}
    )
    suggestion = Suggestion.objects.create(
        program=program,
        mentee=mentee,
        mentor=mentor,
        score=81.5,
        rank=1,
        run=run,
        components={"goals": 0.9, "background": 0.7, "values": None},
        reasons=["Can help with 2 of your 2 goals", "Shared background: Korean"],
    )
    m = Mentorship.objects.create(
        program=program,
        mentee=mentee,
        mentor=mentor,
        status="active",
        started_at=timezone.now(),
        health="low_rating",
        health_flagged_at=timezone.now(),
    )
    check_in = CheckIn.objects.create(mentorship=m, author=mentee, rating=2)
    return {"mentorship": m, "checkin": check_in, "suggestion": suggestion, "matchingrun": run}


MODELS = [
    ("mentorships", "mentorship"),
    ("mentorships", "checkin"),
    ("matching", "suggestion"),
    ("matching", "matchingrun"),
]


@pytest.mark.parametrize("app, model", MODELS)
def test_each_list_and_record_opens_for_a_superuser(superuser_client, records, app, model):
    changelist = reverse(f"admin:{app}_{model}_changelist")
    response = superuser_client.get(changelist)
    assert response.status_code == 200
    assert list(response.context["cl"].result_list) == [records[model]]
    for search in ("hana", "nobody", "12", "x" * 200):
        assert superuser_client.get(changelist, {"q": search}).status_code == 200
    change = reverse(f"admin:{app}_{model}_change", args=[records[model].pk])
    assert superuser_client.get(change).status_code == 200


@pytest.mark.parametrize(
    "app, model, field, value",
    [
        ("mentorships", "mentorship", "status", "ended"),
        ("mentorships", "checkin", "rating", 5),
        ("matching", "suggestion", "score", 99.0),
        ("matching", "matchingrun", "status", "failed"),
    ],
)
def test_no_record_can_be_changed_added_or_deleted_there(
    superuser_client, records, app, model, field, value
):
    record = records[model]
    before = getattr(record, field)
    change = reverse(f"admin:{app}_{model}_change", args=[record.pk])
    assert superuser_client.post(change, {field: value}).status_code == 403
    record.refresh_from_db()
    assert getattr(record, field) == before
    add = reverse(f"admin:{app}_{model}_add")
    assert superuser_client.post(add, {field: value}).status_code == 403
    delete = reverse(f"admin:{app}_{model}_delete", args=[record.pk])
    assert superuser_client.post(delete, {"post": "yes"}).status_code == 403
    assert type(record).objects.filter(pk=record.pk).exists()


def test_a_suggestion_shows_no_background_answer(superuser_client, records):
    s = records["suggestion"]
    page = superuser_client.get(reverse("admin:matching_suggestion_change", args=[s.pk]))
    html = page.content.decode()
    assert "Can help with 2 of your 2 goals; Shared background" in html
    assert "Korean" not in html
    assert "goals 0.90" in html and "values not counted" in html
    assert "background 0.70" not in html


def test_the_mentorship_list_filters_flagged_pairs_as_the_dashboard_does(
    superuser_client, records, program
):
    ended = Mentorship.objects.create(
        program=program,
        mentee=ProfileFactory(program=program),
        mentor=MentorFactory(program=program),
        status="ended",
        end_reason="no_time",
        ended_at=timezone.now(),
        health="low_rating",
    )
    changelist = reverse("admin:mentorships_mentorship_changelist")
    response = superuser_client.get(changelist, {"flagged": "yes"})
    assert list(response.context["cl"].result_list) == [records["mentorship"]]
    response = superuser_client.get(changelist, {"status__exact": "ended"})
    assert list(response.context["cl"].result_list) == [ended]


def test_what_the_pair_wrote_to_each_other_is_not_shown(superuser_client, records):
    m = records["mentorship"]
    Mentorship.objects.filter(pk=m.pk).update(message="my request words", accept_note="yes words")
    CheckIn.objects.filter(pk=records["checkin"].pk).update(note="my check-in words")
    for url in (
        reverse("admin:mentorships_mentorship_change", args=[m.pk]),
        reverse("admin:mentorships_checkin_change", args=[records["checkin"].pk]),
    ):
        html = superuser_client.get(url).content.decode()
        assert "request words" not in html and "yes words" not in html
        assert "check-in words" not in html


def test_deleting_a_person_in_the_admin_is_not_blocked_by_the_read_only_records(
    superuser_client, records
):
    mentee = records["mentorship"].mentee
    url = reverse("admin:profiles_user_delete", args=[mentee.user.pk])
    assert superuser_client.post(url, {"post": "yes"}).status_code == 302
    assert not Suggestion.objects.filter(pk=records["suggestion"].pk).exists()
    kept = Mentorship.objects.get(pk=records["mentorship"].pk)  # the mentor's history
    assert kept.mentee is None and kept.status == "ended"
