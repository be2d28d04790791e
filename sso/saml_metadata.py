"""The fields of a SAML connection, read from the IdP metadata an admin pastes.

python3-saml reads the XML with its own copy of defusedxml's lxml guard
(``onelogin.saml2.xmlparser``: no DTD, no entities, no network), so a hostile
document cannot make Kindred read files or URLs.
"""

from __future__ import annotations

from django.utils.translation import gettext
from lxml import etree
from onelogin.saml2.idp_metadata_parser import OneLogin_Saml2_IdPMetadataParser
from onelogin.saml2.xml_utils import OneLogin_Saml2_XML

# A KeyDescriptor without ``use`` serves both signing and encryption.
SIGNING_CERTS = (
    "//md:IDPSSODescriptor/md:KeyDescriptor[not(contains(@use, 'encryption'))]"
    "/ds:KeyInfo/ds:X509Data/ds:X509Certificate"
)


def idp_fields_from_xml(xml: str) -> dict:
    """``entity_id``, ``sso_url``, ``slo_url`` (or "") and ``x509cert`` from IdP
    metadata; a ``ValueError`` saying what is wrong when they cannot be had."""
    if not xml or not xml.strip():
        raise ValueError(
            gettext("The metadata is empty: paste the XML your identity provider gives.")
        )
    try:
        dom = OneLogin_Saml2_XML.to_etree(xml.strip())
        idp = OneLogin_Saml2_IdPMetadataParser.parse(dom).get("idp", {})
    except (etree.XMLSyntaxError, ValueError) as error:
        raise ValueError(
            gettext("This is not readable XML metadata (%(error)s).") % {"error": error}
        ) from error
    if not idp.get("entityId"):
        raise ValueError(
            gettext(
                "This XML is not an identity provider's metadata: it has no EntityDescriptor "
                "with an IDPSSODescriptor."
            )
        )
    if "singleSignOnService" not in idp:
        raise ValueError(
            gettext(
                "The metadata has no single sign-on address for the HTTP-Redirect binding, "
                "which is where Kindred sends people to sign in."
            )
        )
    # Several signing certificates appear while an IdP rolls its key over; the
    # first is the one in use (Okta and Entra list the current one first).
    certs = OneLogin_Saml2_XML.query(dom, SIGNING_CERTS)
    if not certs:
        raise ValueError(
            gettext(
                "The metadata has no signing certificate, so Kindred could not check "
                "the IdP's signature on an assertion."
            )
        )
    return {
        "entity_id": idp["entityId"],
        "sso_url": idp["singleSignOnService"]["url"],
        "slo_url": idp.get("singleLogoutService", {}).get("url", ""),
        "x509cert": "".join(OneLogin_Saml2_XML.element_text(certs[0]).split()),
    }
