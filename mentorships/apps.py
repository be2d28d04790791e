from django.apps import AppConfig


class MentorshipsConfig(AppConfig):
    name = "mentorships"
    verbose_name = "Mentorships"

    def ready(self) -> None:
        from . import receivers  # noqa: F401
