"""A mentorship from request to end, and how each side says it is going.

docs/mentorships.md describes the life of a mentorship and its clock."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db import models
from django.db.models import Count, F, Q
from django.urls import reverse
from django.utils import timezone

from profiles.models import Profile, Program, User

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


class Mentorship(models.Model):
    """A request and its life: requested → accepted | declined | withdrawn |
    expired; accepted → active → completed | ended."""

    class Status(models.TextChoices):
        REQUESTED = "requested", "Requested"
        ACCEPTED = "accepted", "Accepted"
        DECLINED = "declined", "Declined"
        WITHDRAWN = "withdrawn", "Withdrawn"
        EXPIRED = "expired", "Expired"
        ACTIVE = "active", "Active"
        COMPLETED = "completed", "Completed"
        ENDED = "ended", "Ended"

    class Source(models.TextChoices):
        REQUEST = "request", "Mentee request"
        ADMIN = "admin", "Admin match"
        AUTO = "auto", "Auto-assignment"

    class DeclineReason(models.TextChoices):
        # Said by the mentor to the mentee: the mentee reads the label as written.
        NO_ROOM = "no_room", "I have no room for another mentee right now"
        NOT_MY_AREA = "not_my_area", "Your goals are outside what I can help with"
        TIMING = "timing", "Our schedules or time zones will not work"
        BETTER_FIT = "better_fit", "I think another mentor would suit you better"
        OTHER = "other", "Another reason"

    class EndReason(models.TextChoices):
        GOALS_MET = "goals_met", "We reached our goals"
        NO_TIME = "no_time", "One of us no longer has time"
        NOT_WORKING = "not_working", "It is not working out"
        MOVED_ON = "moved_on", "A change of job, place or program"
        # A match made for them (admin, auto-assignment) that one side turned down.
        NOT_FOR_ME = "not_for_me", "The match made for us did not work"
        OTHER = "other", "Another reason"

    class Health(models.TextChoices):
        OK = "", "No concern"
        NO_CHECK_IN = "no_check_in", "No check-in by week 3"
        LOW_RATING = "low_rating", "A check-in rated 2 or lower"

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
    # A person who deletes their account leaves their past mentorships behind,
    # anonymised: the row stays for the program's figures, the person does not.
    mentee = models.ForeignKey(
        Profile, null=True, on_delete=models.SET_NULL, related_name="mentorships_as_mentee"
    )
    mentor = models.ForeignKey(
        Profile, null=True, on_delete=models.SET_NULL, related_name="mentorships_as_mentor"
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.REQUESTED)
    source = models.CharField(max_length=8, choices=Source.choices, default=Source.REQUEST)
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
        """Flag this mentorship if it has no check-in by week 3, or if either
        side's latest rating is low."""
        now = now or timezone.now()
        # Each side's latest rating: a good one from one side does not hide a
        # poor one from the other.
        latest: dict[int | None, int] = {}
        for author_id, rating in self.check_ins.order_by("-created_at", "-pk").values_list(
            "author_id", "rating"
        ):
            latest.setdefault(author_id, rating)
        if any(rating <= LOW_RATING for rating in latest.values()):
            health = self.Health.LOW_RATING
        elif not latest and self.started_at and self.started_at <= now - HEALTH_AFTER:
            health = self.Health.NO_CHECK_IN
        else:
            health = self.Health.OK
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
