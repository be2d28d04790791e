"""The shared look: allauth's pages inside the site's layout, the messages region a
keyboard user is taken to, and error pages in the house style."""

import pytest
from django.urls import reverse

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_the_log_in_page_uses_the_sites_layout_and_buttons(client):
    page = client.get(reverse("account_login")).content.decode()
    assert 'aria-label="Main"' in page and 'class="container narrow account-page' in page
    assert 'class="button" type="submit"' in page  # allauth's button element, restyled


def test_account_pages_share_a_menu_that_marks_the_current_one(client):
    client.force_login(UserFactory())
    page = client.get(reverse("account_email")).content.decode()
    assert 'aria-label="Account"' in page
    assert f'<a href="{reverse("account_email")}" aria-current="page">Email</a>' in page
    assert f'<a href="{reverse("account_change_password")}">Password</a>' in page


def test_the_email_page_marks_addresses_with_badges_and_remove_as_destructive(client):
    client.force_login(UserFactory())
    page = client.get(reverse("account_email")).content.decode()
    assert 'class="badge badge-brand"' in page  # "Primary"
    assert 'class="button button-danger" name="action_remove"' in page


def test_a_message_is_in_a_focusable_status_region(client):
    user = UserFactory()
    client.force_login(user)
    response = client.post(reverse("account_logout"), follow=True)
    page = response.content.decode()
    region = page.split('<div class="messages" role="status" tabindex="-1">', 1)[1]
    assert "You have signed out." in region.split("</div>", 1)[0]


def test_no_message_no_region(client):
    page = client.get(reverse("profiles:landing")).content.decode()
    assert 'class="messages"' not in page


def test_the_menu_button_controls_the_main_links(client):
    client.force_login(UserFactory())
    page = client.get(reverse("account_change_password")).content.decode()
    assert 'class="nav-toggle" aria-expanded="false" aria-controls="nav-menu"' in page
    assert 'id="nav-menu"' in page


def test_a_missing_page_is_a_404_in_the_house_style(client):
    response = client.get("/no-such-page/")
    page = response.content.decode()
    assert response.status_code == 404
    assert 'class="card error-page"' in page and "We could not find that page" in page
