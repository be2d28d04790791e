"""Where a mentee stands on a goal, 1–5: an agreement's goals, their progress and the
close-out survey share the scale."""

from django.db import models


class Rating(models.IntegerChoices):
    """Where a mentee stands on a goal, in their own judgement."""

    STARTING = 1, "1 — just starting out"
    EARLY = 2, "2 — early steps"
    HALFWAY = 3, "3 — about halfway"
    NEARLY = 4, "4 — nearly there"
    THERE = 5, "5 — where I want to be"
