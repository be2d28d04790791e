"""The import's column guide and its template file, from the CSV page."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from .. import csv_guide
from .access import ADMIN, program_page


@program_page(ADMIN)
def guide(request: HttpRequest, slug: str) -> HttpResponse:
    """Every column the import reads, and the tags each tag column takes."""
    context = {"program": request.program, "columns": csv_guide.columns()}
    return render(request, "dashboard/csv_guide.html", context)


@program_page(ADMIN)
def template(request: HttpRequest, slug: str) -> HttpResponse:
    """A file to fill in: the header row and one example row, in UTF-8 with a
    BOM so that a spreadsheet opens it as UTF-8 (the import reads either)."""
    program = request.program
    response = HttpResponse("\ufeff" + csv_guide.template(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{csv_guide.template_name(program)}"'
    return response
