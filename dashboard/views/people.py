"""People: find a participant, look at them, and pause or invite them again."""

from django.conf import settings
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext
from django.views.decorators.http import require_POST

from config.forms import confirmed
from mentorships.exceptions import Refused

from .. import cycle_choice, people
from ..forms import InviteAgainForm, PauseForm, PeopleFilterForm
from .access import ADMIN, program_page


@program_page()
def people_list(request: HttpRequest, slug: str) -> HttpResponse:
    """Search as you type swaps the results alone (htmx); without script, the
    form is a plain GET. Filters that do not validate are left out, and say why."""
    program = request.program
    chosen = cycle_choice.choose(program, request.GET)
    form = PeopleFilterForm(request.GET)
    form.is_valid()
    page = people.page_of(program, form.cleaned_data, request.GET.get("page"), chosen.cycle)
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "program": program,
        "form": form,
        "page": page,
        "query": query.urlencode(),
        "chosen": chosen,
        "cycle_form": chosen.form(),
    }
    partial = request.htmx and not request.htmx.history_restore_request
    template = "dashboard/_people_results.html" if partial else "dashboard/people.html"
    return render(request, template, {**context, "partial": partial})


@program_page()
def person(request: HttpRequest, slug: str, profile_id: int) -> HttpResponse:
    program = request.program
    show = request.GET.get("background") == "show"
    context = people.person_page(
        _person_or_404(program, profile_id), viewer=request.user, show_background=show
    )
    return render(request, "dashboard/person.html", {"program": program, **context})


def _person_or_404(program, profile_id: int):
    found = people.person_of(program, profile_id)
    if found is None:
        raise Http404
    return found


@require_POST
@program_page(ADMIN)
def pause(request: HttpRequest, slug: str, profile_id: int) -> HttpResponse:
    """Asks first; then pauses or resumes, as the confirmed form says."""
    program = request.program
    mentor = _person_or_404(program, profile_id)
    if not mentor.is_mentor:
        raise Http404
    form = PauseForm(request.POST)
    if not confirmed(request, form):
        pausing = request.POST.get("paused", "no" if mentor.is_paused else "yes") == "yes"
        form = _asked(request, PauseForm, paused="yes" if pausing else "no")
        action = "pause" if pausing else "resume"
        return _confirm(request, program, mentor, action, form)
    data = form.cleaned_data
    try:
        done = people.set_paused(person=mentor, by=request.user, **data)
    except Refused as refused:
        messages.error(request, str(refused))
    else:
        name = {"name": mentor.name}
        if done and data["paused"]:
            messages.success(request, gettext("%(name)s is paused.") % name)
        elif done:
            messages.success(request, gettext("%(name)s is taking requests again.") % name)
        elif data["paused"]:
            messages.info(request, gettext("%(name)s was already paused: nothing changed.") % name)
        else:
            messages.info(
                request,
                gettext("%(name)s was already taking requests again: nothing changed.") % name,
            )
    return redirect("dashboard:person", slug=slug, profile_id=mentor.pk)


@require_POST
@program_page(ADMIN)
def invite_again(request: HttpRequest, slug: str, profile_id: int) -> HttpResponse:
    """Asks first; the confirmation carries the resends it was shown after, so a
    double click sends one email."""
    program = request.program
    invitee = _person_or_404(program, profile_id)
    if not people.may_be_invited(invitee):
        messages.info(
            request,
            gettext("%(name)s has logged in or chosen a password: no invitation is needed.")
            % {"name": invitee.name},
        )
        return redirect("dashboard:person", slug=slug, profile_id=invitee.pk)
    form = InviteAgainForm(request.POST)
    if not confirmed(request, form):
        form = _asked(request, InviteAgainForm, seen=people.invitations_sent_again(invitee))
        return _confirm(
            request, program, invitee, "invite", form, invited=people.was_invited(invitee)
        )
    if people.invite_again(person=invitee, by=request.user, seen=form.cleaned_data["seen"]):
        messages.success(
            request,
            gettext("The invitation is on its way to %(email)s.") % {"email": invitee.user.email},
        )
    else:
        messages.info(
            request,
            gettext("That invitation was sent again a moment ago: no second email was sent."),
        )
    return redirect("dashboard:person", slug=slug, profile_id=invitee.pk)


def _asked(request: HttpRequest, form_class, **initial):
    """The confirmation's form: as it was sent, with what was wrong, after a
    confirmation; else a fresh one."""
    if request.POST.get("confirm") == "yes":
        return form_class(request.POST)
    return form_class(initial=initial)


def _confirm(request: HttpRequest, program, person, action: str, form, **more) -> HttpResponse:
    days = max(1, settings.PASSWORD_RESET_TIMEOUT // 86400)  # an invitation link's life
    context = {"program": program, "person": person, "action": action, "form": form, "days": days}
    context |= more
    return render(request, "dashboard/person_confirm.html", context)
