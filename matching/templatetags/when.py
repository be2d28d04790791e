"""Times said relatively on pages: ``{% load when %}`` then ``{{ at|ago }}``."""

from datetime import datetime, timedelta

from django import template
from django.utils import timezone
from django.utils.timesince import timesince
from django.utils.translation import gettext

register = template.Library()

# Under this, "0 minutes ago" is what timesince would say: people say "just now".
JUST_NOW = timedelta(minutes=1)


@register.filter
def ago(value: datetime | None, now: datetime | None = None) -> str:
    """ "just now", "5 minutes ago", "2 days, 3 hours ago"; "" for no time."""
    if not isinstance(value, datetime):
        return ""
    now = now or timezone.now()
    if now - value < JUST_NOW:
        return gettext("just now")
    # Translators: how long ago something happened: "2 days, 3 hours ago".
    return gettext("%(time)s ago") % {"time": timesince(value, now)}
