"""Every SCIM answer that is not a success, in SCIM's error format (RFC 7644 §3.12)."""

from __future__ import annotations

import json

from django.http import HttpResponse
from pydantic import ValidationError
from scim2_models import Error, SCIMException

from ..exceptions import AlreadyMember, MemberElsewhere, NotManaged, ProvisioningRefused

CONTENT_TYPE = "application/scim+json"


def respond(data: dict | None, *, status: int = 200, headers: dict | None = None) -> HttpResponse:
    body = "" if data is None else json.dumps(data)
    return HttpResponse(body, status=status, content_type=CONTENT_TYPE, headers=headers)


def error(status: int, detail: str, scim_type: str | None = None) -> HttpResponse:
    return _error(Error(status=status, scim_type=scim_type, detail=detail), {})


def from_exception(exc: Exception) -> HttpResponse:
    """The error a refusal of the library's or of Kindred's stands for."""
    if isinstance(exc, SCIMException):
        found = exc.to_error()
    elif isinstance(exc, ValidationError):
        # The first is enough to act on; each names the attribute it is about.
        found = Error.from_validation_errors(exc)[0]
    elif isinstance(exc, NotManaged):
        found = Error(status=403, detail=str(exc))
    elif isinstance(exc, AlreadyMember | MemberElsewhere):
        found = Error(status=409, scim_type="uniqueness", detail=str(exc))
    elif isinstance(exc, ProvisioningRefused):  # not an address, or outside the domains
        found = Error(status=400, scim_type="invalidValue", detail=str(exc))
    else:
        raise TypeError(f"no SCIM error for {type(exc).__name__}")
    headers = {"WWW-Authenticate": 'Bearer realm="scim"'} if found.status == 401 else {}
    return _error(found, headers)


def _error(found: Error, headers: dict) -> HttpResponse:
    return respond(found.model_dump(), status=found.status or 400, headers=headers)
