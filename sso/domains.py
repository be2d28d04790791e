"""Which organisation an email address belongs to, by its domain, and the
identity providers its people sign in with."""

from __future__ import annotations

from .models import Connection, Organisation


def domain_of(email: str) -> str:
    """The part after the last @, lower case ("" for something with no @)."""
    local, at, domain = (email or "").strip().rpartition("@")
    return domain.lower() if at and local else ""


def organisation_for(email: str) -> Organisation | None:
    """The organisation that owns ``email``'s domain: the exact domain, so a
    subdomain or a look-alike belongs to no one."""
    domain = domain_of(email)
    if not domain:
        return None
    return Organisation.objects.filter(domains__domain=domain).first()


def connections_for(email: str) -> list[Connection]:
    """The active connections of the organisation that owns ``email``'s domain."""
    domain = domain_of(email)
    if not domain:
        return []
    return list(
        Connection.objects.filter(is_active=True, organisation__domains__domain=domain)
        .select_related("organisation")
        .order_by("label", "pk")
    )


def active_connections() -> list[Connection]:
    """Every active connection, for the sign-in page's direct buttons."""
    return list(
        Connection.objects.filter(is_active=True)
        .select_related("organisation")
        .order_by("organisation__name", "label")
    )
