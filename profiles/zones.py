"""A person's own time zone, for every date they are shown: on pages (the
middleware below activates it per request) and in emails (``outbox.render``).

A person's zone is the one their profile gives (the latest of their profiles,
if they joined several programs); without one, the site's (UTC). The zone is
cached per user and forgotten when a profile of theirs is saved."""

from __future__ import annotations

import zoneinfo
from datetime import tzinfo

from django.core.cache import cache
from django.utils import timezone

KEPT_FOR = 3600


def zone(name: str) -> tzinfo:
    """The zone called ``name``, or the site's when the name is empty or unknown."""
    try:
        return zoneinfo.ZoneInfo(name) if name else timezone.get_default_timezone()
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return timezone.get_default_timezone()


def _key(user_id: int) -> str:
    return f"zone:{user_id}"


def of_user(user_id: int) -> str:
    """The name of the user's zone ("" for none), cached."""
    from .models import Profile

    def look_up() -> str:
        named = Profile.objects.filter(user_id=user_id).exclude(timezone="")
        return named.order_by("-pk").values_list("timezone", flat=True).first() or ""

    return cache.get_or_set(_key(user_id), look_up, KEPT_FOR)


def forget(user_id: int) -> None:
    cache.delete(_key(user_id))


class PersonalTimeZoneMiddleware:
    """Pages show dates and times in the signed-in person's own zone."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            timezone.activate(zone(of_user(user.pk)))
        try:
            return self.get_response(request)
        finally:
            timezone.deactivate()
