"""What a refused SAML answer means, in words a person can act on.

allauth puts python3-saml's reason for refusing an assertion in the error page's
context (``saml_last_error_reason``); its wording is for developers and may name
addresses, so the page shows one of these sentences instead, never the reason.
"""

from __future__ import annotations

from django import template
from django.utils.translation import gettext_lazy as _

register = template.Library()

# Kindred's own reason (sso/saml_views.py) for an answer no sign-in here awaits.
NOT_STARTED_HERE = "No sign-in started in this browser awaits this answer"

# The first entry whose fragment is in python3-saml's reason wins.
EXPLANATIONS = (
    (
        (NOT_STARTED_HERE,),
        _(
            "This answer does not belong to a sign-in started in this browser: it was "
            "used already, or took too long. Start again from Kindred's sign-in page."
        ),
    ),
    (
        ("expired", "A valid SubjectConfirmation was not found"),
        _(
            "The answer from your organisation's sign-in service had expired before it "
            "reached Kindred. Sign in again; if this keeps happening, a clock on one side "
            "may be wrong."
        ),
    ),
    (
        ("not yet valid",),
        _(
            "The answer from your organisation's sign-in service is dated in the future, "
            "so a clock on one side is wrong."
        ),
    ),
    (
        ("is not signed", "No Signature found"),
        _(
            "The answer from your organisation's sign-in service was not signed, so Kindred "
            "cannot trust it."
        ),
    ),
    (
        ("Signature", "Signed Element", "KeyInfo", "Deprecated"),
        _(
            "The answer's signature did not match the certificate Kindred has for your "
            "organisation's sign-in service: it was changed on its way, or the certificate "
            "has changed."
        ),
    ),
    (
        ("was received at", "audience", "issuer", "Issuer", "Destination"),
        _(
            "The answer was meant for another address or service: the single sign-on "
            "set-up at your organisation and at Kindred do not match."
        ),
    ),
    (
        ("status code",),
        _("Your organisation's sign-in service did not sign you in."),
    ),
)


@register.filter
def saml_explained(reason: str | None) -> str:
    """A plain sentence for python3-saml's ``reason``; "" when none fits."""
    for fragments, explanation in EXPLANATIONS:
        if reason and any(fragment in reason for fragment in fragments):
            return explanation
    return ""
