"""The sign-in pages' forms may lead on to an organisation's identity provider.

Kindred's policy allows forms to send to Kindred only (``form-action 'self'``),
and browsers hold a form to that through its redirects: the email step's POST,
or allauth's "Continue with …" form, answers with a redirect to the IdP, which
the browser would block. So the pages under /accounts/ also allow the origins
of the active connections' addresses; every other page keeps the strict rule.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from django.http import HttpRequest, HttpResponse

from .models import Connection

PREFIX = "/accounts/"
ADDRESSES = ("server_url", "metadata_url", "idp_sso_url", "idp_slo_url")


def idp_origins() -> list[str]:
    """The scheme://host[:port] of every address an active connection names."""
    origins = set()
    for row in Connection.objects.filter(is_active=True).values_list(*ADDRESSES):
        for url in row:
            parts = urlsplit(url)
            if parts.scheme in ("http", "https") and parts.netloc:
                origins.add(f"{parts.scheme}://{parts.netloc}")
    return sorted(origins)


class IdpFormActionMiddleware:
    """Listed after django-csp's middleware, so it runs first on the way out."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if request.path_info.startswith(PREFIX) and (origins := idp_origins()):
            update = dict(getattr(response, "_csp_update", None) or {})
            update["form-action"] = [*update.get("form-action", []), *origins]
            response._csp_update = update
        return response
