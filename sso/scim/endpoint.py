"""What every SCIM view shares: the bearer token that says which organisation
calls, the methods it answers, the body read as JSON, and every refusal in
SCIM's error format. Neither the token nor the body is ever logged."""

from __future__ import annotations

import functools
import json

from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import RequestDataTooBig
from django.views.decorators.csrf import csrf_exempt
from pydantic import ValidationError
from scim2_models import InvalidSyntaxException, SCIMException, UnauthorizedException

from ..exceptions import ProvisioningRefused
from . import auth, errors
from .resources import PROVIDER

BODY_TYPES = {"application/scim+json", "application/json"}


def endpoint(*methods: str):
    """A view answering ``methods``, called as ``view(request, organisation, …)``."""

    def decorate(view):
        @csrf_exempt
        @login_not_required
        @functools.wraps(view)
        def wrapper(request, *args, **kwargs):
            try:
                token = auth.authenticate(request.headers.get("Authorization", ""))
                if token is None:
                    raise UnauthorizedException(
                        detail="Send the organisation's SCIM token as "
                        "“Authorization: Bearer kscim_…”; this one is missing, wrong or revoked."
                    )
                if request.method not in methods:
                    return errors.error(405, f"This endpoint answers {', '.join(methods)}.")
                with PROVIDER:
                    return view(request, token.organisation, *args, **kwargs)
            except (SCIMException, ValidationError, ProvisioningRefused) as exc:
                return errors.from_exception(exc)
            except RequestDataTooBig:
                return errors.error(413, "The request body is too large.")

        return wrapper

    return decorate


def body(request) -> object:
    """The request's JSON, or ``invalidSyntax``."""
    if request.content_type not in BODY_TYPES:
        raise InvalidSyntaxException(detail="Send the body as application/scim+json.")
    try:
        return json.loads(request.body)
    except (ValueError, RecursionError):  # UnicodeDecodeError is a ValueError
        raise InvalidSyntaxException(detail="The body is not valid JSON.") from None
