"""The program admin's pages. Staff only: anyone else signed in gets 403."""

from functools import wraps

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from config.forms import posted
from matching import assigning, exports, rescoring, suggestions
from matching.models import AssignmentPair, MatchingRun, Suggestion
from mentorships import lifecycle
from mentorships.exceptions import ReasonNeeded, Refused
from mentorships.models import Mentorship
from profiles.models import Profile, Program, SensitiveAccess

from . import imports, releases, snapshots
from .forms import (
    AssignForm,
    CompareForm,
    ConfirmImportForm,
    DigestChoiceForm,
    ImportForm,
    ManualMatchForm,
    ProgramSettingsForm,
)
from .models import DigestChoice, ImportJob

# Where each page of figures is shown (the URLs allow these names only).
SHOWN_AT = {"health": "dashboard:program", "fairness": "dashboard:fairness"}


def staff_required(view):
    @wraps(view)
    def wrapped(request: HttpRequest, *args, **kwargs):
        if not request.user.is_staff:
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapped


def program_of(slug: str) -> Program:
    return get_object_or_404(Program, slug=slug)


@staff_required
def programs(request: HttpRequest) -> HttpResponse:
    listed = Program.objects.annotate(
        mentors=Count("profiles", filter=Q(profiles__role="mentor")),
        mentees=Count("profiles", filter=Q(profiles__role="mentee")),
    )
    return render(request, "dashboard/programs.html", {"programs": listed})


@staff_required
def digest_choice(request: HttpRequest) -> HttpResponse:
    """An admin turns their weekly digest off, or on again."""
    choice = DigestChoice.objects.filter(user=request.user).first() or DigestChoice(
        user=request.user
    )
    form = DigestChoiceForm(posted(request), instance=choice)
    if request.method == "POST" and form.is_valid():
        form.save()
        said = "You will get" if choice.weekly else "You will no longer get"
        messages.success(request, f"{said} the weekly digest.")
        return redirect("dashboard:digest")
    return render(request, "dashboard/digest_choice.html", {"form": form})


@staff_required
def dashboard(request: HttpRequest, slug: str) -> HttpResponse:
    program = program_of(slug)
    shown = snapshots.current(program, "health")
    context = {
        "program": program,
        "shown": shown,
        "health": shown.snapshot.figures if shown.snapshot else None,
        "runs": MatchingRun.objects.filter(program=program)[:5],
        "assign_form": AssignForm(),
    }
    return render(request, "dashboard/dashboard.html", context)


@staff_required
def fairness(request: HttpRequest, slug: str) -> HttpResponse:
    """Exact figures, live and on the record, for an admin allowed to read
    background answers; the latest release for anyone else (releases.py)."""
    program = program_of(slug)
    shown = snapshots.current(program, "fairness")  # the worker makes releases from these
    if request.user.has_perm(SensitiveAccess.PERMISSION):
        SensitiveAccess.record(viewer=request.user, what=f"exact fairness figures, {slug}")
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
    return render(request, "dashboard/fairness.html", context)


@require_POST
@staff_required
def refresh_figures(request: HttpRequest, slug: str, page: str) -> HttpResponse:
    """Have the page's figures worked out again now, rather than within the minute."""
    snapshots.changed(program_of(slug))
    return redirect(SHOWN_AT[page], slug=slug)


@staff_required
def figures_state(request: HttpRequest, slug: str, page: str, version: str) -> HttpResponse:
    """Polled by htmx while a page's figures are updating: the page reloads
    when newer figures are kept, hears nothing (204) while they are still
    being worked out, and is told if the worker gave up on them."""
    program = program_of(slug)
    if snapshots.is_newer(program, page, int(version)):
        response = HttpResponse(status=204)
        response["HX-Refresh"] = "true"
        return response
    if snapshots.is_asked_for(program, page):
        return HttpResponse(status=204)
    shown = snapshots.Shown(snapshots.kept(program, page), updating=False)
    context = {"program": program, "page": page, "shown": shown, "gave_up": True}
    return render(request, "dashboard/_figures_age.html", context)


