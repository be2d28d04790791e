"""Which mentorship a URL names, for one of its two people only."""

from django.http import HttpRequest
from django.shortcuts import get_object_or_404

from ..models import Mentorship


def own_mentorship(request: HttpRequest, mentorship_id: int):
    """A mentorship and the signed-in person's side of it; 404 for anyone else."""
    m = get_object_or_404(
        Mentorship.objects.of_user(request.user).select_related(
            "mentee__user", "mentor__user", "program", "cycle", "superseded_by__mentor"
        ),
        pk=mentorship_id,
    )
    return m, m.profile_of(request.user)
