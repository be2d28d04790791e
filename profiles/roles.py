"""Who runs a program: granting, changing and removing program roles, and
inviting a person by email to take one. The Roles page and the
``program_role`` command both come here, and each change goes on the
program's audit log (``AuditEntry.Action.ROLE``; no actor: the command line).

Changes to one program's roles wait for each other (the program's row is
locked first), so two admins removing each other at once cannot leave the
program with none: with ``keep_an_admin`` (the page, for anyone but a
superuser), removing or demoting the last admin is refused."""

from __future__ import annotations

from dataclasses import dataclass

from allauth.account.models import EmailAddress
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

from . import emails
from .exceptions import RoleRefused
from .models import AuditEntry, Program, ProgramRole, User

ADMIN = ProgramRole.Kind.ADMIN
COORDINATOR = ProgramRole.Kind.COORDINATOR


def find_user(email: str) -> User | None:
    """The account that signs in with ``email``, or holds it as a verified address."""
    email = email.strip()
    user = User.objects.filter(email__iexact=email).first()
    if user is None:
        found = EmailAddress.objects.filter(email__iexact=email, verified=True).first()
        user = found.user if found else None
    return user


def name_of(user: User) -> str:
    return user.get_full_name() or user.email


def role_words(role: str) -> str:
    return "an admin" if role == ADMIN else "a coordinator"


def _lock(program: Program) -> None:
    Program.objects.select_for_update().filter(pk=program.pk).first()


def _locked(role: ProgramRole) -> ProgramRole:
    """``role`` as it is now, its program's roles waiting for this change."""
    _lock(role.program)
    now = ProgramRole.objects.select_related("program", "user").filter(pk=role.pk).first()
    if now is None:
        raise RoleRefused(
            gettext("%(name)s no longer has a role in %(program)s.")
            % {"name": name_of(role.user), "program": role.program.name}
        )
    return now


def _check(role: str, background: bool) -> None:
    if role not in (ADMIN, COORDINATOR):
        raise RoleRefused(
            gettext("There is no role %(role)s: a program role is admin or coordinator.")
            % {"role": repr(role)}
        )
    if background and role != ADMIN:
        raise RoleRefused(
            gettext("Only a program admin may read background answers; a coordinator never does.")
        )


def _last_admin(role: ProgramRole) -> bool:
    """Whether ``role`` is the program's only admin who can still sign in."""
    others = ProgramRole.objects.filter(
        program_id=role.program_id, role=ADMIN, user__is_active=True
    ).exclude(pk=role.pk)
    return role.role == ADMIN and not others.exists()


def refusal_to_grant(*, program: Program, user: User) -> str:
    """Why ``user`` cannot be given a role in ``program`` now, or ""."""
    held = ProgramRole.objects.filter(program=program, user=user).first()
    if held is not None:
        if held.role == ADMIN:
            sentence = gettext(
                "%(name)s is already an admin of %(program)s: change their role instead."
            )
        else:
            sentence = gettext(
                "%(name)s is already a coordinator of %(program)s: change their role instead."
            )
        return sentence % {"name": name_of(user), "program": program.name}
    if not user.is_active:
        return gettext("%(email)s's account is deactivated: it cannot be given a role.") % {
            "email": user.email
        }
    return ""


def refusal_to_step_down(*, role: ProgramRole, keep_an_admin: bool) -> str:
    """Why ``role`` cannot stop being an admin (removed, or made a coordinator), or ""."""
    if keep_an_admin and _last_admin(role):
        return gettext(
            "%(name)s is the only admin of %(program)s: it would be left "
            "with nobody to run it. Make someone else an admin first."
        ) % {"name": name_of(role.user), "program": role.program.name}
    return ""


# The audit log's summaries below stay in English: they are stored once, and read
# later by whoever opens the log, in whatever language they chose.
def _record(program: Program, by: User | None, summary: str, **details) -> None:
    AuditEntry.record(
        program=program,
        actor=by,
        action=AuditEntry.Action.ROLE,
        summary=summary,
        details=details,
    )


