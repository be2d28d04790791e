from django.core.management.base import BaseCommand


class OperatorCommand(BaseCommand):
    """A matching command an operator runs, often and against large programs.
    Django's system checks would load every URL, view and the API first (0.4 s
    of every run, docs/performance.md); ``manage.py check`` runs them, as CI does."""

    requires_system_checks = []
