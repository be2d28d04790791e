from __future__ import annotations

from django.db import models

from profiles.models import Program, User


class ImportJob(models.Model):
    """A CSV file on its way into a program: checked by a worker, shown to the
    admin, then imported or discarded. The file itself (which may hold
    sensitive answers) is deleted as soon as the job is over."""

    class Status(models.TextChoices):
        CHECKING = "checking", "Checking the file"
        CHECKED = "checked", "Checked"
        IMPORTING = "importing", "Importing"
        IMPORTED = "imported", "Imported"
        DISCARDED = "discarded", "Discarded"
        FAILED = "failed", "Failed"

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