def _background_words(background: bool) -> str:
    return ", reading background answers" if background else ""


@transaction.atomic
def grant(
    *,
    program: Program,
    user: User,
    role: str,
    background: bool = False,
    by: User | None = None,
    notify: bool = True,
) -> ProgramRole:
    """Give ``user``, who has no role in ``program``, ``role`` there. With ``notify``,
    they are emailed: an account that cannot sign in yet (no password, never signed in)
    gets an invitation with a link to choose a password, any other the news."""
    _check(role, background)
    _lock(program)
    if refused := refusal_to_grant(program=program, user=user):
        raise RoleRefused(refused)
    granted = ProgramRole.objects.create(
        program=program,
        user=user,
        role=role,
        may_read_background=background,
        granted_by=by if by is not None and by.is_authenticated else None,
        granted_at=timezone.now(),
    )
    _record(
        program,
        by,
        f"{name_of(user)} ({user.email}) made {role_words(role)}{_background_words(background)}",
        user=user.pk,
        email=user.email,
        role=role,
        background=background,
    )
    if notify:
        if emails.may_be_invited(user):
            emails.role_invitation.delay_on_commit(granted.pk)
        else:
            emails.role_granted.delay_on_commit(granted.pk)
    return granted


@dataclass(frozen=True)
class Invited:
    role: ProgramRole
    new_account: bool


@transaction.atomic
def invite(
    *, program: Program, email: str, role: str, background: bool = False, by: User | None
) -> Invited:
    """Grant ``role`` to whoever signs in with ``email``; a new address gets an
    account with no password (its address counted as confirmed: the invitation
    goes there) and an invitation to choose one."""
    _check(role, background)
    _lock(program)  # a second invitation of the same new address waits, then finds the account
    email = User.objects.normalize_email(email.strip())
    user = find_user(email)
    new_account = user is None
    if new_account:
        user = User.objects.create_user(email)
        EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    granted = grant(program=program, user=user, role=role, background=background, by=by)
    return Invited(granted, new_account)


@transaction.atomic
def change(
    *,
    role: ProgramRole,
    to: str,
    background: bool | None = None,
    by: User | None = None,
    keep_an_admin: bool = True,
) -> bool:
    """Make ``role`` ``to`` (admin or coordinator), reading background answers
    if ``background`` (None: as now for an admin; a coordinator never does).
    False when nothing changed."""
    role = _locked(role)
    if background is None:
        background = role.may_read_background and to == ADMIN
    _check(to, background)
    if role.role == to and role.may_read_background == background:
        return False
    if to != ADMIN and (refused := refusal_to_step_down(role=role, keep_an_admin=keep_an_admin)):
        raise RoleRefused(refused)
    was, read = role.role, role.may_read_background
    role.role, role.may_read_background = to, background
    role.save(update_fields=["role", "may_read_background"])
    user = role.user
    _record(
        role.program,
        by,
        f"{name_of(user)} ({user.email}) changed from {role_words(was)}{_background_words(read)} "
        f"to {role_words(to)}{_background_words(background)}",
        user=user.pk,
        email=user.email,
        role=to,
        background=background,
        was=was,
        was_background=read,
    )
    return True


@transaction.atomic
def remove(*, role: ProgramRole, by: User | None = None, keep_an_admin: bool = True) -> None:
    """Take ``role`` away: the person no longer opens the program's admin pages."""
    role = _locked(role)
    if refused := refusal_to_step_down(role=role, keep_an_admin=keep_an_admin):
        raise RoleRefused(refused)
    user = role.user
    role.delete()
    _record(
        role.program,
        by,
        f"{name_of(user)} ({user.email}) is no longer {role_words(role.role)}",
        user=user.pk,
        email=user.email,
        was=role.role,
    )
