"""Program roles granted, changed and removed (profiles/roles.py), and the
``program_role`` command that calls the same service."""

import threading
from io import StringIO

import pytest
from allauth.account.models import EmailAddress
from django.core import mail
from django.core.management import call_command
from django.core.management.base import CommandError

from profiles import access, emails, roles
from profiles.exceptions import RoleRefused
from profiles.models import AuditEntry, ProgramRole, SentEmail, User
from tests import threads
from tests.factories import (
    ProgramFactory,
    UserFactory,
    coordinator,
    program_admin,
)

pytestmark = pytest.mark.django_db

ADMIN, COORDINATOR = ProgramRole.Kind.ADMIN, ProgramRole.Kind.COORDINATOR


@pytest.fixture
def sent(django_capture_on_commit_callbacks):
    """Run a service with its emails sent once it commits."""

    def run(action, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return action(**kwargs)

    return run


def role_entries(program):
    return list(AuditEntry.objects.filter(program=program, action=AuditEntry.Action.ROLE))


# --- the service -------------------------------------------------------------


def test_granting_a_role_opens_the_program_and_is_on_the_audit_log(program, sent):
    by = program_admin(program)
    person = UserFactory(first_name="Ana", last_name="Lee")
    role = sent(roles.grant, program=program, user=person, role=COORDINATOR, by=by)
    assert access.role_in(person, program) == COORDINATOR
    assert role.granted_by == by and not role.may_read_background
    (entry,) = role_entries(program)
    assert entry.actor == by
    assert entry.summary == f"Ana Lee ({person.email}) made a coordinator"
    assert entry.details["role"] == COORDINATOR and entry.details["user"] == person.pk


def test_someone_who_can_sign_in_is_told_once_they_can_help_run_the_program(program, sent):
    person = UserFactory()
    role = sent(roles.grant, program=program, user=person, role=ADMIN, by=program_admin(program))
    (email,) = mail.outbox
    assert email.to == [person.email]
    assert email.subject == f"You can now help run {program.name}"
    assert email.extra_headers["X-Kindred-Email"] == "role_granted"
    assert f"/programs/{program.slug}/" in email.body
    assert emails.role_granted(role.pk) is False  # once
    assert len(mail.outbox) == 1


def test_a_role_taken_away_before_its_email_is_sent_sends_nothing(program):
    role = roles.grant(program=program, user=UserFactory(), role=ADMIN, notify=False)
    roles.remove(role=role, keep_an_admin=False)
    assert emails.role_granted(role.pk) is False
    assert mail.outbox == []


def test_a_person_with_a_role_is_not_granted_another(program):
    person = coordinator(program)
    with pytest.raises(RoleRefused, match=r"already a coordinator .* change their role instead"):
        roles.grant(program=program, user=person, role=ADMIN)
    assert ProgramRole.objects.get(user=person).role == COORDINATOR
    assert role_entries(program) == []


def test_a_coordinator_never_reads_background_answers(program):
    with pytest.raises(RoleRefused, match="Only a program admin may read background answers"):
        roles.grant(program=program, user=UserFactory(), role=COORDINATOR, background=True)
    assert not ProgramRole.objects.filter(program=program).exists()


def test_an_unknown_role_is_refused(program):
    with pytest.raises(RoleRefused, match="admin or coordinator"):
        roles.grant(program=program, user=UserFactory(), role="owner")


def test_a_deactivated_account_gets_no_role(program):
    with pytest.raises(RoleRefused, match="deactivated"):
        roles.grant(program=program, user=UserFactory(is_active=False), role=ADMIN)


def test_inviting_a_new_address_makes_an_account_with_no_password_and_sends_an_invitation(
    program, sent
):
    by = program_admin(program)
    invited = sent(roles.invite, program=program, email="New.Person@Example.org", role=ADMIN, by=by)
    assert invited.new_account
    user = invited.role.user
    assert user.email == "new.person@example.org" and not user.has_usable_password()
    assert EmailAddress.objects.get(user=user, email=user.email).verified
    (email,) = mail.outbox
    assert email.extra_headers["X-Kindred-Email"] == "role_invitation"
    assert email.subject == f"You are invited to help run {program.name} on Kindred"
    assert "/accounts/password/reset/key/" in email.body
    # Their invitation is their welcome: the participants' welcome never follows.
    assert SentEmail.objects.filter(key=f"welcome:{user.pk}").exists()


def test_inviting_an_address_someone_signs_in_with_finds_their_account(program, sent):
    person = UserFactory(email="ana@example.org")
    invited = sent(
        roles.invite, program=program, email="ANA@example.org", role=COORDINATOR, by=None
    )
    assert invited.role.user == person and not invited.new_account
    assert User.objects.filter(email__iexact="ana@example.org").count() == 1
    assert [e.extra_headers["X-Kindred-Email"] for e in mail.outbox] == ["role_granted"]


def test_an_imported_person_who_never_signed_in_gets_the_invitation_to_choose_a_password(
    program, sent
):
    person = UserFactory()
    person.set_unusable_password()
    person.save()
    sent(roles.invite, program=program, email=person.email, role=ADMIN, by=None)
    assert [e.extra_headers["X-Kindred-Email"] for e in mail.outbox] == ["role_invitation"]


def test_an_invitation_refused_makes_no_account(program):
    program_admin(program, email="taken@example.org")
    with pytest.raises(RoleRefused):
        roles.invite(program=program, email="taken@example.org", role=ADMIN, by=None)
    with pytest.raises(RoleRefused):
        roles.invite(
            program=program, email="fresh@example.org", role=COORDINATOR, background=True, by=None
        )
    assert not User.objects.filter(email="fresh@example.org").exists()


def test_changing_a_role_is_on_the_audit_log_and_a_coordinator_stops_reading_background(
    program,
):
    by = program_admin(program)
    reader = program_admin(program, background=True)
    role = ProgramRole.objects.get(user=reader)
    assert roles.change(role=role, to=COORDINATOR, by=by) is True
    role.refresh_from_db()
    assert role.role == COORDINATOR and not role.may_read_background
    assert not access.may_read_background(reader, program)
    (entry,) = role_entries(program)
    assert entry.details == {
        "user": reader.pk,
        "email": reader.email,
        "role": COORDINATOR,
        "background": False,
        "was": ADMIN,
        "was_background": True,
    }


def test_changing_a_role_to_what_it_is_changes_nothing(program):
    role = ProgramRole.objects.get(user=coordinator(program))
    assert roles.change(role=role, to=COORDINATOR) is False
    assert role_entries(program) == []


def test_the_last_admin_is_neither_removed_nor_made_a_coordinator(program):
    only = ProgramRole.objects.get(user=program_admin(program, first_name="Olu", last_name="Ade"))
    coordinator(program)
    with pytest.raises(RoleRefused, match="Olu Ade is the only admin of"):
        roles.remove(role=only)
    with pytest.raises(RoleRefused, match="only admin"):
        roles.change(role=only, to=COORDINATOR)
    assert ProgramRole.objects.get(pk=only.pk).role == ADMIN
    assert role_entries(program) == []


def test_an_admin_whose_account_is_deactivated_does_not_count(program):
    program_admin(program, is_active=False)
    only = ProgramRole.objects.get(user=program_admin(program))
    with pytest.raises(RoleRefused, match="only admin"):
        roles.remove(role=only)


def test_with_another_admin_an_admin_may_go(program):
    program_admin(program)
    leaving = ProgramRole.objects.get(user=program_admin(program))
    roles.remove(role=leaving)
    assert not ProgramRole.objects.filter(pk=leaving.pk).exists()
    (entry,) = role_entries(program)
    assert "is no longer an admin" in entry.summary and entry.actor is None


def test_without_keep_an_admin_the_last_admin_may_go(program):
    only = ProgramRole.objects.get(user=program_admin(program))
    roles.remove(role=only, keep_an_admin=False)
    assert not ProgramRole.objects.filter(program=program).exists()


def test_removing_a_role_removed_meanwhile_is_refused(program):
    program_admin(program)
    role = ProgramRole.objects.get(user=coordinator(program))
    ProgramRole.objects.filter(pk=role.pk).delete()
    with pytest.raises(RoleRefused, match="no longer has a role"):
        roles.remove(role=role)


def test_a_role_in_one_program_gives_nothing_in_another(program):
    other = ProgramFactory()
    person = UserFactory()
    roles.grant(program=other, user=person, role=ADMIN, notify=False)
    assert access.role_in(person, program) is None
    assert list(access.programs_for(person)) == [other]


# --- the command -------------------------------------------------------------


def command(*args) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command("program_role", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_the_command_grants_a_role_on_the_audit_log_with_no_actor(program):
    person = UserFactory()
    out, _ = command(program.slug, person.email, "--role", "coordinator")
    assert f"{person.email} is now a coordinator of {program.name}" in out
    assert access.role_in(person, program) == COORDINATOR
    (entry,) = role_entries(program)
    assert entry.actor is None and entry.action == AuditEntry.Action.ROLE


def test_the_command_lets_an_admin_read_background_answers(program):
    person = UserFactory()
    out, _ = command(program.slug, person.email, "--role", "admin", "--background")
    assert f"an admin of {program.name}, reading background answers" in out
    assert access.may_read_background(person, program)


def test_the_command_changes_a_role(program):
    person = program_admin(program, background=True)
    program_admin(program)
    command(program.slug, person.email, "--role", "admin")  # no --background: taken away
    assert not access.may_read_background(person, program)
    out, _ = command(program.slug, person.email, "--role", "coordinator")
    assert "is now a coordinator" in out
    out, _ = command(program.slug, person.email, "--role", "coordinator")
    assert "already a coordinator" in out and "nothing changed" in out
    assert len(role_entries(program)) == 2


def test_the_command_removes_a_role(program):
    person = coordinator(program)
    program_admin(program)
    out, _ = command(program.slug, person.email, "--remove")
    assert "is no longer a coordinator" in out
    assert access.role_in(person, program) is None


def test_the_command_may_remove_the_last_admin_and_says_so(program):
    person = program_admin(program)
    _, err = command(program.slug, person.email, "--remove")
    assert "has no admin now" in err
    assert not ProgramRole.objects.filter(program=program).exists()


def test_the_command_refuses_background_for_a_coordinator(program):
    person = UserFactory()
    with pytest.raises(CommandError, match="--background is for admins only"):
        command(program.slug, person.email, "--role", "coordinator", "--background")
    assert not ProgramRole.objects.exists()


def test_the_command_makes_no_account_for_an_unknown_email_unless_told(program):
    with pytest.raises(CommandError, match=r"No account signs in with nobody@example\.org"):
        command(program.slug, "nobody@example.org", "--role", "admin")
    assert not User.objects.filter(email="nobody@example.org").exists()


def test_the_command_with_create_makes_the_account_and_invites_them(program, sent):
    out, _ = sent(command_kw, args=(program.slug, "new@example.org", "--role", "admin", "--create"))
    assert "Made an account for new@example.org" in out
    user = User.objects.get(email="new@example.org")
    assert access.role_in(user, program) == ADMIN and not user.has_usable_password()
    assert [e.extra_headers["X-Kindred-Email"] for e in mail.outbox] == ["role_invitation"]


def command_kw(*, args):
    return command(*args)


@pytest.mark.parametrize(
    ("args", "said"),
    [
        (("nope", "a@example.org", "--role", "admin"), "No program with the slug 'nope'"),
        (("{slug}", "not-an-email", "--role", "admin"), "is not an email address"),
        (("{slug}", "a@example.org"), "Say which role"),
        (("{slug}", "a@example.org", "--remove", "--role", "admin"), "--remove takes no"),
        (("{slug}", "nobody@example.org", "--remove"), "nothing to remove"),
    ],
)
def test_the_command_refuses_what_it_cannot_do_with_a_clear_message(program, args, said):
    UserFactory(email="a@example.org")
    with pytest.raises(CommandError, match=said):
        command(*(a.format(slug=program.slug) for a in args))
    assert not ProgramRole.objects.exists()
    assert role_entries(program) == []


def test_the_command_refuses_removing_a_role_nobody_has(program):
    person = UserFactory()
    with pytest.raises(CommandError, match="has no role in"):
        command(program.slug, person.email, "--remove")


def test_the_command_refuses_an_unknown_role():
    with pytest.raises(CommandError, match="invalid choice"):
        command("default", "a@example.org", "--role", "owner")


# --- at the same moment --------------------------------------------------------


def race(*actions) -> list[Exception]:
    return threads.race(*actions, refusals=(RoleRefused,))


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_admins_removing_each_other_at_once_leave_one(program, monkeypatch):
    first, second = (ProgramRole.objects.get(user=program_admin(program)) for _ in range(2))
    counting = roles._last_admin

    def slow_count(role):
        found = counting(role)
        threading.Event().wait(0.3)  # hold the lock while the other removal arrives
        return found

    monkeypatch.setattr(roles, "_last_admin", slow_count)
    refused = race(
        lambda: roles.remove(role=first, by=second.user),
        lambda: roles.remove(role=second, by=first.user),
    )
    assert len(refused) == 1 and "only admin" in str(refused[0])
    assert ProgramRole.objects.filter(program=program, role=ADMIN).count() == 1
    assert len(role_entries(program)) == 1


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_one_address_invited_twice_at_once_makes_one_account(program):
    refused = race(
        lambda: roles.invite(program=program, email="twice@example.org", role=ADMIN, by=None),
        lambda: roles.invite(program=program, email="twice@example.org", role=ADMIN, by=None),
    )
    assert len(refused) == 1 and "already an admin" in str(refused[0])
    assert User.objects.filter(email="twice@example.org").count() == 1
    assert ProgramRole.objects.filter(program=program, user__email="twice@example.org").count() == 1
