"""The OpenAPI schema: every operation documents the errors it can answer with,
in the one error shape (api/errors.py); and the token scheme. drf-spectacular
finds extensions by subclassing, so the scheme lives here, loaded with the
schema class (DEFAULT_SCHEMA_CLASS) whenever the API's views are, and not at
every process's start, where drf-spectacular costs a tenth of a second."""

from __future__ import annotations

from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.utils import OpenApiResponse

from .auth import BearerTokenAuthentication

ERRORS = {
    "400": "Invalid input: `fields` names each problem; nothing was saved.",
    "401": "No credentials, or a token that is not valid or has been revoked.",
    "403": "Signed in, but not allowed: not your side of it, or an admin's action "
    "asked by a coordinator, or background answers without that right in the program.",
    "404": "Not found, or not yours (a program you have no role in is not there).",
    "409": "The rules refuse this now (for example the mentor is full); nothing changed.",
    "413": "The body is larger than the server takes (2.5 MB); nothing was saved.",
    "415": "The body is not JSON: send `Content-Type: application/json`.",
    "429": "Too many requests: wait as many seconds as the Retry-After header says.",
}
ALWAYS = ("401", "403", "404", "429")


class Schema(AutoSchema):
    def _get_response_bodies(self, direction="response"):
        # Imported here: api.errors's views need this class while they are defined.
        from .errors import ErrorSerializer

        responses = super()._get_response_bodies(direction)
        codes = [*ALWAYS]
        if self.method in ("POST", "PUT", "PATCH") or self._get_parameters():
            codes.append("400")
        if self.method in ("POST", "PUT", "PATCH"):
            codes += ["413", "415"]
        if getattr(self.view, "action", None) in getattr(self.view, "refusable", ()):
            codes.append("409")
        for code in sorted(codes):
            if code not in responses:
                responses[code] = self._get_response_for_code(
                    OpenApiResponse(ErrorSerializer, description=ERRORS[code]),
                    code,
                    None,
                    direction,
                )
        return responses


NULL = {"$ref": "#/components/schemas/NullEnum"}


def strict_openapi_30(result, generator, request, public):
    """Say in OpenAPI 3.0.3's own terms what the server sends, so that strict
    tools (validators, generated clients) read it as meant.

    - ``nullable: true`` counts only beside a ``type`` in the same schema, so a
      reference that may be null is ``oneOf: [the reference, NullEnum]``, not
      ``allOf`` + ``nullable`` (which a strict reader takes as never null); an
      enum that may be null already lists ``NullEnum`` beside it.
    - ``oneOf`` of string schemas (drf-spectacular's "a URL, or blank") is
      ``anyOf``: a value may match both, and ``oneOf`` would then refuse it.
    - A response always carries every field its serializer has (a field that
      does not apply is null), so every property of a response component is
      required: a generated client then types none of them as "maybe unset".
      Request components (``…Request``) keep their own rules.
    """
    schemas = result["components"]["schemas"]
    schemas.setdefault("NullEnum", {"enum": [None]})
    _strictly(schemas)
    for name, component in schemas.items():
        if "properties" in component and not name.endswith("Request"):
            component["required"] = list(component["properties"])
    return result


def _strictly(node) -> None:
    if isinstance(node, list):
        for item in node:
            _strictly(item)
        return
    if not isinstance(node, dict):
        return
    if node.get("nullable") and "type" not in node:
        del node["nullable"]
        if len(node.get("allOf", ())) == 1:
            node["oneOf"] = [node.pop("allOf")[0], NULL]
        elif NULL not in node.get("oneOf", ()):
            raise ValueError(f"a nullable schema without a type or NullEnum: {node}")
    if all(branch.get("type") == "string" for branch in node.get("oneOf", [{}])):
        node["anyOf"] = node.pop("oneOf")
    for value in node.values():
        _strictly(value)


class BearerTokenScheme(OpenApiAuthenticationExtension):
    target_class = BearerTokenAuthentication
    name = "tokenAuth"

    def get_security_definition(self, auto_schema):
        return {
            "type": "http",
            "scheme": "bearer",
            "description": "A personal token from /api/tokens/, sent as "
            "`Authorization: Bearer <token>`.",
        }
