"""The mentor's form for the sponsorship ledger (mentorships/sponsorships.py checks
the rules a form cannot: the date against the mentorship and the mentor's today)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from profiles.forms import no_silent_cut

from .outcome_models import SPONSORSHIP_NOTE_MAX_LENGTH, SponsorshipAction


class SponsorshipForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("What did you do?"),
        choices=SponsorshipAction.Kind.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose what you did for your mentee.")},
    )
    happened_on = forms.DateField(
        label=_("When"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={
            "required": _("Give the date it happened."),
            "invalid": _("Give the date as a day, month and year."),
        },
    )
    note = forms.CharField(
        label=_("A note for you both (optional)"),
        required=False,
        max_length=SPONSORSHIP_NOTE_MAX_LENGTH,
        help_text=_(
            "Who, or for what: “introduced to Priya Shah, head of data at Acme”. "
            "Your mentee reads it; the program team never does."
        ),
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", "sponsorship-%s")
        super().__init__(*args, **kwargs)
        no_silent_cut(self)
