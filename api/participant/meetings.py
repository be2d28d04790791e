"""A pair's meetings through the API, with the pages' rules and forms
(mentorships/meetings.py, meeting_forms.py): propose, pick, propose other
times (reschedule), cancel, log, and the calendar invite as ``.ics``.

Every queryset starts from the caller's mentorships, so anyone else's meeting
is a 404, staff included; a mentorship named in a body that is not the
caller's is a 400 on that field. Times are ISO 8601: with an offset, or
without one, read in the caller's own time zone (their profile's), as the
page reads what they type."""

from __future__ import annotations

from django.http import HttpResponse
from django.urls import reverse
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiResponse,
    extend_schema,
    extend_schema_field,
    extend_schema_view,
)
from rest_framework import mixins, serializers, status
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.response import Response
from rest_framework.viewsets import GenericViewSet

from mentorships import invites, meetings
from mentorships.meeting_forms import LogForm, MeetingForm
from mentorships.models import MEETING_MINUTES, MEETING_OPTIONS, Meeting, Mentorship
from mentorships.times import in_both_zones
from profiles.models import Profile
from profiles.taxonomy import Role

from ..forms import form_errors
from ..serializers import TagSerializer
from .serializers import StrictSerializer

# --- shapes ------------------------------------------------------------------------------


def _side(m: Mentorship, profile_id: int | None) -> str | None:
    if profile_id is None:
        return None
    return Role.MENTEE if profile_id == m.mentee_id else Role.MENTOR


def _role_field(help_text: str):
    return extend_schema_field(
        serializers.ChoiceField(choices=Role.choices, allow_null=True, help_text=help_text)
    )


class OptionSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    starts_at = serializers.DateTimeField(help_text="The instant, in UTC.")
    shown = serializers.CharField(
        help_text="In your zone and the other side's: "
        '"Tue 9 Mar 18:00 your time · 10:00 for Ana (Europe/London)".'
    )
    passed = serializers.BooleanField(help_text="Too late to pick.")


class LogSerializer(serializers.Serializer):
    by = serializers.ChoiceField(choices=Role.choices, allow_null=True)
    at = serializers.DateTimeField()
    held_minutes = serializers.IntegerField(allow_null=True)
    discussed = TagSerializer(many=True)


class MeetingSerializer(serializers.ModelSerializer):
    """A meeting, as the caller sees it."""

    proposed_by = serializers.SerializerMethodField()
    cancelled_by = serializers.SerializerMethodField()
    agenda = TagSerializer(many=True)
    shown = serializers.SerializerMethodField()
    options = serializers.SerializerMethodField()
    log = serializers.SerializerMethodField()
    invite = serializers.SerializerMethodField()

    class Meta:
        model = Meeting
        fields = [
            "id",
            "mentorship",
            "status",
            "proposed_by",
            "options",
            "starts_at",
            "ends_at",
            "shown",
            "minutes",
            "place",
            "video_url",
            "agenda",
            "agenda_note",
            "sequence",
            "invite",
            "log",
            "created_at",
            "confirmed_at",
            "cancelled_at",
            "cancelled_by",
        ]

    def _me(self, meeting: Meeting) -> Profile:
        return meeting.mentorship.profile_of(self.context["request"].user)

    @_role_field("Whose times are on offer: the other side picks.")
    def get_proposed_by(self, meeting: Meeting) -> str | None:
        return _side(meeting.mentorship, meeting.proposed_by_id)

    @_role_field("Who cancelled it; null when it is not cancelled, or the mentorship ended.")
    def get_cancelled_by(self, meeting: Meeting) -> str | None:
        return _side(meeting.mentorship, meeting.cancelled_by_id)

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_shown(self, meeting: Meeting) -> str | None:
        """The time picked, in your zone and the other side's; null before one is."""
        if meeting.starts_at is None:
            return None
        me = self._me(meeting)
        return in_both_zones(meeting.starts_at, me, meeting.mentorship.other_side(me))

    @extend_schema_field(OptionSerializer(many=True))
    def get_options(self, meeting: Meeting) -> list[dict]:
        """The times on offer while it waits for a pick."""
        me = self._me(meeting)
        other = meeting.mentorship.other_side(me)
        now = self.context["now"]
        return [
            {
                "id": o.pk,
                "starts_at": o.starts_at,
                "shown": in_both_zones(o.starts_at, me, other),
                "passed": o.starts_at <= now,
            }
            for o in meeting.options.all()
        ]

    @extend_schema_field(LogSerializer(allow_null=True))
    def get_log(self, meeting: Meeting) -> dict | None:
        """Held or missed, by whom: null until logged."""
        if meeting.status not in Meeting.LOGGED:
            return None
        return LogSerializer(
            {
                "by": _side(meeting.mentorship, meeting.logged_by_id),
                "at": meeting.logged_at,
                "held_minutes": meeting.held_minutes,
                "discussed": list(meeting.discussed.all()),
            }
        ).data

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_invite(self, meeting: Meeting) -> str | None:
        """Where its calendar invite (.ics) is, while it is confirmed."""
        if meeting.status != Meeting.Status.CONFIRMED:
            return None
        url = reverse("api:meeting-invite", args=[meeting.pk])
        return self.context["request"].build_absolute_uri(url)


