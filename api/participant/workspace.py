"""A mentorship's workspace through the API: notes, action items and messages,
for the pair only, with the pages' rules (mentorships/notes.py, threads.py).

Every queryset starts from the caller's mentorships, so anyone else's note,
item or message is a 404. A note the caller may read but did not write is a 403
to change; a private note of the other side is a 404, as it is not there for
them. A mentorship named in a body that is not the caller's is a 400 on that
field, whether or not it exists.
"""

from __future__ import annotations

from django.db.models import Q
from drf_spectacular.utils import extend_schema, extend_schema_field, extend_schema_view
from rest_framework import mixins, serializers, status
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response
from rest_framework.viewsets import GenericViewSet

from mentorships import notes, threads
from mentorships.forms import ActionItemForm, MessageForm, NoteForm, ReportForm
from mentorships.models import ActionItem, Mentorship, Message, MessageReport, Note, ThreadReader
from mentorships.rendering import render
from profiles.taxonomy import Role

from ..forms import cleaned, form_serializer, query

LAST_ID = 2**63 - 1

# --- shapes ---------------------------------------------------------------------------


def _side_of(m: Mentorship, profile_id: int | None) -> str | None:
    """Which side wrote it; null once its author has left."""
    if profile_id is None:
        return None
    return Role.MENTEE if profile_id == m.mentee_id else Role.MENTOR


class _Written(serializers.ModelSerializer):
    """Something one of the pair wrote: which side, and whether it is the caller."""

    by = serializers.SerializerMethodField()
    mine = serializers.SerializerMethodField()
    author_field = "author_id"

    def _author(self, obj) -> int | None:
        return getattr(obj, self.author_field)

    @extend_schema_field(serializers.ChoiceField(choices=Role.choices, allow_null=True))
    def get_by(self, obj) -> str | None:
        """Which side wrote it; null once its author has left Kindred."""
        return _side_of(obj.mentorship, self._author(obj))

    @extend_schema_field(serializers.BooleanField())
    def get_mine(self, obj) -> bool:
        """Whether you wrote it."""
        return self._author(obj) in self.context["mine"]


class NoteSerializer(_Written):
    visibility = serializers.SerializerMethodField()
    html = serializers.SerializerMethodField()

    class Meta:
        model = Note
        fields = [
            "id",
            "mentorship",
            "meeting",
            "by",
            "mine",
            "visibility",
            "body",
            "html",
            "created_at",
            "updated_at",
        ]

    def get_visibility(self, note: Note) -> str:
        """shared: both of you read it; private: only you."""
        return "shared" if note.shared else "private"

    def get_html(self, note: Note) -> str:
        """The Markdown rendered as the page shows it, sanitised."""
        return str(render(note.body))


class ActionItemSerializer(_Written):
    done = serializers.BooleanField(help_text="Ticked done by either side.")
    author_field = "created_by_id"

    class Meta:
        model = ActionItem
        fields = [
            "id",
            "mentorship",
            "text",
            "owner",
            "due",
            "done",
            "done_at",
            "by",
            "mine",
            "created_at",
        ]


class MessageSerializer(_Written):
    unread = serializers.SerializerMethodField()

    class Meta:
        model = Message
        fields = ["id", "mentorship", "by", "mine", "body", "created_at", "unread"]

    def get_unread(self, message: Message) -> bool:
        """Not yours, and past the last message you marked read."""
        read = self.context["read"].get(message.mentorship_id, 0)
        return not self.get_mine(message) and message.pk > read


class ReportSerializer(serializers.ModelSerializer):
    class Meta:
        model = MessageReport
        fields = ["id", "message", "status", "reason", "created_at"]


class ReadSerializer(serializers.Serializer):
    last_read = serializers.IntegerField(help_text="The id of the last message you have read.")
    unread = serializers.IntegerField(help_text="Messages in this thread still unread.")


def _meeting_field() -> serializers.IntegerField:
    return serializers.IntegerField(
        required=False,
        allow_null=True,
        min_value=1,
        max_value=LAST_ID,
        help_text="One of the mentorship's meetings that the note is about; null for the "
        "mentorship as a whole.",
    )


def _with(base: type, name: str, doc: str, **fields) -> type:
    return type(name, (base,), {"__doc__": doc, **fields})


def _with_mentorship(form_class, name: str, doc: str, **fields) -> type:
    """The form's fields, and the mentorship it is for."""
    mentorship = serializers.IntegerField(
        min_value=1, max_value=LAST_ID, help_text="One of your mentorships' id."
    )
    base = form_serializer(form_class, f"{name}Fields", doc)
    return _with(base, name, doc, mentorship=mentorship, **fields)


