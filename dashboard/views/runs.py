"""Re-score and auto-assignment runs: start, follow, edit, commit or discard, compare.

Re-scoring, committing and discarding ask first (a page saying what will
happen, whose button sends ``confirm=yes``); a POST without it changes nothing.
"""

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext
from django.views.decorators.http import require_POST

from config.forms import confirmed
from matching import assigning, rescoring
from matching.models import AssignmentPair, MatchingRun
from mentorships.exceptions import Refused
from profiles.models import Profile

from .. import confirmations, cycle_choice, proposals
from ..forms import (
    AssignForm,
    CompareForm,
)
from .access import ADMIN, program_page
from .confirming import confirmation

PAIRS_PER_PAGE = 50


@require_POST
@program_page(ADMIN)
def rescore(request: HttpRequest, slug: str) -> HttpResponse:
    program = request.program
    if not confirmed(request):
        back = (reverse("dashboard:program", args=[slug]), gettext("No, go back to the dashboard"))
        action = reverse("dashboard:rescore", args=[slug])
        return confirmation(
            request, program, confirmations.rescore(program), action=action, back=back
        )
    run = rescoring.start_rescore(program=program, user=request.user)
    return redirect("dashboard:run", slug=slug, run_id=run.pk)


@require_POST
@program_page(ADMIN)
def assign(request: HttpRequest, slug: str) -> HttpResponse:
    form = AssignForm(request.POST)
    if not form.is_valid():
        messages.error(request, gettext("Choose an assignment policy."))
        return redirect("dashboard:program", slug=slug)
    run = assigning.start(
        program=request.program, policy=form.cleaned_data["policy"], user=request.user
    )
    return redirect("dashboard:run", slug=slug, run_id=run.pk)


def run_of(slug: str, run_id: int) -> MatchingRun:
    return get_object_or_404(
        MatchingRun.objects.select_related("program"), pk=run_id, program__slug=slug
    )


def pair_of(run: MatchingRun, pair_id: int) -> AssignmentPair:
    return get_object_or_404(AssignmentPair.objects.select_related("run"), pk=pair_id, run=run)


@program_page()
def run_detail(request: HttpRequest, slug: str, run_id: int) -> HttpResponse:
    return run_page(request, run_of(slug, run_id))


def run_page(request: HttpRequest, run: MatchingRun, status: int = 200) -> HttpResponse:
    context = {
        "program": run.program,
        "run": run,
        "committing": assigning.is_committing(run),
        "weights": rescoring.weights_in_words(run.weights),
        "result": proposals.result_in_words(run.summary)
        if run.kind == MatchingRun.Kind.SCORE
        else [],
    }
    if run.kind == MatchingRun.Kind.ASSIGN and run.status == MatchingRun.Status.SUCCEEDED:
        pairs = (
            AssignmentPair.objects.filter(run=run)
            .select_related("mentee__user", "mentor__user", "removed_by")
            .order_by("-score", "pk")
        )
        page = Paginator(pairs, PAIRS_PER_PAGE).get_page(request.GET.get("page"))
        proposals.ready_to_show(list(page), run=run, viewer=request.user)
        context |= {
            "page": page,
            "outlook": assigning.outlook(run),
            "policies": proposals.policy_rows(run.summary),
            "timed": proposals.timed(run.summary),
        }
    return render(request, "dashboard/run.html", context, status=status)


@program_page()
def run_progress(request: HttpRequest, slug: str, run_id: int) -> HttpResponse:
    """Polled by htmx while a run works; a finished run reloads the page."""
    run = run_of(slug, run_id)
    response = render(request, "dashboard/_progress.html", {"program": run.program, "run": run})
    if run.is_finished and request.htmx:
        response["HX-Refresh"] = "true"
    return response


@require_POST
@program_page(ADMIN)
def edit_pair(request: HttpRequest, slug: str, run_id: int, pair_id: int, remove: bool):
    """Remove a pair from a proposal, or put it back: the row and the counts
    change in place with htmx; without it, the page reloads on its message."""
    run = run_of(slug, run_id)
    pair = pair_of(run, pair_id)
    edit = assigning.remove_pair if remove else assigning.restore_pair
    try:
        pair = edit(pair=pair, user=request.user)
    except Refused as refused:
        return refusal(request, run, str(refused))
    if request.htmx:
        pair.removed_by = request.user if pair.removed_at else None
        proposals.ready_to_show([pair], run=run, viewer=request.user)
        context = {
            "program": run.program,
            "run": run,
            "p": pair,
            "outlook": assigning.outlook(run),
            "committing": False,
            "page_number": request.POST.get("page", ""),
        }
        return render(request, "dashboard/_pair_edited.html", context)
    names = {"mentee": pair.mentee.name, "mentor": pair.mentor.name}
    if remove:
        done = gettext("%(mentee)s and %(mentor)s removed from the proposal.")
    else:
        done = gettext("%(mentee)s and %(mentor)s put back into the proposal.")
    messages.success(request, done % names)
    url = reverse("dashboard:run", args=[slug, run_id])
    page = request.POST.get("page", "")
    return redirect(f"{url}?page={page}#pair-{pair.pk}" if page.isdigit() else url)


