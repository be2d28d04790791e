"""A mentorship's message thread: for its two people, while it is under way.

Sending a message may email the other side, at most once an hour per thread
(``MESSAGE_EMAIL_EVERY``): the recipient's ``ThreadReader`` row is locked while
deciding, so two messages sent at the same instant bring one email. The email
says who wrote and links to the thread; it never carries the message. Email
leaves Kindred for good (lock-screen previews, forwarded and shared inboxes, the
mail provider's copies) and a message can hold what people rarely share at work;
on Kindred it stays behind a sign-in, is anonymised when its author leaves, and
can be reported.

A report sends the program's admins that one message and the few around it
(``MessageQuerySet.around``), never the rest of the thread.
"""

from __future__ import annotations

from datetime import datetime

from django.db import IntegrityError, transaction
from django.db.models import F
from django.db.models.functions import Greatest
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from profiles.models import AuditEntry, Profile, Program, User

from . import emails
from .exceptions import Refused
from .models import MESSAGE_EMAIL_EVERY, Mentorship, Message, MessageReport, ThreadReader

ENDED = _("This mentorship has ended, so its messages can be read but no new ones sent.")
NOT_YET = _("Messages open once the mentorship is under way.")


def _reader(m: Mentorship, profile: Profile) -> None:
    """Make sure ``profile`` has its row in the thread (two at once make one)."""
    ThreadReader.objects.bulk_create(
        [ThreadReader(mentorship=m, profile=profile)], ignore_conflicts=True
    )


def _read_up_to(m: Mentorship, profile: Profile, message_id: int) -> None:
    _reader(m, profile)
    ThreadReader.objects.filter(mentorship=m, profile=profile).update(
        last_read=Greatest(F("last_read"), message_id)
    )


@transaction.atomic
def send(
    *, mentorship: Mentorship, author: Profile, body: str, now: datetime | None = None
) -> Message:
    m = Mentorship.objects.get(pk=mentorship.pk)
    if author.pk not in (m.mentee_id, m.mentor_id):
        raise Refused(gettext("Only the two people of a mentorship write in its thread."))
    if not m.is_paired:
        raise Refused(NOT_YET if m.started_at is None else ENDED)
    now = now or timezone.now()
    message = Message.objects.create(mentorship=m, author=author, body=body, created_at=now)
    other = m.other_side(author)
    if other is not None:
        _notify(m, other, message, now)
    _read_up_to(m, author, message.pk)  # one has read what one wrote, and all before it
    return message


def _notify(m: Mentorship, recipient: Profile, message: Message, now: datetime) -> bool:
    """Email ``recipient`` about ``message`` unless they were emailed about this
    thread within the hour. The row lock makes a second message sent meanwhile
    wait here and then see the first one's time."""
    _reader(m, recipient)
    reader = ThreadReader.objects.select_for_update().get(mentorship=m, profile=recipient)
    if reader.notified_at is not None and reader.notified_at > now - MESSAGE_EMAIL_EVERY:
        return False
    reader.notified_at = now
    reader.save(update_fields=["notified_at"])
    emails.new_message.delay_on_commit(message.pk)
    return True


def mark_read(*, mentorship: Mentorship, reader: Profile, up_to: int | None = None) -> int:
    """``reader`` has read the thread (up to message ``up_to``, or all of it);
    the id of the last message read."""
    if up_to is None:
        up_to = (
            Message.objects.filter(mentorship=mentorship)
            .order_by("-pk")
            .values_list("pk", flat=True)
            .first()
        )
    if up_to:
        _read_up_to(mentorship, reader, up_to)
    return up_to or 0


@transaction.atomic
def report(*, message: Message, reporter: Profile, reason: str = "") -> MessageReport:
    """One of the pair reports a message (the other's) to the program's admins."""
    m = message.mentorship
    if reporter.pk not in (m.mentee_id, m.mentor_id):
        raise Refused(gettext("Only the two people of a mentorship can report its messages."))
    if message.author_id == reporter.pk:
        raise Refused(gettext("You can report only messages the other person wrote."))
    try:
        with transaction.atomic():
            made = MessageReport.objects.create(message=message, reporter=reporter, reason=reason)
    except IntegrityError:
        raise Refused(
            gettext("You have already reported this message; the program team has it.")
        ) from None
    emails.message_reported.delay_on_commit(made.pk)
    return made


@transaction.atomic
def handle_report(*, report: MessageReport, by: User, note: str) -> MessageReport:
    """An admin says what they did about a report; the audit log keeps it."""
    report = (
        MessageReport.objects.select_for_update(of=("self",))
        .select_related("message__mentorship__mentee", "message__mentorship__mentor")
        .get(pk=report.pk)
    )
    if report.status == MessageReport.Status.HANDLED:
        raise Refused(gettext("This report was already marked handled."))
    report.status, report.handled_by = MessageReport.Status.HANDLED, by
    report.handled_at, report.handled_note = timezone.now(), note
    report.save(update_fields=["status", "handled_by", "handled_at", "handled_note"])
    m = report.message.mentorship
    AuditEntry.record(
        program=Program.objects.get(pk=m.program_id),
        actor=by,
        action=AuditEntry.Action.REPORT_HANDLED,
        summary=f"Handled a report of a message between {_name(m.mentee)} (mentee) "
        f"and {_name(m.mentor)} (mentor)",
        reason=note,
        details={"report": report.pk, "message": report.message_id, "mentorship": m.pk},
    )
    return report


def _name(profile: Profile | None) -> str:
    return profile.name if profile else "a former member"


def page_part(m: Mentorship, me: Profile) -> dict:
    """What the mentorship page says of the thread: how many are unread, and when
    the latest was written."""
    latest = m.messages.order_by("-pk").only("created_at", "author_id").first()
    return {
        "thread_unread": Message.objects.unread_by(me).filter(mentorship=m).count(),
        "thread_latest": latest,
        "thread_open": m.is_paired,
    }
