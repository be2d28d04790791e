"""A person's own time zone, for every date they are shown: on pages (the
middleware below activates it per request) and in emails (``outbox.render``).

A person's zone is the one their profile gives (the latest of their profiles,
if they joined several programs); without one, the site's (UTC). The zone is
cached per user and forgotten when a profile of theirs is saved."""

from __future__ import annotations

import functools
import zoneinfo
from datetime import UTC, date, datetime, timedelta, tzinfo
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


# --- the short list a person picks from ----------------------------------------------------
#
# Four hundred zones are too many to scroll through, and most differ only in
# name: places whose clocks agree all year (Boise keeps Denver's time). The list
# offers the zones people know by their city, and any other zone whose clocks
# none of those share, so every clock in use is there once. A saved zone that is
# not on the list stays offered to its owner, and the browser's guess is taken
# as the listed zone whose clocks it keeps. Any canonical zone is still accepted
# (the API, imports).

KNOWN_CITIES = (
    *("Africa/Abidjan", "Africa/Accra", "Africa/Addis_Ababa", "Africa/Algiers", "Africa/Cairo"),
    *("Africa/Casablanca", "Africa/Dakar", "Africa/Johannesburg", "Africa/Khartoum"),
    *("Africa/Kinshasa", "Africa/Lagos", "Africa/Maputo", "Africa/Nairobi", "Africa/Tripoli"),
    *("America/Adak", "America/Anchorage", "America/Argentina/Buenos_Aires", "America/Asuncion"),
    *("America/Bogota", "America/Cancun", "America/Caracas", "America/Chicago"),
    *("America/Costa_Rica", "America/Denver", "America/Edmonton", "America/Guatemala"),
    *("America/Halifax", "America/Havana", "America/Jamaica", "America/La_Paz", "America/Lima"),
    *("America/Los_Angeles", "America/Manaus", "America/Mexico_City", "America/Montevideo"),
    *("America/New_York", "America/Nuuk", "America/Panama", "America/Phoenix"),
    *("America/Port-au-Prince", "America/Puerto_Rico", "America/Regina", "America/Santiago"),
    *("America/Santo_Domingo", "America/Sao_Paulo", "America/St_Johns", "America/Tijuana"),
    *("America/Toronto", "America/Vancouver", "America/Winnipeg"),
    *("Asia/Almaty", "Asia/Baghdad", "Asia/Baku", "Asia/Bangkok", "Asia/Beirut", "Asia/Colombo"),
    *("Asia/Dhaka", "Asia/Dubai", "Asia/Ho_Chi_Minh", "Asia/Hong_Kong", "Asia/Jakarta"),
    *("Asia/Jerusalem", "Asia/Kabul", "Asia/Karachi", "Asia/Kathmandu", "Asia/Kolkata"),
    *("Asia/Kuala_Lumpur", "Asia/Manila", "Asia/Novosibirsk", "Asia/Riyadh", "Asia/Seoul"),
    *("Asia/Shanghai", "Asia/Singapore", "Asia/Taipei", "Asia/Tashkent", "Asia/Tbilisi"),
    *("Asia/Tehran", "Asia/Tokyo", "Asia/Ulaanbaatar", "Asia/Vladivostok", "Asia/Yangon"),
    *("Asia/Yekaterinburg", "Asia/Yerevan"),
    *("Atlantic/Azores", "Atlantic/Canary", "Atlantic/Cape_Verde", "Atlantic/Reykjavik"),
    *("Australia/Adelaide", "Australia/Brisbane", "Australia/Darwin", "Australia/Hobart"),
    *("Australia/Melbourne", "Australia/Perth", "Australia/Sydney"),
    *("Europe/Amsterdam", "Europe/Athens", "Europe/Berlin", "Europe/Brussels"),
    *("Europe/Bucharest", "Europe/Dublin", "Europe/Helsinki", "Europe/Istanbul", "Europe/Kyiv"),
    *("Europe/Lisbon", "Europe/London", "Europe/Madrid", "Europe/Moscow", "Europe/Paris"),
    *("Europe/Prague", "Europe/Rome", "Europe/Stockholm", "Europe/Vienna", "Europe/Warsaw"),
    *("Europe/Zurich", "Indian/Maldives", "Indian/Mauritius"),
    *("Pacific/Apia", "Pacific/Auckland", "Pacific/Chatham", "Pacific/Fiji", "Pacific/Guam"),
    *("Pacific/Honolulu", "Pacific/Kiritimati", "Pacific/Noumea", "Pacific/Port_Moresby"),
    "Pacific/Tongatapu",
)
# Clocks are compared at noon UTC on every day of this many days from 1 January.
COMPARED_DAYS = 731


