"""An admin pairs people by hand (people found as they type, the pair weighed
before it is made), or ends a struggling pairing and picks the mentee's next
mentor. Every page works as plain forms; htmx fills in the parts without a reload."""

from urllib.parse import urlencode

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext, ngettext
from django.views.decorators.http import require_POST
from django_htmx.http import push_url

from config.forms import confirmed
from matching import suggestions
from mentorships.exceptions import ReasonNeeded, Refused
from mentorships.models import Mentorship
from profiles.models import Profile, Program
from profiles.taxonomy import Role

from .. import pairing
from ..forms import ManualMatchForm, RematchForm
from .access import program_page

SIDES = {"mentees": Role.MENTEE, "mentors": Role.MENTOR}


def _id(value) -> int | None:
    try:
        number = int(value)
    except (TypeError, ValueError):
        return None
    return number if 0 < number < 2**63 else None


def _person(program: Program, role: str, value, *, strict: bool) -> Profile | None:
    """The ready person of ``role`` a parameter names. Anyone else: 404 when
    ``strict``, else None (the page then shows nobody chosen, and the form's error)."""
    pk = _id(value)
    if pk is None:
        return None
    people = Profile.objects.select_related("user", "program")
    lookup = {"pk": pk, "program": program, "role": role, "is_ready": True}
    return get_object_or_404(people, **lookup) if strict else people.filter(**lookup).first()


def _page_url(program: Program, mentee_id: int | None) -> str:
    if mentee_id is None:
        return reverse("dashboard:match", args=[program.slug])
    return reverse("dashboard:manual_match", args=[program.slug, mentee_id])


def _preview(request: HttpRequest, program: Program, mentee_id, mentor_id, *, strict=False):
    mentee = _person(program, Role.MENTEE, mentee_id, strict=strict)
    mentor = _person(program, Role.MENTOR, mentor_id, strict=strict)
    if mentee is None or mentor is None:
        return None
    return pairing.preview(mentee=mentee, mentor=mentor, viewer=request.user)


@program_page()
def manual_match(request: HttpRequest, slug: str, mentee_id: int | None = None) -> HttpResponse:
    """Find a mentee and a mentor, see how they fit, match them. Opened from a
    waiting mentee (``mentee_id``), that mentee is chosen; ``?mentor=`` chooses a
    mentor too (the re-match page's picks)."""
    program = request.program
    if mentee_id is not None:
        get_object_or_404(Profile, pk=mentee_id, program=program, role=Role.MENTEE)
    chosen = request.POST if request.method == "POST" else request.GET
    picks = {
        "mentee": _id(chosen.get("mentee")) or mentee_id,
        "mentor": _id(chosen.get("mentor")),
    }
    form = ManualMatchForm(
        {**chosen.dict(), **picks} if request.method == "POST" else None, program=program
    )
    if form.is_valid():
        done = _match(request, program, form)
        if done:
            return redirect("dashboard:program", slug=slug)
    context = {
        "program": program,
        "form": form,
        "page_url": _page_url(program, mentee_id),
        "found": {
            side: pairing.find(program, side, request.GET.get(f"{side}_q", ""), picks[side])
            for side in (Role.MENTEE, Role.MENTOR)
        },
        "preview": _preview(request, program, picks["mentee"], picks["mentor"]),
        "reason": chosen.get("override_reason", ""),
    }
    return render(request, "dashboard/manual_match.html", context)


def _match(request: HttpRequest, program: Program, form: ManualMatchForm) -> bool:
    """Match the form's pair; False with the form's errors set if refused."""
    mentee, mentor = form.cleaned_data["mentee"], form.cleaned_data["mentor"]
    if pairing.matched_already(mentee, mentor):  # a second click, or a second tab
        messages.info(
            request,
            gettext("%(mentee)s is already matched with %(mentor)s.")
            % {"mentee": mentee.name, "mentor": mentor.name},
        )
        return True
    try:
        pairing.match(
            program=program,
            mentee=mentee,
            mentor=mentor,
            by=request.user,
            reason=form.cleaned_data["override_reason"],
        )
    except ReasonNeeded as needed:
        n = len(needed.breaks)
        form.add_error(
            "override_reason",
            ngettext("Say why you set this rule aside.", "Say why you set these rules aside.", n),
        )
        messages.error(
            request,
            ngettext(
                "Nothing was saved: the match sets this rule aside, say why.",
                "Nothing was saved: the match sets these rules aside, say why.",
                n,
            ),
        )
        return False
    except Refused as refused:
        form.add_error(None, gettext("%(refusal)s Nothing was saved.") % {"refusal": refused})
        return False
    messages.success(
        request,
        gettext(
            "%(mentee)s is now mentored by %(mentor)s. Both were emailed that the "
            "program's coordinator matched them."
        )
        % {"mentee": mentee.name, "mentor": mentor.name},
    )
    return True


