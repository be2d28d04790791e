"""A meeting's time as each side of a pair reads it, in their own time zone
(profiles/zones.py): on the pages, in the emails and in the API."""

from __future__ import annotations

from datetime import datetime

from django.utils import timezone

from profiles import zones
from profiles.models import Profile


def zone_of(person: Profile | None):
    return zones.zone(person.timezone if person else "")


def zone_label(person: Profile | None) -> str:
    """The zone's name as people write it: "America/Los Angeles"."""
    return str(zone_of(person)).replace("_", " ")


def local(instant: datetime, person: Profile | None) -> datetime:
    return instant.astimezone(zone_of(person))


def _day(moment: datetime, now: datetime) -> str:
    year = f" {moment.year}" if moment.year != now.year else ""
    return f"{moment:%a} {moment.day} {moment:%b}{year}"


def for_person(instant: datetime, person: Profile | None) -> str:
    """``instant`` in the person's own zone: "Tue 9 Mar 18:00"."""
    moment = local(instant, person)
    return f"{_day(moment, timezone.now())} {moment:%H:%M}"


def in_both_zones(instant: datetime, me: Profile, other: Profile | None) -> str:
    """``instant`` for ``me`` and for the other side, each in their own zone:
    "Tue 9 Mar 18:00 your time · 10:00 for Ana (Europe/London)"; the other's
    day is named when it is not the same as ``me``'s."""
    now = timezone.now()
    mine = local(instant, me)
    said = f"{for_person(instant, me)} your time"
    if other is None:
        return said
    theirs = local(instant, other)
    if theirs.replace(tzinfo=None) == mine.replace(tzinfo=None):
        return f"{said} · the same for {other.name}"
    day = "" if theirs.date() == mine.date() else f"{_day(theirs, now)} "
    return f"{said} · {day}{theirs:%H:%M} for {other.name} ({zone_label(other)})"


def length(minutes: int) -> str:
    """A meeting's length in words: "45 minutes", "1 hour", "1 hour 30 minutes"."""
    hours, rest = divmod(minutes, 60)
    parts = [f"{hours} hour{'s' if hours > 1 else ''}"] if hours else []
    if rest or not hours:
        parts.append(f"{rest} minutes")
    return " ".join(parts)
