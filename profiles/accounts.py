"""How Kindred tunes allauth's sign-in (docs/security.md, "Sign-in throttling").

allauth locks an account after 5 failed passwords in 5 minutes from anywhere:
anyone who knows an address could then keep its owner out. Here a failed
password counts against the account *from that address* (the client's own
address behind the trusted proxy, ``ALLAUTH_TRUSTED_PROXY_COUNT``), so a
stranger's guesses never lock the owner out; across every address an account
takes many more failures an hour before passwords are refused, and even then
its owner signs in with a code sent to their email (login by code), which no
failed password can block.

It also keeps the role a person chose on the landing page on their account
at sign-up, sends staff to their dashboard after signing in, and makes
allauth's account emails Kindred's: the site's name and public address
(``KINDRED_SITE_NAME``, ``KINDRED_SITE_URL``), text with nothing escaped, and
an HTML part in the house style (profiles/outbox.py).
"""

from types import SimpleNamespace
from urllib.parse import urlsplit, urlunsplit

from allauth.account.adapter import DefaultAccountAdapter
from allauth.core.internal import ratelimit
from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from . import access, languages, outbox
from .services import JOIN_ROLE_SESSION_KEY
from .taxonomy import Role

ACCOUNT_WIDE = "login_failed_account"
# Each account email's main action: the first of these its context holds.
ACTIONS = ("activate_url", "password_reset_url", "signup_url")


class AccountAdapter(DefaultAccountAdapter):
    error_messages = {
        **DefaultAccountAdapter.error_messages,
        "too_many_login_attempts_account": _(
            "Too many failed sign-ins for this account today. Use “Send me a sign-in code” "
            "below: we will email you a code that signs you in."
        ),
    }

    def _account_key(self, request, **credentials) -> str:
        return super()._get_login_attempts_cache_key(request, **credentials)

    def _get_login_attempts_cache_key(self, request, **credentials) -> str:
        return f"{self._account_key(request, **credentials)}:{ratelimit.get_ip(request)}"

    def pre_authenticate(self, request, **credentials) -> None:
        super().pre_authenticate(request, **credentials)
        self._account_usage = ratelimit.consume(
            request,
            app="allauth.account",
            action=ACCOUNT_WIDE,
            key=self._account_key(request, **credentials),
        )
        if not self._account_usage:
            self._rollback_login_failed_rl_usage()
            raise self.validation_error("too_many_login_attempts_account")

    def _rollback_login_failed_rl_usage(self) -> None:
        # A right password gives back what this attempt took, as allauth does.
        super()._rollback_login_failed_rl_usage()
        if usage := getattr(self, "_account_usage", None):
            usage.rollback()

    def _delete_login_attempts_cached_email(self, request, **credentials) -> None:
        # A password reset lifts both locks.
        super()._delete_login_attempts_cached_email(request, **credentials)
        ratelimit.clear(
            request,
            app="allauth.account",
            action=ACCOUNT_WIDE,
            key=self._account_key(request, **credentials),
        )

    def save_user(self, request, user, form, commit=True):
        role = request.session.get(JOIN_ROLE_SESSION_KEY) if request else None
        if role in Role.values:
            user.signup_role = role
        # The welcome email goes out when the address is confirmed, before any sign-in.
        languages.keep(user, request)
        return super().save_user(request, user, form, commit=commit)

    def get_login_redirect_url(self, request) -> str:
        if access.runs_any_program(request.user):
            # With one program there is nothing to choose: straight to its dashboard.
            only = list(access.programs_for(request.user).values_list("slug", flat=True)[:2])
            if len(only) == 1:
                return reverse("dashboard:program", args=only)
            return reverse("dashboard:programs")
        return super().get_login_redirect_url(request)

    # --- account emails ------------------------------------------------------

    def _public(self, url: str) -> str:
        """``url`` on the site's public address, whatever host the request came to."""
        parts = urlsplit(url)
        return settings.SITE_URL + urlunsplit(("", "", parts.path, parts.query, parts.fragment))

    def send_mail(self, template_prefix: str, email: str, context: dict) -> None:
        site = SimpleNamespace(name=settings.SITE_NAME, domain=urlsplit(settings.SITE_URL).netloc)
        links = {key: self._public(context[key]) for key in ACTIONS if context.get(key)}
        context = {**context, **links, **outbox.site(), "current_site": site}
        super().send_mail(template_prefix, email, context)

    def render_mail(self, template_prefix, email, context, headers=None):
        """Subject and text with nothing escaped (a name with an apostrophe stays
        one), and the HTML part in the house style around the same words."""
        context = {**context, "action_url": next((context[k] for k in ACTIONS if k in context), "")}
        subject = render_to_string(f"{template_prefix}_subject.txt", context, using=outbox.TEXT)
        text = render_to_string(f"{template_prefix}_message.txt", context, using=outbox.TEXT)
        text = text.strip()
        message = EmailMultiAlternatives(
            self.format_email_subject(" ".join(subject.split())),
            text,
            self.get_from_email(),
            [email] if isinstance(email, str) else email,
            headers={**(headers or {}), "X-Kindred-Email": template_prefix.rsplit("/", 1)[-1]},
        )
        html = outbox.html_part(template=f"{template_prefix}_message", text=text, context=context)
        message.attach_alternative(html, "text/html")
        return message
