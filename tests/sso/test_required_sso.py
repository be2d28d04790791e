"""Required single sign-on: password sign-in, reset, sign-in codes and sign-up
are refused for the organisation's domains, with a way to its IdP; a
superuser keeps a break-glass password sign-in and nothing else."""

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from profiles.models import User
from tests.factories import PASSWORD, UserFactory
from tests.sso.globex import organisation, saml_connection

pytestmark = pytest.mark.django_db

REFUSED = "Globex signs its people in with single sign-on"


@pytest.fixture
def client():
    return Client(HTTP_HOST="localhost")


@pytest.fixture
def globex():
    required = organisation(require_sso=True)
    saml_connection(required)
    return required


def refused_with_a_way_to_sso(response) -> bool:
    page = response.content.decode()
    return (
        response.status_code == 200
        and REFUSED in page
        and '<a href="/accounts/saml/globex-saml/login/">Continue with Globex SSO</a>' in page
    )


def test_password_sign_in_is_refused(client, globex):
    UserFactory(email="ann@globex.test")

    response = client.post(
        reverse("account_login"), {"login": "ann@globex.test", "password": PASSWORD}
    )

    assert refused_with_a_way_to_sso(response)
    assert "_auth_user_id" not in client.session


def test_a_wrong_password_gets_the_same_answer(client, globex):
    UserFactory(email="ann@globex.test")

    response = client.post(
        reverse("account_login"), {"login": "ann@globex.test", "password": "nope"}
    )

    assert refused_with_a_way_to_sso(response)
    assert "not correct" not in response.content.decode()


def test_a_superuser_keeps_a_break_glass_password_sign_in(client, globex):
    admin = UserFactory(email="root@globex.test", is_superuser=True, is_staff=True)

    response = client.post(
        reverse("account_login"), {"login": "root@globex.test", "password": PASSWORD}
    )

    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(admin.pk)


def test_a_superusers_wrong_password_is_refused_like_anyones(client, globex):
    UserFactory(email="root@globex.test", is_superuser=True, is_staff=True)

    response = client.post(
        reverse("account_login"), {"login": "root@globex.test", "password": "nope"}
    )

    assert refused_with_a_way_to_sso(response)


def test_password_reset_is_refused_even_for_a_superuser(client, globex):
    UserFactory(email="root@globex.test", is_superuser=True, is_staff=True)

    response = client.post(reverse("account_reset_password"), {"email": "root@globex.test"})

    assert refused_with_a_way_to_sso(response)
    assert mail.outbox == []


def test_a_sign_in_code_is_refused(client, globex):
    UserFactory(email="ann@globex.test")

    response = client.post(reverse("account_request_login_code"), {"email": "ann@globex.test"})

    assert refused_with_a_way_to_sso(response)
    assert mail.outbox == []


def test_sign_up_is_refused(client, globex):
    response = client.post(
        reverse("account_signup"),
        {"email": "new@GLOBEX.test", "password1": PASSWORD, "password2": PASSWORD},
    )

    assert refused_with_a_way_to_sso(response)
    assert not User.objects.filter(email__iexact="new@globex.test").exists()


def test_setting_a_password_is_refused(client, globex):
    user = UserFactory(email="ann@globex.test")
    client.force_login(user)

    response = client.post(
        reverse("account_change_password"),
        {
            "oldpassword": PASSWORD,
            "password1": "another long passphrase",
            "password2": "another long passphrase",
        },
    )

    assert refused_with_a_way_to_sso(response)
    user.refresh_from_db()
    assert user.check_password(PASSWORD)


def test_without_require_sso_the_password_ways_stay_open(client, globex):
    globex.require_sso = False
    globex.save()
    UserFactory(email="ann@globex.test")

    response = client.post(
        reverse("account_login"), {"login": "ann@globex.test", "password": PASSWORD}
    )

    assert response.status_code == 302


def test_other_domains_are_not_concerned(client, globex):
    UserFactory(email="bo@example.org")

    response = client.post(reverse("account_request_login_code"), {"email": "bo@example.org"})

    assert response.status_code == 302
    assert len(mail.outbox) == 1
