"""Suggestions and matching runs as raw records, read-only: a suggestion's score,
rank and reasons are a re-score's, and a run's results are what it found; editing
either would make the lists and the pages disagree with what was worked out.

No background answer shows here: a suggestion's background component and any
reason naming a shared background are left out or said only as a fit, as in the
exports to staff without the permission (matching/exports.py)."""

from django.contrib import admin
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from config.admin import RecordAdmin
from profiles.admin import PERSON_PAGES

from . import sentences
from .exports import LIST_JOIN
from .models import BACKGROUND_COMPONENTS, MatchingRun, Suggestion


@admin.register(Suggestion)
class SuggestionAdmin(RecordAdmin):
    deleted_with = PERSON_PAGES
    list_display = ["pk", "mentee", "mentor", "program", "score", "rank", "status", "updated_at"]
    list_display_links = ["pk", "mentee"]
    list_filter = ["program", "status", "dismiss_reason"]
    search_fields = [
        "mentee__display_name",
        "mentee__user__email",
        "mentor__display_name",
        "mentor__user__email",
    ]
    list_select_related = ["mentee", "mentor", "program"]
    ordering = ["mentee_id", "rank", "pk"]
    show_full_result_count = False
    fields = [
        "program",
        "mentee",
        "mentor",
        "score",
        "rank",
        "status",
        "dismiss_reason",
        "fit",
        "reasons_shown",
        "run",
        "created_at",
        "updated_at",
    ]
    readonly_fields = fields

    @admin.display(description=_("components (0–1)"))
    def fit(self, s: Suggestion) -> str:
        return ", ".join(
            f"{name} {value:.2f}"
            if value is not None
            else gettext("%(component)s not counted") % {"component": name}
            for name, value in s.components.items()
            if name not in BACKGROUND_COMPONENTS
        )

    @admin.display(description=_("reasons"))
    def reasons_shown(self, s: Suggestion) -> str:
        return LIST_JOIN.join(sentences.words(s.reasons, background=False))


@admin.register(MatchingRun)
class MatchingRunAdmin(RecordAdmin):
    deleted_with = PERSON_PAGES
    list_display = [
        "pk",
        "kind",
        "program",
        "status",
        "done",
        "total",
        "created_by",
        "created_at",
        "finished_at",
        "committed_at",
        "discarded_at",
    ]
    list_filter = ["program", "kind", "status"]
    search_fields = ["=id", "program__name", "created_by__email"]
    list_select_related = ["program", "created_by"]
    date_hierarchy = "created_at"
    exclude = ["snapshot"]
