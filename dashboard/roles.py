"""The Roles page: who runs a program, and what inviting, changing or removing
someone asks before it is done (the writes are profiles/roles.py)."""

from __future__ import annotations

from django.conf import settings
from django.db.models import Case, IntegerField, QuerySet, Value, When
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from profiles import roles
from profiles.exceptions import RoleRefused
from profiles.models import Program, ProgramRole, User

from .confirmations import Question

ADMIN = ProgramRole.Kind.ADMIN

# What a coordinator may and may not do, said inside the questions below.
CAN_STILL = _("open the program's dashboards and lists and match people by hand")
NO_LONGER = _(
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
    admin = role == ADMIN
    said = {"email": email, "program": program.name}
    if user is None:
        said["days"] = max(1, settings.PASSWORD_RESET_TIMEOUT // 86400)
        if admin:
            invited = gettext(
                "An invitation goes to %(email)s with a link to choose a password (it works for "
                "%(days)s days); they sign in as an admin of %(program)s."
            )
        else:
            invited = gettext(
                "An invitation goes to %(email)s with a link to choose a password (it works for "
                "%(days)s days); they sign in as a coordinator of %(program)s."
            )
        told = [
            gettext("No account uses %(email)s yet: one is made, with no password.") % said,
            invited % said,
        ]
    else:
        said.update(name=roles.name_of(user), address=user.email)
        if admin:
            has = gettext(
                "%(name)s already has an account: they are an admin of %(program)s at once."
            )
        else:
            has = gettext(
                "%(name)s already has an account: they are a coordinator of %(program)s at once."
            )
        told = [
            has % said,
            gettext(
                "One email goes to %(address)s: “You can now help run %(program)s”, with a "
                "link to its dashboard."
            )
            % said,
        ]
    if admin:
        can = gettext("They can see and do everything in this program, roles included.")
        title = gettext("Make %(email)s an admin of %(program)s?") % said
        confirm = gettext("Yes, make them an admin")
    else:
        can = gettext(
            "They can %(can_still)s; they %(no_longer)s, and never read background answers."
        ) % {"can_still": CAN_STILL, "no_longer": NO_LONGER}
        title = gettext("Make %(email)s a coordinator of %(program)s?") % said
        confirm = gettext("Yes, make them a coordinator")
    return Question(
        title=title,
        happens=[*told, can, gettext("The audit log records that you did it.")],
        confirm_label=confirm,
        hidden=(("email", email), ("role", role)),
    )


def change(role: ProgramRole, to: str, viewer: User) -> Question:
    """Raises RoleRefused when it would leave the program without an admin."""
    keep = not viewer.is_superuser
    if to != ADMIN and (refused := roles.refusal_to_step_down(role=role, keep_an_admin=keep)):
        raise RoleRefused(refused)
    name = roles.name_of(role.user)
    you = _you(role.user, viewer)
    said = {"name": name, "program": role.program.name}
    if to == ADMIN:
        happens = [
            gettext("%(name)s can see and do everything in %(program)s, roles included.") % said
        ]
    else:
        happens = [
            gettext("%(name)s can still %(can_still)s; from now on they %(no_longer)s.")
            % {"name": name, "can_still": CAN_STILL, "no_longer": NO_LONGER}
        ]
        if role.may_read_background:
            happens.append(gettext("%(name)s no longer reads background answers.") % said)
        if you:
            happens.append(gettext("That includes you: this page closes to you once you confirm."))
    happens += [gettext("No email is sent."), gettext("The audit log records that you did it.")]
    if to == ADMIN and you:
        title, confirm = gettext("Make yourself an admin?"), gettext("Yes, make me an admin")
    elif to == ADMIN:
        title = gettext("Make %(name)s an admin?") % said
        confirm = gettext("Yes, make them an admin")
    elif you:
        title = gettext("Make yourself a coordinator?")
        confirm = gettext("Yes, make me a coordinator")
    else:
        title = gettext("Make %(name)s a coordinator?") % said
        confirm = gettext("Yes, make them a coordinator")
    return Question(title=title, happens=happens, confirm_label=confirm, hidden=(("role", to),))


def remove(role: ProgramRole, viewer: User) -> Question:
    """Raises RoleRefused when it would leave the program without an admin."""
    keep = not viewer.is_superuser
    if refused := roles.refusal_to_step_down(role=role, keep_an_admin=keep):
        raise RoleRefused(refused)
    said = {"name": roles.name_of(role.user), "program": role.program.name}
    if _you(role.user, viewer):
        happens = [
            gettext("You no longer open %(program)s's admin pages: they answer “Page not found”.")
            % said,
            gettext("Your participant profile in the program, if any, is not touched."),
            gettext("No email is sent."),
        ]
        title = gettext("Remove your own role in %(program)s?") % said
        confirm = gettext("Yes, remove my role")
    else:
        happens = [
            gettext(
                "%(name)s no longer opens %(program)s's admin pages: they answer “Page not found”."
            )
            % said,
            gettext("Their participant profile in the program, if any, is not touched."),
            gettext("No email is sent; you can invite them again at any time."),
        ]
        title = gettext("Remove %(name)s’s role in %(program)s?") % said
        confirm = gettext("Yes, remove their role")
    happens.append(gettext("The audit log records that you did it."))
    return Question(title=title, happens=happens, confirm_label=confirm, danger=True)
