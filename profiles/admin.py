from allauth.account.decorators import secure_admin_login
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.db.models import Count, Q
from django.utils.translation import gettext_lazy as _
from modeltranslation.admin import TranslationAdmin

from config.admin import ReadOnlyAdmin

from .models import (
    AuditEntry,
    Consent,
    Cycle,
    Enrolment,
    Profile,
    Program,
    ProgramRole,
    SensitiveAccess,
    Tag,
    User,
)
from .taxonomy import COMPONENTS, Role

# The admin pages that delete a person: records kept read-only elsewhere (mentorships,
# suggestions) go with the person deleted there (config.admin.RecordAdmin.deleted_with).
PERSON_PAGES = ("profiles_user_", "profiles_profile_")

# Admin sign-in goes through allauth, so it gets the same rate limits.
admin.site.login = secure_admin_login(admin.site.login)
admin.site.site_header = _("Kindred administration")
admin.site.site_title = _("Kindred admin")


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    ordering = ["email"]
    list_display = ["email", "first_name", "last_name", "is_staff", "is_active", "date_joined"]
    list_filter = ["is_staff", "is_superuser", "is_active"]
    search_fields = ["email", "first_name", "last_name"]
    readonly_fields = ["last_login", "date_joined"]
    fieldsets = [
        (None, {"fields": ["email", "password"]}),
        (_("Personal info"), {"fields": ["first_name", "last_name"]}),
        (
            _("Permissions"),
            {"fields": ["is_active", "is_staff", "is_superuser", "groups", "user_permissions"]},
        ),
        (_("Dates"), {"fields": ["last_login", "date_joined"]}),
    ]
    add_fieldsets = [
        (None, {"classes": ["wide"], "fields": ["email", "password1", "password2"]}),
    ]


@admin.register(Program)
class ProgramAdmin(TranslationAdmin):
    list_display = [
        "name",
        "slug",
        "signup_open",
        "mentor_count",
        "mentee_count",
        "min_score",
        "default_capacity",
        "created_at",
    ]
    list_filter = ["signup_open", "require_common_language"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}
    fieldsets = [
        (None, {"fields": ["name", "slug", "description", "signup_open"]}),
        (
            "Matching",
            {
                "fields": [
                    "require_common_language",
                    "min_score",
                    "suggestions_per_mentee",
                    "suggestion_gap",
                    "default_capacity",
                ]
            },
        ),
        ("Weights", {"fields": [f"weight_{c}" for c in COMPONENTS]}),
    ]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(
                n_mentors=Count("profiles", filter=Q(profiles__role=Role.MENTOR)),
                n_mentees=Count("profiles", filter=Q(profiles__role=Role.MENTEE)),
            )
        )

    @admin.display(description=_("mentors"), ordering="n_mentors")
    def mentor_count(self, program):
        return program.n_mentors

    @admin.display(description=_("mentees"), ordering="n_mentees")
    def mentee_count(self, program):
        return program.n_mentees


@admin.register(Tag)
class TagAdmin(TranslationAdmin):
    list_display = ["name", "kind", "facet", "slug", "sort_order", "is_active"]
    list_editable = ["sort_order", "is_active"]
    list_filter = ["kind", "facet", "is_active"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}


class ConsentInline(admin.TabularInline):
    model = Consent
    extra = 0
    can_delete = False
    readonly_fields = ["category", "text_version", "given_at", "withdrawn_at"]
    fields = readonly_fields

    def has_add_permission(self, request, obj=None) -> bool:
        return False


SENSITIVE_FIELDS = ("background", "heritage_note")


@admin.register(Profile)
class ProfileAdmin(admin.ModelAdmin):
    list_display = [
        "display_name",
        "user",
        "program",
        "role",
        "career_stage",
        "capacity",
        "is_paused",
        "is_ready",
        "completeness_display",
        "created_at",
    ]
    list_filter = ["program", "role", "is_ready", "is_paused", "career_stage", "meeting_format"]
    search_fields = ["display_name", "user__email", "headline"]
    list_select_related = ["user", "program"]
    raw_id_fields = ["user"]
    readonly_fields = ["steps_done", "is_ready", "created_at", "updated_at"]
    filter_horizontal = ["languages", "goals", "values", "background"]
    inlines = [ConsentInline]
    date_hierarchy = "created_at"

    @admin.display(description=_("complete"))
    def completeness_display(self, profile: Profile) -> str:
        return f"{profile.completeness}%"

    def get_exclude(self, request, obj=None):
        if request.user.is_superuser:
            return ()
        return SENSITIVE_FIELDS

    def change_view(self, request, object_id, form_url="", extra_context=None):
        response = super().change_view(request, object_id, form_url, extra_context)
        if request.method == "GET" and request.user.is_superuser:
            profile = self.get_object(request, object_id)
            if profile is not None:
                SensitiveAccess.record(
                    viewer=request.user,
                    program=profile.program,
                    profile=profile,
                    what="Django admin profile page",
                )
        return response


@admin.register(SensitiveAccess)
class SensitiveAccessAdmin(ReadOnlyAdmin):
    list_display = ["at", "program", "viewer", "profile", "what"]
    list_filter = ["program", "what"]
    list_select_related = ["program", "viewer", "profile"]
    search_fields = ["viewer__email", "profile__display_name", "what"]
    date_hierarchy = "at"


@admin.register(ProgramRole)
class ProgramRoleAdmin(ReadOnlyAdmin):
    """Shown here; changed on a program's Roles page or with ``manage.py program_role``,
    so every change is on the program's audit log."""

    list_display = ["program", "user", "role", "may_read_background", "granted_by", "granted_at"]
    list_filter = ["program", "role", "may_read_background"]
    search_fields = ["user__email", "program__name"]
    list_select_related = ["program", "user", "granted_by"]


@admin.register(Cycle)
class CycleAdmin(ReadOnlyAdmin):
    """Shown here; created, changed and moved on the program's Cycles pages, on the record."""

    list_display = [
        "program",
        "name",
        "state",
        "registration_opens",
        "registration_closes",
        "starts_on",
        "ends_on",
    ]
    list_filter = ["program", "state"]
    search_fields = ["name", "program__name"]


@admin.register(Enrolment)
class EnrolmentAdmin(ReadOnlyAdmin):
    list_display = ["cycle", "profile", "enrolled_at", "carried_over"]
    list_filter = ["cycle__program", "cycle", "carried_over"]
    search_fields = ["profile__display_name", "profile__user__email"]
    list_select_related = ["cycle__program", "profile__user", "profile__program"]


@admin.register(AuditEntry)
class AuditEntryAdmin(ReadOnlyAdmin):
    """Read-only: an audit log that could be edited would prove nothing."""

    list_display = ["at", "program", "actor", "action", "summary"]
    list_filter = ["action", "program"]
    search_fields = ["actor__email", "summary", "reason"]
    date_hierarchy = "at"
    list_select_related = ["program", "actor"]


@admin.register(Consent)
class ConsentAdmin(admin.ModelAdmin):
    list_display = ["profile", "category", "text_version", "given_at", "withdrawn_at"]
    list_filter = ["category", "text_version", ("withdrawn_at", admin.EmptyFieldListFilter)]
    search_fields = ["profile__display_name", "profile__user__email"]
    list_select_related = ["profile__user", "profile__program"]
    readonly_fields = ["profile", "category", "purpose", "text_version", "given_at", "withdrawn_at"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False
