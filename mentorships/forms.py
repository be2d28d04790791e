import re

from django import forms
from django.utils.formats import date_format
from django.utils.timezone import localtime
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from profiles.forms import MAX_MENTOR_CAPACITY

from . import agreements, models
from .exceptions import Invalid
from .models import MESSAGE_MAX_LENGTH, NOTE_MAX_LENGTH, ActionItem, Mentorship


def reason_field(choices, label: str) -> forms.ChoiceField:
    return forms.ChoiceField(choices=[("", _("Choose a reason")), *choices], label=label)


def note_field(label: str, max_length: int = 500) -> forms.CharField:
    return forms.CharField(
        label=label,
        required=False,
        max_length=max_length,
        widget=forms.Textarea(attrs={"rows": 3, "maxlength": max_length}),
    )


class AcceptForm(forms.Form):
    note = note_field(_("A note to the mentee with your yes (optional)"))


class DeclineForm(forms.Form):
    reason = reason_field(Mentorship.DeclineReason.choices, _("Why decline?"))
    note = note_field(_("A kind note to the mentee (optional)"))


class EndForm(forms.Form):
    # The end of a cycle's term is Kindred's to say (mentorships/terms.py), not a person's.
    reason = reason_field(
        [c for c in Mentorship.EndReason.choices if c[0] != Mentorship.EndReason.TERM_ENDED],
        _("Why end the mentorship?"),
    )
    note = note_field(_("Anything you would like to add (optional)"))


class TurnDownForm(forms.Form):
    reason = forms.CharField(
        label=_("Why does this match not work for you?"),
        max_length=500,
        help_text=_("Shown to the other side as you write it."),
        widget=forms.Textarea(attrs={"rows": 3, "maxlength": 500}),
    )


class CheckInForm(forms.Form):
    rating = forms.TypedChoiceField(
        choices=[
            (1, _("1 — not going well")),
            (2, _("2 — struggling")),
            (3, _("3 — fine")),
            (4, _("4 — good")),
            (5, _("5 — going really well")),
        ],
        coerce=int,
        widget=forms.RadioSelect,
        label=_("How is it going?"),
    )
    note = note_field(_("A note for both of you (optional)"), max_length=1000)


class AvailabilityForm(forms.Form):
    capacity = forms.IntegerField(
        min_value=0, max_value=MAX_MENTOR_CAPACITY, label=_("Mentees you can take on at once")
    )
    is_paused = forms.BooleanField(required=False, label=_("Pause new requests"))
    decline_waiting = forms.BooleanField(
        required=False, label=_("When pausing, also decline the requests waiting for me, kindly")
    )


# --- the workspace: notes, action items, messages, reports ------------------------------


def _written(label: str, max_length: int, empty: str, *, rows: int, help_text: str = ""):
    """A text people must write something in: an empty one is refused in words."""
    return forms.CharField(
        label=label,
        max_length=max_length,
        help_text=help_text,
        error_messages={"required": empty},
        widget=forms.Textarea(attrs={"rows": rows, "maxlength": max_length}),
    )


NOTE_VISIBILITY = [
    ("shared", _("Shared: both of you see it")),
    ("private", _("Private: only you see it")),
]


