"""Withdrawing consent and deleting an account ask first, saying what they do,
and change nothing until the person confirms."""

import html

import pytest
from django.urls import reverse

from matching import suggestions
from matching.models import Suggestion
from mentorships import lifecycle
from profiles.models import Consent, User
from profiles.services import set_background
from tests.conftest import login
from tests.factories import PASSWORD, ProfileFactory, tags

pytestmark = pytest.mark.django_db


@pytest.fixture
def answered(program):
    """A mentee with heritage and faith answers, and heritage and language as must-haves."""
    person = ProfileFactory(program=program)
    set_background(
        profile=person,
        tags=tags("heritage", "korean"),
        note="Seoul, then Queens",
        visibility="matching",
        answered=["heritage"],
    )
    person.must_share = ["heritage", "language"]
    person.save()
    return person


def withdraw(client, person, **data):
    login(client, person.user)
    return client.post(reverse("profiles:withdraw_consent", args=[person.pk]), data)


def test_withdrawing_without_confirming_changes_nothing_and_asks(client, answered):
    response = withdraw(client, answered)
    assert response.status_code == 200
    page = html.unescape(response.content.decode())
    assert "Withdraw consent to your background answers?" in page
    assert "Yes, withdraw consent and delete my answers" in page
    answered.refresh_from_db()
    assert answered.background.exists() and answered.heritage_note == "Seoul, then Queens"
    assert answered.must_share == ["heritage", "language"]
    assert Consent.objects.get(profile=answered).withdrawn_at is None


def test_the_confirmation_names_the_must_haves_it_removes(client, answered):
    login(client, answered.user)
    response = client.get(reverse("profiles:withdraw_consent", args=[answered.pk]))
    page = html.unescape(response.content.decode())
    assert (
        "Your must-have that depended on that answer is removed too: <strong>Heritage</strong>"
        in (page)
    )
    assert "Language stays a must-have." in page
    assert "deleted at once (Heritage)" in page
    assert answered.background.exists()


def test_a_confirmation_without_must_haves_says_none_depends_on_them(client, answered):
    answered.must_share = []
    answered.save()
    page = withdraw(client, answered).content.decode()
    assert "none of yours does right now" in page


def test_withdrawing_once_confirmed(client, answered):
    response = withdraw(client, answered, confirm="yes")
    assert response.status_code == 302
    answered.refresh_from_db()
    assert not answered.background.exists() and answered.heritage_note == ""
    assert answered.must_share == ["language"]
    assert Consent.objects.get(profile=answered).withdrawn_at is not None


def test_nobody_opens_anothers_withdrawal_page(client, answered, program):
    login(client, ProfileFactory(program=program).user)
    url = reverse("profiles:withdraw_consent", args=[answered.pk])
    assert client.get(url).status_code == 404
    assert client.post(url, {"confirm": "yes"}).status_code == 404
    assert answered.background.exists()


def test_the_delete_page_names_what_closes(client, program, mentee, mentor):
    suggestions.refresh_profile(profile_id=mentee.pk)
    pair = suggestions.request_mentor(
        suggestion=Suggestion.objects.get(mentee=mentee), message="Hi"
    )
    lifecycle.accept(mentorship=pair)
    login(client, mentee.user)
    page = html.unescape(client.get(reverse("privacy:delete_account")).content.decode())
    assert "What happens when you confirm" in page
    assert f"Your mentorship with {mentor.name} ends" in page
    assert f"mentee in {program.name}" in page


def test_the_delete_page_counts_waiting_requests_in_words(client, mentee, mentor):
    suggestions.refresh_profile(profile_id=mentee.pk)
    suggestions.request_mentor(suggestion=Suggestion.objects.get(mentee=mentee), message="Hi")
    login(client, mentee.user)
    assert b"1 waiting request closes." in client.get(reverse("privacy:delete_account")).content


def test_the_delete_page_offers_a_way_back(client, mentee):
    login(client, mentee.user)
    page = client.get(reverse("privacy:delete_account")).content.decode()
    assert f'<a href="{reverse("matching:home")}">No, keep my account</a>' in page


def test_deleting_without_the_typed_confirmation_changes_nothing(client, mentee):
    login(client, mentee.user)
    response = client.post(reverse("privacy:delete_account"), {"password": PASSWORD})
    assert response.status_code == 200
    assert "What happens when you confirm" in response.content.decode()
    assert User.objects.filter(pk=mentee.user.pk).exists()


def test_deleting_once_confirmed(client, mentee):
    login(client, mentee.user)
    response = client.post(
        reverse("privacy:delete_account"), {"password": PASSWORD, "confirm": "DELETE"}
    )
    assert response.status_code == 302
    assert not User.objects.filter(pk=mentee.user.pk).exists()
