from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from .models import Token


@admin.register(Token)
class TokenAdmin(admin.ModelAdmin):
    """Tokens can be seen and revoked here, never made: only their owner can."""

    list_display = ["name", "user", "shown", "created_at", "last_used_at", "revoked_at"]
    list_filter = [("revoked_at", admin.EmptyFieldListFilter)]
    search_fields = ["name", "user__email", "prefix"]
    readonly_fields = ["user", "prefix", "created_at", "last_used_at", "revoked_at"]
    exclude = ["digest"]
    actions = ["revoke"]

    def has_add_permission(self, request) -> bool:
        return False

    @admin.action(description=_("Revoke the selected tokens"))
    def revoke(self, request, queryset) -> None:
        for token in queryset:
            token.revoke()
