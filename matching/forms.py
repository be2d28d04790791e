from django import forms

from mentorships.forms import note_field, reason_field

from .models import Suggestion


class DismissForm(forms.Form):
    reason = reason_field(Suggestion.DismissReason.choices, "Why hide this mentor?")


class RequestForm(forms.Form):
    message = note_field("A short note to introduce yourself (optional)")
