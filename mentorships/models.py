"""A mentorship from request to end, and how each side says it is going.

docs/mentorships.md describes the life of a mentorship and its clock."""

from __future__ import annotations

import uuid
from datetime import date, datetime, time, timedelta

from django.db import models
from django.db.models import Case, Count, Exists, F, Max, OuterRef, Q, Subquery, Value, When
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from profiles.models import Cycle, Profile, Program, User

from .ratings import Rating

# Match health: a mentorship with no check-in this long after it started, or
# whose latest check-in is rated this low or lower, is flagged.
HEALTH_AFTER = timedelta(weeks=3)
LOW_RATING = 2
# A request unanswered this long brings the mentor a reminder; this long, it expires.
REMIND_AFTER = timedelta(days=7)
EXPIRE_AFTER = timedelta(days=14)


class MentorshipQuerySet(models.QuerySet):
    def of_user(self, user) -> MentorshipQuerySet:
        """Mentorships the signed-in person is part of, on either side."""
        return self.filter(Q(mentee__user=user) | Q(mentor__user=user))

    def open(self) -> MentorshipQuerySet:
        return self.filter(status__in=Mentorship.OPEN)

    def taking_room(self) -> MentorshipQuerySet:
        """Mentorships that count against a mentor's capacity."""
        return self.filter(status__in=Mentorship.TAKING_ROOM)

    def load_by_mentor(self, program_id: int) -> dict[int, tuple[int, int]]:
        """``{mentor id: (places taken, requests waiting)}``."""
        rows = (
            self.filter(program_id=program_id, status__in=Mentorship.OPEN)
            .values("mentor_id")
            .annotate(
                taken=Count("id", filter=Q(status__in=Mentorship.TAKING_ROOM)),
                waiting=Count("id", filter=Q(status=Mentorship.Status.REQUESTED)),
            )
            .values_list("mentor_id", "taken", "waiting")
        )
        return {mentor: (taken, waiting) for mentor, taken, waiting in rows}

    def blocked_pairs(
        self, program_id: int, *, mentees: Q | None = None, mentor_id=None
    ) -> set[tuple[int, int]]:
        """Pairs never to suggest: under way, or tried before and set aside by a
        choice (declined by the mentor, ended), or, within the program's
        cooling-off time, a request left unanswered or declined by the mentor for
        want of room. A withdrawn request, and a request Kindred closed because
        the mentor filled up or paused, leave the pair free to meet again.
        ``mentees`` narrows them (a ``Q`` on ``mentee_id``)."""
        cooldown = (
            Program.objects.filter(pk=program_id)
            .values_list("expired_pair_cooldown_days", flat=True)
            .first()
            or 0
        )
        pairs = (
            self.filter(program_id=program_id)
            .exclude(status=Mentorship.Status.WITHDRAWN)
            .exclude(Mentorship.ROOM_RAN_OUT)
            .exclude(
                Q(status=Mentorship.Status.EXPIRED) | Mentorship.SAID_NO_ROOM,
                decided_at__lt=timezone.now() - timedelta(days=cooldown),
            )
        )
        if mentees is not None:
            pairs = pairs.filter(mentees)
        if mentor_id is not None:
            pairs = pairs.filter(mentor_id=mentor_id)
        return set(pairs.values_list("mentee_id", "mentor_id"))

    # --- match health: the session log's rules (the check-ins' are record_health's) ---

    def with_meeting_health(self, now: datetime | None = None) -> MentorshipQuerySet:
        """Each with ``meeting_health``, what the pair's session log says of a
        mentorship under way: ``missed_twice`` when the last two meetings logged
        were missed (both since the last one held), else ``no_meeting`` when it
        started 3 weeks ago or more and no meeting is logged as held, else "".
        ``Mentorship.record_health`` keeps it in ``health``, beside the check-in
        rules, so every list of flags (dashboard, digest, admin) shows it."""
        now = now or timezone.now()
        held = Meeting.objects.filter(status=Meeting.Status.HELD)
        last_held = (
            held.filter(mentorship=OuterRef("mentorship"))
            .order_by("-starts_at")
            .values("starts_at")[:1]
        )
        missed_since = (
            Meeting.objects.filter(mentorship=OuterRef("pk"), status=Meeting.Status.MISSED)
            .filter(
                Q(starts_at__gt=Subquery(last_held))
                | ~Exists(held.filter(mentorship=OuterRef("mentorship")))
            )
            .order_by()
            .values("mentorship")
            .annotate(n=Count("pk"))
            .values("n")
        )
        under_way = Q(status__in=Mentorship.PAIRED)
        return self.annotate(
            missed_in_a_row=Coalesce(Subquery(missed_since), 0),
            meeting_health=Case(
                When(under_way & Q(missed_in_a_row__gte=2), then=Value("missed_twice")),
                When(
                    under_way
                    & Q(started_at__lte=now - HEALTH_AFTER)
                    & ~Exists(held.filter(mentorship=OuterRef("pk"))),
                    then=Value("no_meeting"),
                ),
                default=Value(""),
                output_field=models.CharField(),
            ),
        )

    def with_workspace_counts(self) -> MentorshipQuerySet:
        """Each with how many notes (shared and private), messages and action items
        it has: what an admin may know of a pair's workspace, never its words."""

        def count(model) -> Subquery:
            rows = model.objects.filter(mentorship=OuterRef("pk")).order_by()
            return Coalesce(
                Subquery(rows.values("mentorship").annotate(n=Count("pk")).values("n")[:1]), 0
            )

        return self.annotate(
            note_count=count(Note),
            message_count=count(Message),
            action_item_count=count(ActionItem),
        )

    def with_sponsorship_counts(self) -> MentorshipQuerySet:
        """Each with ``sponsorship_count`` (what its mentor recorded in the ledger) and
        ``sponsorship_confirmed_count`` (how many the mentee confirmed): counts only."""
        rows = SponsorshipAction.objects.filter(mentorship=OuterRef("pk")).order_by()

        def count(rows) -> Coalesce:
            return Coalesce(
                Subquery(rows.values("mentorship").annotate(n=Count("pk")).values("n")[:1]), 0
            )

        return self.annotate(
            sponsorship_count=count(rows),
            sponsorship_confirmed_count=count(rows.filter(confirmed_at__isnull=False)),
        )

    # --- what an admin looks for (the dashboard's Mentorships list) ---

    def under_way(self) -> MentorshipQuerySet:
        """Paired and not ended: accepted, or active since a first meeting or check-in."""
        return self.filter(status__in=Mentorship.PAIRED)

    def search(self, text: str) -> MentorshipQuerySet:
        """Mentorships whose mentee or mentor is found by ``text``: every word in
        their name or email (``Profile.objects.search``)."""
        people = Profile.objects.search(text).values("pk")
        return self.filter(Q(mentee__in=people) | Q(mentor__in=people))

    def stalled(self, now: datetime | None = None) -> MentorshipQuerySet:
        """Requests unanswered past the reminder (they expire at EXPIRE_AFTER)."""
        now = now or timezone.now()
        return self.filter(status=Mentorship.Status.REQUESTED, requested_at__lte=now - REMIND_AFTER)

    def flagged(self, health: str = "") -> MentorshipQuerySet:
        """Under way and flagged, as on the dashboard: with ``health``, that flag only."""
        paired = self.under_way()
        return paired.filter(health=health) if health else paired.exclude(health="")

    def started_between(self, first: date | None, last: date | None) -> MentorshipQuerySet:
        """Started on ``first`` or later and on ``last`` or earlier (whole days in the
        current time zone; either may be None)."""
        found = self
        if first is not None:
            found = found.filter(started_at__gte=_midnight(first))
        if last is not None:
            found = found.filter(started_at__lt=_midnight(last + timedelta(days=1)))
        return found

    def without_check_in(self) -> MentorshipQuerySet:
        """Under way with no check-in from either side yet."""
        return self.under_way().exclude(Exists(CheckIn.objects.filter(mentorship=OuterRef("pk"))))

    def with_check_ins(self) -> MentorshipQuerySet:
        """Each with ``check_in_count`` and the time of its latest, ``last_check_in``."""
        # Sub-queries, not a join: a page's count then reads mentorships alone.
        mine = CheckIn.objects.filter(mentorship=OuterRef("pk")).order_by().values("mentorship")
        return self.annotate(
            check_in_count=Coalesce(Subquery(mine.annotate(n=Count("pk")).values("n")), 0),
            last_check_in=Subquery(mine.annotate(last=Max("created_at")).values("last")),
        )


