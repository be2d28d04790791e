from django import template

from ..models import Connection
from ..signin import login_url

register = template.Library()


@register.inclusion_tag("sso/_connection_buttons.html", takes_context=True)
def connection_buttons(
    context, connections: list[Connection], verb: str = "Continue", primary: bool = True
) -> dict:
    """One POST form per connection, "<verb> with <label>", keeping ``next``."""
    return {
        "primary": primary,
        "buttons": [(login_url(c), f"{verb} with {c.label}") for c in connections],
        "csrf_token": context.get("csrf_token"),
        "redirect_field": context.get("redirect_field", ""),
    }
