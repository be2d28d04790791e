"""The language people read Kindred in: chosen on any page, kept on the account,
the browser's otherwise (profiles/languages.py)."""

import json

import pytest
from django.conf import settings
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import translation

from mentorships import guides
from profiles import emails, tag_names
from profiles.models import Tag, User
from tests.conftest import login
from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db


def choose(client: Client, code: str, next_url: str = "/accessibility/"):
    return client.post(reverse("profiles:language"), {"language": code, "next": next_url})


def html_lang(client: Client, path: str = "/accessibility/", **headers) -> str:
    page = client.get(path, **headers).content.decode()
    return page.split("<html lang=", 1)[1].split(">", 1)[0]


def test_every_page_offers_the_chooser_before_signing_in(client):
    page = client.get(reverse("account_login")).content.decode()
    assert 'id="language-select"' in page
    assert 'for="language-select"' in page
    for code, name in settings.LANGUAGES:
        assert f'<option value="{code}" lang="{code}"' in page
        assert name in page
    # At the top too, naming the language the page is in, and leading to the chooser.
    assert '<a class="nav-language" href="#language">' in page
    assert '<span class="nav-language-name" lang="en">English</span>' in page


def test_each_language_is_offered_in_its_own_name_on_every_page(client):
    choose(client, "ko")
    page = client.get("/accessibility/").content.decode()
    for code, name in settings.LANGUAGES:
        assert f'<option value="{code}" lang="{code}"' in page
        assert f">{name}</option>" in page
    assert ">영어</option>" not in page


def test_a_choice_before_signing_in_is_kept_in_a_cookie_and_goes_back_to_the_page(client):
    response = choose(client, "ko", "/accessibility/")
    assert response.status_code == 302
    assert response["Location"] == "/accessibility/"
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "ko"
    assert html_lang(client) == '"ko" dir="ltr"'


def test_the_browser_language_is_used_until_someone_chooses(client):
    assert html_lang(client, HTTP_ACCEPT_LANGUAGE="vi,en;q=0.5") == '"vi" dir="ltr"'
    # Taiwan's and Hong Kong's Chinese read Traditional characters.
    assert html_lang(client, HTTP_ACCEPT_LANGUAGE="zh-TW") == '"zh-hant" dir="ltr"'
    assert html_lang(client, HTTP_ACCEPT_LANGUAGE="fr") == '"en" dir="ltr"'


def test_a_signed_in_choice_is_remembered_on_the_account_for_every_device(client, user):
    choose(login(client, user), "hi")
    user.refresh_from_db()
    assert user.language == "hi"
    elsewhere = login(Client(HTTP_ACCEPT_LANGUAGE="en"), user)
    assert html_lang(elsewhere) == '"hi" dir="ltr"'


def test_an_unknown_language_changes_nothing(client, user):
    response = choose(login(client, user), "xx")
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.language == ""
    assert html_lang(client) == '"en" dir="ltr"'


def test_the_chooser_never_sends_people_off_the_site(client):
    response = choose(client, "ko", "https://evil.example/")
    assert response["Location"] == "/"


def test_someone_who_never_chose_keeps_the_language_they_signed_in_with(client):
    user = UserFactory()
    choose(client, "tl")
    client.post(reverse("account_login"), {"login": user.email, "password": PASSWORD})
    user.refresh_from_db()
    assert user.language == "tl"


def test_signing_in_does_not_overwrite_a_choice_made_before(client):
    user = UserFactory(language="ko")
    client.post(
        reverse("account_login"),
        {"login": user.email, "password": PASSWORD},
        HTTP_ACCEPT_LANGUAGE="vi",
    )
    assert User.objects.get(pk=user.pk).language == "ko"
    assert html_lang(client) == '"ko" dir="ltr"'


@pytest.fixture
def shipped(settings, tmp_path):
    """A locale folder of our own, in place of the shipped one."""
    settings.LOCALE_PATHS = [tmp_path]
    guides._load.cache_clear()
    yield tmp_path
    guides._load.cache_clear()


def test_seeded_tag_names_come_from_the_shipped_files_but_never_overwrite_an_admins(shipped):
    (shipped / "ko").mkdir()
    (shipped / "ko" / "taxonomy.json").write_text(
        json.dumps({"goal:networking": "네트워킹", "goal:leadership": "리더십"}), encoding="utf-8"
    )
    Tag.objects.filter(slug__in=["networking", "leadership"]).update(name_ko=None)
    Tag.objects.filter(slug="leadership").update(name_ko="우리 프로그램의 리더십")
    assert tag_names.fill() == 1
    assert Tag.objects.get(kind="goal", slug="networking").name_ko == "네트워킹"
    assert Tag.objects.get(kind="goal", slug="leadership").name_ko == "우리 프로그램의 리더십"
    assert tag_names.fill() == 0


def test_a_tag_reads_in_the_active_language_and_falls_back_to_english(shipped):
    Tag.objects.filter(kind="goal", slug="networking").update(name_ko="네트워킹", name_vi=None)
    with translation.override("ko"):
        assert Tag.objects.get(kind="goal", slug="networking").name == "네트워킹"
    with translation.override("vi"):
        assert Tag.objects.get(kind="goal", slug="networking").name == "Networking"


def test_a_translated_guide_is_read_in_its_language_and_english_elsewhere(shipped):
    folder = shipped / "ko" / "guides"
    folder.mkdir(parents=True)
    english = guides.load("networking", "en")
    (folder / "networking.md").write_text(
        "# 네트워킹\n\n여는 글.\n\n"
        + "\n\n".join(f"## 부분 {n}\n\n본문 {n}." for n in range(len(english.parts))),
        encoding="utf-8",
    )
    korean = guides.load("networking", "ko")
    assert korean.title == "네트워킹"
    assert len(korean.parts) == len(english.parts)
    assert guides.load("networking", "vi").title == english.title
    assert guides.load("../networking", "ko") is None


def test_signing_up_keeps_the_language_of_the_page(client):
    """The welcome email goes out when the address is confirmed, before any sign-in."""
    choose(client, "vi")
    client.post(
        reverse("account_signup"),
        {"email": "an@example.org", "password1": PASSWORD, "password2": PASSWORD},
    )
    assert User.objects.get(email="an@example.org").language == "vi"


def test_an_email_is_written_in_its_recipients_language(user):
    user.language = "vi"
    user.save()
    emails.welcome(user.pk)
    (email,) = mail.outbox
    with translation.override("vi"):
        subject = translation.gettext("Welcome to %(site_name)s") % {"site_name": "Kindred"}
    assert subject != "Welcome to Kindred"
    assert email.subject == subject
    assert '<html lang="vi"' in email.alternatives[0][0]


def test_signing_in_speaks_the_accounts_language_at_once(client):
    """The message "Signed in as …" is written in the same request as the sign-in."""
    user = UserFactory(language="ko")
    response = client.post(
        reverse("account_login"),
        {"login": user.email, "password": PASSWORD},
        HTTP_ACCEPT_LANGUAGE="de",
        follow=True,
    )
    (message,) = [str(m) for m in response.context["messages"]]
    with translation.override("ko"):
        expected = translation.gettext("Successfully signed in as %(name)s.") % {"name": user.email}
    assert message == expected
