"""The emails of requests and mentorships, each a task of its own (profiles/outbox.py),
keyed by the event it reports so that each goes out once."""

from celery import current_app
from django.db.models import Q
from django.urls import reverse
from django.utils import translation
from django.utils.functional import lazy
from django.utils.translation import gettext_lazy as _

from profiles import access, languages, outbox
from profiles.models import AuditEntry, Profile

from . import invites
from .models import (
    AgreementVersion,
    Continuation,
    Meeting,
    Mentorship,
    Message,
    MessageReport,
    ThreadReader,
)
from .outcome_models import CloseOut, FollowUp, SponsorshipAction
from .times import for_person, in_both_zones, length

TEMPLATES = "mentorships/email"
# Words and times put in an email's context are said when it is rendered, in its
# recipient's language (profiles/outbox.py), not when the task runs.
_in_both_zones = lazy(in_both_zones, str)
_for_person = lazy(for_person, str)
_length = lazy(length, str)


def _mentorship(pk: int) -> Mentorship | None:
    """The mentorship, unless it is gone or one side has since deleted their account."""
    m = (
        Mentorship.objects.select_related("mentee__user", "mentor__user", "program", "cycle")
        .filter(pk=pk)
        .first()
    )
    return m if m and m.mentee and m.mentor else None


def _home(profile: Profile) -> str:
    return reverse("matching:profile_home", args=[profile.pk])


