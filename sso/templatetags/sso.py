from django import template
from django.utils.translation import gettext_lazy as _

from .. import domains
from ..models import Connection
from ..signin import login_url

register = template.Library()

# A button's words by the verb a template asks for: whole sentences, one per verb.
BUTTON_TEXTS = {
    "Continue": _("Continue with %(label)s"),
    "Sign in": _("Sign in with %(label)s"),
}


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
        "buttons": [(login_url(c), BUTTON_TEXTS[verb] % {"label": c.label}) for c in connections],
        "csrf_token": context.get("csrf_token"),
        "redirect_field": context.get("redirect_field", ""),
    }


@register.simple_tag
def active_connections() -> list[Connection]:
    return domains.active_connections()
