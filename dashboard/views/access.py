"""Who may open the admin pages: a program's admins and coordinators for that
program, superusers for all (profiles/access.py). Anyone else is told the page
does not exist (404); a coordinator asking for an admin's action gets 403."""

from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext

from profiles import access
from profiles.models import Program, ProgramRole

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
            program, role, background = _held(request.user, slug)
            if access.RANKS[role] < access.RANKS[needed]:
                raise PermissionDenied(gettext("Only the program's admins can do this."))
            request.program = program
            request.program_role = role
            request.may_read_background = background
            return view(request, slug, *args, **kwargs)

        return wrapped

    return decorator


def _held(user, slug: str) -> tuple[Program, str, bool]:
    """The program ``slug`` names, ``user``'s role in it and whether they may read
    its people's background answers, in one query (as profiles/access.py and
    SensitiveAccess.allowed answer them); Http404 without a role there."""
    if not user.is_active:
        raise Http404
    if user.is_superuser:
        return get_object_or_404(Program, slug=slug), ADMIN, True
    held = (
        ProgramRole.objects.select_related("program").filter(user=user, program__slug=slug).first()
    )
    if held is None:
        raise Http404
    return held.program, held.role, held.role == ADMIN and held.may_read_background
