from __future__ import annotations

from django.db import models
from django.db.models import Count, F, Q
from django.urls import reverse
from django.utils import timezone

from profiles.models import Profile, Program, User
from profiles.taxonomy import COMPONENT_LABELS, COMPONENTS


def component_bars(components: dict) -> list[tuple[str, str, int | None]]:
    """(key, label, percent or None when dropped) per component, for the page."""
    return [
        (c, COMPONENT_LABELS[c], None if components.get(c) is None else round(100 * components[c]))
        for c in COMPONENTS
    ]


class MatchingRun(models.Model):
    """A scoring or assignment job, with the settings it ran with so that two
    runs can be compared."""

    class Kind(models.TextChoices):
        SCORE = "score", "Re-score"
        ASSIGN = "assign", "Auto-assignment"

    class Status(models.TextChoices):
        QUEUED = "queued", "Queued"
        RUNNING = "running", "Running"
        SUCCEEDED = "succeeded", "Succeeded"
        FAILED = "failed", "Failed"

    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="runs")
    kind = models.CharField(max_length=8, choices=Kind.choices, default=Kind.SCORE)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    total = models.PositiveIntegerField(default=0, help_text="mentees to process")
    done = models.PositiveIntegerField(default=0)
    chunks_total = models.PositiveIntegerField(default=0)
    chunks_done = models.PositiveIntegerField(default=0)
    weights = models.JSONField(default=dict)
    settings = models.JSONField(default=dict)
    summary = models.JSONField(default=dict, blank=True)
    error = models.TextField(blank=True)
    created_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    # A re-score's lists as it left them (compressed mentee, mentor, rank triples),
    # so two runs can be compared after later runs have replaced the rows.
    snapshot = models.BinaryField(null=True, blank=True, editable=False)
    committed_at = models.DateTimeField(null=True, blank=True)
    discarded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["program", "-created_at"], name="run_program_created")]
        constraints = [
            models.CheckConstraint(condition=Q(done__lte=F("total")), name="run_done_le_total"),
            models.CheckConstraint(
                condition=Q(chunks_done__lte=F("chunks_total")), name="run_chunks_done_le_total"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} #{self.pk} of {self.program} ({self.status})"

    @property
    def is_finished(self) -> bool:
        return self.status in (self.Status.SUCCEEDED, self.Status.FAILED)

    @property
    def percent(self) -> int:
        if self.status == self.Status.SUCCEEDED:
            return 100
        return int(100 * self.done / self.total) if self.total else 0

    @property
    def seconds(self) -> float | None:
        if self.started_at and self.finished_at:
            return (self.finished_at - self.started_at).total_seconds()
        return None


class MatchingChunk(models.Model):
    """One share of a run: the ready mentees whose ids fall in a range."""

    class Status(models.TextChoices):
        QUEUED = "queued", "Queued"
        RUNNING = "running", "Running"
        DONE = "done", "Done"

    run = models.ForeignKey(MatchingRun, on_delete=models.CASCADE, related_name="chunks")
    index = models.PositiveIntegerField()
    first_mentee_id = models.BigIntegerField()
    last_mentee_id = models.BigIntegerField()
    size = models.PositiveIntegerField()
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.QUEUED)
    attempts = models.PositiveSmallIntegerField(default=0)
    queued_at = models.DateTimeField()
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["run", "index"]
        constraints = [
            models.UniqueConstraint(fields=["run", "index"], name="chunk_run_index_unique"),
            models.CheckConstraint(
                condition=Q(first_mentee_id__lte=F("last_mentee_id")), name="chunk_range_ordered"
            ),
        ]

    def __str__(self) -> str:
        return f"chunk {self.index} of run {self.run_id} ({self.status})"


class SuggestionQuerySet(models.QuerySet):
    def listed(self) -> SuggestionQuerySet:
        """Suggestions currently shown to their mentee, best first."""
        return self.filter(status__in=Suggestion.LISTED).order_by("rank")

    def for_mentee(self, mentee: Profile) -> SuggestionQuerySet:
        return self.filter(mentee=mentee)


