"""The program's cycles side by side (dashboard/cycle_figures.py)."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from .. import cycle_figures
from .access import program_page


@program_page()
def cycles_compared(request: HttpRequest, slug: str) -> HttpResponse:
    program = request.program
    context = {
        "program": program,
        "rows": cycle_figures.compared(program),
        "min_group": cycle_figures.MIN_GROUP,
    }
    return render(request, "dashboard/cycles_compared.html", context)
