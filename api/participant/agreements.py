"""A mentorship's agreement through the API, with the pages' rules
(mentorships/agreements.py): the mentee drafts and proposes it, the mentor confirms
it or suggests changes, the mentee rates progress on its goals and marks them done.

Only the pair reads or changes it: the mentorship is looked up among the caller's
own, so anyone else, staff included, gets a 404. A step refused for the state or
the side (a mentor drafting, a mentee confirming their own) is a 409; input the
rules cannot take (a goal not on the profile, six goals) is a 400 naming the field.
"""

from __future__ import annotations

from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field
from rest_framework import serializers
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound
from rest_framework.response import Response
from rest_framework.viewsets import GenericViewSet

from mentorships import agreement_page, agreements
from mentorships.agreement_page import AgreementView
from mentorships.models import (
    AGREEMENT_MAX_GOALS,
    CONFIDENTIALITY_MAX_LENGTH,
    SUCCESS_MAX_LENGTH,
    SUGGESTION_MAX_LENGTH,
    Agreement,
    AgreementGoal,
    AgreementVersion,
    Mentorship,
    ProgressUpdate,
)
from profiles.taxonomy import Role

from ..serializers import TagSerializer
from .serializers import StrictSerializer

# --- what is read -------------------------------------------------------------------------


def _rating(help_text: str, **kwargs) -> serializers.IntegerField:
    return serializers.IntegerField(min_value=1, max_value=5, help_text=help_text, **kwargs)


class VersionGoalSerializer(serializers.ModelSerializer):
    goal = TagSerializer()
    starting_rating = _rating("Where the mentee was when writing it, 1 to 5.")

    class Meta:
        model = AgreementGoal
        fields = ["goal", "success", "starting_rating"]


def _side(m: Mentorship, profile_id: int | None) -> str | None:
    if profile_id is None:
        return None
    return Role.MENTEE if profile_id == m.mentee_id else Role.MENTOR


def version_state(version: AgreementVersion) -> str:
    if version.is_draft:
        return "draft"
    return version.answer or "proposed"


class VersionSerializer(serializers.ModelSerializer):
    state = serializers.SerializerMethodField()
    goals = VersionGoalSerializer(many=True)
    written_by = serializers.SerializerMethodField()
    answered_by = serializers.SerializerMethodField()

    class Meta:
        model = AgreementVersion
        fields = [
            "number",
            "state",
            "goals",
            "cadence_weeks",
            "duration_months",
            "confidentiality",
            "written_by",
            "created_at",
            "proposed_at",
            "answered_by",
            "answered_at",
            "suggestion",
        ]

    @extend_schema_field(
        serializers.ChoiceField(choices=["draft", "proposed", "changes", "agreed"])
    )
    def get_state(self, version: AgreementVersion) -> str:
        """draft: the mentee's alone, not proposed; proposed: waiting for the mentor;
        changes: sent back with the mentor's ``suggestion``; agreed: confirmed."""
        return version_state(version)

    @extend_schema_field(serializers.ChoiceField(choices=Role.choices, allow_null=True))
    def get_written_by(self, version: AgreementVersion) -> str | None:
        """The side that wrote it (the mentee); null once they have left Kindred."""
        return _side(self.context["mentorship"], version.written_by_id)

    @extend_schema_field(serializers.ChoiceField(choices=Role.choices, allow_null=True))
    def get_answered_by(self, version: AgreementVersion) -> str | None:
        return _side(self.context["mentorship"], version.answered_by_id)


class ProgressUpdateSerializer(serializers.ModelSerializer):
    rating = _rating("The rating after this change.")

    class Meta:
        model = ProgressUpdate
        fields = ["kind", "rating", "at"]


class GoalProgressSerializer(serializers.Serializer):
    goal = TagSerializer(source="terms.goal")
    success = serializers.CharField(source="terms.success")
    start_rating = _rating("As it stood when the goal was agreed.", source="progress.start_rating")
    rating = _rating("The latest.", source="progress.rating")
    done = serializers.BooleanField(source="progress.is_done")
    done_at = serializers.DateTimeField(source="progress.done_at", allow_null=True)
    updates = ProgressUpdateSerializer(many=True, help_text="Every change, oldest first.")


