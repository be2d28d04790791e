"""The shared look: allauth's pages inside the site's layout, the messages region a
keyboard user is taken to, and error pages in the house style."""

from pathlib import Path

import pytest
from django.apps import apps
from django.conf import settings
from django.template.loader import get_template
from django.template.loader_tags import ExtendsNode
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


# Templates that are not pages: pieces of a page (a leading "_", allauth's
# elements and snippets, includes, form widgets), emails, the layout itself, the
# Django admin's own pages, and the API's Swagger page (integrators' reference,
# with its own stylesheet).
NOT_PAGES = ("/email/", "/elements/", "/snippets/", "/includes/", "/forms/", "/widgets/")
STANDALONE = {"base.html", "api/docs.html"}


def page_templates() -> list[str]:
    """Kindred's own page templates: the project's and its apps'."""
    roots = [Path(d) for d in settings.TEMPLATES[0]["DIRS"]]
    roots += [
        Path(app.path) / "templates"
        for app in apps.get_app_configs()
        if Path(app.path).is_relative_to(settings.BASE_DIR) and "site-packages" not in app.path
    ]
    names = set()
    for root in roots:
        for path in root.rglob("*.html"):
            name = path.relative_to(root).as_posix()
            if path.name.startswith("_") or name.startswith("admin/"):
                continue
            if not any(part in f"/{name}" for part in NOT_PAGES):
                names.add(name)
    return sorted(names - STANDALONE)


def extends_chain(name: str) -> list[str]:
    """The template, then the one it extends, and so on up."""
    chain = [name]
    while True:
        nodes = get_template(chain[-1]).template.nodelist
        parent = next((n for n in nodes if isinstance(n, ExtendsNode)), None)
        if parent is None:
            return chain
        chain.append(parent.parent_name.resolve({}))


def test_every_page_is_drawn_in_the_sites_layout():
    """Each page template ends at base.html: the one stylesheet, header and footer."""
    names = page_templates()
    assert len(names) > 60 and "account/login.html" in names
    assert [name for name in names if extends_chain(name)[-1] != "base.html"] == []
