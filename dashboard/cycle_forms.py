"""The Cycles pages' forms: a cycle's name and dates, and a move by hand."""

from __future__ import annotations

from django import forms
from django.utils.formats import date_format
from django.utils.text import capfirst
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from profiles import cycles
from profiles.models import Cycle, Program

DATES = ["registration_opens", "registration_closes", "matching_on", "starts_on", "ends_on"]
# Each date must not come before the ones named here (the table's check constraints).
NOT_BEFORE = {
    "registration_closes": ["registration_opens"],
    "matching_on": ["registration_closes"],
    "starts_on": ["matching_on"],
    "ends_on": ["starts_on", "registration_opens"],
}


class CycleForm(forms.ModelForm):
    """A cycle's name and dates. Dates out of order and a name another cycle of
    the program has are caught here, each on its field, before the database's
    constraints would refuse them."""

    class Meta:
        model = Cycle
        fields = ["name", *DATES]
        labels = {
            "name": _("Name"),
            "registration_opens": _("Registration opens"),
            "registration_closes": _("Registration closes"),
            "matching_on": _("Matching"),
            "starts_on": _("Mentorships start"),
            "ends_on": _("Mentorships end"),
        }
        help_texts = {
            "name": _("What people see, e.g. “Spring 2027 cohort”."),
            "registration_opens": _(
                "The clock opens registration on this day. Empty: only by hand."
            ),
            "registration_closes": _(
                "From this day joining is refused and matching begins. "
                "Empty: registration stays open."
            ),
            "matching_on": _(
                "The day you plan to match, shown to people; the clock does not act on it."
            ),
            "starts_on": _("From this day the cycle is running."),
            "ends_on": _(
                "On this day the cycle closes and its people leave the matching "
                "pool. Empty: open-ended."
            ),
        }
        widgets = {
            name: forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d") for name in DATES
        }

    def __init__(self, *args, program: Program, **kwargs):
        super().__init__(*args, **kwargs)
        self.program = program
        self.instance.program = program

    def clean_name(self) -> str:
        name = " ".join(self.cleaned_data["name"].split())
        others = self.program.cycles.exclude(pk=self.instance.pk)
        if others.filter(name__iexact=name).exists():
            raise forms.ValidationError(
                gettext("%(program)s already has a cycle named “%(name)s”: choose another name.")
                % {"program": self.program.name, "name": name}
            )
        return name

    def clean(self) -> dict:
        data = super().clean()
        for name, earlier in NOT_BEFORE.items():
            day = data.get(name)
            for before in earlier:
                other = data.get(before)
                if day and other and day < other and name not in self.errors:
                    self.add_error(
                        name,
                        gettext(
                            "%(field)s (%(date)s) cannot come before %(other)s (%(other_date)s)."
                        )
                        % {
                            "field": self.label(name),
                            "date": date_format(day, "DATE_FORMAT"),
                            "other": self.label(before).lower(),
                            "other_date": date_format(other, "DATE_FORMAT"),
                        },
                    )
        return data

    def label(self, name: str) -> str:
        return capfirst(str(self.fields[name].label))


class CycleMoveForm(forms.Form):
    """Where an admin moves a cycle by hand, and why (for the audit log)."""

    to = forms.ChoiceField(label=_("Move it to"), widget=forms.RadioSelect)
    reason = forms.CharField(
        label=_("Why (for the audit log)"),
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args, cycle: Cycle, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["to"].choices = [
            (state, label) for state, label in Cycle.State.choices if state != cycle.state
        ]
        self.cycle = cycle

    def direction(self) -> str:
        to = self.cleaned_data["to"]
        return "on" if cycles.ORDER.index(to) > cycles.ORDER.index(self.cycle.state) else "back"
