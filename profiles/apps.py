from django.apps import AppConfig


class ProfilesConfig(AppConfig):
    name = "profiles"
    verbose_name = "Programs and people"

    def ready(self) -> None:
        from . import languages, receivers, tag_names  # noqa: F401
