"""Who reaches the admin endpoints: as on the admin pages (dashboard/views/access.py),
a program's admins and coordinators for that program, superusers for all
(profiles/access.py). Being staff alone opens nothing.

A caller with no role anywhere is told the admin endpoints are not there (404),
and a caller with roles elsewhere is told the same of a program they have no
role in, so a slug reveals nothing. A coordinator asking for an admin's action
(starting a run, committing or discarding one) gets a 403."""

from __future__ import annotations

from rest_framework.exceptions import NotFound, PermissionDenied
from rest_framework.permissions import BasePermission

from profiles import access
from profiles.models import Program


class RunsTheProgram(BasePermission):
    """Sets ``request.program`` and ``request.program_role`` on a view under
    ``programs/{slug}/``; the view's ``admin_only`` actions need an admin."""

    def has_permission(self, request, view) -> bool:
        user = request.user
        if not (user and user.is_authenticated):
            return False  # DRF answers 401 with the Bearer challenge
        slug = view.kwargs.get("slug")
        if slug is None:  # the programs list
            if not access.runs_any_program(user):
                raise NotFound()
            return True
        program = access.programs_for(user).filter(slug=slug).first()
        if program is None:
            raise NotFound()
        role = access.role_in(user, program)
        if view.action in view.admin_only and role != access.ADMIN:
            raise PermissionDenied("Only the program's admins can do this.")
        request.program = program
        request.program_role = role
        return True


def program_of(request) -> Program:
    return request.program