def _send(*, key: str, to: Profile, template: str, context: dict, attachments=()) -> bool:
    """Send once, the dates in the recipient's own time zone."""
    return outbox.send_once(
        key=key,
        to=to.user,
        template=f"{TEMPLATES}/{template}",
        context=context,
        tz=to.timezone,
        attachments=attachments,
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
    """An admin's match or an auto-assignment: both sides hear how it was made,
    and a mentor the admin gave one place more for it hears that too."""
    return _to_the_pair(pk, f"matched:{pk}", "matched", added_place=_added_place(pk))


def _added_place(pk: int) -> bool:
    """Whether the admin's match set the mentor's capacity aside (lifecycle.match_by_admin
    records the rules it set aside with the match)."""
    details = (
        AuditEntry.objects.filter(action=AuditEntry.Action.MANUAL_MATCH, details__mentorship=pk)
        .values_list("details", flat=True)
        .first()
    )
    return "capacity" in (details or {}).get("set_aside", [])


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


def _term_link(m: Mentorship) -> str:
    return m.get_absolute_url() + "#term"


@outbox.email
def term_ended(pk: int) -> bool:
    """Both sides hear that their cycle's term has ended (mentorships/terms.py): the
    day their mentorship closes as completed, unless both choose to keep going."""
    m = _mentorship(pk)
    if m is None or m.closing_on is None or m.cycle_id is None:
        return False
    return _to_the_pair(pk, f"term-ended:{pk}", "term_ended", link=_term_link(m))


@outbox.email
def term_choice(pk: int, by_side: str, agreed: bool, at: str) -> bool:
    """The other side of ``by_side`` hears that both chose to keep going after the
    term (``agreed``), or, when ``by_side`` took their choice back after both had,
    that it closes after all. ``at``, when the choice was made, keys it: each change
    is told once, and a change undone before its email went tells nothing."""
    m = _mentorship(pk)
    if m is None or not m.is_paired or m.closing_on is None or m.cycle_id is None:
        return False
    chooser, to = (m.mentee, m.mentor) if by_side == "mentee" else (m.mentor, m.mentee)
    chose = {"mentee": m.mentee_extends_at, "mentor": m.mentor_extends_at}
    now = (chose[by_side] is not None, chose[m.side_of(to)] is not None)
    if now != ((True, True) if agreed else (False, True)):
        return False
    return _send(
        key=f"term-choice:{pk}:{to.pk}:{at}",
        to=to,
        template="term_choice",
        context={"m": m, "me": to, "other": chooser, "agreed": agreed, "link": _term_link(m)},
    )


@outbox.email
def close_out_asked(close_out_id: int) -> bool:
    """Each side of a mentorship that completed or ended is asked, once, how it went
    (mentorships/close_outs.py): a link to their survey, none of its questions."""
    c = (
        CloseOut.objects.select_related(
            "respondent__user", "mentorship__mentee", "mentorship__mentor", "mentorship__program"
        )
        .filter(pk=close_out_id, answered_at__isnull=True)
        .first()
    )
    if c is None:
        return False
    m, me = c.mentorship, c.respondent
    other = m.other_side(me)
    return _send(
        key=f"close-out:{m.pk}:{me.pk}",
        to=me,
        template="close_out_asked",
        context={
            "m": m,
            "me": me,
            "other_name": other.name
            if other
            else (_("your former mentor") if c.side == "mentee" else _("your former mentee")),
            "goals": c.goals.count(),
            "link": reverse("mentorships:close_out", args=[m.pk, c.side]),
        },
    )


def keys_about(m: Mentorship) -> dict[str, tuple[str, str]]:
    """The outbox keys of this app's emails about ``m``, each with whom it went to
    ("mentee" or "mentor") and what it told them. The clock's are left out: one
    clock email may name many mentorships, so ``reminded_at`` and
    ``prompted_week_*_at`` say when this one was in one."""
    pk = m.pk
    return {
        f"request-received:{pk}": ("mentor", _("a new request")),
        f"request-answered:{pk}": ("mentee", _("their request was accepted")),
        f"matched:{pk}:{m.mentee_id}": ("mentee", _("they have been matched")),
        f"matched:{pk}:{m.mentor_id}": ("mentor", _("they have been matched")),
        f"paused:{pk}": ("mentee", _("the mentor they asked has paused")),
        f"ended:{pk}:{m.mentor_id}": ("mentor", _("the mentorship has ended")),
        f"left:{pk}": ("mentor", _("the mentee has left Kindred")),
        f"term-ended:{pk}:{m.mentee_id}": (
            "mentee",
            _("the term has ended: close, or keep going?"),
        ),
        f"term-ended:{pk}:{m.mentor_id}": (
            "mentor",
            _("the term has ended: close, or keep going?"),
        ),
        f"close-out:{pk}:{m.mentee_id}": ("mentee", _("how did it go? (the close-out survey)")),
        f"close-out:{pk}:{m.mentor_id}": ("mentor", _("how did it go? (the close-out survey)")),
    }


@outbox.email
def new_message(message_id: int) -> bool:
    """The other side of a thread hears that a message is waiting (at most once an
    hour per thread: mentorships.threads decides). Who wrote, and a link; never the
    message itself (threads.py says why). Nothing if they have read it meanwhile."""
    message = Message.objects.filter(pk=message_id).only("mentorship_id", "author_id").first()
    m = _mentorship(message.mentorship_id) if message else None
    if m is None or not m.is_paired or message.author_id not in (m.mentee_id, m.mentor_id):
        return False
    sender = m.mentee if message.author_id == m.mentee_id else m.mentor
    to = m.other_side(sender)
    if ThreadReader.objects.filter(mentorship=m, profile=to, last_read__gte=message_id).exists():
        return False
    return _send(
        key=f"message:{m.pk}:{message_id}",
        to=to,
        template="new_message",
        context={
            "m": m,
            "me": to,
            "sender": sender,
            "link": reverse("mentorships:messages", args=[m.pk]),
        },
    )


# --- the agreement (agreements.py): the other side hears of each step, once ---------


def _about_agreement(version_id: int, *, to_side: str, key: str, stands) -> bool:
    """Tell ``to_side`` ("mentee" or "mentor") of a step of the agreement, if the
    mentorship is still under way and the version still ``stands`` as it was."""
    version = AgreementVersion.objects.select_related("agreement").filter(pk=version_id).first()
    m = _mentorship(version.agreement.mentorship_id) if version else None
    if m is None or not m.is_paired or not stands(version):
        return False
    to = m.mentee if to_side == "mentee" else m.mentor
    earlier = version.agreement.versions.filter(number__lt=version.number)
    return _send(
        key=f"{key}:{version_id}",
        to=to,
        template=key,
        context={
            "m": m,
            "me": to,
            "other": m.other_side(to),
            "version": version,
            "goals": list(version.goals.select_related("goal")),
            "revision": earlier.filter(answer=AgreementVersion.Answer.AGREED).exists(),
            "link": m.get_absolute_url() + "#agreement",
        },
    )


@outbox.email
def agreement_proposed(version_id: int) -> bool:
    """The mentor hears that their mentee proposed an agreement (or a change to it)."""
    return _about_agreement(
        version_id, to_side="mentor", key="agreement_proposed", stands=lambda v: not v.is_draft
    )


@outbox.email
def agreement_changes(version_id: int) -> bool:
    """The mentee hears that their mentor suggested changes, with the mentor's note."""
    return _about_agreement(
        version_id,
        to_side="mentee",
        key="agreement_changes",
        stands=lambda v: v.answer == AgreementVersion.Answer.CHANGES,
    )


@outbox.email
def agreement_agreed(version_id: int) -> bool:
    """The mentee hears that their mentor confirmed the agreement."""
    return _about_agreement(
        version_id,
        to_side="mentee",
        key="agreement_agreed",
        stands=lambda v: v.answer == AgreementVersion.Answer.AGREED,
    )


# --- meetings (meetings.py) ----------------------------------------------------------
# Each is keyed by the meeting and its round or SEQUENCE, per person: a task run
# twice sends once, and a meeting moved to another time gets its emails afresh.


def _meeting(pk: int, status: str) -> Meeting | None:
    return (
        Meeting.objects.select_related(
            "mentorship__mentee__user", "mentorship__mentor__user", "mentorship__program"
        )
        .filter(pk=pk, status=status)
        .first()
    )


def _about(meeting: Meeting, me: Profile, **context) -> dict:
    other = meeting.mentorship.other_side(me)
    return {
        "m": meeting.mentorship,
        "meeting": meeting,
        "me": me,
        "other": other,
        "other_name": other.name if other else _("a member who has left Kindred"),
        "when": _in_both_zones(meeting.starts_at, me, other) if meeting.starts_at else "",
        "day": _for_person(meeting.starts_at, me) if meeting.starts_at else "",
        "length": _length(meeting.minutes),
        "link": meeting.get_absolute_url(),
        **context,
    }


def _to_each_side(meeting: Meeting, key: str, template: str, invite: str = "", **context) -> bool:
    """One email to each person still on the meeting's mentorship, with the calendar
    ``invite`` (``invites.REQUEST`` or ``CANCEL``) if one is named: its summary and
    description are written in that person's language."""
    m = meeting.mentorship
    sent = False
    for me in (m.mentee, m.mentor):
        if me is not None:
            attachments = []
            if invite:
                with translation.override(languages.of(me.user)):
                    attachments.append(invites.attachment(meeting, invite))
            sent |= _send(
                key=f"{key}:{me.pk}",
                to=me,
                template=template,
                context=_about(meeting, me, **context),
                attachments=attachments,
            )
    return sent


@outbox.email
def meeting_proposed(pk: int, rounds: int) -> bool:
    """The other side hears that times are proposed, to pick one."""
    meeting = _meeting(pk, Meeting.Status.PROPOSED)
    if meeting is None or meeting.rounds != rounds or meeting.proposed_by is None:
        return False
    to = meeting.mentorship.other_side(meeting.proposed_by)
    if to is None:
        return False
    times = [_in_both_zones(o.starts_at, to, meeting.proposed_by) for o in meeting.options.all()]
    return _send(
        key=f"meeting-proposed:{pk}:{rounds}",
        to=to,
        template="meeting_proposed",
        context=_about(meeting, to, times=times, moved=meeting.confirmed_at is not None),
    )


@outbox.email
def meeting_confirmed(pk: int, sequence: int) -> bool:
    """Both hear the time picked, with the calendar invite (after a move: its update)."""
    meeting = _meeting(pk, Meeting.Status.CONFIRMED)
    if meeting is None or meeting.sequence != sequence:
        return False
    return _to_each_side(
        meeting,
        f"meeting-invite:{pk}:{sequence}",
        "meeting_confirmed",
        invite=invites.REQUEST,
        moved=sequence > 0,
    )


@outbox.email
def meeting_cancelled(pk: int) -> bool:
    """A confirmed meeting's cancellation goes to both, to take it out of their
    calendars; one still waiting for a time is news to the other side only."""
    meeting = _meeting(pk, Meeting.Status.CANCELLED)
    if meeting is None:
        return False
    by = meeting.cancelled_by
    if meeting.confirmed_at is not None:
        return _to_each_side(
            meeting,
            f"meeting-cancelled:{pk}",
            "meeting_cancelled",
            invite=invites.CANCEL,
            by=by,
        )
    to = meeting.mentorship.other_side(by) if by else None
    if to is None:
        return False
    return _send(
        key=f"meeting-cancelled:{pk}:{to.pk}",
        to=to,
        template="meeting_cancelled",
        context=_about(meeting, to, by=by),
    )


@outbox.email
def meeting_reminder(pk: int, sequence: int) -> bool:
    """A day before, both are reminded of the meeting."""
    meeting = _meeting(pk, Meeting.Status.CONFIRMED)
    if meeting is None or meeting.sequence != sequence:
        return False
    return _to_each_side(meeting, f"meeting-reminder:{pk}:{sequence}", "meeting_reminder")


@outbox.email
def meeting_log_prompt(pk: int, sequence: int) -> bool:
    """After its time, both are asked once whether they met; either answers for both."""
    meeting = _meeting(pk, Meeting.Status.CONFIRMED)
    if meeting is None or meeting.sequence != sequence:
        return False
    return _to_each_side(meeting, f"meeting-log:{pk}:{sequence}", "meeting_log_prompt")


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


@outbox.email
def message_reported(report_id: int) -> bool:
    """The program's admins hear that a message was reported: in which program, and a
    link to its reports page — never the message, nor who reported whom."""
    report = (
        MessageReport.objects.select_related("message__mentorship__program")
        .filter(pk=report_id, status=MessageReport.Status.OPEN)
        .first()
    )
    if report is None:
        return False
    program = report.message.mentorship.program
    link = reverse("dashboard:reports", args=[program.slug])
    sent = False
    for admin in access.admins_of(program):
        sent |= outbox.send_once(
            key=f"message-reported:{report_id}:{admin.pk}",
            to=admin,
            template=f"{TEMPLATES}/message_reported",
            context={"program": program, "link": link},
        )
    return sent


# --- same mentee again (mentorships/continuations.py) -------------------------------


@outbox.email
def continuation_asked(pk: int) -> bool:
    """The mentee hears that their mentor of the last round would like to mentor
    them again in the new cycle, and where to say yes or no thanks."""
    c = (
        Continuation.objects.select_related("mentee__user", "mentor", "cycle__program")
        .filter(pk=pk, mentee_agrees__isnull=True)
        .first()
    )
    if c is None:
        return False
    return _send(
        key=f"continuation-asked:{pk}",
        to=c.mentee,
        template="continuation_asked",
        context={
            "c": c,
            "program": c.cycle.program,
            "link": reverse("profiles:take_part", args=[c.mentee_id, c.cycle_id]),
        },
    )


@outbox.email
def continued(pk: int, side: str) -> bool:
    """Each side hears that they go on together in the new cycle."""
    m = _mentorship(pk)
    if m is None or m.source != Mentorship.Source.CONTINUED or m.cycle is None:
        return False
    me, other = (m.mentee, m.mentor) if side == "mentee" else (m.mentor, m.mentee)
    return _send(
        key=f"continued:{pk}:{me.pk}",
        to=me,
        template="continued",
        context={"m": m, "me": me, "other": other, "link": m.get_absolute_url()},
    )


# --- the sponsorship ledger (mentorships/sponsorships.py) ---------------------------


@outbox.email
def sponsorship_recorded(action_id: int) -> bool:
    """The mentee hears that their mentor recorded an act of sponsorship, and where
    to confirm it; not the note, which they read on the page."""
    action = (
        SponsorshipAction.objects.filter(pk=action_id, confirmed_at__isnull=True)
        .only("mentorship_id", "kind", "happened_on")
        .first()
    )
    m = _mentorship(action.mentorship_id) if action else None
    if m is None:
        return False
    return _send(
        key=f"sponsorship-recorded:{action_id}",
        to=m.mentee,
        template="sponsorship_recorded",
        context={
            "m": m,
            "me": m.mentee,
            "mentor": m.mentor,
            "action": action,
            "link": reverse("mentorships:sponsorship", args=[m.pk]),
        },
    )


# --- the follow-ups, 6 and 12 months on (mentorships/follow_ups.py) ------------------


@outbox.email
def follow_up(pk: int) -> bool:
    """The mentee is asked how things have gone since their mentorship closed, once
    the clock sent the follow-up; nothing once they have answered it."""
    f = (
        FollowUp.objects.select_related(
            "profile__user", "mentorship__program", "mentorship__mentor"
        )
        .filter(pk=pk, sent_at__isnull=False, answered_at__isnull=True)
        .first()
    )
    if f is None:
        return False
    m = f.mentorship
    return _send(
        key=f"follow-up:{pk}",
        to=f.profile,
        template="follow_up",
        context={
            "f": f,
            "m": m,
            "me": f.profile,
            "mentor": m.mentor,
            "link": reverse("mentorships:follow_up", args=[pk]),
        },
    )
