"""What the apps' Django admin pages share."""

from django.contrib import admin


class ReadOnlyAdmin(admin.ModelAdmin):
    """Records that must stay as they were written (logs, history): shown and searched,
    never added, changed or deleted through the admin."""

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


class RecordAdmin(ReadOnlyAdmin):
    """Records whose changes go through the app's services (a mentorship's lifecycle, a
    re-score): read-only, yet deleted along with the person they belong to when an admin
    deletes a user or a profile (Django asks each related model's admin first).

    ``deleted_with`` names the admin pages (URL name prefixes) whose deletes may take
    these records along; anything else — this model's own pages, a whole program — may not.
    """

    deleted_with: tuple[str, ...] = ()

    def has_delete_permission(self, request, obj=None) -> bool:
        match = getattr(request, "resolver_match", None)
        page = (match and match.url_name) or ""
        return page.startswith(self.deleted_with) and admin.ModelAdmin.has_delete_permission(
            self, request, obj
        )


class SuperuserAdminSite(admin.AdminSite):
    """The Django admin, for superusers only: program admins and coordinators run
    their programs from the dashboard (profiles/access.py), and a staff flag alone
    opens nothing."""

    def has_permission(self, request) -> bool:
        return request.user.is_active and request.user.is_superuser
