"""What a participant's endpoints read and write: their own profiles and
answers, suggestions, requests and mentorships."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from matching.forms import DismissForm, RequestForm
from matching.models import Suggestion
from mentorships.forms import AvailabilityForm, CheckInForm, DeclineForm, EndForm
from mentorships.models import CheckIn, Mentorship
from profiles.forms import AboutForm, BackgroundForm, GoalsForm, LogisticsForm, ValuesForm
from profiles.models import Profile, Tag
from profiles.taxonomy import (
    COMPONENTS,
    SENSITIVE_FACETS,
    SINGLE_CHOICE_FACETS,
    CareerStage,
    Facet,
    Importance,
    MeetingFormat,
    Role,
    Visibility,
)

from ..forms import FormChoiceField, form_serializer
from ..serializers import (
    MATCH_FIELDS,
    ComponentsSerializer,
    ExplanationSerializer,
    PersonSerializer,
    ProgramRefSerializer,
    TagSerializer,
    withheld_field,
)

# --- my profiles -----------------------------------------------------------------------


def facet_fields(*, read: bool) -> dict[str, serializers.Field]:
    """A field per background question: one tag or several, as the form asks."""
    fields = {}
    for facet in SENSITIVE_FACETS:
        single = facet in SINGLE_CHOICE_FACETS
        if read:
            field = TagSerializer(allow_null=True) if single else TagSerializer(many=True)
        elif single:
            field = serializers.CharField(allow_null=True, allow_blank=True, required=False)
        else:
            field = serializers.ListField(child=serializers.CharField(), required=False)
        fields[facet.value] = field
    return fields


class OwnBackgroundSerializer(serializers.Serializer):
    consent = serializers.BooleanField(help_text="Whether consent to store these is given.")
    visibility = serializers.ChoiceField(choices=Visibility.choices)
    heritage_note = serializers.CharField(allow_blank=True)

    def get_fields(self) -> dict:
        return {**super().get_fields(), **facet_fields(read=True)}

    def to_representation(self, profile: Profile) -> dict:
        """The background step's answers, as its form shows them."""
        out = {}
        for name, value in BackgroundForm(profile=profile).initial.items():
            if isinstance(value, Tag):
                value = TagSerializer(value).data
            elif isinstance(value, list):
                value = TagSerializer(value, many=True).data
            out[str(name)] = value
        return out


IMPORTANCES = tuple(f"importance_{c}" for c in COMPONENTS)
MENTOR_ONLY = ("capacity", "is_paused")
MENTEE_ONLY = (*IMPORTANCES, "must_share")