def _midnight(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


class Mentorship(models.Model):
    """A request and its life: requested → accepted | declined | withdrawn |
    expired; accepted → active → completed | ended."""

    class Status(models.TextChoices):
        REQUESTED = "requested", pgettext_lazy("mentorship status", "Requested")
        ACCEPTED = "accepted", _("Accepted")
        DECLINED = "declined", _("Declined")
        WITHDRAWN = "withdrawn", _("Withdrawn")
        EXPIRED = "expired", _("Expired")
        ACTIVE = "active", _("Active")
        COMPLETED = "completed", _("Completed")
        ENDED = "ended", pgettext_lazy("mentorship status", "Ended")

    class Source(models.TextChoices):
        REQUEST = "request", _("Mentee request")
        ADMIN = "admin", _("Admin match")
        AUTO = "auto", _("Auto-assignment")
        CONTINUED = "continued", _("Continued into a new cycle")

    class DeclineReason(models.TextChoices):
        # Said by the mentor to the mentee: the mentee reads the label as written.
        NO_ROOM = "no_room", _("I have no room for another mentee right now")
        NOT_MY_AREA = "not_my_area", _("Your goals are outside what I can help with")
        TIMING = "timing", _("Our schedules or time zones will not work")
        BETTER_FIT = "better_fit", _("I think another mentor would suit you better")
        OTHER = "other", _("Another reason")

    class EndReason(models.TextChoices):
        GOALS_MET = "goals_met", _("We reached our goals")
        NO_TIME = "no_time", _("One of us no longer has time")
        NOT_WORKING = "not_working", _("It is not working out")
        MOVED_ON = "moved_on", _("A change of job, place or program")
        # A match made for them (admin, auto-assignment) that one side turned down.
        NOT_FOR_ME = "not_for_me", _("The match made for us did not work")
        # The cycle's term ended and the pair did not both choose to go on (mentorships/terms.py).
        TERM_ENDED = "term_ended", _("The cycle's term came to an end")
        # Deactivated by their organisation's directory (SCIM): sso/deactivation.py.
        LEFT_ORGANISATION = "left_org", _("Left the organisation")
        OTHER = "other", _("Another reason")

    class Health(models.TextChoices):
        OK = "", _("No concern")
        NO_CHECK_IN = "no_check_in", _("No check-in by week 3")
        LOW_RATING = "low_rating", _("A check-in rated 2 or lower")
        NO_MEETING = "no_meeting", _("No meeting logged by week 3")
        MISSED_TWICE = "missed_twice", _("Two meetings missed in a row")

    OPEN = (Status.REQUESTED, Status.ACCEPTED, Status.ACTIVE)
    # Declined for want of room, by Kindred or by the mentor: not about this mentee.
    NO_ROOM = Q(status=Status.DECLINED, decline_reason=DeclineReason.NO_ROOM)
    # Kindred closed it as the mentor filled up, or paused and declined what was
    # waiting (no ``ended_by``): the pair is free as soon as the mentor has room.
    ROOM_RAN_OUT = NO_ROOM & Q(ended_by="")
    # The mentor chose "no room right now" while places were free: the pair rests
    # for the program's cooling-off time, as an unanswered request does.
    SAID_NO_ROOM = NO_ROOM & Q(ended_by="mentor")
    TAKING_ROOM = (Status.ACCEPTED, Status.ACTIVE)
    PAIRED = (Status.ACCEPTED, Status.ACTIVE)
    CLOSED = (Status.DECLINED, Status.WITHDRAWN, Status.EXPIRED, Status.COMPLETED, Status.ENDED)

    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="mentorships")
    # The round it was made in (the mentee's cycle then); empty in a program without cycles.
    cycle = models.ForeignKey(
        Cycle, null=True, blank=True, on_delete=models.SET_NULL, related_name="mentorships"
    )
    # A person who deletes their account leaves their past mentorships behind,
    # anonymised: the row stays for the program's figures, the person does not.
    mentee = models.ForeignKey(
        Profile, null=True, on_delete=models.SET_NULL, related_name="mentorships_as_mentee"
    )
    mentor = models.ForeignKey(
        Profile, null=True, on_delete=models.SET_NULL, related_name="mentorships_as_mentor"
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.REQUESTED)
    source = models.CharField(max_length=10, choices=Source.choices, default=Source.REQUEST)
    message = models.TextField(blank=True, max_length=1000)
    # The mentor's own words with their yes (a no has ``decline_note``).
    accept_note = models.TextField(blank=True, max_length=500)
    score = models.FloatField(null=True, blank=True)
    requested_at = models.DateTimeField(default=timezone.now, db_index=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    started_at = models.DateTimeField(null=True, blank=True, db_index=True)
    ended_at = models.DateTimeField(null=True, blank=True)
    decline_reason = models.CharField(max_length=12, choices=DeclineReason.choices, blank=True)
    decline_note = models.TextField(blank=True, max_length=500)
    end_reason = models.CharField(max_length=12, choices=EndReason.choices, blank=True)
    end_note = models.TextField(blank=True, max_length=500)
    ended_by = models.CharField(max_length=8, blank=True)
    # When the clock's emails were queued (each email itself is sent once: profiles/outbox.py).
    reminded_at = models.DateTimeField(null=True, blank=True)
    prompted_week_2_at = models.DateTimeField(null=True, blank=True)
    prompted_week_8_at = models.DateTimeField(null=True, blank=True)
    health = models.CharField(max_length=12, choices=Health.choices, blank=True, default="")
    health_flagged_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    override_reason = models.CharField(max_length=300, blank=True)
    # Why a waiting request closed without anyone answering it: the mentorship
    # its mentee started meanwhile (another mentor accepted, or they were matched).
    superseded_by = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # The cycle's end (mentorships/terms.py): the day it closes as completed unless both
    # sides chose to go on, and when each side did.
    closing_on = models.DateField(null=True, blank=True)
    mentor_extends_at = models.DateTimeField(null=True, blank=True)
    mentee_extends_at = models.DateTimeField(null=True, blank=True)
    # What the matcher knew when the mentorship was made (a request, a match): the
    # pair's five components (0–1, None where not counted) and the program's
    # weights then, so outcomes can be related to them (matching/learning.py).
    # Written once by matching on the ``requested`` or ``matched`` event.
    match_components = models.JSONField(null=True, blank=True)
    match_weights = models.JSONField(null=True, blank=True)

    objects = MentorshipQuerySet.as_manager()

    class Meta:
        db_table = "matching_mentorship"
        ordering = ["-requested_at"]
        indexes = [
            models.Index(fields=["mentor", "status"], name="mentorship_mentor_status"),
            models.Index(fields=["mentee", "status"], name="mentorship_mentee_status"),
            models.Index(fields=["program", "status"], name="mentorship_program_status"),
        ]
        constraints = [
            models.CheckConstraint(condition=~Q(mentee=F("mentor")), name="mentorship_not_self"),
            models.UniqueConstraint(
                fields=["mentee", "mentor"],
                condition=Q(status__in=["requested", "accepted", "active"]),
                name="mentorship_one_open_per_pair",
            ),
            models.CheckConstraint(
                condition=~Q(status="declined") | ~Q(decline_reason=""),
                name="mentorship_decline_has_reason",
            ),
            models.CheckConstraint(
                condition=~Q(status__in=["completed", "ended"]) | ~Q(end_reason=""),
                name="mentorship_end_has_reason",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.mentee} → {self.mentor} ({self.status})"

    def get_absolute_url(self) -> str:
        return reverse("mentorships:detail", args=[self.pk])

    @property
    def is_paired(self) -> bool:
        return self.status in self.PAIRED

    @property
    def is_open(self) -> bool:
        return self.status in self.OPEN

    @property
    def made_for_them(self) -> bool:
        """Paired by the program (an admin or an auto-assignment), not asked and accepted."""
        return self.source in (self.Source.ADMIN, self.Source.AUTO)

    @property
    def can_be_turned_down(self) -> bool:
        """Either side of a match made for them may say it does not work for them."""
        return self.made_for_them and self.is_paired

    def profile_of(self, user) -> Profile | None:
        """The person's own side of this mentorship, or None if they are not on it."""
        return next(
            (side for side in (self.mentee, self.mentor) if side and side.user_id == user.pk), None
        )

    @property
    def expires_at(self) -> datetime:
        """When a request still unanswered closes (``clock.expire_requests``)."""
        return self.requested_at + EXPIRE_AFTER

    def side_of(self, profile: Profile) -> str:
        return "mentee" if profile.pk == self.mentee_id else "mentor"

    def other_side(self, profile: Profile) -> Profile:
        return self.mentor if profile.pk == self.mentee_id else self.mentee

    def record_health(self, now: datetime | None = None) -> str:
        """Flag this mentorship if either side's latest rating is low, if its last
        two meetings were missed, or, by week 3, if it has no check-in or no
        meeting logged as held (in that order: one flag is kept, the most telling)."""
        now = now or timezone.now()
        # Each side's latest rating: a good one from one side does not hide a
        # poor one from the other.
        latest: dict[int | None, int] = {}
        for author_id, rating in self.check_ins.order_by("-created_at", "-pk").values_list(
            "author_id", "rating"
        ):
            latest.setdefault(author_id, rating)
        # The session log's rules, as the clock's sweep worked them out, or now.
        meetings = getattr(self, "meeting_health", None)
        if meetings is None:
            meetings = (
                Mentorship.objects.with_meeting_health(now)
                .filter(pk=self.pk)
                .values_list("meeting_health", flat=True)
                .first()
            )
        if any(rating <= LOW_RATING for rating in latest.values()):
            health = self.Health.LOW_RATING
        elif meetings == self.Health.MISSED_TWICE:
            health = self.Health.MISSED_TWICE
        elif not latest and self.started_at and self.started_at <= now - HEALTH_AFTER:
            health = self.Health.NO_CHECK_IN
        else:
            health = meetings or self.Health.OK
        if health != self.health:
            self.health, self.health_flagged_at = health, (now if health else None)
            self.save(update_fields=["health", "health_flagged_at"])
        return health


class CheckIn(models.Model):
    """How a mentorship is going, from one side: a 1–5 rating and a note."""

    mentorship = models.ForeignKey(Mentorship, on_delete=models.CASCADE, related_name="check_ins")
    author = models.ForeignKey(Profile, null=True, on_delete=models.SET_NULL, related_name="+")
    rating = models.PositiveSmallIntegerField()
    note = models.TextField(blank=True, max_length=1000)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        # The tables keep the names they were created with in matching/.
        db_table = "matching_checkin"
        ordering = ["created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(rating__gte=1, rating__lte=5), name="checkin_rating_1_5"
            ),
        ]

    def __str__(self) -> str:
        return f"check-in {self.rating}/5 on {self.mentorship_id}"


# --- the workspace: notes, action items and the message thread ------------------------
# Only the pair read what they write here; admins get counts (``with_workspace_counts``)
# and, of a message someone reports, that message and the few around it.

NOTE_MAX_LENGTH = 5000
MESSAGE_MAX_LENGTH = 2000
# New messages email the other side at most this often per thread.
MESSAGE_EMAIL_EVERY = timedelta(hours=1)
# How many messages either side of a reported one its admins read, for its context.
REPORT_CONTEXT = 2


class NoteQuerySet(models.QuerySet):
    def visible_to(self, profile: Profile) -> NoteQuerySet:
        """Shared notes, and the person's own private ones."""
        return self.filter(Q(shared=True) | Q(author=profile))


class Note(models.Model):
    """A note on a mentorship, in Markdown: shared with the other side, or private."""

    mentorship = models.ForeignKey(Mentorship, on_delete=models.CASCADE, related_name="notes")
    # Deleting an account deletes its private notes first (receivers.py); its shared
    # notes stay for the other side, their author gone.
    author = models.ForeignKey(Profile, null=True, on_delete=models.SET_NULL, related_name="+")
    # A note about one meeting of the pair, or about the mentorship as a whole.
    meeting = models.ForeignKey(
        "Meeting", null=True, blank=True, on_delete=models.SET_NULL, related_name="notes"
    )
    shared = models.BooleanField(default=True)
    body = models.TextField(max_length=NOTE_MAX_LENGTH)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    objects = NoteQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["mentorship", "-created_at"], name="note_mentorship_created")
        ]
        constraints = [
            # A private note with no author would be readable by no one, or by
            # whoever the code forgot to stop: it cannot exist.
            models.CheckConstraint(
                condition=Q(shared=True) | Q(author__isnull=False), name="note_private_has_author"
            ),
        ]

    def __str__(self) -> str:
        return f"{'shared' if self.shared else 'private'} note {self.pk} on {self.mentorship_id}"


