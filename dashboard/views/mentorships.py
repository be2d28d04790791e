"""A program's mentorships: found by search and filters, each read as a timeline, and
ended by an admin with a reason."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext
from django.views.decorators.http import require_POST

from config.forms import confirmed
from mentorships import lifecycle
from mentorships.exceptions import Refused
from mentorships.models import Mentorship
from profiles.models import Program, SensitiveAccess

from .. import cycle_choice, snapshots, timeline
from ..forms import AdminEndForm, MentorshipFilterForm
from .access import ADMIN, program_page

PER_PAGE = 50


def _exact(request: HttpRequest) -> bool:
    """Times to the minute only for admins who may read background answers: to
    everyone else, as in the exports, a day (docs/security.md, "Linkage")."""
    return SensitiveAccess.allowed(request.user, request.program)


@program_page()
def mentorship_list(request: HttpRequest, slug: str) -> HttpResponse:
    program = request.program
    chosen = cycle_choice.choose(program, request.GET)
    form = MentorshipFilterForm(request.GET)
    in_program = Mentorship.objects.filter(program=program)
    if chosen.cycle is not None:
        in_program = in_program.filter(cycle=chosen.cycle)
    found = form.filter(in_program)
    found = found.with_check_ins().select_related("mentee__user", "mentor__user")
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "program": program,
        "form": form,
        "page": Paginator(found, PER_PAGE).get_page(request.GET.get("page")),
        "query": query.urlencode(),
        "chosen": chosen,
        "cycle_form": chosen.form(),
    }
    return render(request, "dashboard/mentorship_list.html", context)


def _mentorship(program: Program, mentorship_id: int) -> Mentorship:
    related = ("mentee__user", "mentor__user", "created_by", "superseded_by__mentor")
    return get_object_or_404(
        # What the pair wrote in their workspace is theirs: its counts, never its words.
        Mentorship.objects.with_workspace_counts()
        .with_sponsorship_counts()
        .select_related(*related),
        pk=mentorship_id,
        program=program,
    )


@program_page()
def mentorship(request: HttpRequest, slug: str, mentorship_id: int) -> HttpResponse:
    program = request.program
    m = _mentorship(program, mentorship_id)
    context = {
        "program": program,
        "m": m,
        "events": timeline.timeline(m),
        "exact": _exact(request),
    }
    return render(request, "dashboard/mentorship_detail.html", context)


@require_POST
@program_page(ADMIN)
def end(request: HttpRequest, slug: str, mentorship_id: int) -> HttpResponse:
    """Ending asks first, with the reason required; the confirmed POST ends it."""
    program = request.program
    m = _mentorship(program, mentorship_id)
    if not m.is_paired:
        state = m.get_status_display().lower()
        messages.error(
            request,
            gettext("This mentorship is not under way: it is %(state)s.") % {"state": state},
        )
        return redirect("dashboard:mentorship", slug=slug, mentorship_id=m.pk)
    asked = request.POST.get("confirm") == "yes"
    form = AdminEndForm(request.POST if asked else None)
    if not confirmed(request, form):
        return render(
            request, "dashboard/mentorship_end.html", {"program": program, "m": m, "form": form}
        )
    try:
        lifecycle.end_by_admin(mentorship=m, by=request.user, reason=form.cleaned_data["reason"])
    except Refused as refused:
        messages.error(request, str(refused))
    else:
        snapshots.changed(program)
        messages.success(
            request,
            gettext(
                "The mentorship of %(mentee)s with %(mentor)s has ended. Both were told: "
                "%(mentee)s is back among the suggestions, and %(mentor)s has a place free."
            )
            % {"mentee": m.mentee.name, "mentor": m.mentor.name},
        )
    return redirect("dashboard:mentorship", slug=slug, mentorship_id=m.pk)
