"""What the SCIM tests share: an organisation owning a domain, its token, and
a client that calls the endpoint as a directory does."""

from __future__ import annotations

import json

import pytest
from django.test import Client

from sso.models import EmailDomain, Organisation
from sso.scim import auth

USER = "urn:ietf:params:scim:schemas:core:2.0:User"
PATCH = "urn:ietf:params:scim:api:messages:2.0:PatchOp"
ERROR = "urn:ietf:params:scim:api:messages:2.0:Error"
BASE = "/scim/v2"


class Directory:
    """An organisation's identity provider, calling with its token."""

    def __init__(self, organisation: Organisation, token: str) -> None:
        self.organisation = organisation
        self.token = token
        self.client = Client()

    def call(self, method: str, path: str, data=None, *, token: str | None = None, **extra):
        headers = {"Authorization": f"Bearer {self.token if token is None else token}"}
        # A GET's data is its query string; any other method's, its JSON body.
        plain = method == "get" or isinstance(data, str | bytes) or data is None
        body = data if plain else json.dumps(data)
        return getattr(self.client, method)(
            f"{BASE}{path}",
            data=body,
            content_type=extra.pop("content_type", "application/scim+json"),
            headers=headers,
            **extra,
        )

    def create(self, email: str, **fields):
        payload = {"schemas": [USER], "userName": email, "active": True, **fields}
        return self.call("post", "/Users", payload)

    def search(self, **query):
        return self.call("get", "/Users", query)

    def patch(self, scim_id: str, *operations: dict):
        return self.call(
            "patch", f"/Users/{scim_id}", {"schemas": [PATCH], "Operations": list(operations)}
        )


def organisation(slug: str, domain: str) -> Organisation:
    org = Organisation.objects.create(name=slug.title(), slug=slug)
    EmailDomain.objects.create(organisation=org, domain=domain)
    return org


def directory_for(org: Organisation) -> Directory:
    _, raw = auth.issue(organisation=org, name="Test IdP")
    return Directory(org, raw)


# Imported by name into the test modules that use them (not a conftest: that
# one is shared with the sign-in tests).
@pytest.fixture(name="acme")
def acme_fixture(db) -> Organisation:
    return organisation("acme", "acme.test")


@pytest.fixture(name="directory")
def directory_fixture(acme) -> Directory:
    return directory_for(acme)


def scim_error(response, status: int, scim_type: str | None = None) -> dict:
    """The response's body, once checked to be a SCIM error with this status."""
    assert response.status_code == status, response.content
    assert response["Content-Type"].startswith("application/scim+json")
    body = response.json()
    assert body["schemas"] == [ERROR]
    assert body["status"] == str(status)
    assert body.get("scimType") == scim_type
    assert body["detail"]
    return body
