"""A mentorship's own page and what its two sides do there."""

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from config.forms import confirmed, posted

from .. import lifecycle, pages
from ..actions import act
from ..forms import CheckInForm, EndForm, TurnDownForm
from ..models import Mentorship
from .access import own_mentorship


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


def end(request: HttpRequest, mentorship_id: int) -> HttpResponse:
    """Ending asks first: the form and what ending does, then the confirmed POST."""
    m, me = own_mentorship(request, mentorship_id)
    if not m.is_paired:
        return _gone(request, m, "This mentorship is not under way.")
    form = EndForm(posted(request), auto_id="end-%s")
    if not confirmed(request, form):
        return _confirm(request, m, me, "end", form)
    act(
        request,
        form,
        "The mentorship has ended. Thank you for the time you gave it.",
        lambda data: lifecycle.end(mentorship=m, by=me, reason=data["reason"], note=data["note"]),
    )
    return redirect(m)


def turn_down(request: HttpRequest, mentorship_id: int) -> HttpResponse:
    """ "This doesn't work for me", about a match the program made: asks first too."""
    m, me = own_mentorship(request, mentorship_id)
    if not m.can_be_turned_down:
        return _gone(
            request, m, "Only a match made for you that is still under way can be turned down."
        )
    form = TurnDownForm(posted(request), auto_id="turn-down-%s")
    if not confirmed(request, form):
        return _confirm(request, m, me, "turn_down", form)
    act(
        request,
        form,
        "The mentorship has ended and you are both back among the suggestions.",
        lambda data: lifecycle.turn_down_match(mentorship=m, by=me, reason=data["reason"]),
    )
    return redirect(m)


def _gone(request: HttpRequest, m: Mentorship, why: str) -> HttpResponse:
    messages.error(request, why)
    return redirect(m)


def _confirm(request: HttpRequest, m: Mentorship, me, action: str, form) -> HttpResponse:
    context = {**pages.confirmation(m, me, action), "form": form}
    return render(request, "mentorships/mentorship_confirm.html", context)
