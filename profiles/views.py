from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext
from django.views.decorators.http import require_POST

from config.forms import confirmed, posted

from . import reenrolment, services
from .exceptions import RegistrationClosed
from .forms import JoinForm, facet_list, step_form
from .models import Cycle, Profile, Program
from .signals import take_part_page
from .taxonomy import STEP_TITLES, STEPS, Role


@login_not_required
def landing(request: HttpRequest) -> HttpResponse:
    # Programs taking sign-ups, their registration open now or between two cycles
    # (the page then says when the next one opens).
    programs = list(Program.objects.filter(signup_open=True).order_by("name"))
    # Most installs run one program: the page then speaks of it by name.
    program = programs[0] if len(programs) == 1 else None
    return render(request, "profiles/landing.html", {"programs": programs, "program": program})


@login_not_required
def accessibility(request: HttpRequest) -> HttpResponse:
    return render(request, "profiles/accessibility.html")


@login_not_required
def join(request: HttpRequest, role: str) -> HttpResponse:
    if role not in Role.values:
        raise Http404
    if not request.user.is_authenticated:
        # Remembered through sign-up and email confirmation, then picked up on /home/.
        request.session[services.JOIN_ROLE_SESSION_KEY] = role
        return redirect("account_signup")
    chosen = request.session.pop(services.JOIN_ROLE_SESSION_KEY, None)
    form = JoinForm(posted(request))
    # With one program open there is nothing to choose: straight on to the first
    # step, whose header names the program. A GET joins only in the role this
    # person chose at sign-up; any other link here asks first (a POST), so no
    # link on another site can make anyone a mentor or a mentee.
    deliberate = role in (chosen, request.user.signup_role)
    program = form.only_program() if request.method == "GET" and deliberate else None
    if request.method == "POST" and form.is_valid():
        program = form.cleaned_data["program"]
    if program is not None:
        try:
            profile = services.join_program(user=request.user, program=program, role=role)
        except RegistrationClosed as closed:  # it closed since the form was shown
            messages.error(request, str(closed))
            return redirect("profiles:join", role=role)
        return redirect("profiles:edit", pk=profile.pk, step=profile.next_step() or STEPS[0])
    # Programs taking sign-ups whose registration is closed now: when they open again.
    waiting = Program.objects.filter(signup_open=True).exclude(pk__in=Program.objects.open())
    context = {"form": form, "role": Role(role), "waiting": waiting.order_by("name")}
    return render(request, "profiles/join.html", context)


def own_profile(request: HttpRequest, pk: int) -> Profile:
    """The signed-in person's own profile, or 404: nobody opens another's."""
    return get_object_or_404(Profile.objects.owned_by(request.user), pk=pk)


def profile_detail(request: HttpRequest, pk: int) -> HttpResponse:
    profile = own_profile(request, pk)
    return render(request, "profiles/profile_detail.html", {"profile": profile})


def profile_edit(request: HttpRequest, pk: int, step: str) -> HttpResponse:
    if step not in STEPS:
        raise Http404
    profile = own_profile(request, pk)
    form = step_form(step, profile, posted(request))
    if request.method == "POST" and form.is_valid():
        services.save_step(profile=profile, step=step, form=form)
        messages.success(request, gettext("Saved “%(step)s”.") % {"step": STEP_TITLES[step]})
        if step == STEPS[-1]:
            return redirect("matching:home")
        if "continue" in request.POST:
            return redirect("profiles:edit", pk=pk, step=STEPS[STEPS.index(step) + 1])
        return redirect(profile)
    return render(
        request,
        "profiles/profile_edit.html",
        {
            "profile": profile,
            "form": form,
            "step": step,
            "step_title": STEP_TITLES[step],
            "is_last": step == STEPS[-1],
        },
    )


def withdraw_consent(request: HttpRequest, pk: int) -> HttpResponse:
    """Asks first, saying what withdrawing deletes, then withdraws on the confirmed POST."""
    profile = own_profile(request, pk)
    if not confirmed(request):
        context = {"profile": profile, **services.withdrawal_preview(profile)}
        return render(request, "profiles/consent_withdraw.html", context)
    services.withdraw_background_consent(profile=profile)
    messages.success(
        request,
        gettext(
            "Consent withdrawn: your background answers are deleted, and so are any data "
            "downloads prepared before, which held them."
        ),
    )
    return redirect(reverse("profiles:edit", args=[pk, "background"]))


def _cycle_of(profile: Profile, cycle_id: int) -> Cycle:
    return get_object_or_404(
        Cycle.objects.select_related("program"), pk=cycle_id, program_id=profile.program_id
    )


def take_part(request: HttpRequest, pk: int, cycle_id: int) -> HttpResponse:
    """The "take part again" page the invitation links to: the new cycle, the
    person's answers as they stand, and one button."""
    profile = own_profile(request, pk)
    cycle = _cycle_of(profile, cycle_id)
    parts = take_part_page.send(sender=Profile, profile=profile, cycle=cycle, request=request)
    consents = list(profile.consents.given().order_by("category"))
    context = {
        "profile": profile,
        "cycle": cycle,
        "enrolled": profile.enrolments.filter(cycle=cycle).exists(),
        "open": reenrolment.registration_open(cycle),
        "refusal": reenrolment.refusal(cycle),
        "consents": consents,
        "consented": gettext("Consent given for %(categories)s; it stays given.")
        % {"categories": facet_list([c.category for c in consents])},
        # What other apps add (mentorships: "same mentee again"): HTML their receivers
        # rendered from templates, already escaped; a plain string would be escaped here.
        "parts": [html for _, html in parts if html],
    }
    return render(request, "profiles/take_part.html", context)


@require_POST
def take_part_confirm(request: HttpRequest, pk: int, cycle_id: int) -> HttpResponse:
    profile = own_profile(request, pk)
    cycle = _cycle_of(profile, cycle_id)
    try:
        reenrolment.take_part(profile=profile, cycle=cycle)
    except RegistrationClosed as refused:
        messages.error(request, str(refused))
        return redirect("profiles:take_part", pk=pk, cycle_id=cycle_id)
    messages.success(
        request,
        gettext(
            "You take part in %(cycle)s, with the answers below. "
            "Change anything that is no longer true before matching."
        )
        % {"cycle": cycle.name},
    )
    return redirect(profile)
