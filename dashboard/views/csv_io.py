"""CSV in (participant import, checked before it is applied: the program's admins)
and out (matches, suggestions: anyone who runs the program)."""

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext
from django.views.decorators.http import require_POST

from config.forms import confirmed, posted
from matching import exports

from .. import confirmations, cycle_choice, imports
from ..forms import (
    ConfirmImportForm,
    ImportForm,
)
from ..models import ImportJob
from .access import ADMIN, program_page
from .confirming import confirmation


@program_page(ADMIN)
def import_participants(request: HttpRequest, slug: str) -> HttpResponse:
    program = request.program
    form = ImportForm(posted(request), request.FILES or None)
    if request.method == "POST" and form.is_valid():
        job = imports.start(program=program, user=request.user, upload=form.cleaned_data["file"])
        return redirect("dashboard:import_job", slug=slug, job_id=job.pk)
    jobs = ImportJob.objects.filter(program=program).select_related("created_by")[:10]
    chosen = cycle_choice.choose(program, request.GET)
    context = {
        "program": program,
        "form": form,
        "jobs": jobs,
        "chosen": chosen,
        "cycle_form": chosen.form(),
    }
    return render(request, "dashboard/import.html", context)


def job_of(slug: str, job_id: int) -> ImportJob:
    return get_object_or_404(
        ImportJob.objects.select_related("program"), pk=job_id, program__slug=slug
    )


@program_page(ADMIN)
def import_job(request: HttpRequest, slug: str, job_id: int) -> HttpResponse:
    job = job_of(slug, job_id)
    template = "dashboard/_import_job.html" if request.htmx else "dashboard/import_job.html"
    response = render(
        request,
        template,
        {
            "program": job.program,
            "job": job,
            "confirm_form": ConfirmImportForm(),
            "report_days": imports.REPORT_KEPT_FOR.days,
            "people": job.report.get("people", [])[:200],
        },
    )
    if request.htmx and not job.is_working:
        response["HX-Refresh"] = "true"
    return response


@require_POST
@program_page(ADMIN)
def confirm_import(request: HttpRequest, slug: str, job_id: int) -> HttpResponse:
    """Asks first, saying whom the file creates and who is emailed; imports on
    the confirmed POST."""
    job = job_of(slug, job_id)
    form = ConfirmImportForm(request.POST)
    if not (form.is_valid() and imports.is_ready(job)):
        messages.error(request, gettext("Only a checked file without problems can be imported."))
        return redirect("dashboard:import_job", slug=slug, job_id=job_id)
    invite = form.cleaned_data["invite"]
    if not confirmed(request, form):
        back = (
            reverse("dashboard:import_job", args=[slug, job_id]),
            gettext("No, back to the checked file"),
        )
        action = reverse("dashboard:confirm_import", args=[slug, job_id])
        question = confirmations.import_job(job, invite)
        return confirmation(request, job.program, question, action=action, back=back)
    if imports.confirm(job=job, invite=invite, user=request.user):
        messages.success(request, gettext("Importing: this page shows the result when it is done."))
    else:
        messages.error(request, gettext("Only a checked file without problems can be imported."))
    return redirect("dashboard:import_job", slug=slug, job_id=job_id)


@require_POST
@program_page(ADMIN)
def discard_import(request: HttpRequest, slug: str, job_id: int) -> HttpResponse:
    if imports.discard(job=job_of(slug, job_id)):
        messages.success(
            request, gettext("Discarded: the file is deleted and nothing was imported.")
        )
    else:
        messages.error(request, gettext("This file can no longer be discarded."))
    return redirect("dashboard:import", slug=slug)


@program_page()
def export_page(request: HttpRequest, slug: str) -> HttpResponse:
    """The downloads on a page of their own, for a coordinator (who may not
    open the import page they share with it)."""
    program = request.program
    chosen = cycle_choice.choose(program, request.GET)
    context = {"program": program, "chosen": chosen, "cycle_form": chosen.form()}
    return render(request, "dashboard/exports.html", context)


@program_page()
def export(request: HttpRequest, slug: str, what: str) -> HttpResponse:
    """Matches or suggestions as CSV; background answers only with the permission.
    Matches are the chosen cycle's (cycle_choice.py); suggestions are the current
    lists, which only the pool of the cycles taking part has."""
    cycle = cycle_choice.choose(request.program, request.GET).cycle if what == "matches" else None
    return exports.csv_response(
        request.program,
        what,
        viewer=request.user,
        include_sensitive=request.GET.get("sensitive") == "1",
        cycle=cycle,
    )
