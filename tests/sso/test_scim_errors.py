"""Every refusal of the SCIM endpoint is in SCIM's error format, never a 500 and
never another organisation's people."""

import logging

import pytest
from allauth.account.models import EmailAddress
from django.test import Client

from sso.models import Member
from sso.scim import auth
from tests.factories import UserFactory
from tests.sso.scim_helpers import (  # noqa: F401  (fixtures)
    PATCH,
    USER,
    acme_fixture,
    directory_fixture,
    directory_for,
    organisation,
    scim_error,
)

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "authorization",
    [None, "", "Bearer", "Bearer kscim_nothing", "Basic dXNlcjpwYXNz", "Bearer kindred_abc"],
)
def test_a_missing_or_wrong_token_is_401(acme, authorization):
    headers = {} if authorization is None else {"Authorization": authorization}

    response = Client().get("/scim/v2/Users", headers=headers)

    scim_error(response, 401)
    assert response["WWW-Authenticate"].startswith("Bearer")


def test_a_token_with_a_right_prefix_and_wrong_secret_is_401(directory):
    forged = directory.token[:-4] + "AAAA"

    scim_error(directory.call("get", "/Users", token=forged), 401)


def test_a_revoked_token_is_401(directory):
    token = directory.organisation.scim_tokens.get()
    auth.revoke(token=token)

    scim_error(directory.call("get", "/Users"), 401)


def test_a_token_records_its_use_at_most_once_a_minute(directory):
    directory.call("get", "/ServiceProviderConfig")
    used = directory.organisation.scim_tokens.get().last_used_at
    assert used is not None

    directory.call("get", "/ServiceProviderConfig")

    assert directory.organisation.scim_tokens.get().last_used_at == used


def test_another_organisations_token_cannot_see_or_change_this_ones_people(directory):
    ada = directory.create("ada@acme.test").json()
    globex = directory_for(organisation("globex", "globex.test"))

    assert globex.call("get", "/Users").json()["totalResults"] == 0
    filtered = globex.search(filter='userName eq "ada@acme.test"')
    assert filtered.json()["totalResults"] == 0
    scim_error(globex.call("get", f"/Users/{ada['id']}"), 404)
    scim_error(globex.patch(ada["id"], {"op": "replace", "value": {"active": False}}), 404)
    scim_error(globex.call("delete", f"/Users/{ada['id']}"), 404)
    assert Member.objects.get().active


def test_malformed_json_is_invalid_syntax(directory):
    scim_error(directory.call("post", "/Users", '{"schemas": ['), 400, "invalidSyntax")


def test_a_body_that_is_not_an_object_is_invalid_syntax(directory):
    scim_error(directory.call("post", "/Users", "[1, 2]"), 400, "invalidSyntax")


def test_an_unknown_schema_is_invalid_syntax(directory):
    # RFC 7644 §3.12: invalidSyntax is a body that "did not conform to the request schema".
    response = directory.call(
        "post", "/Users", {"schemas": ["urn:example:params:scim:schemas:Pet"], "userName": "x"}
    )

    scim_error(response, 400, "invalidSyntax")


def test_an_unknown_extension_schema_is_invalid_syntax(directory):
    response = directory.create(
        "ada@acme.test",
        schemas=[USER, "urn:example:ext:1.0:Pet"],
        **{"urn:example:ext:1.0:Pet": {"name": "Rex"}},
    )

    scim_error(response, 400, "invalidSyntax")


def test_an_unknown_attribute_is_refused(directory):
    scim_error(directory.create("ada@acme.test", favouriteColour="green"), 400, "invalidSyntax")


def test_a_missing_user_name_is_invalid_value(directory):
    response = directory.call("post", "/Users", {"schemas": [USER]})

    scim_error(response, 400, "invalidValue")


def test_a_user_name_that_is_no_address_is_refused(directory):
    scim_error(directory.create("not-an-address"), 400, "invalidValue")


def test_a_body_of_another_type_is_refused(directory):
    response = directory.call("post", "/Users", "userName=ada@acme.test", content_type="text/plain")

    scim_error(response, 400, "invalidSyntax")


