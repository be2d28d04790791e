from django import forms

from profiles.forms import MAX_MENTOR_CAPACITY

from .models import Mentorship


def reason_field(choices, label: str) -> forms.ChoiceField:
    return forms.ChoiceField(choices=[("", "Choose a reason"), *choices], label=label)


def note_field(label: str, max_length: int = 500) -> forms.CharField:
    return forms.CharField(
        label=label,
        required=False,
        max_length=max_length,
        widget=forms.Textarea(attrs={"rows": 3, "maxlength": max_length}),
    )


class AcceptForm(forms.Form):
    note = note_field("A note to the mentee with your yes (optional)")


class DeclineForm(forms.Form):
    reason = reason_field(Mentorship.DeclineReason.choices, "Why decline?")
    note = note_field("A kind note to the mentee (optional)")


class EndForm(forms.Form):
    reason = reason_field(Mentorship.EndReason.choices, "Why end the mentorship?")
    note = note_field("Anything you would like to add (optional)")


class TurnDownForm(forms.Form):
    reason = forms.CharField(
        label="Why does this match not work for you?",
        max_length=500,
        help_text="Shown to the other side as you write it.",
        widget=forms.Textarea(attrs={"rows": 3, "maxlength": 500}),
    )


class CheckInForm(forms.Form):
    rating = forms.TypedChoiceField(
        choices=[
            (1, "1 — not going well"),
            (2, "2 — struggling"),
            (3, "3 — fine"),
            (4, "4 — good"),
            (5, "5 — going really well"),
        ],
        coerce=int,
        widget=forms.RadioSelect,
        label="How is it going?",
    )
    note = note_field("A note for both of you (optional)", max_length=1000)


class AvailabilityForm(forms.Form):
    capacity = forms.IntegerField(
        min_value=0, max_value=MAX_MENTOR_CAPACITY, label="Mentees you can take on at once"
    )
    is_paused = forms.BooleanField(required=False, label="Pause new requests")
    decline_waiting = forms.BooleanField(
        required=False, label="When pausing, also decline the requests waiting for me, kindly"
    )
