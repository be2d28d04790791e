"""SCIM tokens and members in the Django admin (superusers): a token's secret
is shown once, on the page that made it, and never again; revoking one locks
its directory out; a member can be deactivated and reactivated by hand."""

import logging

import pytest
from django.test import Client

from sso.models import Member, ScimToken
from tests.factories import UserFactory
from tests.sso.scim_helpers import (  # noqa: F401  (fixtures)
    acme_fixture,
    directory_fixture,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def superuser_client() -> Client:
    client = Client()
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    return client


def make_token(client: Client, acme) -> tuple[str, object]:
    response = client.post(
        "/admin/sso/scimtoken/add/", {"name": "Okta provisioning", "organisation": acme.pk}
    )
    assert response.status_code == 200, response.content
    return response.context["secret"], response


def test_a_new_token_is_shown_once_and_works(superuser_client, acme, caplog):
    caplog.set_level(logging.DEBUG)

    secret, response = make_token(superuser_client, acme)

    assert secret.startswith("kscim_")
    assert secret in response.content.decode()
    assert "no-cache" in response["Cache-Control"]
    token = ScimToken.objects.get()
    assert secret.startswith(f"kscim_{token.prefix}_")
    assert token.digest != secret and secret not in token.digest
    scim = Client().get("/scim/v2/Users", headers={"Authorization": f"Bearer {secret}"})
    assert scim.status_code == 200
    # Never again: not in the list, not in a message, not in the session, not in a log.
    listing = superuser_client.get("/admin/sso/scimtoken/").content.decode()
    assert f"kscim_{token.prefix}" in listing
    assert secret not in listing
    assert secret not in str(superuser_client.session.items())
    assert secret not in str(superuser_client.cookies)
    assert secret not in "\n".join(r.getMessage() for r in caplog.records)


def test_revoking_locks_the_directory_out(superuser_client, acme):
    secret, _ = make_token(superuser_client, acme)
    token = ScimToken.objects.get()

    superuser_client.post(
        "/admin/sso/scimtoken/",
        {"action": "revoke", "_selected_action": [token.pk]},
    )

    token.refresh_from_db()
    assert token.revoked_at is not None
    scim = Client().get("/scim/v2/Users", headers={"Authorization": f"Bearer {secret}"})
    assert scim.status_code == 401


def test_a_token_cannot_be_edited(superuser_client, acme):
    make_token(superuser_client, acme)
    token = ScimToken.objects.get()

    response = superuser_client.post(
        f"/admin/sso/scimtoken/{token.pk}/change/", {"name": "x", "organisation": acme.pk}
    )

    assert response.status_code in (200, 403)
    assert ScimToken.objects.get().name == "Okta provisioning"


def test_members_are_listed_and_deactivated_and_reactivated_by_hand(superuser_client, directory):
    directory.create("ada@acme.test")
    member = Member.objects.get()

    listing = superuser_client.get("/admin/sso/member/")
    assert "ada@acme.test" in listing.content.decode()

    superuser_client.post(
        "/admin/sso/member/", {"action": "deactivate", "_selected_action": [member.pk]}
    )
    member.refresh_from_db()
    assert not member.active and not member.user.is_active

    superuser_client.post(
        "/admin/sso/member/", {"action": "reactivate", "_selected_action": [member.pk]}
    )
    member.refresh_from_db()
    assert member.active and member.user.is_active


def test_members_cannot_be_added_or_edited_in_the_admin(superuser_client, directory):
    directory.create("ada@acme.test")

    assert superuser_client.get("/admin/sso/member/add/").status_code == 403


@pytest.mark.parametrize("path", ["/admin/sso/scimtoken/add/", "/admin/sso/member/"])
def test_only_superusers_reach_them(path):
    staff = Client()
    staff.force_login(UserFactory(is_staff=True))

    response = staff.get(path)

    assert response.status_code == 302 and "login" in response["Location"]


def test_an_organisation_deleted_in_the_admin_takes_its_tokens_and_members(
    superuser_client, directory
):
    directory.create("ada@acme.test")
    org = directory.organisation

    response = superuser_client.post(f"/admin/sso/organisation/{org.pk}/delete/", {"post": "yes"})

    assert response.status_code == 302, response.content
    assert not Member.objects.exists() and not ScimToken.objects.exists()
