from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from profiles.models import Profile
from profiles.taxonomy import Role
from profiles.views import JOIN_ROLE_SESSION_KEY, own_profile

from . import lifecycle, pages, services
from .forms import AvailabilityForm, CheckInForm, DeclineForm, DismissForm, EndForm, RequestForm
from .models import Mentorship, Suggestion


def home(request: HttpRequest) -> HttpResponse:
    profiles = list(request.user.profiles.select_related("program"))
    if not profiles and (role := request.session.get(JOIN_ROLE_SESSION_KEY)):
        return redirect("profiles:join", role=role)
    if len(profiles) == 1:
        return redirect("matching:profile_home", pk=profiles[0].pk)
    return render(request, "matching/home.html", {"profiles": profiles})


def profile_home(request: HttpRequest, pk: int) -> HttpResponse:
    profile = own_profile(request, pk)
    if profile.role == Role.MENTEE:
        response = render(
            request, "matching/home_mentee.html", {"profile": profile, **pages.mentee_home(profile)}
        )
        services.mark_seen(profile)
        return response
    return render(
        request, "matching/home_mentor.html", {"profile": profile, **pages.mentor_home(profile)}
    )


def suggestions_panel(request: HttpRequest, pk: int) -> HttpResponse:
    """The suggestions part of a mentee's home, polled while scoring runs."""
    profile = own_profile(request, pk, role=Role.MENTEE)
    context = {"profile": profile, **pages.mentee_panel(profile)}
    return render(request, "matching/_suggestions.html", context)


def act(request: HttpRequest, form, done: str, action) -> None:
    """Run a lifecycle ``action`` with a valid form; say what happened either way."""
    if not form.is_valid():
        messages.error(
            request, "Please check the form: " + _first_error(form) + " Nothing was changed."
        )
        return
    try:
        action(form.cleaned_data)
    except lifecycle.Refused as refused:
        messages.error(request, str(refused))
    else:
        messages.success(request, done)


def _first_error(form) -> str:
    field, errors = next(iter(form.errors.items()))
    label = form.fields[field].label if field in form.fields else ""
    return f"{label}: {errors[0]}" if label else errors[0]


@require_POST
def dismiss(request: HttpRequest, pk: int, suggestion_id: int) -> HttpResponse:
    profile = own_profile(request, pk, role=Role.MENTEE)
    suggestion = get_object_or_404(Suggestion.objects.listed(), pk=suggestion_id, mentee=profile)
    act(
        request,
        DismissForm(request.POST),
        f"{suggestion.mentor.name} will not be suggested again.",
        lambda data: services.dismiss(suggestion=suggestion, reason=data["reason"]),
    )
    return redirect("matching:profile_home", pk=pk)


@require_POST
def request_mentor(request: HttpRequest, pk: int, suggestion_id: int) -> HttpResponse:
    profile = own_profile(request, pk, role=Role.MENTEE)
    suggestion = get_object_or_404(Suggestion.objects.listed(), pk=suggestion_id, mentee=profile)
    act(
        request,
        RequestForm(request.POST),
        f"Request sent to {suggestion.mentor.name}. You will hear by email when they answer.",
        lambda data: lifecycle.request_mentor(suggestion=suggestion, message=data["message"]),
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
    try:
        lifecycle.withdraw(mentorship=m)
        messages.success(request, f"Your request to {m.mentor.name} is withdrawn.")
    except lifecycle.Refused as refused:
        messages.error(request, str(refused))
    return redirect("matching:profile_home", pk=pk)


@require_POST
def accept(request: HttpRequest, pk: int, mentorship_id: int) -> HttpResponse:
    m = _request_of(request, pk, mentorship_id, Role.MENTOR)
    try:
        lifecycle.accept(mentorship=m)
    except lifecycle.Refused as refused:
        messages.error(request, str(refused))
        return redirect("matching:profile_home", pk=pk)
    messages.success(request, f"You are now {m.mentee.name}'s mentor. Say hello!")
    return redirect(m)


@require_POST
def decline(request: HttpRequest, pk: int, mentorship_id: int) -> HttpResponse:
    m = _request_of(request, pk, mentorship_id, Role.MENTOR)
    act(
        request,
        DeclineForm(request.POST),
        f"Declined. {m.mentee.name} gets fresh suggestions and your note.",
        lambda data: lifecycle.decline(mentorship=m, reason=data["reason"], note=data["note"]),
    )
    return redirect("matching:profile_home", pk=pk)


@require_POST
def availability(request: HttpRequest, pk: int) -> HttpResponse:
    profile = own_profile(request, pk, role=Role.MENTOR)
    act(
        request,
        AvailabilityForm(request.POST),
        "Your availability is saved.",
        lambda data: lifecycle.set_availability(
            mentor=profile,
            capacity=data["capacity"],
            paused=data["is_paused"],
            decline_waiting=data["decline_waiting"],
        ),
    )
    return redirect("matching:profile_home", pk=pk)


def own_mentorship(request: HttpRequest, mentorship_id: int) -> tuple[Mentorship, Profile]:
    """A mentorship and the signed-in person's side of it; 404 for anyone else."""
    m = get_object_or_404(
        Mentorship.objects.select_related("mentee__user", "mentor__user", "program"),
        pk=mentorship_id,
    )
    for side in (m.mentee, m.mentor):
        if side is not None and side.user_id == request.user.pk:
            return m, side
    raise Http404


def mentorship(request: HttpRequest, mentorship_id: int) -> HttpResponse:
    m, me = own_mentorship(request, mentorship_id)
    return render(request, "matching/mentorship_detail.html", pages.mentorship_page(m, me))


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
    try:
        lifecycle.mark_met(mentorship=m)
        messages.success(request, "Marked as under way.")
    except lifecycle.Refused as refused:
        messages.error(request, str(refused))
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
