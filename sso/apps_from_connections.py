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
# The attribute names Okta, Entra ID, Google Workspace and Keycloak send by
# default or by their documented mappings (docs/sso.md), tried in this order;
# a connection's own ``attribute_mapping`` replaces them.
SAML_ATTRIBUTES = {
    "uid": ["urn:oasis:names:tc:SAML:attribute:subject-id", "uid"],
    "email": [
        "urn:oid:0.9.2342.19200300.100.1.3",
        "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/emailaddress",
        "email",
        "mail",
        "Email",
    ],
    "first_name": [
        "urn:oid:2.5.4.42",
        "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/givenname",
        "firstName",
        "givenName",
        "first_name",
    ],
    "last_name": [
        "urn:oid:2.5.4.4",
        "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/surname",
        "lastName",
        "sn",
        "last_name",
    ],
}


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
    return {
        "idp": idp,
        # Only a signed assertion signs someone in: a tampered one fails its
        # signature, an expired one its conditions (python3-saml, strict mode).
        "advanced": {"strict": True, "want_assertion_signed": True},
        "attribute_mapping": connection.attribute_mapping or SAML_ATTRIBUTES,
    }


def apps(*, provider: str | None = None, client_id: str | None = None) -> list[SocialApp]:
    """Every active connection's app, narrowed as allauth asks (``list_apps``)."""
    found = [social_app(c) for c in Connection.objects.filter(is_active=True)]
    if provider:
        found = [a for a in found if provider in (a.provider, a.provider_id)]
    if client_id:
        found = [a for a in found if a.client_id == client_id]
    return found
