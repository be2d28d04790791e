"""The agreement: the mentee writes and proposes it, the mentor confirms it or
suggests changes, the mentee rates progress on its goals; its own page keeps every
version. Each action is a service of ``agreements``; a refusal becomes a message."""

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext
from django.views.decorators.http import require_POST

from config.forms import confirmed, posted

from .. import agreement_page, agreements
from ..actions import act
from ..forms import AgreementForm, GoalDoneForm, GoalRatingForm, SuggestChangesForm
from ..models import Mentorship
from .access import own_mentorship


def _back(m: Mentorship) -> HttpResponse:
    return redirect(f"{m.get_absolute_url()}#agreement")


def detail(request: HttpRequest, mentorship_id: int) -> HttpResponse:
    """The agreement in force and every version proposed, with the mentor's answers."""
    m, me = own_mentorship(request, mentorship_id)
    other = m.other_side(me)
    context = {
        "m": m,
        "me": me,
        "other_name": other.name if other else gettext("a member who has left Kindred"),
        "agreement": agreement_page.view(m, me),
    }
    return render(request, "mentorships/agreement_detail.html", context)


def write(request: HttpRequest, mentorship_id: int) -> HttpResponse:
    """The mentee's form: saved as a draft, or proposed to the mentor."""
    m, me = own_mentorship(request, mentorship_id)
    if refusal := agreement_page.refusal_to_write(m, me):
        messages.error(request, refusal)
        return _back(m)
    form = AgreementForm(
        posted(request), mentee=me, initial=agreement_page.initial_terms(m, list(me.goals.all()))
    )
    if request.method == "POST" and form.is_valid():
        proposing = request.POST.get("action") == "propose"
        service = agreements.propose if proposing else agreements.save_draft
        if act(
            request,
            None,
            gettext("Proposed to %(mentor)s: they are emailed to confirm it or suggest changes.")
            % {"mentor": m.mentor.name}
            if proposing
            else gettext("Draft saved. Only you can see it until you propose it."),
            lambda _: service(mentorship=m, by=me, terms=form.terms),
        ):
            return _back(m)
    elif request.method == "POST":
        messages.error(request, gettext("Please check the form: each problem is marked below."))
    context = {"m": m, "me": me, "form": form, "agreement": agreement_page.view(m, me)}
    return render(request, "mentorships/agreement_form.html", context)


def _step(request: HttpRequest, mentorship_id: int, form, done: str, step) -> HttpResponse:
    """One step of the agreement, ``step(m, me, data)``, said in words either way."""
    m, me = own_mentorship(request, mentorship_id)
    act(request, form, done, lambda data: step(m, me, data))
    return _back(m)


@require_POST
def discard(request: HttpRequest, mentorship_id: int) -> HttpResponse:
    """Asks first (a POST without ``confirm=yes`` shows what will go)."""
    if not confirmed(request):
        m, me = own_mentorship(request, mentorship_id)
        context = {"m": m, "me": me, "agreement": agreement_page.view(m, me)}
        return render(request, "mentorships/agreement_discard.html", context)
    return _step(
        request,
        mentorship_id,
        None,
        gettext("Draft discarded."),
        lambda m, me, _: agreements.discard_draft(mentorship=m, by=me),
    )


@require_POST
def confirm(request: HttpRequest, mentorship_id: int) -> HttpResponse:
    return _step(
        request,
        mentorship_id,
        None,
        gettext("Agreed. Your mentee is emailed; the guides below follow your goals."),
        lambda m, me, _: agreements.confirm(mentorship=m, by=me),
    )


@require_POST
def suggest_changes(request: HttpRequest, mentorship_id: int) -> HttpResponse:
    return _step(
        request,
        mentorship_id,
        SuggestChangesForm(request.POST),
        gettext("Sent back with your suggestions: your mentee is emailed to revise it."),
        lambda m, me, data: agreements.suggest_changes(mentorship=m, by=me, note=data["note"]),
    )


@require_POST
def rate(request: HttpRequest, mentorship_id: int, goal: str) -> HttpResponse:
    return _step(
        request,
        mentorship_id,
        GoalRatingForm(request.POST),
        gettext("Progress saved."),
        lambda m, me, data: agreements.rate_goal(
            mentorship=m, by=me, goal=goal, rating=data["rating"]
        ),
    )


@require_POST
def done(request: HttpRequest, mentorship_id: int, goal: str) -> HttpResponse:
    form = GoalDoneForm(request.POST)
    marked = form.is_valid() and form.cleaned_data["done"]
    return _step(
        request,
        mentorship_id,
        form,
        gettext("Marked as done: well done.") if marked else gettext("Marked as not done yet."),
        lambda m, me, data: agreements.mark_done(mentorship=m, by=me, goal=goal, done=data["done"]),
    )
