"""allauth's apps, built from the organisations' connections (``models.Connection``).

An OpenID Connect connection is allauth's ``openid_connect`` provider under the
connection's slug (``/accounts/oidc/<slug>/login/``); a SAML one is its ``saml``
provider under the same slug (``/accounts/saml/<slug>/acs/``, ``…/metadata/``).
"""

from __future__ import annotations

from allauth.socialaccount.models import SocialApp

from .models import Connection

OIDC = "openid_connect"
SAML = "saml"


def social_app(connection: Connection) -> SocialApp:
    """An unsaved allauth app that signs people in through ``connection``."""
    if connection.protocol == Connection.Protocol.OIDC:
        return SocialApp(
            provider=OIDC,
            provider_id=connection.slug,
            name=connection.label,
            client_id=connection.client_id,
            secret=connection.client_secret,
            settings={"server_url": connection.server_url, "oauth_pkce_enabled": True},
        )
    return SocialApp(
        provider=SAML,
        provider_id=connection.slug,
        name=connection.label,
        client_id=connection.slug,
        settings=_saml_settings(connection),
    )


def _saml_settings(connection: Connection) -> dict:
    if connection.metadata_url:
        idp = {"entity_id": connection.idp_entity_id, "metadata_url": connection.metadata_url}
    else:
        idp = {
            "entity_id": connection.idp_entity_id,
            "sso_url": connection.idp_sso_url,
            "x509cert": connection.idp_x509cert,
        }
        if connection.idp_slo_url:
            idp["slo_url"] = connection.idp_slo_url
    settings = {
        "idp": idp,
        # Only a signed assertion signs someone in: a tampered one fails its
        # signature, an expired one its conditions (python3-saml, strict mode).
        "advanced": {"strict": True, "want_assertion_signed": True},
    }
    if connection.attribute_mapping:
        settings["attribute_mapping"] = connection.attribute_mapping
    return settings


def apps(*, provider: str | None = None, client_id: str | None = None) -> list[SocialApp]:
    """Every active connection's app, narrowed as allauth asks (``list_apps``)."""
    found = [social_app(c) for c in Connection.objects.filter(is_active=True)]
    if provider:
        found = [a for a in found if provider in (a.provider, a.provider_id)]
    if client_id:
        found = [a for a in found if a.client_id == client_id]
    return found
