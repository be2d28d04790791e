import pytest
from django.urls import reverse

from profiles.models import Profile
from tests.conftest import login
from tests.factories import ProfileFactory

pytestmark = pytest.mark.django_db

PUBLIC = ["profiles:landing", "account_login", "account_signup", "account_reset_password"]


def private_urls(profile):
    return [
        reverse("matching:home"),
        reverse("profiles:profile", args=[profile.pk]),
        *(
            reverse("profiles:edit", args=[profile.pk, step])
            for step in ("about", "background", "logistics")
        ),
        reverse("account_change_password"),
        reverse("account_email"),
    ]


@pytest.mark.parametrize("name", PUBLIC)
def test_public_pages_are_open(client, name):
    assert client.get(reverse(name)).status_code == 200


def test_every_private_page_sends_an_anonymous_visitor_to_log_in(client, mentee):
    for url in private_urls(mentee):
        response = client.get(url)
        assert response.status_code == 302, url
        assert response.url.startswith(reverse("account_login")), url
    response = client.post(reverse("profiles:withdraw_consent", args=[mentee.pk]))
    assert response.url.startswith(reverse("account_login"))


def test_admin_is_for_staff_only(client, user):
    assert client.get("/admin/").url.startswith("/admin/login/")
    login(client, user)
    assert client.get("/admin/").status_code == 302


@pytest.mark.parametrize("step", ["about", "background", "goals", "values", "logistics"])
def test_one_person_cannot_open_anothers_profile_step(client, mentee, step):
    login(client, ProfileFactory(program=mentee.program).user)
    assert client.get(reverse("profiles:edit", args=[mentee.pk, step])).status_code == 404


def test_one_person_cannot_view_anothers_profile(client, mentee):
    login(client, ProfileFactory(program=mentee.program).user)
    assert client.get(reverse("profiles:profile", args=[mentee.pk])).status_code == 404


def test_one_person_cannot_change_anothers_profile(client, mentee):
    login(client, ProfileFactory(program=mentee.program).user)
    response = client.post(
        reverse("profiles:edit", args=[mentee.pk, "about"]),
        {"display_name": "Hijacked", "career_stage": "1", "languages": []},
    )
    assert response.status_code == 404
    assert Profile.objects.get(pk=mentee.pk).display_name == mentee.display_name


def test_one_person_cannot_withdraw_anothers_consent(client, mentee):
    login(client, ProfileFactory(program=mentee.program).user)
    response = client.post(reverse("profiles:withdraw_consent", args=[mentee.pk]))
    assert response.status_code == 404


def test_home_lists_only_my_profiles(client, mentee):
    other = ProfileFactory(program=mentee.program, display_name="Somebody Else")
    login(client, mentee.user)
    response = client.get(reverse("matching:home"), follow=True)
    assert response.context["profile"] == mentee
    assert other.display_name.encode() not in response.content
