import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse

from tests.conftest import login
from tests.factories import UserFactory, tags

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client):
    return login(client, UserFactory(is_staff=True, is_superuser=True))


@pytest.mark.parametrize("model", ["user", "program", "tag", "profile", "consent"])
def test_every_model_has_a_working_changelist(admin_client, mentee, model):
    url = reverse(f"admin:profiles_{model}_changelist")
    assert admin_client.get(url).status_code == 200
    assert admin_client.get(url, {"q": "someone"}).status_code == 200


def test_profile_list_filters_by_role_and_program(admin_client, mentee, mentor):
    url = reverse("admin:profiles_profile_changelist")
    response = admin_client.get(url, {"role__exact": "mentor"})
    assert list(response.context["cl"].result_list) == [mentor]


def test_profile_change_page_hides_background_without_the_permission(client, mentee):
    mentee.background.set(tags("heritage", "korean"))
    staff = UserFactory(is_staff=True)
    staff.user_permissions.add(
        *Permission.objects.filter(codename__in=["view_profile", "change_profile"])
    )
    login(client, staff)
    url = reverse("admin:profiles_profile_change", args=[mentee.pk])
    response = client.get(url)
    assert response.status_code == 200
    assert "background" not in response.context["adminform"].form.fields

    staff.user_permissions.add(Permission.objects.get(codename="view_sensitive_answers"))
    login(client, staff)
    response = client.get(url)
    assert "background" in response.context["adminform"].form.fields
