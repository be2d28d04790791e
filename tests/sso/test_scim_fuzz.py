"""Whatever a directory sends, the SCIM endpoint answers in SCIM's format and
never with a 500 (the test client raises what a view lets through)."""

import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.sso.scim_helpers import (  # noqa: F401  (fixtures)
    PATCH,
    USER,
    acme_fixture,
    directory_fixture,
)

pytestmark = pytest.mark.django_db

FUZZ = settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
NAMES = st.sampled_from(
    [
        "userName",
        "name",
        "emails",
        "active",
        "externalId",
        "schemas",
        "id",
        "meta",
        "value",
        "givenName",
        "Operations",
        "op",
        "path",
        "urn:ietf:params:scim:schemas:core:2.0:User",
    ]
)
SCALARS = (
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False)
    | st.text(max_size=30)
    | st.sampled_from(["ada@acme.test", "False", "Replace", "active", USER, PATCH])
)
JSON = st.recursive(
    SCALARS,
    lambda inner: (
        st.lists(inner, max_size=4)
        | st.dictionaries(NAMES | st.text(max_size=8), inner, max_size=5)
    ),
    max_leaves=20,
)


def answered_in_scim_format(response) -> None:
    assert response.status_code < 500, response.content
    if response.status_code >= 400:
        assert response.json()["schemas"] == ["urn:ietf:params:scim:api:messages:2.0:Error"]


@FUZZ
@given(body=JSON)
def test_any_creation_body(directory, body):
    answered_in_scim_format(directory.call("post", "/Users", json.dumps(body)))


@FUZZ
@given(fields=st.dictionaries(NAMES, JSON, max_size=5))
def test_any_user_fields(directory, fields):
    answered_in_scim_format(directory.call("post", "/Users", {"schemas": [USER], **fields}))


@FUZZ
@given(operations=st.lists(st.dictionaries(NAMES, JSON, max_size=3), max_size=3))
def test_any_patch(directory, operations):
    created = directory.call("get", "/Users", {"filter": 'userName eq "ada@acme.test"'}).json()
    if created["totalResults"]:
        scim_id = created["Resources"][0]["id"]
    else:
        scim_id = directory.create("ada@acme.test").json()["id"]
    response = directory.call(
        "patch", f"/Users/{scim_id}", {"schemas": [PATCH], "Operations": operations}
    )
    answered_in_scim_format(response)


@FUZZ
@given(
    scim_filter=st.text(max_size=40)
    | st.builds(
        "{} {} {}".format,
        st.sampled_from(
            ["userName", "emails.value", "externalId", "id", "active", "emails[value", "x"]
        ),
        st.sampled_from(["eq", "ne", "co", "pr", "gt", "and", ""]),
        st.sampled_from(['"ada@acme.test"', "true", "1", '"x"]', "", '"', "null"]),
    ),
    start=st.text(max_size=5),
    count=st.text(max_size=5),
)
def test_any_search(directory, scim_filter, start, count):
    response = directory.call(
        "get", "/Users", {"filter": scim_filter, "startIndex": start, "count": count}
    )
    answered_in_scim_format(response)
