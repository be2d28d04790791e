"""Same mentee again: a mentor asks, on their "take part again" page; the mentee
answers there or on their home. Each view 404s anyone but that person."""

from django import forms
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from profiles.models import Cycle, Profile

from .. import continuations
from ..actions import act
from ..models import Continuation


class ContinuationAskForm(forms.Form):
    # Which ids are this mentor's former mentees is the service's rule (continuations.ask).
    mentees = forms.TypedMultipleChoiceField(coerce=int, required=False, label=_("Mentees"))

    def __init__(self, data):
        super().__init__(data)
        self.fields["mentees"].choices = [(v, v) for v in data.getlist("mentees")]


class ContinuationAnswerForm(forms.Form):
    answer = forms.ChoiceField(
        choices=[("yes", _("Yes")), ("no", _("No thanks"))], label=_("Answer")
    )


@require_POST
def ask(request: HttpRequest, pk: int, cycle_id: int) -> HttpResponse:
    mentor = get_object_or_404(Profile.objects.owned_by(request.user).mentors(), pk=pk)
    cycle = get_object_or_404(Cycle, pk=cycle_id, program_id=mentor.program_id)
    act(
        request,
        ContinuationAskForm(request.POST),
        gettext("Asked: each hears by email, and you see their answer here."),
        lambda data: continuations.ask(mentor=mentor, cycle=cycle, mentee_ids=data["mentees"]),
    )
    return redirect("profiles:take_part", pk=pk, cycle_id=cycle_id)


@require_POST
def answer(request: HttpRequest, continuation_id: int) -> HttpResponse:
    c = get_object_or_404(
        Continuation.objects.select_related("mentor", "cycle"),
        pk=continuation_id,
        mentee__user=request.user,
    )
    form = ContinuationAnswerForm(request.POST)
    agrees = form.is_valid() and form.cleaned_data["answer"] == "yes"
    done = (
        gettext("You said yes to %(mentor)s.") % {"mentor": c.mentor.name}
        if agrees
        else gettext("You said no thanks to %(mentor)s: you will be matched as usual.")
        % {"mentor": c.mentor.name}
    )
    act(
        request,
        form,
        done,
        lambda data: continuations.answer(continuation=c, agrees=data["answer"] == "yes"),
    )
    return redirect("profiles:take_part", pk=c.mentee_id, cycle_id=c.cycle_id)
