"""Which cycle a list of the admin area shows (``?cycle=<id>`` or ``?cycle=all``).

The People, Mentorships and Runs lists and the matches CSV show one cycle at a
time, the program's current cycle unless another is chosen. A program with one
cycle or none offers no choice and shows everything, as before cycles existed.
A cycle of another program, or a value that names no cycle, is a 404: the
address was not made by the page's own chooser.
"""

from __future__ import annotations

from dataclasses import dataclass

from django import forms
from django.http import Http404, QueryDict
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from profiles import cycles
from profiles.models import Cycle, Program

ALL = "all"


@dataclass(frozen=True)
class Chosen:
    """The cycle a page shows (None: every cycle) and the program's cycles."""

    cycle: Cycle | None
    cycles: list[Cycle]
    current: Cycle | None

    @property
    def offered(self) -> bool:
        """Whether the page offers a choice: only with more than one cycle."""
        return len(self.cycles) > 1

    @property
    def value(self) -> str:
        """What ``?cycle=`` says for this choice ("" without cycles)."""
        if self.cycle is not None:
            return str(self.cycle.pk)
        return ALL if self.cycles else ""

    def query(self) -> str:
        """``cycle=…`` for a link that keeps this choice ("" if there is none to keep)."""
        return f"cycle={self.value}" if self.offered else ""

    def form(self) -> CycleForm | None:
        return CycleForm(self) if self.offered else None


def default(program_cycles: list[Cycle], current: Cycle | None) -> Cycle | None:
    """The current cycle; with none taking part, the latest that has begun
    (the one that closed last), so a program between rounds still shows one."""
    if current is not None:
        return current
    begun = [c for c in program_cycles if c.state != Cycle.State.DRAFT]
    return begun[-1] if begun else None


def choose(program: Program, query: QueryDict) -> Chosen:
    """The cycle ``query`` asks for, or the default; Http404 for anything else."""
    program_cycles = list(program.cycles.order_by("registration_opens", "pk"))
    current = cycles.current(program) if program_cycles else None
    asked = query.get("cycle", "")
    if not program_cycles:
        if asked not in ("", ALL):
            raise Http404(gettext("This program has no cycles."))
        return Chosen(None, [], None)
    if asked == "":
        # With one cycle there is nothing to choose: the page shows everyone, so
        # nobody left out of that cycle (never enrolled) is out of sight.
        shown = default(program_cycles, current) if len(program_cycles) > 1 else None
        return Chosen(shown, program_cycles, current)
    if asked == ALL:
        return Chosen(None, program_cycles, current)
    found = next((c for c in program_cycles if str(c.pk) == asked), None)
    if found is None:
        raise Http404(gettext("No such cycle in this program."))
    return Chosen(found, program_cycles, current)


class CycleForm(forms.Form):
    """The chooser: a labelled select in the page's GET form (no script needed)."""

    cycle = forms.ChoiceField(label=_("Cycle"), required=False)

    def __init__(self, chosen: Chosen):
        super().__init__(initial={"cycle": chosen.value})
        self.fields["cycle"].choices = [
            *((str(c.pk), _label(c, chosen.current)) for c in reversed(chosen.cycles)),
            (ALL, gettext("All cycles")),
        ]


def _label(cycle: Cycle, current: Cycle | None) -> str:
    if current is not None and cycle.pk == current.pk:
        return gettext("%(cycle)s (current)") % {"cycle": cycle.name}
    return gettext("%(cycle)s (%(state)s)") % {
        "cycle": cycle.name,
        "state": cycle.get_state_display().lower(),
    }