@functools.cache
def _clocks(year: int) -> dict[str, tuple[int, ...]]:
    """Each offered zone's UTC offsets, day by day, over this year and the next."""
    start = datetime(year, 1, 1, 12, tzinfo=UTC)
    days = [start + timedelta(days=d) for d in range(COMPARED_DAYS)]
    return {
        name: tuple(
            int(day.astimezone(zoneinfo.ZoneInfo(name)).utcoffset().total_seconds()) for day in days
        )
        for name in canonical_names()
    }


@functools.cache
def _countries() -> dict[str, str]:
    """Each zone.tab zone's country code."""
    rows = (line.split("\t") for line in _tzdata_file("zone.tab").splitlines())
    return {row[2].strip(): row[0] for row in rows if len(row) > 2 and not row[0].startswith("#")}


@functools.cache
def _listed(year: int) -> tuple[frozenset[str], dict[str, str]]:
    """The short list, and each other zone's listed zone with the same clocks
    (one in the same country when there is one)."""
    clocks = _clocks(year)
    listed = {name for name in (*KNOWN_CITIES, "UTC") if name in clocks}
    covered = {clocks[name] for name in listed}
    for name in sorted(clocks):  # one zone for each clock no known city keeps
        if clocks[name] not in covered:
            listed.add(name)
            covered.add(clocks[name])
    countries = _countries()
    keepers = [name for name in (*KNOWN_CITIES, *sorted(listed)) if name in listed]
    same = {}
    for name in clocks.keys() - listed:
        alike = [k for k in keepers if clocks[k] == clocks[name]]
        home = [k for k in alike if countries.get(k) == countries.get(name, "")]
        same[name] = (home or alike)[0]
    return frozenset(listed), same


def listed_names(today: date | None = None) -> frozenset[str]:
    """The zones the list offers: known cities, and one zone for every other clock."""
    return _listed((today or timezone.now().date()).year)[0]


def browser_guesses() -> dict[str, str]:
    """For the browser's guess: an old name or an unlisted zone, to the listed zone
    with its clocks ("Asia/Calcutta" → "Asia/Kolkata", "America/Boise" → "America/Denver")."""
    same = _listed(timezone.now().year)[1]
    return {
        **{old: same.get(name, name) for old, name in aliases().items()},
        **same,
    }


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


def grouped_choices(now: datetime | None = None, keep: str = "") -> list:
    """UTC, then the listed zones by region (an <optgroup> each), each with its
    local time now, named in the reader's language: "Europe/Berlin — 14:05",
    "독일 시간 — 14:05". ``keep``: a saved zone, offered even when not listed."""
    now = now or timezone.now()
    places = place_names(translation.get_language() or "en")

    def choice(name: str) -> tuple[str, str]:
        clock = now.astimezone(zoneinfo.ZoneInfo(name)).strftime("%H:%M")
        return name, f"{places.get(name) or name.replace('_', ' ')} — {clock}"

    offered = listed_names(now.date()) | ({keep} if keep in canonical_names() else set())
    regions: dict[str, list[tuple[str, str]]] = {}
    for name in offered - {"UTC"}:
        regions.setdefault(name.split("/")[0], []).append(choice(name))
    return [
        choice("UTC"),
        *(
            (str(REGION_NAMES.get(region, region)), sorted(regions[region], key=lambda c: c[1]))
            for region in sorted(regions)
        ),
    ]
