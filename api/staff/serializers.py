"""What the admin endpoints read and write: programs with their figures, their
cycles, participants, runs and matches."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from dashboard.forms import AssignForm
from matching.models import AssignmentPair, MatchingRun
from mentorships.models import Mentorship
from profiles.models import Cycle, Profile, Program
from profiles.taxonomy import Role

from ..forms import form_serializer
from ..serializers import DEPARTED, MATCH_FIELDS, PersonSerializer, SharedBackgroundSerializer
from .run_parts import RunSettingsSerializer, RunSummarySerializer, RunWeightsSerializer

AssignInput = form_serializer(AssignForm, "AssignInput", "How to choose the pairs.")


class WeightsSerializer(serializers.Serializer):
    goals = serializers.IntegerField()
    background = serializers.IntegerField()
    values = serializers.IntegerField()
    experience = serializers.IntegerField()
    logistics = serializers.IntegerField()


class ProgramSerializer(serializers.ModelSerializer):
    weights = serializers.SerializerMethodField()
    mentors = serializers.IntegerField(help_text="Mentor profiles, finished or not.")
    mentees = serializers.IntegerField(help_text="Mentee profiles, finished or not.")

    class Meta:
        model = Program
        fields = [
            "id",
            "slug",
            "name",
            "description",
            "signup_open",
            "require_common_language",
            "default_capacity",
            "suggestions_per_mentee",
            "suggestion_gap",
            "min_score",
            "weights",
            "mentors",
            "mentees",
            "created_at",
        ]

    @extend_schema_field(WeightsSerializer)
    def get_weights(self, program: Program) -> dict:
        return program.weights()


class HealthSerializer(serializers.Serializer):
    """The dashboard's headline figures."""

    mentors = serializers.IntegerField(help_text="Ready mentors.")
    mentees = serializers.IntegerField(help_text="Ready mentees.")
    unfinished = serializers.IntegerField()
    paused = serializers.IntegerField()
    matched = serializers.IntegerField()
    matched_share = serializers.IntegerField(allow_null=True)
    median_days_to_match = serializers.FloatField(allow_null=True)
    full_count = serializers.IntegerField()
    idle_count = serializers.IntegerField()
    stalled_count = serializers.IntegerField()
    busiest_share = serializers.IntegerField(allow_null=True)


class ProgramDetailSerializer(ProgramSerializer):
    health = serializers.SerializerMethodField()

    class Meta(ProgramSerializer.Meta):
        fields = [*ProgramSerializer.Meta.fields, "health"]

    @extend_schema_field(HealthSerializer(allow_null=True))
    def get_health(self, program: Program) -> dict | None:
        """The dashboard's kept figures (null while the first are worked out)."""
        health = self.context.get("health")
        return HealthSerializer(health).data if health is not None else None


class CycleSerializer(serializers.ModelSerializer):
    """A round of the program: its dates (any may be empty: that move is made by
    hand) and its state."""

    current = serializers.SerializerMethodField()

    class Meta:
        model = Cycle
        fields = [
            "id",
            "name",
            "state",
            "current",
            "registration_opens",
            "registration_closes",
            "matching_on",
            "starts_on",
            "ends_on",
            "state_changed_at",
        ]

    def get_current(self, cycle: Cycle) -> bool:
        """The program's current cycle: the newest one people take part in now."""
        return cycle.pk == self.context.get("current")


class CoarseTimes:
    """For a caller who may not read background answers in the program, times
    only as their day (midnight UTC) and ``unstamped`` fields null: exact times
    let one person's change be picked out between two looks (docs/security.md)."""

    to_day: tuple[str, ...] = ()
    unstamped: tuple[str, ...] = ()

    def to_representation(self, instance):
        data = super().to_representation(instance)
        if not self.context.get("exact_times"):
            for name in self.to_day:
                if data.get(name):
                    data[name] = data[name][:10] + "T00:00:00Z"
            for name in self.unstamped:
                data[name] = None
        return data


class ParticipantSerializer(CoarseTimes, PersonSerializer):
    """A participant, for the program's admins and coordinators. ``background`` is
    null unless the caller may read background answers in this program (a program
    admin given that right, or a superuser) and asked for it (``sensitive=true``).
    Without that right ``created_at`` is given as its day and ``updated_at`` is null."""

    to_day = ("created_at",)
    unstamped = ("updated_at",)
    updated_at = serializers.DateTimeField(allow_null=True)

    email = serializers.EmailField(source="user.email")
    cycle = serializers.PrimaryKeyRelatedField(
        read_only=True,
        allow_null=True,
        help_text="The cycle they take part in now (their latest enrolment); "
        "null in a program without cycles.",
    )
    places_taken = serializers.IntegerField(
        help_text="Accepted or active mentorships (a mentor's capacity counts these)."
    )

    class Meta(PersonSerializer.Meta):
        fields = [
            *PersonSerializer.Meta.fields,
            "email",
            "display_name",
            "is_ready",
            "is_paused",
            "capacity",
            "places_taken",
            "cycle",
            "created_at",
            "updated_at",
        ]


