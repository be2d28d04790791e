"""The emails of requests and mentorships. Each is keyed by the event it
reports; inserting its SentEmail row claims the send, so a task that runs
twice sends one copy, and a failed send releases the claim for the retry."""

from django.db import IntegrityError, transaction
from django.urls import reverse

from profiles.emails import send_templated_email
from profiles.models import Profile, User

from .models import Mentorship, SentEmail, Suggestion


def send_keyed(*, key: str, to: User, template: str, context: dict) -> bool:
    try:
        with transaction.atomic():
            SentEmail.objects.create(key=key, to=to)
    except IntegrityError:
        return False
    try:
        send_templated_email(template=f"matching/email/{template}", to=to.email, context=context)
    except Exception:
        SentEmail.objects.filter(key=key).delete()
        raise
    return True


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


def request_received(pk: int) -> bool:
    m = _mentorship(pk)
    if m is None:
        return False
    return send_keyed(
        key=f"request-received:{pk}",
        to=m.mentor.user,
        template="request_received",
        context={"m": m, "link": _home(m.mentor)},
    )


def request_answered(pk: int) -> bool:
    m = _mentorship(pk)
    if m is None or m.status not in (Mentorship.Status.ACCEPTED, Mentorship.Status.DECLINED):
        return False
    accepted = m.status == Mentorship.Status.ACCEPTED
    return send_keyed(
        key=f"request-answered:{pk}",
        to=m.mentee.user,
        template="request_accepted" if accepted else "request_declined",
        context={"m": m, "link": m.get_absolute_url() if accepted else _home(m.mentee)},
    )


def reminder(pk: int) -> bool:
    m = _mentorship(pk)
    if m is None or m.status != Mentorship.Status.REQUESTED:
        return False
    return send_keyed(
        key=f"reminder:{pk}",
        to=m.mentor.user,
        template="reminder",
        context={"m": m, "link": _home(m.mentor)},
    )


def expired(pk: int) -> bool:
    m = _mentorship(pk)
    if m is None or m.status != Mentorship.Status.EXPIRED:
        return False
    return send_keyed(
        key=f"expired:{pk}",
        to=m.mentee.user,
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
        sent |= send_keyed(
            key=f"{key}:{me.pk}",
            to=me.user,
            template=template,
            context={"m": m, "me": me, "other": other, "link": m.get_absolute_url(), **context},
        )
    return sent


def check_in_prompt(pk: int, week: int) -> bool:
    return _to_the_pair(pk, f"check-in:{pk}:{week}", "check_in_prompt", week=week)


def matched(pk: int) -> bool:
    """An admin's match or an auto-assignment: both sides hear."""
    return _to_the_pair(pk, f"matched:{pk}", "matched")


def ended(pk: int) -> bool:
    """The other side hears; after an admin's re-match, both do."""
    m = _mentorship(pk)
    if m is None or not m.ended_by:
        return False
    sides = {"mentee": [m.mentor], "mentor": [m.mentee], "admin": [m.mentee, m.mentor]}[m.ended_by]
    sent = False
    for other in sides:
        sent |= send_keyed(
            key=f"ended:{pk}:{other.pk}",
            to=other.user,
            template="ended",
            context={
                "m": m,
                "by_admin": m.ended_by == "admin",
                "partner": m.other_side(other),
                "link": _home(other),
            },
        )
    return sent


def suggestions_ready(mentee_id: int) -> bool:
    """Once when a mentee first has suggestions, and once per return to the pool."""
    mentee = Profile.objects.select_related("user", "program").filter(pk=mentee_id).first()
    if mentee is None or not Suggestion.objects.for_mentee(mentee).listed().exists():
        return False
    returns = Mentorship.objects.filter(mentee=mentee, status__in=Mentorship.CLOSED).count()
    return send_keyed(
        key=f"suggestions-ready:{mentee_id}:{returns}",
        to=mentee.user,
        template="suggestions_ready",
        context={"mentee": mentee, "link": _home(mentee)},
    )


KINDS = {
    "request_received": request_received,
    "request_answered": request_answered,
    "reminder": reminder,
    "expired": expired,
    "check_in_prompt": check_in_prompt,
    "ended": ended,
    "matched": matched,
    "suggestions_ready": suggestions_ready,
}


def send(kind: str, *ids: int) -> bool:
    return KINDS[kind](*ids)