@staff_required
def program_settings(request: HttpRequest, slug: str) -> HttpResponse:
    program = program_of(slug)
    form = ProgramSettingsForm(posted(request), instance=program)
    saved = False
    if request.method == "POST":
        if form.is_valid():
            form.save()
            saved = True
            messages.success(request, "Settings saved. Re-score to apply them to every list.")
        else:
            messages.error(request, "Please correct the problems below; nothing was saved.")
    return render(
        request, "dashboard/settings.html", {"program": program, "form": form, "saved": saved}
    )


@require_POST
@staff_required
def rescore(request: HttpRequest, slug: str) -> HttpResponse:
    run = rescoring.start_rescore(program=program_of(slug), user=request.user)
    return redirect("dashboard:run", slug=slug, run_id=run.pk)


@require_POST
@staff_required
def assign(request: HttpRequest, slug: str) -> HttpResponse:
    form = AssignForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choose an assignment policy.")
        return redirect("dashboard:program", slug=slug)
    run = assigning.start(
        program=program_of(slug), policy=form.cleaned_data["policy"], user=request.user
    )
    return redirect("dashboard:run", slug=slug, run_id=run.pk)


def run_of(slug: str, run_id: int) -> MatchingRun:
    return get_object_or_404(
        MatchingRun.objects.select_related("program"), pk=run_id, program__slug=slug
    )


@staff_required
def run_detail(request: HttpRequest, slug: str, run_id: int) -> HttpResponse:
    run = run_of(slug, run_id)
    context = {"program": run.program, "run": run, "committing": assigning.is_committing(run)}
    if run.kind == MatchingRun.Kind.ASSIGN and run.status == MatchingRun.Status.SUCCEEDED:
        pairs = (
            AssignmentPair.objects.filter(run=run)
            .select_related("mentee", "mentor")
            .order_by("-score", "pk")
        )
        context["page"] = Paginator(pairs, 50).get_page(request.GET.get("page"))
        context["policies"] = ["optimal", "balanced", "stable", "greedy"]
    return render(request, "dashboard/run.html", context)


@staff_required
def run_progress(request: HttpRequest, slug: str, run_id: int) -> HttpResponse:
    """Polled by htmx while a run works; a finished run reloads the page."""
    run = run_of(slug, run_id)
    response = render(request, "dashboard/_progress.html", {"program": run.program, "run": run})
    if run.is_finished and request.htmx:
        response["HX-Refresh"] = "true"
    return response


@require_POST
@staff_required
def commit(request: HttpRequest, slug: str, run_id: int) -> HttpResponse:
    run = run_of(slug, run_id)
    try:
        assigning.request_commit(run=run, user=request.user)
    except Refused as refused:
        messages.error(request, str(refused))
    return redirect("dashboard:run", slug=slug, run_id=run_id)


@require_POST
@staff_required
def discard(request: HttpRequest, slug: str, run_id: int) -> HttpResponse:
    try:
        assigning.discard(run=run_of(slug, run_id))
        messages.success(request, "Proposal discarded; nothing was changed.")
    except Refused as refused:
        messages.error(request, str(refused))
    return redirect("dashboard:run", slug=slug, run_id=run_id)


@staff_required
def run_list(request: HttpRequest, slug: str) -> HttpResponse:
    program = program_of(slug)
    form = CompareForm(request.GET or None, program=program)
    comparison = form.is_valid() and rescoring.compare(
        form.cleaned_data["a"], form.cleaned_data["b"]
    )
    if comparison:
        ids = {i for row in comparison["moved_sample"] for i in row}
        names = dict(Profile.objects.filter(pk__in=ids).values_list("pk", "display_name"))
        comparison["moved_sample"] = [
            tuple(names.get(i, "—") for i in row) for row in comparison["moved_sample"]
        ]
    page = Paginator(MatchingRun.objects.filter(program=program).select_related("created_by"), 25)
    context = {
        "program": program,
        "page": page.get_page(request.GET.get("page")),
        "form": form,
        "comparison": comparison,
    }
    return render(request, "dashboard/runs.html", context)


