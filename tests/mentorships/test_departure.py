"""However a person leaves Kindred, one departure path closes what was open
with them, frees their places and tells the other side, and no page meets an
empty side (issue 16, "Departures"). Each deletion route is played."""

import pytest
from django.core import mail
from django.urls import reverse

from matching import suggestions
from mentorships import lifecycle
from mentorships.models import Mentorship
from privacy import services
from profiles.models import Profile, User
from tests.conftest import login
from tests.factories import PASSWORD, MentorFactory, ProfileFactory, UserFactory, program_admin

pytestmark = pytest.mark.django_db

GOALS = ["networking", "leadership"]
Status = Mentorship.Status


@pytest.fixture
def world(program, django_capture_on_commit_callbacks):
    """A mentor with a mentee under way and another mentee's request waiting,
    and two other mentors, so that mentees have somewhere to go."""
    mentor = MentorFactory(program=program, goals=GOALS, capacity=3, display_name="Grace Lee")
    others = [MentorFactory(program=program, goals=GOALS) for _ in range(2)]
    current, waiting = (ProfileFactory(program=program, goals=GOALS) for _ in range(2))
    with django_capture_on_commit_callbacks(execute=True):
        for person in (current, waiting):
            suggestions.refresh_profile(profile_id=person.pk)
        under_way = lifecycle.request_mentor(mentee=current, mentor=mentor, message="Hi")
        lifecycle.accept(mentorship=under_way)
        request = lifecycle.request_mentor(mentee=waiting, mentor=mentor, message="Hello")
    mail.outbox.clear()
    return {
        "mentor": mentor,
        "current": current,
        "waiting": waiting,
        "others": others,
        "under_way": under_way,
        "request": request,
    }


def superuser_client(client):
    return login(client, UserFactory(is_staff=True, is_superuser=True))


def delete_on_the_privacy_page(client, user):
    login(client, user)
    client.post(reverse("privacy:delete_account"), {"password": PASSWORD, "confirm": "DELETE"})


def delete_in_the_admin(client, user):
    url = reverse("admin:profiles_user_delete", args=[user.pk])
    assert superuser_client(client).post(url, {"post": "yes"}).status_code == 302


def delete_in_bulk_in_the_admin(client, user):
    url = reverse("admin:profiles_user_changelist")
    data = {"action": "delete_selected", "_selected_action": [user.pk], "post": "yes"}
    assert superuser_client(client).post(url, data).status_code == 302


def delete_the_profile_in_the_admin(client, user):
    profile = user.profiles.get()
    url = reverse("admin:profiles_profile_delete", args=[profile.pk])
    assert superuser_client(client).post(url, {"post": "yes"}).status_code == 302


ROUTES = [
    delete_on_the_privacy_page,
    delete_in_the_admin,
    delete_in_bulk_in_the_admin,
    delete_the_profile_in_the_admin,
]


def subjects(profile) -> list[str]:
    return [m.subject for m in mail.outbox if m.to == [profile.user.email]]


@pytest.mark.parametrize("route", ROUTES, ids=lambda f: f.__name__)
def test_a_mentor_who_leaves_sends_their_mentees_back_to_their_suggestions(
    client, world, route, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        route(client, world["mentor"].user)
    assert not Profile.objects.filter(pk=world["mentor"].pk).exists()
    under_way = Mentorship.objects.get(pk=world["under_way"].pk)
    request = Mentorship.objects.get(pk=world["request"].pk)
    assert (under_way.status, under_way.ended_by, under_way.mentor) == (
        Status.ENDED,
        "mentor",
        None,
    )
    assert (request.status, request.ended_by, request.mentor) == (Status.WITHDRAWN, "mentor", None)
    assert subjects(world["current"]) == [
        "Your mentor has left Kindred: 2 mentors suggested for you now",
        # The side still here is asked how it went, the one who left never named.
        "How did your mentorship with your former mentor go?",
    ]
    assert subjects(world["waiting"]) == [
        "The mentor you asked has left Kindred: 2 mentors suggested for you now"
    ]
    for body in (m.body for m in mail.outbox):
        assert "Grace Lee" not in body  # no name, no reason
        assert "not about you" not in body  # a departure is not a verdict on them
    for mentee in (world["current"], world["waiting"]):
        login(client, mentee.user)
        page = client.get(reverse("matching:profile_home", args=[mentee.pk]))
        assert page.status_code == 200 and "Suggested mentors" in page.content.decode()


@pytest.mark.parametrize("route", ROUTES, ids=lambda f: f.__name__)
def test_a_mentee_who_leaves_frees_their_place_and_the_mentor_hears(
    client, world, route, django_capture_on_commit_callbacks
):
    mentor = world["mentor"]
    with django_capture_on_commit_callbacks(execute=True):
        route(client, world["current"].user)
        route(client, world["waiting"].user)
    assert lifecycle.places_taken(mentor) == 0
    assert not Mentorship.objects.filter(mentor=mentor, status__in=Mentorship.OPEN).exists()
    assert sorted(subjects(mentor)) == [
        "A mentee who asked you has left Kindred",
        "How did your mentorship with your former mentee go?",
        "Your mentee has left Kindred",
    ]
    login(client, mentor.user)
    page = client.get(reverse("matching:profile_home", args=[mentor.pk]))
    assert page.status_code == 200


def test_nothing_of_the_mentorship_page_or_dashboard_fails_on_a_side_that_left(
    client, world, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        services.delete_account(user=world["current"].user)
    login(client, world["mentor"].user)
    page = client.get(reverse("mentorships:detail", args=[world["under_way"].pk]))
    assert page.status_code == 200 and "a member who has left Kindred" in page.content.decode()
    login(client, program_admin(world["under_way"].program))
    assert client.get(reverse("dashboard:program", args=["default"])).status_code == 200
    rematch = reverse("dashboard:rematch", args=["default", world["under_way"].pk])
    assert client.post(rematch, follow=True).status_code == 200


def test_an_orphan_left_by_an_older_version_is_closed_by_the_upgrade(world):
    """What a deletion left before the departure path: an open request with an
    empty side. The migration closes it, as the departure path would have."""
    from importlib import import_module

    from django.apps import apps

    request = world["request"]
    Mentorship.objects.filter(pk=request.pk).update(mentee=None)
    import_module("mentorships.migrations.0002_close_orphans").close_orphans(apps, None)
    request.refresh_from_db()
    assert (request.status, request.ended_by) == (Status.WITHDRAWN, "mentee")
    assert User.objects.exists()


def test_deleting_a_program_with_mentorships_open_removes_it_whole(
    client, world, program, django_capture_on_commit_callbacks
):
    """Everyone in it leaves at once (from a shell or a script: the Django admin
    keeps mentorship records, and refuses), nothing fails, nothing is left behind,
    and nobody is emailed about people who are gone with them."""
    url = reverse("admin:profiles_program_delete", args=[program.pk])
    refused = superuser_client(client).get(url)
    assert refused.status_code == 200 and b"Cannot delete program" in refused.content
    with django_capture_on_commit_callbacks(execute=True):
        program.delete()
    assert not Profile.objects.filter(program_id=program.pk).exists()
    assert not Mentorship.objects.filter(program_id=program.pk).exists()
    assert mail.outbox == []