class ActionItem(models.Model):
    """Something one side will do, with an optional due date; either side ticks it done."""

    class Owner(models.TextChoices):
        MENTEE = "mentee", _("Mentee")
        MENTOR = "mentor", _("Mentor")

    mentorship = models.ForeignKey(
        Mentorship, on_delete=models.CASCADE, related_name="action_items"
    )
    text = models.CharField(max_length=300)
    owner = models.CharField(max_length=6, choices=Owner.choices)
    due = models.DateField(null=True, blank=True)
    done_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(Profile, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"action item {self.pk} on {self.mentorship_id}"

    @property
    def done(self) -> bool:
        return self.done_at is not None


class MessageQuerySet(models.QuerySet):
    def unread_by(self, profile: Profile) -> MessageQuerySet:
        """Messages to this person (from the other side of their mentorships) past
        the last one they read."""
        read = ThreadReader.objects.filter(
            mentorship=OuterRef("mentorship_id"), profile=profile
        ).values("last_read")[:1]
        return (
            self.filter(Q(mentorship__mentee=profile) | Q(mentorship__mentor=profile))
            .exclude(author=profile)
            .filter(pk__gt=Coalesce(Subquery(read), 0))
        )

    def unread_by_user(self, user) -> MessageQuerySet:
        """The same across every profile of a signed-in person (the page header)."""
        read = ThreadReader.objects.filter(
            mentorship=OuterRef("mentorship_id"), profile__user=user
        ).values("last_read")[:1]
        return (
            self.filter(Q(mentorship__mentee__user=user) | Q(mentorship__mentor__user=user))
            .exclude(author__user=user)
            .filter(pk__gt=Coalesce(Subquery(read), 0))
        )

    def unread_counts(self, profile: Profile) -> dict[int, int]:
        """``{mentorship id: unread messages}`` for this person, in one query."""
        rows = self.unread_by(profile).values("mentorship_id").annotate(n=Count("id"))
        return {row["mentorship_id"]: row["n"] for row in rows}

    def around(self, message: Message, n: int = REPORT_CONTEXT) -> list[Message]:
        """``message`` with the ``n`` messages before and after it in its thread."""
        thread = self.filter(mentorship_id=message.mentorship_id)
        before = list(thread.filter(pk__lt=message.pk).order_by("-pk")[:n])
        after = list(thread.filter(pk__gt=message.pk).order_by("pk")[:n])
        return [*reversed(before), message, *after]


class Message(models.Model):
    """One message in a mentorship's thread, for the pair only."""

    mentorship = models.ForeignKey(
        Mentorship, on_delete=models.CASCADE, related_name="messages", db_index=False
    )
    # Deleting an account leaves its messages for the other side, from "a former member".
    author = models.ForeignKey(Profile, null=True, on_delete=models.SET_NULL, related_name="+")
    body = models.TextField(max_length=MESSAGE_MAX_LENGTH)
    created_at = models.DateTimeField(default=timezone.now)

    objects = MessageQuerySet.as_manager()

    class Meta:
        ordering = ["pk"]
        # A thread read in order, and "anything after the last one I have?" (the poll).
        indexes = [models.Index(fields=["mentorship", "id"], name="message_thread")]

    def __str__(self) -> str:
        return f"message {self.pk} on {self.mentorship_id}"


class ThreadReader(models.Model):
    """One side of a thread: the last message they read, and when they were last
    emailed about new ones (locked while deciding whether to email again)."""

    mentorship = models.ForeignKey(Mentorship, on_delete=models.CASCADE, related_name="+")
    profile = models.ForeignKey(Profile, on_delete=models.CASCADE, related_name="+")
    last_read = models.BigIntegerField(default=0)
    notified_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["mentorship", "profile"], name="thread_reader_once")
        ]

    def __str__(self) -> str:
        return f"reader {self.profile_id} of {self.mentorship_id}"


