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


def backgrounds_visible_to(viewer: Profile, owners) -> set[int]:
    """Ids of the ``owners`` whose background ``viewer`` may see: what
    :func:`can_see_background` says of each, in one query for the page of them."""
    maybe = [o for o in owners if o.program_id == viewer.program_id]
    seen = {
        o.pk
        for o in maybe
        if o.user_id == viewer.user_id or o.background_visibility == Visibility.PROGRAM
    }
    ask = [
        o.pk
        for o in maybe
        if o.pk not in seen
        and o.background_visibility == Visibility.MATCHES
        and o.role != viewer.role
    ]
    if ask:
        mine, theirs = ("mentee", "mentor") if viewer.role == Role.MENTEE else ("mentor", "mentee")
        # As are_matched: a mentee's answers reach the mentor they asked, too.
        states = Q(status__in=Mentorship.PAIRED)
        if viewer.role == Role.MENTOR:
            states |= Q(status=Mentorship.Status.REQUESTED)
        seen |= set(
            Mentorship.objects.filter(
                states, **{mine: viewer, f"{theirs}_id__in": ask}
            ).values_list(f"{theirs}_id", flat=True)
        )
    return seen
