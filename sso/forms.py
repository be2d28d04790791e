"""The sign-in page's email step, and allauth's forms with required single
sign-on applied (registered in ``ACCOUNT_FORMS``): each refuses a password way
in for an address whose organisation requires SSO (``required.refusal_for``)."""

from __future__ import annotations

from allauth.account import forms as allauth_forms
from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from . import required


class EmailStepForm(forms.Form):
    email = forms.EmailField(
        label=_("Email"),
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )


def _refuse(email: str) -> None:
    if refusal := required.refusal_for(email):
        raise ValidationError(refusal, code="sso_required")


class LoginForm(allauth_forms.LoginForm):
    def clean(self):
        email = self.cleaned_data.get("login") or ""
        refusal = required.refusal_for(email) if not self._errors else None
        if refusal is None:
            return super().clean()
        # Break-glass: a superuser's right password still signs them in. The
        # password is checked for everyone (and counts against the rate
        # limits), so the answer never says whether an address is a superuser's.
        try:
            super().clean()
        except ValidationError:
            self.user = None
        if self.user is not None and self.user.is_superuser:
            return self.cleaned_data
        self.user = None
        self.add_error("login", ValidationError(refusal, code="sso_required"))
        return self.cleaned_data


class SignupForm(allauth_forms.SignupForm):
    def clean_email(self) -> str:
        _refuse(self.cleaned_data.get("email") or "")
        return super().clean_email()


class ResetPasswordForm(allauth_forms.ResetPasswordForm):
    def clean_email(self) -> str:
        _refuse(self.cleaned_data.get("email") or "")
        return super().clean_email()


class RequestLoginCodeForm(allauth_forms.RequestLoginCodeForm):
    def clean_email(self) -> str:
        _refuse(self.cleaned_data.get("email") or "")
        return super().clean_email()


class _NoPasswordForSso:
    """A person whose organisation requires SSO has no use for a password
    here (a superuser keeps theirs, for the break-glass sign-in)."""

    def clean(self):
        if not self.user.is_superuser and (refusal := required.refusal_for(self.user.email)):
            raise ValidationError(refusal, code="sso_required")
        return super().clean()


class SetPasswordForm(_NoPasswordForSso, allauth_forms.SetPasswordForm):
    pass


class ChangePasswordForm(_NoPasswordForSso, allauth_forms.ChangePasswordForm):
    pass