def test_an_unknown_id_is_404(directory):
    scim_error(directory.call("get", "/Users/2819c223-7f76-453a-919d-413861904646"), 404)
    scim_error(directory.call("get", "/Users/not-a-uuid"), 404)


def test_an_unknown_endpoint_is_404(directory):
    scim_error(directory.call("get", "/Groups"), 404)


def test_a_wrong_method_is_405(directory):
    scim_error(directory.call("delete", "/Users"), 405)
    scim_error(directory.call("post", "/ServiceProviderConfig", {}), 405)


@pytest.mark.parametrize(
    "operation",
    [
        {"op": "replace", "path": "bogus", "value": 1},
        {"op": "replace", "path": "active", "value": "maybe"},
        {"op": "explode", "path": "active", "value": True},
        {"op": "remove"},
        {"op": "replace", "path": "userName", "value": None},
    ],
)
def test_a_bad_patch_is_a_400_in_scim_format(directory, operation):
    created = directory.create("ada@acme.test").json()

    response = directory.patch(created["id"], operation)

    assert response.status_code == 400, response.content
    assert response.json()["schemas"] == ["urn:ietf:params:scim:api:messages:2.0:Error"]
    assert Member.objects.get().active


def test_a_patch_without_its_schema_is_refused(directory):
    created = directory.create("ada@acme.test").json()

    response = directory.call(
        "patch",
        f"/Users/{created['id']}",
        {"schemas": [USER], "Operations": [{"op": "replace", "path": "active", "value": False}]},
    )

    scim_error(response, 400, "invalidSyntax")


@pytest.mark.parametrize("count", ["abc", "1e9"])
def test_a_bad_count_is_invalid_value(directory, count):
    response = directory.search(count=count)

    scim_error(response, 400, "invalidValue")


def test_neither_the_token_nor_the_body_is_logged(directory, caplog):
    caplog.set_level(logging.DEBUG)
    secret = directory.token.rsplit("_", 1)[1]

    directory.create("ada@acme.test", name={"givenName": "Secretive"})
    directory.call("post", "/Users", '{"userName": "Secretive2')
    directory.call("get", "/Users", token=directory.token + "x")

    logged = "\n".join(r.getMessage() for r in caplog.records)
    assert secret not in logged
    assert "Secretive" not in logged


def test_patch_ops_list_must_not_be_empty(directory):
    created = directory.create("ada@acme.test").json()

    response = directory.call(
        "patch", f"/Users/{created['id']}", {"schemas": [PATCH], "Operations": []}
    )

    scim_error(response, 400, "invalidValue")


def test_a_superusers_account_is_not_managed_by_a_directory(directory):
    UserFactory(email="root@acme.test", is_superuser=True, is_staff=True)

    scim_error(directory.create("root@acme.test"), 403)

    assert not Member.objects.exists()


def test_an_address_another_account_has_verified_is_a_conflict(directory):
    other = UserFactory(email="ada.personal@example.org")
    EmailAddress.objects.create(user=other, email="ada@acme.test", verified=True)

    scim_error(directory.create("ada@acme.test"), 409, "uniqueness")


def test_an_address_outside_the_domains_says_nothing_about_its_account(directory):
    UserFactory(email="someone@elsewhere.test")

    body = scim_error(directory.create("someone@elsewhere.test"), 400, "invalidValue")

    assert "another Kindred account" not in body["detail"]


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_creations_of_one_person_at_once_make_one_member(acme):
    from tests.threads import race

    one, two = directory_for(acme), directory_for(acme)
    answers = []

    race(
        lambda: answers.append(one.create("ada@acme.test").status_code),
        lambda: answers.append(two.create("ada@acme.test").status_code),
        refusals=(),
    )

    assert sorted(answers) == [201, 409]
    assert Member.objects.count() == 1


def test_a_deeply_nested_body_is_invalid_syntax(directory):
    scim_error(
        directory.call("post", "/Users", "[" * 100_000 + "]" * 100_000), 400, "invalidSyntax"
    )


def test_an_oversized_body_is_413(directory, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000

    response = directory.create("ada@acme.test", displayName="x" * 2000)

    scim_error(response, 413)
