"""Errors in the house style, with DEBUG off as in production (issue 14,
item 11): a plain word on what happened and a way on, never Django's bare
pages or a traceback."""

import pytest
from django.test import Client
from django.urls import reverse

from tests.conftest import login
from tests.factories import UserFactory, coordinator

pytestmark = pytest.mark.django_db


@pytest.fixture
def production_errors(settings):
    settings.DEBUG = False
    settings.ALLOWED_HOSTS = ["testserver"]


def house_style(html: str) -> bool:
    marks = ('class="site-header"', "kindred.css", "Skip to main content")
    return all(mark in html for mark in marks)


def test_a_missing_page_is_a_404_in_the_house_style(production_errors, client):
    response = client.get("/no/such/page/")
    html = response.content.decode()
    assert response.status_code == 404 and house_style(html)
    assert "We could not find that page" in html and "Go to the start page" in html


def test_someone_elses_page_says_not_found_and_offers_their_home(production_errors, client):
    login(client, UserFactory())
    html = client.get("/p/999999/").content.decode()
    assert "We could not find that page" in html and "Go to your home" in html


def test_an_action_address_opened_in_a_browser_says_to_use_its_button(production_errors, client):
    login(client, UserFactory(is_staff=True))
    response = client.get(reverse("dashboard:rescore", args=["default"]))
    html = response.content.decode()
    assert response.status_code == 405 and response["Allow"] == "POST" and house_style(html)
    assert "This address only works from its button" in html and "Nothing was changed" in html


def test_an_admins_page_is_a_403_for_a_coordinator_in_the_house_style(
    production_errors, client, program
):
    login(client, coordinator(program))
    response = client.get(reverse("dashboard:settings", args=[program.slug]))
    html = response.content.decode()
    assert response.status_code == 403 and house_style(html)
    assert "This page is not open to you" in html


def test_the_admin_area_is_not_found_by_those_without_a_role(production_errors, client, program):
    login(client, UserFactory(is_staff=True))
    for url in (reverse("dashboard:programs"), reverse("dashboard:program", args=[program.slug])):
        response = client.get(url)
        assert response.status_code == 404 and house_style(response.content.decode())


def test_a_bug_is_a_500_in_the_house_style_without_details(production_errors, settings):
    settings.ROOT_URLCONF = "tests.security.error_urls"
    client = Client(raise_request_exception=False)
    login(client, UserFactory())
    response = client.get("/__boom__/")
    html = response.content.decode()
    assert response.status_code == 500 and house_style(html)
    assert "Something went wrong on our side" in html
    assert "RuntimeError" not in html and "Traceback" not in html


def test_an_expired_form_is_a_403_in_the_house_style(production_errors):
    client = Client(enforce_csrf_checks=True)
    login(client, UserFactory())
    response = client.post(reverse("privacy:export"))
    html = response.content.decode()
    assert response.status_code == 403 and house_style(html)
    assert "That form had expired" in html and "nothing was saved" in html
