"""Where a mentee stands on a goal, 1–5: an agreement's goals, their progress and the
close-out survey share the scale."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Rating(models.IntegerChoices):
    """Where a mentee stands on a goal, in their own judgement."""

    STARTING = 1, _("1 — just starting out")
    EARLY = 2, _("2 — early steps")
    HALFWAY = 3, _("3 — about halfway")
    NEARLY = 4, _("4 — nearly there")
    THERE = 5, _("5 — where I want to be")