class NoteForm(forms.Form):
    body = _written(
        _("Write a note"),
        NOTE_MAX_LENGTH,
        _("Write something first: an empty note is not saved."),
        rows=5,
        help_text=_("Markdown works: **bold**, *italics*, lists starting with -, links."),
    )
    visibility = forms.ChoiceField(
        label=_("Who sees it"),
        choices=NOTE_VISIBILITY,
        initial="shared",
        widget=forms.RadioSelect,
    )

    def __init__(self, *args, mentorship: Mentorship | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        # On a page, a note may be about one of the pair's meetings (the API names it by id).
        times = meeting_choices(mentorship) if mentorship is not None else []
        if times:
            self.fields["meeting"] = forms.TypedChoiceField(
                label=_("About a meeting (optional)"),
                required=False,
                coerce=int,
                empty_value=None,
                choices=[("", _("The mentorship as a whole")), *times],
            )

    @property
    def shared(self) -> bool:
        return self.cleaned_data["visibility"] == "shared"

    @property
    def meeting(self) -> int | None:
        """The meeting chosen; None for the mentorship as a whole (or none to choose from)."""
        return self.cleaned_data.get("meeting")


def when(at) -> str:
    # Translators: a meeting's date and time, in Django's date format letters
    # (https://docs.djangoproject.com/en/5.2/ref/templates/builtins/#date): reorder them
    # as your language writes a date; "D" and "M" are the short day and month names.
    return date_format(localtime(at), gettext("D j M Y, H:i"))


def meeting_choices(mentorship: Mentorship) -> list[tuple[int, str]]:
    """The pair's meetings with a time, latest first, said in the reader's time zone."""
    found = mentorship.meetings.exclude(starts_at=None)
    return [
        (
            meeting.pk,
            # Translators: a meeting in a list: its time, then its state ("confirmed", "held").
            gettext("%(when)s (%(state)s)")
            % {"when": when(meeting.starts_at), "state": meeting.get_status_display().lower()},
        )
        for meeting in found.order_by("-starts_at", "-pk")
    ]


class ActionItemForm(forms.Form):
    text = forms.CharField(
        label=_("What is to be done"),
        max_length=300,
        error_messages={
            "required": _("Say what is to be done: an empty action item is not added.")
        },
    )
    owner = forms.ChoiceField(label=_("Whose is it"), choices=ActionItem.Owner.choices)
    due = forms.DateField(
        label=_("Due (optional)"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args, mentorship: Mentorship | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        if mentorship is not None:  # the two people by name
            names = {"mentee": mentorship.mentee, "mentor": mentorship.mentor}
            self.fields["owner"].choices = [
                (
                    side,
                    # Translators: a person and their side of the pair: "Ana (mentee)".
                    gettext("%(name)s (%(side)s)")
                    % {"name": names[side].name, "side": label.lower()}
                    if names[side]
                    else label,
                )
                for side, label in ActionItem.Owner.choices
            ]


class ActionItemDoneForm(forms.Form):
    done = forms.BooleanField(required=False, label=_("Done"))


class MessageForm(forms.Form):
    body = _written(
        _("Your message"),
        MESSAGE_MAX_LENGTH,
        _("Write a message first: an empty message is not sent."),
        rows=3,
    )


class ReportForm(forms.Form):
    reason = note_field(_("What is wrong with this message? (optional)"), max_length=1000)


class HandleReportForm(forms.Form):
    note = forms.CharField(
        label=_("What you did"),
        max_length=1000,
        help_text=_("Kept with the report and in the audit log."),
        error_messages={"required": _("Say what you did about this report.")},
        widget=forms.Textarea(attrs={"rows": 2, "maxlength": 1000}),
    )


# --- the agreement (agreements.py) ------------------------------------------------------

_AGREEMENT_FIELD = re.compile(r"^goals\.(\d+)\.(goal|success|rating)$")


class AgreementForm(forms.Form):
    """The mentee's agreement: a box per goal on their profile and, under each one
    chosen, what success looks like and where they are today; then how often, for
    how long, and what stays between the two. ``agreements.check_terms`` decides;
    each problem it finds is shown on the field it is about."""

    cadence_weeks = forms.TypedChoiceField(
        label=_("How often will you meet?"),
        choices=models.AgreementVersion.Cadence.choices,
        coerce=int,
        widget=forms.RadioSelect,
    )
    duration_months = forms.TypedChoiceField(
        label=_("For how long?"),
        choices=models.AgreementVersion.Duration.choices,
        coerce=int,
        widget=forms.RadioSelect,
    )
    confidentiality = forms.CharField(
        label=_("What stays between you"),
        required=False,
        help_text=_(
            "What each of you keeps to yourselves. Kindred suggests a start: "
            "make it yours, or keep it."
        ),
        widget=forms.Textarea(attrs={"rows": 5, "maxlength": models.CONFIDENTIALITY_MAX_LENGTH}),
    )

    def __init__(self, *args, mentee, **kwargs):
        super().__init__(*args, **kwargs)
        self.mentee = mentee
        self.offered = list(mentee.goals.all())
        for tag in self.offered:
            self.fields[f"goal_{tag.slug}"] = forms.BooleanField(required=False, label=tag.name)
            self.fields[f"success_{tag.slug}"] = forms.CharField(
                required=False,
                label=_("What success looks like"),
                widget=forms.Textarea(attrs={"rows": 3, "maxlength": models.SUCCESS_MAX_LENGTH}),
            )
            self.fields[f"rating_{tag.slug}"] = forms.TypedChoiceField(
                required=False,
                label=_("Where you are today"),
                choices=[("", _("Choose…")), *models.Rating.choices],
                coerce=int,
                empty_value=0,
            )

    def goal_rows(self) -> list[dict]:
        return [
            {
                "tag": tag,
                "chosen": self[f"goal_{tag.slug}"],
                "success": self[f"success_{tag.slug}"],
                "rating": self[f"rating_{tag.slug}"],
            }
            for tag in self.offered
        ]

    def clean(self) -> dict:
        data = super().clean()
        chosen = [tag for tag in self.offered if data.get(f"goal_{tag.slug}")]
        self.terms = agreements.Terms(
            goals=[
                agreements.GoalTerms(
                    goal=tag.slug,
                    success=data.get(f"success_{tag.slug}") or "",
                    rating=data.get(f"rating_{tag.slug}") or 0,
                )
                for tag in chosen
            ],
            cadence_weeks=data.get("cadence_weeks") or 0,
            duration_months=data.get("duration_months") or 0,
            confidentiality=data.get("confidentiality") or "",
        )
        try:
            agreements.check_terms(self.mentee, self.terms)
        except Invalid as invalid:
            self.show(invalid, chosen)
        return data

    def show(self, invalid: Invalid, chosen: list) -> None:
        """Put each problem ``check_terms`` found on its field (goals as a whole: the form's)."""
        for key, found in invalid.errors.items():
            if match := _AGREEMENT_FIELD.match(key):
                name = f"{match[2]}_{chosen[int(match[1])].slug}"
            else:
                name = key if key in self.fields else None
            if name is None or name not in self.errors:
                self.add_error(name, found)


class SuggestChangesForm(forms.Form):
    note = forms.CharField(
        label=_("What would you change?"),
        max_length=models.SUGGESTION_MAX_LENGTH,
        help_text=_("Your mentee reads it as you write it, and revises the agreement."),
        error_messages={"required": _("Say what you would change, so that they can revise it.")},
        widget=forms.Textarea(attrs={"rows": 4, "maxlength": models.SUGGESTION_MAX_LENGTH}),
    )


class GoalRatingForm(forms.Form):
    rating = forms.TypedChoiceField(
        label=_("Where are you now?"), choices=models.Rating.choices, coerce=int
    )


class GoalDoneForm(forms.Form):
    done = forms.BooleanField(required=False, label=_("Done"))
