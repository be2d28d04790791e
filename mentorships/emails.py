"""The emails of requests and mentorships, each a task of its own (profiles/outbox.py),
keyed by the event it reports so that each goes out once."""

from celery import current_app
from django.db.models import Q
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
    """Send once, the dates in the recipient's own time zone."""
    return outbox.send_once(
        key=key,
        to=to.user,
        template=f"{TEMPLATES}/{template}",
        context=context,
        tz=to.timezone,
    )


def _to_the_mentor(m: Mentorship, key: str, template: str, **context) -> bool:
    return _send(
        key=key,
        to=m.mentor,
        template=template,
        context={"m": m, "link": _home(m.mentor), **context},
    )


@outbox.email
def request_received(pk: int) -> bool:
    m = _mentorship(pk)
    if m is None:
        return False
    return _to_the_mentor(m, f"request-received:{pk}", "request_received")


@outbox.email
def request_answered(pk: int) -> bool:
    """The mentee hears their request was accepted. (A decline sends them back to
    their suggestions: matching's email says so, with what is new.)"""
    m = _mentorship(pk)
    if m is None or m.status != Mentorship.Status.ACCEPTED:
        return False
    return _send(
        key=f"request-answered:{pk}",
        to=m.mentee,
        template="request_accepted",
        context={"m": m, "link": m.get_absolute_url()},
    )


@outbox.email
def from_the_clock(profile_id: int, reminded: list[int], prompted: list[list[int]]) -> bool:
    """One clock run's news for one person, in one email: the requests waiting
    a week for their answer (``reminded``, mentorship ids) and the check-ins
    due (``prompted``, [mentorship id, week] pairs). Each item is claimed by
    the clock once, so the first item names the email."""
    me = Profile.objects.select_related("user", "program").filter(pk=profile_id).first()
    if me is None:
        return False
    waiting = list(
        Mentorship.objects.filter(pk__in=reminded, mentor=me, status=Mentorship.Status.REQUESTED)
        .select_related("mentee")
        .order_by("requested_at")
    )
    weeks = dict(map(tuple, prompted))
    check_ins = [
        {"m": m, "other": m.other_side(me), "week": weeks[m.pk], "link": m.get_absolute_url()}
        for m in Mentorship.objects.filter(pk__in=weeks, status__in=Mentorship.PAIRED)
        .filter(Q(mentee=me) | Q(mentor=me))
        .select_related("mentee", "mentor")
        .order_by("started_at")
        if m.mentee and m.mentor
    ]
    if not waiting and not check_ins:
        return False
    first = f"r{reminded[0]}" if reminded else "p{}-{}".format(*prompted[0])
    return _send(
        key=f"clock:{profile_id}:{first}",
        to=me,
        template="from_the_clock",
        context={
            "me": me,
            "waiting": waiting,
            "check_ins": check_ins,
            "link": _home(me),
        },
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
def matched(pk: int) -> bool:
    """An admin's match or an auto-assignment: both sides hear."""
    return _to_the_pair(pk, f"matched:{pk}", "matched")


@outbox.email
def ended(pk: int) -> bool:
    """The mentor hears when their mentee, or the program team, ended it. (A
    mentee whose mentorship ended is sent back to their suggestions: matching's
    email says so.)"""
    m = _mentorship(pk)
    if m is None or m.ended_by not in ("mentee", "admin"):
        return False
    return _to_the_mentor(
        m, f"ended:{pk}:{m.mentor.pk}", "ended", by_admin=m.ended_by == "admin", partner=m.mentee
    )


@outbox.email
def partner_left(pk: int) -> bool:
    """A mentee who asked them, or was their mentee, left Kindred: the mentor
    hears, without a name or a reason. (A mentee whose mentor left hears it in
    matching's email that sends them back to their suggestions.)"""
    m = Mentorship.objects.select_related("mentor__user", "program").filter(pk=pk).first()
    if m is None or m.ended_by != "mentee" or m.mentor is None:
        return False
    return _to_the_mentor(
        m, f"left:{pk}", "partner_left", was_request=m.status == Mentorship.Status.WITHDRAWN
    )


@outbox.email
def mentor_paused(pk: int) -> bool:
    """The mentor a mentee asked has paused: the request stays open until it
    expires, and the mentee may keep waiting or ask someone else."""
    m = _mentorship(pk)
    if m is None or m.status != Mentorship.Status.REQUESTED or not m.mentor.is_paused:
        return False
    return _send(
        key=f"paused:{pk}",
        to=m.mentee,
        template="mentor_paused",
        context={"m": m, "until": m.expires_at, "link": _home(m.mentee)},
    )


# --- names of the previous release --------------------------------------------------
# Emails queued under these names before the upgrade that merged the clock's
# emails (a worker that was down, a backlog) still go out, as the email that now
# says the same (docs/operations.md, Upgrading). Remove in the release after.


@outbox.email
def reminder(pk: int) -> bool:
    """Was: one reminder per request. Now in the mentor's clock email."""
    m = _mentorship(pk)
    if m is None or m.status != Mentorship.Status.REQUESTED:
        return False
    return from_the_clock(m.mentor.pk, [pk], [])


@outbox.email
def check_in_prompt(pk: int, week: int) -> bool:
    """Was: one prompt per mentorship and week. Now in each side's clock email."""
    m = _mentorship(pk)
    if m is None:
        return False
    told = [from_the_clock(side.pk, [], [[pk, week]]) for side in (m.mentee, m.mentor)]
    return any(told)


@outbox.email
def expired(pk: int) -> bool:
    """Was: 'your request went unanswered'. Now matching's 'back in the pool'
    email says it, with what is new; queued by name, as mentorships does not
    import matching."""
    m = Mentorship.objects.filter(pk=pk, status=Mentorship.Status.EXPIRED).first()
    if m is None or m.mentee_id is None:
        return False
    current_app.tasks["matching.emails.returned"].delay(m.mentee_id)
    return True