class MessageReportQuerySet(models.QuerySet):
    def of_program(self, program: Program) -> MessageReportQuerySet:
        return self.filter(message__mentorship__program=program)

    def open(self) -> MessageReportQuerySet:
        return self.filter(status=MessageReport.Status.OPEN)


class MessageReport(models.Model):
    """A message one of the pair reported to the program's admins, for safety."""

    class Status(models.TextChoices):
        OPEN = "open", pgettext_lazy("report state", "Open")
        HANDLED = "handled", _("Handled")

    message = models.ForeignKey(Message, on_delete=models.CASCADE, related_name="reports")
    reporter = models.ForeignKey(Profile, null=True, on_delete=models.SET_NULL, related_name="+")
    reason = models.TextField(blank=True, max_length=1000)
    created_at = models.DateTimeField(default=timezone.now)
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.OPEN)
    handled_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    handled_at = models.DateTimeField(null=True, blank=True)
    handled_note = models.TextField(blank=True, max_length=1000)

    objects = MessageReportQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["status", "-created_at"], name="report_status_created")]
        constraints = [
            models.UniqueConstraint(fields=["message", "reporter"], name="report_once_per_person"),
            models.CheckConstraint(
                condition=Q(status="open") | ~Q(handled_note=""), name="report_handled_has_note"
            ),
        ]

    def __str__(self) -> str:
        return f"report {self.pk} of message {self.message_id} ({self.status})"


