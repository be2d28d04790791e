"""Roles: a program's admins see who runs it with them, invite people by email
as admins or coordinators, change and remove roles, each after asking."""

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
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
    return reverse("dashboard:roles", args=[slug]), "No, go back to the roles"


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
        said = "an invitation to choose a password" if invited.new_account else "an email"
        messages.success(
            request,
            f"{email} is now {roles.role_words(role)} of {program.name}; {said} is on its way.",
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
        messages.error(request, "Choose admin or coordinator.")
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
    if changed:
        messages.success(request, f"{name} is now {roles.role_words(to)} of {program.name}.")
    else:
        messages.info(request, f"{name} was {roles.role_words(to)} already: nothing changed.")
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
    messages.success(request, f"{roles.name_of(held.user)} no longer helps run {program.name}.")
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
