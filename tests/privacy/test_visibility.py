"""Each sensitive answer is shown only where its owner allowed (docs/security.md).

One mentee and one mentor, each with a background answer and a note in their
own words, are looked at from every place a profile appears, for each choice
of visibility. The answer must appear exactly when the choice allows."""

import csv
import io

import pytest
from django.contrib.auth.models import Permission
from django.core import mail
from django.urls import reverse

from matching import exports, suggestions
from matching.models import Suggestion
from mentorships import lifecycle
from mentorships.models import Mentorship
from tests.conftest import login
from tests.factories import MentorFactory, ProfileFactory, UserFactory, tags

pytestmark = pytest.mark.django_db

MENTEE_SECRET, MENTEE_NOTE = "Filipino", "Manila-born, raised in Ohio"
MENTOR_SECRET, MENTOR_NOTE = "Vietnamese", "Boat family, Houston"


def people(program, mentee_visibility: str, mentor_visibility: str):
    mentee = ProfileFactory(
        program=program,
        goals=["networking"],
        background_visibility=mentee_visibility,
        heritage_note=MENTEE_NOTE,
    )
    mentor = MentorFactory(
        program=program,
        goals=["networking"],
        background_visibility=mentor_visibility,
        heritage_note=MENTOR_NOTE,
    )
    mentee.background.set(tags("heritage", "filipino"))
    mentor.background.set(tags("heritage", "vietnamese"))
    suggestions.refresh_profile(profile_id=mentee.pk)
    return mentee, mentor


def page(client, user, url) -> str:
    login(client, user)
    return client.get(url).content.decode()


def shows(html: str, secret: str, note: str) -> bool:
    return (
        (secret in html) == (note in html) and secret in html
        if secret in html or note in html
        else False
    )


VISIBILITIES = ["matching", "matches", "program"]


@pytest.mark.parametrize("visibility", VISIBILITIES)
def test_a_mentors_answers_on_a_mentees_suggestions(client, program, visibility):
    mentee, _mentor = people(program, "matching", visibility)
    html = page(client, mentee.user, reverse("matching:profile_home", args=[mentee.pk]))
    assert shows(html, MENTOR_SECRET, MENTOR_NOTE) == (visibility == "program")


@pytest.mark.parametrize("visibility", VISIBILITIES)
def test_a_mentees_answers_on_the_request_the_mentor_reads(client, program, visibility):
    mentee, mentor = people(program, visibility, "matching")
    suggestions.request_mentor(suggestion=Suggestion.objects.get(mentee=mentee), message="hi")
    html = page(client, mentor.user, reverse("matching:profile_home", args=[mentor.pk]))
    # "my matches" includes the mentors a mentee asks
    assert shows(html, MENTEE_SECRET, MENTEE_NOTE) == (visibility in ("matches", "program"))


@pytest.mark.parametrize("visibility", VISIBILITIES)
@pytest.mark.parametrize("stage", ["requested", "accepted", "ended"])
def test_each_sides_answers_on_the_mentorship_page(client, program, visibility, stage):
    mentee, mentor = people(program, visibility, visibility)
    m = suggestions.request_mentor(suggestion=Suggestion.objects.get(mentee=mentee), message="hi")
    if stage != "requested":
        lifecycle.accept(mentorship=m)
    if stage == "ended":
        lifecycle.end(mentorship=m, by=mentee, reason="no_time")
    url = reverse("mentorships:detail", args=[m.pk])
    paired = stage == "accepted"
    mentee_seen_by_mentor = visibility == "program" or (
        visibility == "matches" and stage != "ended"
    )
    mentor_seen_by_mentee = visibility == "program" or (visibility == "matches" and paired)
    assert (
        shows(page(client, mentor.user, url), MENTEE_SECRET, MENTEE_NOTE) == mentee_seen_by_mentor
    )
    assert (
        shows(page(client, mentee.user, url), MENTOR_SECRET, MENTOR_NOTE) == mentor_seen_by_mentee
    )


@pytest.mark.parametrize("visibility", VISIBILITIES)
def test_nobody_outside_the_pair_sees_them_on_a_page(client, program, visibility):
    mentee, _mentor = people(program, visibility, visibility)
    m = suggestions.request_mentor(suggestion=Suggestion.objects.get(mentee=mentee), message="hi")
    lifecycle.accept(mentorship=m)
    for outsider in (
        ProfileFactory(program=program).user,
        MentorFactory(program=program).user,
        UserFactory(is_staff=True),
    ):
        login(client, outsider)
        for url in (reverse("mentorships:detail", args=[m.pk]), reverse("matching:home")):
            html = client.get(url, follow=True).content.decode()
            assert (
                MENTEE_SECRET not in html and MENTOR_SECRET not in html and MENTEE_NOTE not in html
            )