# --- the agreement: what a pair works on, in the mentee's words (agreements.py) -------

AGREEMENT_MAX_GOALS = 5
SUCCESS_MAX_LENGTH = 300
CONFIDENTIALITY_MAX_LENGTH = 500
SUGGESTION_MAX_LENGTH = 1000


class Agreement(models.Model):
    """What a mentee and their mentor agree to work on, how often they meet and for
    how long. Every proposal is an :class:`AgreementVersion`, kept for good;
    ``agreed`` is the version in force (none until the mentor first confirms one).
    ``status`` is where the latest version stands: a revision proposed after an
    agreement leaves the agreed version in force until the mentor confirms it."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Being written")
        PROPOSED = "proposed", _("Waiting for the mentor")
        CHANGES = "changes", _("Changes suggested")
        AGREED = "agreed", _("Agreed")

    mentorship = models.OneToOneField(
        Mentorship, on_delete=models.CASCADE, related_name="agreement"
    )
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.DRAFT)
    # Versions go only with their agreement (a draft never agreed may be discarded).
    agreed = models.ForeignKey(
        "AgreementVersion", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"agreement of mentorship {self.mentorship_id} ({self.status})"


class AgreementVersion(models.Model):
    """One version of an agreement as the mentee wrote it: a draft (seen by them
    alone) until it is proposed, then fixed; the mentor's answer is kept on it."""

    class Cadence(models.IntegerChoices):
        WEEKLY = 1, _("Every week")
        FORTNIGHTLY = 2, _("Every 2 weeks")
        FOUR_WEEKLY = 4, _("Every 4 weeks")

    class Duration(models.IntegerChoices):
        THREE = 3, _("3 months")
        SIX = 6, _("6 months")
        TWELVE = 12, _("12 months")

    class Answer(models.TextChoices):
        NONE = "", _("Not answered yet")
        AGREED = "agreed", pgettext_lazy("agreement", "Confirmed")
        CHANGES = "changes", _("Changes suggested")

    agreement = models.ForeignKey(Agreement, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveSmallIntegerField()
    cadence_weeks = models.PositiveSmallIntegerField(choices=Cadence.choices)
    duration_months = models.PositiveSmallIntegerField(choices=Duration.choices)
    confidentiality = models.TextField(blank=True, max_length=CONFIDENTIALITY_MAX_LENGTH)
    # Whoever wrote it (the mentee); null once they have deleted their account.
    written_by = models.ForeignKey(Profile, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    proposed_at = models.DateTimeField(null=True, blank=True)
    answer = models.CharField(max_length=8, choices=Answer.choices, blank=True, default="")
    answered_by = models.ForeignKey(
        Profile, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    answered_at = models.DateTimeField(null=True, blank=True)
    # The mentor's note with "suggest changes", in their words.
    suggestion = models.TextField(blank=True, max_length=SUGGESTION_MAX_LENGTH)

    class Meta:
        ordering = ["number"]
        constraints = [
            models.UniqueConstraint(
                fields=["agreement", "number"], name="agreement_version_number_unique"
            ),
            models.CheckConstraint(
                condition=Q(answer="") | Q(proposed_at__isnull=False, answered_at__isnull=False),
                name="agreement_version_answered_after_proposed",
            ),
            models.CheckConstraint(
                condition=~Q(answer="changes") | ~Q(suggestion=""),
                name="agreement_version_changes_have_a_note",
            ),
            models.CheckConstraint(
                condition=Q(cadence_weeks__in=[1, 2, 4]) & Q(duration_months__in=[3, 6, 12]),
                name="agreement_version_terms_offered",
            ),
        ]

    def __str__(self) -> str:
        return f"version {self.number} of {self.agreement}"

    @property
    def is_draft(self) -> bool:
        return self.proposed_at is None


class AgreementGoal(models.Model):
    """A goal of one version: what success looks like, in the mentee's words, and
    where they stand on it as they write."""

    version = models.ForeignKey(AgreementVersion, on_delete=models.CASCADE, related_name="goals")
    goal = models.ForeignKey("profiles.Tag", on_delete=models.PROTECT, related_name="+")
    success = models.TextField(max_length=SUCCESS_MAX_LENGTH)
    starting_rating = models.PositiveSmallIntegerField(choices=Rating.choices)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["version", "goal"], name="agreement_goal_once"),
            models.CheckConstraint(
                condition=Q(starting_rating__gte=1, starting_rating__lte=5),
                name="agreement_goal_rating_1_5",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.goal_id} in {self.version}"


class GoalProgress(models.Model):
    """Where the mentee stands on a goal of their agreement: the rating it started
    from when it was agreed (kept, to compare at the end), the latest, and whether
    it is done. Each change is a :class:`ProgressUpdate`."""

    agreement = models.ForeignKey(Agreement, on_delete=models.CASCADE, related_name="progress")
    goal = models.ForeignKey("profiles.Tag", on_delete=models.PROTECT, related_name="+")
    start_rating = models.PositiveSmallIntegerField(choices=Rating.choices)
    rating = models.PositiveSmallIntegerField(choices=Rating.choices)
    started_at = models.DateTimeField(default=timezone.now)
    done_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["agreement", "goal"], name="goal_progress_once"),
            models.CheckConstraint(
                condition=Q(start_rating__gte=1, start_rating__lte=5, rating__gte=1, rating__lte=5),
                name="goal_progress_rating_1_5",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.goal_id}: {self.start_rating} → {self.rating}"

    @property
    def is_done(self) -> bool:
        return self.done_at is not None


class ProgressUpdate(models.Model):
    """One change to a goal's progress, dated: its start, a new rating, done or not done."""

    class Kind(models.TextChoices):
        STARTED = "started", _("Agreed")
        RATED = "rated", _("Rated")
        DONE = "done", _("Marked done")
        UNDONE = "undone", _("Marked not done")

    progress = models.ForeignKey(GoalProgress, on_delete=models.CASCADE, related_name="updates")
    kind = models.CharField(max_length=8, choices=Kind.choices)
    rating = models.PositiveSmallIntegerField(choices=Rating.choices)
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.kind} {self.rating} at {self.at:%Y-%m-%d}"


