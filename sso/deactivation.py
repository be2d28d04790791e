"""A person the organisation's directory switches off, or on again
(docs/security.md, "When an organisation's directory deactivates someone")."""

from __future__ import annotations

from allauth.usersessions.models import UserSession
from django.db import transaction
from django.utils import timezone

from mentorships import lifecycle
from mentorships.models import Mentorship
from profiles.models import Profile, User
from profiles.services import announce_change

from .models import Member
from .signals import member_deactivated


@transaction.atomic
def deactivate(*, member: Member) -> bool:
    """At once: no sign-in, no session, no API token, nothing open with anyone;
    the account and its answers are kept for the organisation's retention
    period (sso/retention.py). False, and nothing sent, if already done."""
    member = Member.objects.select_for_update().select_related("user").get(pk=member.pk)
    if not member.active:
        return False
    now = timezone.now()
    user = member.user
    # Before the account is switched off: allauth only ends a session whose user
    # it can still find, and purges the record of the others.
    for session in UserSession.objects.purge_and_list(user):
        session.end()
    User.objects.filter(pk=user.pk).update(is_active=False)
    Member.objects.filter(pk=member.pk).update(active=False, deactivated_at=now)
    member_deactivated.send(sender=Member, user_id=user.pk)
    for profile in _profiles(user, touch=now):
        lifecycle.depart(profile=profile, end_reason=Mentorship.EndReason.LEFT_ORGANISATION)
        # Out of the lists they are in (matching re-scores on commit).
        announce_change(profile)
    return True


@transaction.atomic
def reactivate(*, member: Member) -> bool:
    """The person may sign in again and is back in the pool. What closed when they
    were deactivated stays closed. False if they were not deactivated."""
    member = Member.objects.select_for_update().select_related("user").get(pk=member.pk)
    if member.active:
        return False
    User.objects.filter(pk=member.user_id).update(is_active=True)
    Member.objects.filter(pk=member.pk).update(active=True, deactivated_at=None)
    for profile in _profiles(member.user, touch=timezone.now()):
        announce_change(profile)
    return True


def _profiles(user: User, *, touch) -> list[Profile]:
    # Matching keeps each program's profiles between calls and re-reads those
    # saved since: a changed account is a changed profile to it.
    profiles = Profile.objects.filter(user=user)
    profiles.update(updated_at=touch)
    return list(profiles.order_by("pk"))