class AgreementSerializer(serializers.Serializer):
    """The agreement as the caller sees it: a draft is the mentee's alone."""

    mentorship = serializers.IntegerField()
    state = serializers.ChoiceField(
        choices=["none", *Agreement.Status.values],
        help_text="none: nothing proposed yet (for the mentee: nor drafted); otherwise the "
        "state of the latest version (a change proposed after an agreement leaves "
        "``agreed`` in force until it is confirmed).",
    )
    can_change = serializers.BooleanField(
        help_text="False unless the mentorship is under way: an ended one is read-only."
    )
    agreed = VersionSerializer(allow_null=True, help_text="The version in force.")
    pending = VersionSerializer(
        allow_null=True, help_text="The latest version, when it is not the one in force."
    )
    goals = GoalProgressSerializer(many=True, help_text="The goals in force, with progress.")
    agreed_at = serializers.DateTimeField(allow_null=True, help_text="When first agreed.")
    runs_until = serializers.DateField(allow_null=True)
    versions = VersionSerializer(many=True, help_text="Every version proposed, oldest first.")

    def to_representation(self, shown: AgreementView) -> dict:
        pending = shown.pending
        state = version_state(pending) if pending else ("agreed" if shown.agreed else "none")
        return super().to_representation(
            {
                "mentorship": self.context["mentorship"].pk,
                "state": state,
                "can_change": shown.can_change,
                "agreed": shown.agreed,
                "pending": pending,
                "goals": [g for g in shown.in_force if g.progress is not None],
                "agreed_at": shown.started,
                "runs_until": shown.runs_until,
                "versions": shown.history,
            }
        )


# --- what is written ------------------------------------------------------------------------


class GoalTermsInput(StrictSerializer):
    goal = serializers.CharField(help_text="A goal tag's slug, one of the mentee's profile goals.")
    success = serializers.CharField(
        allow_blank=True,
        trim_whitespace=False,
        help_text=f"What success looks like, in the mentee's words (at most "
        f"{SUCCESS_MAX_LENGTH} characters).",
    )
    rating = serializers.IntegerField(help_text="Where the mentee is today, 1 to 5.")


class TermsInput(StrictSerializer):
    """The agreement as the mentee writes it."""

    goals = serializers.ListField(
        child=GoalTermsInput(),
        help_text=f"1 to {AGREEMENT_MAX_GOALS} goals, each once.",
    )
    cadence_weeks = serializers.ChoiceField(
        choices=AgreementVersion.Cadence.values, help_text="Meet every 1, 2 or 4 weeks."
    )
    duration_months = serializers.ChoiceField(
        choices=AgreementVersion.Duration.values, help_text="For 3, 6 or 12 months."
    )
    confidentiality = serializers.CharField(
        required=False,
        allow_blank=True,
        trim_whitespace=False,
        default=agreements.DEFAULT_CONFIDENTIALITY,
        help_text=f"What stays between the two (at most {CONFIDENTIALITY_MAX_LENGTH} "
        "characters); Kindred's suggestion when left out.",
    )

    def terms(self) -> agreements.Terms:
        data = self.validated_data
        return agreements.Terms(
            goals=[agreements.GoalTerms(**goal) for goal in data["goals"]],
            cadence_weeks=data["cadence_weeks"],
            duration_months=data["duration_months"],
            confidentiality=data["confidentiality"],
        )


class SuggestChangesInput(StrictSerializer):
    note = serializers.CharField(
        allow_blank=True,
        trim_whitespace=False,
        help_text=f"What the mentor would change (at most {SUGGESTION_MAX_LENGTH} characters).",
    )


class RatingInput(StrictSerializer):
    goal = serializers.CharField(help_text="The slug of a goal in force.")
    rating = serializers.IntegerField(help_text="Where the mentee is now, 1 to 5.")


class DoneInput(StrictSerializer):
    goal = serializers.CharField(help_text="The slug of a goal in force.")
    done = serializers.BooleanField(help_text="Done, or not done after all.")


