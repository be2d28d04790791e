"""Account edges an outside check found (issue 14, item 10): guessing the
password on the delete-account form, tokens that outlived a new password,
and names with nothing visible in them."""

import pytest
from django.core.management import call_command
from django.urls import reverse

from api.models import Token
from profiles.forms import AboutForm
from tests.api.conftest import bearer, call
from tests.conftest import login
from tests.factories import PASSWORD, ProfileFactory, UserFactory, tags

pytestmark = pytest.mark.django_db


def test_guessing_the_password_to_delete_an_account_is_throttled(client):
    user = UserFactory()
    login(client, user)
    url = reverse("privacy:delete_account")
    for _ in range(5):
        page = client.post(url, {"password": "guess guess guess", "confirm": "DELETE"})
        assert "That is not your password." in page.content.decode()
    page = client.post(url, {"password": PASSWORD, "confirm": "DELETE"})
    assert "Too many tries" in page.content.decode()
    assert type(user).objects.filter(pk=user.pk).exists()


@pytest.mark.parametrize("how", ["change", "reset_from_admin", "command"])
def test_a_new_password_revokes_every_api_token(client, how, monkeypatch):
    user = UserFactory()
    api = bearer(user)
    assert call(api, "get", "/profiles/").status_code == 200
    new = "a brand new passphrase 2027"
    if how == "change":
        login(client, user)
        client.post(
            reverse("account_change_password"),
            {"oldpassword": PASSWORD, "password1": new, "password2": new},
        )
    elif how == "reset_from_admin":
        user.set_password(new)
        user.save()
    else:
        monkeypatch.setattr("getpass.getpass", lambda *a, **k: new)
        call_command("changepassword", user.email, stdout=None)
    user.refresh_from_db()
    assert user.check_password(new)
    assert call(api, "get", "/profiles/").status_code == 401
    assert not Token.objects.filter(user=user).active().exists()


def test_a_rehashed_password_keeps_the_tokens(monkeypatch):
    user = UserFactory()
    api = bearer(user)
    # What Django does when a hasher's parameters grow: the same password, stored anew.
    monkeypatch.setattr(
        "django.contrib.auth.hashers.Argon2PasswordHasher.must_update", lambda self, h: True
    )
    assert user.check_password(PASSWORD)
    assert call(api, "get", "/profiles/").status_code == 200


def about(profile, name: str) -> AboutForm:
    languages = [t.pk for t in tags("language", "english")]
    data = {"display_name": name, "career_stage": 1, "languages": languages}
    return AboutForm(data, instance=profile)


@pytest.mark.parametrize(
    "name",
    ["\u200b\u200b", "\u200e\u200f", "\u202e\u202d", " \u2066\u2069 ", "\ufeff", "\u00ad"],
)
def test_a_name_of_nothing_visible_is_refused(program, name):
    profile = ProfileFactory(program=program)
    form = about(profile, name)
    assert not form.is_valid()
    assert form.errors["display_name"] == ["Please use a name with at least one visible letter."]


def test_direction_overrides_are_taken_out_of_a_name(program):
    profile = ProfileFactory(program=program)
    form = about(profile, "Ana\u202e lopez")
    assert form.is_valid(), form.errors
    assert form.cleaned_data["display_name"] == "Ana lopez"


@pytest.mark.parametrize("name", ["李小龍", "अनु", "Nguyễn Thị", "Zoë-Anne O'Neil"])
def test_names_in_every_script_are_kept(program, name):
    profile = ProfileFactory(program=program)
    form = about(profile, name)
    assert form.is_valid(), form.errors
    assert form.cleaned_data["display_name"] == name
