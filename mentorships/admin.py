"""Mentorships and check-ins as raw records, read-only: every change goes
through the lifecycle (its rules, emails and re-scoring), never an edit here.
A check-in changes a mentorship's health, so it is read-only too."""

from django import forms
from django.contrib import admin
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from modeltranslation.admin import TranslationAdmin

from config.admin import RecordAdmin
from profiles.admin import PERSON_PAGES

from . import guides
from .models import CheckIn, GuideNote, Mentorship
from .rendering import render


class FlaggedFilter(admin.SimpleListFilter):
    """Flagged as the dashboard counts it: under way, with a health concern."""

    title = _("match health")
    parameter_name = "flagged"

    def lookups(self, request, model_admin):
        return [("yes", _("Flagged")), ("no", _("No concern"))]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.flagged()
        if self.value() == "no":
            return queryset.filter(health="")
        return queryset


class CheckInInline(admin.TabularInline):
    model = CheckIn
    fields = ["created_at", "author", "rating"]  # the note is the person's own words
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Mentorship)
class MentorshipAdmin(RecordAdmin):
    deleted_with = PERSON_PAGES
    # What the two wrote to each other stays theirs; the dashboard's timeline says only
    # "with a note", and so does this page by leaving the notes out.
    exclude = ["message", "accept_note", "decline_note", "end_note"]
    list_display = [
        "pk",
        "mentee",
        "mentor",
        "program",
        "status",
        "source",
        "health",
        "requested_at",
        "started_at",
        "ended_at",
    ]
    list_display_links = ["pk", "mentee"]
    list_filter = [
        "program",
        "status",
        "source",
        FlaggedFilter,
        "health",
        "ended_by",
        ("started_at", admin.DateFieldListFilter),
    ]
    search_fields = [
        "=id",
        "mentee__display_name",
        "mentee__user__email",
        "mentor__display_name",
        "mentor__user__email",
    ]
    date_hierarchy = "requested_at"
    ordering = ["-requested_at", "-pk"]
    list_select_related = ["mentee", "mentor", "program"]
    show_full_result_count = False
    inlines = [CheckInInline]


@admin.register(CheckIn)
class CheckInAdmin(RecordAdmin):
    deleted_with = PERSON_PAGES
    list_display = ["pk", "mentorship", "author", "rating", "created_at"]
    list_filter = ["rating", "mentorship__program", ("created_at", admin.DateFieldListFilter)]
    search_fields = [
        "=mentorship__id",
        "author__display_name",
        "author__user__email",
        "mentorship__mentee__display_name",
        "mentorship__mentor__display_name",
    ]
    date_hierarchy = "created_at"
    list_select_related = ["mentorship__mentee", "mentorship__mentor", "author"]
    show_full_result_count = False
    exclude = ["note"]


class GuideNoteForm(forms.ModelForm):
    guide = forms.ChoiceField(choices=guides.choices, label=_("Guide"))

    class Meta:
        model = GuideNote
        fields = ["program", "guide", "text"]
        help_texts = {
            "text": _(
                "Markdown. Shown under the guide to this program's mentees and mentors, "
                "cleaned: links and formatting stay; scripts, images and raw HTML do not."
            ),
        }


@admin.register(GuideNote)
class GuideNoteAdmin(TranslationAdmin):
    """A program's own note under one of Kindred's guides (mentorships/guides/)."""

    form = GuideNoteForm
    # Named, so the translated columns (text_en, text_ko…) replace "text" in place.
    fields = ["program", "guide", "text", "preview"]
    list_display = ["program", "guide_title", "updated_at"]
    list_filter = ["program"]
    list_select_related = ["program"]
    readonly_fields = ["preview"]

    @admin.display(description=_("Guide"))
    def guide_title(self, note: GuideNote) -> str:
        return dict(guides.choices()).get(note.guide, note.guide)

    @admin.display(description=_("As the pair will see it"))
    def preview(self, note: GuideNote) -> str:
        return render(note.text) if note.pk else gettext("Shown once saved.")