def checked(serializer_class: type, data) -> StrictSerializer:
    if not isinstance(data, dict):
        raise serializers.ValidationError("Send a JSON object.")
    body = serializer_class(data=data)
    body.is_valid(raise_exception=True)
    return body


# --- the endpoints ---------------------------------------------------------------------------

MENTORSHIP = OpenApiParameter("mentorship_id", int, OpenApiParameter.PATH)


@extend_schema(tags=["agreements"], parameters=[MENTORSHIP])
class AgreementViewSet(GenericViewSet):
    """The agreement of one of the caller's mentorships."""

    serializer_class = AgreementSerializer
    pagination_class = None
    refusable = {"draft", "propose", "discard", "confirm", "suggest_changes", "progress", "done"}

    def mine(self) -> tuple[Mentorship, object]:
        m = (
            Mentorship.objects.of_user(self.request.user)
            .select_related("mentee", "mentor", "program")
            .filter(pk=self.kwargs["mentorship_id"])
            .first()
        )
        if m is None:
            raise NotFound()
        return m, m.profile_of(self.request.user)

    def answer(self, m: Mentorship, me) -> Response:
        shown = agreement_page.view(m, me)
        return Response(AgreementSerializer(shown, context={"mentorship": m}).data)

    def step(self, run, body: type | None = None) -> Response:
        """Check the body against ``body``, then ``run(m, me, checked_body)``; answer
        the agreement as it stands after."""
        m, me = self.mine()
        run(m, me, checked(body, self.request.data) if body else None)
        return self.answer(m, me)

    @extend_schema(summary="The agreement, its progress and every version")
    def read(self, request, mentorship_id=None):
        return self.answer(*self.mine())

    @extend_schema(
        request=TermsInput, responses=AgreementSerializer, summary="Save a draft (the mentee)"
    )
    @action(detail=False, methods=["post"])
    def draft(self, request, mentorship_id=None):
        return self.step(
            lambda m, me, b: agreements.save_draft(mentorship=m, by=me, terms=b.terms()),
            TermsInput,
        )

    @extend_schema(
        request=TermsInput,
        responses=AgreementSerializer,
        summary="Propose it to the mentor, who is emailed (the mentee)",
    )
    @action(detail=False, methods=["post"])
    def propose(self, request, mentorship_id=None):
        return self.step(
            lambda m, me, b: agreements.propose(mentorship=m, by=me, terms=b.terms()),
            TermsInput,
        )

    @extend_schema(request=None, responses=AgreementSerializer, summary="Discard the draft")
    @action(detail=False, methods=["post"])
    def discard(self, request, mentorship_id=None):
        return self.step(lambda m, me, _: agreements.discard_draft(mentorship=m, by=me))

    @extend_schema(
        request=None, responses=AgreementSerializer, summary="Confirm the proposal (the mentor)"
    )
    @action(detail=False, methods=["post"])
    def confirm(self, request, mentorship_id=None):
        return self.step(lambda m, me, _: agreements.confirm(mentorship=m, by=me))

    @extend_schema(
        request=SuggestChangesInput,
        responses=AgreementSerializer,
        summary="Send the proposal back with a note (the mentor)",
    )
    @action(detail=False, methods=["post"], url_path="suggest-changes")
    def suggest_changes(self, request, mentorship_id=None):
        return self.step(
            lambda m, me, b: agreements.suggest_changes(
                mentorship=m, by=me, note=b.validated_data["note"]
            ),
            SuggestChangesInput,
        )

    @extend_schema(
        request=RatingInput,
        responses=AgreementSerializer,
        summary="Rate progress on an agreed goal (the mentee)",
    )
    @action(detail=False, methods=["post"])
    def progress(self, request, mentorship_id=None):
        return self.step(
            lambda m, me, b: agreements.rate_goal(mentorship=m, by=me, **b.validated_data),
            RatingInput,
        )

    @extend_schema(
        request=DoneInput,
        responses=AgreementSerializer,
        summary="Mark an agreed goal done, or not done (the mentee)",
    )
    @action(detail=False, methods=["post"])
    def done(self, request, mentorship_id=None):
        return self.step(
            lambda m, me, b: agreements.mark_done(mentorship=m, by=me, **b.validated_data),
            DoneInput,
        )
