"""A person's home: a mentee's suggestions, a mentor's requests, and the
actions taken from there."""

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from mentorships import lifecycle
from mentorships.actions import act
from mentorships.forms import AcceptForm, AvailabilityForm, DeclineForm
from mentorships.models import Mentorship
from profiles import access
from profiles.forms import JoinForm
from profiles.models import Profile
from profiles.services import JOIN_ROLE_SESSION_KEY
from profiles.taxonomy import Role

from . import browse, pages, programs, suggestions
from .forms import BrowseForm, DismissForm, RequestForm
from .models import Suggestion


def own_profile(request: HttpRequest, pk: int, role: str | None = None) -> Profile:
    """The signed-in person's own profile (of ``role``), or 404."""
    mine = Profile.objects.owned_by(request.user)
    return get_object_or_404(mine.filter(role=role) if role else mine, pk=pk)


def home(request: HttpRequest) -> HttpResponse:
    profiles = list(request.user.profiles.select_related("program"))
    if not profiles and (
        role := request.session.get(JOIN_ROLE_SESSION_KEY) or request.user.signup_role
    ):
        return redirect("profiles:join", role=role)
    if not profiles and access.runs_any_program(request.user):
        return redirect("dashboard:programs")
    if len(profiles) == 1:
        return redirect("matching:profile_home", pk=profiles[0].pk)
    only_program = JoinForm().only_program()
    # With one program open, the roles this person does not hold in it yet;
    # with several, either role may be taken in another program.
    held = {p.role for p in profiles if only_program and p.program_id == only_program.pk}
    context = {
        "profiles": profiles,
        "programs": programs.of(request.user),
        "only_program": only_program,
        "joinable": [role for role in Role.values if role not in held],
    }
    return render(request, "matching/home.html", context)


def profile_home(request: HttpRequest, pk: int) -> HttpResponse:
    profile = own_profile(request, pk)
    context = {"profile": profile, "programs": programs.of(request.user, profile)}
    if profile.role == Role.MENTEE:
        response = render(
            request, "matching/home_mentee.html", {**context, **pages.mentee_home(profile)}
        )
        suggestions.mark_seen(profile)
        return response
    return render(request, "matching/home_mentor.html", {**context, **pages.mentor_home(profile)})


def suggestions_panel(request: HttpRequest, pk: int) -> HttpResponse:
    """The suggestions part of a mentee's home, polled while scoring runs."""
    profile = own_profile(request, pk, role=Role.MENTEE)
    context = {"profile": profile, **pages.mentee_panel(profile)}
    return render(request, "matching/_suggestions.html", context)


def _suggestion_of(profile: Profile, suggestion_id: int) -> Suggestion | None:
    """One of the mentee's suggestions, in whatever state a second tab or a double
    click finds it; None when a refresh has since replaced it. Another person's
    suggestion is a 404."""
    found = Suggestion.objects.select_related("mentee", "mentor").filter(pk=suggestion_id).first()
    if found is not None and found.mentee_id != profile.pk:
        raise Http404
    return found


def _replaced(request: HttpRequest, pk: int) -> HttpResponse:
    messages.info(
        request, _("Your suggestions have changed since that page was opened: here they are.")
    )
    return redirect("matching:profile_home", pk=pk)


@require_POST
def dismiss(request: HttpRequest, pk: int, suggestion_id: int) -> HttpResponse:
    profile = own_profile(request, pk, role=Role.MENTEE)
    if (suggestion := _suggestion_of(profile, suggestion_id)) is None:
        return _replaced(request, pk)
    act(
        request,
        DismissForm(request.POST),
        _(
            "%(mentor)s will not be suggested again, unless you show them again "
            "from your hidden mentors."
        )
        % {"mentor": suggestion.mentor.name},
        lambda data: suggestions.dismiss(suggestion=suggestion, reason=data["reason"]),
    )
    return redirect("matching:profile_home", pk=pk)


@require_POST
def request_mentor(request: HttpRequest, pk: int, suggestion_id: int) -> HttpResponse:
    profile = own_profile(request, pk, role=Role.MENTEE)
    if (suggestion := _suggestion_of(profile, suggestion_id)) is None:
        return _replaced(request, pk)
    act(
        request,
        RequestForm(request.POST),
        _("Request sent to %(mentor)s. You will hear by email when they answer.")
        % {"mentor": suggestion.mentor.name},
        lambda data: suggestions.request_mentor(suggestion=suggestion, message=data["message"]),
    )
    return redirect("matching:profile_home", pk=pk)


