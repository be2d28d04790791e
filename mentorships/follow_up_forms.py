"""The follow-up's one short form: every question optional, each a group of
radio buttons under its question. The belonging statements are Kindred's own
wording (docs/outcomes.md), agreed with from 1 (strongly disagree) to 5
(strongly agree)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from .follow_ups import Answers
from .outcome_models import FollowUp

AGREE = [
    (1, _("Strongly disagree")),
    (2, _("Disagree")),
    (3, _("Neither agree nor disagree")),
    (4, _("Agree")),
    (5, _("Strongly agree")),
]
# Each belonging item's statement, in the order the page asks them.
BELONGING = {
    "belong_valued": _("People at work value me for who I am."),
    "belong_myself": _("I can be open about who I am at work."),
    "belong_connected": _("There are people at work I can go to for help or advice."),
    "belong_future": _("I can picture myself growing here over the next few years."),
}
YES_NO = [("yes", _("Yes")), ("no", _("No"))]


def _choice(label: str, choices, *, coerce=str, help_text: str = "") -> forms.TypedChoiceField:
    return forms.TypedChoiceField(
        label=label,
        choices=choices,
        coerce=coerce,
        empty_value=None,
        required=False,
        help_text=help_text,
        widget=forms.RadioSelect,
        error_messages={"invalid_choice": _("Choose one of the answers shown, or none.")},
    )


class FollowUpForm(forms.Form):
    """``since``: the month and year the mentorship closed, as the questions say it."""

    def __init__(self, data=None, *, since: str) -> None:
        super().__init__(data, auto_id="follow-up-%s")
        self.fields["new_role"] = _choice(
            gettext("Since %(since)s, have you started a new role or had a promotion?")
            % {"since": since},
            YES_NO,
        )
        self.fields["stay"] = _choice(
            gettext("How long do you expect to stay with your organisation?"), FollowUp.Stay.choices
        )
        for name, statement in BELONGING.items():
            self.fields[name] = _choice(statement, AGREE, coerce=int)
        self.fields["sponsored"] = _choice(
            gettext("Since %(since)s, has someone sponsored you?") % {"since": since},
            YES_NO,
            help_text=gettext(
                "Introduced you to someone, recommended or nominated you, "
                "or spoken up for you where it counts."
            ),
        )

    def belonging(self) -> list[forms.BoundField]:
        return [self[name] for name in BELONGING]

    @property
    def answers(self) -> Answers:
        data = self.cleaned_data
        yes_no = {"yes": True, "no": False, None: None}
        return Answers(
            new_role=yes_no[data["new_role"]],
            stay=data["stay"] or "",
            sponsored=yes_no[data["sponsored"]],
            **{name: data[name] for name in BELONGING},
        )


def answered(f: FollowUp, *, since: str) -> list[tuple[str, str]]:
    """Each question asked and the mentee's own answer, for their thank-you page."""
    form = FollowUpForm(since=since)
    yes_no = {True: "yes", False: "no"}
    values = {
        "new_role": yes_no.get(f.new_role),
        "stay": f.stay or None,
        **{name: getattr(f, name) for name in BELONGING},
        "sponsored": yes_no.get(f.sponsored),
    }
    return [
        (
            form.fields[name].label,
            dict(form.fields[name].choices).get(value, gettext("Not answered")),
        )
        for name, value in values.items()
    ]
