"""The one outbox: every email Kindred sends goes out once.

An email is a function of ids that checks its event still stands and calls
:func:`send_once` under a key naming the event. Inserting the key's
:class:`~profiles.models.SentEmail` row claims the send, so a task run twice
sends one copy; a send that fails releases the claim for the retry.

Each email is a Celery task of its own (:func:`email`), queued by ids once
the transaction commits, ``emails.request_received.delay_on_commit(mentorship.pk)``:
an email that does not exist fails where it is queued, not in the worker.
Every body is a template: ``<template>_subject.txt`` and ``_body.txt``, and
the HTML part is the same text with its links made clickable.
"""

from __future__ import annotations

import smtplib
from collections.abc import Callable

from celery import shared_task
from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.html import escape

from config.celery import RETRY, TRANSIENT

from . import zones
from .models import SentEmail, User

TEXT = "plain_text"  # the template engine that escapes nothing (config/settings.py)

# An SMTP server that blinked is worth another try, as the database is.
EMAIL_RETRY = {**RETRY, "autoretry_for": (*TRANSIENT, OSError, smtplib.SMTPException)}


def email(send: Callable[..., bool]):
    """Make ``send(*ids) -> bool`` (True when it sent) a task of its own."""
    return shared_task(name=f"{send.__module__}.{send.__name__}", **EMAIL_RETRY)(send)


def render(*, template: str, to: str, context: dict, tz: str = "") -> EmailMultiAlternatives:
    """The email, its dates and times in the recipient's time zone (``tz``)."""
    context = {"site_url": settings.SITE_URL, **context}
    with timezone.override(zones.zone(tz)):
        subject = render_to_string(f"{template}_subject.txt", context, using=TEXT)
        body = render_to_string(f"{template}_body.txt", context, using=TEXT)
    # What people typed (a decline note, a name) is text: escaped once, for the HTML part.
    html = render_to_string("email/base_body.html", {"body": escape(body)})
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


def send_once(*, key: str, to: User, template: str, context: dict, tz: str = "") -> bool:
    """Send ``template`` to ``to`` unless an email under ``key`` was sent; False
    then. ``tz``: the recipient's time zone, for the dates the email shows."""
    if not claim(key=key, to=to):
        return False
    try:
        render(template=template, to=to.email, context=context, tz=tz).send()
    except Exception:
        SentEmail.objects.filter(key=key).delete()
        raise
    return True
