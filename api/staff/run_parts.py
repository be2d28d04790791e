"""A run's ``settings`` and ``summary`` as typed objects. The run keeps them as
JSON whose keys depend on its kind (a re-score, an auto-assignment, a preview
of learned weights) and on how far it has got; the API sends every key of its
kind's object each time, null where it does not apply, so a client reads them
without guessing."""

from __future__ import annotations

from rest_framework import serializers

from dashboard.forms import POLICY_CHOICES


def _maybe(field: type[serializers.Field], **options) -> serializers.Field:
    """A value some runs do not have: null then."""
    return field(allow_null=True, default=None, **options)


class RunWeightsSerializer(serializers.Serializer):
    """As a program's weights; null for a component a run recorded none for
    (runs from before weights were kept)."""

    goals = _maybe(serializers.IntegerField)
    background = _maybe(serializers.IntegerField)
    values = _maybe(serializers.IntegerField)
    experience = _maybe(serializers.IntegerField)
    logistics = _maybe(serializers.IntegerField)


class LearningSampleSerializer(serializers.Serializer):
    mentorships = serializers.IntegerField()
    observations = serializers.IntegerField()
    cycles = serializers.ListField(child=serializers.CharField(), help_text="Cycles learned from.")
    cycle = _maybe(serializers.CharField, help_text="The one cycle learned from, if only one.")


class RunSettingsSerializer(serializers.Serializer):
    min_score = _maybe(serializers.IntegerField, help_text="Pairs scoring below are not suggested.")
    k = _maybe(serializers.IntegerField, help_text="Suggestions per mentee.")
    gap = _maybe(serializers.IntegerField, help_text="The spreading gap, in points.")
    require_common_language = _maybe(serializers.BooleanField)
    load_spreading = _maybe(serializers.BooleanField)
    policy = _maybe(serializers.ChoiceField, choices=POLICY_CHOICES, help_text="An assignment's.")
    candidates = _maybe(serializers.IntegerField, help_text="An assignment's candidates a mentee.")
    per_place = _maybe(serializers.IntegerField, help_text="An assignment's candidates a place.")
    chunk_size = _maybe(serializers.IntegerField, help_text="A re-score's mentees per chunk.")
    mentors = _maybe(serializers.IntegerField, help_text="Mentors a re-score scored against.")
    weights_from = _maybe(serializers.CharField, help_text="`learning` for learned weights.")
    proposal = _maybe(serializers.IntegerField, help_text="The weights proposal applied.")
    sample = _maybe(LearningSampleSerializer, help_text="What the applied weights learned from.")
    preview = _maybe(serializers.CharField, help_text="A preview's side: current or proposed.")
    learned_from = _maybe(serializers.IntegerField, help_text="The proposal a preview tries.")


class PolicyFiguresSerializer(serializers.Serializer):
    matched = serializers.IntegerField()
    total_score = serializers.FloatField()
    min_score = serializers.FloatField(allow_null=True)
    median_score = serializers.FloatField(allow_null=True)
    mean_score = serializers.FloatField(allow_null=True)
    mentors_used = serializers.IntegerField()
    seconds = serializers.FloatField()


class FiguresByPolicySerializer(serializers.Serializer):
    """What each policy made of the same candidates (greedy: the baseline)."""

    optimal = _maybe(PolicyFiguresSerializer)
    balanced = _maybe(PolicyFiguresSerializer)
    stable = _maybe(PolicyFiguresSerializer)
    greedy = _maybe(PolicyFiguresSerializer)


class CommitResultSerializer(serializers.Serializer):
    created = serializers.IntegerField()
    skipped = serializers.IntegerField()
    removed = serializers.IntegerField(default=0, help_text="Pairs an admin removed first.")


class AssignmentChangesSerializer(serializers.Serializer):
    now = serializers.IntegerField()
    then = serializers.IntegerField()
    same = serializers.IntegerField()
    changed = serializers.IntegerField()
    no_longer = serializers.IntegerField()
    newly = serializers.IntegerField()
    sample = serializers.ListField(
        child=serializers.ListField(child=serializers.IntegerField(allow_null=True)),
        help_text="[mentee, mentor now, mentor then] profile ids; null where unassigned.",
    )


class PreviewSerializer(serializers.Serializer):
    baseline = serializers.IntegerField(help_text="The run with the current weights.")
    assignment = AssignmentChangesSerializer()
    predicted = serializers.DictField(
        child=serializers.FloatField(), help_text="Predicted good outcomes, by side."
    )


class RunSummarySerializer(serializers.Serializer):
    # A re-score's figures.
    mentees = _maybe(serializers.IntegerField)
    mentors = _maybe(serializers.IntegerField)
    pairs_scored = _maybe(serializers.IntegerField)
    suggestions = _maybe(serializers.IntegerField)
    mentees_with_suggestions = _maybe(serializers.IntegerField)
    mentees_without_suggestions = _maybe(serializers.IntegerField)
    mean_top_score = _maybe(serializers.FloatField)
    median_top_score = _maybe(serializers.FloatField)
    mentors_suggested = _maybe(serializers.IntegerField)
    busiest_mentor_lists = _maybe(serializers.IntegerField)
    preview = _maybe(PreviewSerializer, help_text="A preview of learned weights.")
    # An auto-assignment's.
    policy = _maybe(serializers.ChoiceField, choices=POLICY_CHOICES)
    with_candidates = _maybe(serializers.IntegerField)
    mentors_with_room = _maybe(serializers.IntegerField)
    free_places = _maybe(serializers.IntegerField)
    figures = _maybe(FiguresByPolicySerializer)
    commit_requested_at = _maybe(serializers.DateTimeField)
    commit_error = _maybe(serializers.CharField)
    committed = _maybe(CommitResultSerializer)
