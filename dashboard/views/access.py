"""Who may open the admin pages: a program's admins and coordinators for that
program, superusers for all (profiles/access.py). Anyone else is told the page
does not exist (404); a coordinator asking for an admin's action gets 403."""

from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest
from django.shortcuts import get_object_or_404

from profiles import access
from profiles.models import Program

ADMIN = access.ADMIN
COORDINATOR = access.COORDINATOR


def admin_area(view):
    """A page of the admin area that names no program (the programs list, the
    digest choice): for anyone with a role somewhere, or a superuser."""

    @wraps(view)
    @login_required
    def wrapped(request: HttpRequest, *args, **kwargs):
        if not access.runs_any_program(request.user):
            raise Http404
        return view(request, *args, **kwargs)

    return wrapped


def program_page(needed: str = COORDINATOR):
    """A page of one program's admin area: sets ``request.program`` and
    ``request.program_role``. A program the person has no role in is a 404;
    a coordinator on an admin's page is a 403."""

    def decorator(view):
        @wraps(view)
        @login_required
        def wrapped(request: HttpRequest, slug: str, *args, **kwargs):
            program = get_object_or_404(access.programs_for(request.user), slug=slug)
            role = access.role_in(request.user, program)
            if access.RANKS[role] < access.RANKS[needed]:
                raise PermissionDenied("Only the program's admins can do this.")
            request.program = program
            request.program_role = role
            request.may_read_background = access.may_read_background(request.user, program)
            return view(request, slug, *args, **kwargs)

        return wrapped

    return decorator


def program_of(request: HttpRequest) -> Program:
    return request.program
