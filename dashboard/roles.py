"""The Roles page: who runs a program, and what inviting, changing or removing
someone asks before it is done (the writes are profiles/roles.py)."""

from __future__ import annotations

from django.conf import settings
from django.db.models import Case, IntegerField, QuerySet, Value, When

from profiles import roles
from profiles.exceptions import RoleRefused
from profiles.models import Program, ProgramRole, User

from .confirmations import Question

ADMIN = ProgramRole.Kind.ADMIN

CAN_STILL = "open the program's dashboards and lists and match people by hand"
NO_LONGER = (
    "change no settings, import nobody, start no runs, end or pause no one and handle no "
    "reports or roles"
)


def of(program: Program) -> QuerySet[ProgramRole]:
    """The program's roles, admins first, then by email."""
    first = Case(When(role=ADMIN, then=Value(0)), default=Value(1), output_field=IntegerField())
    return (
        ProgramRole.objects.filter(program=program)
        .select_related("user", "granted_by")
        .order_by(first, "user__email")
    )


def _you(user: User, viewer: User) -> bool:
    return user.pk == viewer.pk


def invite(program: Program, email: str, role: str) -> Question:
    """Raises RoleRefused when the person has a role here already."""
    user = roles.find_user(email)
    if user is not None and (refused := roles.refusal_to_grant(program=program, user=user)):
        raise RoleRefused(refused)
    words = roles.role_words(role)
    if user is None:
        days = max(1, settings.PASSWORD_RESET_TIMEOUT // 86400)
        told = [
            f"No account uses {email} yet: one is made, with no password.",
            f"An invitation goes to {email} with a link to choose a password (it works for "
            f"{days} days); they sign in as {words} of {program.name}.",
        ]
    else:
        told = [
            f"{roles.name_of(user)} already has an account: they are {words} of "
            f"{program.name} at once.",
            f"One email goes to {user.email}: “You can now help run {program.name}”, with a "
            "link to its dashboard.",
        ]
    can = (
        "They can see and do everything in this program, roles included."
        if role == ADMIN
        else f"They can {CAN_STILL}; they {NO_LONGER}, and never read background answers."
    )
    return Question(
        title=f"Make {email} {words} of {program.name}?",
        happens=[*told, can, "The audit log records that you did it."],
        confirm_label=f"Yes, make them {words}",
        hidden=(("email", email), ("role", role)),
    )


def change(role: ProgramRole, to: str, viewer: User) -> Question:
    """Raises RoleRefused when it would leave the program without an admin."""
    keep = not viewer.is_superuser
    if to != ADMIN and (refused := roles.refusal_to_step_down(role=role, keep_an_admin=keep)):
        raise RoleRefused(refused)
    name, words = roles.name_of(role.user), roles.role_words(to)
    you = _you(role.user, viewer)
    if to == ADMIN:
        happens = [f"{name} can see and do everything in {role.program.name}, roles included."]
    else:
        happens = [f"{name} can still {CAN_STILL}; from now on they {NO_LONGER}."]
        if role.may_read_background:
            happens.append(f"{name} no longer reads background answers.")
        if you:
            happens.append("That includes you: this page closes to you once you confirm.")
    happens += ["No email is sent.", "The audit log records that you did it."]
    return Question(
        title=f"Make {'yourself' if you else name} {words}?",
        happens=happens,
        confirm_label=f"Yes, make {'me' if you else 'them'} {words}",
        hidden=(("role", to),),
    )


def remove(role: ProgramRole, viewer: User) -> Question:
    """Raises RoleRefused when it would leave the program without an admin."""
    keep = not viewer.is_superuser
    if refused := roles.refusal_to_step_down(role=role, keep_an_admin=keep):
        raise RoleRefused(refused)
    name, program = roles.name_of(role.user), role.program
    you = _you(role.user, viewer)
    happens = [
        f"{'You' if you else name} no longer open{'' if you else 's'} {program.name}'s admin "
        "pages: they answer “Page not found”.",
        f"{'Your' if you else 'Their'} participant profile in the program, if any, is not touched.",
        "No email is sent." if you else "No email is sent; you can invite them again at any time.",
        "The audit log records that you did it.",
    ]
    return Question(
        title=f"Remove {'your own' if you else name + '’s'} role in {program.name}?",
        happens=happens,
        confirm_label=f"Yes, remove {'my' if you else 'their'} role",
        danger=True,
    )