class GuideNote(models.Model):
    """A program's own words under one of Kindred's guides (mentorships/guides/:
    a goal's slug, or ``first-session``), in Markdown, written by its admins in the
    Django admin and shown, cleaned, to its pairs under the guide."""

    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="guide_notes")
    guide = models.CharField(max_length=60)
    text = models.TextField(max_length=2000)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["program", "guide"]
        constraints = [
            models.UniqueConstraint(fields=["program", "guide"], name="guide_note_once"),
        ]

    def __str__(self) -> str:
        return f"{self.program}: note on {self.guide}"


# --- meetings: proposed, picked, held or missed (meetings.py) -----------------------------

MEETING_OPTIONS = 3
MEETING_MINUTES = (15, 180)
# A confirmed meeting's reminder goes this long before it starts.
REMIND_BEFORE = timedelta(hours=24)


class MeetingQuerySet(models.QuerySet):
    def open(self) -> MeetingQuerySet:
        """Waiting for a time to be picked, or confirmed and not yet logged."""
        return self.filter(status__in=Meeting.OPEN)

    def logged(self) -> MeetingQuerySet:
        """The session log: meetings held or missed, latest first."""
        return self.filter(status__in=Meeting.LOGGED).order_by("-starts_at", "-pk")

    def due_reminder(self, now: datetime) -> MeetingQuerySet:
        """Confirmed meetings starting within REMIND_BEFORE, not reminded of at
        this time yet, and confirmed before that window opened (a meeting
        confirmed the day before has its invite fresh in the inbox)."""
        return self.filter(
            status=Meeting.Status.CONFIRMED,
            reminded_at__isnull=True,
            starts_at__gt=now,
            starts_at__lte=now + REMIND_BEFORE,
            confirmed_at__lte=F("starts_at") - REMIND_BEFORE,
        )

    def due_log_prompt(self, now: datetime) -> MeetingQuerySet:
        """Confirmed meetings whose time is over, not logged, not yet asked about."""
        return self.filter(
            status=Meeting.Status.CONFIRMED, log_prompted_at__isnull=True, ends_at__lte=now
        )


