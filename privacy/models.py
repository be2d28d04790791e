from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from profiles.models import User


class DataExport(models.Model):
    """Everything Kindred stores about one person, as a JSON file they asked for.
    Prepared by a worker; kept a week, then deleted."""

    class Status(models.TextChoices):
        PREPARING = "preparing", _("Preparing")
        READY = "ready", _("Ready")
        FAILED = "failed", _("Failed")

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="data_exports")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PREPARING)
    content = models.TextField(blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    ready_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"data export {self.pk} of {self.user} ({self.status})"
