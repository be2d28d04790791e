"""The one outbox: every email Kindred sends goes out once.

An email is a function of ids that checks its event still stands and calls
:func:`send_once` under a key naming the event. Inserting the key's
:class:`~profiles.models.SentEmail` row claims the send, so a task run twice
sends one copy; a send that fails releases the claim for the retry.

Each email is a Celery task of its own (:func:`email`), queued by ids once
the transaction commits, ``emails.request_received.delay_on_commit(mentorship.pk)``:
an email that does not exist fails where it is queued, not in the worker.
Every email is three templates: ``<template>_subject.txt`` and ``_body.txt``,
rendered as text (nothing escaped), and ``_body.html``, which extends
``email/base.html`` (the house style) and names the main action's button and
why the person gets the email. The HTML part says what the text says: the text
escaped once, in paragraphs, its links clickable and the main action's link a
button (:func:`html_part`); allauth's account emails go the same way
(profiles/accounts.py).
"""

from __future__ import annotations

import re
import smtplib
from collections.abc import Callable, Sequence
from email.mime.base import MIMEBase

from celery import shared_task
from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import IntegrityError, transaction
from django.template import TemplateDoesNotExist
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from config.celery import RETRY, TRANSIENT

from . import languages, zones
from .models import SentEmail, User

TEXT = "plain_text"  # the template engine that escapes nothing (config/settings.py)

# An SMTP server that blinked is worth another try, as the database is.
EMAIL_RETRY = {**RETRY, "autoretry_for": (*TRANSIENT, OSError, smtplib.SMTPException)}


def email(send: Callable[..., bool]):
    """Make ``send(*ids) -> bool`` (True when it sent) a task of its own."""
    return shared_task(name=f"{send.__module__}.{send.__name__}", **EMAIL_RETRY)(send)


def site() -> dict:
    """The site's name and public address, for every email's words and links."""
    return {"site_name": settings.SITE_NAME, "site_url": settings.SITE_URL}


def action_url(context: dict) -> str:
    """The address of the email's main action: ``action_url``, else ``link``
    (a path on the site, or a whole address)."""
    url = context.get("action_url") or context.get("link") or ""
    return f"{settings.SITE_URL}{url}" if url.startswith("/") else url


LINK_STYLE = "color: #1d5e5a;"
# Web addresses only: an email address is left as text (urlize would cut
# o'neil@example.org at the apostrophe), and a sentence's closing mark stays out.
WEB_ADDRESS = re.compile(r"https?://[^\s<>\"']+[^\s<>\"'.,;:!?)]")


def _linked(line: str) -> str:
    html, end = [], 0
    for found in WEB_ADDRESS.finditer(line):
        url = escape(found.group())
        html += [
            escape(line[end : found.start()]),
            f'<a style="{LINK_STYLE}" href="{url}">{url}</a>',
        ]
        end = found.end()
    return "".join([*html, escape(line[end:])])


def _paragraph(lines: list[str]) -> SafeString:
    # Safe: _linked escapes every piece of text and address; only its own <a> and <br> are markup.
    return mark_safe("<br>".join(_linked(line) for line in lines))  # noqa: S308  # nosec B308 B703


def paragraphs(text: str, action: str = "") -> list[dict]:
    """The text in paragraphs of escaped HTML. The line that is the main
    action's address alone becomes the button (``action`` True) after its
    paragraph, or after the last before the sign-off if no line is."""
    blocks = [b.splitlines() for b in re.split(r"\n\s*\n", text.strip()) if b.strip()]
    found = False
    shown = []
    for lines in blocks:
        kept = [line for line in lines if not (action and line.strip() == action)]
        here = len(kept) < len(lines) and not found
        found |= here
        if kept or here:
            shown.append({"html": _paragraph(kept) if kept else "", "action": here})
    if action and not found and shown:
        last = -2 if len(shown) > 1 and shown[-1]["html"].startswith("—") else -1
        shown[last]["action"] = True
    return shown


def html_part(*, template: str, text: str, context: dict) -> str:
    """``<template>.html`` (else ``email/base.html``) around ``text``."""
    action = action_url(context)
    context = {**context, "paragraphs": paragraphs(text, action), "action_url": action}
    try:
        return render_to_string(f"{template}.html", context)
    except TemplateDoesNotExist:
        return render_to_string("email/base.html", context)


def render(
    *,
    template: str,
    to: str,
    context: dict,
    tz: str = "",
    language: str = "",
    attachments: Sequence[MIMEBase] = (),
) -> EmailMultiAlternatives:
    """The email in the recipient's language (``language``; the site's if empty), its
    dates and times in their time zone (``tz``), with ``attachments`` (a meeting's
    calendar invite) after its text and HTML. Lazy texts in ``context`` are
    translated here, in the recipient's language."""
    context = {**site(), **context}
    with (
        translation.override(language or settings.LANGUAGE_CODE),
        timezone.override(zones.zone(tz)),
    ):
        subject = render_to_string(f"{template}_subject.txt", context, using=TEXT)
        body = render_to_string(f"{template}_body.txt", context, using=TEXT)
        # What people typed (a decline note, a name) is text: escaped once, for the HTML part.
        html = html_part(template=f"{template}_body", text=body, context=context)
    subject = " ".join(subject.split())
    message = EmailMultiAlternatives(
        subject,
        body,
        settings.DEFAULT_FROM_EMAIL,
        [to],
        # Which email this is, for mail filters and for counting (bench/clock_simulation.py).
        headers={"X-Kindred-Email": template.rsplit("/", 1)[-1]},
    )
    message.attach_alternative(html, "text/html")
    for part in attachments:
        message.attach(part)
    return message


def claim(*, key: str, to: User) -> bool:
    """Mark the email under ``key`` as sent without sending it (another email
    said the same); False if it was sent already."""
    try:
        with transaction.atomic():
            SentEmail.objects.create(key=key, to=to)
    except IntegrityError:
        return False
    return True


def send_once(
    *,
    key: str,
    to: User,
    template: str,
    context: dict,
    tz: str = "",
    attachments: Sequence[MIMEBase] = (),
) -> bool:
    """Send ``template`` to ``to`` unless an email under ``key`` was sent; False
    then. ``tz``: the recipient's time zone, for the dates the email shows."""
    if not claim(key=key, to=to):
        return False
    try:
        email = render(
            template=template,
            to=to.email,
            context=context,
            tz=tz,
            language=languages.of(to),
            attachments=attachments,
        )
        email.send()
    except Exception:
        SentEmail.objects.filter(key=key).delete()
        raise
    return True
