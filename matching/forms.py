from django import forms
from django.utils.translation import gettext_lazy as _

from mentorships.forms import note_field, reason_field
from profiles.models import Tag
from profiles.taxonomy import CareerStage, TagKind

from .models import Suggestion


class DismissForm(forms.Form):
    reason = reason_field(Suggestion.DismissReason.choices, _("Why hide this mentor?"))


class RequestForm(forms.Form):
    message = note_field(_("A short note to introduce yourself (optional)"))


class BrowseForm(forms.Form):
    """The mentor browse page's search and filters (GET). Each is on an answer
    every mentor shares with the program; none is on a background answer."""

    MEETS = {"online": ("online", "either"), "in_person": ("in_person", "either")}

    q = forms.CharField(label=_("Search by name or words"), required=False, max_length=100)
    goal = forms.ModelChoiceField(
        Tag.objects.of_kind(TagKind.GOAL),
        required=False,
        label=_("Can help with"),
        empty_label=_("Any goal"),
    )
    industry = forms.ModelChoiceField(
        Tag.objects.of_kind(TagKind.INDUSTRY),
        required=False,
        label=_("Industry"),
        empty_label=_("Any industry"),
    )
    language = forms.ModelChoiceField(
        Tag.objects.of_kind(TagKind.LANGUAGE),
        required=False,
        label=_("Speaks"),
        empty_label=_("Any language"),
    )
    stage = forms.TypedChoiceField(
        choices=[("", _("Any career stage")), *CareerStage.choices],
        coerce=int,
        empty_value=None,
        required=False,
        label=_("Career stage"),
    )
    meeting = forms.ChoiceField(
        choices=[
            ("", _("Online or in person")),
            ("online", _("Meets online")),
            ("in_person", _("Meets in person")),
        ],
        required=False,
        label=_("Meeting format"),
    )

    def not_understood(self) -> list[str]:
        """The labels of the filters whose values were not understood."""
        return [self.fields[name].label for name in self.errors]

    def filters(self) -> dict:
        """The filters that were understood (a bad value drops only its own)."""
        self.is_valid()
        return {k: v for k, v in self.cleaned_data.items() if v not in (None, "")}
