"""Logout that also ends the person's session at their identity provider, where it can.

At a sign-in through a connection, Kindred notes in the session which connection it
was (``remember``). Logout (``logout_views``) always ends Kindred's session, then
sends the browser on to the IdP (``idp_logout``): an OpenID Connect provider's
end-session endpoint (RP-initiated logout), or a SAML IdP's single logout.

The ID token that end-session endpoint takes as its hint is kept in the cache under
the session's key, never in the database (Kindred's sessions live there) and never
in a URL Kindred logs.
"""

from __future__ import annotations

import logging
from typing import NamedTuple
from urllib.parse import urlencode

import requests
from allauth.account.signals import user_logged_in
from allauth.socialaccount.adapter import get_adapter
from allauth.socialaccount.providers.openid_connect.views import OpenIDConnectOAuth2Adapter
from allauth.socialaccount.providers.saml.utils import build_auth
from django.conf import settings
from django.core.cache import cache
from django.dispatch import receiver
from django.http import HttpRequest
from django.shortcuts import resolve_url
from onelogin.saml2.errors import OneLogin_Saml2_Error

from . import apps_from_connections, oidc_views, saml_views
from .models import Connection

logger = logging.getLogger(__name__)

SESSION_KEY = "sso_signed_in_with"


@receiver(user_logged_in, dispatch_uid="sso.logout.remember")
def _remember(sender, request: HttpRequest, sociallogin=None, **kwargs) -> None:
    remember(request=request, sociallogin=sociallogin)


def remember(*, request: HttpRequest, sociallogin) -> None:
    """Note how this session signed in: through which connection, as whom."""
    request.session.pop(SESSION_KEY, None)
    if sociallogin is None:  # a password, a code, a passkey: nothing to end elsewhere
        return
    account = sociallogin.account
    request.session[SESSION_KEY] = {
        "connection": account.provider,
        # SAML: the assertion's subject, as its logout request must name it.
        "subject": getattr(request, saml_views.REQUEST_ATTRIBUTE, None) or {"name_id": account.uid},
    }
    id_token = getattr(request, oidc_views.REQUEST_ATTRIBUTE, None)
    if id_token and request.session.session_key:
        cache.set(_hint_key(request), id_token, timeout=settings.SESSION_COOKIE_AGE)


class Farewell(NamedTuple):
    url: str  # the IdP's logout address, with what it needs in its query
    label: str  # the connection's, e.g. "Acme SSO"


def idp_logout(*, request: HttpRequest) -> Farewell | None:
    """Where the browser goes to end the IdP's session too, once Kindred's has ended:
    None when the session did not sign in through a connection, or its IdP offers
    no logout. Call it before Kindred's session ends (it reads and clears it)."""
    signed_in_with = request.session.pop(SESSION_KEY, None)
    id_token = cache.get(_hint_key(request)) if request.session.session_key else None
    if id_token:
        cache.delete(_hint_key(request))
    if not signed_in_with:
        return None
    connection = Connection.objects.filter(
        slug=signed_in_with["connection"], is_active=True
    ).first()
    if connection is None:
        return None
    home = request.build_absolute_uri(resolve_url(settings.ACCOUNT_LOGOUT_REDIRECT_URL))
    if connection.protocol == Connection.Protocol.OIDC:
        url = _end_session_url(request, connection, id_token=id_token, home=home)
    else:
        url = _single_logout_url(request, connection, subject=signed_in_with["subject"], home=home)
    return Farewell(url=url, label=connection.label) if url else None


def _hint_key(request: HttpRequest) -> str:
    return f"sso:id-token-hint:{request.session.session_key}"


def _end_session_url(
    request: HttpRequest, connection: Connection, *, id_token: str | None, home: str
) -> str | None:
    try:
        discovery = OpenIDConnectOAuth2Adapter(request, connection.slug).openid_config
    except (requests.RequestException, ValueError):
        logger.warning("No IdP logout for %s: its discovery document is unreachable", connection)
        return None
    endpoint = discovery.get("end_session_endpoint")
    if not endpoint:  # Google, for one, has none
        return None
    query = {"client_id": connection.client_id, "post_logout_redirect_uri": home}
    if id_token:
        query["id_token_hint"] = id_token
    return f"{endpoint}{'&' if '?' in endpoint else '?'}{urlencode(query)}"


def _single_logout_url(
    request: HttpRequest, connection: Connection, *, subject: dict, home: str
) -> str | None:
    provider = get_adapter().get_provider(
        request, provider=apps_from_connections.SAML, client_id=connection.slug
    )
    try:
        return build_auth(request, provider).logout(return_to=home, **subject)
    except OneLogin_Saml2_Error:  # no single logout service in its metadata
        return None
    except OSError:
        logger.warning("No IdP logout for %s: its metadata is unreachable", connection)
        return None
