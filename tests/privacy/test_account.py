"""Export my data, delete my account, consent withdrawal and the access log."""

import json

import pytest
from django.contrib.auth.models import Permission
from django.test import Client
from django.urls import reverse

from matching import suggestions
from matching.models import Suggestion
from mentorships import lifecycle
from mentorships.models import Mentorship
from privacy.models import DataExport
from profiles.models import Profile, SensitiveAccess, User
from tests.conftest import login
from tests.factories import (
    PASSWORD,
    MentorFactory,
    ProfileFactory,
    UserFactory,
    program_admin,
    tags,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def mentee(program):
    person = ProfileFactory(program=program, goals=["networking"], display_name="Ji-woo")
    person.background.set(tags("heritage", "korean"))
    person.heritage_note = "Korean-American from LA"
    person.save()
    return person


@pytest.fixture
def mentor(program):
    return MentorFactory(program=program, goals=["networking"], display_name="Grace")


def test_the_privacy_page_is_public(client):
    response = client.get(reverse("privacy:privacy"))
    assert response.status_code == 200
    assert b"What we store" in response.content and b"Export my data" not in response.content


def test_the_privacy_page_links_each_of_my_background_steps(client, mentee):
    login(client, mentee.user)
    page = client.get(reverse("privacy:privacy")).content.decode()
    step = reverse("profiles:edit", args=[mentee.pk, "background"])
    assert f'<a href="{step}">your mentee answers</a>' in page


def test_an_export_holds_everything_stored_about_me(
    client, mentee, mentor, django_capture_on_commit_callbacks
):
    suggestions.refresh_profile(profile_id=mentee.pk)
    suggestions.request_mentor(
        suggestion=Suggestion.objects.get(mentee=mentee), message="Hello Grace"
    )
    login(client, mentee.user)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("privacy:export"))
    export = DataExport.objects.get(user=mentee.user)
    assert export.status == "ready"
    response = client.get(reverse("privacy:download", args=[export.pk]))
    assert response["Content-Disposition"].startswith("attachment")
    data = json.loads(response.content)
    assert data["account"]["email"] == mentee.user.email
    (profile,) = data["profiles"]
    assert profile["background"]["answers"] == ["Korean"]
    assert profile["background"]["in_your_own_words"] == "Korean-American from LA"
    assert (
        profile["background"]["consents"] == []
        or "category" in profile["background"]["consents"][0]
    )
    assert profile["mentorships"][0]["message"] == "Hello Grace"
    assert profile["suggestions"][0]["mentor"] == "Grace"


def test_nobody_downloads_anothers_export(
    client, mentee, mentor, django_capture_on_commit_callbacks
):
    login(client, mentee.user)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("privacy:export"))
    export = DataExport.objects.get()
    login(client, mentor.user)
    assert client.get(reverse("privacy:download", args=[export.pk])).status_code == 404
    client.logout()
    assert client.get(reverse("privacy:download", args=[export.pk])).status_code == 302


def test_exporting_needs_post_and_login(client):
    assert client.get(reverse("privacy:export")).status_code == 302  # to log in
    login(client, UserFactory())
    assert client.get(reverse("privacy:export")).status_code == 405


@pytest.mark.parametrize(
    ("data", "error"),
    [
        ({"password": "wrong", "confirm": "DELETE"}, "not your password"),
        ({"password": PASSWORD, "confirm": "delete"}, "Type DELETE"),
    ],
)
def test_deleting_needs_the_password_and_the_word(client, mentee, data, error):
    login(client, mentee.user)
    response = client.post(reverse("privacy:delete_account"), data)
    assert error in response.content.decode()
    assert User.objects.filter(pk=mentee.user.pk).exists()


def test_deleting_an_account(client, program, mentee, mentor, django_capture_on_commit_callbacks):
    suggestions.refresh_profile(profile_id=mentee.pk)
    pair = suggestions.request_mentor(
        suggestion=Suggestion.objects.get(mentee=mentee), message="Hi"
    )
    lifecycle.accept(mentorship=pair)
    past = Mentorship.objects.create(
        program=program,
        mentee=mentee,
        mentor=MentorFactory(program=program),
        status="ended",
        end_reason="no_time",
    )
    other_device = Client()
    other_device.force_login(mentee.user)
    login(client, mentee.user)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("privacy:delete_account"), {"password": PASSWORD, "confirm": "DELETE"}
        )
    assert response.url == reverse("profiles:landing")
    assert not User.objects.filter(pk=mentee.user.pk).exists()
    assert not Profile.objects.filter(pk=mentee.pk).exists()
    assert not Suggestion.objects.filter(mentee_id=mentee.pk).exists()
    pair.refresh_from_db()
    past.refresh_from_db()
    assert (pair.status, pair.mentee_id) == ("ended", None)  # ended, and anonymised
    assert past.mentee_id is None and past.mentor_id is not None
    assert other_device.get(reverse("matching:home")).status_code == 302  # signed out everywhere
    login(client, mentor.user)
    assert client.get(reverse("mentorships:detail", args=[pair.pk])).status_code == 200
    assert (
        b"a member who has left Kindred"
        in client.get(reverse("mentorships:detail", args=[pair.pk])).content
    )