def _slugs(help_text: str) -> serializers.ListField:
    return serializers.ListField(
        child=serializers.CharField(), required=False, default=list, help_text=help_text
    )


class TimesInput(StrictSerializer):
    """Times and what the meeting is: other times for one (``reschedule``)."""

    times = serializers.ListField(
        child=serializers.CharField(),
        min_length=1,
        max_length=MEETING_OPTIONS,
        help_text=f"One to {MEETING_OPTIONS} start times, ISO 8601, in the future: with an "
        "offset, or without one in your own time zone.",
    )
    minutes = serializers.IntegerField(
        min_value=MEETING_MINUTES[0],
        max_value=MEETING_MINUTES[1],
        help_text=f"How long ({MEETING_MINUTES[0]} to {MEETING_MINUTES[1]}).",
    )
    video_url = serializers.CharField(
        required=False, allow_blank=True, default="", help_text="http(s) only; or a place."
    )
    place = serializers.CharField(required=False, allow_blank=True, default="", max_length=200)
    agenda = _slugs("Goal slugs, among the pair's goals (the agreed ones, once agreed).")
    agenda_note = serializers.CharField(
        required=False, allow_blank=True, default="", max_length=200
    )


class ProposeInput(TimesInput):
    """A meeting proposed to the other side of one of your mentorships."""

    mentorship = serializers.IntegerField(help_text="One of your mentorships under way.")


class PickInput(StrictSerializer):
    option = serializers.IntegerField(help_text="The id of one of the times on offer.")


class LogInput(StrictSerializer):
    outcome = serializers.ChoiceField(
        choices=LogForm.OUTCOMES,
        help_text="held or missed. A meeting moved to another time: POST …/reschedule/.",
    )
    held_minutes = serializers.IntegerField(
        required=False, allow_null=True, help_text="How long you met, when held (5 to 480)."
    )
    discussed = _slugs("The goals you talked about, when held.")


class MeetingFilter(serializers.Serializer):
    mentorship = serializers.IntegerField(required=False, help_text="One of your mentorships.")
    status = serializers.ChoiceField(choices=Meeting.Status.choices, required=False)


# --- from JSON to the page's form -----------------------------------------------------------


def _goal_ids(m: Mentorship, slugs: list[str], field: str, extra=()) -> list[int]:
    known = {t.slug: t.pk for t in [*meetings.agenda_goals(m), *extra]}
    unknown = [s for s in slugs if s not in known]
    if unknown:
        raise ValidationError({field: [f"Not one of your goals: {', '.join(unknown)}."]})
    return [known[s] for s in slugs]


def _times_form(m: Mentorship, me: Profile, data: dict) -> MeetingForm:
    posted = {
        **{f"time_{n}": t for n, t in enumerate(data["times"], start=1)},
        "minutes": data["minutes"],
        "video_url": data["video_url"],
        "place": data["place"],
        "agenda": _goal_ids(m, data["agenda"], "agenda"),
        "agenda_note": data["agenda_note"],
    }
    form = MeetingForm(posted, me=me, goals=meetings.agenda_goals(m))
    if not form.is_valid():
        errors = form_errors(form)
        for n in range(1, MEETING_OPTIONS + 1):
            if f"time_{n}" in errors:
                errors[f"times.{n - 1}"] = errors.pop(f"time_{n}")
        raise ValidationError(errors)
    return form


def _typed(serializer_class, data) -> dict:
    if not isinstance(data, dict):
        raise ValidationError("Send a JSON object.")
    typed = serializer_class(data=data)
    typed.is_valid(raise_exception=True)
    return typed.validated_data


# --- the endpoints -------------------------------------------------------------------------


