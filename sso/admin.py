"""Single sign-on in the Django admin (superusers only, config/admin.py): an
organisation on one page, with its domains and its identity providers, and
for each provider the addresses to copy into the IdP's own set-up."""

from __future__ import annotations

import importlib.util

from django.conf import settings
from django.contrib import admin
from django.db import models
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from .admin_forms import ConnectionForm, EmailDomainForm, EmailDomainFormSet
from .apps_from_connections import OIDC, SAML
from .models import Connection, EmailDomain, Organisation


def addresses_for_the_idp(connection: Connection) -> list[tuple[str, str]]:
    """What the IdP's admin is asked for, on the site's public address."""
    slug = connection.slug
    if connection.protocol == Connection.Protocol.OIDC:
        callback = reverse(f"{OIDC}_callback", kwargs={"provider_id": slug})
        return [(gettext("Redirect URI (sign-in redirect)"), settings.SITE_URL + callback)]
    acs = reverse(f"{SAML}_acs", kwargs={"organization_slug": slug})
    metadata = reverse(f"{SAML}_metadata", kwargs={"organization_slug": slug})
    return [
        (gettext("ACS URL (single sign-on URL)"), settings.SITE_URL + acs),
        (gettext("SP entity ID (audience) and metadata"), settings.SITE_URL + metadata),
    ]


class EmailDomainInline(admin.TabularInline):
    model = EmailDomain
    form = EmailDomainForm
    formset = EmailDomainFormSet
    extra = 1


class ConnectionInline(admin.StackedInline):
    model = Connection
    form = ConnectionForm
    extra = 0

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if isinstance(db_field, models.URLField):
            kwargs["assume_scheme"] = "https"
        return super().formfield_for_dbfield(db_field, request, **kwargs)

    readonly_fields = ("for_the_idp",)
    fieldsets = (
        (None, {"fields": ("protocol", "label", "slug", "is_active", "for_the_idp")}),
        ("OpenID Connect", {"fields": ("server_url", "client_id", "client_secret")}),
        (
            "SAML 2.0",
            {
                "fields": (
                    "metadata_url",
                    "metadata_xml",
                    "idp_entity_id",
                    "idp_sso_url",
                    "idp_slo_url",
                    "idp_x509cert",
                    "attribute_mapping",
                )
            },
        ),
    )

    @admin.display(description=_("addresses to give the IdP"))
    def for_the_idp(self, connection: Connection) -> str:
        if not connection.pk:
            return gettext("Shown once the connection is saved.")
        return format_html(
            "<dl>{}</dl>",
            format_html_join(
                "", "<dt>{}</dt><dd><code>{}</code></dd>", addresses_for_the_idp(connection)
            ),
        )


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ("name", "domain_list", "connection_list", "require_sso")
    search_fields = ("name", "domains__domain")
    prepopulated_fields = {"slug": ("name",)}
    filter_horizontal = ("programs",)
    fields = ("name", "slug", "programs", "require_sso", "retention_days")
    inlines = (EmailDomainInline, ConnectionInline)

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("domains", "connections")

    @admin.display(description=_("domains"))
    def domain_list(self, organisation: Organisation) -> str:
        return ", ".join(d.domain for d in organisation.domains.all())

    @admin.display(description=_("identity providers"))
    def connection_list(self, organisation: Organisation) -> str:
        return ", ".join(str(c) for c in organisation.connections.all() if c.is_active)


# SCIM's tokens and members (sso/admin_scim.py), once that module is there.
if importlib.util.find_spec(f"{__package__}.admin_scim") is not None:
    from . import admin_scim  # noqa: F401
