"""The shapes both halves of the API share: tags, a score's explanation, and
another person as the caller may see them. Written bodies are checked here for
their JSON types only: every rule about what may be written lives in the
questionnaire's and the pages' forms, which the views run (api/answers.py,
api/forms.py). Serializers are given what they show; the views work it out."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from matching import exports
from profiles.models import Profile, Program, Tag
from profiles.taxonomy import COMPONENTS, Facet

DEPARTED = "a member who has left Kindred"
# A mentorship's own columns in the CSV export: status, source, score, its dates and reasons.
MATCH_FIELDS = exports.MATCH_COLUMNS[len(exports.PEOPLE_COLUMNS) :]


class TagSerializer(serializers.ModelSerializer):
    class Meta:
        model = Tag
        fields = ["slug", "name"]


class VocabularySerializer(serializers.ModelSerializer):
    class Meta:
        model = Tag
        fields = ["kind", "facet", "slug", "name"]


class ProgramRefSerializer(serializers.ModelSerializer):
    class Meta:
        model = Program
        fields = ["slug", "name"]


class ComponentsSerializer(serializers.Serializer):
    """Each score component in [0, 1]; null where it was not counted, or where
    it is withheld from the caller (see ``withheld``)."""

    goals = serializers.FloatField(allow_null=True)
    background = serializers.FloatField(allow_null=True)
    values = serializers.FloatField(allow_null=True)
    experience = serializers.FloatField(allow_null=True)
    logistics = serializers.FloatField(allow_null=True)

    def to_representation(self, components: dict) -> dict:
        return {c: components.get(c) for c in COMPONENTS}


def withheld_field() -> serializers.ListField:
    return serializers.ListField(
        child=serializers.ChoiceField(choices=list(COMPONENTS)),
        help_text="Components left out (null in components) because the other person's "
        "visibility choice keeps their background from you; the score still counts them.",
    )


class ExplanationSerializer(serializers.Serializer):
    score = serializers.FloatField()
    components = ComponentsSerializer()
    # Sentences in the request's language (matching/sentences.py); stored as parts.
    reasons = serializers.ListField(child=serializers.CharField(), source="worded_reasons")
    withheld = withheld_field()


class BackgroundAnswerSerializer(serializers.Serializer):
    facet = serializers.ChoiceField(choices=Facet.choices)
    slug = serializers.CharField()
    name = serializers.CharField()


class SharedBackgroundSerializer(serializers.Serializer):
    """Another person's background answers, where their visibility choice allows."""

    answers = BackgroundAnswerSerializer(many=True)
    heritage_note = serializers.CharField(allow_blank=True)

    def to_representation(self, profile: Profile) -> dict:
        return {
            "answers": [
                {"facet": t.facet, "slug": t.slug, "name": t.name} for t in profile.background.all()
            ],
            "heritage_note": profile.heritage_note,
        }


class PersonSerializer(serializers.ModelSerializer):
    """Someone else, as the pages show them to the caller. ``background`` is
    null unless their visibility choice lets the caller see it."""

    name = serializers.CharField()
    industry = TagSerializer(allow_null=True)
    languages = TagSerializer(many=True)
    goals = TagSerializer(many=True, help_text="A mentor's: what they can help with.")
    values = TagSerializer(many=True)
    background = serializers.SerializerMethodField()

    class Meta:
        model = Profile
        fields = [
            "id",
            "role",
            "name",
            "headline",
            "bio",
            "career_stage",
            "industry",
            "languages",
            "goals",
            "values",
            "background",
        ]

    @extend_schema_field(SharedBackgroundSerializer(allow_null=True))
    def get_background(self, person: Profile) -> dict | None:
        # The view works out whose background the caller may see: "sensitive"
        # for staff holding the permission, "visible" (profile ids) otherwise.
        allowed = self.context.get("sensitive", False) or person.pk in self.context.get(
            "visible", ()
        )
        return SharedBackgroundSerializer(person).data if allowed else None
