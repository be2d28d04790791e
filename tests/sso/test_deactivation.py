"""Deactivation by the directory takes effect at once (docs/security.md): no
sign-in, no session, no API token, nothing open with anyone; the other side
is told and the mentees are back in the pool. Reactivation undoes the switch."""

import pytest
from allauth.usersessions.models import UserSession
from django.contrib.sessions.models import Session
from django.core import mail
from django.test import Client

from api.models import Token
from matching.models import Suggestion
from mentorships.models import Mentorship
from profiles.models import Profile
from sso import deactivation, members
from sso.members import Person
from sso.models import EmailDomain, Member, Organisation
from sso.signals import member_deactivated
from tests.factories import PASSWORD, MentorFactory, ProfileFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def org(db) -> Organisation:
    org = Organisation.objects.create(name="Example", slug="example")
    # The factories' people are all @example.org.
    EmailDomain.objects.create(organisation=org, domain="example.org")
    return org


def member_for(org: Organisation, profile: Profile) -> Member:
    return members.provision(organisation=org, person=Person(email=profile.user.email))


@pytest.fixture
def paired(org, accepted, program, django_capture_on_commit_callbacks):
    """``accepted``'s mentor is one of the organisation's members, and another
    mentor who fits the mentee is in the pool."""
    mentee, mentor = accepted.mentee, accepted.mentor
    other = MentorFactory(program=program, goals=["networking"])
    with django_capture_on_commit_callbacks(execute=True):
        mentor_member = member_for(org, mentor)
    mail.outbox.clear()
    return accepted, mentee, mentor, other, mentor_member


def listed(mentee: Profile) -> set[int]:
    return set(
        Suggestion.objects.filter(mentee=mentee, status__in=Suggestion.LISTED).values_list(
            "mentor_id", flat=True
        )
    )


def deactivate(member: Member, capture) -> bool:
    with capture(execute=True):
        return deactivation.deactivate(member=member)


def test_a_deactivated_mentors_mentorship_ends_as_left_the_organisation(
    paired, django_capture_on_commit_callbacks
):
    mentorship, _mentee, _mentor, _other, member = paired

    assert deactivate(member, django_capture_on_commit_callbacks)

    mentorship.refresh_from_db()
    assert mentorship.status == Mentorship.Status.ENDED
    assert mentorship.end_reason == Mentorship.EndReason.LEFT_ORGANISATION
    assert mentorship.get_end_reason_display() == "Left the organisation"
    assert mentorship.ended_by == "mentor"


def test_the_mentee_is_back_in_the_pool_without_the_mentor_who_left(
    paired, django_capture_on_commit_callbacks
):
    _mentorship, mentee, mentor, other, member = paired

    deactivate(member, django_capture_on_commit_callbacks)

    assert not Mentorship.objects.filter(mentee=mentee, status__in=Mentorship.OPEN).exists()
    assert Profile.objects.ready().filter(pk=mentee.pk).exists()
    assert not Profile.objects.ready().filter(pk=mentor.pk).exists()
    assert listed(mentee) == {other.pk}


def test_the_mentor_leaves_the_lists_of_mentees_they_never_met(
    paired, program, django_capture_on_commit_callbacks
):
    from matching import suggestions

    _mentorship, _mentee, mentor, other, member = paired
    stranger = ProfileFactory(program=program, goals=["networking"])
    suggestions.refresh_profile(profile_id=stranger.pk)
    assert mentor.pk in listed(stranger)

    deactivate(member, django_capture_on_commit_callbacks)

    assert mentor.pk not in listed(stranger)
    assert other.pk in listed(stranger)


def test_the_mentee_can_ask_another_mentor(paired, django_capture_on_commit_callbacks):
    from matching import suggestions

    _mentorship, mentee, _mentor, other, member = paired
    deactivate(member, django_capture_on_commit_callbacks)

    suggestion = Suggestion.objects.get(mentee=mentee, mentor=other)
    request = suggestions.request_mentor(suggestion=suggestion, message="Hello")

    assert request.status == Mentorship.Status.REQUESTED


def test_the_mentee_is_told_the_mentor_left_and_who_is_suggested_now(
    paired, django_capture_on_commit_callbacks
):
    _mentorship, mentee, mentor, other, member = paired

    deactivate(member, django_capture_on_commit_callbacks)

    to_mentee = {m.subject: m.body for m in mail.outbox if mentee.user.email in m.to}
    subject, back = next((s, b) for s, b in to_mentee.items() if "suggested for you" in s)
    # Said as what happened: the mentor did not choose to end it.
    assert subject.startswith(f"{mentor.name} has left, so your mentorship has ended")
    assert f"{mentor.name} has left their organisation, so your mentorship has ended." in back
    assert "ended your mentorship" not in back
    assert other.name in back
    assert not [m for m in mail.outbox if mentor.user.email in m.to]


def test_the_mentorship_page_says_the_mentor_left_their_organisation(
    paired, django_capture_on_commit_callbacks
):
    from mentorships.pages import outcome

    mentorship, _mentee, mentor, _other, member = paired
    deactivate(member, django_capture_on_commit_callbacks)
    mentorship.refresh_from_db()

    assert outcome(mentorship, "mentee").text == f"Ended: {mentor.name} left their organisation."
    assert outcome(mentorship, "mentor").text == "Ended: you left your organisation."


