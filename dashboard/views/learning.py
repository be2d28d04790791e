"""Learned weights: learn from outcomes, read a proposal and its preview, and
(a program's admins only) approve it, which re-scores the program, or discard it.
Approving and discarding ask first, as the other bulk actions do."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext
from django.views.decorators.http import require_POST

from config.forms import confirmed
from matching import approving, learned, learned_preview
from matching.models import WeightProposal
from mentorships.exceptions import Refused

from .. import confirmations, learning
from ..forms import LearnForm
from .access import ADMIN, program_page
from .confirming import confirmation


def proposal_of(request: HttpRequest, proposal_id: int) -> WeightProposal:
    return get_object_or_404(
        WeightProposal.objects.select_related("program", "cycle", "created_by", "decided_by"),
        pk=proposal_id,
        program=request.program,
    )


@program_page()
def learned_weights(request: HttpRequest, slug: str) -> HttpResponse:
    program = request.program
    proposals = WeightProposal.objects.filter(program=program).select_related("cycle", "created_by")
    context = {
        "program": program,
        "page": Paginator(proposals, 25).get_page(request.GET.get("page")),
        "form": LearnForm(program=program),
        "learning": learned_preview.is_learning(program),
    }
    return render(request, "dashboard/learned_weights.html", context)


@require_POST
@program_page(ADMIN)
def learn(request: HttpRequest, slug: str) -> HttpResponse:
    form = LearnForm(request.POST, program=request.program)
    if not form.is_valid():
        messages.error(
            request, gettext("Choose the outcomes to learn from: all cycles, or one of them.")
        )
        return redirect("dashboard:learned_weights", slug=slug)
    if learned_preview.start_learning(
        program=request.program, cycle=form.cleaned_data["cycle"], by=request.user
    ):
        messages.success(
            request,
            gettext(
                "Learning from outcomes: the proposal appears below in a moment, then what it "
                "would change."
            ),
        )
    else:
        messages.info(
            request, gettext("Already learning from this program's outcomes: wait a moment.")
        )
    return redirect("dashboard:learned_weights", slug=slug)


@program_page()
def proposal_detail(request: HttpRequest, slug: str, proposal_id: int) -> HttpResponse:
    proposal = proposal_of(request, proposal_id)
    context = {
        "program": request.program,
        "proposal": proposal,
        "rows": learning.weight_rows(proposal),
        "sample": learning.sample_in_words(proposal),
        "too_few": learned.describe_too_few(proposal)
        if proposal.status == WeightProposal.Status.TOO_FEW
        else "",
        "level": learning.level(proposal),
        "working": learned_preview.is_working(proposal),
        "lost": learned_preview.is_lost(proposal),
        "seen": learning.preview(proposal),
        "groups": learning.by_group(proposal, request.user),
        "refusal": approving.approve_refusal(proposal, request.program),
        "min_group": learning.MIN_GROUP,
    }
    return render(request, "dashboard/weight_proposal.html", context)


def told(request: HttpRequest, proposal: WeightProposal, why: str) -> HttpResponse:
    """Back to the proposal, saying why nothing was done."""
    messages.error(request, why)
    slug = proposal.program.slug
    return redirect("dashboard:weight_proposal", slug=slug, proposal_id=proposal.pk)


def ask(request: HttpRequest, proposal: WeightProposal, question, url_name: str) -> HttpResponse:
    slug = proposal.program.slug
    action = reverse(url_name, args=[slug, proposal.pk])
    back = (
        reverse("dashboard:weight_proposal", args=[slug, proposal.pk]),
        gettext("No, back to the proposal"),
    )
    return confirmation(request, proposal.program, question, action=action, back=back)


@require_POST
@program_page(ADMIN)
def approve(request: HttpRequest, slug: str, proposal_id: int) -> HttpResponse:
    proposal = proposal_of(request, proposal_id)
    if why := approving.approve_refusal(proposal, request.program):
        return told(request, proposal, why)
    if not confirmed(request):
        question = confirmations.approve_weights(proposal, learning.preview(proposal))
        return ask(request, proposal, question, "dashboard:approve_weights")
    try:
        run = approving.approve(proposal=proposal, user=request.user)
    except Refused as refused:
        return told(request, proposal, str(refused))
    messages.success(
        request,
        gettext("Learned weights approved: the program is being re-scored with them (#%(run)s).")
        % {"run": run.pk},
    )
    return redirect("dashboard:run", slug=slug, run_id=run.pk)


@require_POST
@program_page(ADMIN)
def discard(request: HttpRequest, slug: str, proposal_id: int) -> HttpResponse:
    proposal = proposal_of(request, proposal_id)
    if why := approving.decided_refusal(proposal, "discard"):
        return told(request, proposal, why)
    if not confirmed(request):
        question = confirmations.discard_weights(proposal)
        return ask(request, proposal, question, "dashboard:discard_weights")
    try:
        approving.discard(proposal=proposal, user=request.user)
    except Refused as refused:
        return told(request, proposal, str(refused))
    messages.success(request, gettext("Proposal discarded; the weights stay as they were."))
    return redirect("dashboard:weight_proposal", slug=slug, proposal_id=proposal.pk)


@require_POST
@program_page(ADMIN)
def preview_again(request: HttpRequest, slug: str, proposal_id: int) -> HttpResponse:
    """Queue a lost preview again (the first to finish is kept)."""
    proposal = proposal_of(request, proposal_id)
    if learned_preview.is_lost(proposal):
        learned_preview.start(proposal=proposal)
        messages.success(request, gettext("Working out the preview again."))
    return redirect("dashboard:weight_proposal", slug=slug, proposal_id=proposal.pk)
