"""The people an organisation's directory manages: provisioned, updated, removed.
The directory owns their address, so accounts it makes have no password and a
verified email; it may only ever reach addresses in the organisation's domains."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from allauth.account.models import EmailAddress
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction

from profiles.models import User

from . import deactivation
from .domains import domain_of
from .exceptions import AlreadyMember, MemberElsewhere, NotAnAddress, NotManaged, OutsideDomains
from .models import Member, Organisation


@dataclass(frozen=True, kw_only=True)
class Person:
    """What the directory says about someone."""

    email: str
    given_name: str = ""
    family_name: str = ""
    external_id: str = ""
    active: bool = True


def owns(*, organisation: Organisation, email: str) -> bool:
    domain = domain_of(email)
    return bool(domain) and organisation.domains.filter(domain=domain).exists()


def _check_address(organisation: Organisation, email: str, *, user: User | None = None) -> None:
    """``email`` may be this person's address: a real one, in the organisation's
    domains (checked first, so that nothing is told about addresses elsewhere),
    that no other account holds."""
    try:
        validate_email(email)
    except ValidationError:
        raise NotAnAddress(f"userName must be the person's email address, not {email!r}.") from None
    if not owns(organisation=organisation, email=email):
        domains = ", ".join(organisation.domains.values_list("domain", flat=True)) or "none yet"
        raise OutsideDomains(
            f"{email} is not in one of {organisation}'s email domains ({domains}): "
            "Kindred provisions only addresses in the domains the organisation owns."
        )
    others = User.objects.filter(email__iexact=email)
    verified = EmailAddress.objects.filter(email__iexact=email, verified=True)
    if user is not None:
        others, verified = others.exclude(pk=user.pk), verified.exclude(user=user)
    if others.exists() or verified.exists():
        raise AlreadyMember(f"{email} is another Kindred account's address.")


@transaction.atomic
def provision(*, organisation: Organisation, person: Person) -> Member:
    """A member for ``person``: a new account, or the Kindred account that already
    has their address, linked (never a second account)."""
    email = person.email.strip().lower()
    user = User.objects.select_for_update().filter(email__iexact=email).first()
    _check_address(organisation, email, user=user)
    if user is not None:
        if user.is_superuser:
            raise NotManaged(f"{email} is a Kindred superuser's account: no directory manages it.")
        taken = Member.objects.filter(user=user).select_related("organisation").first()
        if taken is not None and taken.organisation_id == organisation.pk:
            raise AlreadyMember(f"{email} is already provisioned (id {taken.scim_id}).")
        if taken is not None:
            raise MemberElsewhere(f"{email} is managed by another organisation's directory.")
    try:
        # Two calls for the same person at once: the second finds the first's rows.
        with transaction.atomic():
            if user is None:
                user = User.objects.create_user(email=email, password=None)
            member = Member.objects.create(
                organisation=organisation, user=user, external_id=person.external_id
            )
    except IntegrityError:
        raise AlreadyMember(
            f"{email}, or externalId {person.external_id!r}, is already provisioned."
        ) from None
    _name(user, person)
    _verified(user, email)
    if not person.active:
        deactivation.deactivate(member=member)
        member.refresh_from_db()
    return member


@transaction.atomic
def update(*, member: Member, person: Person) -> Member:
    """The member as the directory now describes them; switching ``active``
    deactivates or reactivates them (sso/deactivation.py)."""
    member = (
        Member.objects.select_for_update().select_related("user", "organisation").get(pk=member.pk)
    )
    user = member.user
    email = person.email.strip().lower()
    if email != user.email.lower():
        _check_address(member.organisation, email, user=user)
        user.email = email
        _verified(user, email)
    _name(user, person)
    if person.external_id != member.external_id:
        member.external_id = person.external_id
        try:
            with transaction.atomic():
                member.save(update_fields=["external_id", "updated_at"])
        except IntegrityError:
            raise AlreadyMember(
                f"externalId {person.external_id!r} is already one of "
                f"{member.organisation}'s members."
            ) from None
    if person.active:
        deactivation.reactivate(member=member)
    else:
        deactivation.deactivate(member=member)
    member.refresh_from_db()
    return member


@transaction.atomic
def remove(*, member: Member) -> None:
    """The directory deleted the person: Kindred deactivates them at once and
    keeps them for the retention period (sso/retention.py), but the directory
    never finds this member again: a new id, and no external id."""
    deactivation.deactivate(member=member)
    Member.objects.filter(pk=member.pk).update(scim_id=uuid.uuid4(), external_id="")


def _name(user: User, person: Person) -> None:
    user.first_name = person.given_name[:150]
    user.last_name = person.family_name[:150]
    user.save(update_fields=["email", "first_name", "last_name"])


def _verified(user: User, email: str) -> None:
    """The address, verified and primary: the directory vouches for it."""
    EmailAddress.objects.filter(user=user).exclude(email__iexact=email).update(primary=False)
    address = EmailAddress.objects.filter(user=user, email__iexact=email).first()
    if address is None:
        EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)
    else:
        EmailAddress.objects.filter(pk=address.pk).update(verified=True, primary=True)
