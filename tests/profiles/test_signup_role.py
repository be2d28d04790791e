"""The role chosen on the landing page is kept on the account at sign-up, so
whichever browser opens the confirmation link the person goes on as that role;
staff land on their dashboard after signing in."""

import re

import pytest
from django.conf import settings
from django.core import mail
from django.test import Client
from django.urls import reverse

from profiles.models import Profile, User
from tests.factories import (
    PASSWORD,
    MentorFactory,
    ProfileFactory,
    ProgramFactory,
    ProgramRoleFactory,
    UserFactory,
    coordinator,
    program_admin,
)

pytestmark = pytest.mark.django_db

ROLE_QUESTION = "How would you like to take part?"


def sign_up(client: Client, email: str, role: str | None = None) -> str:
    """Sign up in ``client`` (after choosing ``role``); the confirmation link's path."""
    if role:
        client.get(reverse("profiles:join", args=[role]))
    client.post(
        reverse("account_signup"), {"email": email, "password1": PASSWORD, "password2": PASSWORD}
    )
    return re.search(re.escape(settings.SITE_URL) + r"(/\S+)", mail.outbox[-1].body).group(1)


def log_in(client: Client, email: str):
    return client.post(
        reverse("account_login"), {"login": email, "password": PASSWORD}, follow=True
    )


@pytest.mark.parametrize("role", ["mentor", "mentee"])
def test_the_role_chosen_on_the_landing_page_is_kept_on_the_account(client, role):
    sign_up(client, f"new-{role}@example.org", role=role)
    assert User.objects.get(email=f"new-{role}@example.org").signup_role == role


@pytest.mark.parametrize("role", ["mentor", "mentee"])
def test_the_sign_up_page_says_which_role_one_is_joining_as(client, role):
    client.get(reverse("profiles:join", args=[role]))
    page = client.get(reverse("account_signup")).content.decode()
    assert f'<p class="eyebrow">Joining as a {role}</p>' in page
    assert "Joining as" not in Client().get(reverse("account_signup")).content.decode()


def test_signing_up_without_choosing_keeps_no_role(client):
    sign_up(client, "undecided@example.org")
    assert User.objects.get(email="undecided@example.org").signup_role == ""


def test_a_mentor_who_confirms_in_another_browser_goes_on_as_a_mentor(client, default_program):
    confirm = sign_up(client, "guide@example.org", role="mentor")
    elsewhere = Client()  # another browser: nothing in its session
    elsewhere.post(confirm)
    response = log_in(elsewhere, "guide@example.org")
    assert ROLE_QUESTION not in response.content.decode()
    profile = Profile.objects.get(user__email="guide@example.org")
    assert profile.role == "mentor" and profile.program == default_program
    assert response.redirect_chain[-1][0] == reverse("profiles:edit", args=[profile.pk, "about"])


def test_a_mentee_who_confirms_in_another_browser_goes_on_as_a_mentee(client, default_program):
    confirm = sign_up(client, "learner@example.org", role="mentee")
    elsewhere = Client()
    elsewhere.post(confirm)
    response = log_in(elsewhere, "learner@example.org")
    assert ROLE_QUESTION not in response.content.decode()
    assert Profile.objects.get(user__email="learner@example.org").role == "mentee"


def test_someone_who_chose_no_role_is_asked_how_to_take_part(client, default_program):
    Client().post(sign_up(client, "undecided@example.org"))
    response = log_in(Client(), "undecided@example.org")
    assert ROLE_QUESTION in response.content.decode()


def test_program_admins_land_on_the_dashboard_after_signing_in(client, default_program):
    """With one program of theirs, on its dashboard; with several, on the list to choose from."""
    admin = program_admin(default_program, email="admin@example.org")
    alumni = ProgramFactory(name="Alumni circle")  # not theirs: still nothing to choose
    response = log_in(client, "admin@example.org")
    assert response.redirect_chain[0][0] == reverse(
        "dashboard:program", args=[default_program.slug]
    )
    assert response.status_code == 200
    assert ROLE_QUESTION not in response.content.decode()
    ProgramRoleFactory(user=admin, program=alumni, role="coordinator")
    response = log_in(Client(), "admin@example.org")
    assert response.redirect_chain[0][0] == reverse("dashboard:programs")


