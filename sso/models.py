"""An organisation's identity set-up: the programs it runs, the email domains
it owns, the identity providers its people sign in with, the SCIM tokens its
directory provisions with, and the people that directory manages.

The connections are not allauth ``SocialApp`` rows: ``adapter.SocialAccountAdapter``
builds allauth's apps from them, so one admin form holds everything an
organisation configures and nothing is stored twice.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _

from profiles.models import Program


class Organisation(models.Model):
    name = models.CharField(
        max_length=120, help_text=_("Shown on the sign-in button, e.g. “Acme”.")
    )
    slug = models.SlugField(max_length=60, unique=True)
    programs = models.ManyToManyField(
        Program, blank=True, related_name="organisations", help_text=_("The programs it runs.")
    )
    require_sso = models.BooleanField(
        _("require single sign-on"),
        default=False,
        help_text=_(
            "Refuse password sign-in, password reset, sign-in codes and sign-up for the "
            "organisation's email domains. Superusers keep their password sign-in."
        ),
    )
    retention_days = models.PositiveSmallIntegerField(
        _("keep a deactivated account for (days)"),
        default=30,
        help_text=_(
            "How long a person deactivated by the directory is kept, closed, so that a "
            "reactivation restores them; then their account and answers are deleted "
            "(docs/security.md). 0 deletes at once."
        ),
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class EmailDomain(models.Model):
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="domains")
    domain = models.CharField(max_length=253, help_text=_("e.g. acme.com, without the @."))

    class Meta:
        ordering = ["domain"]
        constraints = [
            models.UniqueConstraint(Lower("domain"), name="sso_domain_unique"),
            models.CheckConstraint(
                condition=models.Q(domain=Lower("domain")), name="sso_domain_lower_case"
            ),
        ]

    def __str__(self) -> str:
        return self.domain


class Connection(models.Model):
    """One identity provider of an organisation, OpenID Connect or SAML 2.0."""

    class Protocol(models.TextChoices):
        OIDC = "oidc", "OpenID Connect"
        SAML = "saml", "SAML 2.0"

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="connections"
    )
    protocol = models.CharField(max_length=4, choices=Protocol.choices)
    slug = models.SlugField(
        max_length=60,
        unique=True,
        help_text=_("Part of the sign-in and callback addresses; do not change it once in use."),
    )
    label = models.CharField(
        max_length=80, help_text=_("The button says “Continue with <label>”, e.g. “Acme SSO”.")
    )
    is_active = models.BooleanField(default=True)
    # OpenID Connect
    server_url = models.URLField(
        _("issuer or discovery URL"),
        blank=True,
        help_text=_("e.g. https://acme.okta.com, or its /.well-known/openid-configuration."),
    )
    client_id = models.CharField(max_length=255, blank=True)
    client_secret = models.CharField(max_length=512, blank=True)
    # SAML 2.0: the IdP's metadata by URL, or its fields (from pasted XML or typed in).
    metadata_url = models.URLField(_("IdP metadata URL"), blank=True)
    idp_entity_id = models.CharField(_("IdP entity ID"), max_length=512, blank=True)
    idp_sso_url = models.URLField(_("IdP single sign-on URL"), max_length=512, blank=True)
    idp_slo_url = models.URLField(_("IdP single logout URL"), max_length=512, blank=True)
    idp_x509cert = models.TextField(_("IdP signing certificate"), blank=True)
    attribute_mapping = models.JSONField(
        default=dict,
        blank=True,
        help_text=_(
            "Which IdP attributes hold uid, email, first_name, last_name; empty for defaults."
        ),
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["organisation__name", "label"]

    def __str__(self) -> str:
        return f"{self.label} ({self.get_protocol_display()})"


class ScimTokenQuerySet(models.QuerySet):
    def active(self) -> ScimTokenQuerySet:
        return self.filter(revoked_at__isnull=True)


class ScimToken(models.Model):
    """A bearer token an organisation's directory provisions with. Only its
    SHA-256 digest is kept: the secret is shown once, when it is made."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="scim_tokens"
    )
    name = models.CharField(max_length=80, help_text=_("What holds it, e.g. “Okta provisioning”."))
    prefix = models.CharField(max_length=12, unique=True, editable=False)
    digest = models.CharField(max_length=64, unique=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True, editable=False)
    revoked_at = models.DateTimeField(null=True, blank=True, editable=False)

    objects = ScimTokenQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"


class Member(models.Model):
    """A person an organisation's directory manages over SCIM."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="members")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="sso_memberships"
    )
    scim_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    external_id = models.CharField(max_length=255, blank=True)
    active = models.BooleanField(default=True)
    deactivated_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["organisation", "user"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "user"], name="sso_member_once"),
            models.UniqueConstraint(
                fields=["organisation", "external_id"],
                condition=~models.Q(external_id=""),
                name="sso_member_external_id_once",
            ),
        ]
        indexes = [models.Index(fields=["active", "deactivated_at"], name="sso_member_deactivated")]

    def __str__(self) -> str:
        return f"{self.user} in {self.organisation}"
