"""Same mentee again: a mentor asks, on their "take part again" page; the mentee
answers there or on their home. Each view 404s anyone but that person."""

from django import forms
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.views.decorators.http import require_POST

from profiles.models import Cycle, Profile

from .. import continuations
from ..actions import act
from ..models import Continuation


class ContinuationAskForm(forms.Form):
    # Which ids are this mentor's former mentees is the service's rule (continuations.ask).
    mentees = forms.TypedMultipleChoiceField(coerce=int, required=False, label="Mentees")

    def __init__(self, data):
        super().__init__(data)
        self.fields["mentees"].choices = [(v, v) for v in data.getlist("mentees")]


class ContinuationAnswerForm(forms.Form):
    answer = forms.ChoiceField(choices=[("yes", "Yes"), ("no", "No thanks")], label="Answer")


@require_POST
def ask(request: HttpRequest, pk: int, cycle_id: int) -> HttpResponse:
    mentor = get_object_or_404(Profile.objects.owned_by(request.user).mentors(), pk=pk)
    cycle = get_object_or_404(Cycle, pk=cycle_id, program_id=mentor.program_id)
    act(
        request,
        ContinuationAskForm(request.POST),
        "Asked: each hears by email, and you see their answer here.",
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
        f"You said yes to {c.mentor.name}."
        if agrees
        else f"You said no thanks to {c.mentor.name}: you will be matched as usual."
    )
    act(
        request,
        form,
        done,
        lambda data: continuations.answer(continuation=c, agrees=data["answer"] == "yes"),
    )
    return redirect("profiles:take_part", pk=c.mentee_id, cycle_id=c.cycle_id)
