from datetime import date
from urllib.parse import urlencode

from django import forms
from django.core.validators import MaxValueValidator, MinValueValidator
from django.utils.formats import date_format
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from matching import rescoring
from matching.models import MatchingRun
from mentorships.models import Mentorship, MentorshipQuerySet
from profiles.models import AuditEntry, Cycle, Profile, Program, ProgramRole, User
from profiles.taxonomy import COMPONENTS

from .learning import run_name
from .models import DigestChoice
from .people import STATES

POLICY_CHOICES = [
    ("optimal", _("Optimal — most mentees matched, then the highest total score")),
    ("balanced", _("Balanced — as many matched, spread over more mentors for a sliver of score")),
    ("stable", _("Stable — no mentee and mentor who would both rather be together")),
]


# Each component's weight, one whole label each (COMPONENT_LABELS lower-cased in English).
WEIGHT_LABELS = {
    "goals": _("Weight of goals (0–100)"),
    "background": _("Weight of shared background (0–100)"),
    "values": _("Weight of shared values (0–100)"),
    "experience": _("Weight of experience (0–100)"),
    "logistics": _("Weight of logistics (0–100)"),
}


class ProgramSettingsForm(forms.ModelForm):
    class Meta:
        model = Program
        fields = [
            "name",
            "description",
            "signup_open",
            "require_common_language",
            "min_score",
            "suggestions_per_mentee",
            "suggestion_gap",
            "default_capacity",
            "expired_pair_cooldown_days",
            "term_grace_days",
            *(f"weight_{c}" for c in COMPONENTS),
        ]
        labels = {
            "signup_open": _("Sign-up open"),
            "require_common_language": _("Only suggest pairs who share a language"),
            "min_score": _("Minimum score to suggest (0–100)"),
            "suggestions_per_mentee": _("Suggestions per mentee (1–50)"),
            "suggestion_gap": _(
                "Spreading gap: points below a mentee's best match a suggested mentor may be "
                "(0–100)"
            ),
            "default_capacity": _("Default mentor capacity (0–50)"),
            "expired_pair_cooldown_days": _(
                "Days before a mentor who left a request unanswered, or declined it for want "
                "of room, is suggested to that mentee again (0–365)"
            ),
            "term_grace_days": _(
                "Days each pair has to choose to keep going when a cycle's term ends, before "
                "it closes as completed (0–90)"
            ),
            **{f"weight_{c}": WEIGHT_LABELS[c] for c in COMPONENTS},
        }
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        bounds = {
            "min_score": (0, 100),
            "suggestions_per_mentee": (1, 50),
            "suggestion_gap": (0, 100),
            "default_capacity": (0, 50),
            "expired_pair_cooldown_days": (0, 365),
        }
        bounds |= {f"weight_{c}": (0, 100) for c in COMPONENTS}
        for name, (low, high) in bounds.items():
            field = self.fields[name]
            field.validators += [MinValueValidator(low), MaxValueValidator(high)]
            field.widget.attrs.update(min=low, max=high)

    def clean(self):
        data = super().clean()
        if all(not data.get(f"weight_{c}") for c in COMPONENTS if f"weight_{c}" not in self.errors):
            self.add_error("weight_goals", gettext("At least one weight must be above zero."))
        return data


class AssignForm(forms.Form):
    policy = forms.ChoiceField(
        choices=POLICY_CHOICES, initial="optimal", widget=forms.RadioSelect, label=_("Policy")
    )


