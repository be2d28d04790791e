"""One shape for every error the API returns:

{"error": {"code": "invalid", "message": "…", "fields": {"bio": ["…"]}}}
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import RequestDataTooBig
from django.http import Http404
from django.urls import Resolver404, resolve
from drf_spectacular.utils import extend_schema
from rest_framework import exceptions, serializers, status
from rest_framework.permissions import AllowAny
from rest_framework.views import APIView, exception_handler

from mentorships.exceptions import Invalid, MentorFull, Refused

INVALID_MESSAGE = "Please correct the fields named below; nothing was saved."


class Conflict(exceptions.APIException):
    """A transition the rules refuse (mentorships.exceptions.Refused)."""

    status_code = status.HTTP_409_CONFLICT
    default_code = "refused"


class PayloadTooLarge(exceptions.APIException):
    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_code = "too_large"


class ErrorBodySerializer(serializers.Serializer):
    code = serializers.CharField(
        help_text="Stable, for programs: invalid, parse_error, not_authenticated, "
        "authentication_failed, permission_denied, not_found, method_not_allowed, "
        "unsupported_media_type, not_acceptable, refused, mentor_full, throttled, too_large."
    )
    message = serializers.CharField(help_text="For people: what went wrong, in plain words.")
    fields = serializers.DictField(
        child=serializers.ListField(child=serializers.CharField()),
        help_text="Messages by field (dotted for nested fields); empty unless code is invalid.",
    )


class ErrorSerializer(serializers.Serializer):
    error = ErrorBodySerializer()


def body(code: str, message: str, fields: dict | None = None) -> dict:
    return {"error": {"code": code, "message": message, "fields": fields or {}}}


def flatten(detail, prefix: str = "") -> dict[str, list[str]]:
    """DRF's nested error detail as ``{"a.b": [messages]}``."""
    if isinstance(detail, dict):
        out: dict[str, list[str]] = {}
        for key, value in detail.items():
            out.update(flatten(value, f"{prefix}.{key}" if prefix else str(key)))
        return out
    if isinstance(detail, list) and any(isinstance(item, dict | list) for item in detail):
        out = {}
        for index, value in enumerate(detail):
            if value:
                out.update(flatten(value, f"{prefix}.{index}" if prefix else str(index)))
        return out
    items = detail if isinstance(detail, list) else [detail]
    return {prefix or "non_field_errors": [str(item) for item in items]}


def handle(exc, context):
    if isinstance(exc, Refused):
        code = "mentor_full" if isinstance(exc, MentorFull) else "refused"
        exc = Conflict(str(exc), code=code)
    elif isinstance(exc, Invalid):
        exc = exceptions.ValidationError(exc.errors)
    elif isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, RequestDataTooBig):
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE // 1024
        exc = PayloadTooLarge(f"The body is larger than {limit} KB, the most a call may send.")
    elif isinstance(exc, DjangoPermissionDenied):
        # Its message, where it has one, is for the person (SensitiveAccess.open_for).
        exc = exceptions.PermissionDenied(*exc.args[:1])
    response = exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, exceptions.ValidationError):
        fields = flatten(exc.detail)
        general = fields.pop("non_field_errors", None)
        message = " ".join(general) if general else INVALID_MESSAGE
        response.data = body("invalid", message, fields)
        return response
    detail = getattr(exc, "detail", None)
    code = detail.code if isinstance(detail, exceptions.ErrorDetail) else "error"
    response.data = body(code or "error", str(detail or exc))
    return response


@extend_schema(exclude=True)
class NotFoundView(APIView):
    """Any other address under the API: a JSON 404 (never Django's page, never a
    redirect), naming the address with a trailing slash when that one exists."""

    authentication_classes: list = []
    permission_classes = [AllowAny]
    throttle_classes: list = []

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        message = "There is nothing at this address."
        if not request.path_info.endswith("/"):
            try:
                match = resolve(request.path_info + "/")
            except Resolver404:
                match = None
            if match is not None and getattr(match.func, "cls", None) is not NotFoundView:
                message += f" Did you mean {request.path}/ ?"
        raise exceptions.NotFound(message)
