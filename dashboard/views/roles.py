"""Roles: a program's admins see who runs it with them, invite people by email
as admins or coordinators, change and remove roles, each after asking."""

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext
from django.views.decorators.http import require_POST

from config.forms import confirmed
from profiles import access, roles
from profiles.exceptions import RoleRefused
from profiles.models import ProgramRole

from .. import roles as page
from ..forms import RoleChangeForm, RoleInviteForm
from .access import ADMIN, program_page
from .confirming import confirmation


@program_page(ADMIN)
def role_list(request: HttpRequest, slug: str) -> HttpResponse:
    return _page(request, RoleInviteForm())


def _page(request: HttpRequest, form: RoleInviteForm) -> HttpResponse:
    program = request.program
    context = {"program": program, "roles": page.of(program), "form": form}
    return render(request, "dashboard/roles.html", context)


def _back(slug: str) -> tuple[str, str]:
    return reverse("dashboard:roles", args=[slug]), gettext("No, go back to the roles")


def _invited(role: str, new_account: bool) -> str:
    """What an invitation's message says, one sentence per role and email."""
    if role == roles.ADMIN and new_account:
        return gettext(
            "%(email)s is now an admin of %(program)s; an invitation to choose a password "
            "is on its way."
        )
    if role == roles.ADMIN:
        return gettext("%(email)s is now an admin of %(program)s; an email is on its way.")
    if new_account:
        return gettext(
            "%(email)s is now a coordinator of %(program)s; an invitation to choose a "
            "password is on its way."
        )
    return gettext("%(email)s is now a coordinator of %(program)s; an email is on its way.")


@require_POST
@program_page(ADMIN)
def invite(request: HttpRequest, slug: str) -> HttpResponse:
    program = request.program
    form = RoleInviteForm(request.POST)
    if not form.is_valid():
        return _page(request, form)
    email, role = form.cleaned_data["email"], form.cleaned_data["role"]
    try:
        if not confirmed(request):
            question = page.invite(program, email, role)
            action = reverse("dashboard:invite_role", args=[slug])
            return confirmation(request, program, question, action=action, back=_back(slug))
        invited = roles.invite(program=program, email=email, role=role, by=request.user)
    except RoleRefused as refused:
        messages.error(request, str(refused))
    else:
        messages.success(
            request, _invited(role, invited.new_account) % {"email": email, "program": program.name}
        )
    return redirect("dashboard:roles", slug=slug)


@require_POST
@program_page(ADMIN)
def change(request: HttpRequest, slug: str, role_id: int) -> HttpResponse:
    program = request.program
    held = get_object_or_404(
        ProgramRole.objects.select_related("user"), pk=role_id, program=program
    )
    form = RoleChangeForm(request.POST)
    if not form.is_valid():
        messages.error(request, gettext("Choose admin or coordinator."))
        return redirect("dashboard:roles", slug=slug)
    to = form.cleaned_data["role"]
    try:
        if not confirmed(request):
            question = page.change(held, to, request.user)
            action = reverse("dashboard:change_role", args=[slug, held.pk])
            return confirmation(request, program, question, action=action, back=_back(slug))
        changed = roles.change(
            role=held, to=to, by=request.user, keep_an_admin=not request.user.is_superuser
        )
    except RoleRefused as refused:
        messages.error(request, str(refused))
        return redirect("dashboard:roles", slug=slug)
    name = roles.name_of(held.user)
    said = {"name": name, "program": program.name}
    if changed and to == roles.ADMIN:
        messages.success(request, gettext("%(name)s is now an admin of %(program)s.") % said)
    elif changed:
        messages.success(request, gettext("%(name)s is now a coordinator of %(program)s.") % said)
    elif to == roles.ADMIN:
        messages.info(request, gettext("%(name)s was an admin already: nothing changed.") % said)
    else:
        messages.info(
            request, gettext("%(name)s was a coordinator already: nothing changed.") % said
        )
    return _onward(request, slug)


@require_POST
@program_page(ADMIN)
def remove(request: HttpRequest, slug: str, role_id: int) -> HttpResponse:
    program = request.program
    held = get_object_or_404(
        ProgramRole.objects.select_related("user"), pk=role_id, program=program
    )
    try:
        if not confirmed(request):
            question = page.remove(held, request.user)
            action = reverse("dashboard:remove_role", args=[slug, held.pk])
            return confirmation(request, program, question, action=action, back=_back(slug))
        roles.remove(role=held, by=request.user, keep_an_admin=not request.user.is_superuser)
    except RoleRefused as refused:
        messages.error(request, str(refused))
        return redirect("dashboard:roles", slug=slug)
    messages.success(
        request,
        gettext("%(name)s no longer helps run %(program)s.")
        % {"name": roles.name_of(held.user), "program": program.name},
    )
    return _onward(request, slug)


def _onward(request: HttpRequest, slug: str) -> HttpResponse:
    """Back to the roles, or, for an admin who changed their own, as far as they may go."""
    program = request.program
    if access.may(request.user, program, ADMIN):
        return redirect("dashboard:roles", slug=slug)
    if access.may(request.user, program):
        return redirect("dashboard:program", slug=slug)
    if access.runs_any_program(request.user):
        return redirect("dashboard:programs")
    return redirect("matching:home")
