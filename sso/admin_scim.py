"""The admin's side of SCIM (superusers, as the whole admin site): an
organisation's tokens, made with their secret shown once and revoked with an
action; and the members its directory manages, read-only, deactivated or
reactivated by hand. sso/admin.py imports it."""

from __future__ import annotations

from django.contrib import admin, messages
from django.template.response import TemplateResponse
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from config.admin import RecordAdmin
from profiles.admin import PERSON_PAGES

from . import deactivation
from .models import Member, ScimToken
from .scim import auth

# Tokens and members go with their organisation, and members with their person.
ORGANISATION_PAGES = ("sso_organisation_",)


@admin.register(ScimToken)
class ScimTokenAdmin(RecordAdmin):
    """Made here, revoked here, never edited; revoked tokens stay, to say when each was used."""

    deleted_with = ORGANISATION_PAGES
    list_display = ("name", "organisation", "shown", "created_at", "last_used_at", "revoked_at")
    list_filter = ("organisation",)
    fields = ("name", "organisation")
    actions = ("revoke",)

    def has_add_permission(self, request) -> bool:
        return admin.ModelAdmin.has_add_permission(self, request)

    @admin.display(description="token")
    def shown(self, token: ScimToken) -> str:
        return auth.shown(token)

    def save_model(self, request, obj: ScimToken, form, change: bool) -> None:
        # Kept on this request only, for the page that shows it once: not in a
        # message (a cookie or the session), not in a log.
        request.scim_secret = auth.fill(obj)
        obj.created_by = request.user
        obj.save()

    def response_add(self, request, obj: ScimToken, post_url_continue=None):
        response = TemplateResponse(
            request,
            "admin/sso/scimtoken/issued.html",
            {
                **self.admin_site.each_context(request),
                "opts": self.opts,
                "token": obj,
                "secret": request.scim_secret,
                "title": gettext("SCIM token for %(organisation)s")
                % {"organisation": obj.organisation},
            },
        )
        add_never_cache_headers(response)
        return response

    @admin.action(description=_("Revoke the selected tokens"))
    def revoke(self, request, queryset) -> None:
        for token in queryset.filter(revoked_at__isnull=True):
            auth.revoke(token=token)
        self.message_user(
            request, gettext("Revoked: directories using them are refused from now on.")
        )


@admin.register(Member)
class MemberAdmin(RecordAdmin):
    """The directory provisions and retention deletes (docs/security.md)."""

    deleted_with = PERSON_PAGES + ORGANISATION_PAGES
    list_display = ("user", "organisation", "active", "deactivated_at", "external_id")
    list_filter = ("organisation", "active")
    search_fields = ("user__email", "external_id")
    list_select_related = ("user", "organisation")
    actions = ("deactivate", "reactivate")

    @admin.action(description=_("Deactivate now (as the directory would)"))
    def deactivate(self, request, queryset) -> None:
        done = sum(deactivation.deactivate(member=m) for m in queryset)
        self.message_user(
            request,
            # Translators: the number of members deactivated.
            ngettext("Deactivated %(count)s.", "Deactivated %(count)s.", done) % {"count": done},
            messages.SUCCESS,
        )

    @admin.action(description=_("Reactivate"))
    def reactivate(self, request, queryset) -> None:
        done = sum(deactivation.reactivate(member=m) for m in queryset)
        self.message_user(
            request,
            # Translators: the number of members reactivated.
            ngettext("Reactivated %(count)s.", "Reactivated %(count)s.", done) % {"count": done},
            messages.SUCCESS,
        )
