"""A meeting as a calendar invite (iCalendar, RFC 5545; its methods, iTIP, RFC 5546).

One event per meeting, always under the meeting's ``uid``: the first invite
(``REQUEST``, SEQUENCE 0), each move (``REQUEST`` again, SEQUENCE one higher:
a calendar updates the entry it has) and a cancellation (``CANCEL``, one
higher still). Times are in UTC, so no calendar has to know a zone's rules.

Kindred sends the invites, so Kindred's address is the ORGANIZER and the two
people are both ATTENDEEs, already agreed (they chose the time on Kindred).
The event names the two people and the program, says where, and links to the
meeting's page; the agenda and the goals stay on Kindred, as an invite is
often visible to colleagues who share a calendar (CLASS:PRIVATE asks them not
to show it, but not every calendar obeys).

Its summary and description are for people: they are written in the active
language, so an invite is built once per recipient, under their language
(``emails._to_each_side``)."""

from __future__ import annotations

from datetime import UTC
from email.mime.text import MIMEText
from email.utils import parseaddr
from urllib.parse import urlsplit

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext
from icalendar import Calendar, Event, vCalAddress, vText

from .models import Meeting

PRODID = "-//Kindred//Mentoring meetings//EN"
REQUEST, CANCEL = "REQUEST", "CANCEL"
# Each attendee chose the time on Kindred: nothing to answer.
AGREED = {"role": "REQ-PARTICIPANT", "partstat": "ACCEPTED", "rsvp": "FALSE"}


def uid(meeting: Meeting) -> str:
    host = urlsplit(settings.SITE_URL).hostname or "kindred"
    return f"{meeting.uid}@{host}"


def _address(email: str, name: str, **params: str) -> vCalAddress:
    address = vCalAddress(f"mailto:{email}")
    address.params["cn"] = vText(name)
    for key, value in params.items():
        address.params[key.replace("_", "-")] = vText(value)
    return address


def summary(meeting: Meeting) -> str:
    m = meeting.mentorship
    if m.mentee and m.mentor:
        return gettext("Mentoring meeting: %(mentee)s and %(mentor)s") % {
            "mentee": m.mentee.name,
            "mentor": m.mentor.name,
        }
    names = [side.name for side in (m.mentee, m.mentor) if side]
    return gettext("Mentoring meeting: %(name)s") % {"name": names[0] if names else ""}


def description(meeting: Meeting) -> str:
    m = meeting.mentorship
    lines = [
        gettext("A mentoring meeting of %(program)s, arranged on %(site)s.")
        % {"program": m.program.name, "site": settings.SITE_NAME}
    ]
    if meeting.video_url:
        lines.append(gettext("Video link: %(link)s") % {"link": meeting.video_url})
    if meeting.place:
        lines.append(gettext("Place: %(place)s") % {"place": meeting.place})
    lines.append(
        gettext("The agenda, and where to say how it went afterwards: %(link)s")
        % {"link": f"{settings.SITE_URL}{meeting.get_absolute_url()}"}
    )
    return "\n".join(lines)


def calendar(meeting: Meeting, method: str = REQUEST) -> Calendar:
    """The invite (``REQUEST``) or the cancellation (``CANCEL``) of a meeting
    that has a time."""
    m = meeting.mentorship
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", method)
    event = Event()
    event.add("uid", uid(meeting))
    event.add("sequence", meeting.sequence)
    event.add("dtstamp", timezone.now().astimezone(UTC))
    event.add("dtstart", meeting.starts_at.astimezone(UTC))
    event.add("dtend", meeting.ends_at.astimezone(UTC))
    event.add("summary", summary(meeting))
    event.add("description", description(meeting))
    event.add("location", meeting.place or meeting.video_url)
    event.add("url", f"{settings.SITE_URL}{meeting.get_absolute_url()}")
    event.add("status", "CANCELLED" if method == CANCEL else "CONFIRMED")
    event.add("transp", "OPAQUE")
    event.add("class", "PRIVATE")
    sender = parseaddr(settings.DEFAULT_FROM_EMAIL)[1]
    event.add("organizer", _address(sender, m.program.name))
    for side in (m.mentee, m.mentor):
        if side is not None:
            event.add(
                "attendee",
                _address(side.user.email, side.name, **AGREED if method == REQUEST else {}),
                encode=False,
            )
    cal.add_component(event)
    return cal


def ics(meeting: Meeting, method: str = REQUEST) -> bytes:
    return calendar(meeting, method).to_ical()


def attachment(meeting: Meeting, method: str = REQUEST) -> MIMEText:
    """The invite as an email's part: ``text/calendar; method=…``, which mail
    programs offer to add to the calendar (RFC 6047)."""
    part = MIMEText(ics(meeting, method).decode(), "calendar", "utf-8")
    part.set_param("method", method)
    part.add_header("Content-Disposition", "attachment", filename="invite.ics")
    return part