@program_page()
def match_find(request: HttpRequest, slug: str, side: str) -> HttpResponse:
    """The people of one side whose name or email holds what the admin typed."""
    program = request.program
    role = SIDES[side]
    found = pairing.find(
        program, role, request.GET.get(f"{role}_q", ""), _id(request.GET.get(role))
    )
    context = {"program": program, "role": role, "found": found, "partial": True}
    return render(request, "dashboard/_match_people.html", context)


@program_page()
def match_preview(request: HttpRequest, slug: str) -> HttpResponse:
    """The chosen pair weighed, for the page to show without a reload; the
    address bar then holds the pair, so a reload keeps it."""
    program = request.program
    mentee, mentor = request.GET.get("mentee"), request.GET.get("mentor")
    context = {
        "program": program,
        "preview": _preview(request, program, mentee, mentor, strict=True),
        "form": ManualMatchForm(program=program),
        "page_url": _page_url(program, None),
        "partial": True,
    }
    response = render(request, "dashboard/_match_preview.html", context)
    query = urlencode({k: v for k, v in (("mentee", _id(mentee)), ("mentor", _id(mentor))) if v})
    page = _page_url(program, None)
    return push_url(response, f"{page}?{query}" if query else page)


# --- re-match ---------------------------------------------------------------------------------


def _mentorship(program: Program, mentorship_id: int) -> Mentorship:
    return get_object_or_404(
        Mentorship.objects.select_related("mentee__user", "mentor__user"),
        pk=mentorship_id,
        program=program,
    )


@program_page()
def rematch(request: HttpRequest, slug: str, mentorship_id: int) -> HttpResponse:
    """Asks first, with the reason; the confirmed POST ends the mentorship and
    opens the choice of the mentee's next mentor. A second POST finds it done."""
    program = request.program
    m = _mentorship(program, mentorship_id)
    if not m.is_paired:
        if m.ended_by == "admin":
            return redirect("dashboard:rematch_next", slug=slug, mentorship_id=m.pk)
        return render(request, "dashboard/rematch.html", {"program": program, "m": m})
    asked = request.POST.get("confirm") == "yes"
    form = RematchForm(request.POST if asked else None)
    if confirmed(request, form):
        try:
            pairing.rematch(
                program=program, mentorship=m, by=request.user, reason=form.cleaned_data["reason"]
            )
        except Refused as refused:  # ended meanwhile, from another tab or by the pair
            messages.error(request, str(refused))
            return redirect("dashboard:rematch", slug=slug, mentorship_id=m.pk)
        messages.success(
            request,
            gettext(
                "The mentorship of %(mentee)s with %(mentor)s has ended. "
                "Choose %(mentee)s's next mentor, or leave them in the pool."
            )
            % {"mentee": m.mentee.name, "mentor": m.mentor.name},
        )
        return redirect("dashboard:rematch_next", slug=slug, mentorship_id=m.pk)
    return render(request, "dashboard/rematch.html", {"program": program, "m": m, "form": form})


@program_page()
def rematch_next(request: HttpRequest, slug: str, mentorship_id: int) -> HttpResponse:
    """After a re-match: the mentee's best mentors with room to pick from, or the pool."""
    program = request.program
    m = _mentorship(program, mentorship_id)
    if m.is_paired:
        return redirect("dashboard:rematch", slug=slug, mentorship_id=m.pk)
    mentee = m.mentee
    paired = (
        Mentorship.objects.filter(mentee=mentee, status__in=Mentorship.PAIRED)
        .select_related("mentor")
        .first()
        if mentee
        else None
    )
    options = (
        pairing.next_mentors(program=program, mentee=mentee, viewer=request.user)
        if mentee and mentee.is_ready and paired is None
        else []
    )
    context = {"program": program, "m": m, "mentee": mentee, "now_paired": paired}
    context["options"] = options
    return render(request, "dashboard/rematch_next.html", context)


@require_POST
@program_page()
def rematch_pool(request: HttpRequest, slug: str, mentorship_id: int) -> HttpResponse:
    """The admin leaves the mentee in the pool: their list is worked out afresh."""
    program = request.program
    m = _mentorship(program, mentorship_id)
    if m.mentee is None or m.is_paired:
        return redirect("dashboard:rematch_next", slug=slug, mentorship_id=m.pk)
    suggestions.queue_refresh(m.mentee.pk)
    messages.success(
        request,
        gettext(
            "%(mentee)s stays in the pool, with fresh suggestions to ask from; "
            "they were emailed that they can be matched afresh."
        )
        % {"mentee": m.mentee.name},
    )
    return redirect("dashboard:program", slug=slug)