class CompareForm(forms.Form):
    a = forms.ModelChoiceField(queryset=MatchingRun.objects.none(), label=_("Earlier run"))
    b = forms.ModelChoiceField(queryset=MatchingRun.objects.none(), label=_("Later run"))

    def __init__(self, *args, program: Program, **kwargs):
        super().__init__(*args, **kwargs)
        finished = MatchingRun.objects.filter(program=program, status=MatchingRun.Status.SUCCEEDED)
        for name in ("a", "b"):
            self.fields[name].queryset = finished
            self.fields[name].label_from_instance = lambda r: (
                f"#{r.pk} {run_name(r)} · {date_format(r.created_at, 'd M H:i')}"
            )

    def clean(self):
        data = super().clean()
        a, b = data.get("a"), data.get("b")
        if a and b and a.kind != b.kind:
            raise forms.ValidationError(gettext("Compare two re-scores, or two auto-assignments."))
        if a and b and a.pk == b.pk:
            raise forms.ValidationError(gettext("Choose two different runs."))
        if a and b and rescoring.made_at(a) > rescoring.made_at(b):
            data["a"], data["b"] = b, a  # the earlier first, whichever box it was chosen in
        return data


class LearnForm(forms.Form):
    """Which outcomes to learn weights from: every cycle's, or one cycle's."""

    cycle = forms.ModelChoiceField(
        queryset=Cycle.objects.none(),
        required=False,
        empty_label=_("All cycles"),
        label=_("Learn from the outcomes of"),
    )

    def __init__(self, *args, program: Program, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["cycle"]
        field.queryset = program.cycles.exclude(state=Cycle.State.DRAFT).order_by(
            "-registration_opens", "-pk"
        )
        field.label_from_instance = lambda c: c.name


class ManualMatchForm(forms.Form):
    """The pair an admin matches by hand (ready people of the program), and their
    reason, which the page asks for only when the match sets a rule aside; the
    rules themselves are weighed by lifecycle.match_by_admin."""

    mentee = forms.ModelChoiceField(
        queryset=Profile.objects.none(),
        label=_("Mentee"),
        error_messages={
            "required": _("Choose a mentee."),
            "invalid_choice": _(
                "Choose a mentee of this program who has finished the questionnaire."
            ),
        },
    )
    mentor = forms.ModelChoiceField(
        queryset=Profile.objects.none(),
        label=_("Mentor"),
        error_messages={
            "required": _("Choose a mentor."),
            "invalid_choice": _(
                "Choose a mentor of this program who has finished the questionnaire."
            ),
        },
    )
    override_reason = forms.CharField(
        required=False,
        max_length=500,
        label=_("Why set these rules aside?"),
        help_text=_(
            "Kept with the mentorship and in the audit log, with your name. "
            "The two people are not shown it."
        ),
        widget=forms.Textarea(attrs={"rows": 3, "maxlength": 500}),
    )

    def __init__(self, *args, program: Program, **kwargs):
        super().__init__(*args, **kwargs)
        ready = Profile.objects.filter(program=program, is_ready=True).select_related("user")
        self.fields["mentee"].queryset = ready.mentees()
        self.fields["mentor"].queryset = ready.mentors()


MAX_UPLOAD = 10 * 1024 * 1024


class ImportForm(forms.Form):
    file = forms.FileField(
        label=_("CSV file of participants"),
        help_text=_("UTF-8, a header row first, up to 10 MB."),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_UPLOAD:
            raise forms.ValidationError(gettext("The file is larger than 10 MB."))
        if not upload.name.lower().endswith((".csv", ".txt")):
            raise forms.ValidationError(gettext("Upload a .csv file."))
        return upload


class ConfirmImportForm(forms.Form):
    invite = forms.BooleanField(
        required=False,
        initial=True,
        label=_("Email each new person a link to choose their password"),
    )


class DigestChoiceForm(forms.ModelForm):
    class Meta:
        model = DigestChoice
        fields = ["weekly"]
        help_texts = {
            "weekly": _(
                "On Mondays: mentorships flagged for their health, and mentors whose "
                "requests keep expiring, in every program. Nothing is sent in a quiet week."
            )
        }


# Dates an admin may filter on: wide enough for any program's records, narrow enough
# that a day after the last is still a date (date.max + 1 day overflows).
EARLIEST, LATEST = date(1900, 1, 1), date(2999, 12, 31)


def date_filter(label: str) -> forms.DateField:
    return forms.DateField(
        label=label,
        required=False,
        validators=[MinValueValidator(EARLIEST), MaxValueValidator(LATEST)],
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"invalid": _("Enter a date as year-month-day, e.g. 2026-03-31.")},
    )


class FilterForm(forms.Form):
    """A list page's search and filters (GET). A filter not understood is left out
    and ``problems`` says which and why; ``DATE_RANGE`` names two date fields,
    (first, last), the last of which may not come before the first."""

    DATE_RANGE: tuple[str, str] | None = None

    def clean(self):
        data = super().clean()
        if self.DATE_RANGE:
            first, last = (data.get(name) for name in self.DATE_RANGE)
            if first and last and last < first:
                since = self.fields[self.DATE_RANGE[0]].label
                self.add_error(
                    self.DATE_RANGE[1],
                    gettext("Earlier than “%(since)s” (%(date)s): choose a later date.")
                    % {"since": since, "date": date_format(first, "SHORT_DATE_FORMAT")},
                )
        return data

    def problems(self) -> list[tuple[str, str]]:
        """(field label, what is wrong) for each filter left out."""
        return [
            (self.fields[name].label, errors[0])
            for name, errors in self.errors.items()
            if name in self.fields
        ]


class MentorshipFilterForm(FilterForm):
    """The Mentorships list's search and filters. Each applies a QuerySet method of
    mentorships/models.py."""

    DATE_RANGE = ("started_from", "started_to")
    STATUSES = [
        ("", _("Any status")),
        ("under_way", _("Under way (accepted or active)")),
        ("stalled", _("Requests waiting 7 days or more")),
        *Mentorship.Status.choices,
    ]
    HEALTH = [
        ("", _("Any")),
        ("flagged", _("Flagged (any concern)")),
        *[(value, label) for value, label in Mentorship.Health.choices if value],
    ]

    q = forms.CharField(
        label=_("Search by mentee or mentor (name or email)"),
        required=False,
        max_length=100,
        widget=forms.SearchInput(attrs={"autocomplete": "off"}),
    )
    status = forms.ChoiceField(choices=STATUSES, required=False, label=_("Status"))
    source = forms.ChoiceField(
        choices=[("", _("Any way")), *Mentorship.Source.choices], required=False, label=_("Made by")
    )
    health = forms.ChoiceField(choices=HEALTH, required=False, label=_("Match health"))
    no_check_in = forms.BooleanField(required=False, label=_("Under way with no check-in yet"))
    started_from = date_filter(_("Started on or after"))
    started_to = date_filter(_("Started on or before"))

    def filter(self, found: MentorshipQuerySet) -> MentorshipQuerySet:
        """``found`` narrowed by every filter understood; oldest flag first when
        filtering on health (as the dashboard lists them), else newest request first."""
        self.is_valid()
        data = self.cleaned_data
        if text := data.get("q"):
            found = found.search(text)
        status = data.get("status")
        if status == "under_way":
            found = found.under_way()
        elif status == "stalled":
            found = found.stalled()
        elif status:
            found = found.filter(status=status)
        if source := data.get("source"):
            found = found.filter(source=source)
        found = found.started_between(data.get("started_from"), data.get("started_to"))
        if data.get("no_check_in"):
            found = found.without_check_in()
        if health := data.get("health"):
            flag = "" if health == "flagged" else health
            return found.flagged(flag).order_by("health_flagged_at", "pk")
        return found.order_by("-requested_at", "-pk")


class PeopleFilterForm(FilterForm):
    """The People list's search and filters (dashboard/people.py applies them)."""

    DATE_RANGE = ("joined_from", "joined_to")

    q = forms.CharField(
        label=_("Search by name or email"),
        required=False,
        max_length=100,
        widget=forms.SearchInput(attrs={"autocomplete": "off"}),
    )
    role = forms.ChoiceField(
        choices=[
            ("", _("Mentors and mentees")),
            ("mentor", _("Mentors")),
            ("mentee", _("Mentees")),
        ],
        required=False,
        label=_("Role"),
    )
    questionnaire = forms.ChoiceField(
        choices=[
            ("", _("Finished or not")),
            ("done", _("Finished: in matching")),
            ("unfinished", _("Still filling it in")),
        ],
        required=False,
        label=_("Questionnaire"),
    )
    state = forms.ChoiceField(
        choices=[("", _("Any state")), *((name, label) for name, (label, _hint) in STATES.items())],
        required=False,
        label=_("State"),
    )
    joined_from = date_filter(_("Joined on or after"))
    joined_to = date_filter(_("Joined on or before"))
    invited = forms.BooleanField(required=False, label=_("Invited, never logged in"))


class PauseForm(forms.Form):
    # What the admin asked for, not a toggle: the same form sent twice pauses once.
    paused = forms.TypedChoiceField(
        choices=[("yes", _("Pause")), ("no", _("Resume"))],
        coerce=lambda value: value == "yes",
        widget=forms.HiddenInput,
    )
    reason = forms.CharField(
        required=False,
        max_length=300,
        label=_("Why (optional; kept in the audit log, not sent to anyone)"),
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class InviteAgainForm(forms.Form):
    # The resends the confirmation was shown after: the same form sent twice sends once.
    seen = forms.IntegerField(min_value=0, widget=forms.HiddenInput)


class AdminEndForm(forms.Form):
    reason = forms.CharField(
        label=_("Why are you ending it?"),
        max_length=500,
        help_text=_(
            "Kept with the mentorship and in the audit log. The pair are told that the "
            "program team ended it, not this reason."
        ),
        widget=forms.Textarea(attrs={"rows": 3, "maxlength": 500}),
        error_messages={"required": _("Say why you are ending this mentorship.")},
    )


class RematchForm(AdminEndForm):
    """Ending a flagged mentorship so that its mentee can be matched again."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reason"].label = _("Why are you ending it to re-match?")


class AuditFilterForm(forms.Form):
    """The audit log's filters (GET): what was done, and by whom. A value not
    understood (an old link, a person since removed) leaves out its own filter."""

    NOBODY = "system"

    action = forms.ChoiceField(label=_("What"), required=False)
    who = forms.ChoiceField(label=_("Who"), required=False)

    def __init__(self, data, *, entries):
        super().__init__(data, label_suffix="")
        self.fields["action"].choices = [("", _("Every action")), *AuditEntry.Action.choices]
        actors = User.objects.filter(pk__in=entries.exclude(actor=None).values("actor")).order_by(
            "email"
        )
        self.fields["who"].choices = [
            ("", _("Anyone")),
            *((str(u.pk), u.email) for u in actors),
            (self.NOBODY, _("Kindred itself (the worker, the command line)")),
        ]

    def filter(self, entries):
        self.is_valid()
        data = self.cleaned_data
        if action := data.get("action"):
            entries = entries.filter(action=action)
        who = data.get("who")
        if who == self.NOBODY:
            entries = entries.filter(actor=None)
        elif who:
            entries = entries.filter(actor_id=int(who))
        return entries

    def query(self) -> str:
        """The filters as a query string, for the pages' links."""
        self.is_valid()
        return urlencode({k: v for k, v in self.cleaned_data.items() if v})


class RoleInviteForm(forms.Form):
    email = forms.EmailField(
        label=_("Email address"),
        max_length=254,
        help_text=_(
            "Someone with an account gets the role at once; a new address gets an "
            "invitation to choose a password."
        ),
    )
    role = forms.ChoiceField(
        label=_("Role"),
        choices=[
            (ProgramRole.Kind.COORDINATOR, _("Coordinator: reads the dashboards, matches by hand")),
            (ProgramRole.Kind.ADMIN, _("Admin: everything in this program")),
        ],
        initial=ProgramRole.Kind.COORDINATOR,
        widget=forms.RadioSelect,
    )


class RoleChangeForm(forms.Form):
    role = forms.ChoiceField(choices=ProgramRole.Kind.choices, widget=forms.HiddenInput)
