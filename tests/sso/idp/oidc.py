"""The local OpenID Connect provider (``oidc_idp.js``) as the tests see it, and a
person's browser on it driven with ``requests``: its sign-in form, its sign-out
confirmation."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urljoin

import requests

from .pages import forms
from .processes import node_idp

SCRIPT = Path(__file__).with_name("oidc_idp.js")
CLIENT_ID = "kindred-test"
CLIENT_SECRET = "test-client-secret-not-for-production"
PASSWORD = "idp-password-1234"

USERS = {
    "alice": {
        "password": PASSWORD,
        "claims": {
            "email": "alice@acme.test",
            "email_verified": True,
            "given_name": "Alice",
            "family_name": "Archer",
            "name": "Alice Archer",
        },
    },
    "bob": {
        "password": PASSWORD,
        "claims": {
            "email": "bob@acme.test",
            "email_verified": True,
            "given_name": "Bob",
            "family_name": "Baker",
            "name": "Bob Baker",
        },
    },
}


@dataclass
class OidcIdp:
    issuer: str
    client_id: str = CLIENT_ID
    client_secret: str = CLIENT_SECRET
    users: dict = field(default_factory=lambda: USERS)

    def set_mode(self, mode: str) -> None:
        """``normal``, or ``tamper`` / ``expired`` for a bad ID token from the token endpoint."""
        requests.post(
            f"{self.issuer}/__test__/mode", json={"mode": mode}, timeout=5
        ).raise_for_status()

    @contextmanager
    def mode(self, mode: str) -> Iterator[None]:
        self.set_mode(mode)
        try:
            yield
        finally:
            self.set_mode("normal")

    def follow(self, browser: requests.Session, url: str, **post) -> requests.Response:
        """Follow redirects while they stay on the IdP; the last response says where
        the person goes next (its Location), or is a page of the IdP's."""
        response = (
            browser.post(url, data=post, allow_redirects=False, timeout=5)
            if post
            else (browser.get(url, allow_redirects=False, timeout=5))
        )
        while response.is_redirect:
            location = urljoin(response.url, response.headers["Location"])
            if not location.startswith(self.issuer + "/"):
                break
            response = browser.get(location, allow_redirects=False, timeout=5)
        return response

    def sign_in(self, browser: requests.Session, authorize_url: str, *, email: str) -> str:
        """Open ``authorize_url``, sign in if asked: the URL the IdP sends the person back to."""
        response = self.follow(browser, authorize_url)
        if not response.is_redirect:
            response = self.submit_login(browser, response, email=email)
        assert response.is_redirect, response.text
        return urljoin(response.url, response.headers["Location"])

    def submit_login(
        self, browser: requests.Session, page: requests.Response, *, email: str
    ) -> requests.Response:
        (form,) = forms(page.text)
        password = next(u["password"] for u in self.users.values() if u["claims"]["email"] == email)
        return self.follow(
            browser, urljoin(page.url, form["action"]), email=email, password=password
        )

    def asks_to_sign_in(self, browser: requests.Session, authorize_url: str) -> bool:
        response = self.follow(browser, authorize_url)
        return not response.is_redirect and "Sign in to Test IdP" in response.text

    def confirm_sign_out(self, browser: requests.Session, end_session_url: str) -> str:
        """Open the end-session URL, say yes: where the IdP sends the person after."""
        page = self.follow(browser, end_session_url)
        (form,) = forms(page.text)
        response = self.follow(
            browser, urljoin(page.url, form["action"]), **form["fields"], logout="yes"
        )
        assert response.is_redirect, response.text
        return urljoin(response.url, response.headers["Location"])


@contextmanager
def running(*, kindred: str, slug: str) -> Iterator[OidcIdp]:
    """The provider, its one client registered with the addresses of the Kindred at
    ``kindred`` (a base URL) for the connection ``slug``."""
    config = {
        "clients": [
            {
                "client_id": CLIENT_ID,
                "client_secret": CLIENT_SECRET,
                "redirect_uris": [f"{kindred}/accounts/oidc/{slug}/login/callback/"],
                "post_logout_redirect_uris": [f"{kindred}/"],
            }
        ],
        "users": USERS,
    }
    with node_idp(SCRIPT, env_name="OIDC_IDP_CONFIG", config=config) as ready:
        yield OidcIdp(issuer=ready["issuer"])


def connect(*, idp: OidcIdp, organisation, slug: str):
    """The organisation's connection to ``idp``, as an admin would enter it."""
    from sso.models import Connection

    return Connection.objects.create(
        organisation=organisation,
        protocol=Connection.Protocol.OIDC,
        slug=slug,
        label="Acme SSO",
        server_url=idp.issuer,
        client_id=idp.client_id,
        client_secret=idp.client_secret,
    )
