from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "api"
    verbose_name = "JSON API"

    def ready(self) -> None:
        from . import (
            auth,  # noqa: F401  (registers the token scheme with the schema)
            receivers,  # noqa: F401
        )
