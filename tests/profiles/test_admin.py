import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse

from tests.conftest import login
from tests.factories import UserFactory, tags

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client):
    return login(client, UserFactory(is_staff=True, is_superuser=True))


@pytest.mark.parametrize(
    "model",
    [
        "user",
        "program",
        "tag",
        "profile",
        "consent",
        "programrole",
        "cycle",
        "enrolment",
        "sensitiveaccess",
    ],
)
def test_every_model_has_a_working_changelist(admin_client, mentee, model):
    url = reverse(f"admin:profiles_{model}_changelist")
    assert admin_client.get(url).status_code == 200
    assert admin_client.get(url, {"q": "someone"}).status_code == 200


def test_profile_list_filters_by_role_and_program(admin_client, mentee, mentor):
    url = reverse("admin:profiles_profile_changelist")
    response = admin_client.get(url, {"role__exact": "mentor"})
    assert list(response.context["cl"].result_list) == [mentor]


def test_the_django_admin_is_for_superusers_only_whatever_permissions_staff_hold(client, mentee):
    """Program admins run their programs from the dashboard: a staff member holding
    every profile permission, the old sensitive-answers one included, is sent to
    the admin's log-in page and never sees a profile."""
    staff = UserFactory(is_staff=True)
    staff.user_permissions.add(
        *Permission.objects.filter(
            codename__in=["view_profile", "change_profile", "view_sensitive_answers"]
        )
    )
    login(client, staff)
    url = reverse("admin:profiles_profile_change", args=[mentee.pk])
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))
    assert client.get(reverse("admin:index")).status_code == 302


def test_a_superuser_reading_a_profile_in_the_admin_is_recorded_for_its_program(
    admin_client, mentee
):
    from profiles.models import SensitiveAccess

    mentee.background.set(tags("heritage", "korean"))
    url = reverse("admin:profiles_profile_change", args=[mentee.pk])
    response = admin_client.get(url)
    assert "background" in response.context["adminform"].form.fields
    access = SensitiveAccess.objects.get(profile=mentee)
    assert access.program == mentee.program