def _request_of(request: HttpRequest, pk: int, mentorship_id: int, role: str) -> Mentorship:
    profile = own_profile(request, pk, role=role)
    side = {"mentee" if role == Role.MENTEE else "mentor": profile}
    return get_object_or_404(
        Mentorship.objects.select_related("mentee", "mentor"), pk=mentorship_id, **side
    )


@require_POST
def withdraw(request: HttpRequest, pk: int, mentorship_id: int) -> HttpResponse:
    m = _request_of(request, pk, mentorship_id, Role.MENTEE)
    act(
        request,
        None,
        _("Your request to %(mentor)s is withdrawn.") % {"mentor": m.mentor.name},
        lambda _: lifecycle.withdraw(mentorship=m),
    )
    return redirect("matching:profile_home", pk=pk)


@require_POST
def accept(request: HttpRequest, pk: int, mentorship_id: int) -> HttpResponse:
    m = _request_of(request, pk, mentorship_id, Role.MENTOR)
    done = _("You are now %(mentee)s's mentor. Say hello!") % {"mentee": m.mentee.name}
    form = AcceptForm(request.POST)
    if not act(request, form, done, lambda data: lifecycle.accept(mentorship=m, note=data["note"])):
        return redirect("matching:profile_home", pk=pk)
    return redirect(m)


@require_POST
def decline(request: HttpRequest, pk: int, mentorship_id: int) -> HttpResponse:
    m = _request_of(request, pk, mentorship_id, Role.MENTOR)
    act(
        request,
        DeclineForm(request.POST),
        _("Declined. %(mentee)s gets fresh suggestions and your note.") % {"mentee": m.mentee.name},
        lambda data: lifecycle.decline(mentorship=m, reason=data["reason"], note=data["note"]),
    )
    return redirect("matching:profile_home", pk=pk)


@require_POST
def availability(request: HttpRequest, pk: int) -> HttpResponse:
    profile = own_profile(request, pk, role=Role.MENTOR)
    act(
        request,
        AvailabilityForm(request.POST),
        _("Your availability is saved."),
        lambda data: lifecycle.set_availability(
            mentor=profile,
            capacity=data["capacity"],
            paused=data["is_paused"],
            decline_waiting=data["decline_waiting"],
        ),
    )
    return redirect("matching:profile_home", pk=pk)


def _back(request: HttpRequest, pk: int) -> HttpResponse:
    """To the page the form was on (``next``, on this site only), or the person's home."""
    target = request.POST.get("next", "")
    if url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        return redirect(target)
    return redirect("matching:profile_home", pk=pk)


@require_POST
def restore(request: HttpRequest, pk: int, suggestion_id: int) -> HttpResponse:
    profile = own_profile(request, pk, role=Role.MENTEE)
    suggestion = get_object_or_404(
        Suggestion.objects.select_related("mentor"), pk=suggestion_id, mentee=profile
    )
    act(
        request,
        None,
        _("%(mentor)s may be suggested to you again: your list is updated.")
        % {"mentor": suggestion.mentor.name},
        lambda _: suggestions.restore(suggestion=suggestion),
    )
    return _back(request, pk)


def browse_mentors(request: HttpRequest, pk: int) -> HttpResponse:
    profile = own_profile(request, pk, role=Role.MENTEE)
    form = BrowseForm(request.GET)
    found = browse.browse(mentee=profile, filters=form.filters(), page=request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {"profile": profile, "form": form, "query": query.urlencode(), **found}
    return render(request, "matching/browse.html", {**context, **pages.can_ask(profile)})


@require_POST
def request_from_browse(request: HttpRequest, pk: int, mentor_id: int) -> HttpResponse:
    profile = own_profile(request, pk, role=Role.MENTEE)
    # Only a mentor the page can list: one who finished the questionnaire.
    mentor = get_object_or_404(
        Profile.objects.mentors().ready().filter(program_id=profile.program_id), pk=mentor_id
    )
    if act(
        request,
        RequestForm(request.POST),
        _("Request sent to %(mentor)s. You will hear by email when they answer.")
        % {"mentor": mentor.name},
        lambda data: browse.request(mentee=profile, mentor=mentor, message=data["message"]),
    ):
        return redirect("matching:profile_home", pk=pk)
    return _back(request, pk)
