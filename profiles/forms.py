import functools
import unicodedata

from django import forms
from django.core.validators import MaxValueValidator, MinValueValidator
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import mark_safe
from django.utils.text import capfirst
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from . import zones
from .models import Profile, Program, Tag
from .services import set_background
from .taxonomy import (
    COMPONENT_LABELS,
    COMPONENTS,
    CONSENT_PLACE,
    CONSENT_PURPOSE_SENTENCE,
    FACETS_IN_A_SENTENCE,
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
# Text fields this long or longer show a live "n / max characters" counter.
COUNTED_LENGTH = 120
TOO_LONG = _("Please shorten this to at most %(limit_value)d characters: it has %(show_value)d.")


def timezone_choices(keep: str = "") -> list:
    # Called each time the list is drawn, so the local times shown are current.
    return [("", gettext("Choose your time zone")), *zones.grouped_choices(keep=keep)]


class TimeZoneField(forms.ChoiceField):
    """A canonical tzdata zone; an old or alias name (``Asia/Calcutta``) is
    taken as the zone it names (``Asia/Kolkata``)."""

    default_error_messages = {
        "required": _("Choose your time zone."),
        "invalid_choice": _("Choose your time zone from the list: “%(value)s” is not one we know."),
    }

    def __init__(self, **kwargs):
        super().__init__(choices=timezone_choices, **kwargs)

    def to_python(self, value) -> str:
        value = super().to_python(value)
        return zones.canonical(value) or value

    def valid_value(self, value) -> bool:
        return value in zones.canonical_names()


def no_silent_cut(form: forms.BaseForm) -> None:
    """Over-long text is refused with a message saying so, never cut by the
    browser's ``maxlength``; long fields get a character counter (kindred.js
    keeps it live), described to the field it counts."""
    for name, field in form.fields.items():
        if isinstance(field, forms.CharField) and field.max_length:
            field.widget.attrs.pop("maxlength", None)
            field.error_messages["max_length"] = TOO_LONG
            if field.max_length >= COUNTED_LENGTH:
                field.counted_max = f"{field.max_length:,}"
                field.widget.attrs["data-maxlength"] = str(field.max_length)
                # kindred.js fills in {used}, {max} and {over}, in the page's language.
                field.widget.attrs["data-count-text"] = gettext("%(used)s / %(max)s characters") % {
                    "used": "{used}",
                    "max": "{max}",
                }
                field.widget.attrs["data-over-text"] = gettext(
                    "%(used)s / %(max)s characters — %(over)s too many"
                ) % {"used": "{used}", "max": "{max}", "over": "{over}"}
                auto_id = form.auto_id % name
                described = [f"{auto_id}_helptext"] if field.help_text else []
                field.widget.attrs["aria-describedby"] = " ".join([*described, f"{auto_id}_count"])


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
        # Only programs whose registration is open now (ProgramQuerySet.open).
        queryset=Program.objects.open(),
        empty_label=None,
        label=_("Program to join"),
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Choose the program to join."),
            "invalid_choice": _(
                "Registration for that program is closed now; see below when it opens again."
            ),
        },
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # With one program to choose, it is chosen.
        self.initial.setdefault("program", self.only_program())

    def only_program(self) -> Program | None:
        """The open program when there is just one, so nothing is left to choose."""
        programs = list(self.fields["program"].queryset[:2])
        return programs[0] if len(programs) == 1 else None