def refusal(request: HttpRequest, run: MatchingRun, why: str) -> HttpResponse:
    """409: the proposal can no longer change (committed, discarded, being committed)."""
    if request.htmx:
        reload = reverse("dashboard:run", args=[run.program.slug, run.pk])
        context = {"why": why, "reload": reload}
        response = render(request, "dashboard/_refusal.html", context, status=409)
        response["HX-Retarget"] = "#proposal-alert"
        response["HX-Reswap"] = "innerHTML"
        return response
    messages.error(request, why)
    return run_page(request, run, status=409)


def told(request: HttpRequest, run: MatchingRun, why: str) -> HttpResponse:
    """Back to the run, saying why nothing was done."""
    messages.error(request, why)
    return redirect("dashboard:run", slug=run.program.slug, run_id=run.pk)


def ask(request: HttpRequest, run: MatchingRun, question, url_name: str) -> HttpResponse:
    """Ask first about a proposal: yes posts to ``url_name``, no goes back to it."""
    action = reverse(url_name, args=[run.program.slug, run.pk])
    back = (
        reverse("dashboard:run", args=[run.program.slug, run.pk]),
        gettext("No, back to the proposal"),
    )
    return confirmation(request, run.program, question, action=action, back=back)


@require_POST
@program_page(ADMIN)
def commit(request: HttpRequest, slug: str, run_id: int) -> HttpResponse:
    run = run_of(slug, run_id)
    if why := assigning.commit_refusal(run):
        return told(request, run, why)
    if not confirmed(request):
        return ask(request, run, confirmations.commit(run), "dashboard:commit")
    try:
        assigning.request_commit(run=run, user=request.user)
    except Refused as refused:
        messages.error(request, str(refused))
        return redirect("dashboard:run", slug=slug, run_id=run_id)
    # Straight to where the commit's progress shows, not the top of a long page.
    return redirect(reverse("dashboard:run", args=[slug, run_id]) + "#commit-state")


@require_POST
@program_page(ADMIN)
def discard(request: HttpRequest, slug: str, run_id: int) -> HttpResponse:
    run = run_of(slug, run_id)
    if why := assigning.discard_refusal(run):
        return told(request, run, why)
    if not confirmed(request):
        return ask(request, run, confirmations.discard(run), "dashboard:discard")
    try:
        assigning.discard(run=run, user=request.user)
        messages.success(request, gettext("Proposal discarded; nothing was changed."))
    except Refused as refused:
        messages.error(request, str(refused))
    return redirect("dashboard:run", slug=slug, run_id=run_id)


@program_page()
def run_list(request: HttpRequest, slug: str) -> HttpResponse:
    program = request.program
    # Bound only when runs were chosen: the cycle chooser and the pager send other keys.
    asked = {"a", "b"} & request.GET.keys()
    form = CompareForm(request.GET if asked else None, program=program)
    comparison = form.is_valid() and rescoring.compare(
        form.cleaned_data["a"], form.cleaned_data["b"]
    )
    if comparison:
        ids = {i for row in comparison["moved_sample"] for i in row}
        names = dict(Profile.objects.filter(pk__in=ids).values_list("pk", "display_name"))
        comparison["moved_sample"] = [
            tuple(names.get(i, "—") for i in row) for row in comparison["moved_sample"]
        ]
    chosen = cycle_choice.choose(program, request.GET)
    runs = MatchingRun.objects.filter(program=program).select_related("created_by")
    if chosen.cycle is not None:
        runs = runs.filter(cycle=chosen.cycle)
    context = {
        "program": program,
        "page": Paginator(runs, 25).get_page(request.GET.get("page")),
        "form": form,
        "comparison": comparison,
        "chosen": chosen,
        "cycle_form": chosen.form(),
    }
    return render(request, "dashboard/runs.html", context)
