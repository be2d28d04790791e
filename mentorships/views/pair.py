"""A mentorship's own page and what its two sides do there."""

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.formats import date_format
from django.utils.translation import gettext
from django.views.decorators.http import require_POST

from config.forms import confirmed, posted

from .. import lifecycle, pages, terms
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
        gettext("Thanks for checking in."),
        lambda data: lifecycle.check_in(
            mentorship=m, author=me, rating=data["rating"], note=data["note"]
        ),
    )
    return redirect(m)


@require_POST
def mark_met(request: HttpRequest, mentorship_id: int) -> HttpResponse:
    m, _ = own_mentorship(request, mentorship_id)
    act(request, None, gettext("Marked as under way."), lambda _: lifecycle.mark_met(mentorship=m))
    return redirect(m)


def end(request: HttpRequest, mentorship_id: int) -> HttpResponse:
    """Ending asks first: the form and what ending does, then the confirmed POST."""
    m, me = own_mentorship(request, mentorship_id)
    if not m.is_paired:
        return _gone(request, m, gettext("This mentorship is not under way."))
    form = EndForm(posted(request), auto_id="end-%s")
    if not confirmed(request, form):
        return _confirm(request, m, me, "end", form)
    act(
        request,
        form,
        gettext("The mentorship has ended. Thank you for the time you gave it."),
        lambda data: lifecycle.end(mentorship=m, by=me, reason=data["reason"], note=data["note"]),
    )
    return redirect(m)


def turn_down(request: HttpRequest, mentorship_id: int) -> HttpResponse:
    """ "This doesn't work for me", about a match the program made: asks first too."""
    m, me = own_mentorship(request, mentorship_id)
    if not m.can_be_turned_down:
        return _gone(
            request,
            m,
            gettext("Only a match made for you that is still under way can be turned down."),
        )
    form = TurnDownForm(posted(request), auto_id="turn-down-%s")
    if not confirmed(request, form):
        return _confirm(request, m, me, "turn_down", form)
    act(
        request,
        form,
        gettext("The mentorship has ended and you are both back among the suggestions."),
        lambda data: lifecycle.turn_down_match(mentorship=m, by=me, reason=data["reason"]),
    )
    return redirect(m)


def keep_going(request: HttpRequest, mentorship_id: int) -> HttpResponse:
    """ "Keep going after the term", at a cycle's end: asks first."""
    return _term_choice(request, mentorship_id, "keep_going")


def take_back(request: HttpRequest, mentorship_id: int) -> HttpResponse:
    """Taking back the choice to keep going, before the day it closes: asks first."""
    return _term_choice(request, mentorship_id, "take_back")


def _term_choice(request: HttpRequest, mentorship_id: int, action: str) -> HttpResponse:
    m, me = own_mentorship(request, mentorship_id)
    if why := terms.why_not_choose(m):
        return _gone(request, m, why)
    if not confirmed(request):
        context = pages.term_confirmation(m, me, action)
        return render(request, "mentorships/term_confirm.html", context)
    choose = getattr(terms, action)
    act(request, None, _chosen(m, me, action), lambda _: choose(mentorship=m, by=me))
    return redirect(m.get_absolute_url() + "#term")


def _chosen(m: Mentorship, me, action: str) -> str:
    closing = {"date": date_format(m.closing_on, "DATE_FORMAT")}
    if action == "take_back":
        return gettext("You took back your choice: your mentorship closes on %(date)s.") % closing
    theirs = m.mentor_extends_at if m.side_of(me) == "mentee" else m.mentee_extends_at
    if theirs is not None:
        return gettext("You both chose to keep going: your mentorship goes on after the term.")
    return (
        gettext("You chose to keep going. Unless you both do, your mentorship closes on %(date)s.")
        % closing
    )


def _gone(request: HttpRequest, m: Mentorship, why: str) -> HttpResponse:
    messages.error(request, why)
    return redirect(m)


def _confirm(request: HttpRequest, m: Mentorship, me, action: str, form) -> HttpResponse:
    context = {**pages.confirmation(m, me, action), "form": form}
    return render(request, "mentorships/mentorship_confirm.html", context)
