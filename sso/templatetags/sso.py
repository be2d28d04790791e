from django import template

from .. import domains
from ..models import Connection
from ..signin import login_url

register = template.Library()


@register.inclusion_tag("sso/_connection_buttons.html", takes_context=True)
def connection_buttons(
    context,
    connections: list[Connection],
    verb: str = "Continue",
    primary: bool = True,
    after_href: str = "",
    after_text: str = "",
) -> dict:
    """A POST button per connection, "<verb> with <label>", keeping ``next``; and
    a link after them in the same row, if given."""
    return {
        "primary": primary,
        "after_href": after_href,
        "after_text": after_text,
        "buttons": [(login_url(c), f"{verb} with {c.label}") for c in connections],
        "csrf_token": context.get("csrf_token"),
        "redirect_field": context.get("redirect_field", ""),
    }


@register.simple_tag
def active_connections() -> list[Connection]:
    return domains.active_connections()
