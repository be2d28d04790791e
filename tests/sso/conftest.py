"""Fixtures for single sign-on: local identity providers on loopback, one process
per test session each, configured by the tests (tests/sso/idp/)."""

import pytest

# --- SAML (H3): the test IdP, tests/sso/idp/saml_idp.js, one per test session ---


@pytest.fixture(scope="session")
def saml_idp():
    """A real SAML 2.0 IdP on a free loopback port (tests/sso/idp/saml.py)."""
    from tests.sso.idp import saml

    with saml.running() as idp:
        yield idp


@pytest.fixture
def saml_mode(saml_idp):
    """Sets the IdP's mode for one test, and puts it back to normal after."""
    yield saml_idp.set_mode
    saml_idp.set_mode("normal")


# --- end of SAML (H3) ---

# --- OpenID Connect (H2): the test IdP, tests/sso/idp/oidc_idp.js, one per test session ---

OIDC_SLUG = "acme-oidc"
KINDRED = "http://testserver"  # the Django test client's host


@pytest.fixture(scope="session")
def _oidc_idp_process():
    from tests.sso.idp import oidc

    with oidc.running(kindred=KINDRED, slug=OIDC_SLUG) as idp:
        yield idp


@pytest.fixture
def oidc_idp(_oidc_idp_process):
    """The running OIDC provider; each test starts with good ID tokens."""
    yield _oidc_idp_process
    _oidc_idp_process.set_mode("normal")


@pytest.fixture
def acme(db):
    """An organisation that owns the acme.test email domain."""
    from sso.models import EmailDomain, Organisation

    acme = Organisation.objects.create(name="Acme", slug="acme")
    EmailDomain.objects.create(organisation=acme, domain="acme.test")
    return acme


@pytest.fixture
def oidc_connection(acme, oidc_idp):
    """Acme's OIDC connection to the local provider."""
    from tests.sso.idp import oidc

    return oidc.connect(idp=oidc_idp, organisation=acme, slug=OIDC_SLUG)


@pytest.fixture
def oidc_sign_in(oidc_connection, oidc_idp):
    """A person's whole round trip: Kindred's sign-in button, the IdP's form, back
    to Kindred's callback. Returns the callback's response; the IdP's cookies are
    in ``browser`` (a fresh one each call unless given)."""
    import requests

    def sign_in(client, *, email: str, browser: requests.Session | None = None):
        response = client.post(f"/accounts/oidc/{OIDC_SLUG}/login/")
        assert response.status_code == 302, response
        callback = oidc_idp.sign_in(
            browser or requests.Session(), response["Location"], email=email
        )
        assert callback.startswith(f"{KINDRED}/"), callback
        return client.get(callback.removeprefix(KINDRED), follow=True)

    return sign_in


# --- end of OpenID Connect (H2) ---
