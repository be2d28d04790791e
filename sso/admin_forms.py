"""The admin's forms for an organisation's domains and connections: what an
admin types is normalised and checked here, so a connection that cannot sign
anyone in is never saved."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import DomainNameValidator
from django.db import models
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from .models import Connection, EmailDomain

is_domain = DomainNameValidator(accept_idna=True, message=_("Enter a domain such as acme.com."))


class EmailDomainForm(forms.ModelForm):
    class Meta:
        model = EmailDomain
        fields = ["domain"]

    def clean_domain(self) -> str:
        domain = self.cleaned_data["domain"].strip().lower().removeprefix("@").rstrip(".")
        is_domain(domain)
        owner = (
            EmailDomain.objects.filter(domain=domain)
            .exclude(pk=self.instance.pk)
            .select_related("organisation")
            .first()
        )
        if owner is not None:
            raise ValidationError(
                gettext("%(domain)s belongs to %(organisation)s already.")
                % {"domain": domain, "organisation": owner.organisation}
            )
        return domain


class EmailDomainFormSet(forms.BaseInlineFormSet):
    def clean(self) -> None:
        super().clean()
        seen = set()
        for form in self.forms:
            domain = getattr(form, "cleaned_data", {}).get("domain")
            if not domain or form.cleaned_data.get("DELETE"):
                continue
            if domain in seen:
                form.add_error(
                    "domain", gettext("%(domain)s is listed twice.") % {"domain": domain}
                )
            seen.add(domain)


def https_first(field: models.Field, **kwargs) -> forms.Field | None:
    """A form field for ``field``; an address typed without a scheme is https
    (an identity provider's always is), as Django 6 will assume anyway."""
    if isinstance(field, models.URLField):
        kwargs["assume_scheme"] = "https"
    return field.formfield(**kwargs)


class ConnectionForm(forms.ModelForm):
    client_secret = forms.CharField(
        required=False,
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "new-password"}),
        help_text=_("Leave blank to keep the stored secret."),
    )
    metadata_xml = forms.CharField(
        label=_("or paste the IdP's metadata XML"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Fills in the entity ID, sign-on and logout URLs and certificate below."),
    )

    class Meta:
        model = Connection
        formfield_callback = https_first
        fields = [
            "organisation",
            "protocol",
            "label",
            "slug",
            "is_active",
            "server_url",
            "client_id",
            "client_secret",
            "metadata_url",
            "idp_entity_id",
            "idp_sso_url",
            "idp_slo_url",
            "idp_x509cert",
            "attribute_mapping",
        ]

    def clean_client_secret(self) -> str:
        return self.cleaned_data["client_secret"] or self.instance.client_secret

    def clean(self) -> dict:
        data = super().clean()
        if data.get("protocol") == Connection.Protocol.OIDC:
            self._need("server_url", "client_id")
        elif data.get("protocol") == Connection.Protocol.SAML:
            self._read_metadata_xml(data)
            if not data.get("metadata_url"):
                self._need(
                    "idp_entity_id",
                    "idp_sso_url",
                    "idp_x509cert",
                    give_metadata=True,
                )
        return data

    def _read_metadata_xml(self, data: dict) -> None:
        xml = data.get("metadata_xml")
        if not xml:
            return
        from .saml_metadata import idp_fields_from_xml

        try:
            fields = idp_fields_from_xml(xml)
        except ValueError as error:
            self.add_error("metadata_xml", str(error))
            return
        data["idp_entity_id"] = fields["entity_id"]
        data["idp_sso_url"] = fields["sso_url"]
        data["idp_slo_url"] = fields.get("slo_url") or ""
        data["idp_x509cert"] = fields["x509cert"]
        for name in ("idp_entity_id", "idp_sso_url", "idp_slo_url", "idp_x509cert"):
            setattr(self.instance, name, data[name])

    def _need(self, *names: str, give_metadata: bool = False) -> None:
        protocol = Connection.Protocol(self.cleaned_data["protocol"]).label
        if give_metadata:
            sentence = gettext(
                "Give the IdP's metadata URL, paste its metadata XML, or fill in "
                "%(field)s for %(protocol)s."
            )
        else:
            sentence = gettext("Fill in %(field)s for %(protocol)s.")
        for name in names:
            if not self.cleaned_data.get(name) and name not in self.errors:
                label = Connection._meta.get_field(name).verbose_name
                self.add_error(name, sentence % {"field": label, "protocol": protocol})
