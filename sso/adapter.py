"""How Kindred tunes allauth's social sign-in: its apps are the organisations'
connections (``apps_from_connections``), and which address an identity
provider vouches for is Kindred's rule, not the provider's word alone.

The rule: an IdP's email counts as verified only when its domain is one of
the connection's organisation's domains, and the IdP does not itself say it
is unverified (OpenID Connect's ``email_verified: false``). Only a verified
address finds and links an existing account (allauth's email authentication,
``SocialLogin.lookup``) or makes an account without the emailed confirmation;
so an IdP cannot take over an account at a domain it does not own.

The flags are set in ``populate_user``, which allauth calls while building
the login from the IdP's answer, before ``lookup`` reads them.
"""

from __future__ import annotations

from allauth.socialaccount.adapter import DefaultSocialAccountAdapter
from allauth.socialaccount.models import SocialLogin

from profiles.services import JOIN_ROLE_SESSION_KEY
from profiles.taxonomy import Role

from . import apps_from_connections, domains
from .models import Connection

NOT_VERIFIED = (False, "false", "False", "0", 0)


def said_unverified(sociallogin: SocialLogin) -> bool:
    """Whether the IdP's own answer says the address is not verified."""
    data = sociallogin.account.extra_data or {}
    if isinstance(data, dict):
        # OpenID Connect: the userinfo, else the ID token (allauth's order).
        data = data.get("userinfo") or data.get("id_token") or data
        value = data.get("email_verified", True) if isinstance(data, dict) else True
        return value in NOT_VERIFIED
    return False


def vouched_domains(sociallogin: SocialLogin) -> set[str]:
    """The domains the login's connection may vouch for: its organisation's."""
    app = sociallogin.provider.app
    slug = app.provider_id if app else None
    return set(
        Connection.objects.filter(slug=slug).values_list("organisation__domains__domain", flat=True)
    ) - {None}


def apply_verified_rule(sociallogin: SocialLogin) -> None:
    owned = vouched_domains(sociallogin)
    unverified = said_unverified(sociallogin)
    for address in sociallogin.email_addresses:
        address.verified = not unverified and domains.domain_of(address.email) in owned


class SocialAccountAdapter(DefaultSocialAccountAdapter):
    def list_apps(self, request, provider=None, client_id=None):
        return apps_from_connections.apps(provider=provider, client_id=client_id)

    def populate_user(self, request, sociallogin, data):
        user = super().populate_user(request, sociallogin, data)
        apply_verified_rule(sociallogin)
        return user

    def save_user(self, request, sociallogin, form=None):
        # The role chosen on the landing page, as a password sign-up keeps it
        # (profiles.accounts.AccountAdapter.save_user).
        role = request.session.get(JOIN_ROLE_SESSION_KEY) if request else None
        if role in Role.values:
            sociallogin.user.signup_role = role
        return super().save_user(request, sociallogin, form=form)
