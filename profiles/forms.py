import unicodedata
import zoneinfo
from functools import cache

from django import forms
from django.core.validators import MaxValueValidator, MinValueValidator

from .models import Profile, Program, Tag
from .services import set_background
from .taxonomy import (
    COMPONENT_LABELS,
    COMPONENTS,
    CONSENT_PURPOSE,
    MUST_FACET_PHRASES,
    SENSITIVE_FACETS,
    SINGLE_CHOICE_FACETS,
    Facet,
    Importance,
    MeetingFormat,
    TagKind,
    Visibility,
)

MAX_MENTOR_CAPACITY = 20


@cache
def timezone_choices() -> list[tuple[str, str]]:
    names = sorted(z for z in zoneinfo.available_timezones() if "/" in z or z == "UTC")
    return [("", "Choose your timezone"), *((z, z.replace("_", " ")) for z in names)]


def tag_choices(kind: str, label: str, *, required: bool = False, **kwargs):
    return forms.ModelMultipleChoiceField(
        queryset=Tag.objects.of_kind(kind),
        widget=forms.CheckboxSelectMultiple,
        required=required,
        label=label,
        **kwargs,
    )


class JoinForm(forms.Form):
    program = forms.ModelChoiceField(
        queryset=Program.objects.open(), empty_label=None, label="Program to join"
    )


