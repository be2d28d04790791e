"""SAML's dependency trap, checked before it bites at sign-in time.

xmlsec (which signs and verifies) and lxml (which parses) must run on the same
libxml2: when their wheels link different ones, importing xmlsec fails, or
worse, signatures fail or pass at random at runtime. This imports both,
compares the libxml2 each was built against and runs with, then signs a small
SAML assertion with a fresh key and verifies it, as python3-saml does for every
sign-in. Exits non-zero, saying what is wrong, on any failure (``.ci/run``).
"""

from __future__ import annotations

import datetime
import sys

ASSERTION = """<saml:Assertion xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion"
 ID="_kindred_smoke" Version="2.0" IssueInstant="2026-01-01T00:00:00Z"><saml:Issuer>https://idp.example.org/metadata</saml:Issuer><saml:Subject><saml:NameID>ada@example.org</saml:NameID></saml:Subject></saml:Assertion>"""
SIGNATURE = "/saml:Assertion/ds:Signature"
HOW_TO_FIX = (
    "Install xmlsec and lxml wheels built against the same libxml2 (the versions pinned "
    "in pyproject.toml), or build both from source against the system's libxml2: "
    "pip install --no-binary lxml,xmlsec lxml xmlsec"
)


def libxml2_versions() -> dict[str, tuple]:
    """The libxml2 each library was compiled against and runs with."""
    import lxml.etree
    import xmlsec

    return {
        "lxml runs": tuple(lxml.etree.LIBXML_VERSION),
        "lxml compiled": tuple(lxml.etree.LIBXML_COMPILED_VERSION),
        "xmlsec runs": tuple(xmlsec.get_libxml_version()),
        "xmlsec compiled": tuple(xmlsec.get_libxml_compiled_version()),
    }


def version_problems(versions: dict[str, tuple]) -> list[str]:
    if len(set(versions.values())) == 1:
        return []
    found = ", ".join(f"{name} {'.'.join(map(str, v))}" for name, v in versions.items())
    return [f"xmlsec and lxml do not use the same libxml2 ({found}). {HOW_TO_FIX}"]


def key_and_cert(common_name: str = "kindred-saml-smoke") -> tuple[str, str]:
    """A fresh RSA key and its self-signed certificate, both PEM (the tests' IdP uses it too)."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import rsa
    from cryptography.x509.oid import NameOID

    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common_name)])
    now = datetime.datetime.now(datetime.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(days=1))
        .not_valid_after(now + datetime.timedelta(days=30))
        .sign(key, hashes.SHA256())
    )
    pem = serialization.Encoding.PEM
    key_pem = key.private_bytes(
        pem, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    ).decode()
    return key_pem, cert.public_bytes(pem).decode()


def signing_problems() -> list[str]:
    """Sign an assertion, verify it, and make sure an altered copy fails."""
    from onelogin.saml2.utils import OneLogin_Saml2_Utils

    key, cert = key_and_cert()
    try:
        signed = OneLogin_Saml2_Utils.add_sign(ASSERTION, key, cert)
    except Exception as error:
        return [f"xmlsec could not sign a SAML assertion: {error!r}. {HOW_TO_FIX}"]
    signed = signed.decode() if isinstance(signed, bytes) else signed
    problems = []
    if not OneLogin_Saml2_Utils.validate_sign(signed, cert, xpath=SIGNATURE):
        problems.append(f"xmlsec could not verify an assertion it had just signed. {HOW_TO_FIX}")
    if OneLogin_Saml2_Utils.validate_sign(
        signed.replace("ada@", "mallory@"), cert, xpath=SIGNATURE
    ):
        problems.append("xmlsec accepted an altered assertion: signature checks are not working.")
    return problems


def main() -> int:
    try:
        versions = libxml2_versions()
    except Exception as error:
        print(f"FAIL: cannot import lxml and xmlsec: {error!r}. {HOW_TO_FIX}", file=sys.stderr)
        return 1
    problems = version_problems(versions) or signing_problems()
    for problem in problems:
        print(f"FAIL: {problem}", file=sys.stderr)
    if problems:
        return 1
    libxml2 = ".".join(map(str, versions["lxml runs"]))
    print(f"ok: lxml and xmlsec both use libxml2 {libxml2}; a signed assertion verifies")
    return 0


if __name__ == "__main__":
    sys.exit(main())