NoteInput = _with(
    form_serializer(NoteForm, "NoteFields", ""),
    "NoteInput",
    "A note's text (Markdown), who sees it and, if sent, the meeting it is about.",
    meeting=_meeting_field(),
)
NoteCreateInput = _with_mentorship(
    NoteForm, "NoteCreateInput", "A note on a mentorship.", meeting=_meeting_field()
)
ActionItemCreateInput = _with_mentorship(
    ActionItemForm, "ActionItemCreateInput", "What is to be done, whose it is, and by when."
)
MessageCreateInput = _with_mentorship(
    MessageForm, "MessageCreateInput", "A message to the other side."
)
ReportInput = form_serializer(ReportForm, "ReportInput", "Why you report this message (optional).")


class ActionItemUpdateInput(serializers.Serializer):
    done = serializers.BooleanField(help_text="Tick it done, or not done after all.")


class MentorshipFilter(serializers.Serializer):
    mentorship = serializers.IntegerField(
        required=False, min_value=1, max_value=LAST_ID, help_text="Only this mentorship's."
    )


class MessageFilter(MentorshipFilter):
    after = serializers.IntegerField(
        required=False, min_value=0, max_value=LAST_ID, help_text="Only messages after this id."
    )


# --- endpoints ------------------------------------------------------------------------


class _Workspace(GenericViewSet):
    lookup_value_converter = "int"
    refusable = {"create", "partial_update", "destroy", "report"}
    filter_serializer = MentorshipFilter

    def mine(self):
        return Mentorship.objects.of_user(self.request.user)

    def in_my_mentorships(self, queryset):
        found = queryset.filter(mentorship__in=self.mine()).select_related("mentorship")
        if self.action == "list":
            params = query(self.filter_serializer, self.request)
            if "mentorship" in params:
                found = found.filter(mentorship_id=params["mentorship"])
        return found

    def get_serializer_context(self) -> dict:
        mine = set(self.request.user.profiles.values_list("pk", flat=True))
        return {**super().get_serializer_context(), "mine": mine}

    def mentorship(self, data) -> tuple[Mentorship, object]:
        """The mentorship a body names, and the caller's side of it."""
        m = self.mine().select_related("mentee", "mentor").filter(pk=data["mentorship"]).first()
        if m is None:
            raise serializers.ValidationError({"mentorship": ["Not one of your mentorships."]})
        return m, m.profile_of(self.request.user)

    def created(self, obj) -> Response:
        return Response(self.get_serializer(obj).data, status=status.HTTP_201_CREATED)


class _Editable(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    mixins.DestroyModelMixin,
    _Workspace,
):
    """Listed, read, written, changed in part and deleted (no PUT)."""

    http_method_names = ["get", "post", "patch", "delete"]


@extend_schema(tags=["workspace"])
@extend_schema_view(
    list=extend_schema(parameters=[MentorshipFilter], summary="Notes you can read"),
    retrieve=extend_schema(summary="One note"),
    create=extend_schema(request=NoteCreateInput, summary="Write a note"),
    partial_update=extend_schema(request=NoteInput, summary="Change your note"),
    destroy=extend_schema(summary="Delete your note"),
)
class NoteViewSet(_Editable):
    """Notes on your mentorships: every shared note, and your own private ones."""

    serializer_class = NoteSerializer

    def get_queryset(self):
        user = self.request.user
        visible = Note.objects.filter(Q(shared=True) | Q(author__user=user))
        return self.in_my_mentorships(visible).order_by("-created_at", "-pk")

    def own(self) -> tuple[Note, object]:
        note = self.get_object()
        me = note.mentorship.profile_of(self.request.user)
        if note.author_id != me.pk:
            raise PermissionDenied("You can change only the notes you wrote.")
        return note, me

    @staticmethod
    def meeting(m: Mentorship, data) -> int | None:
        """The meeting a body names, if it is one of this mentorship's; a 400 if not."""
        meeting = data.get("meeting")
        if meeting is not None and not m.meetings.filter(pk=meeting).exists():
            raise serializers.ValidationError(
                {"meeting": ["Not one of this mentorship's meetings."]}
            )
        return meeting

    def create(self, request):
        data = cleaned(NoteCreateInput, request.data)
        m, me = self.mentorship(request.data)
        note = notes.write(
            mentorship=m,
            author=me,
            body=data["body"],
            shared=data["visibility"] == "shared",
            meeting_id=self.meeting(m, request.data),
        )
        return self.created(note)

    def partial_update(self, request, pk=None):
        note, me = self.own()
        data = cleaned(NoteInput, request.data)
        kept = "meeting" not in request.data
        note = notes.edit(
            note=note,
            author=me,
            body=data["body"],
            shared=data["visibility"] == "shared",
            meeting_id=notes.KEEP if kept else self.meeting(note.mentorship, request.data),
        )
        return Response(self.get_serializer(note).data)

    def destroy(self, request, pk=None):
        note, me = self.own()
        notes.delete(note=note, author=me)
        return Response(status=status.HTTP_204_NO_CONTENT)


