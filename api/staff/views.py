"""A program's admin endpoints: programs, cycles, participants, runs and exports,
calling what the dashboard calls. Who may call them: api/staff/permissions.py."""

from __future__ import annotations

from django.db.models import Count, Prefetch, Q
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import mixins, status
from rest_framework.decorators import action
from rest_framework.response import Response
from rest_framework.viewsets import GenericViewSet

from dashboard import snapshots
from matching import assigning, exports, rescoring
from matching.models import AssignmentPair, MatchingRun
from mentorships.models import Mentorship
from profiles import access
from profiles.cycles import current as current_cycle
from profiles.models import Profile, SensitiveAccess, Tag

from ..auth import CallerRateThrottle, RunRateThrottle
from ..forms import cleaned, query
from .permissions import RunsTheProgram, program_of
from .serializers import (
    AssignInput,
    CycleFilterSerializer,
    CycleSerializer,
    MatchFilterSerializer,
    MatchSerializer,
    PairSerializer,
    ParticipantFilterSerializer,
    ParticipantSerializer,
    ProgramDetailSerializer,
    ProgramSerializer,
    RunSerializer,
    SensitiveFilterSerializer,
)


def room(side: str) -> Q:
    """Mentorships on this side that take a place (accepted or active)."""
    return Q(**{f"mentorships_as_{side}__status__in": Mentorship.TAKING_ROOM})


def sensitive_allowed(request, asked: bool, what: str) -> bool:
    """Background answers only on request, only with the right in this program,
    and on record."""
    if asked:
        SensitiveAccess.open_for(
            viewer=request.user, program=program_of(request), what=f"API: {what}"
        )
    return asked


def exact_times(request) -> bool:
    return SensitiveAccess.allowed(request.user, program_of(request))


def with_background(queryset, *paths: str):
    tags = Tag.objects.order_by("kind", "sort_order", "name")
    return queryset.prefetch_related(*(Prefetch(path, queryset=tags) for path in paths))


class StaffViewSet(GenericViewSet):
    permission_classes = [RunsTheProgram]
    throttle_classes = [CallerRateThrottle, RunRateThrottle]
    # Actions for the program's admins only: a coordinator gets a 403.
    admin_only: frozenset[str] = frozenset()


@extend_schema(tags=["admin: programs"])
class ProgramViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, StaffViewSet):
    """The programs the caller runs, with the figures the dashboard shows."""

    lookup_field = "slug"
    lookup_value_converter = "slug"
    admin_only = frozenset({"rescore", "assign"})

    def get_queryset(self):
        return (
            access.programs_for(self.request.user)
            .annotate(
                mentors=Count("profiles", filter=Q(profiles__role="mentor")),
                mentees=Count("profiles", filter=Q(profiles__role="mentee")),
            )
            .order_by("name", "pk")
        )

    def get_serializer_class(self):
        return ProgramDetailSerializer if self.action == "retrieve" else ProgramSerializer

    def retrieve(self, request, slug=None):
        program = self.get_object()
        # The dashboard's kept figures, worked out by the worker (dashboard/snapshots.py).
        shown = snapshots.current(program, "health")
        health = shown.snapshot.figures if shown.snapshot else None
        return Response(ProgramDetailSerializer(program, context={"health": health}).data)

    @extend_schema(
        responses=CycleSerializer(many=True),
        summary="The program's cycles, oldest first",
        description="Every cycle (round) of the program with its dates and state; "
        "`current` marks the one people take part in now. Their ids are what the "
        "`cycle` parameter of the other lists takes. Empty for a program without cycles.",
    )
    @action(detail=True, methods=["get"], pagination_class=None)
    def cycles(self, request, slug=None):
        program = program_of(request)
        now = current_cycle(program)
        rounds = program.cycles.order_by("registration_opens", "pk")
        context = {"current": now.pk if now else None}
        return Response(CycleSerializer(rounds, many=True, context=context).data)

    @extend_schema(
        parameters=[ParticipantFilterSerializer],
        responses=ParticipantSerializer(many=True),
        summary="Participants of a program",
    )
    @action(detail=True, methods=["get"])
    def participants(self, request, slug=None):
        program = program_of(request)
        params = query(ParticipantFilterSerializer, request, program=program)
        people = (
            Profile.objects.filter(program=program)
            .select_related("user", "industry")
            .prefetch_related("languages", "goals", "values")
            .annotate(
                places_taken=Count("mentorships_as_mentor", filter=room("mentor"), distinct=True)
                + Count("mentorships_as_mentee", filter=room("mentee"), distinct=True)
            )
            .order_by("role", "display_name", "pk")
        )
        if "cycle" in params:
            people = people.filter(enrolments__cycle=params["cycle"])
        if "role" in params:
            people = people.filter(role=params["role"])
        if params["ready"] is not None:
            people = people.filter(is_ready=params["ready"])
        if params["paused"] is not None:
            people = people.filter(is_paused=params["paused"])
        sensitive = sensitive_allowed(
            request, params["sensitive"], f"participants of {program.slug} with background"
        )
        if sensitive:
            people = with_background(people, "background")
        page = self.paginate_queryset(people)
        context = {"sensitive": sensitive, "exact_times": exact_times(request)}
        data = ParticipantSerializer(page, many=True, context=context).data
        return self.get_paginated_response(data)

    @extend_schema(
        request=None,
        responses={202: RunSerializer},
        summary="Start a re-score",
        description="For the program's admins (a coordinator gets a 403).",
    )
    @action(detail=True, methods=["post"])
    def rescore(self, request, slug=None):
        run = rescoring.start_rescore(program=program_of(request), user=request.user)
        return Response(RunSerializer(run).data, status=status.HTTP_202_ACCEPTED)

    @extend_schema(
        request=AssignInput,
        responses={202: RunSerializer},
        summary="Propose an auto-assignment",
        description="For the program's admins (a coordinator gets a 403).",
    )
    @action(detail=True, methods=["post"])
    def assign(self, request, slug=None):
        data = cleaned(AssignInput, request.data)
        run = assigning.start(program=program_of(request), policy=data["policy"], user=request.user)
        return Response(RunSerializer(run).data, status=status.HTTP_202_ACCEPTED)

    @extend_schema(
        parameters=[CycleFilterSerializer],
        responses=RunSerializer(many=True),
        summary="Runs, newest first",
    )
    @action(detail=True, methods=["get"])
    def runs(self, request, slug=None):
        program = program_of(request)
        params = query(CycleFilterSerializer, request, program=program)
        runs = MatchingRun.objects.filter(program=program).select_related("created_by")
        if "cycle" in params:
            runs = runs.filter(cycle=params["cycle"])
        page = self.paginate_queryset(runs.order_by("-created_at", "-pk"))
        return self.get_paginated_response(RunSerializer(page, many=True).data)

    @extend_schema(
        parameters=[MatchFilterSerializer],
        responses=MatchSerializer(many=True),
        summary="Matches (every request and mentorship) as JSON",
    )
    @action(detail=True, methods=["get"])
    def matches(self, request, slug=None):
        program = program_of(request)
        params = query(MatchFilterSerializer, request, program=program)
        pairs = (
            Mentorship.objects.filter(program=program)
            .select_related("mentee__user", "mentor__user")
            .order_by("requested_at", "pk")
        )
        if "cycle" in params:
            pairs = pairs.filter(cycle=params["cycle"])
        if "status" in params:
            pairs = pairs.filter(status=params["status"])
        sensitive = sensitive_allowed(
            request, params["sensitive"], f"matches of {program.slug} with background"
        )
        if sensitive:
            pairs = with_background(pairs, "mentee__background", "mentor__background")
        page = self.paginate_queryset(pairs)
        context = {"sensitive": sensitive, "exact_times": exact_times(request)}
        data = MatchSerializer(page, many=True, context=context).data
        return self.get_paginated_response(data)