class AboutForm(forms.ModelForm):
    languages = tag_choices(
        TagKind.LANGUAGE,
        "Languages you speak well enough to mentor or be mentored in",
        required=True,
        error_messages={"required": "Choose at least one language."},
    )
    years_experience = forms.IntegerField(
        label="Years of work experience",
        required=False,
        validators=[MinValueValidator(0), MaxValueValidator(70)],
    )

    class Meta:
        model = Profile
        fields = [
            "display_name",
            "headline",
            "bio",
            "career_stage",
            "years_experience",
            "industry",
            "languages",
        ]
        labels = {
            "display_name": "Name shown to others",
            "headline": "One-line headline",
            "bio": "A few words about you",
            "career_stage": "Career stage",
            "industry": "Industry",
        }
        help_texts = {
            "headline": "For example: “Product manager, fintech, first in my family at college”.",
            "bio": "Up to 2,000 characters.",
        }
        widgets = {"bio": forms.Textarea(attrs={"rows": 5, "maxlength": 2000})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["display_name"].required = True
        self.fields["career_stage"].required = True
        self.fields["industry"].queryset = Tag.objects.of_kind(TagKind.INDUSTRY)
        self.fields["industry"].empty_label = "Prefer not to say"

    def clean_display_name(self) -> str:
        return visible_name(self.cleaned_data["display_name"])


# Characters that turn text around or hide in it: a name of nothing else
# shows as blank, and direction overrides can make a name read as another.
DIRECTION_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")


def visible_name(name: str) -> str:
    """A name without direction controls, refused when nothing visible is left
    (zero-width and format characters alone, or spaces)."""
    name = "".join(ch for ch in name if ch not in DIRECTION_CONTROLS).strip()
    if not any(unicodedata.category(ch)[0] not in "CZ" for ch in name):
        raise forms.ValidationError("Please use a name with at least one visible letter.")
    return name


class BackgroundForm(forms.Form):
    """The sensitive answers. Nothing here is stored without ``consent``."""

    consent = forms.BooleanField(
        required=False,
        label="I consent to Kindred storing the background answers I give here",
        help_text=CONSENT_PURPOSE,
    )
    visibility = forms.ChoiceField(
        choices=Visibility.choices,
        widget=forms.RadioSelect,
        initial=Visibility.MATCHING,
        label="Who may see these answers",
    )
    heritage_note = forms.CharField(
        max_length=200,
        required=False,
        label="Your heritage in your own words (optional)",
        help_text="Shown only as your visibility choice allows; not used for scoring.",
    )

    LABELS = {
        Facet.HERITAGE: "Heritage",
        Facet.GENERATION: "Immigrant generation",
        Facet.FIRST_GEN: "First-generation path",
        Facet.SOCIOECONOMIC: "Household income growing up",
        Facet.OUTLOOK: "Political outlook",
        Facet.FAITH: "Faith or worldview",
        Facet.LGBTQ: "LGBTQ+",
    }

    def __init__(self, *args, profile: Profile, **kwargs):
        self.profile = profile
        chosen = list(profile.background.all())
        initial = {
            "consent": profile.consents.given().exists(),
            "visibility": profile.background_visibility,
            "heritage_note": profile.heritage_note,
        }
        for facet in SENSITIVE_FACETS:
            mine = [t for t in chosen if t.facet == facet]
            initial[facet] = (mine[0] if mine else None) if facet in SINGLE_CHOICE_FACETS else mine
        super().__init__(*args, initial=initial, **kwargs)
        for facet in SENSITIVE_FACETS:
            queryset = Tag.objects.of_facet(facet)
            if facet in SINGLE_CHOICE_FACETS:
                field = forms.ModelChoiceField(
                    queryset=queryset,
                    required=False,
                    widget=forms.RadioSelect,
                    empty_label="Prefer not to say",
                    label=self.LABELS[facet],
                )
            else:
                field = forms.ModelMultipleChoiceField(
                    queryset=queryset,
                    required=False,
                    widget=forms.CheckboxSelectMultiple,
                    label=self.LABELS[facet],
                )
            self.fields[facet] = field
        # Consent and visibility read best after the questions they govern.
        self.order_fields([*SENSITIVE_FACETS, "heritage_note", "visibility", "consent"])

    def answered_facets(self) -> list[str]:
        data = self.cleaned_data
        facets = [f for f in SENSITIVE_FACETS if data.get(f)]
        if data.get("heritage_note") and Facet.HERITAGE not in facets:
            facets.append(Facet.HERITAGE)
        return facets

    def chosen_tags(self) -> list[Tag]:
        tags: list[Tag] = []
        for facet in SENSITIVE_FACETS:
            value = self.cleaned_data.get(facet)
            if value:
                tags.extend([value] if isinstance(value, Tag) else value)
        return tags

    def save(self) -> None:
        set_background(
            profile=self.profile,
            tags=self.chosen_tags(),
            note=self.cleaned_data["heritage_note"],
            visibility=self.cleaned_data["visibility"],
            answered=self.answered_facets(),
        )

    def clean(self):
        data = super().clean()
        if self.answered_facets() and not data.get("consent"):
            self.add_error(
                "consent",
                "Tick the consent box to save background answers, or clear them to skip this step.",
            )
        return data


class GoalsForm(forms.ModelForm):
    class Meta:
        model = Profile
        fields = ["goals"]
        widgets = {"goals": forms.CheckboxSelectMultiple}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["goals"]
        field.queryset = Tag.objects.of_kind(TagKind.GOAL)
        if self.instance.is_mentor:
            field.label = "What you can help mentees with"
        else:
            field.label = "What you would like help with"
            field.help_text = "Pick as many as matter; mentors are scored on how many they cover."


class ValuesForm(forms.ModelForm):
    class Meta:
        model = Profile
        fields = ["values"]
        labels = {"values": "Values that matter to you"}
        widgets = {"values": forms.CheckboxSelectMultiple}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["values"].queryset = Tag.objects.of_kind(TagKind.VALUE)


class LogisticsForm(forms.ModelForm):
    timezone = forms.ChoiceField(choices=timezone_choices, label="Your timezone")

    class Meta:
        model = Profile
        fields = ["timezone", "meeting_format", "city", "contact_details"]
        labels = {
            "meeting_format": "How you can meet",
            "city": "City (for meeting in person)",
            "contact_details": "How a match can reach you",
        }
        help_texts = {
            "contact_details": "Shown only to the person you are paired with, once the "
            "mentorship is accepted. Your sign-in email is shared if you leave this empty.",
        }
        widgets = {"meeting_format": forms.RadioSelect}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.is_mentor:
            self.fields["capacity"] = forms.IntegerField(
                label="How many mentees you can take on at once",
                min_value=0,
                max_value=MAX_MENTOR_CAPACITY,
                initial=self.instance.capacity,
            )
            self.fields["is_paused"] = forms.BooleanField(
                required=False,
                label="Pause new requests for now",
                initial=self.instance.is_paused,
            )
        else:
            self._add_mentee_fields()

    def _add_mentee_fields(self) -> None:
        for component in COMPONENTS:
            name = f"importance_{component}"
            self.fields[name] = forms.TypedChoiceField(
                choices=Importance.choices,
                coerce=int,
                widget=forms.RadioSelect,
                label=f"How much {COMPONENT_LABELS[component].lower()} matters to you",
                initial=getattr(self.instance, name),
            )
        self.fields["must_share"] = forms.MultipleChoiceField(
            choices=[
                (f.value, f"Only suggest a mentor who {p}") for f, p in MUST_FACET_PHRASES.items()
            ],
            widget=forms.CheckboxSelectMultiple,
            required=False,
            label="Must-haves",
            help_text="Each one you tick hides every mentor who does not share it.",
            initial=self.instance.must_share,
        )

    def clean(self):
        data = super().clean()
        if data.get("meeting_format") == MeetingFormat.IN_PERSON and not data.get("city"):
            self.add_error("city", "Tell us your city so in-person matches can be near you.")
        missing = [
            Facet(f).label.lower()
            for f in data.get("must_share", [])
            if f != Facet.LANGUAGE and not self.instance.background.filter(facet=f).exists()
        ]
        if missing:
            self.add_error(
                "must_share",
                "You have not shared your " + ", ".join(missing) + " in the background step, "
                "so no mentor could be checked against it.",
            )
        return data

    def save(self, commit: bool = True) -> Profile:
        for name in (
            "capacity",
            "is_paused",
            "must_share",
            *(f"importance_{c}" for c in COMPONENTS),
        ):
            if name in self.cleaned_data:
                setattr(self.instance, name, self.cleaned_data[name])
        return super().save(commit=commit)


STEP_FORMS = {
    "about": AboutForm,
    "background": BackgroundForm,
    "goals": GoalsForm,
    "values": ValuesForm,
    "logistics": LogisticsForm,
}


def step_form(step: str, profile: Profile, data=None):
    form_class = STEP_FORMS[step]
    if form_class is BackgroundForm:
        return BackgroundForm(data, profile=profile)
    return form_class(data, instance=profile)
