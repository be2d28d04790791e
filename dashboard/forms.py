from django import forms
from django.core.validators import MaxValueValidator, MinValueValidator

from matching.models import MatchingRun
from profiles.models import Profile, Program
from profiles.taxonomy import COMPONENT_LABELS, COMPONENTS

from .models import DigestChoice

POLICY_CHOICES = [
    ("optimal", "Optimal — most mentees matched, then the highest total score"),
    ("balanced", "Balanced — as many matched, spread over more mentors for a sliver of score"),
    ("stable", "Stable — no mentee and mentor who would both rather be together"),
]


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
            *(f"weight_{c}" for c in COMPONENTS),
        ]
        labels = {
            "signup_open": "Sign-up open",
            "require_common_language": "Only suggest pairs who share a language",
            "min_score": "Minimum score to suggest (0–100)",
            "suggestions_per_mentee": "Suggestions per mentee (1–50)",
            "suggestion_gap": "Spreading gap: points below a mentee's best match a suggested "
            "mentor may be (0–100)",
            "default_capacity": "Default mentor capacity (0–50)",
            "expired_pair_cooldown_days": "Days before a mentor who left a request unanswered, "
            "or declined it for want of room, is suggested to that mentee again (0–365)",
            **{
                f"weight_{c}": f"Weight of {COMPONENT_LABELS[c].lower()} (0–100)"
                for c in COMPONENTS
            },
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
            self.add_error("weight_goals", "At least one weight must be above zero.")
        return data


class AssignForm(forms.Form):
    policy = forms.ChoiceField(
        choices=POLICY_CHOICES, initial="optimal", widget=forms.RadioSelect, label="Policy"
    )


class CompareForm(forms.Form):
    a = forms.ModelChoiceField(queryset=MatchingRun.objects.none(), label="Earlier run")
    b = forms.ModelChoiceField(queryset=MatchingRun.objects.none(), label="Later run")

    def __init__(self, *args, program: Program, **kwargs):
        super().__init__(*args, **kwargs)
        finished = MatchingRun.objects.filter(program=program, status=MatchingRun.Status.SUCCEEDED)
        for name in ("a", "b"):
            self.fields[name].queryset = finished
            self.fields[name].label_from_instance = lambda r: (
                f"#{r.pk} {r.get_kind_display()} · {r.created_at:%d %b %H:%M}"
            )

    def clean(self):
        data = super().clean()
        if data.get("a") and data.get("b") and data["a"].kind != data["b"].kind:
            raise forms.ValidationError("Compare two re-scores, or two auto-assignments.")
        return data


class ManualMatchForm(forms.Form):
    mentor = forms.ModelChoiceField(queryset=Profile.objects.none(), label="Mentor")
    override_reason = forms.CharField(
        required=False,
        max_length=300,
        label="Reason for setting a rule aside (needed only when one is)",
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args, mentors, labels: dict[int, str], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["mentor"].queryset = mentors
        self.fields["mentor"].label_from_instance = lambda m: labels.get(m.pk, m.name)


MAX_UPLOAD = 10 * 1024 * 1024


class ImportForm(forms.Form):
    file = forms.FileField(
        label="CSV file of participants",
        help_text="UTF-8, a header row first, up to 10 MB. See the column guide.",
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_UPLOAD:
            raise forms.ValidationError("The file is larger than 10 MB.")
        if not upload.name.lower().endswith((".csv", ".txt")):
            raise forms.ValidationError("Upload a .csv file.")
        return upload


class ConfirmImportForm(forms.Form):
    invite = forms.BooleanField(
        required=False, initial=True, label="Email each new person a link to choose their password"
    )


class DigestChoiceForm(forms.ModelForm):
    class Meta:
        model = DigestChoice
        fields = ["weekly"]
        help_texts = {
            "weekly": "On Mondays: mentorships flagged for their health, and mentors whose "
            "requests keep expiring, in every program. Nothing is sent in a quiet week."
        }
