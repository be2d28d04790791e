"""Who may run which program: program admins and coordinators (ProgramRole),
superusers everywhere. Being staff alone grants nothing; the Django admin is
for superusers only (config/admin.py).

A program admin may do everything for their program; a coordinator reads its
dashboards and lists and matches by hand, but changes no settings, imports no
one and never reads background answers."""

from __future__ import annotations

from django.db.models import QuerySet

from .models import Program, ProgramRole, SensitiveAccess, User

ADMIN = ProgramRole.Kind.ADMIN
COORDINATOR = ProgramRole.Kind.COORDINATOR
# What each role may do, from the least: a page asking for COORDINATOR lets admins in too.
RANKS = {COORDINATOR: 1, ADMIN: 2}


def role_in(user: User, program: Program) -> str | None:
    """``user``'s role in ``program`` (a superuser is an admin everywhere), or None."""
    if not (user.is_authenticated and user.is_active):
        return None
    if user.is_superuser:
        return ADMIN
    return (
        ProgramRole.objects.filter(user=user, program=program)
        .values_list("role", flat=True)
        .first()
    )


def may(user: User, program: Program, needed: str = COORDINATOR) -> bool:
    role = role_in(user, program)
    return role is not None and RANKS[role] >= RANKS[needed]


def programs_for(user: User) -> QuerySet[Program]:
    """The programs ``user`` may open in the admin pages."""
    if not (user.is_authenticated and user.is_active):
        return Program.objects.none()
    if user.is_superuser:
        return Program.objects.all()
    return Program.objects.filter(roles__user=user).distinct()


def runs_any_program(user: User) -> bool:
    """Whether ``user`` has a way into the admin pages: a role somewhere, or
    superuser (who has one even before the first program exists)."""
    if user.is_authenticated and user.is_active and user.is_superuser:
        return True
    return programs_for(user).exists()


def may_read_background(user: User, program: Program) -> bool:
    return SensitiveAccess.allowed(user, program)


def admins_of(program: Program) -> QuerySet[User]:
    """Who hears about the program's alarms (a reported message): its admins, or,
    for a program that has none yet, the superusers."""
    admins = User.objects.filter(
        is_active=True, program_roles__program=program, program_roles__role=ADMIN
    )
    if admins.exists():
        return admins.order_by("pk")
    return User.objects.filter(is_active=True, is_superuser=True).order_by("pk")
