from __future__ import annotations

import json
from datetime import date, datetime

from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext_lazy as _

from profiles.models import Program, User


class ImportJob(models.Model):
    """A CSV file on its way into a program: checked by a worker, shown to the
    admin, then imported or discarded. The file itself (which may hold
    sensitive answers) is deleted as soon as the job is over."""

    class Status(models.TextChoices):
        CHECKING = "checking", _("Checking the file")
        CHECKED = "checked", _("Checked")
        IMPORTING = "importing", _("Importing")
        IMPORTED = "imported", _("Imported")
        DISCARDED = "discarded", _("Discarded")
        FAILED = "failed", _("Failed")

    WORKING = (Status.CHECKING, Status.IMPORTING)

    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="import_jobs")
    created_by = models.ForeignKey(User, null=True, on_delete=models.SET_NULL, related_name="+")
    filename = models.CharField(max_length=200)
    content = models.BinaryField(null=True, editable=False)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.CHECKING)
    # Counts, problems (line, column, message) and who would be added: nothing sensitive.
    report = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.filename} → {self.program} ({self.status})"

    @property
    def is_working(self) -> bool:
        return self.status in self.WORKING


class FiguresEncoder(DjangoJSONEncoder):
    """Dates and times in full, so that figures read back equal those written."""

    def default(self, o):
        if isinstance(o, datetime | date):
            return o.isoformat()
        return super().default(o)


# Keys of kept figures whose values are times (figures.py names them so).
TIME_KEYS = ("_at", "_since")


class FiguresDecoder(json.JSONDecoder):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, object_hook=self.times, **kwargs)

    @staticmethod
    def times(obj: dict) -> dict:
        for key, value in obj.items():
            if key.endswith(TIME_KEYS) and isinstance(value, str):
                obj[key] = parse_datetime(value) or value
        return obj


class KeptFigures(models.Model):
    """One dashboard page's figures for a program as the worker last worked
    them out (dashboard/snapshots.py). Plain data: counts, and people by id
    and name; rows go when a person of the program is deleted."""

    class Page(models.TextChoices):
        HEALTH = "health", "Health"
        FAIRNESS = "fairness", "Fairness"

    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="+")
    page = models.CharField(max_length=10, choices=Page.choices)
    # The figures' layout; rows of another shape are not read (after a deploy
    # that changed it, the next view works them out again).
    shape = models.PositiveSmallIntegerField()
    figures = models.JSONField(encoder=FiguresEncoder, decoder=FiguresDecoder)
    computed_at = models.DateTimeField()

    class Meta:
        verbose_name_plural = _("kept figures")
        constraints = [
            models.UniqueConstraint(fields=["program", "page"], name="kept_figures_one_per_page"),
        ]

    def __str__(self) -> str:
        return f"{self.page} figures of {self.program_id} at {self.computed_at:%H:%M:%S}"


class FiguresRelease(models.Model):
    """The fairness figures as released to admins without the permission to read
    background answers: made at most once a week, only after enough has changed,
    with noise and complementary suppression (dashboard/releases.py)."""

    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="+")
    released_at = models.DateTimeField()
    figures = models.JSONField(encoder=FiguresEncoder, decoder=FiguresDecoder)
    changes = models.PositiveIntegerField(
        help_text=_("people and mentorships changed since the last")
    )

    class Meta:
        ordering = ["-released_at"]
        indexes = [models.Index(fields=["program", "-released_at"], name="release_program_latest")]

    def __str__(self) -> str:
        return f"fairness release of {self.program_id} on {self.released_at:%Y-%m-%d}"


class DigestChoice(models.Model):
    """An admin's answer to "email me the weekly digest" (yes unless they said no)."""

    user = models.OneToOneField(
        User, primary_key=True, on_delete=models.CASCADE, related_name="digest_choice"
    )
    weekly = models.BooleanField(_("Email me the weekly digest"), default=True)
    changed_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"{self.user}: {'weekly' if self.weekly else 'no digest'}"