class AboutForm(forms.ModelForm):
    languages = tag_choices(
        TagKind.LANGUAGE,
        _("Languages you speak well enough to mentor or be mentored in"),
        required=True,
        error_messages={"required": _("Choose at least one language.")},
    )
    languages.filter_label = _("Find a language")
    years_experience = forms.IntegerField(
        label=_("Years of work experience"),
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
            "display_name": _("Name shown to others"),
            "headline": _("One-line headline"),
            "bio": _("A few words about you"),
            "career_stage": _("Career stage"),
            "industry": _("Industry"),
        }
        help_texts = {
            "headline": _(
                "For example: “Product manager, fintech, first in my family at college”."
            ),
            "bio": _("Up to 2,000 characters."),
        }
        widgets = {"bio": forms.Textarea(attrs={"rows": 5})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        no_silent_cut(self)
        self.fields["display_name"].required = True
        self.fields["career_stage"].required = True
        self.fields["industry"].queryset = Tag.objects.of_kind(TagKind.INDUSTRY)
        self.fields["industry"].empty_label = _("Prefer not to say")

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
        raise forms.ValidationError(gettext("Please use a name with at least one visible letter."))
    return name


class BackgroundForm(forms.Form):
    """The sensitive answers. Nothing here is stored without ``consent``."""

    consent = forms.BooleanField(
        required=False,
        label=_("I consent to Kindred storing the background answers I give here"),
    )
    visibility = forms.ChoiceField(
        choices=Visibility.choices,
        widget=forms.RadioSelect,
        initial=Visibility.MATCHING,
        label=_("Who may see these answers"),
    )
    heritage_note = forms.CharField(
        max_length=200,
        required=False,
        label=_("Your heritage in your own words (optional)"),
        help_text=_("Shown only as your visibility choice allows; not used for scoring."),
    )

    LABELS = {
        Facet.HERITAGE: _("Heritage"),
        Facet.GENERATION: _("Immigrant generation"),
        Facet.FIRST_GEN: _("First-generation path"),
        Facet.SOCIOECONOMIC: _("Household income growing up"),
        Facet.OUTLOOK: _("Political outlook"),
        Facet.FAITH: _("Faith or worldview"),
        Facet.LGBTQ: _("LGBTQ+"),
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
                # blank=True: a radio group shows its empty choice only so,
                # and it is how a saved answer is taken back.
                field = forms.ModelChoiceField(
                    queryset=queryset,
                    required=False,
                    widget=forms.RadioSelect,
                    blank=True,
                    empty_label=_("Prefer not to say (no answer)"),
                    label=self.LABELS[facet],
                )
            else:
                field = forms.ModelMultipleChoiceField(
                    queryset=queryset,
                    required=False,
                    widget=forms.CheckboxSelectMultiple,
                    label=self.LABELS[facet],
                )
                if facet == Facet.HERITAGE:
                    field.filter_label = _("Find a heritage")
            self.fields[facet] = field
        # Consent and visibility read best after the questions they govern.
        self.order_fields([*SENSITIVE_FACETS, "heritage_note", "visibility", "consent"])
        self.fields["consent"].help_text = consent_help()
        no_silent_cut(self)

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
                gettext(
                    "Tick the consent box to save background answers, or clear them to skip "
                    "this step: untick the boxes, choose “Prefer not to say (no answer)” and "
                    "empty the text box."
                ),
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
        field.filter_label = _("Find a goal")
        if self.instance.is_mentor:
            field.label = _("What you can help mentees with")
        else:
            field.label = _("What you would like help with")
            field.help_text = _(
                "Pick as many as matter; mentors are scored on how many they cover."
            )


class ValuesForm(forms.ModelForm):
    class Meta:
        model = Profile
        fields = ["values"]
        labels = {"values": _("Values that matter to you")}
        widgets = {"values": forms.CheckboxSelectMultiple}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["values"].queryset = Tag.objects.of_kind(TagKind.VALUE)


def facet_list(facets: list[str]) -> str:
    """Background categories named in a sentence: "heritage, faith"."""
    # Translators: a list's separator, as in "heritage, faith".
    return gettext(", ").join(str(FACETS_IN_A_SENTENCE[f]) for f in facets)


def not_shared(facets: list[str]) -> str:
    """Why must-haves cannot be kept: the background answers they need are not shared."""
    names = facet_list(facets)
    return gettext(
        "You have not shared your %(facets)s in the background step, "
        "so no mentor could be checked against it."
    ) % {"facets": names}


def consent_help() -> str:
    """The consent's purpose, its pointer to the visibility choice made a link to it."""
    link = format_html('<a href="#field-visibility">{}</a>', CONSENT_PLACE)
    # The sentence is escaped before the link, itself escaped by format_html, goes in.
    sentence = conditional_escape(CONSENT_PURPOSE_SENTENCE)
    return mark_safe(sentence % {"place": link})  # noqa: S308  # nosec B308 B703


class LogisticsForm(forms.ModelForm):
    timezone = TimeZoneField(
        label=_("Your time zone"),
        help_text=_("Each zone shows its time now; yours is guessed from your browser."),
    )

    class Meta:
        model = Profile
        fields = ["timezone", "meeting_format", "city", "contact_details"]
        labels = {
            "meeting_format": _("How you can meet"),
            "city": _("City (for meeting in person)"),
            "contact_details": _("How a match can reach you"),
        }
        help_texts = {
            "contact_details": _(
                "Shown only to the person you are paired with, once the mentorship is "
                "accepted. Your sign-in email is shared if you leave this empty."
            ),
        }
        widgets = {"meeting_format": forms.RadioSelect}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        no_silent_cut(self)
        saved = self.initial["timezone"] = zones.canonical(self.instance.timezone) or ""
        self.fields["timezone"].choices = functools.partial(timezone_choices, keep=saved)
        if self.instance.is_mentor:
            self.fields["capacity"] = forms.IntegerField(
                label=_("How many mentees you can take on at once"),
                min_value=0,
                max_value=MAX_MENTOR_CAPACITY,
                initial=self.instance.capacity,
            )
            self.fields["is_paused"] = forms.BooleanField(
                required=False,
                label=_("Pause new requests for now"),
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
                label=COMPONENT_LABELS[component],
                initial=getattr(self.instance, name),
            )
        self.fields["must_share"] = forms.MultipleChoiceField(
            choices=[(f.value, capfirst(p)) for f, p in MUST_FACET_PHRASES.items()],
            widget=forms.CheckboxSelectMultiple,
            required=False,
            label=_("Must-haves — only suggest a mentor who"),
            help_text=_("Each one you tick hides every mentor who does not share it."),
            initial=self.instance.must_share,
        )

    @property
    def importance_rows(self) -> list[forms.BoundField]:
        """The mentee's importance answers, laid out one row per component."""
        return [self[f"importance_{c}"] for c in COMPONENTS if f"importance_{c}" in self.fields]

    @property
    def timezone_aliases(self) -> dict[str, str]:
        """For the browser's guess, which may be an old name (ICU says Asia/Calcutta)
        or a zone the short list offers under another city with the same clocks."""
        return zones.browser_guesses()

    def clean(self):
        data = super().clean()
        if data.get("meeting_format") == MeetingFormat.IN_PERSON and not data.get("city"):
            self.add_error(
                "city", gettext("Tell us your city so in-person matches can be near you.")
            )
        missing = [
            f
            for f in data.get("must_share", [])
            if f != Facet.LANGUAGE and not self.instance.background.filter(facet=f).exists()
        ]
        if missing:
            self.add_error("must_share", not_shared(missing))
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