def test_a_waiting_request_is_withdrawn_when_the_mentee_leaves(client, mentee, mentor):
    suggestions.refresh_profile(profile_id=mentee.pk)
    pair = suggestions.request_mentor(
        suggestion=Suggestion.objects.get(mentee=mentee), message="Hi"
    )
    login(client, mentee.user)
    client.post(reverse("privacy:delete_account"), {"password": PASSWORD, "confirm": "DELETE"})
    pair.refresh_from_db()
    assert pair.status == "withdrawn"


def test_withdrawing_consent_rescores_at_once(
    client, mentee, mentor, django_capture_on_commit_callbacks
):
    mentor.background.set(tags("heritage", "korean"))
    mentor.background_visibility = "program"
    mentor.save()
    suggestions.refresh_profile(profile_id=mentee.pk)
    assert any("Korean" in r for r in Suggestion.objects.get(mentee=mentee).worded_reasons)
    login(client, mentee.user)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("profiles:withdraw_consent", args=[mentee.pk]), {"confirm": "yes"})
    said = Suggestion.objects.get(mentee=mentee).worded_reasons
    assert not any("background" in r.lower() for r in said)


def test_reading_raw_answers_in_the_admin_is_logged(client, mentee):
    staff = UserFactory(is_staff=True)
    staff.user_permissions.add(
        *Permission.objects.filter(
            codename__in=["view_profile", "change_profile", "view_sensitive_answers"]
        )
    )
    login(client, staff)
    url = reverse("admin:profiles_profile_change", args=[mentee.pk])
    assert client.get(url).status_code == 302  # the Django admin is for superusers only
    assert not SensitiveAccess.objects.exists()  # nothing shown, nothing logged
    superuser = UserFactory(is_staff=True, is_superuser=True)
    login(client, superuser)
    assert client.get(url).status_code == 200
    access = SensitiveAccess.objects.get()
    assert (access.viewer, access.profile, access.program, access.what) == (
        superuser,
        mentee,
        mentee.program,
        "Django admin profile page",
    )


def test_a_sensitive_export_is_logged(client, program, mentee):
    admin = program_admin(program, background=True)
    login(client, admin)
    client.get(reverse("dashboard:export", args=[program.slug, "matches"]) + "?sensitive=1")
    access = SensitiveAccess.objects.get()
    assert (access.viewer, access.program) == (admin, program)


def test_an_export_names_the_cycles_i_took_part_in_and_my_program_roles(mentee):
    from privacy import services as privacy_services
    from profiles import cycles
    from tests.factories import ProgramRoleFactory

    current = cycles.current(mentee.program)
    cycles.enrol(profile=mentee, cycle=current)
    ProgramRoleFactory(user=mentee.user, program=mentee.program, role="coordinator")

    data = privacy_services.data_of(mentee.user)

    (profile,) = data["profiles"]
    assert [c["cycle"] for c in profile["cycles_taken_part_in"]] == [current.name]
    assert data["program_roles"] == [
        {
            "program": mentee.program.name,
            "role": "Coordinator",
            "may_read_background": False,
            "since": mentee.user.program_roles.get().granted_at,
        }
    ]


def test_an_export_holds_each_same_mentee_again_asked_and_answered(mentee, mentor):
    from django.utils import timezone

    from mentorships.models import Continuation
    from privacy import services as privacy_services
    from tests.factories import CycleFactory

    spring = CycleFactory(program=mentee.program, name="Spring 2027")
    Continuation.objects.create(
        cycle=spring, mentor=mentor, mentee=mentee, mentee_agrees=True, answered_at=timezone.now()
    )

    (theirs,) = privacy_services.data_of(mentee.user)["profiles"][0]["same_again_in_a_new_cycle"]
    (mine,) = privacy_services.data_of(mentor.user)["profiles"][0]["same_again_in_a_new_cycle"]

    assert (theirs["cycle"], theirs["as"], theirs["with"]) == ("Spring 2027", "mentee", mentor.name)
    assert theirs["mentee_agrees"] is True
    assert (mine["as"], mine["with"]) == ("mentor", mentee.name)
