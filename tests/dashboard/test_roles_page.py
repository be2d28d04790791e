"""The Roles page (issue 21): a program's admins invite, change and remove the
people who run it with them, each after a confirmation, on the audit log."""

import pytest
from django.core import mail
from django.urls import reverse

from profiles import access
from profiles.models import AuditEntry, ProgramRole, User
from tests.conftest import login
from tests.factories import (
    ProfileFactory,
    ProgramFactory,
    UserFactory,
    coordinator,
    program_admin,
)

pytestmark = pytest.mark.django_db

ADMIN, COORDINATOR = ProgramRole.Kind.ADMIN, ProgramRole.Kind.COORDINATOR


def url(name, program, *args):
    return reverse(f"dashboard:{name}", args=[program.slug, *args])


@pytest.fixture
def admin(program):
    return program_admin(program, first_name="Ada", last_name="Admin")


@pytest.fixture
def admin_client(client, admin):
    return login(client, admin)


@pytest.fixture
def on_commit(django_capture_on_commit_callbacks):
    def post(client, *args, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return client.post(*args, **kwargs)

    return post


def role_of(user, program):
    return ProgramRole.objects.filter(user=user, program=program).first()


# --- who may open it ---------------------------------------------------------


def test_the_page_lists_admins_then_coordinators_with_who_granted_them(
    admin_client, program, admin
):
    helper = coordinator(program, first_name="Cy", last_name="Coord")
    program_admin(program, background=True, email="reader@example.org")
    ProgramRole.objects.filter(user=helper).update(granted_by=admin)
    page = admin_client.get(url("roles", program)).content.decode()
    rows = page.split("<tbody>", 1)[1]
    assert rows.index(admin.email) < rows.index("reader@example.org") < rows.index(helper.email)
    assert "Cy Coord" in rows and "Coordinator" in rows and "Program admin" in rows
    assert "May read them" in rows  # the reader's background right
    assert f"by {admin.email}" in rows
    assert 'aria-current="page">Roles</a>' in page


def test_an_admin_of_another_program_a_staff_member_and_a_participant_are_told_it_does_not_exist(
    client, program
):
    other = ProgramFactory()
    for person in (
        program_admin(other),
        UserFactory(is_staff=True),
        ProfileFactory(program=program).user,
    ):
        login(client, person)
        assert client.get(url("roles", program)).status_code == 404
        assert (
            client.post(url("invite_role", program), {"email": "x@example.org"}).status_code == 404
        )


def test_a_coordinator_may_not_manage_roles(client, program, admin):
    login(client, coordinator(program))
    assert client.get(url("roles", program)).status_code == 403
    held = role_of(admin, program)
    assert client.post(url("remove_role", program, held.pk), {"confirm": "yes"}).status_code == 403
    assert role_of(admin, program) is not None


def test_the_program_menu_shows_roles_to_admins_only(client, program, admin):
    link = f'href="{url("roles", program)}"'
    assert link in login(client, admin).get(url("program", program)).content.decode()
    assert (
        link
        not in login(client, coordinator(program)).get(url("program", program)).content.decode()
    )


def test_anonymous_people_are_sent_to_log_in(client, program):
    response = client.get(url("roles", program))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


# --- inviting ----------------------------------------------------------------


def test_inviting_asks_first_and_changes_nothing(admin_client, program):
    response = admin_client.post(
        url("invite_role", program), {"email": "new@example.org", "role": COORDINATOR}
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "Make new@example.org a coordinator of" in page
    assert "No account uses new@example.org yet" in page
    assert 'name="confirm" value="yes"' in page and 'value="new@example.org"' in page
    assert not User.objects.filter(email="new@example.org").exists()
    assert mail.outbox == []


def test_a_new_address_confirmed_gets_an_account_and_an_invitation(
    admin_client, program, admin, on_commit
):
    response = on_commit(
        admin_client,
        url("invite_role", program),
        {"email": "new@example.org", "role": ADMIN, "confirm": "yes"},
    )
    assert response.status_code == 302 and response["Location"] == url("roles", program)
    user = User.objects.get(email="new@example.org")
    role = role_of(user, program)
    assert role.role == ADMIN and role.granted_by == admin and not role.may_read_background
    (email,) = mail.outbox
    assert email.to == ["new@example.org"]
    assert email.extra_headers["X-Kindred-Email"] == "role_invitation"
    entry = AuditEntry.objects.get(action=AuditEntry.Action.ROLE)
    assert entry.actor == admin and entry.program == program
    page = admin_client.get(url("roles", program)).content.decode()
    assert "new@example.org is now an admin" in page  # the message
    assert "an invitation to choose a password is on its way" in page


def test_an_existing_account_gets_the_role_and_the_news(admin_client, program, on_commit):
    person = UserFactory(first_name="Bo")
    on_commit(
        admin_client,
        url("invite_role", program),
        {"email": person.email.upper(), "role": COORDINATOR, "confirm": "yes"},
    )
    assert access.role_in(person, program) == COORDINATOR
    (email,) = mail.outbox
    assert email.subject == f"You can now help run {program.name}"


def test_inviting_someone_who_has_a_role_is_refused_before_asking(admin_client, program):
    person = coordinator(program)
    response = admin_client.post(
        url("invite_role", program), {"email": person.email, "role": ADMIN}, follow=True
    )
    assert "already a coordinator" in response.content.decode()
    assert role_of(person, program).role == COORDINATOR


def test_an_invitation_with_a_bad_address_says_what_is_wrong(admin_client, program):
    response = admin_client.post(
        url("invite_role", program), {"email": "not an email", "role": "owner"}
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "Enter a valid email address." in page
    assert "Select a valid choice." in page
    assert ProgramRole.objects.filter(program=program).count() == 1


def test_opening_an_actions_address_in_a_browser_changes_nothing(admin_client, program):
    assert admin_client.get(url("invite_role", program)).status_code == 405


# --- changing and removing ---------------------------------------------------


def test_changing_a_role_asks_first(admin_client, program):
    held = role_of(coordinator(program, first_name="Cy", last_name="Coord"), program)
    response = admin_client.post(url("change_role", program, held.pk), {"role": ADMIN})
    assert "Make Cy Coord an admin?" in response.content.decode()
    held.refresh_from_db()
    assert held.role == COORDINATOR


def test_a_confirmed_change_is_made_and_recorded(admin_client, program, admin):
    reader = program_admin(program, background=True)
    held = role_of(reader, program)
    asked = admin_client.post(url("change_role", program, held.pk), {"role": COORDINATOR})
    assert "no longer reads background answers" in asked.content.decode()
    response = admin_client.post(
        url("change_role", program, held.pk), {"role": COORDINATOR, "confirm": "yes"}
    )
    assert response.status_code == 302
    held.refresh_from_db()
    assert held.role == COORDINATOR and not held.may_read_background
    entry = AuditEntry.objects.get(action=AuditEntry.Action.ROLE)
    assert entry.actor == admin and "to a coordinator" in entry.summary


def test_removing_a_role_asks_first_then_closes_the_program_to_them(client, program, admin):
    helper = coordinator(program)
    held = role_of(helper, program)
    login(client, admin)
    asked = client.post(url("remove_role", program, held.pk))
    assert "What happens when you confirm" in asked.content.decode()
    assert role_of(helper, program) is not None
    client.post(url("remove_role", program, held.pk), {"confirm": "yes"})
    assert role_of(helper, program) is None
    assert AuditEntry.objects.filter(action=AuditEntry.Action.ROLE, actor=admin).count() == 1
    assert login(client, helper).get(url("program", program)).status_code == 404


def test_the_last_admin_cannot_remove_themself_nor_step_down(admin_client, program, admin):
    held = role_of(admin, program)
    for name, data in (("remove_role", {}), ("change_role", {"role": COORDINATOR})):
        for confirm in ({}, {"confirm": "yes"}):
            response = admin_client.post(url(name, program, held.pk), data | confirm, follow=True)
            assert "is the only admin of" in response.content.decode()
    held.refresh_from_db()
    assert held.role == ADMIN
    assert not AuditEntry.objects.filter(action=AuditEntry.Action.ROLE).exists()


def test_with_another_admin_an_admin_may_step_down_and_lands_where_they_may_go(
    admin_client, program, admin
):
    program_admin(program)
    held = role_of(admin, program)
    response = admin_client.post(
        url("change_role", program, held.pk), {"role": COORDINATOR, "confirm": "yes"}
    )
    assert response["Location"] == url("program", program)
    assert admin_client.get(url("roles", program)).status_code == 403


def test_an_admin_who_removes_their_own_role_leaves_the_admin_pages(admin_client, program, admin):
    program_admin(program)
    held = role_of(admin, program)
    response = admin_client.post(url("remove_role", program, held.pk), {"confirm": "yes"})
    assert response["Location"] == reverse("matching:home")


def test_a_superuser_may_remove_the_last_admin(client, program, admin):
    login(client, UserFactory(is_superuser=True, is_staff=True))
    held = role_of(admin, program)
    client.post(url("remove_role", program, held.pk), {"confirm": "yes"})
    assert role_of(admin, program) is None


def test_a_role_in_another_program_is_not_found(admin_client, program):
    other = ProgramFactory()
    elsewhere = role_of(program_admin(other), other)
    for name, data in (("remove_role", {}), ("change_role", {"role": COORDINATOR})):
        response = admin_client.post(url(name, program, elsewhere.pk), data | {"confirm": "yes"})
        assert response.status_code == 404
    assert ProgramRole.objects.filter(pk=elsewhere.pk, role=ADMIN).exists()


def test_a_role_removed_meanwhile_is_not_found(admin_client, program):
    held = role_of(coordinator(program), program)
    gone = held.pk
    held.delete()
    response = admin_client.post(url("remove_role", program, gone), {"confirm": "yes"})
    assert response.status_code == 404
