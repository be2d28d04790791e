"""What came of a mentorship: each side's close-out survey, the mentee's follow-ups
6 and 12 months on, and the sponsorship its mentor gave.

Answers belong to the person who gave them: their rows go with their account
(``on_delete=CASCADE`` on the respondent), appear in their export, and reach the
other side only where the person chose (a shareable testimonial, a sponsorship
the mentee confirmed). Admins see counts and group figures, never a row
(dashboard/outcomes.py). docs/outcomes.md says what is asked and when."""

from __future__ import annotations

from django.db import models
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from profiles.models import Profile, Tag

from .ratings import Rating

TEXT_MAX_LENGTH = 1000
SPONSORSHIP_NOTE_MAX_LENGTH = 300
# A follow-up is sent this many months after its mentorship closed, once each.
FOLLOW_UP_MONTHS = (6, 12)


class Side(models.TextChoices):
    MENTEE = "mentee", _("Mentee")
    MENTOR = "mentor", _("Mentor")


class CloseOut(models.Model):
    """One side's close-out survey of a mentorship that completed or ended after it
    had started. The row is made when the survey is asked (``asked_at``) and
    answered once (``answered_at``); every answer is optional."""

    class Recommend(models.TextChoices):
        YES = "yes", _("Yes")
        UNSURE = "unsure", _("Not sure")
        NO = "no", _("No")

    mentorship = models.ForeignKey(
        "mentorships.Mentorship", on_delete=models.CASCADE, related_name="close_outs"
    )
    respondent = models.ForeignKey(Profile, on_delete=models.CASCADE, related_name="close_outs")
    side = models.CharField(max_length=6, choices=Side.choices)
    asked_at = models.DateTimeField(default=timezone.now)
    answered_at = models.DateTimeField(null=True, blank=True)
    # Overall, 1 (poor) … 5 (excellent).
    rating = models.PositiveSmallIntegerField(null=True, blank=True)
    helped_most = models.TextField(blank=True, max_length=TEXT_MAX_LENGTH)
    recommend = models.CharField(max_length=6, choices=Recommend.choices, blank=True)
    testimonial = models.TextField(blank=True, max_length=TEXT_MAX_LENGTH)
    # The person's consent to show their testimonial (to the other side and on the
    # program's pages, with their first name); withdrawn by unticking it.
    testimonial_shared = models.BooleanField(default=False)

    class Meta:
        ordering = ["-asked_at"]
        constraints = [
            models.UniqueConstraint(fields=["mentorship", "side"], name="close_out_once_per_side"),
            models.CheckConstraint(
                condition=Q(rating__isnull=True) | Q(rating__gte=1, rating__lte=5),
                name="close_out_rating_1_5",
            ),
            models.CheckConstraint(
                condition=Q(testimonial_shared=False) | ~Q(testimonial=""),
                name="close_out_shares_only_a_testimonial",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.side}'s close-out of mentorship {self.mentorship_id}"

    @property
    def is_answered(self) -> bool:
        return self.answered_at is not None


class CloseOutGoal(models.Model):
    """Progress on one agreed goal as one side saw it at the close: the rating the
    goal started from when it was agreed (copied from its ``GoalProgress``), and
    where it ended, 1–5."""

    close_out = models.ForeignKey(CloseOut, on_delete=models.CASCADE, related_name="goals")
    goal = models.ForeignKey(Tag, on_delete=models.PROTECT, related_name="+")
    start_rating = models.PositiveSmallIntegerField(choices=Rating.choices)
    end_rating = models.PositiveSmallIntegerField(choices=Rating.choices, null=True, blank=True)

    class Meta:
        ordering = ["pk"]
        constraints = [
            models.UniqueConstraint(fields=["close_out", "goal"], name="close_out_goal_once"),
            models.CheckConstraint(
                condition=Q(start_rating__gte=1, start_rating__lte=5)
                & (Q(end_rating__isnull=True) | Q(end_rating__gte=1, end_rating__lte=5)),
                name="close_out_goal_rating_1_5",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.goal_id}: {self.start_rating} → {self.end_rating}"


class FollowUp(models.Model):
    """A short follow-up to the mentee, ``months`` after their mentorship closed:
    made and emailed once by the clock (``sent_at``), answered once; every
    answer optional. The belonging items are Kindred's own wording, agreement
    1 (strongly disagree) … 5 (strongly agree)."""

    class Stay(models.TextChoices):
        YES = "yes", _("I expect to stay for at least another year")
        UNSURE = "unsure", _("I am not sure")
        NO = "no", _("I expect to leave within a year")

    mentorship = models.ForeignKey(
        "mentorships.Mentorship", on_delete=models.CASCADE, related_name="follow_ups"
    )
    profile = models.ForeignKey(Profile, on_delete=models.CASCADE, related_name="follow_ups")
    months = models.PositiveSmallIntegerField()
    due_on = models.DateField()
    sent_at = models.DateTimeField(null=True, blank=True)
    answered_at = models.DateTimeField(null=True, blank=True)
    new_role = models.BooleanField(null=True, blank=True)
    stay = models.CharField(max_length=6, choices=Stay.choices, blank=True)
    belong_valued = models.PositiveSmallIntegerField(null=True, blank=True)
    belong_myself = models.PositiveSmallIntegerField(null=True, blank=True)
    belong_connected = models.PositiveSmallIntegerField(null=True, blank=True)
    belong_future = models.PositiveSmallIntegerField(null=True, blank=True)
    sponsored = models.BooleanField(null=True, blank=True)

    BELONGING = ("belong_valued", "belong_myself", "belong_connected", "belong_future")

    class Meta:
        ordering = ["due_on"]
        indexes = [models.Index(fields=["sent_at", "due_on"], name="follow_up_to_send")]
        constraints = [
            models.UniqueConstraint(
                fields=["mentorship", "profile", "months"], name="follow_up_once"
            ),
            models.CheckConstraint(
                condition=Q(months__in=FOLLOW_UP_MONTHS), name="follow_up_months"
            ),
            *(
                models.CheckConstraint(
                    condition=Q(**{f"{f}__isnull": True}) | Q(**{f"{f}__gte": 1, f"{f}__lte": 5}),
                    name=f"follow_up_{f}_1_5",
                )
                for f in ("belong_valued", "belong_myself", "belong_connected", "belong_future")
            ),
        ]

    def __str__(self) -> str:
        return f"{self.months}-month follow-up of mentorship {self.mentorship_id}"

    @property
    def is_answered(self) -> bool:
        return self.answered_at is not None


class SponsorshipActionQuerySet(models.QuerySet):
    def tally(self) -> dict:
        """How many were recorded and how many the mentee confirmed, in all and by
        kind, and in how many mentorships: plain data (it may be kept as JSON) for
        the admins' figures, never a note or a date (mentorships/sponsorships.py)."""
        confirmed = Count("pk", filter=Q(confirmed_at__isnull=False))
        by_kind = {kind: {"recorded": 0, "confirmed": 0} for kind in SponsorshipAction.Kind.values}
        rows = self.order_by().values("kind").annotate(recorded=Count("pk"), confirmed=confirmed)
        for row in rows:
            by_kind[row["kind"]] = {"recorded": row["recorded"], "confirmed": row["confirmed"]}
        return {
            "recorded": sum(k["recorded"] for k in by_kind.values()),
            "confirmed": sum(k["confirmed"] for k in by_kind.values()),
            "mentorships": self.order_by().values("mentorship").distinct().count(),
            "by_kind": by_kind,
        }


class SponsorshipAction(models.Model):
    """A concrete act of sponsorship a mentor records for their mentee: dated, with a
    short note the pair can see. The mentee may confirm it. Admins see counts only."""

    class Kind(models.TextChoices):
        INTRODUCED = "introduced", _("Introduced them to someone")
        RECOMMENDED = "recommended", _("Recommended them for a role or project")
        NOMINATED = "nominated", _("Nominated them for an award or a promotion")
        ADVOCATED = "advocated", _("Advocated for them in a review")

    mentorship = models.ForeignKey(
        "mentorships.Mentorship", on_delete=models.CASCADE, related_name="sponsorships"
    )
    kind = models.CharField(max_length=12, choices=Kind.choices)
    happened_on = models.DateField()
    note = models.CharField(max_length=SPONSORSHIP_NOTE_MAX_LENGTH, blank=True)
    recorded_by = models.ForeignKey(Profile, null=True, on_delete=models.SET_NULL, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)
    confirmed_at = models.DateTimeField(null=True, blank=True)

    objects = SponsorshipActionQuerySet.as_manager()

    # What was done, as whole sentences for each reader: the mentor's ("You introduced
    # Ana to someone"), the mentee's ("Sam introduced you to someone"), and the words
    # after "they" in the mentee's email (sponsorship_recorded_body.txt).
    BY_YOU = {
        Kind.INTRODUCED: _("You introduced %(mentee)s to someone"),
        Kind.RECOMMENDED: _("You recommended %(mentee)s for a role or project"),
        Kind.NOMINATED: _("You nominated %(mentee)s for an award or a promotion"),
        Kind.ADVOCATED: _("You advocated for %(mentee)s in a review"),
    }
    FOR_YOU = {
        Kind.INTRODUCED: _("%(mentor)s introduced you to someone"),
        Kind.RECOMMENDED: _("%(mentor)s recommended you for a role or project"),
        Kind.NOMINATED: _("%(mentor)s nominated you for an award or a promotion"),
        Kind.ADVOCATED: _("%(mentor)s advocated for you in a review"),
    }
    DONE_FOR_YOU = {
        Kind.INTRODUCED: pgettext_lazy("sponsorship", "introduced you to someone"),
        Kind.RECOMMENDED: pgettext_lazy("sponsorship", "recommended you for a role or project"),
        Kind.NOMINATED: pgettext_lazy("sponsorship", "nominated you for an award or a promotion"),
        Kind.ADVOCATED: pgettext_lazy("sponsorship", "advocated for you in a review"),
    }

    class Meta:
        ordering = ["-happened_on", "-pk"]
        indexes = [models.Index(fields=["mentorship", "kind"], name="sponsorship_mentorship_kind")]

    def __str__(self) -> str:
        return f"{self.kind} on {self.happened_on} in mentorship {self.mentorship_id}"

    @property
    def is_confirmed(self) -> bool:
        return self.confirmed_at is not None

    def said_by_mentor(self, mentee: str) -> str:
        return self.BY_YOU[self.kind] % {"mentee": mentee}

    def said_to_mentee(self, mentor: str) -> str:
        return self.FOR_YOU[self.kind] % {"mentor": mentor}

    @property
    def for_mentee(self) -> str:
        """What the mentor did, after "they" in the mentee's email."""
        return str(self.DONE_FOR_YOU[self.kind])
