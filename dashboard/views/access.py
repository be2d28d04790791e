"""Who may use the admin pages, and the program a URL names."""

from functools import wraps

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.shortcuts import get_object_or_404

from profiles.models import Program


def staff_required(view):
    @wraps(view)
    def wrapped(request: HttpRequest, *args, **kwargs):
        if not request.user.is_staff:
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapped


def program_of(slug: str) -> Program:
    return get_object_or_404(Program, slug=slug)
