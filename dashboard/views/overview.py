"""The programs list, a program's dashboard, fairness figures and settings."""

import re

from django.contrib import messages
from django.db import transaction
from django.db.models import Count, OuterRef, Q, Subquery
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.translation import gettext
from django.views.decorators.http import require_POST

from config.forms import posted
from matching.models import MatchingRun
from profiles import access
from profiles.models import AuditEntry, Program, ProgramRole, SensitiveAccess

from .. import releases, snapshots
from ..fairness import lay_out
from ..forms import (
    AssignForm,
    DigestChoiceForm,
    ProgramSettingsForm,
)
from ..models import DigestChoice
from .access import ADMIN, admin_area, program_page

# Where each page of figures is shown (the URLs allow these names only).
SHOWN_AT = {"health": "dashboard:program", "fairness": "dashboard:fairness"}


@admin_area
def programs(request: HttpRequest) -> HttpResponse:
    """The programs the person helps run (every one for a superuser), with their role in each."""
    held = ProgramRole.objects.filter(program=OuterRef("pk"), user=request.user)
    listed = access.programs_for(request.user).annotate(
        mentors=Count("profiles", filter=Q(profiles__role="mentor")),
        mentees=Count("profiles", filter=Q(profiles__role="mentee")),
        held=Subquery(held.values("role")[:1]),
    )
    context = {"programs": listed, "superuser": request.user.is_superuser}
    return render(request, "dashboard/programs.html", context)


@admin_area
def digest_choice(request: HttpRequest) -> HttpResponse:
    """An admin turns their weekly digest off, or on again."""
    choice = DigestChoice.objects.filter(user=request.user).first() or DigestChoice(
        user=request.user
    )
    form = DigestChoiceForm(posted(request), instance=choice)
    if request.method == "POST" and form.is_valid():
        form.save()
        if choice.weekly:
            messages.success(request, gettext("You will get the weekly digest."))
        else:
            messages.success(request, gettext("You will no longer get the weekly digest."))
        return redirect("dashboard:digest")
    return render(request, "dashboard/digest_choice.html", {"form": form})


@program_page()
def dashboard(request: HttpRequest, slug: str) -> HttpResponse:
    program = request.program
    shown = snapshots.current(program, "health")
    context = {
        "program": program,
        "shown": shown,
        "health": shown.snapshot.figures if shown.snapshot else None,
        "runs": MatchingRun.objects.filter(program=program)[:5],
        "assign_form": AssignForm(),
    }
    return render(request, "dashboard/dashboard.html", context)


@program_page()
def fairness(request: HttpRequest, slug: str) -> HttpResponse:
    """Exact figures, live and on the record, for an admin allowed to read
    background answers; the latest release for anyone else (releases.py)."""
    program = request.program
    shown = snapshots.current(program, "fairness")  # the worker makes releases from these
    if SensitiveAccess.allowed(request.user, program):
        SensitiveAccess.record(
            viewer=request.user, program=program, what=f"exact fairness figures, {slug}"
        )
        figures = shown.snapshot.figures if shown.snapshot else {}
        context = {"program": program, "shown": shown, "exact": True, **figures}
    else:
        release = releases.latest(program)
        context = {
            "program": program,
            "release": release,
            "next_release": releases.next_release(release),
            **(release.figures if release else {}),
        }
    everyone = context.get("everyone") or {}
    context["layout"] = lay_out(context.get("groups", []), everyone, exact="exact" in context)
    return render(request, "dashboard/fairness.html", context)


@require_POST
@program_page()
def refresh_figures(request: HttpRequest, slug: str, page: str) -> HttpResponse:
    """Have the page's figures worked out again now, rather than within the minute."""
    snapshots.changed(request.program)
    return redirect(SHOWN_AT[page], slug=slug)


@program_page()
def figures_state(request: HttpRequest, slug: str, page: str, version: str) -> HttpResponse:
    """Polled by htmx while a page's figures are updating: the page reloads
    when newer figures are kept, hears nothing (204) while they are still
    being worked out, and is told if the worker gave up on them."""
    program = request.program
    if snapshots.is_newer(program, page, int(version)):
        response = HttpResponse(status=204)
        response["HX-Refresh"] = "true"
        return response
    if snapshots.is_asked_for(program, page):
        return HttpResponse(status=204)
    shown = snapshots.Shown(snapshots.kept(program, page), updating=False)
    context = {"program": program, "page": page, "shown": shown, "gave_up": True}
    return render(request, "dashboard/_figures_age.html", context)


def record_settings(program: Program, user, form: ProgramSettingsForm) -> None:
    """On the audit log: which settings changed (their names, not their values)."""
    if not form.changed_data:
        return
    # "Minimum score to suggest (0–100)" → "minimum score to suggest"
    # The audit log is written in English: stored once, read by anyone.
    with translation.override("en"):
        names = [re.sub(r" \(.*\)$", "", str(form.fields[f].label)) for f in form.changed_data]
    AuditEntry.record(
        program=program,
        actor=user,
        action=AuditEntry.Action.SETTINGS,
        summary="Settings changed: " + ", ".join(n[:1].lower() + n[1:] for n in names) + ".",
        details={"fields": form.changed_data},
    )


@program_page(ADMIN)
def program_settings(request: HttpRequest, slug: str) -> HttpResponse:
    program = request.program
    form = ProgramSettingsForm(posted(request), instance=program)
    saved = False
    if request.method == "POST":
        if form.is_valid():
            with transaction.atomic():
                form.save()
                record_settings(program, request.user, form)
            saved = True
            messages.success(
                request, gettext("Settings saved. Re-score to apply them to every list.")
            )
        else:
            messages.error(
                request, gettext("Please correct the problems below; nothing was saved.")
            )
    return render(
        request, "dashboard/settings.html", {"program": program, "form": form, "saved": saved}
    )