# The largest id PostgreSQL's integer keys hold: a larger one is a 400, not a query.
MAX_ID = 2**31 - 1


class CycleFilterSerializer(serializers.Serializer):
    """``?cycle=``: only what belongs to one of the program's cycles. The view
    passes the program (``context["program"]``); another program's cycle is a 400."""

    cycle = serializers.IntegerField(
        required=False,
        min_value=1,
        max_value=MAX_ID,
        help_text="Only this cycle's: the id of one of the program's cycles "
        "(…/cycles/). Participants enrolled in it, runs started in it, mentorships "
        "made in it. Another program's cycle is a 400.",
    )

    def validate_cycle(self, value: int) -> Cycle:
        cycle = self.context["program"].cycles.filter(pk=value).first()
        if cycle is None:
            raise serializers.ValidationError(f"This program has no cycle {value}.")
        return cycle


class SensitiveFilterSerializer(CycleFilterSerializer):
    sensitive = serializers.BooleanField(
        required=False,
        default=False,
        help_text="Include background answers: only for a program admin given the right "
        "to read them (or a superuser), and each such read is recorded; a 403 otherwise.",
    )


class ParticipantFilterSerializer(SensitiveFilterSerializer):
    role = serializers.ChoiceField(choices=Role.choices, required=False)
    ready = serializers.BooleanField(required=False, allow_null=True, default=None)
    paused = serializers.BooleanField(required=False, allow_null=True, default=None)


class RunSerializer(serializers.ModelSerializer):
    percent = serializers.IntegerField()
    seconds = serializers.FloatField(allow_null=True)
    created_by = serializers.SlugRelatedField(slug_field="email", read_only=True, allow_null=True)
    weights = RunWeightsSerializer(help_text="The weights it ran with, by component.")
    settings = RunSettingsSerializer(help_text="The rules it ran with.")
    summary = RunSummarySerializer(help_text="Its figures: null until it has them.")
    cycle = serializers.PrimaryKeyRelatedField(
        read_only=True,
        allow_null=True,
        help_text="The program's current cycle when it was started; null without cycles.",
    )

    class Meta:
        model = MatchingRun
        fields = [
            "id",
            "kind",
            "status",
            "total",
            "done",
            "percent",
            "chunks_total",
            "chunks_done",
            "weights",
            "settings",
            "summary",
            "error",
            "cycle",
            "created_by",
            "created_at",
            "started_at",
            "finished_at",
            "seconds",
            "committed_at",
            "discarded_at",
        ]


class NamedSerializer(serializers.ModelSerializer):
    name = serializers.CharField()

    class Meta:
        model = Profile
        fields = ["id", "name"]


class PairSerializer(serializers.ModelSerializer):
    mentee = NamedSerializer()
    mentor = NamedSerializer()
    # Sentences in the request's language (matching/sentences.py); stored as parts.
    reasons = serializers.ListField(child=serializers.CharField(), source="worded_reasons")

    class Meta:
        model = AssignmentPair
        fields = ["id", "mentee", "mentor", "score", "reasons", "outcome", "note", "removed_at"]


class MatchSideSerializer(serializers.Serializer):
    id = serializers.IntegerField(allow_null=True)
    name = serializers.CharField()
    email = serializers.EmailField(allow_blank=True)
    background = SharedBackgroundSerializer(allow_null=True)

    def to_representation(self, person: Profile | None) -> dict:
        if person is None:
            return {"id": None, "name": DEPARTED, "email": "", "background": None}
        sensitive = self.context.get("sensitive", False)
        return {
            "id": person.pk,
            "name": person.name,
            "email": person.user.email,
            "background": SharedBackgroundSerializer(person).data if sensitive else None,
        }


class MatchSerializer(CoarseTimes, serializers.ModelSerializer):
    """A mentorship of the program (the CSV export's rows). For a caller who may
    not read background answers in the program its times are given as their days."""

    to_day = ("requested_at", "decided_at", "started_at", "ended_at")

    mentee = MatchSideSerializer()
    mentor = MatchSideSerializer()
    cycle = serializers.PrimaryKeyRelatedField(
        read_only=True,
        allow_null=True,
        help_text="The cycle it was made in; null in a program without cycles.",
    )

    class Meta:
        model = Mentorship
        fields = ["id", "mentee", "mentor", "cycle", *MATCH_FIELDS, "health"]


class MatchFilterSerializer(SensitiveFilterSerializer):
    status = serializers.ChoiceField(choices=Mentorship.Status.choices, required=False)
