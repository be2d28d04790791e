"""A program's registration in words, for the landing, join and sign-up pages: the
open cycle's dates, or when the next one opens (profiles/cycles.py)."""

from django import template

from .. import cycles
from ..models import Program

register = template.Library()


@register.inclusion_tag("profiles/_cycle_dates.html")
def cycle_dates(program: Program, say_open: bool = False) -> dict:
    """The cycle people join now and its dates; or, registration closed, why and
    when it opens again. An open-ended cycle with no dates to tell shows nothing
    (or, with ``say_open``, that registration is open)."""
    now = cycles.registration(program)
    cycle = now.cycle
    dated = cycle is not None and any(
        (cycle.registration_closes, cycle.matching_on, cycle.starts_on, cycle.ends_on)
    )
    return {
        "open": now.open,
        "cycle": cycle if dated else None,
        "refusal": "" if now.open else now.refusal(program),
        "say_open": say_open,
    }


@register.inclusion_tag("profiles/_registration_closed.html")
def registration_notice() -> dict:
    """On the sign-up page when no program can be joined now: say so, and when
    each program that takes sign-ups opens its next cycle."""
    if Program.objects.open().exists():
        return {"closed": []}
    waiting = Program.objects.filter(signup_open=True).order_by("name")
    return {
        "closed": [cycles.registration(p).refusal(p) for p in waiting],
        "none_planned": not waiting,
    }
