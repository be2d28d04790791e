"""The forms of meetings: times proposed, a time picked, and the session log.

Times are typed in the proposer's own time zone (their profile's, as every page
shows them) and kept as instants; a time that does not exist there, or exists
twice (a daylight-saving change), is refused in words."""

from __future__ import annotations

from datetime import datetime

from django import forms
from django.core.validators import URLValidator
from django.db.models import Q
from django.utils import timezone
from django.utils.functional import lazy
from django.utils.translation import gettext_lazy as _

from profiles.models import Tag

from .meetings import HELD_MINUTES, Plan
from .models import MEETING_MINUTES, MEETING_OPTIONS, Meeting, MeetingOption
from .times import in_both_zones, length, local, zone_of

# The lengths offered, from MEETING_MINUTES's shortest to its longest.
LENGTHS = [(n, lazy(length, str)(n)) for n in (15, 30, 45, 60, 90, 120, 180)]
LOCAL_INPUT = "%Y-%m-%dT%H:%M"


def time_field(label: str, *, required: bool) -> forms.DateTimeField:
    return forms.DateTimeField(
        label=label,
        required=required,
        input_formats=[LOCAL_INPUT, "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S"],
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format=LOCAL_INPUT),
        error_messages={
            "required": _("Give at least one time."),
            "invalid": _("Enter a date and a time."),
        },
    )


class MeetingForm(forms.Form):
    """A meeting proposed, or other times for it. ``me`` is the proposer (their
    zone reads the times), ``goals`` the agenda's choices."""

    time_1 = time_field(_("First time"), required=True)
    time_2 = time_field(_("Second time (optional)"), required=False)
    time_3 = time_field(_("Third time (optional)"), required=False)
    minutes = forms.IntegerField(
        label=_("How long"),
        min_value=MEETING_MINUTES[0],
        max_value=MEETING_MINUTES[1],
        initial=60,
        widget=forms.Select(choices=LENGTHS),
    )
    video_url = forms.URLField(
        label=_("Video link"),
        required=False,
        max_length=500,
        assume_scheme="https",
        validators=[URLValidator(schemes=["http", "https"])],
        help_text=_("A Zoom, Meet or Teams link, for example. Or give a place below."),
        error_messages={"invalid": _("Enter a web address starting with https://.")},
    )
    place = forms.CharField(
        label=_("Or a place"),
        required=False,
        max_length=200,
        help_text=_("A café, an office, a phone call."),
    )
    agenda = forms.ModelMultipleChoiceField(
        label=_("What would you like to talk about?"),
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    agenda_note = forms.CharField(
        label=_("Anything else (optional)"), required=False, max_length=200
    )

    def __init__(self, *args, me, goals, now: datetime | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.me, self.zone = me, zone_of(me)
        self.now = now or timezone.now()
        self.fields["agenda"].queryset = goals
        for n in range(1, MEETING_OPTIONS + 1):
            self.fields[f"time_{n}"].widget.attrs["min"] = local(self.now, me).strftime(LOCAL_INPUT)

    def full_clean(self):
        # Typed times are read in the proposer's zone, whatever zone the page runs in.
        with timezone.override(self.zone):
            super().full_clean()

    def clean(self):
        data = super().clean()
        times = [data.get(f"time_{n}") for n in range(1, MEETING_OPTIONS + 1)]
        for n, when in enumerate(times, start=1):
            if when is not None and when <= self.now:
                self.add_error(f"time_{n}", _("This time has passed: give one in the future."))
        given = [t for t in times if t is not None]
        if len(set(given)) < len(given):
            self.add_error(None, _("Give different times: two of them are the same."))
        if not (data.get("video_url") or data.get("place", "").strip()):
            self.add_error("video_url", _("Give a video link, or a place to meet."))
        return data

    def times(self) -> list[datetime]:
        return [
            self.cleaned_data[f"time_{n}"]
            for n in range(1, MEETING_OPTIONS + 1)
            if self.cleaned_data.get(f"time_{n}") is not None
        ]

    def plan(self) -> Plan:
        data = self.cleaned_data
        return Plan(
            minutes=data["minutes"],
            place=data["place"],
            video_url=data["video_url"],
            agenda=list(data["agenda"]),
            agenda_note=data["agenda_note"],
        )

    @classmethod
    def initial_from(cls, meeting: Meeting) -> dict:
        """Another round keeps what the meeting says, but for its times."""
        return {
            "minutes": meeting.minutes,
            "video_url": meeting.video_url,
            "place": meeting.place,
            "agenda": list(meeting.agenda.all()),
            "agenda_note": meeting.agenda_note,
        }


class OptionChoice(forms.ModelChoiceField):
    def __init__(self, *args, me, other, **kwargs):
        self.me, self.other = me, other
        super().__init__(*args, **kwargs)

    def label_from_instance(self, option: MeetingOption) -> str:
        return in_both_zones(option.starts_at, self.me, self.other)


class PickForm(forms.Form):
    """One of the times on offer, still to come."""

    def __init__(self, *args, meeting: Meeting, me, other, now: datetime | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        now = now or timezone.now()
        self.fields["option"] = OptionChoice(
            queryset=meeting.options.filter(starts_at__gt=now),
            me=me,
            other=other,
            label=_("Which time suits you?"),
            widget=forms.RadioSelect,
            empty_label=None,
            error_messages={
                "required": _("Choose one of the times."),
                "invalid_choice": _(
                    "That time is no longer on offer: choose one of the times shown."
                ),
            },
        )


class LogForm(forms.Form):
    """Did you meet? Held (how long, which goals) or missed."""

    OUTCOMES = [("held", _("Yes, we met")), ("missed", _("No, it did not happen"))]

    outcome = forms.ChoiceField(
        label=_("Did you meet?"), choices=OUTCOMES, widget=forms.RadioSelect
    )
    held_minutes = forms.IntegerField(
        label=_("How long did you meet, in minutes?"),
        required=False,
        min_value=HELD_MINUTES[0],
        max_value=HELD_MINUTES[1],
    )
    discussed = forms.ModelMultipleChoiceField(
        label=_("Which goals did you talk about?"),
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, meeting: Meeting, goals, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["discussed"].queryset = Tag.objects.filter(
            Q(pk__in=goals.values("pk")) | Q(pk__in=meeting.agenda.values("pk"))
        ).order_by("sort_order", "name")
        self.fields["held_minutes"].initial = meeting.minutes
        self.initial.setdefault("discussed", list(meeting.agenda.all()))

    def clean(self):
        data = super().clean()
        if data.get("outcome") == "held" and data.get("held_minutes") is None:
            self.add_error("held_minutes", _("Say how long you met."))
        return data


class PageLogForm(LogForm):
    """On the page, "we moved it" leads to proposing other times."""

    OUTCOMES = [
        ("held", _("Yes, we met")),
        ("moved", _("No, we moved it to another time")),
        ("missed", _("No, it did not happen")),
    ]
    outcome = forms.ChoiceField(
        label=_("Did you meet?"), choices=OUTCOMES, widget=forms.RadioSelect
    )
