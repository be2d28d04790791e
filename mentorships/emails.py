"""The emails of requests and mentorships, each a task of its own (profiles/outbox.py),
keyed by the event it reports so that each goes out once."""

from django.urls import reverse

from profiles import outbox
from profiles.models import Profile

from .models import Mentorship

TEMPLATES = "mentorships/email"


def _mentorship(pk: int) -> Mentorship | None:
    """The mentorship, unless it is gone or one side has since deleted their account."""
    m = (
        Mentorship.objects.select_related("mentee__user", "mentor__user", "program")
        .filter(pk=pk)
        .first()
    )
    return m if m and m.mentee and m.mentor else None


def _home(profile: Profile) -> str:
    return reverse("matching:profile_home", args=[profile.pk])


def _send(*, key: str, to: Profile, template: str, context: dict) -> bool:
    return outbox.send_once(
        key=key, to=to.user, template=f"{TEMPLATES}/{template}", context=context
    )


@outbox.email
def request_received(pk: int) -> bool:
    m = _mentorship(pk)
    if m is None:
        return False
    return _send(
        key=f"request-received:{pk}",
        to=m.mentor,
        template="request_received",
        context={"m": m, "link": _home(m.mentor)},
    )


@outbox.email
def request_answered(pk: int) -> bool:
    m = _mentorship(pk)
    if m is None or m.status not in (Mentorship.Status.ACCEPTED, Mentorship.Status.DECLINED):
        return False
    accepted = m.status == Mentorship.Status.ACCEPTED
    return _send(
        key=f"request-answered:{pk}",
        to=m.mentee,
        template="request_accepted" if accepted else "request_declined",
        context={"m": m, "link": m.get_absolute_url() if accepted else _home(m.mentee)},
    )


@outbox.email
def reminder(pk: int) -> bool:
    m = _mentorship(pk)
    if m is None or m.status != Mentorship.Status.REQUESTED:
        return False
    return _send(
        key=f"reminder:{pk}",
        to=m.mentor,
        template="reminder",
        context={"m": m, "link": _home(m.mentor)},
    )


@outbox.email
def expired(pk: int) -> bool:
    m = _mentorship(pk)
    if m is None or m.status != Mentorship.Status.EXPIRED:
        return False
    return _send(
        key=f"expired:{pk}",
        to=m.mentee,
        template="expired",
        context={"m": m, "link": _home(m.mentee)},
    )


def _to_the_pair(pk: int, key: str, template: str, **context) -> bool:
    """One email to each side of a mentorship under way, keyed per person."""
    m = _mentorship(pk)
    if m is None or m.status not in Mentorship.PAIRED:
        return False
    sent = False
    for me, other in ((m.mentee, m.mentor), (m.mentor, m.mentee)):
        sent |= _send(
            key=f"{key}:{me.pk}",
            to=me,
            template=template,
            context={"m": m, "me": me, "other": other, "link": m.get_absolute_url(), **context},
        )
    return sent


@outbox.email
def check_in_prompt(pk: int, week: int) -> bool:
    return _to_the_pair(pk, f"check-in:{pk}:{week}", "check_in_prompt", week=week)


@outbox.email
def matched(pk: int) -> bool:
    """An admin's match or an auto-assignment: both sides hear."""
    return _to_the_pair(pk, f"matched:{pk}", "matched")


@outbox.email
def ended(pk: int) -> bool:
    """The other side hears; after an admin's re-match, both do."""
    m = _mentorship(pk)
    if m is None or not m.ended_by:
        return False
    sides = {"mentee": [m.mentor], "mentor": [m.mentee], "admin": [m.mentee, m.mentor]}[m.ended_by]
    sent = False
    for other in sides:
        sent |= _send(
            key=f"ended:{pk}:{other.pk}",
            to=other,
            template="ended",
            context={
                "m": m,
                "by_admin": m.ended_by == "admin",
                "partner": m.other_side(other),
                "link": _home(other),
            },
        )
    return sent
