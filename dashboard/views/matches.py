"""An admin pairs people by hand, or ends a pairing so the mentee is matched again."""

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from config.forms import posted
from matching import suggestions
from matching.models import Suggestion
from mentorships import lifecycle
from mentorships.exceptions import ReasonNeeded, Refused
from mentorships.models import Mentorship
from profiles.models import Profile

from .. import snapshots
from ..forms import (
    ManualMatchForm,
)
from .access import program_of, staff_required


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