def test_program_admins_who_open_home_go_to_the_dashboard_not_the_role_question(
    client, default_program
):
    client.force_login(coordinator(default_program))
    assert client.get(reverse("matching:home")).url == reverse("dashboard:programs")


def test_staff_without_a_role_are_not_sent_to_the_dashboard(client, default_program):
    UserFactory(email="staff@example.org", is_staff=True)
    response = log_in(client, "staff@example.org")
    assert all("/programs/" not in url for url, _ in response.redirect_chain)
    client.force_login(UserFactory(is_staff=True))
    assert client.get(reverse("matching:home")).status_code == 200


def test_a_participant_still_lands_on_their_home_after_signing_in(client, default_program):
    mentor = MentorFactory(program=default_program)
    response = log_in(client, mentor.user.email)
    assert response.redirect_chain[-1][0] == reverse("matching:profile_home", args=[mentor.pk])


def test_a_superuser_without_a_program_role_lands_on_the_dashboard(client, default_program):
    """A superuser runs every program: the only one's dashboard, or the list of them."""
    UserFactory(email="root@example.org", is_staff=True, is_superuser=True)
    response = log_in(client, "root@example.org")
    assert response.redirect_chain[0][0] == reverse(
        "dashboard:program", args=[default_program.slug]
    )
    assert ROLE_QUESTION not in response.content.decode()
    ProgramFactory(name="Alumni circle")
    response = log_in(Client(), "root@example.org")
    assert response.redirect_chain[0][0] == reverse("dashboard:programs")


def join_forms(page: str) -> dict[str, str]:
    """The home page's "Join as …" forms: role → the program each posts."""
    return dict(
        re.findall(
            r'<form method="post" action="/join/(\w+)/" class="join-now">.*?'
            r'name="program" value="(\d+)"',
            page,
        )
    )


def test_with_one_program_open_choosing_a_role_starts_the_questionnaire(client, default_program):
    """No page of its own that only names the program: the button joins and the
    first step follows; being a POST, no link elsewhere can do it."""
    client.force_login(UserFactory())
    page = client.get(reverse("matching:home")).content.decode()
    assert ROLE_QUESTION in page
    assert join_forms(page) == {
        "mentee": str(default_program.pk),
        "mentor": str(default_program.pk),
    }
    response = client.post(
        reverse("profiles:join", args=["mentee"]), {"program": default_program.pk}
    )
    profile = Profile.objects.get(role="mentee", program=default_program)
    assert response.url == reverse("profiles:edit", args=[profile.pk, "about"])


def test_with_several_programs_open_choosing_a_role_asks_which_program(client, default_program):
    ProgramFactory(name="Alumni circle")
    client.force_login(UserFactory())
    page = client.get(reverse("matching:home")).content.decode()
    assert join_forms(page) == {}
    assert f'href="{reverse("profiles:join", args=["mentee"])}"' in page
    assert f'href="{reverse("profiles:join", args=["mentor"])}"' in page


def test_home_offers_only_the_roles_not_yet_taken(client, default_program):
    alumni = ProgramFactory(name="Alumni circle", signup_open=False)
    mentor = MentorFactory(program=default_program)
    MentorFactory(program=alumni, user=mentor.user)  # two profiles: home lists them
    client.force_login(mentor.user)
    page = client.get(reverse("matching:home")).content.decode()
    assert join_forms(page) == {"mentee": str(default_program.pk)}
    ProfileFactory(program=default_program, user=mentor.user)  # a mentee too
    page = client.get(reverse("matching:home")).content.decode()
    assert "Take part in another way" not in page


def test_the_confirmation_page_speaks_of_the_persons_own_address(client, default_program):
    confirm = sign_up(client, "own@example.org", role="mentee")
    page = Client().get(confirm).content.decode()
    assert "<h1>Confirm your email address</h1>" in page
    assert (
        "Please confirm that own@example.org is your email address, to finish signing up." in page
    )
    assert "for user" not in page