@pytest.mark.parametrize("visibility", VISIBILITIES)
def test_reasons_name_a_private_answer_only_when_shared_with_the_program(
    client, program, visibility
):
    mentee = ProfileFactory(program=program, goals=["networking"])
    mentor = MentorFactory(program=program, goals=["networking"], background_visibility=visibility)
    for person in (mentee, mentor):
        person.background.set(tags("heritage", "korean"))
    suggestions.refresh_profile(profile_id=mentee.pk)
    reasons = " ".join(Suggestion.objects.get(mentee=mentee).worded_reasons)
    assert ("Korean" in reasons) == (visibility == "program")


@pytest.mark.parametrize("visibility", VISIBILITIES)
def test_exports_and_admin_need_the_permission_whatever_the_choice(client, program, visibility):
    mentee, mentor = people(program, visibility, visibility)
    Mentorship.objects.create(program=program, mentee=mentee, mentor=mentor, status="active")
    out = io.StringIO()
    exports.write_matches(program, out, include_sensitive=False)
    assert MENTEE_SECRET not in out.getvalue() and MENTEE_NOTE not in out.getvalue()
    staff = UserFactory(is_staff=True, is_superuser=False)
    staff.user_permissions.add(
        *Permission.objects.filter(
            codename__in=["view_profile", "change_profile", "view_sensitive_answers"]
        )
    )
    login(client, staff)
    url = reverse("admin:profiles_profile_change", args=[mentee.pk])
    assert client.get(url).status_code == 302  # the Django admin is for superusers only
    superuser = UserFactory(is_staff=True, is_superuser=True)
    html = page(client, superuser, url)
    assert "heritage_note" in html
    rows = list(csv.reader(io.StringIO(_export(program, True))))
    assert MENTEE_SECRET in rows[1][-8:] or any(MENTEE_SECRET in c for c in rows[1])


def _export(program, include_sensitive: bool) -> str:
    out = io.StringIO()
    exports.write_matches(program, out, include_sensitive=include_sensitive)
    return out.getvalue()


def test_emails_never_carry_background_answers(client, program, django_capture_on_commit_callbacks):
    mentee, mentor = people(program, "program", "program")
    with django_capture_on_commit_callbacks(execute=True):
        m = suggestions.request_mentor(
            suggestion=Suggestion.objects.get(mentee=mentee), message="hi"
        )
    with django_capture_on_commit_callbacks(execute=True):
        lifecycle.accept(mentorship=m)
    with django_capture_on_commit_callbacks(execute=True):
        lifecycle.end(mentorship=m, by=mentor, reason="goals_met")
    assert len(mail.outbox) >= 3
    for message in mail.outbox:
        for secret in (MENTEE_SECRET, MENTOR_SECRET, MENTEE_NOTE, MENTOR_NOTE):
            assert secret not in message.body and secret not in message.subject


def browse_card(client, mentee, mentor) -> str:
    """The mentor's card on the mentee's browse page (the page's filters name
    every language, so only the card is looked at)."""
    html = page(client, mentee.user, reverse("matching:browse", args=[mentee.pk]))
    cards = [c for c in html.split('<li class="card suggestion"')[1:] if mentor.name in c]
    assert len(cards) == 1
    return cards[0]


@pytest.mark.parametrize("visibility", VISIBILITIES)
def test_a_mentors_answers_on_the_browse_page(client, program, visibility):
    mentee, mentor = people(program, "matching", visibility)
    card = browse_card(client, mentee, mentor)
    assert shows(card, MENTOR_SECRET, MENTOR_NOTE) == (visibility == "program")


@pytest.mark.parametrize("visibility", VISIBILITIES)
def test_a_mentors_answers_on_their_own_mentees_browse_page(client, program, visibility):
    mentee, mentor = people(program, "matching", visibility)
    Mentorship.objects.create(program=program, mentee=mentee, mentor=mentor, status="active")
    card = browse_card(client, mentee, mentor)
    assert shows(card, MENTOR_SECRET, MENTOR_NOTE) == (visibility in ("matches", "program"))