def test_a_deactivated_mentees_requests_are_withdrawn_and_the_mentor_told(
    org, requested, django_capture_on_commit_callbacks
):
    mentee, mentor = requested.mentee, requested.mentor
    member = member_for(org, mentee)
    mail.outbox.clear()

    deactivate(member, django_capture_on_commit_callbacks)

    requested.refresh_from_db()
    assert requested.status == Mentorship.Status.WITHDRAWN
    to_mentor = [m for m in mail.outbox if mentor.user.email in m.to]
    assert len(to_mentor) == 1


def test_the_account_cannot_sign_in_with_its_password(paired, django_capture_on_commit_callbacks):
    _mentorship, _mentee, mentor, _other, member = paired
    deactivate(member, django_capture_on_commit_callbacks)

    response = Client().post(
        "/accounts/login/", {"login": mentor.user.email, "password": PASSWORD}, follow=True
    )

    assert response.redirect_chain[-1][0] == "/accounts/inactive/"
    assert "_auth_user_id" not in response.client.session


def test_a_signed_in_session_ends(paired, django_capture_on_commit_callbacks):
    mentorship, _mentee, mentor, _other, member = paired
    browser = Client()
    browser.post("/accounts/login/", {"login": mentor.user.email, "password": PASSWORD})
    assert browser.get("/").status_code == 200
    assert UserSession.objects.filter(user=mentor.user).exists()

    deactivate(member, django_capture_on_commit_callbacks)

    assert not UserSession.objects.filter(user=mentor.user).exists()
    assert not Session.objects.filter(session_key=browser.session.session_key).exists()
    response = browser.get(f"/m/{mentorship.pk}/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_api_tokens_are_revoked(paired, django_capture_on_commit_callbacks):
    _mentorship, _mentee, mentor, _other, member = paired
    token, raw = Token.issue(user=mentor.user, name="HR portal")
    bearer = {"Authorization": f"Bearer {raw}"}
    assert Client().get("/api/v1/profiles/", headers=bearer).status_code == 200

    deactivate(member, django_capture_on_commit_callbacks)

    token.refresh_from_db()
    assert token.revoked_at is not None
    assert Client().get("/api/v1/profiles/", headers=bearer).status_code == 401


def test_deactivating_twice_does_nothing_the_second_time(
    paired, django_capture_on_commit_callbacks
):
    _mentorship, _mentee, _mentor, _other, member = paired
    deactivate(member, django_capture_on_commit_callbacks)
    first_at = Member.objects.get(pk=member.pk).deactivated_at
    sent = len(mail.outbox)
    heard = []
    member_deactivated.connect(lambda **kw: heard.append(kw), weak=False, dispatch_uid="t")

    try:
        assert not deactivate(member, django_capture_on_commit_callbacks)
    finally:
        member_deactivated.disconnect(dispatch_uid="t")

    assert len(mail.outbox) == sent
    assert heard == []
    assert Member.objects.get(pk=member.pk).deactivated_at == first_at


def test_reactivation_lets_them_sign_in_and_puts_them_back_in_the_pool(
    paired, program, django_capture_on_commit_callbacks
):
    mentorship, _mentee, mentor, _other, member = paired
    deactivate(member, django_capture_on_commit_callbacks)
    newcomer = ProfileFactory(program=program, goals=["networking"])

    with django_capture_on_commit_callbacks(execute=True):
        assert deactivation.reactivate(member=member)

    member.refresh_from_db()
    mentor.user.refresh_from_db()
    assert member.active and member.deactivated_at is None and mentor.user.is_active
    assert Profile.objects.ready().filter(pk=mentor.pk).exists()
    assert mentor.pk in listed(newcomer)
    mentorship.refresh_from_db()
    assert mentorship.status == Mentorship.Status.ENDED  # what closed stays closed
    browser = Client()
    browser.post("/accounts/login/", {"login": mentor.user.email, "password": PASSWORD})
    assert "_auth_user_id" in browser.session


def test_the_program_team_sees_why_the_mentorship_ended(
    paired, program, django_capture_on_commit_callbacks
):
    from tests.factories import program_admin

    _mentorship, mentee, _mentor, _other, member = paired
    deactivate(member, django_capture_on_commit_callbacks)
    team = Client()
    team.force_login(program_admin(program))

    response = team.get(f"/programs/{program.slug}/people/{mentee.pk}/")

    assert "Left the organisation" in response.content.decode()


def test_deactivation_over_scim_ends_the_mentorship_and_frees_the_mentee(
    accepted, django_capture_on_commit_callbacks
):
    from tests.sso.scim_helpers import directory_for

    org = Organisation.objects.create(name="Example", slug="example")
    EmailDomain.objects.create(organisation=org, domain="example.org")
    idp = directory_for(org)
    created = idp.create(accepted.mentor.user.email).json()

    with django_capture_on_commit_callbacks(execute=True):
        response = idp.patch(created["id"], {"op": "Replace", "path": "active", "value": "False"})

    assert response.status_code == 200
    accepted.refresh_from_db()
    assert accepted.end_reason == Mentorship.EndReason.LEFT_ORGANISATION
    assert not Mentorship.objects.filter(
        mentee=accepted.mentee, status__in=Mentorship.OPEN
    ).exists()
