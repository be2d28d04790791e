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
