"""Every response the API tests receive, held to the schema by a strict
OpenAPI 3.0 validator (openapi-core, which reads ``nullable`` as OpenAPI 3.0.3
defines it): a field the schema does not document, a documented field missing,
a null where the schema says never, a status or content type it does not list
— any drift between the code and the schema fails the test that saw it.

The schema is the one /api/v1/schema/ serves, with one addition for checking
only: a response object may hold no property the schema does not name
(``additionalProperties: false``), so an undocumented field fails too."""

from __future__ import annotations

import copy
import functools
import json
import threading

from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.renderers import OpenApiJsonRenderer
from openapi_core import OpenAPI
from openapi_core.contrib.django import DjangoOpenAPIRequest, DjangoOpenAPIResponse
from openapi_core.templating.paths.exceptions import OperationNotFound, PathNotFound
from openapi_schema_validator import OAS30Validator

PREFIX = "/api/v1/"
# Served by drf-spectacular itself, not described by the schema.
UNDESCRIBED = ("/api/v1/schema/", "/api/v1/docs/")


def served_schema() -> dict:
    """What /api/v1/schema/?format=json serves, made in-process
    (tests/api/test_schemathesis.py checks the live server serves exactly this)."""
    generated = SchemaGenerator().get_schema(request=None, public=True)
    return json.loads(OpenApiJsonRenderer().render(generated))


def closed(schema: dict) -> dict:
    """The schema with every response component closed to undocumented fields."""
    schema = copy.deepcopy(schema)
    for name, component in schema["components"]["schemas"].items():
        if "properties" in component and not name.endswith("Request"):
            component.setdefault("additionalProperties", False)
    return schema


# drf-spectacular's generator keeps state in globals: tests that call the API
# from several threads at once (tests/faults/) must not make the schema twice.
MAKING = threading.Lock()


def contract() -> OpenAPI:
    with MAKING:
        return _contract()


def error_validator() -> OAS30Validator:
    with MAKING:
        return _error_validator()


@functools.cache
def _checked_schema() -> dict:
    return closed(served_schema())


@functools.cache
def _contract() -> OpenAPI:
    return OpenAPI.from_dict(_checked_schema())


@functools.cache
def _error_validator() -> OAS30Validator:
    schema = _checked_schema()
    return OAS30Validator(
        {**schema["components"]["schemas"]["Error"], "components": schema["components"]}
    )


class Request(DjangoOpenAPIRequest):
    """Found by its concrete path: the URLconf's patterns name their ids
    differently from the schema (``<int:pk>`` for ``{id}``)."""

    path_pattern = None

    @property
    def body(self) -> None:
        # Not read: the request is only matched to its operation, and a body over
        # the size limit would raise here rather than in the view.
        return None


def check(response) -> None:
    """Raise if ``response`` (from Django's test client) is not as documented."""
    request = response.wsgi_request
    if not request.path.startswith(PREFIX) or request.path.startswith(UNDESCRIBED):
        return
    try:
        contract().validate_response(Request(request), DjangoOpenAPIResponse(response))
    except (PathNotFound, OperationNotFound):
        # No such address, or not with this method: the one error shape, as a
        # 404 or a 405, is all the API may answer.
        assert response.status_code in (404, 405), (request.method, request.path)
        error_validator().validate(json.loads(response.content))
