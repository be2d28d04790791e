"""SCIM 2.0 Users, as Okta and Entra ID call it: create, read, list and filter,
replace, both PATCH dialects, deactivate, reactivate, delete."""

import pytest
from allauth.account.models import EmailAddress

from profiles.models import User
from sso.models import Member
from tests.factories import UserFactory
from tests.sso.scim_helpers import (  # noqa: F401  (fixtures)
    USER,
    acme_fixture,
    directory_fixture,
    directory_for,
    organisation,
    scim_error,
)

pytestmark = pytest.mark.django_db


def test_it_creates_an_account_the_directory_owns(directory):
    response = directory.create(
        "Ada@Acme.test",
        name={"givenName": "Ada", "familyName": "Lovelace"},
        emails=[{"value": "ada@acme.test", "primary": True, "type": "work"}],
        externalId="00u1",
    )

    assert response.status_code == 201, response.content
    assert response["Content-Type"] == "application/scim+json"
    body = response.json()
    assert body["schemas"] == [USER]
    assert body["userName"] == "ada@acme.test"
    assert body["name"]["givenName"] == "Ada"
    assert body["externalId"] == "00u1"
    assert body["active"] is True
    assert response["Location"] == body["meta"]["location"]
    assert body["meta"]["location"].endswith(f"/scim/v2/Users/{body['id']}")
    user = User.objects.get(email="ada@acme.test")
    assert (user.first_name, user.last_name) == ("Ada", "Lovelace")
    assert not user.has_usable_password()
    assert EmailAddress.objects.filter(user=user, email="ada@acme.test", verified=True).exists()
    assert Member.objects.get(user=user).scim_id.hex == body["id"].replace("-", "")


def test_it_links_an_existing_account_with_that_address_rather_than_a_second(directory):
    existing = UserFactory(email="grace@acme.test")

    response = directory.create("grace@acme.test")

    assert response.status_code == 201
    assert User.objects.filter(email__iexact="grace@acme.test").count() == 1
    assert Member.objects.get(organisation=directory.organisation).user == existing
    assert existing.has_usable_password()  # their password stays theirs


def test_it_refuses_an_address_outside_the_organisations_domains(directory):
    response = directory.create("mallory@elsewhere.test")

    body = scim_error(response, 400, "invalidValue")
    assert "acme.test" in body["detail"]
    assert not User.objects.filter(email="mallory@elsewhere.test").exists()


def test_it_refuses_to_link_an_account_another_organisation_manages(directory):
    globex = directory_for(organisation("globex", "globex.test"))
    globex.create("bob@globex.test")
    # Acme claims the same domain's person: it does not own the domain.
    scim_error(directory.create("bob@globex.test"), 400, "invalidValue")
    # Even with the domain, a person another organisation manages is not taken over.
    directory.organisation.domains.create(domain="shared.test")
    globex.organisation.domains.all().delete()
    user = User.objects.get(email="bob@globex.test")
    user.email = "bob@shared.test"
    user.save()
    scim_error(directory.create("bob@shared.test"), 409, "uniqueness")


def test_creating_the_same_person_twice_is_a_conflict(directory):
    directory.create("ada@acme.test")

    scim_error(directory.create("ada@acme.test"), 409, "uniqueness")


def test_it_reads_one_user(directory):
    created = directory.create("ada@acme.test").json()

    response = directory.call("get", f"/Users/{created['id']}")

    assert response.status_code == 200
    assert response.json()["userName"] == "ada@acme.test"


@pytest.mark.parametrize(
    "scim_filter",
    [
        'userName eq "ADA@acme.test"',
        'externalId eq "00u1"',
        'emails.value eq "ada@acme.test"',
        'emails[value eq "ada@acme.test"]',
        'userName eq "ada@acme.test" and active eq true',
    ],
)
def test_it_finds_a_user_by_the_filters_directories_send(directory, scim_filter):
    directory.create("ada@acme.test", externalId="00u1")
    directory.create("bob@acme.test", externalId="00u2")

    response = directory.search(filter=scim_filter)

    body = response.json()
    assert response.status_code == 200, body
    assert body["totalResults"] == 1
    assert [r["userName"] for r in body["Resources"]] == ["ada@acme.test"]


def test_a_filter_matching_nobody_is_an_empty_list(directory):
    response = directory.search(filter='userName eq "nobody@acme.test"')

    assert response.json()["totalResults"] == 0
    assert response.json().get("Resources", []) == []


def test_it_pages_the_list(directory):
    for name in ("a", "b", "c"):
        directory.create(f"{name}@acme.test")

    body = directory.search(startIndex="2", count="1").json()

    assert (body["totalResults"], body["startIndex"], body["itemsPerPage"]) == (3, 2, 1)
    assert [r["userName"] for r in body["Resources"]] == ["b@acme.test"]


@pytest.mark.parametrize(
    "scim_filter",
    ['title eq "x"', 'userName co "ada"', "userName pr", 'nickName eq "x"', "userName eq"],
)
def test_an_unsupported_or_malformed_filter_is_invalid_filter(directory, scim_filter):
    response = directory.search(filter=scim_filter)

    scim_error(response, 400, "invalidFilter")


def test_put_replaces_the_name_and_address(directory):
    created = directory.create("ada@acme.test", name={"givenName": "Ada"}).json()

    response = directory.call(
        "put",
        f"/Users/{created['id']}",
        {
            "schemas": [USER],
            "id": created["id"],
            "userName": "ada.lovelace@acme.test",
            "name": {"givenName": "Augusta", "familyName": "King"},
            "active": True,
        },
    )

    assert response.status_code == 200, response.content
    user = Member.objects.get().user
    assert (user.email, user.first_name, user.last_name) == (
        "ada.lovelace@acme.test",
        "Augusta",
        "King",
    )
    assert EmailAddress.objects.get(user=user, primary=True).email == "ada.lovelace@acme.test"


