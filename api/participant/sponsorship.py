"""The sponsorship ledger through the API, for the pair only, with the page's rules
(mentorships/sponsorships.py): the mentor records, corrects and deletes an entry; the
mentee confirms it or takes the confirmation back.

Every queryset starts from the caller's mentorships, so anyone else's entry is a 404.
A step that is the other side's is a 403; one the rules refuse (a confirmed entry
changed, a mentorship closed more than 90 days ago) is a 409; a bad body or date, a 400.
"""

from __future__ import annotations

from drf_spectacular.utils import extend_schema, extend_schema_field, extend_schema_view
from rest_framework import serializers, status
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response

from mentorships import sponsorships
from mentorships.outcome_models import SponsorshipAction
from mentorships.sponsorship_forms import SponsorshipForm

from ..forms import cleaned, form_serializer
from .workspace import MentorshipFilter, _Editable, _with_mentorship


class SponsorshipSerializer(serializers.ModelSerializer):
    confirmed = serializers.SerializerMethodField()

    class Meta:
        model = SponsorshipAction
        fields = [
            "id",
            "mentorship",
            "kind",
            "happened_on",
            "note",
            "recorded_at",
            "confirmed",
            "confirmed_at",
        ]

    @extend_schema_field(serializers.BooleanField())
    def get_confirmed(self, action: SponsorshipAction) -> bool:
        """Whether the mentee confirmed it happened as recorded."""
        return action.is_confirmed


SponsorshipInput = form_serializer(
    SponsorshipForm,
    "SponsorshipInput",
    "What the mentor did, the day it happened (YYYY-MM-DD), and a note for the pair.",
)
SponsorshipCreateInput = _with_mentorship(
    SponsorshipForm,
    "SponsorshipCreateInput",
    "An act of sponsorship the mentor records for their mentee.",
)


@extend_schema(tags=["workspace"])
@extend_schema_view(
    list=extend_schema(parameters=[MentorshipFilter], summary="Sponsorship ledger entries"),
    retrieve=extend_schema(summary="One ledger entry"),
    create=extend_schema(request=SponsorshipCreateInput, summary="Record sponsorship (mentor)"),
    partial_update=extend_schema(
        request=SponsorshipInput, summary="Correct an unconfirmed entry (mentor)"
    ),
    destroy=extend_schema(summary="Delete an unconfirmed entry (mentor)"),
)
class SponsorshipViewSet(_Editable):
    """The sponsorship ledger of your mentorships: what each mentor did for their mentee."""

    serializer_class = SponsorshipSerializer

    def get_queryset(self):
        return self.in_my_mentorships(SponsorshipAction.objects.all())

    def _entry(self, side: str):
        """The entry, if the caller is its mentorship's ``side``; a 403 if not."""
        entry = self.get_object()
        m = entry.mentorship
        me = m.profile_of(self.request.user)
        if me is None or me.pk != getattr(m, f"{side}_id"):
            raise PermissionDenied(
                "Only the mentor changes an entry."
                if side == "mentor"
                else "Only the mentee confirms an entry."
            )
        return entry, me

    def create(self, request):
        data = cleaned(SponsorshipCreateInput, request.data)
        m, me = self.mentorship(request.data)
        if me.pk != m.mentor_id:
            raise PermissionDenied("Only the mentor records sponsorship in a mentorship.")
        return self.created(sponsorships.record(mentorship=m, by=me, **data))

    def partial_update(self, request, pk=None):
        entry, me = self._entry("mentor")
        data = cleaned(SponsorshipInput, request.data)
        entry = sponsorships.edit(action=entry, by=me, **data)
        return Response(self.get_serializer(entry).data)

    def destroy(self, request, pk=None):
        entry, me = self._entry("mentor")
        sponsorships.delete(action=entry, by=me)
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(request=None, summary="Confirm it happened as recorded (mentee)")
    @action(detail=True, methods=["post"])
    def confirm(self, request, pk=None):
        entry, me = self._entry("mentee")
        return Response(self.get_serializer(sponsorships.confirm(action=entry, by=me)).data)

    @extend_schema(request=None, summary="Not quite right: take the confirmation back (mentee)")
    @action(detail=True, methods=["post"])
    def unconfirm(self, request, pk=None):
        entry, me = self._entry("mentee")
        return Response(self.get_serializer(sponsorships.unconfirm(action=entry, by=me)).data)
