from django.apps import AppConfig


class DashboardConfig(AppConfig):
    name = "dashboard"
    verbose_name = "Program dashboard"

    def ready(self) -> None:
        from . import receivers  # noqa: F401
