"""Reading an IdP's pasted metadata into a connection's fields (sso/saml_metadata.py)."""

import pytest

from sso.saml_metadata import idp_fields_from_xml

MD = "urn:oasis:names:tc:SAML:2.0:metadata"
REDIRECT = "urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect"
POST = "urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST"


def metadata(*, descriptor="IDPSSODescriptor", sso_binding=REDIRECT, key="", slo="") -> str:
    return f"""<?xml version="1.0"?>
<EntityDescriptor xmlns="{MD}" xmlns:ds="http://www.w3.org/2000/09/xmldsig#"
  entityID="https://idp.example.org/metadata">
  <{descriptor} protocolSupportEnumeration="urn:oasis:names:tc:SAML:2.0:protocol">
    {key}
    <SingleSignOnService Binding="{sso_binding}" Location="https://idp.example.org/sso"/>
    {slo}
  </{descriptor}>
</EntityDescriptor>"""


def key(cert: str, use: str = "signing") -> str:
    return (
        f'<KeyDescriptor use="{use}"><ds:KeyInfo><ds:X509Data>'
        f"<ds:X509Certificate>{cert}</ds:X509Certificate></ds:X509Data></ds:KeyInfo></KeyDescriptor>"
    )


def test_it_reads_the_test_idps_real_metadata(saml_idp):
    fields = idp_fields_from_xml(saml_idp.metadata())

    assert fields == {
        "entity_id": saml_idp.entity_id,
        "sso_url": saml_idp.sso_url,
        "slo_url": saml_idp.slo_url,
        "x509cert": saml_idp.cert,
    }


def test_the_logout_address_is_optional():
    fields = idp_fields_from_xml(metadata(key=key("MIIBcert")))

    assert fields["slo_url"] == ""
    assert fields["x509cert"] == "MIIBcert"


def test_a_certificate_wrapped_over_lines_is_joined():
    fields = idp_fields_from_xml(metadata(key=key("\n  MIIB\n  cert\n")))

    assert fields["x509cert"] == "MIIBcert"


def test_while_a_key_rolls_over_the_first_signing_certificate_is_taken():
    keys = key("MIIBfirst") + key("MIIBsecond") + key("MIIBencryption", use="encryption")

    assert idp_fields_from_xml(metadata(key=keys))["x509cert"] == "MIIBfirst"


@pytest.mark.parametrize(
    ("xml", "message"),
    [
        ("", "empty"),
        ("   ", "empty"),
        ("this is not xml", "not readable XML"),
        ("<html><body>Sign in</body></html>", "not an identity provider's metadata"),
        (metadata(descriptor="SPSSODescriptor", key=key("MIIB")), "not an identity provider"),
        (metadata(sso_binding=POST, key=key("MIIB")), "HTTP-Redirect"),
        (metadata(), "no signing certificate"),
        (metadata(key=key("MIIBencryption", use="encryption")), "no signing certificate"),
    ],
    ids=[
        "empty",
        "blank",
        "not-xml",
        "html",
        "sp-metadata",
        "post-only",
        "no-key",
        "encryption-only",
    ],
)
def test_bad_metadata_gets_a_clear_message(xml, message):
    with pytest.raises(ValueError, match=message):
        idp_fields_from_xml(xml)


def test_xml_with_entities_is_refused_without_reading_them(tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("do-not-read")
    xml = (
        f'<?xml version="1.0"?><!DOCTYPE e [<!ENTITY x SYSTEM "file://{secret}">]>'
        f'<EntityDescriptor xmlns="{MD}" entityID="&x;"/>'
    )

    with pytest.raises(ValueError, match="not readable XML") as refused:
        idp_fields_from_xml(xml)
    assert "do-not-read" not in str(refused.value)
