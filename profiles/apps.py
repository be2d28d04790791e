from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProfilesConfig(AppConfig):
    name = "profiles"
    verbose_name = _("Programs and people")

    def ready(self) -> None:
        from . import languages, receivers, tag_names  # noqa: F401
