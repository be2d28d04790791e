"""Required single sign-on: the one place that says whether a password way in
(password sign-in, reset, sign-in code, sign-up) is refused for an address.

Used by the allauth forms in ``forms.py``; the message points to the
organisation's identity providers, each as a "Continue with …" link.
"""

from __future__ import annotations

from django.utils.html import conditional_escape, format_html_join
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext

from . import domains
from .signin import login_url
from .templatetags.sso import BUTTON_TEXTS


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
        return _sentence(
            gettext(
                "%(organisation)s signs its people in with single sign-on, which is not set "
                "up yet. Ask your %(organisation)s administrator."
            ),
            organisation=organisation.name,
        )
    links = format_html_join(
        # Translators: between links, as in "Continue with A or Continue with B".
        gettext(" or "),
        '<a href="{}">{}</a>',
        ((login_url(c), BUTTON_TEXTS["Continue"] % {"label": c.label}) for c in connections),
    )
    return _sentence(
        gettext(
            "%(organisation)s signs its people in with single sign-on, not a password here. "
            "%(links)s."
        ),
        organisation=organisation.name,
        links=links,
    )


def _sentence(pattern: str, **values) -> SafeString:
    """``pattern`` escaped, then its named placeholders filled with ``values``, escaped
    unless already safe (the links)."""
    escaped = {name: conditional_escape(value) for name, value in values.items()}
    return mark_safe(conditional_escape(pattern) % escaped)  # noqa: S308  # nosec B308 B703
