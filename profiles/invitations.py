"""The invitation an imported person gets: a link to choose a password.

An imported person never signs up, so the invitation is their welcome email
and claims the same sent-at column: a retried or duplicated task sends one."""

from allauth.account.forms import default_token_generator
from allauth.account.utils import user_pk_to_url_str
from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse

from .emails import send_once
from .models import Profile, Program, User

INVITATION_SUBJECT = "You are invited to {program} on Kindred"
INVITATION_BODY = """Hello {name},

{program} has added you to Kindred as a {roles}. Kindred suggests mentors and
mentees who share your background, goals and values, and explains why.

Choose a password to sign in with {email}:
{link}

The link works once and for {days} days. After that, use "Forgot password?" on the
sign-in page with this email address.

Your answers from the program are already in your profile; check them and add
anything you like once you have signed in: {site_url}/home/

— The Kindred team
"""


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


def _send_invitation(user: User, program: Program) -> None:
    profiles = list(Profile.objects.filter(user=user, program=program).order_by("role"))
    body = INVITATION_BODY.format(
        name=next((p.display_name for p in profiles if p.display_name), "there"),
        program=program.name,
        roles=" and a ".join(p.get_role_display().lower() for p in profiles) or "participant",
        email=user.email,
        link=invitation_link(user),
        days=max(1, settings.PASSWORD_RESET_TIMEOUT // 86400),
        site_url=settings.SITE_URL,
    )
    message = EmailMultiAlternatives(
        INVITATION_SUBJECT.format(program=program.name),
        body,
        settings.DEFAULT_FROM_EMAIL,
        [user.email],
    )
    message.attach_alternative(
        render_to_string("email/base_body.html", {"body": body}), "text/html"
    )
    message.send()


def send_invitation(*, user_id: int, program_id: int) -> bool:
    """Invite an imported person, once; False when they are gone, have chosen a
    password already or were invited before."""
    user = User.objects.filter(pk=user_id).first()
    program = Program.objects.filter(pk=program_id).first()
    if user is None or program is None or user.has_usable_password():
        return False
    return send_once(
        model=User,
        pk=user_id,
        flag="welcome_email_sent_at",
        send=lambda: _send_invitation(user, program),
    )
