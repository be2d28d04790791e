"""A person their directory deactivated cannot sign in through their
organisation's identity provider either (a real OIDC provider on loopback)."""

import pytest
from django.test import Client

from sso import deactivation, members
from sso.members import Person

pytestmark = pytest.mark.django_db


def test_sso_sign_in_of_a_deactivated_member_shows_the_inactive_page(oidc_connection, oidc_sign_in):
    oidc_sign_in(Client(), email="alice@acme.test")
    member = members.provision(
        organisation=oidc_connection.organisation, person=Person(email="alice@acme.test")
    )
    deactivation.deactivate(member=member)

    browser = Client()
    response = oidc_sign_in(browser, email="alice@acme.test")

    assert response.redirect_chain[-1][0] == "/accounts/inactive/"
    assert not browser.get("/").wsgi_request.user.is_authenticated


def test_sso_sign_in_works_again_once_reactivated(oidc_connection, oidc_sign_in):
    oidc_sign_in(Client(), email="alice@acme.test")
    member = members.provision(
        organisation=oidc_connection.organisation, person=Person(email="alice@acme.test")
    )
    deactivation.deactivate(member=member)
    deactivation.reactivate(member=member)

    browser = Client()
    oidc_sign_in(browser, email="alice@acme.test")

    assert browser.get("/").wsgi_request.user.email == "alice@acme.test"
