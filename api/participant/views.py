"""A participant's endpoints: their profiles, suggestions and mentorships.

Every queryset starts from the caller, so another person's object is a 404.
Each action calls the service its page calls; a refusal is a 409
(api/errors.py). The views work out what the serializers show: whose
background the caller may see, and why a pair was matched.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import Prefetch, Q
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, status
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound, PermissionDenied
from rest_framework.response import Response
from rest_framework.viewsets import GenericViewSet

from matching import pages, suggestions
from matching.models import Suggestion
from mentorships import lifecycle
from mentorships.models import CheckIn, Mentorship
from mentorships.visibility import can_see_background
from profiles.models import Profile, Tag
from profiles.taxonomy import Role

from .. import answers
from ..forms import cleaned, query
from ..serializers import VocabularySerializer
from .serializers import (
    AvailabilityInput,
    CheckInInput,
    CheckInSerializer,
    DeclineInput,
    DismissInput,
    EndInput,
    MentorshipDetailSerializer,
    MentorshipFilterSerializer,
    MentorshipSerializer,
    ProfileSerializer,
    ProfileUpdateSerializer,
    RequestInput,
    SuggestionListSerializer,
    SuggestionSerializer,
    TagFilterSerializer,
)


def person_prefetch(side: str) -> list[str]:
    """The tags a PersonSerializer shows of the mentorship's ``side``."""
    return [f"{side}__{name}" for name in ("languages", "goals", "values", "background")]


def visible(pairs: Iterable[tuple[Profile | None, Profile]]) -> set[int]:
    """Of these (person, viewer) pairs, the people whose background the viewer may see."""
    return {person.pk for person, viewer in pairs if person and can_see_background(person, viewer)}


@extend_schema(tags=["vocabulary"])
@extend_schema_view(list=extend_schema(parameters=[TagFilterSerializer]))
class TagViewSet(mixins.ListModelMixin, GenericViewSet):
    """The answers a profile can choose from, named by slug."""

    serializer_class = VocabularySerializer
    pagination_class = None

    def get_queryset(self):
        tags = Tag.objects.active().order_by("kind", "facet", "sort_order", "name")
        kind = query(TagFilterSerializer, self.request).get("kind")
        return tags.filter(kind=kind) if kind else tags


@extend_schema(tags=["profiles"])
class ProfileViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, GenericViewSet):
    """The caller's own profiles (one per program and role)."""

    lookup_value_converter = "int"
    serializer_class = ProfileSerializer
    pagination_class = None
    refusable = {"availability"}

    def get_queryset(self):
        return (
            Profile.objects.owned_by(self.request.user)
            .select_related("industry")
            .prefetch_related("languages", "goals", "values", "background")
            .order_by("pk")
        )

    def own(self, role: str | None = None):
        profile = self.get_object()
        if role and profile.role != role:
            raise NotFound(f"Only a {role}'s profile has this.")
        return profile

    def fresh(self, pk: int) -> Response:
        return Response(ProfileSerializer(self.get_queryset().get(pk=pk)).data)

    @extend_schema(
        request=ProfileUpdateSerializer,
        responses=ProfileSerializer,
        summary="Change some answers, as the questionnaire does",
    )
    def partial_update(self, request, pk=None):
        profile = self.own()
        changes = ProfileUpdateSerializer(data=request.data, partial=True)
        changes.is_valid(raise_exception=True)
        answers.update(profile=profile, changes=changes.validated_data)
        return self.fresh(profile.pk)

    @extend_schema(
        responses=SuggestionListSerializer, summary="A mentee's suggested mentors, best first"
    )
    @action(detail=True, methods=["get"])
    def suggestions(self, request, pk=None):
        profile = self.own(Role.MENTEE)
        panel = pages.mentee_panel(profile)
        data = SuggestionListSerializer(
            {
                "state": panel["state"],
                "can_request": panel["can_request"],
                "max_open_requests": panel["max_requests"],
                "hints": panel["hints"],
                "results": panel["suggestions"],
            },
            context={"visible": {s.mentor_id for s in panel["suggestions"] if s.show_background}},
        ).data
        suggestions.mark_seen(profile)
        return Response(data)

    @extend_schema(
        request=AvailabilityInput,
        responses=ProfileSerializer,
        summary="A mentor's capacity and pause",
    )
    @action(detail=True, methods=["post"])
    def availability(self, request, pk=None):
        profile = self.own(Role.MENTOR)
        data = cleaned(AvailabilityInput, request.data)
        lifecycle.set_availability(
            mentor=profile,
            capacity=data["capacity"],
            paused=data["is_paused"],
            decline_waiting=data["decline_waiting"],
        )
        return self.fresh(profile.pk)


