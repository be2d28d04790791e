"""The conformance check (tests/api/conformance.py) holds every API response the
tests receive to the schema, read as strict OpenAPI 3.0 tools read it; here it
is shown to fail on each kind of drift between the code and the schema, and the
schema to say what strict tools need."""

import json

import pytest
from openapi_core.exceptions import OpenAPIError

from api.participant.serializers import SuggestionSerializer
from api.staff.serializers import RunSerializer
from tests.factories import program_admin

from .conformance import served_schema
from .conftest import API, bearer

pytestmark = pytest.mark.django_db


def drifted(monkeypatch, serializer, change):
    """Make ``serializer`` send what ``change`` makes of each object it sends."""
    sent = serializer.to_representation
    monkeypatch.setattr(serializer, "to_representation", lambda self, o: change(sent(self, o)))


def suggestions_of(world):
    return bearer(world.mentee.user).get(f"{API}/profiles/{world.mentee.pk}/suggestions/")


def test_the_suggestions_as_sent_keep_to_the_schema(world):
    results = suggestions_of(world).json()["results"]
    assert results and all(r["rank"] >= 1 and r["score"] >= 0 for r in results)


def test_a_null_where_the_schema_says_never_fails(world, monkeypatch):
    drifted(monkeypatch, SuggestionSerializer, lambda data: {**data, "score": None})
    with pytest.raises(OpenAPIError, match="None for not nullable"):
        suggestions_of(world)


def test_a_documented_field_left_out_fails(world, monkeypatch):
    drifted(
        monkeypatch, SuggestionSerializer, lambda d: {k: v for k, v in d.items() if k != "rank"}
    )
    with pytest.raises(OpenAPIError, match="'rank' is a required property"):
        suggestions_of(world)


def test_an_undocumented_field_fails(world, monkeypatch):
    drifted(monkeypatch, SuggestionSerializer, lambda data: {**data, "secret": "x"})
    with pytest.raises(OpenAPIError, match="'secret' was unexpected"):
        suggestions_of(world)


def test_a_run_whose_typed_summary_drifts_fails(world, monkeypatch):
    admin = bearer(program_admin(world.program))
    url = f"{API}/admin/programs/{world.program.slug}/runs/{world.run.pk}/"
    assert admin.get(url).json()["summary"]["free_places"] is None  # queued: no figures yet
    drifted(
        monkeypatch, RunSerializer, lambda d: {**d, "summary": {**d["summary"], "mentees": "3"}}
    )
    with pytest.raises(OpenAPIError, match="'3' is not of type 'integer'"):
        admin.get(url)


def test_an_undocumented_status_fails(world, monkeypatch):
    from rest_framework.response import Response

    from api.participant.views import TagViewSet

    monkeypatch.setattr(TagViewSet, "list", lambda self, request: Response([], status=202))
    with pytest.raises(OpenAPIError, match="202"):
        bearer(world.mentee.user).get(f"{API}/tags/")


def each_schema(node):
    if isinstance(node, dict):
        yield node
        for value in node.values():
            yield from each_schema(value)
    elif isinstance(node, list):
        for value in node:
            yield from each_schema(value)


def test_nullable_is_said_only_where_strict_tools_read_it():
    """OpenAPI 3.0.3: ``nullable: true`` counts only beside a ``type``; a reference
    that may be null is ``oneOf`` it and NullEnum."""
    schema = served_schema()
    for node in each_schema(schema):
        assert "type" in node or not node.get("nullable"), node
    other = schema["components"]["schemas"]["MentorshipDetail"]["properties"]["other"]
    assert other["oneOf"] == [
        {"$ref": "#/components/schemas/Person"},
        {"$ref": "#/components/schemas/NullEnum"},
    ]
    assert schema["components"]["schemas"]["NullEnum"] == {"enum": [None]}


def test_every_field_a_response_always_carries_is_required():
    schemas = served_schema()["components"]["schemas"]
    for name, component in schemas.items():
        if "properties" in component and not name.endswith("Request"):
            assert component["required"] == list(component["properties"]), name
    assert {"status", "percent"} <= set(schemas["Run"]["required"])
    assert "rank" in schemas["Suggestion"]["required"]
    assert "status" in schemas["Mentorship"]["required"]


def test_a_runs_weights_settings_and_summary_are_typed():
    schemas = served_schema()["components"]["schemas"]
    run = schemas["Run"]["properties"]
    for name, component in [
        ("weights", "RunWeights"),
        ("settings", "RunSettings"),
        ("summary", "RunSummary"),
    ]:
        assert run[name]["allOf"] == [{"$ref": f"#/components/schemas/{component}"}], name
    figures = schemas["RunSummary"]["properties"]["figures"]["oneOf"][0]
    assert figures == {"$ref": "#/components/schemas/FiguresByPolicy"}
    assert schemas["FiguresByPolicy"]["properties"]["optimal"]["oneOf"][0] == {
        "$ref": "#/components/schemas/PolicyFigures"
    }


def test_the_matches_csv_documents_no_paging_and_is_whole(world):
    operation = served_schema()["paths"]["/api/v1/admin/programs/{slug}/matches.csv"]["get"]
    assert {p["name"] for p in operation["parameters"]} == {"slug", "cycle", "sensitive"}
    admin = bearer(program_admin(world.program))
    url = f"{API}/admin/programs/{world.program.slug}/matches.csv"
    whole = admin.get(url)
    assert whole.status_code == 200 and world.mentee.user.email in whole.content.decode()
    assert admin.get(url, {"page": 999, "page_size": 1}).content == whole.content


def test_the_checked_schema_is_the_one_served(client):
    assert client.get("/api/v1/schema/?format=json").json() == json.loads(
        json.dumps(served_schema())
    )
