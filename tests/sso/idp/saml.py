"""The test SAML IdP (saml_idp.js): started on a free loopback port with a key
and certificate made for the run, and driven over its /_test/ API."""

from __future__ import annotations

import base64
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urljoin

import requests

from scripts.saml_smoke import key_and_cert

from .pages import forms
from .processes import node_idp

SCRIPT = Path(__file__).with_name("saml_idp.js")


@dataclass(frozen=True)
class SamlUser:
    email: str
    password: str
    first_name: str
    last_name: str
    uid: str

    def as_json(self) -> dict:
        return {
            "email": self.email,
            "password": self.password,
            "firstName": self.first_name,
            "lastName": self.last_name,
            "uid": self.uid,
        }


USERS = (
    SamlUser("ada@acme.test", "idp-password-ada", "Ada", "Lovelace", "u-ada"),
    SamlUser("grace@acme.test", "idp-password-grace", "Grace", "Hopper", "u-grace"),
)


def cert_body(pem: str) -> str:
    """A PEM certificate as admins paste it: the base64 without its armour."""
    return "".join(line for line in pem.splitlines() if line and "-----" not in line)


@dataclass
class SamlIdp:
    base_url: str
    cert_pem: str
    users: tuple[SamlUser, ...] = USERS
    http: requests.Session = field(default_factory=requests.Session)

    @property
    def entity_id(self) -> str:
        return f"{self.base_url}/metadata"

    @property
    def metadata_url(self) -> str:
        return f"{self.base_url}/metadata"

    @property
    def sso_url(self) -> str:
        return f"{self.base_url}/sso"

    @property
    def slo_url(self) -> str:
        return f"{self.base_url}/slo"

    @property
    def cert(self) -> str:
        return cert_body(self.cert_pem)

    def metadata(self) -> str:
        response = self.http.get(self.metadata_url, timeout=5)
        response.raise_for_status()
        return response.text

    def set_mode(self, mode: str) -> None:
        """``normal``, ``expired`` (signed, but out of date) or ``unsigned``."""
        self.http.put(
            f"{self.base_url}/_test/mode", json={"mode": mode}, timeout=5
        ).raise_for_status()

    def register_sp(self, metadata_xml: str) -> None:
        """What an admin does at the IdP: trust Kindred's SP metadata (ACS, entity ID)."""
        self.http.post(
            f"{self.base_url}/_test/sp",
            data=metadata_xml.encode(),
            headers={"Content-Type": "application/xml"},
            timeout=5,
        ).raise_for_status()

    def add_user(self, user: SamlUser) -> None:
        self.http.post(
            f"{self.base_url}/_test/users", json=user.as_json(), timeout=5
        ).raise_for_status()

    def logouts(self) -> list[str]:
        """The NameIDs whose logout a service provider asked for."""
        return self.http.get(f"{self.base_url}/_test/logouts", timeout=5).json()

    def sign_in(self, redirect_url: str, *, email: str, password: str) -> dict:
        """Follow Kindred's redirect to the IdP, sign in, and return what the IdP's
        Continue button would POST: ``{"action", "SAMLResponse", "RelayState"}``."""
        idp = requests.Session()
        page = idp.get(redirect_url, timeout=5)
        page.raise_for_status()
        (form,) = forms(page.text)
        answer = idp.post(
            urljoin(page.url, form["action"]),
            data={**form["fields"], "email": email, "password": password},
            timeout=5,
        )
        answer.raise_for_status()
        (continue_form,) = forms(answer.text)
        return {"action": continue_form["action"], **continue_form["fields"]}


@contextmanager
def running() -> Iterator[SamlIdp]:
    """The IdP, signing with a key made for this run, until the block ends."""
    key_pem, cert_pem = key_and_cert("Kindred test IdP")
    config = {
        "privateKey": key_pem,
        "cert": cert_pem,
        "users": [user.as_json() for user in USERS],
    }
    with node_idp(SCRIPT, env_name="SAML_IDP_CONFIG", config=config) as ready:
        yield SamlIdp(base_url=ready["base_url"], cert_pem=cert_pem)


def decoded(saml_response: str) -> str:
    return base64.b64decode(saml_response).decode()


def encoded(xml: str) -> str:
    return base64.b64encode(xml.encode()).decode()