class Suggestion(models.Model):
    """A scored mentor for a mentee. One row per pair: a dismissed or
    requested row stays as the record that keeps the pair out of new lists."""

    class Status(models.TextChoices):
        NEW = "new", "New"
        SEEN = "seen", "Seen"
        DISMISSED = "dismissed", "Dismissed"
        REQUESTED = "requested", "Requested"

    class DismissReason(models.TextChoices):
        NOT_RELEVANT = "not_relevant", "Their experience is not what I need"
        NO_CONNECTION = "no_connection", "I don't feel a connection"
        LOGISTICS = "logistics", "Timing or location will not work"
        KNOW_THEM = "know_them", "I already know them"
        OTHER = "other", "Another reason"

    LISTED = (Status.NEW, Status.SEEN)

    # No single-column indexes on these three: the composite indexes and the
    # pair constraint below lead with them, and a re-score rewrites every
    # listed row, so each extra index costs on every run (docs/performance.md).
    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="+", db_index=False)
    mentee = models.ForeignKey(
        Profile, on_delete=models.CASCADE, related_name="suggestions", db_index=False
    )
    mentor = models.ForeignKey(
        Profile, on_delete=models.CASCADE, related_name="suggested_to", db_index=False
    )
    score = models.FloatField()
    rank = models.PositiveSmallIntegerField(null=True, blank=True)
    sort_key = models.FloatField(default=0)
    components = models.JSONField(default=dict)
    reasons = models.JSONField(default=list)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.NEW)
    dismiss_reason = models.CharField(max_length=16, choices=DismissReason.choices, blank=True)
    # Not indexed: a re-score rewrites it on every row, and an update that
    # touches no indexed column can stay on its page without new index
    # entries (a HOT update; docs/performance.md). Nothing looks suggestions
    # up by run; a run is deleted only with its program, whose suggestions go too.
    run = models.ForeignKey(
        MatchingRun,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="suggestions",
        db_index=False,
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = SuggestionQuerySet.as_manager()

    class Meta:
        ordering = ["mentee", "rank"]
        # No index holds a column a re-score rewrites (score, rank, sort_key…),
        # for the same reason as ``run``: a list is a few rows, sorted as read.
        # (program, status, mentor) counts every mentor's lists from the index
        # alone, which load spreading asks for at each new profile. The one
        # exception, ``suggestion_top_score``, holds only each list's first row:
        # the dashboard's histogram of best scores reads it alone (0.14 s →
        # 6 ms at 70,000 mentees), and a re-score that leaves a first row's
        # score as it was still updates it in place.
        indexes = [
            models.Index(fields=["mentee", "status"], name="suggestion_mentee_status"),
            models.Index(fields=["program", "status", "mentor"], name="suggestion_program_mentor"),
            models.Index(fields=["mentor", "status"], name="suggestion_mentor_status"),
            models.Index(
                fields=["program", "status"],
                include=["score"],
                condition=Q(rank=1),
                name="suggestion_top_score",
            ),
        ]
        constraints = [
            models.UniqueConstraint(fields=["mentee", "mentor"], name="suggestion_pair_unique"),
            models.CheckConstraint(condition=~Q(mentee=F("mentor")), name="suggestion_not_self"),
            models.CheckConstraint(
                condition=Q(score__gte=0, score__lte=100), name="suggestion_score_0_100"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.mentor_id} for {self.mentee_id}: {self.score:.0f}"

    def bars(self) -> list[tuple[str, str, int | None]]:
        return component_bars(self.components)


class AssignmentPair(models.Model):
    """One pair an auto-assignment run proposes; committing makes it a mentorship."""

    class Outcome(models.TextChoices):
        PROPOSED = "proposed", "Proposed"
        CREATED = "created", "Mentorship created"
        SKIPPED = "skipped", "Skipped"

    run = models.ForeignKey(MatchingRun, on_delete=models.CASCADE, related_name="pairs")
    mentee = models.ForeignKey(Profile, on_delete=models.CASCADE, related_name="+")
    mentor = models.ForeignKey(Profile, on_delete=models.CASCADE, related_name="+")
    score = models.FloatField()
    reasons = models.JSONField(default=list)
    outcome = models.CharField(max_length=8, choices=Outcome.choices, default=Outcome.PROPOSED)
    note = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["run", "-score"]
        constraints = [
            models.UniqueConstraint(fields=["run", "mentee"], name="assignment_one_per_mentee"),
        ]

    def __str__(self) -> str:
        return f"{self.mentee_id} → {self.mentor_id} ({self.score:.0f})"


class MentorshipQuerySet(models.QuerySet):
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
        self, program_id: int, *, mentee_ids=None, mentor_id=None
    ) -> set[tuple[int, int]]:
        """Pairs never to suggest: under way, or tried before (declined, expired,
        ended). Only a withdrawn request leaves the pair free to meet again."""
        pairs = self.filter(program_id=program_id).exclude(status=Mentorship.Status.WITHDRAWN)
        if mentee_ids is not None:
            pairs = pairs.filter(mentee_id__in=mentee_ids)
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
        NO_ROOM = "no_room", "I have no room for another mentee right now"
        NOT_MY_AREA = "not_my_area", "Their goals are outside what I can help with"
        TIMING = "timing", "Our schedules or timezones will not work"
        BETTER_FIT = "better_fit", "I think another mentor would suit them better"
        OTHER = "other", "Another reason"

    class EndReason(models.TextChoices):
        GOALS_MET = "goals_met", "We reached our goals"
        NO_TIME = "no_time", "One of us no longer has time"
        NOT_WORKING = "not_working", "It is not working out"
        MOVED_ON = "moved_on", "A change of job, place or program"
        OTHER = "other", "Another reason"

    class Health(models.TextChoices):
        OK = "", "No concern"
        NO_CHECK_IN = "no_check_in", "No check-in by week 3"
        LOW_RATING = "low_rating", "A check-in rated 2 or lower"

    OPEN = (Status.REQUESTED, Status.ACCEPTED, Status.ACTIVE)
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
    # When the clock's emails were queued (each email itself is sent once, see SentEmail).
    reminded_at = models.DateTimeField(null=True, blank=True)
    prompted_week_2_at = models.DateTimeField(null=True, blank=True)
    prompted_week_8_at = models.DateTimeField(null=True, blank=True)
    health = models.CharField(max_length=12, choices=Health.choices, blank=True, default="")
    health_flagged_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    override_reason = models.CharField(max_length=300, blank=True)

    objects = MentorshipQuerySet.as_manager()

    class Meta:
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
        return reverse("matching:mentorship", args=[self.pk])

    @property
    def is_paired(self) -> bool:
        return self.status in self.PAIRED

    @property
    def is_open(self) -> bool:
        return self.status in self.OPEN

    def side_of(self, profile: Profile) -> str:
        return "mentee" if profile.pk == self.mentee_id else "mentor"

    def other_side(self, profile: Profile) -> Profile:
        return self.mentor if profile.pk == self.mentee_id else self.mentee


class CheckIn(models.Model):
    """How a mentorship is going, from one side: a 1–5 rating and a note."""

    mentorship = models.ForeignKey(Mentorship, on_delete=models.CASCADE, related_name="check_ins")
    author = models.ForeignKey(Profile, null=True, on_delete=models.SET_NULL, related_name="+")
    rating = models.PositiveSmallIntegerField()
    note = models.TextField(blank=True, max_length=1000)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(rating__gte=1, rating__lte=5), name="checkin_rating_1_5"
            ),
        ]

    def __str__(self) -> str:
        return f"check-in {self.rating}/5 on {self.mentorship_id}"


class SentEmail(models.Model):
    """One row per email sent, under a key naming the event: inserting the row
    claims the send, so a task run twice never sends a second copy."""

    key = models.CharField(max_length=120, unique=True)
    to = models.ForeignKey(User, on_delete=models.CASCADE, related_name="+")
    sent_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-sent_at"]

    def __str__(self) -> str:
        return self.key
