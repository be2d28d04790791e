"""A meeting's time as each side of a pair reads it, in their own time zone
(profiles/zones.py): on the pages, in the emails and in the API."""

from __future__ import annotations

from datetime import datetime

from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext, ngettext, pgettext

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
    if moment.year != now.year:
        # Translators: a meeting's day in another year, in Django's date format letters
        # (https://docs.djangoproject.com/en/5.2/ref/templates/builtins/#date): "Tue 9 Mar
        # 2027". Reorder them as your language writes a date; "D" and "M" are the short
        # day and month names.
        return date_format(moment, pgettext("meeting day", "D j M Y"))
    # Translators: a meeting's day this year, in Django's date format letters: "Tue 9 Mar".
    return date_format(moment, pgettext("meeting day", "D j M"))


def _time(moment: datetime) -> str:
    return date_format(moment, "TIME_FORMAT")


def for_person(instant: datetime, person: Profile | None) -> str:
    """``instant`` in the person's own zone: "Tue 9 Mar 18:00"."""
    moment = local(instant, person)
    # Translators: a meeting's day, then its time: "Tue 9 Mar 18:00".
    return pgettext("meeting day and time", "%(day)s %(time)s") % {
        "day": _day(moment, timezone.now()),
        "time": _time(moment),
    }


def in_both_zones(instant: datetime, me: Profile, other: Profile | None) -> str:
    """``instant`` for ``me`` and for the other side, each in their own zone:
    "Tue 9 Mar 18:00 your time · 10:00 for Ana (Europe/London)"; the other's
    day is named when it is not the same as ``me``'s."""
    now = timezone.now()
    mine = local(instant, me)
    when = for_person(instant, me)
    if other is None:
        return gettext("%(when)s your time") % {"when": when}
    theirs = local(instant, other)
    if theirs.replace(tzinfo=None) == mine.replace(tzinfo=None):
        return gettext("%(when)s your time · the same for %(name)s") % {
            "when": when,
            "name": other.name,
        }
    said = {"when": when, "time": _time(theirs), "name": other.name, "zone": zone_label(other)}
    if theirs.date() == mine.date():
        return gettext("%(when)s your time · %(time)s for %(name)s (%(zone)s)") % said
    return gettext("%(when)s your time · %(day)s %(time)s for %(name)s (%(zone)s)") % {
        **said,
        "day": _day(theirs, now),
    }


def length(minutes: int) -> str:
    """A meeting's length in words: "45 minutes", "1 hour", "1 hour 30 minutes"."""
    hours, rest = divmod(minutes, 60)
    said_hours = ngettext("%(count)s hour", "%(count)s hours", hours) % {"count": hours}
    said_minutes = ngettext("%(count)s minute", "%(count)s minutes", rest) % {"count": rest}
    if not hours:
        return said_minutes
    if not rest:
        return said_hours
    # Translators: a length in hours and minutes: "1 hour 30 minutes".
    return pgettext("hours and minutes", "%(hours)s %(minutes)s") % {
        "hours": said_hours,
        "minutes": said_minutes,
    }
