"""Mentorships and check-ins as raw records, read-only: every change goes
through the lifecycle (its rules, emails and re-scoring), never an edit here."""

from django.contrib import admin

from .models import CheckIn, Mentorship


class ReadOnly(admin.ModelAdmin):
    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


class FlaggedFilter(admin.SimpleListFilter):
    title = "match health"
    parameter_name = "flagged"

    def lookups(self, request, model_admin):
        return [("yes", "Flagged"), ("no", "No concern")]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.exclude(health="")
        if self.value() == "no":
            return queryset.filter(health="")
        return queryset


class CheckInInline(admin.TabularInline):
    model = CheckIn
    fields = ["created_at", "author", "rating", "note"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Mentorship)
class MentorshipAdmin(ReadOnly):
    list_display = [
        "__str__",
        "program",
        "status",
        "source",
        "health",
        "requested_at",
        "started_at",
    ]
    list_filter = ["program", "status", "source", FlaggedFilter, "health"]
    search_fields = [
        "mentee__display_name",
        "mentee__user__email",
        "mentor__display_name",
        "mentor__user__email",
    ]
    date_hierarchy = "requested_at"
    ordering = ["health_flagged_at", "pk"]
    list_select_related = ["mentee__user", "mentor__user", "program"]
    inlines = [CheckInInline]


@admin.register(CheckIn)
class CheckInAdmin(ReadOnly):
    list_display = ["mentorship", "author", "rating", "created_at"]
    list_filter = ["rating"]
    list_select_related = ["mentorship__mentee", "mentorship__mentor", "author"]
