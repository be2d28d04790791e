"""Emails sent to people. Each send is claimed first with a conditional
update of its sent-at column, so a retried or duplicated task never sends a
second copy; a failed send releases the claim so the retry can try again."""

from collections.abc import Callable

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db.models import Model
from django.template.loader import render_to_string
from django.utils import timezone

from .models import User


def send_templated_email(*, template: str, to: str, context: dict) -> None:
    """Render ``<template>_subject.txt`` and ``_body.txt``; the HTML part is the
    same text with its links made clickable."""
    context = {"site_url": settings.SITE_URL, **context}
    subject = " ".join(render_to_string(f"{template}_subject.txt", context).split())
    body = render_to_string(f"{template}_body.txt", context)
    html = render_to_string("email/base_body.html", {"body": body})
    message = EmailMultiAlternatives(subject, body, settings.DEFAULT_FROM_EMAIL, [to])
    message.attach_alternative(html, "text/html")
    message.send()


def send_once(*, model: type[Model], pk: int, flag: str, send: Callable[[], None]) -> bool:
    """Claim ``model.flag`` for row ``pk`` and call ``send``; False if already sent."""
    rows = model.objects.filter(pk=pk, **{f"{flag}__isnull": True})
    if not rows.update(**{flag: timezone.now()}):
        return False
    try:
        send()
    except Exception:
        model.objects.filter(pk=pk).update(**{flag: None})
        raise
    return True


def send_welcome(*, user_id: int) -> bool:
    user = User.objects.filter(pk=user_id).first()
    if user is None:
        return False
    return send_once(
        model=User,
        pk=user_id,
        flag="welcome_email_sent_at",
        send=lambda: send_templated_email(
            template="profiles/email/welcome", to=user.email, context={"user": user}
        ),
    )
