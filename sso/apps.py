from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SsoConfig(AppConfig):
    name = "sso"
    verbose_name = _("Single sign-on and provisioning")

    def ready(self) -> None:
        import email_validator

        # scim2-models checks emails[].value with email-validator, which refuses
        # the reserved .test domain that Django's own check (the account's
        # address) accepts and the demo and the tests use (demo.kindred.test).
        # This setting allows it and nothing else: pydantic never looks the
        # domain up in DNS.
        email_validator.TEST_ENVIRONMENT = True

        from . import logout  # noqa: F401 (its receiver notes how a session signed in)