@extend_schema(tags=["suggestions"])
class SuggestionViewSet(mixins.RetrieveModelMixin, GenericViewSet):
    """A suggestion listed to one of the caller's mentee profiles."""

    lookup_value_converter = "int"
    serializer_class = SuggestionSerializer
    refusable = {"ask", "dismiss"}

    def get_queryset(self):
        mine = Suggestion.objects.filter(mentee__user=self.request.user)
        if self.action == "retrieve":
            mine = mine.listed()
        # Asking or hiding again (a retry, a second client) finds the suggestion
        # in its new state and is refused in words: a 409, not a 404.
        return mine.select_related("mentee", "mentor__industry").prefetch_related(
            *person_prefetch("mentor")
        )

    def retrieve(self, request, pk=None):
        suggestion = self.get_object()
        suggestion.show_background = can_see_background(suggestion.mentor, suggestion.mentee)
        context = {"visible": {suggestion.mentor_id} if suggestion.show_background else set()}
        return Response(SuggestionSerializer(suggestion, context=context).data)

    @extend_schema(
        request=RequestInput,
        responses={201: MentorshipSerializer},
        summary="Ask this mentor to mentor you",
    )
    @action(detail=True, methods=["post"], url_path="request", url_name="request")
    def ask(self, request, pk=None):
        suggestion = self.get_object()
        data = cleaned(RequestInput, request.data)
        m = suggestions.request_mentor(suggestion=suggestion, message=data["message"])
        mine = mentorships_of(request.user).get(pk=m.pk)
        return Response(
            MentorshipSerializer(mine, context=mentorship_context(request, [mine])).data,
            status=status.HTTP_201_CREATED,
        )

    @extend_schema(
        request=DismissInput,
        responses={204: OpenApiResponse(description="Dismissed: never suggested again.")},
        summary="Hide this mentor for good",
    )
    @action(detail=True, methods=["post"])
    def dismiss(self, request, pk=None):
        suggestion = self.get_object()
        data = cleaned(DismissInput, request.data)
        suggestions.dismiss(suggestion=suggestion, reason=data["reason"])
        return Response(status=status.HTTP_204_NO_CONTENT)


def mentorships_of(user):
    return (
        Mentorship.objects.of_user(user)
        .select_related("program", "mentee__user", "mentor__user", "mentee__industry")
        .select_related("mentor__industry")
        .prefetch_related(*person_prefetch("mentee"), *person_prefetch("mentor"))
        .order_by("-requested_at", "-pk")
    )


def mentorship_context(request, mentorships: Iterable[Mentorship]) -> dict:
    """What a serializer of these mentorships shows that the caller may see."""
    sides = [(m.other_side(me), me) for m in mentorships if (me := m.profile_of(request.user))]
    return {"request": request, "visible": visible(sides)}


