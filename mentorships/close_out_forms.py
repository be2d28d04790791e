"""The close-out survey's form, worded for the side answering it: the mentee says
how far they came, the mentor how far they saw their mentee come
(mentorships/close_outs.py keeps the answers)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from profiles.forms import no_silent_cut

from . import close_outs
from .exceptions import Invalid
from .models import Rating
from .outcome_models import TEXT_MAX_LENGTH, CloseOut, Side

ONE_TO_FIVE = _("Choose from 1 to 5.")


def _text(label: str, help_text: str) -> forms.CharField:
    return forms.CharField(
        label=label,
        required=False,
        max_length=TEXT_MAX_LENGTH,
        help_text=help_text,
        widget=forms.Textarea(attrs={"rows": 4}),
    )


class CloseOutForm(forms.Form):
    """Every answer optional, at least one given. ``close_outs.check`` decides what
    the fields alone cannot (a testimonial shown without words, nothing answered);
    each problem is shown on the field it is about."""

    def __init__(self, *args, close_out: CloseOut, other_name: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.close_out = close_out
        mentor = close_out.side == Side.MENTOR
        self.fields["rating"] = forms.TypedChoiceField(
            label=(
                gettext("Overall, how was mentoring %(name)s?") % {"name": other_name}
                if mentor
                else gettext("Overall, how was your mentorship with %(name)s?")
                % {"name": other_name}
            ),
            choices=close_outs.OVERALL,
            coerce=int,
            empty_value=None,
            required=False,
            widget=forms.RadioSelect,
            error_messages={"invalid_choice": ONE_TO_FIVE},
        )
        self.goals = list(close_out.goals.select_related("goal"))
        for goal in self.goals:
            self.fields[f"goal_{goal.goal.slug}"] = forms.TypedChoiceField(
                label=(
                    gettext("Where is %(name)s now with %(goal)s, as you saw it?")
                    % {"name": other_name, "goal": goal.goal.name}
                    if mentor
                    else gettext("Where are you now with %(goal)s?") % {"goal": goal.goal.name}
                ),
                choices=[
                    ("", gettext("Choose…")),
                    *(close_outs.GOAL_FOR_MENTOR if mentor else Rating.choices),
                ],
                coerce=int,
                empty_value=None,
                required=False,
                error_messages={"invalid_choice": ONE_TO_FIVE},
                # The rating the goal started from is said just above the field.
                widget=forms.Select(attrs={"aria-describedby": f"goal-{goal.goal.slug}-start"}),
            )
        self.fields["helped_most"] = _text(
            gettext("What do you think helped %(name)s most?") % {"name": other_name}
            if mentor
            else gettext("What helped you most?"),
            gettext(
                "A conversation, an introduction, a habit you built: whatever made a difference."
            ),
        )
        self.fields["recommend"] = forms.ChoiceField(
            label=(
                gettext("Would you recommend mentoring in the program to a colleague?")
                if mentor
                else gettext("Would you recommend the program to a friend or colleague?")
            ),
            choices=CloseOut.Recommend.choices,
            required=False,
            widget=forms.RadioSelect,
            error_messages={"invalid_choice": gettext("Choose yes, not sure or no.")},
        )
        self.fields["testimonial"] = _text(
            gettext("A few words others could read (optional)"),
            gettext(
                "What the mentorship meant to you, in a sentence or two. It stays private "
                "unless you tick the box below."
            ),
        )
        self.fields["testimonial_shared"] = forms.BooleanField(
            label=gettext("Show my testimonial to %(name)s and the program") % {"name": other_name},
            required=False,
            help_text=gettext(
                "%(name)s reads it on your mentorship page, with your name; the program's team "
                "may quote it, with your first name, to people thinking of taking part. "
                "You can take it back at any time."
            )
            % {"name": other_name},
        )
        no_silent_cut(self)

    def goal_rows(self) -> list[dict]:
        return [{"goal": g, "field": self[f"goal_{g.goal.slug}"]} for g in self.goals]

    def clean(self) -> dict:
        data = super().clean()
        if self.errors:
            return data
        self.answers = close_outs.Answers(
            rating=data.get("rating"),
            goals={g.goal.slug: data.get(f"goal_{g.goal.slug}") for g in self.goals},
            helped_most=data.get("helped_most") or "",
            recommend=data.get("recommend") or "",
            testimonial=data.get("testimonial") or "",
            testimonial_shared=bool(data.get("testimonial_shared")),
        )
        try:
            close_outs.check(self.close_out, self.answers)
        except Invalid as invalid:
            for name, found in invalid.errors.items():
                self.add_error(None if name == "__all__" else name, found)
        return data


class ShareForm(forms.Form):
    shared = forms.BooleanField(required=False)
