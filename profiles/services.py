"""Writes that span more than one model: joining a program, saving a
questionnaire step, giving and withdrawing consent."""

from django.db import transaction
from django.utils import timezone

from . import cycles
from .exceptions import RegistrationClosed
from .models import Consent, Profile, Program, Tag, User
from .signals import consent_withdrawn, profile_changed
from .taxonomy import SENSITIVE_FACETS, Facet, Role

# The role chosen on the landing page, remembered through sign-up and email
# confirmation, then picked up by the home page.
JOIN_ROLE_SESSION_KEY = "kindred_join_role"


def announce_change(profile: Profile) -> None:
    profile_changed.send(sender=Profile, profile_id=profile.pk, program_id=profile.program_id)


@transaction.atomic
def join_program(*, user: User, program: Program, role: Role | str) -> Profile:
    """Join ``program`` in ``role`` (or find the profile already there), taking part
    in the cycle whose registration is open. Joining anew while registration is
    closed is refused (``RegistrationClosed``); an existing profile always opens."""
    existing = Profile.objects.filter(user=user, program=program, role=role).first()
    if existing is not None:
        return existing
    now = cycles.registration(program)
    if not now.open:
        raise RegistrationClosed(now.refusal(program))
    profile, _ = Profile.objects.get_or_create(
        user=user,
        program=program,
        role=role,
        defaults={"capacity": program.default_capacity},
    )
    if now.cycle is not None:
        cycles.enrol(profile=profile, cycle=now.cycle)
    return profile


@transaction.atomic
def save_step(*, profile: Profile, step: str, form) -> Profile:
    """Save a validated questionnaire form and mark its step done."""
    form.save()
    if step not in profile.steps_done:
        profile.steps_done = [*profile.steps_done, step]
        profile.save(update_fields=["steps_done", "updated_at"])
    announce_change(profile)
    return profile


@transaction.atomic
def set_background(
    *, profile: Profile, tags: list[Tag], note: str, visibility: str, answered: list[str]
) -> None:
    """Store consented background answers; ``answered`` names their categories."""
    profile.background.set(tags)
    profile.heritage_note = note
    profile.background_visibility = visibility
    profile.must_share = [
        f for f in profile.must_share if f not in SENSITIVE_FACETS or f in answered
    ]
    profile.save(
        update_fields=["heritage_note", "background_visibility", "must_share", "updated_at"]
    )
    now = timezone.now()
    if profile.consents.given().exclude(category__in=answered).update(withdrawn_at=now):
        _announce_withdrawal(profile)
    held = set(profile.consents.given().values_list("category", flat=True))
    Consent.objects.bulk_create(
        Consent.to_current_text(profile, category, now)
        for category in answered
        if category not in held
    )


def withdrawal_preview(profile: Profile) -> dict:
    """What ``withdraw_background_consent`` would delete, for the page that asks first."""
    facets = dict(Facet.choices)
    return {
        "consented": [
            facets[c] for c in profile.consents.given().values_list("category", flat=True)
        ],
        "dropped_must_share": [facets[f] for f in profile.must_share if f in SENSITIVE_FACETS],
        "kept_must_share": [facets[f] for f in profile.must_share if f not in SENSITIVE_FACETS],
    }


@transaction.atomic
def withdraw_background_consent(*, profile: Profile) -> None:
    """Delete every sensitive answer and record the withdrawal."""
    profile.background.clear()
    profile.heritage_note = ""
    profile.must_share = [f for f in profile.must_share if f not in SENSITIVE_FACETS]
    profile.save(update_fields=["heritage_note", "must_share", "updated_at"])
    profile.consents.given().update(withdrawn_at=timezone.now())
    announce_change(profile)
    _announce_withdrawal(profile)


def _announce_withdrawal(profile: Profile) -> None:
    consent_withdrawn.send(sender=Profile, user_id=profile.user_id, profile_id=profile.pk)
