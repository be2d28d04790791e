"""Re-score and auto-assignment runs: start, follow, commit or discard, compare."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from matching import assigning, rescoring
from matching.models import AssignmentPair, MatchingRun
from mentorships.exceptions import Refused
from profiles.models import Profile

from ..forms import (
    AssignForm,
    CompareForm,
)
from .access import program_of, staff_required


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
