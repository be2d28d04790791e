"""A person's own time zone, for every date they are shown: on pages (the
middleware below activates it per request) and in emails (``outbox.render``).

A person's zone is the one their profile gives (the latest of their profiles,
if they joined several programs); without one, the site's (UTC). The zone is
cached per user and forgotten when a profile of theirs is saved."""

from __future__ import annotations

import functools
import zoneinfo
from datetime import datetime, tzinfo
from importlib import resources
from pathlib import Path

from babel import UnknownLocaleError
from babel.dates import get_timezone_location
from django.core.cache import cache
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

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


# --- the zones a person chooses from -------------------------------------------------------
#
# tzdata's zone.tab names one canonical zone per place people live; tzdata.zi's
# link lines ("L Asia/Kolkata Asia/Calcutta") are the old and alias names a saved
# answer or a browser (ICU still says "Asia/Calcutta") may use.

REGIONS = frozenset(
    [
        "Africa",
        "America",
        "Antarctica",
        "Arctic",
        "Asia",
        "Atlantic",
        "Australia",
        "Europe",
        "Indian",
        "Pacific",
    ]
)
# Links whose target is another country's zone, where zone.tab still offers
# the place itself under its newer spelling.
RENAMED = {
    "Africa/Asmera": "Africa/Asmara",
    "Africa/Timbuktu": "Africa/Bamako",
    "America/Coral_Harbour": "America/Atikokan",
    "America/Virgin": "America/St_Thomas",
    "Antarctica/South_Pole": "Antarctica/McMurdo",
    "Atlantic/Jan_Mayen": "Arctic/Longyearbyen",
    "Pacific/Ponape": "Pacific/Pohnpei",
    "Pacific/Truk": "Pacific/Chuuk",
    "Pacific/Yap": "Pacific/Chuuk",
}
UTC_NAMES = (
    *("Etc/UTC", "Etc/UCT", "Etc/Universal", "Etc/Zulu", "UCT", "Universal", "Zulu"),
    *("GMT", "GMT0", "GMT+0", "GMT-0", "Greenwich", "Etc/GMT", "Etc/GMT0", "Etc/Greenwich"),
    *("Etc/GMT+0", "Etc/GMT-0"),
)


def _tzdata_file(name: str) -> str:
    """A file of the tz database zoneinfo reads, or "" where it has none to read."""
    for root in zoneinfo.TZPATH:
        path = Path(root) / name
        if path.is_file():
            return path.read_text(encoding="utf-8")
    try:
        return resources.files("tzdata").joinpath("zoneinfo", name).read_text(encoding="utf-8")
    except (ModuleNotFoundError, FileNotFoundError):
        return ""


@functools.cache
def canonical_names() -> frozenset[str]:
    """The zones offered: zone.tab's, the ones this machine can load, and UTC."""
    loadable = zoneinfo.available_timezones()
    named = {
        line.split("\t")[2].strip()
        for line in _tzdata_file("zone.tab").splitlines()
        if line.strip() and not line.startswith("#")
    }
    if not named:  # a tz database without its tables: every region/city name it has
        named = {z for z in loadable if z.split("/")[0] in REGIONS}
    return frozenset(named & loadable | {"UTC"})


@functools.cache
def aliases() -> dict[str, str]:
    """Every old or alias name whose zone is offered, to the name offered."""
    links = {}
    for line in _tzdata_file("tzdata.zi").splitlines():
        if line.startswith("L "):
            _, target, link = line.split()
            links[link] = target
    offered = canonical_names()
    found = {}
    for link in links:
        name, seen = link, set()
        while name not in offered and name in links and name not in seen:
            seen.add(name)
            name = links[name]
        if name in offered and link not in offered:
            found[link] = name
    found.update((old, new) for old, new in RENAMED.items() if new in offered)
    found.update(dict.fromkeys(UTC_NAMES, "UTC"))
    return found


def canonical(name: str) -> str | None:
    """The offered zone ``name`` means (an alias gives its zone), or None."""
    name = (name or "").strip()
    return name if name in canonical_names() else aliases().get(name)


REGION_NAMES = {
    "Africa": _("Africa"),
    "America": _("America"),
    "Antarctica": _("Antarctica"),
    "Arctic": _("Arctic"),
    "Asia": _("Asia"),
    "Atlantic": _("Atlantic"),
    "Australia": _("Australia"),
    "Europe": _("Europe"),
    "Indian": _("Indian Ocean"),
    "Pacific": _("Pacific"),
}
# Babel (CLDR) names Tagalog's places under Filipino.
CLDR_LOCALES = {"tl": "fil"}


@functools.cache
def place_names(language: str) -> dict[str, str]:
    """Each offered zone as readers of ``language`` name it, from CLDR ("미국(뉴욕) 시간");
    empty for English, where the zone's own name reads plainly ("America/New York")."""
    if language.split("-")[0] == "en":
        return {}
    code = CLDR_LOCALES.get(language, translation.to_locale(language))
    try:
        return {
            name: get_timezone_location(name, locale=code)
            for name in canonical_names() - {"UTC"}  # CLDR's "unknown region" for UTC
        }
    except (UnknownLocaleError, ValueError):
        return {}


def grouped_choices(now: datetime | None = None) -> list:
    """UTC, then the offered zones by region (an <optgroup> each), each with its
    local time now, named in the reader's language: "Europe/Berlin — 14:05",
    "독일 시간 — 14:05"."""
    now = now or timezone.now()
    places = place_names(translation.get_language() or "en")

    def choice(name: str) -> tuple[str, str]:
        clock = now.astimezone(zoneinfo.ZoneInfo(name)).strftime("%H:%M")
        return name, f"{places.get(name) or name.replace('_', ' ')} — {clock}"

    regions: dict[str, list[tuple[str, str]]] = {}
    for name in canonical_names() - {"UTC"}:
        regions.setdefault(name.split("/")[0], []).append(choice(name))
    return [
        choice("UTC"),
        *(
            (str(REGION_NAMES.get(region, region)), sorted(regions[region], key=lambda c: c[1]))
            for region in sorted(regions)
        ),
    ]
