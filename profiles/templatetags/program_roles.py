"""Whether to show someone the way to the admin pages (profiles/access.py)."""

from django import template

from .. import access

register = template.Library()


@register.filter
def runs_a_program(user) -> bool:
    """An admin or coordinator of some program, or a superuser; being staff is not enough."""
    return access.runs_any_program(user)