def test_put_cannot_move_an_address_out_of_the_domains(directory):
    created = directory.create("ada@acme.test").json()

    response = directory.call(
        "put", f"/Users/{created['id']}", {"schemas": [USER], "userName": "ada@evil.test"}
    )

    scim_error(response, 400, "invalidValue")
    assert Member.objects.get().user.email == "ada@acme.test"


def test_entra_patch_with_a_path_and_string_boolean_deactivates(directory):
    created = directory.create("ada@acme.test").json()

    response = directory.patch(created["id"], {"op": "Replace", "path": "active", "value": "False"})

    assert response.status_code == 200, response.content
    assert response.json()["active"] is False
    member = Member.objects.get()
    assert not member.active and member.deactivated_at is not None
    assert not member.user.is_active


def test_okta_patch_with_a_value_object_deactivates_and_reactivates(directory):
    created = directory.create("ada@acme.test").json()

    directory.patch(created["id"], {"op": "replace", "value": {"active": False}})
    assert not Member.objects.get().user.is_active

    response = directory.patch(created["id"], {"op": "replace", "value": {"active": True}})

    assert response.json()["active"] is True
    member = Member.objects.get()
    assert member.active and member.deactivated_at is None and member.user.is_active


def test_entra_patch_replaces_the_name_and_work_email(directory):
    created = directory.create("ada@acme.test").json()

    response = directory.patch(
        created["id"],
        {"op": "Replace", "path": "name.familyName", "value": "King"},
        {"op": "Replace", "path": 'emails[type eq "work"].value', "value": "ada.k@acme.test"},
        {"op": "Add", "path": "name.givenName", "value": "Augusta"},
    )

    assert response.status_code == 200, response.content
    user = Member.objects.get().user
    assert (user.first_name, user.last_name) == ("Augusta", "King")


def test_patch_can_remove_the_external_id(directory):
    created = directory.create("ada@acme.test", externalId="00u1").json()

    directory.patch(created["id"], {"op": "remove", "path": "externalId"})

    assert Member.objects.get().external_id == ""


def test_delete_deactivates_at_once_and_the_directory_never_finds_it_again(directory):
    created = directory.create("ada@acme.test", externalId="00u1").json()

    response = directory.call("delete", f"/Users/{created['id']}")

    assert response.status_code == 204
    member = Member.objects.get()  # kept, closed, for the retention period
    assert not member.active and not member.user.is_active
    scim_error(directory.call("get", f"/Users/{created['id']}"), 404)
    scim_error(directory.call("delete", f"/Users/{created['id']}"), 404)
    found = directory.search(filter='externalId eq "00u1"')
    assert found.json()["totalResults"] == 0


def test_an_enterprise_extension_is_accepted(directory):
    response = directory.create(
        "ada@acme.test",
        schemas=[USER, "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"],
        **{"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User": {"department": "R&D"}},
    )

    assert response.status_code == 201, response.content


def test_plain_json_is_accepted_too(directory):
    response = directory.call(
        "post",
        "/Users",
        {"schemas": [USER], "userName": "ada@acme.test"},
        content_type="application/json",
    )

    assert response.status_code == 201


@pytest.mark.parametrize("path", ["/ServiceProviderConfig", "/ResourceTypes", "/Schemas"])
def test_discovery_answers(directory, path):
    response = directory.call("get", path)

    assert response.status_code == 200
    assert response["Content-Type"] == "application/scim+json"


def test_service_provider_config_says_what_is_supported(directory):
    body = directory.call("get", "/ServiceProviderConfig").json()

    assert body["patch"]["supported"] is True
    assert body["bulk"]["supported"] is False
    assert body["filter"]["supported"] is True
    assert body["authenticationSchemes"][0]["type"] == "oauthbearertoken"


def test_the_user_schema_and_resource_type_can_be_read_alone(directory):
    assert directory.call("get", f"/Schemas/{USER}").json()["id"] == USER
    assert directory.call("get", "/ResourceTypes/User").json()["endpoint"] == "/Users"


def test_entra_patches_of_attributes_kindred_does_not_keep_are_accepted(directory):
    created = directory.create("ada@acme.test").json()
    enterprise = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"

    response = directory.patch(
        created["id"],
        {"op": "Add", "path": f"{enterprise}:manager", "value": "26118915-6090-4610-87e4"},
        {"op": "Add", "path": f"{enterprise}:employeeNumber", "value": "7"},
        {"op": "Add", "path": "title", "value": "Engineer"},
        {"op": "Add", "path": 'phoneNumbers[type eq "work"].value', "value": "+1 555 0100"},
        {"op": "Replace", "path": "displayName", "value": "Ada L."},
    )

    assert response.status_code == 200, response.content
    assert response.json()["active"] is True


def test_okta_creation_with_its_usual_extras_is_accepted(directory):
    response = directory.create(
        "isabella@acme.test",
        name={"givenName": "Isabella", "familyName": "Jackson"},
        emails=[{"primary": True, "value": "isabella@acme.test", "type": "work"}],
        displayName="Isabella Jackson",
        locale="en-US",
        externalId="00u1dhhb1fkIGP7RL1d8",
        groups=[],
        password="1mz050nq",
    )

    assert response.status_code == 201, response.content
    assert not User.objects.get(email="isabella@acme.test").has_usable_password()
