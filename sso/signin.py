"""Starting a sign-in at an organisation's identity provider from Kindred's
own pages: the email step's POST goes straight on to the IdP."""

from __future__ import annotations

import logging

from allauth.core.exceptions import ImmediateHttpResponse
from allauth.socialaccount.adapter import get_adapter
from allauth.socialaccount.providers.base import AuthProcess
from allauth.socialaccount.providers.oauth2.client import OAuth2Error
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from onelogin.saml2.errors import OneLogin_Saml2_Error

from .apps_from_connections import OIDC, SAML
from .models import Connection

logger = logging.getLogger(__name__)


class ProviderUnreachable(Exception):
    """The identity provider could not be asked (its discovery document or
    metadata), or what it answered could not be used."""


def login_url(connection: Connection) -> str:
    """allauth's address that starts a sign-in through ``connection`` (a POST
    goes straight on to the IdP; a GET asks first)."""
    if connection.protocol == Connection.Protocol.OIDC:
        return reverse(f"{OIDC}_login", kwargs={"provider_id": connection.slug})
    return reverse(f"{SAML}_login", kwargs={"organization_slug": connection.slug})


def start(
    *, request: HttpRequest, connection: Connection, email: str, next_url: str | None
) -> HttpResponse:
    """The redirect that begins ``connection``'s sign-in, as allauth's own
    login view would make it (state kept in the session, ``next`` kept for
    after). An OpenID Connect provider is told the address already typed
    (``login_hint``), so the person need not type it twice."""
    provider = get_adapter(request).get_provider(request, connection.slug)
    kwargs = {}
    if connection.protocol == Connection.Protocol.OIDC and email:
        kwargs["auth_params"] = {**provider.get_auth_params(), "login_hint": email}
    try:
        return provider.redirect(request, AuthProcess.LOGIN, next_url=next_url, **kwargs)
    except ImmediateHttpResponse as e:
        return e.response
    # OSError covers requests' and urllib's failures (an OIDC discovery
    # document, a SAML metadata URL); ValueError an answer that is not JSON.
    except (OSError, OAuth2Error, OneLogin_Saml2_Error, ValueError) as e:
        # Nothing secret in the connection's slug or the exception's class.
        logger.warning("sign-in through %s could not start: %s", connection.slug, type(e).__name__)
        raise ProviderUnreachable(connection.label) from e
