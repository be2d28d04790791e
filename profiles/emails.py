"""The account's own emails: the welcome, an imported person's invitation, the
invitation to take part again when a new cycle opens, and the news of a role in
running a program (profiles/roles.py), or an invitation to take it up."""

from allauth.account.forms import default_token_generator
from allauth.account.utils import user_pk_to_url_str
from django.conf import settings
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from . import outbox
from .models import INVITATION_KEYS, Cycle, Profile, Program, ProgramRole, User
from .taxonomy import Role

# Words the emails' sentences take in, lazy: an email is rendered later, in its
# recipient's language. "as a {{ roles }}", "as {{ role }}", "Hello {{ name }},".
ROLE_WORDS = {Role.MENTOR: _("mentor"), Role.MENTEE: _("mentee")}
# Translators: completes "has added you to Kindred as a …", for someone both.
BOTH_ROLES = _("mentee and a mentor")
# Translators: completes "has added you to Kindred as a …", for someone with no profile.
PARTICIPANT = _("participant")
PROGRAM_ROLE_WORDS = {
    ProgramRole.Kind.ADMIN: _("an admin"),
    ProgramRole.Kind.COORDINATOR: _("a coordinator"),
}
# Translators: the name in "Hello {{ name }}," when a person's name is unknown.


def _welcome_key(user_id: int) -> str:
    # An imported person never signs up: their invitation is their welcome,
    # under the same key, so they never get both.
    return f"{INVITATION_KEYS[0]}{user_id}"


def _invitation_key(user_id: int, again: int) -> str:
    """The first invitation is the welcome; each sent again has its number."""
    return f"{INVITATION_KEYS[1]}{user_id}:{again}" if again else _welcome_key(user_id)


def may_be_invited(user: User) -> bool:
    """Whether an invitation would still help: they have neither logged in nor chosen a password."""
    return user.last_login is None and not user.has_usable_password()


def _role(user: User) -> str:
    """The role they chose at sign-up, else the one they have joined as, if one."""
    if user.signup_role:
        return user.signup_role
    roles = set(user.profiles.values_list("role", flat=True))
    return roles.pop() if len(roles) == 1 else ""


@outbox.email
def welcome(user_id: int) -> bool:
    """Sent once the address is confirmed (receivers.py), in the words of the
    role they chose."""
    user = User.objects.filter(pk=user_id).first()
    if user is None:
        return False
    return outbox.send_once(
        key=_welcome_key(user_id),
        to=user,
        template="profiles/email/welcome",
        context={"user": user, "role": _role(user), "link": reverse("matching:home")},
    )


def invitation_link(user: User) -> str:
    """A one-time link to allauth's "choose a new password" page."""
    path = reverse(
        "account_reset_password_from_key",
        kwargs={
            "uidb36": user_pk_to_url_str(user),
            "key": default_token_generator.make_token(user),
        },
    )
    return settings.SITE_URL + path


@outbox.email
def invitation(user_id: int, program_id: int, again: int = 0) -> bool:
    """Invite an imported person, once; False when they are gone, have chosen a
    password already or were welcomed before. ``again``: the number of an
    invitation an admin sends again (1, 2…), each once."""
    user = User.objects.filter(pk=user_id).first()
    program = Program.objects.filter(pk=program_id).first()
    if user is None or program is None or user.has_usable_password():
        return False
    profiles = list(Profile.objects.filter(user=user, program=program).order_by("role"))
    return outbox.send_once(
        key=_invitation_key(user_id, again),
        to=user,
        template="profiles/email/invitation",
        context={
            "program": program,
            # No name: the email says "Hello," (a whole message of its own in every language).
            "name": next((p.display_name for p in profiles if p.display_name), ""),
            "roles": _roles_words([p.role for p in profiles]),
            "email": user.email,
            "link": invitation_link(user),
            "days": max(1, settings.PASSWORD_RESET_TIMEOUT // 86400),
        },
    )


def _roles_words(roles: list[str]):
    """What the invitation's "as a …" says of someone's roles in a program."""
    if len(roles) > 1:
        return BOTH_ROLES
    return ROLE_WORDS[roles[0]] if roles else PARTICIPANT


def take_part_key(profile_id: int, cycle_id: int) -> str:
    return f"take-part-again:{cycle_id}:{profile_id}"


@outbox.email
def take_part_again(profile_id: int, cycle_id: int) -> bool:
    """Invite one of the previous cycle's people to take part in ``cycle`` with one
    click, once per cycle; False when they are gone, already take part in it, or its
    registration is no longer open."""
    profile = Profile.objects.select_related("user", "program").filter(pk=profile_id).first()
    cycle = Cycle.objects.filter(pk=cycle_id, state=Cycle.State.REGISTRATION).first()
    if (
        profile is None
        or cycle is None
        or cycle.program_id != profile.program_id
        or profile.enrolments.filter(cycle=cycle).exists()
    ):
        return False
    return outbox.send_once(
        key=take_part_key(profile_id, cycle_id),
        to=profile.user,
        template="profiles/email/take_part_again",
        context={
            "profile": profile,
            "program": profile.program,
            "cycle": cycle,
            "role": ROLE_WORDS[profile.role],
            "link": reverse("profiles:take_part", args=[profile.pk, cycle.pk]),
        },
        tz=profile.timezone,
    )


def _role_context(role: ProgramRole) -> dict:
    by = role.granted_by
    return {
        "program": role.program,
        "role": PROGRAM_ROLE_WORDS[role.role],
        "coordinator": role.role == ProgramRole.Kind.COORDINATOR,
        "by": (by.get_full_name() or by.email) if by else "",
        "name": role.user.first_name,
        "email": role.user.email,
    }


def _program_role(role_id: int) -> ProgramRole | None:
    return (
        ProgramRole.objects.select_related("program", "user", "granted_by")
        .filter(pk=role_id, user__is_active=True)
        .first()
    )


@outbox.email
def role_granted(role_id: int) -> bool:
    """Someone who can sign in was given a role in a program; once per role
    granted, and not if it was taken away before this was sent."""
    role = _program_role(role_id)
    if role is None:
        return False
    return outbox.send_once(
        key=f"role-granted:{role_id}",
        to=role.user,
        template="profiles/email/role_granted",
        context={
            **_role_context(role),
            "link": reverse("dashboard:program", args=[role.program.slug]),
        },
    )


@outbox.email
def role_invitation(role_id: int) -> bool:
    """Someone new was given a role: a link to choose a password, once per role;
    False when the role is gone or they have a password already. It is their
    welcome too: the participants' welcome never follows."""
    role = _program_role(role_id)
    if role is None or role.user.has_usable_password():
        return False
    sent = outbox.send_once(
        key=f"role-invitation:{role_id}",
        to=role.user,
        template="profiles/email/role_invitation",
        context={
            **_role_context(role),
            "link": invitation_link(role.user),
            "days": max(1, settings.PASSWORD_RESET_TIMEOUT // 86400),
        },
    )
    if sent:
        outbox.claim(key=_welcome_key(role.user_id), to=role.user)
    return sent