@extend_schema(tags=["mentorships"])
@extend_schema_view(list=extend_schema(parameters=[MentorshipFilterSerializer]))
class MentorshipViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, GenericViewSet):
    """Requests and mentorships the caller is part of, as mentee or mentor."""

    lookup_value_converter = "int"
    serializer_class = MentorshipSerializer
    refusable = {"withdraw", "accept", "decline", "end", "met", "check_ins"}

    def get_queryset(self):
        mine = mentorships_of(self.request.user)
        if self.action != "list":
            return mine
        params = query(MentorshipFilterSerializer, self.request)
        if "profile" in params:
            mine = mine.filter(Q(mentee_id=params["profile"]) | Q(mentor_id=params["profile"]))
        if "role" in params:
            mine = mine.filter(**{f"{params['role']}__user": self.request.user})
        if "status" in params:
            mine = mine.filter(status=params["status"])
        return mine

    def list(self, request):
        page = self.paginate_queryset(self.get_queryset())
        context = mentorship_context(request, page)
        return self.get_paginated_response(
            MentorshipSerializer(page, many=True, context=context).data
        )

    @extend_schema(responses=MentorshipDetailSerializer)
    def retrieve(self, request, pk=None):
        return self.answer(self.get_object())

    def mine(self, only: str | None = None):
        """The mentorship and the caller's side of it; ``only`` that side may act."""
        m = self.get_object()
        me = m.profile_of(self.request.user)
        if only and me.role != only:
            raise PermissionDenied(f"Only the {only} can do this.")
        return m, me

    def answer(self, m: Mentorship) -> Response:
        """The mentorship as it stands now, with why the two were matched."""
        m = (
            mentorships_of(self.request.user)
            .prefetch_related(
                Prefetch("check_ins", queryset=CheckIn.objects.select_related("author"))
            )
            .get(pk=m.pk)
        )
        me = m.profile_of(self.request.user)
        context = mentorship_context(self.request, [m])
        if m.other_side(me) is not None:
            context["explanation"] = suggestions.explain_pair(
                mentee=m.mentee, mentor=m.mentor, viewer=me
            )
        return Response(MentorshipDetailSerializer(m, context=context).data)

    @extend_schema(
        request=None, responses=MentorshipDetailSerializer, summary="Withdraw my request"
    )
    @action(detail=True, methods=["post"])
    def withdraw(self, request, pk=None):
        m, _ = self.mine(Role.MENTEE)
        lifecycle.withdraw(mentorship=m)
        return self.answer(m)

    @extend_schema(request=None, responses=MentorshipDetailSerializer, summary="Accept a request")
    @action(detail=True, methods=["post"])
    def accept(self, request, pk=None):
        m, _ = self.mine(Role.MENTOR)
        lifecycle.accept(mentorship=m)
        return self.answer(m)

    @extend_schema(
        request=DeclineInput, responses=MentorshipDetailSerializer, summary="Decline a request"
    )
    @action(detail=True, methods=["post"])
    def decline(self, request, pk=None):
        m, _ = self.mine(Role.MENTOR)
        data = cleaned(DeclineInput, request.data)
        lifecycle.decline(mentorship=m, reason=data["reason"], note=data["note"])
        return self.answer(m)

    @extend_schema(
        request=None,
        responses=MentorshipDetailSerializer,
        summary="We have had our first conversation",
    )
    @action(detail=True, methods=["post"])
    def met(self, request, pk=None):
        m, _ = self.mine()
        lifecycle.mark_met(mentorship=m)
        return self.answer(m)

    @extend_schema(request=EndInput, responses=MentorshipDetailSerializer, summary="End it")
    @action(detail=True, methods=["post"])
    def end(self, request, pk=None):
        m, me = self.mine()
        data = cleaned(EndInput, request.data)
        lifecycle.end(mentorship=m, by=me, reason=data["reason"], note=data["note"])
        return self.answer(m)

    @extend_schema(
        methods=["GET"], request=None, responses=CheckInSerializer(many=True), summary="Check-ins"
    )
    @extend_schema(
        methods=["POST"],
        request=CheckInInput,
        responses={201: CheckInSerializer},
        summary="Check in: how is it going?",
    )
    @action(detail=True, methods=["get", "post"], url_path="check-ins", pagination_class=None)
    def check_ins(self, request, pk=None):
        m, me = self.mine()
        if request.method == "GET":
            entries = m.check_ins.select_related("author")
            return Response(CheckInSerializer(entries, many=True).data)
        data = cleaned(CheckInInput, request.data)
        entry = lifecycle.check_in(
            mentorship=m, author=me, rating=data["rating"], note=data["note"]
        )
        return Response(CheckInSerializer(entry).data, status=status.HTTP_201_CREATED)