@staff_required
def manual_match(request: HttpRequest, slug: str, mentee_id: int) -> HttpResponse:
    program = program_of(slug)
    mentee = get_object_or_404(Profile, pk=mentee_id, program=program, role="mentee")
    suggested = dict(
        Suggestion.objects.for_mentee(mentee).listed().values_list("mentor_id", "score")
    )
    mentors = Profile.objects.filter(program=program, role="mentor", is_ready=True).order_by(
        "display_name"
    )
    labels = {pk: f"suggested · {score:.0f}/100" for pk, score in suggested.items()}
    labels = {m.pk: f"{m.name} ({labels[m.pk]})" if m.pk in labels else m.name for m in mentors}
    form = ManualMatchForm(posted(request), mentors=mentors, labels=labels)
    if request.method == "POST" and form.is_valid():
        mentor = form.cleaned_data["mentor"]
        try:
            lifecycle.match_by_admin(
                mentee=mentee,
                mentor=mentor,
                by=request.user,
                score=suggestions.score_of(mentee=mentee, mentor=mentor),
                reason=form.cleaned_data["override_reason"],
            )
        except ReasonNeeded as needed:
            form.add_error("override_reason", str(needed))
        except Refused as refused:
            form.add_error("mentor", str(refused))
        else:
            snapshots.changed(program)
            messages.success(
                request, f"{mentee.name} is now mentored by {mentor.name}; both were told."
            )
            return redirect("dashboard:program", slug=slug)
    context = {"program": program, "mentee": mentee, "form": form, "suggested": suggested}
    return render(request, "dashboard/manual_match.html", context)


@require_POST
@staff_required
def rematch(request: HttpRequest, slug: str, mentorship_id: int) -> HttpResponse:
    m = get_object_or_404(Mentorship, pk=mentorship_id, program__slug=slug)
    try:
        lifecycle.rematch(mentorship=m, by=request.user)
        snapshots.changed(m.program)
        messages.success(
            request, f"Ended; {m.mentee.name} is back in the pool with fresh suggestions."
        )
    except Refused as refused:
        messages.error(request, str(refused))
    return redirect("dashboard:program", slug=slug)


# --- CSV in and out -----------------------------------------------------------------


@staff_required
def import_participants(request: HttpRequest, slug: str) -> HttpResponse:
    program = program_of(slug)
    form = ImportForm(posted(request), request.FILES or None)
    if request.method == "POST" and form.is_valid():
        job = imports.start(program=program, user=request.user, upload=form.cleaned_data["file"])
        return redirect("dashboard:import_job", slug=slug, job_id=job.pk)
    jobs = ImportJob.objects.filter(program=program).select_related("created_by")[:10]
    return render(
        request, "dashboard/import.html", {"program": program, "form": form, "jobs": jobs}
    )


def job_of(slug: str, job_id: int) -> ImportJob:
    return get_object_or_404(
        ImportJob.objects.select_related("program"), pk=job_id, program__slug=slug
    )


@staff_required
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
@staff_required
def confirm_import(request: HttpRequest, slug: str, job_id: int) -> HttpResponse:
    job = job_of(slug, job_id)
    form = ConfirmImportForm(request.POST)
    if not (form.is_valid() and imports.confirm(job=job, invite=form.cleaned_data["invite"])):
        messages.error(request, "Only a checked file without problems can be imported.")
    return redirect("dashboard:import_job", slug=slug, job_id=job_id)


@require_POST
@staff_required
def discard_import(request: HttpRequest, slug: str, job_id: int) -> HttpResponse:
    if imports.discard(job=job_of(slug, job_id)):
        messages.success(request, "Discarded: the file is deleted and nothing was imported.")
    else:
        messages.error(request, "This file can no longer be discarded.")
    return redirect("dashboard:import", slug=slug)


@staff_required
def export(request: HttpRequest, slug: str, what: str) -> HttpResponse:
    """Matches or suggestions as CSV; background answers only with the permission."""
    return exports.csv_response(
        program_of(slug),
        what,
        viewer=request.user,
        include_sensitive=request.GET.get("sensitive") == "1",
    )
