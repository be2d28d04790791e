"""Deleting the people an organisation's directory deactivated once their
organisation's retention period has passed (docs/security.md)."""

from __future__ import annotations

from datetime import timedelta

from django.db import transaction
from django.db.models import DateTimeField, ExpressionWrapper, F
from django.utils import timezone

from privacy.services import delete_account

from .models import Member


def due() -> list[int]:
    """The ids of the members deactivated for longer than their organisation keeps them."""
    deleted_from = ExpressionWrapper(
        F("deactivated_at") + F("organisation__retention_days") * timedelta(days=1),
        output_field=DateTimeField(),
    )
    return list(
        Member.objects.filter(active=False, deactivated_at__isnull=False)
        .alias(deleted_from=deleted_from)
        .filter(deleted_from__lte=timezone.now())
        .order_by("pk")
        .values_list("pk", flat=True)
    )


def delete_if_due(*, member_id: int) -> bool:
    """Delete the member's account as the person would delete it themselves, if
    they are still deactivated and their time is up. False if not (reactivated
    meanwhile, or already gone: a second run finds nothing)."""
    with transaction.atomic():
        member = (
            Member.objects.select_for_update()
            .select_related("user", "organisation")
            .filter(pk=member_id, active=False, deactivated_at__isnull=False)
            .first()
        )
        if member is None:
            return False
        kept_until = member.deactivated_at + timedelta(days=member.organisation.retention_days)
        if kept_until > timezone.now():
            return False
        delete_account(user=member.user)
    return True


def delete_due() -> int:
    """One pass: each member due is deleted in a transaction of its own, so one
    failure leaves the others done."""
    return sum(delete_if_due(member_id=pk) for pk in due())
