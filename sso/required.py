"""Required single sign-on: the one place that says whether a password way in
(password sign-in, reset, sign-in code, sign-up) is refused for an address.

Used by the allauth forms in ``forms.py``; the message points to the
organisation's identity providers, each as a "Continue with …" link.
"""

from __future__ import annotations

from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

from . import domains
from .signin import login_url


def refusal_for(email: str) -> SafeString | None:
    """Why ``email`` may not use a password way in, or None when it may.

    Refused when its domain belongs to an organisation that requires single
    sign-on. The message names the organisation and links each of its active
    connections ("Continue with Acme SSO").
    """
    organisation = domains.organisation_for(email)
    if organisation is None or not organisation.require_sso:
        return None
    connections = domains.connections_for(email)
    if not connections:
        return format_html(
            "{} signs its people in with single sign-on, which is not set up yet. "
            "Ask your {} administrator.",
            organisation.name,
            organisation.name,
        )
    links = format_html_join(
        " or ",
        '<a href="{}">Continue with {}</a>',
        ((login_url(c), c.label) for c in connections),
    )
    return format_html(
        "{} signs its people in with single sign-on, not a password here. {}.",
        organisation.name,
        links,
    )
