"""An organisation's single sign-on set up in the Django admin: domains
normalised and owned once, connections checked before they are saved, the
client secret kept when left blank, pasted SAML metadata read."""

import pytest
from django.test import Client
from django.urls import reverse

from scripts.saml_smoke import key_and_cert
from sso.models import Connection, EmailDomain, Organisation
from tests.factories import UserFactory
from tests.sso.idp.saml import cert_body

pytestmark = pytest.mark.django_db

ADD = reverse("admin:sso_organisation_add")
CERT = cert_body(key_and_cert("idp.acme.test")[1])
METADATA = f"""<?xml version="1.0"?>
<EntityDescriptor xmlns="urn:oasis:names:tc:SAML:2.0:metadata"
  xmlns:ds="http://www.w3.org/2000/09/xmldsig#" entityID="https://idp.acme.test/metadata">
  <IDPSSODescriptor protocolSupportEnumeration="urn:oasis:names:tc:SAML:2.0:protocol">
    <KeyDescriptor use="signing"><ds:KeyInfo><ds:X509Data>
      <ds:X509Certificate>{CERT}</ds:X509Certificate>
    </ds:X509Data></ds:KeyInfo></KeyDescriptor>
    <SingleSignOnService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect"
      Location="https://idp.acme.test/sso"/>
  </IDPSSODescriptor>
</EntityDescriptor>"""


@pytest.fixture
def admin_client() -> Client:
    client = Client()
    client.force_login(UserFactory(is_superuser=True, is_staff=True))
    return client


def posted(*, domains=(), connections=(), organisation=None, **fields) -> dict:
    """The add or change page's POST: the organisation, its domains, its connections."""
    data = {
        "name": "Acme",
        "slug": "acme",
        "retention_days": "30",
        **fields,
        "domains-TOTAL_FORMS": str(len(domains)),
        "domains-INITIAL_FORMS": "0",
        "connections-TOTAL_FORMS": str(len(connections)),
        "connections-INITIAL_FORMS": "0",
    }
    for i, domain in enumerate(domains):
        data[f"domains-{i}-domain"] = domain
    for i, connection in enumerate(connections):
        if "id" in connection:
            data["connections-INITIAL_FORMS"] = str(i + 1)
        data[f"connections-{i}-is_active"] = "on"
        data[f"connections-{i}-attribute_mapping"] = "{}"
        if organisation is not None:
            data[f"connections-{i}-organisation"] = str(organisation.pk)
        data.update({f"connections-{i}-{k}": v for k, v in connection.items()})
    return data


OIDC = {
    "protocol": "oidc",
    "label": "Acme SSO",
    "slug": "acme-oidc",
    "server_url": "https://acme.okta.test",
    "client_id": "kindred",
    "client_secret": "s3cret",
}


def test_a_domain_is_kept_in_lower_case_without_its_at(admin_client):
    response = admin_client.post(ADD, posted(domains=["@Acme.COM"]))

    assert response.status_code == 302
    assert list(EmailDomain.objects.values_list("domain", flat=True)) == ["acme.com"]


def test_a_domain_another_organisation_owns_is_refused_by_name(admin_client):
    other = Organisation.objects.create(name="Globex", slug="globex")
    EmailDomain.objects.create(organisation=other, domain="acme.com")

    response = admin_client.post(ADD, posted(domains=["ACME.com"]))

    assert response.status_code == 200
    assert "acme.com belongs to Globex already." in response.content.decode()
    assert not Organisation.objects.filter(slug="acme").exists()


def test_the_same_domain_twice_is_refused_not_a_500(admin_client):
    response = admin_client.post(ADD, posted(domains=["acme.com", "Acme.com"]))

    assert response.status_code == 200
    assert "acme.com is listed twice." in response.content.decode()


@pytest.mark.parametrize("typed", ["acme", "not a domain", "acme..com", "https://acme.com"])
def test_something_that_is_not_a_domain_is_refused(admin_client, typed):
    response = admin_client.post(ADD, posted(domains=[typed]))

    assert response.status_code == 200
    assert "Enter a domain such as acme.com." in response.content.decode()


def test_an_oidc_connection_needs_its_issuer_and_client_id(admin_client):
    response = admin_client.post(
        ADD, posted(connections=[{**OIDC, "server_url": "", "client_id": ""}])
    )

    page = response.content.decode()
    assert response.status_code == 200
    assert "Fill in issuer or discovery URL for OpenID Connect." in page
    assert "Fill in client id for OpenID Connect." in page
    assert not Connection.objects.exists()


def test_the_client_secret_is_never_shown_and_kept_when_left_blank(admin_client):
    admin_client.post(ADD, posted(connections=[OIDC]))
    acme = Organisation.objects.get(slug="acme")
    connection = acme.connections.get()
    change = reverse("admin:sso_organisation_change", args=[acme.pk])

    page = admin_client.get(change).content.decode()
    assert "s3cret" not in page
    response = admin_client.post(
        change,
        posted(
            organisation=acme,
            connections=[{**OIDC, "id": str(connection.pk), "client_secret": "", "label": "Acme"}],
        ),
    )

    assert response.status_code == 302
    connection.refresh_from_db()
    assert (connection.label, connection.client_secret) == ("Acme", "s3cret")


def test_the_page_shows_the_addresses_to_give_the_idp(admin_client, settings):
    settings.SITE_URL = "https://kindred.example"
    admin_client.post(ADD, posted(connections=[OIDC]))
    acme = Organisation.objects.get(slug="acme")
    Connection.objects.create(
        organisation=acme,
        protocol="saml",
        slug="acme-saml",
        label="Acme SAML",
        metadata_url="https://idp.acme.test/metadata",
    )

    page = admin_client.get(
        reverse("admin:sso_organisation_change", args=[acme.pk])
    ).content.decode()

    assert "https://kindred.example/accounts/oidc/acme-oidc/login/callback/" in page
    assert "https://kindred.example/accounts/saml/acme-saml/acs/" in page
    assert "https://kindred.example/accounts/saml/acme-saml/metadata/" in page


def test_pasted_saml_metadata_fills_in_the_idps_fields(admin_client):
    saml = {"protocol": "saml", "label": "Acme SAML", "slug": "acme-saml", "metadata_xml": METADATA}

    response = admin_client.post(ADD, posted(connections=[saml]))

    assert response.status_code == 302
    connection = Connection.objects.get()
    assert connection.idp_entity_id == "https://idp.acme.test/metadata"
    assert connection.idp_sso_url == "https://idp.acme.test/sso"
    assert connection.idp_x509cert.replace("\n", "") == CERT


def test_metadata_that_cannot_be_read_says_why(admin_client):
    saml = {"protocol": "saml", "label": "Acme SAML", "slug": "acme-saml", "metadata_xml": "<nope"}

    response = admin_client.post(ADD, posted(connections=[saml]))

    assert response.status_code == 200
    assert "not readable XML metadata" in response.content.decode()
    assert not Connection.objects.exists()


def test_a_saml_connection_needs_a_metadata_url_or_the_idps_fields(admin_client):
    saml = {"protocol": "saml", "label": "Acme SAML", "slug": "acme-saml"}

    response = admin_client.post(ADD, posted(connections=[saml]))

    page = response.content.decode()
    assert response.status_code == 200
    assert (
        "Give the IdP&#x27;s metadata URL, paste its metadata XML, or fill in IdP entity ID" in page
    )
    assert not Connection.objects.exists()