class ProfileSerializer(serializers.ModelSerializer):
    """One of the caller's own profiles, with every answer. Fields of the other
    role are null (a mentor has no importances, a mentee no capacity)."""

    program = ProgramRefSerializer()
    completeness = serializers.IntegerField(help_text="Share of the questionnaire saved, in %.")
    next_step = serializers.CharField(allow_null=True)
    steps_done = serializers.ListField(child=serializers.CharField())
    industry = TagSerializer(allow_null=True)
    languages = TagSerializer(many=True)
    goals = TagSerializer(many=True)
    values = TagSerializer(many=True)
    background = serializers.SerializerMethodField()
    capacity = serializers.IntegerField(allow_null=True)
    is_paused = serializers.BooleanField(allow_null=True)
    must_share = serializers.ListField(
        child=serializers.ChoiceField(choices=Facet.choices), allow_null=True
    )

    class Meta:
        model = Profile
        fields = [
            "id",
            "program",
            "role",
            "is_ready",
            "completeness",
            "steps_done",
            "next_step",
            # The answers, step by step as the questionnaire asks them.
            *AboutForm.Meta.fields,
            "background",
            *GoalsForm.Meta.fields,
            *ValuesForm.Meta.fields,
            *LogisticsForm.Meta.fields,
            *MENTOR_ONLY,
            *MENTEE_ONLY,
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields
        extra_kwargs = {name: {"allow_null": True} for name in IMPORTANCES}

    @extend_schema_field(OwnBackgroundSerializer)
    def get_background(self, profile: Profile) -> dict:
        return OwnBackgroundSerializer(profile).data

    def to_representation(self, profile: Profile) -> dict:
        data = super().to_representation(profile)
        for name in MENTEE_ONLY if profile.role == Role.MENTOR else MENTOR_ONLY:
            data[name] = None
        return data


def _text(name: str) -> serializers.CharField:
    """A free-text answer; its form enforces the length."""
    limit = Profile._meta.get_field(name).max_length
    return serializers.CharField(
        allow_blank=True,
        required=False,
        trim_whitespace=False,
        help_text=f"At most {limit} characters." if limit else "",
    )


class StrictSerializer(serializers.Serializer):
    """Names a misspelt field instead of ignoring it."""

    def to_internal_value(self, data):
        unknown = {}
        if isinstance(data, dict):
            unknown = {name: ["Unknown field."] for name in sorted(set(data) - set(self.fields))}
        try:
            value = super().to_internal_value(data)
        except serializers.ValidationError as invalid:
            if not unknown:
                raise
            raise serializers.ValidationError({**invalid.detail, **unknown}) from None
        if unknown:
            raise serializers.ValidationError(unknown)
        return value


class BackgroundUpdateSerializer(StrictSerializer):
    consent = serializers.BooleanField(required=False)
    visibility = FormChoiceField(choices=Visibility.choices, required=False)
    heritage_note = _text("heritage_note")

    def get_fields(self) -> dict:
        return {**super().get_fields(), **facet_fields(read=False)}


def _slugs(help_text: str) -> serializers.ListField:
    return serializers.ListField(child=serializers.CharField(), required=False, help_text=help_text)


class ProfileUpdateSerializer(StrictSerializer):
    """Any answers to change. Each questionnaire step a field belongs to is
    checked by that step's form, with your other answers as they stand, and
    saved as if you had saved the step; all or nothing."""

    display_name = _text("display_name")
    headline = _text("headline")
    bio = _text("bio")
    career_stage = FormChoiceField(choices=CareerStage.choices, allow_null=True, required=False)
    years_experience = serializers.IntegerField(allow_null=True, required=False)
    industry = serializers.CharField(
        allow_null=True, allow_blank=True, required=False, help_text="An industry tag's slug."
    )
    languages = _slugs("Language tag slugs (see /api/v1/tags/).")
    goals = _slugs("Goal tag slugs.")
    values = _slugs("Value tag slugs.")
    background = BackgroundUpdateSerializer(required=False)
    timezone = _text("timezone")
    meeting_format = FormChoiceField(choices=MeetingFormat.choices, required=False)
    city = _text("city")
    contact_details = _text("contact_details")
    capacity = serializers.IntegerField(required=False, allow_null=True, help_text="Mentors only.")
    is_paused = serializers.BooleanField(required=False, allow_null=True, help_text="Mentors only.")
    must_share = serializers.ListField(
        child=FormChoiceField(choices=Facet.choices),
        required=False,
        allow_null=True,
        help_text="Mentees only.",
    )

    def get_fields(self) -> dict:
        importance = {
            name: FormChoiceField(
                choices=Importance.choices,
                required=False,
                allow_null=True,
                help_text="Mentees only: 0 not important … 3 very.",
            )
            for name in IMPORTANCES
        }
        return {**super().get_fields(), **importance}


# --- the pages' forms, as request bodies -------------------------------------------------

RequestInput = form_serializer(
    RequestForm, "RequestInput", "A note to introduce yourself to the mentor."
)
DismissInput = form_serializer(DismissForm, "DismissInput", "Why this mentor is not for you.")
DeclineInput = form_serializer(DeclineForm, "DeclineInput", "Why you decline, and a kind note.")
EndInput = form_serializer(EndForm, "EndInput", "Why the mentorship ends, and any note.")
CheckInInput = form_serializer(CheckInForm, "CheckInInput", "How it is going: 1 to 5, and a note.")
AvailabilityInput = form_serializer(
    AvailabilityForm, "AvailabilityInput", "A mentor's room, and whether to pause."
)


# --- suggestions and mentorships ------------------------------------------------------------


class SuggestionSerializer(serializers.ModelSerializer):
    """A suggested mentor; the view has said whether the mentee may see their
    background (``Suggestion.show_background``)."""

    score = serializers.FloatField(
        source="shown_score",
        help_text="0-100, over what you may see: a withheld component is left out of it too.",
    )
    components = serializers.SerializerMethodField()
    withheld = withheld_field()
    # Sentences in the request's language (matching/sentences.py); stored as parts.
    reasons = serializers.ListField(child=serializers.CharField(), source="worded_reasons")
    mentor = PersonSerializer()

    class Meta:
        model = Suggestion
        fields = [
            "id",
            "rank",
            "score",
            "status",
            "components",
            "withheld",
            "reasons",
            "mentor",
            "updated_at",
        ]

    @extend_schema_field(ComponentsSerializer)
    def get_components(self, suggestion: Suggestion) -> dict:
        shown = {c: v for c, v in suggestion.components.items() if c not in suggestion.withheld}
        return ComponentsSerializer(shown).data


class SuggestionListSerializer(serializers.Serializer):
    state = serializers.ChoiceField(
        choices=["ready", "paired", "incomplete", "scoring", "none"],
        help_text="ready: listed below; paired: you have a mentor; incomplete: finish the "
        "questionnaire; scoring: suggestions are being made, ask again in a few seconds; "
        "none: no mentor fits well enough yet (see hints).",
    )
    can_request = serializers.BooleanField(help_text="False once you have the most open requests.")
    max_open_requests = serializers.IntegerField()
    hints = serializers.ListField(child=serializers.CharField())
    results = SuggestionSerializer(many=True)


class CheckInSerializer(serializers.ModelSerializer):
    by = serializers.SerializerMethodField()

    class Meta:
        model = CheckIn
        fields = ["id", "by", "rating", "note", "created_at"]

    @extend_schema_field(serializers.ChoiceField(choices=Role.choices, allow_null=True))
    def get_by(self, entry: CheckIn) -> str | None:
        """Which side wrote it; null once its author has left."""
        if entry.author_id is None:
            return None
        return entry.author.role


class MentorshipSerializer(serializers.ModelSerializer):
    """A request or mentorship the caller is part of, from their side."""

    program = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    my_role = serializers.SerializerMethodField()
    my_profile = serializers.SerializerMethodField()
    score = serializers.SerializerMethodField()
    other = serializers.SerializerMethodField()
    contact = serializers.SerializerMethodField()

    class Meta:
        model = Mentorship
        fields = [
            "id",
            "program",
            "my_role",
            "my_profile",
            "other",
            "contact",
            "message",
            *MATCH_FIELDS,
            "ended_by",
        ]

    def me(self, m: Mentorship) -> Profile:
        return m.profile_of(self.context["request"].user)

    @extend_schema_field(serializers.ChoiceField(choices=Role.choices))
    def get_my_role(self, m: Mentorship) -> str:
        return self.me(m).role

    def get_my_profile(self, m: Mentorship) -> int:
        return self.me(m).pk

    @extend_schema_field(PersonSerializer(allow_null=True))
    def get_other(self, m: Mentorship) -> dict | None:
        """The other side; null once they have deleted their account."""
        me = self.me(m)
        other = m.other_side(me)
        if other is None:
            return None
        return PersonSerializer(other, context=self.context).data

    @extend_schema_field(serializers.FloatField(allow_null=True))
    def get_score(self, m: Mentorship) -> float | None:
        """The pair's score when they were paired or asked; null when the other
        person keeps their background from you, which it counts (see
        ``explanation``, which leaves it out)."""
        other = m.other_side(self.me(m))
        return (
            m.score if other is not None and other.pk in self.context.get("visible", ()) else None
        )

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_contact(self, m: Mentorship) -> str | None:
        """How to reach the other side: only while the mentorship is accepted or active."""
        other = m.other_side(self.me(m))
        if other is None or not m.is_paired:
            return None
        return other.contact_details or other.user.email


class MentorshipDetailSerializer(MentorshipSerializer):
    explanation = serializers.SerializerMethodField()
    check_ins = CheckInSerializer(many=True)

    class Meta(MentorshipSerializer.Meta):
        fields = [*MentorshipSerializer.Meta.fields, "explanation", "check_ins"]

    @extend_schema_field(ExplanationSerializer(allow_null=True))
    def get_explanation(self, m: Mentorship) -> dict | None:
        """Why the two were matched, as the caller may read it (the view works it out)."""
        explanation = self.context.get("explanation")
        return ExplanationSerializer(explanation).data if explanation else None


class MentorshipFilterSerializer(serializers.Serializer):
    profile = serializers.IntegerField(required=False, help_text="One of your profiles' id.")
    role = serializers.ChoiceField(
        choices=Role.choices, required=False, help_text="Your side of it."
    )
    status = serializers.ChoiceField(choices=Mentorship.Status.choices, required=False)


class TagFilterSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(
        choices=[k for k, _ in Tag._meta.get_field("kind").choices], required=False
    )
