"""Who may see a person's background answers: their visibility choice, and
whether the viewer is their match (docs/security.md)."""

from django.db.models import Q

from profiles.models import Profile
from profiles.taxonomy import Role, Visibility

from .models import Mentorship


def are_matched(owner: Profile, viewer: Profile) -> bool:
    """The owner is paired with the viewer, or (as a mentee) has asked them."""
    if owner.role == viewer.role or owner.program_id != viewer.program_id:
        return False
    mentee, mentor = (owner, viewer) if owner.role == Role.MENTEE else (viewer, owner)
    states = Q(status__in=Mentorship.PAIRED)
    if owner.role == Role.MENTEE:
        states |= Q(status=Mentorship.Status.REQUESTED)
    return Mentorship.objects.filter(states, mentee=mentee, mentor=mentor).exists()


def can_see_background(owner: Profile, viewer: Profile) -> bool:
    if owner.user_id == viewer.user_id:
        return True
    if owner.program_id != viewer.program_id:
        return False
    if owner.background_visibility == Visibility.PROGRAM:
        return True
    if owner.background_visibility == Visibility.MATCHES:
        return are_matched(owner, viewer)
    return False