@extend_schema(tags=["meetings"])
@extend_schema_view(list=extend_schema(parameters=[MeetingFilter]))
class MeetingViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, GenericViewSet):
    """Meetings of the mentorships the caller is part of."""

    lookup_value_converter = "int"
    serializer_class = MeetingSerializer
    refusable = {"create", "pick", "reschedule", "cancel", "log"}

    def get_queryset(self):
        mine = Mentorship.objects.of_user(self.request.user)
        found = (
            Meeting.objects.filter(mentorship__in=mine)
            .select_related("mentorship__mentee__user", "mentorship__mentor__user")
            .prefetch_related("options", "agenda", "discussed")
            .order_by("-created_at", "-pk")
        )
        if self.action == "list":
            params = MeetingFilter(data=self.request.query_params)
            params.is_valid(raise_exception=True)
            for name, value in params.validated_data.items():
                found = found.filter(**{name: value})
        return found

    def get_serializer_context(self):
        return {**super().get_serializer_context(), "now": timezone.now()}

    def mine(self):
        meeting = self.get_object()
        return meeting, meeting.mentorship.profile_of(self.request.user)

    def answer(self, meeting: Meeting, code: int = status.HTTP_200_OK) -> Response:
        fresh = self.get_queryset().get(pk=meeting.pk)
        return Response(self.get_serializer(fresh).data, status=code)

    @extend_schema(
        request=ProposeInput,
        responses={201: MeetingSerializer},
        summary="Propose a meeting: one to three times; the other side picks one",
    )
    def create(self, request):
        data = _typed(ProposeInput, request.data)
        m = Mentorship.objects.of_user(request.user).filter(pk=data["mentorship"]).first()
        if m is None:
            raise ValidationError({"mentorship": ["Not one of your mentorships."]})
        me = m.profile_of(request.user)
        form = _times_form(m, me, data)
        meeting = meetings.propose(mentorship=m, by=me, times=form.times(), plan=form.plan())
        return self.answer(meeting, status.HTTP_201_CREATED)

    @extend_schema(request=PickInput, responses=MeetingSerializer, summary="Pick a time")
    @action(detail=True, methods=["post"])
    def pick(self, request, pk=None):
        meeting, me = self.mine()
        data = _typed(PickInput, request.data)
        meetings.pick(meeting=meeting, by=me, option_id=data["option"])
        return self.answer(meeting)

    @extend_schema(
        request=TimesInput,
        responses=MeetingSerializer,
        summary="Propose other times: none on offer suits, or a confirmed meeting moves",
    )
    @action(detail=True, methods=["post"])
    def reschedule(self, request, pk=None):
        meeting, me = self.mine()
        data = _typed(TimesInput, request.data)
        form = _times_form(meeting.mentorship, me, data)
        meetings.propose_times(meeting=meeting, by=me, times=form.times(), plan=form.plan())
        return self.answer(meeting)

    @extend_schema(request=None, responses=MeetingSerializer, summary="Cancel the meeting")
    @action(detail=True, methods=["post"])
    def cancel(self, request, pk=None):
        meeting, me = self.mine()
        meetings.cancel(meeting=meeting, by=me)
        return self.answer(meeting)

    @extend_schema(
        request=LogInput, responses=MeetingSerializer, summary="Did you meet? Held or missed"
    )
    @action(detail=True, methods=["post"])
    def log(self, request, pk=None):
        meeting, me = self.mine()
        data = _typed(LogInput, request.data)
        m = meeting.mentorship
        discussed = _goal_ids(m, data["discussed"], "discussed", extra=meeting.agenda.all())
        form = LogForm(
            {**data, "held_minutes": data.get("held_minutes"), "discussed": discussed},
            meeting=meeting,
            goals=meetings.agenda_goals(m),
        )
        if not form.is_valid():
            raise ValidationError(form_errors(form))
        clean = form.cleaned_data
        meetings.log(
            meeting=meeting,
            by=me,
            held=clean["outcome"] == "held",
            minutes=clean["held_minutes"],
            discussed=list(clean["discussed"]),
        )
        return self.answer(meeting)

    @extend_schema(
        responses={
            (200, "text/calendar"): OpenApiResponse(
                OpenApiTypes.BINARY,
                description="The calendar invite (RFC 5545, METHOD:REQUEST): the same event, "
                "UID and SEQUENCE as the one emailed.",
            )
        },
        summary="The invite as .ics (a confirmed meeting only)",
        operation_id="meetings_invite",
    )
    # Routed by api/urls.py as meetings/<id>/invite.ics: a file's name, without a slash.
    def invite(self, request, pk=None):
        meeting, _ = self.mine()
        if meeting.status != Meeting.Status.CONFIRMED:
            raise NotFound("Only a confirmed meeting has an invite.")
        response = HttpResponse(
            invites.ics(meeting, invites.REQUEST), content_type="text/calendar; charset=utf-8"
        )
        response["Content-Disposition"] = (
            f'attachment; filename="kindred-meeting-{meeting.starts_at:%Y-%m-%d}.ics"'
        )
        return response

    def perform_content_negotiation(self, request, force=False):
        # The invite bypasses renderers; everything else, errors included, is JSON.
        return super().perform_content_negotiation(request, force=True)
