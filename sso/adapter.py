"""How Kindred tunes allauth's social sign-in: its apps are the organisations'
connections (``apps_from_connections``)."""

from __future__ import annotations

from allauth.socialaccount.adapter import DefaultSocialAccountAdapter

from . import apps_from_connections


class SocialAccountAdapter(DefaultSocialAccountAdapter):
    def list_apps(self, request, provider=None, client_id=None):
        return apps_from_connections.apps(provider=provider, client_id=client_id)
