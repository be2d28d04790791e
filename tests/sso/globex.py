"""Globex, the sign-in tests' organisation: the globex.test domain and SAML
connections typed in by hand. allauth makes a SAML AuthnRequest's redirect
locally, so no IdP need be running to see where a sign-in goes."""

from scripts.saml_smoke import key_and_cert
from sso.models import Connection, EmailDomain, Organisation
from tests.sso.idp.saml import cert_body

IDP_SSO = "https://idp.globex.test/sso"
CERT = cert_body(key_and_cert("idp.globex.test")[1])


def organisation(**fields) -> Organisation:
    globex = Organisation.objects.create(name="Globex", slug="globex", **fields)
    EmailDomain.objects.create(organisation=globex, domain="globex.test")
    return globex


def saml_connection(
    globex: Organisation, *, slug: str = "globex-saml", label: str = "Globex SSO", **fields
) -> Connection:
    return Connection.objects.create(
        organisation=globex,
        protocol=Connection.Protocol.SAML,
        slug=slug,
        label=label,
        idp_entity_id="https://idp.globex.test/",
        idp_sso_url=IDP_SSO,
        idp_x509cert=CERT,
        **fields,
    )