@extend_schema(tags=["workspace"])
@extend_schema_view(
    list=extend_schema(parameters=[MentorshipFilter], summary="Action items"),
    retrieve=extend_schema(summary="One action item"),
    create=extend_schema(request=ActionItemCreateInput, summary="Add an action item"),
    partial_update=extend_schema(request=ActionItemUpdateInput, summary="Tick it done, or not"),
    destroy=extend_schema(summary="Remove an action item you added"),
)
class ActionItemViewSet(_Editable):
    """Action items on your mentorships: either side adds and ticks them."""

    serializer_class = ActionItemSerializer

    def get_queryset(self):
        return self.in_my_mentorships(ActionItem.objects.all())

    def create(self, request):
        data = cleaned(ActionItemCreateInput, request.data)
        m, me = self.mentorship(request.data)
        item = notes.add_action_item(
            mentorship=m, by=me, text=data["text"], owner=data["owner"], due=data["due"]
        )
        return self.created(item)

    def partial_update(self, request, pk=None):
        item = self.get_object()
        done = ActionItemUpdateInput(data=request.data)
        done.is_valid(raise_exception=True)
        me = item.mentorship.profile_of(request.user)
        item = notes.tick(item=item, by=me, done=done.validated_data["done"])
        return Response(self.get_serializer(item).data)

    def destroy(self, request, pk=None):
        item = self.get_object()
        me = item.mentorship.profile_of(request.user)
        if item.created_by_id != me.pk:
            raise PermissionDenied("Only the person who added an action item can remove it.")
        notes.remove_action_item(item=item, by=me)
        return Response(status=status.HTTP_204_NO_CONTENT)


@extend_schema(tags=["workspace"])
@extend_schema_view(
    list=extend_schema(
        parameters=[MessageFilter], summary="Messages of your threads, oldest first"
    ),
    retrieve=extend_schema(summary="One message"),
    create=extend_schema(request=MessageCreateInput, summary="Send a message"),
)
class MessageViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, _Workspace
):
    """Each mentorship's thread, for its two people; read-only once it has ended."""

    serializer_class = MessageSerializer
    filter_serializer = MessageFilter

    def get_queryset(self):
        found = self.in_my_mentorships(Message.objects.all()).order_by("pk")
        if self.action == "list":
            after = query(MessageFilter, self.request).get("after")
            if after is not None:
                found = found.filter(pk__gt=after)
        return found

    def get_serializer_context(self) -> dict:
        read = ThreadReader.objects.filter(profile__user=self.request.user)
        return {
            **super().get_serializer_context(),
            "read": dict(read.values_list("mentorship_id", "last_read")),
        }

    def create(self, request):
        data = cleaned(MessageCreateInput, request.data)
        m, me = self.mentorship(request.data)
        return self.created(threads.send(mentorship=m, author=me, body=data["body"]))

    @extend_schema(
        request=None, responses=ReadSerializer, summary="Mark the thread read up to this message"
    )
    @action(detail=True, methods=["post"])
    def read(self, request, pk=None):
        message = self.get_object()
        m = message.mentorship
        me = m.profile_of(request.user)
        threads.mark_read(mentorship=m, reader=me, up_to=message.pk)
        unread = Message.objects.unread_by(me).filter(mentorship=m).count()
        last = ThreadReader.objects.get(mentorship=m, profile=me).last_read
        return Response(ReadSerializer({"last_read": last, "unread": unread}).data)

    @extend_schema(
        request=ReportInput,
        responses={201: ReportSerializer},
        summary="Report this message to the program's admins",
    )
    @action(detail=True, methods=["post"])
    def report(self, request, pk=None):
        message = self.get_object()
        data = cleaned(ReportInput, request.data)
        me = message.mentorship.profile_of(request.user)
        made = threads.report(message=message, reporter=me, reason=data["reason"])
        return Response(ReportSerializer(made).data, status=status.HTTP_201_CREATED)