@extend_schema(
    tags=["admin: programs"],
    parameters=[SensitiveFilterSerializer],
    responses={
        (200, "text/csv"): OpenApiResponse(
            OpenApiTypes.BINARY,
            description="The dashboard's CSV export of matches: every one, in one file "
            "(never paged).",
        )
    },
    summary="Matches as CSV (the dashboard's export)",
)
class MatchesCsvViewSet(StaffViewSet):
    # One whole file, as the dashboard exports it: no page or page_size to document.
    pagination_class = None

    def perform_content_negotiation(self, request, force=False):
        # The CSV itself bypasses renderers; errors are always JSON.
        return super().perform_content_negotiation(request, force=True)

    def list(self, request, slug=None):
        program = program_of(request)
        params = query(SensitiveFilterSerializer, request, program=program)
        return exports.csv_response(
            program,
            "matches",
            viewer=request.user,
            include_sensitive=params["sensitive"],
            cycle=params.get("cycle"),
        )


@extend_schema(tags=["admin: runs"])
class RunViewSet(mixins.RetrieveModelMixin, StaffViewSet):
    """A re-score or auto-assignment run: poll it until it has finished."""

    lookup_value_converter = "int"
    serializer_class = RunSerializer
    refusable = {"commit", "discard"}
    admin_only = frozenset({"commit", "discard"})

    def get_queryset(self):
        return MatchingRun.objects.filter(program=program_of(self.request)).select_related(
            "program", "created_by"
        )

    @extend_schema(
        responses=PairSerializer(many=True), summary="The pairs an auto-assignment proposes"
    )
    @action(detail=True, methods=["get"])
    def pairs(self, request, slug=None, pk=None):
        pairs = (
            AssignmentPair.objects.filter(run=self.get_object())
            .select_related("mentee", "mentor")
            .order_by("-score", "pk")
        )
        page = self.paginate_queryset(pairs)
        return self.get_paginated_response(PairSerializer(page, many=True).data)

    @extend_schema(
        request=None,
        responses={202: RunSerializer},
        summary="Commit a proposal: its mentorships are created in the background",
        description=(
            "Poll the run: `committed_at` is set and `summary.committed` holds "
            "`created` and `skipped` when it is done; `summary.commit_error` says why "
            "when nothing could be committed. For the program's admins (a coordinator "
            "gets a 403)."
        ),
    )
    @action(detail=True, methods=["post"])
    def commit(self, request, slug=None, pk=None):
        run = self.get_object()
        assigning.request_commit(run=run, user=request.user)
        run.refresh_from_db()
        return Response(RunSerializer(run).data, status=status.HTTP_202_ACCEPTED)

    @extend_schema(
        request=None,
        responses={204: OpenApiResponse(description="Discarded; nothing was changed.")},
        summary="Discard a proposal",
        description="For the program's admins (a coordinator gets a 403).",
    )
    @action(detail=True, methods=["post"])
    def discard(self, request, slug=None, pk=None):
        assigning.discard(run=self.get_object(), user=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)
