"""A mentorship's own page and what its two sides do there."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from . import lifecycle, pages
from .actions import act
from .forms import CheckInForm, EndForm
from .models import Mentorship


def own_mentorship(request: HttpRequest, mentorship_id: int):
    """A mentorship and the signed-in person's side of it; 404 for anyone else."""
    m = get_object_or_404(
        Mentorship.objects.of_user(request.user).select_related(
            "mentee__user", "mentor__user", "program"
        ),
        pk=mentorship_id,
    )
    return m, m.profile_of(request.user)


def detail(request: HttpRequest, mentorship_id: int) -> HttpResponse:
    m, me = own_mentorship(request, mentorship_id)
    return render(request, "mentorships/mentorship_detail.html", pages.mentorship_page(m, me))


@require_POST
def check_in(request: HttpRequest, mentorship_id: int) -> HttpResponse:
    m, me = own_mentorship(request, mentorship_id)
    act(
        request,
        CheckInForm(request.POST),
        "Thanks for checking in.",
        lambda data: lifecycle.check_in(
            mentorship=m, author=me, rating=data["rating"], note=data["note"]
        ),
    )
    return redirect(m)


@require_POST
def mark_met(request: HttpRequest, mentorship_id: int) -> HttpResponse:
    m, _ = own_mentorship(request, mentorship_id)
    act(request, None, "Marked as under way.", lambda _: lifecycle.mark_met(mentorship=m))
    return redirect(m)


@require_POST
def end(request: HttpRequest, mentorship_id: int) -> HttpResponse:
    m, me = own_mentorship(request, mentorship_id)
    act(
        request,
        EndForm(request.POST),
        "The mentorship has ended. Thank you for the time you gave it.",
        lambda data: lifecycle.end(mentorship=m, by=me, reason=data["reason"], note=data["note"]),
    )
    return redirect(m)