class Meeting(models.Model):
    """A meeting of a pair: proposed with one to three times, confirmed when the
    other side picks one, then held or missed (the session log), or cancelled.
    Proposing other times (a reschedule) keeps the meeting, and so its calendar
    ``uid``; each new invite or cancellation raises ``sequence`` (RFC 5545)."""

    class Status(models.TextChoices):
        PROPOSED = "proposed", _("Waiting for a time to be picked")
        CONFIRMED = "confirmed", pgettext_lazy("meeting", "Confirmed")
        HELD = "held", pgettext_lazy("meeting", "Held")
        MISSED = "missed", pgettext_lazy("meeting", "Missed")
        CANCELLED = "cancelled", _("Cancelled")

    OPEN = (Status.PROPOSED, Status.CONFIRMED)
    LOGGED = (Status.HELD, Status.MISSED)

    mentorship = models.ForeignKey(Mentorship, on_delete=models.CASCADE, related_name="meetings")
    # The calendar's name for it, the same in every invite, update and cancellation.
    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    status = models.CharField(max_length=9, choices=Status.choices, default=Status.PROPOSED)
    # Who proposed the times now on offer: the other side picks.
    proposed_by = models.ForeignKey(Profile, null=True, on_delete=models.SET_NULL, related_name="+")
    minutes = models.PositiveSmallIntegerField()
    place = models.CharField(max_length=200, blank=True)
    video_url = models.URLField(max_length=500, blank=True)
    agenda = models.ManyToManyField("profiles.Tag", blank=True, related_name="+")
    agenda_note = models.CharField(max_length=200, blank=True)
    # The time picked (``ends_at`` is ``starts_at`` plus ``minutes``), kept while
    # other times are proposed for it, so that the log and the calendar know it.
    starts_at = models.DateTimeField(null=True, blank=True)
    ends_at = models.DateTimeField(null=True, blank=True)
    # How many times times were proposed (names the "pick a time" email), and the
    # calendar's SEQUENCE: 0 for the first invite, one more for each change after.
    rounds = models.PositiveSmallIntegerField(default=1)
    sequence = models.PositiveSmallIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    cancelled_by = models.ForeignKey(
        Profile, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # When the clock claimed the reminder and the "did you meet?" prompt for the
    # time now confirmed (cleared when another time is picked).
    reminded_at = models.DateTimeField(null=True, blank=True)
    log_prompted_at = models.DateTimeField(null=True, blank=True)
    # The session log: who said it was held or missed, how long it was, what was talked about.
    logged_by = models.ForeignKey(
        Profile, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    logged_at = models.DateTimeField(null=True, blank=True)
    held_minutes = models.PositiveSmallIntegerField(null=True, blank=True)
    discussed = models.ManyToManyField("profiles.Tag", blank=True, related_name="+")

    objects = MeetingQuerySet.as_manager()

    class Meta:
        ordering = ["starts_at", "created_at", "pk"]
        indexes = [
            models.Index(fields=["mentorship", "status"], name="meeting_mentorship_status"),
            models.Index(fields=["status", "starts_at"], name="meeting_status_starts"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(minutes__gte=MEETING_MINUTES[0], minutes__lte=MEETING_MINUTES[1]),
                name="meeting_minutes_in_range",
            ),
            models.CheckConstraint(
                condition=~Q(place="", video_url=""), name="meeting_has_a_place_or_link"
            ),
            models.CheckConstraint(
                condition=Q(status__in=["proposed", "cancelled"])
                | Q(starts_at__isnull=False, ends_at__isnull=False),
                name="meeting_confirmed_has_a_time",
            ),
            models.CheckConstraint(
                condition=~Q(status="held") | Q(held_minutes__isnull=False),
                name="meeting_held_has_minutes",
            ),
        ]

    def __str__(self) -> str:
        return f"meeting {self.pk} of mentorship {self.mentorship_id} ({self.status})"

    def get_absolute_url(self) -> str:
        return f"{self.mentorship.get_absolute_url()}#meeting-{self.pk}"

    @property
    def is_open(self) -> bool:
        return self.status in self.OPEN

    @property
    def where(self) -> str:
        """The place, or the video link, or both."""
        return " · ".join(part for part in (self.place, self.video_url) if part)

    def is_over(self, now: datetime | None = None) -> bool:
        return self.ends_at is not None and self.ends_at <= (now or timezone.now())


class MeetingOption(models.Model):
    """One of the times proposed for a meeting, now on offer."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="options")
    starts_at = models.DateTimeField()

    class Meta:
        ordering = ["starts_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["meeting", "starts_at"], name="meeting_option_once"),
        ]

    def __str__(self) -> str:
        return f"option {self.starts_at:%Y-%m-%d %H:%M} for meeting {self.meeting_id}"


class Continuation(models.Model):
    """A mentor's "same mentee again" for a new cycle, and the mentee's answer: when
    both want it, the pair goes on in that cycle (mentorships/terms.py)."""

    cycle = models.ForeignKey(Cycle, on_delete=models.CASCADE, related_name="continuations")
    mentor = models.ForeignKey(Profile, on_delete=models.CASCADE, related_name="+")
    mentee = models.ForeignKey(Profile, on_delete=models.CASCADE, related_name="+")
    asked_at = models.DateTimeField(default=timezone.now)
    mentee_agrees = models.BooleanField(null=True, blank=True)
    answered_at = models.DateTimeField(null=True, blank=True)
    mentorship = models.ForeignKey(
        Mentorship, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-asked_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["cycle", "mentor", "mentee"], name="continuation_once_per_cycle"
            ),
            models.CheckConstraint(condition=~Q(mentee=F("mentor")), name="continuation_not_self"),
        ]

    def __str__(self) -> str:
        return f"{self.mentor} → {self.mentee} again in {self.cycle.name}"


# The outcome models live in their own module; imported here so Django registers them.
from .outcome_models import (  # noqa: E402, F401
    CloseOut,
    CloseOutGoal,
    FollowUp,
    SponsorshipAction,
)
