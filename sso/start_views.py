"""allauth's "start a sign-in" addresses, through Kindred's ``signin.start``:
the direct "Sign in with …" buttons and the required-SSO links land here, so
an identity provider that cannot be reached (its discovery document or SAML
metadata URL down) gets a page that says so, never a 500."""

from __future__ import annotations

from allauth.account.internal.decorators import login_not_required
from allauth.account.utils import get_next_redirect_url
from allauth.socialaccount.adapter import get_adapter
from allauth.socialaccount.providers.base import AuthProcess
from allauth.socialaccount.providers.base.utils import respond_to_login_on_get
from allauth.socialaccount.providers.openid_connect import views as oidc
from allauth.socialaccount.providers.saml import views as saml
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from . import signin
from .models import Connection


def _login(request: HttpRequest, slug: str, protocol: str, allauths) -> HttpResponse:
    connection = get_object_or_404(Connection, slug=slug, protocol=protocol, is_active=True)
    if request.POST.get("process", AuthProcess.LOGIN) != AuthProcess.LOGIN:
        # Connecting an identity to a signed-in account: allauth's own way.
        return allauths(request, slug)
    if request.method != "POST":
        # A GET asks first (allauth's page with its Continue button): a link
        # alone must not start a sign-in (SOCIALACCOUNT_LOGIN_ON_GET is off).
        provider = get_adapter(request).get_provider(request, slug)
        return respond_to_login_on_get(request, provider)
    try:
        return signin.start(
            request=request,
            connection=connection,
            email="",
            next_url=get_next_redirect_url(request),
        )
    except signin.ProviderUnreachable:
        return render(
            request,
            "sso/unreachable.html",
            {"connection": connection},
            status=503,
        )


@login_not_required
def oidc_login(request: HttpRequest, provider_id: str) -> HttpResponse:
    return _login(request, provider_id, Connection.Protocol.OIDC, oidc.login)


@login_not_required
def saml_login(request: HttpRequest, organization_slug: str) -> HttpResponse:
    return _login(request, organization_slug, Connection.Protocol.SAML, saml.login)
