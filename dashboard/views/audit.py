"""The program's audit log: who did what, when and why, newest first."""

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from profiles.models import AuditEntry

from ..forms import AuditFilterForm
from .access import program_page

ENTRIES_PER_PAGE = 50


@program_page()
def audit_log(request: HttpRequest, slug: str) -> HttpResponse:
    program = request.program
    entries = AuditEntry.objects.filter(program=program)
    form = AuditFilterForm(request.GET, entries=entries)
    shown = form.filter(entries.select_related("actor").order_by("-at", "-pk"))
    page = Paginator(shown, ENTRIES_PER_PAGE).get_page(request.GET.get("page"))
    context = {
        "program": program,
        "form": form,
        "page": page,
        "query": form.query(),
        "not_understood": [form.fields[name].label for name in form.errors],
    }
    return render(request, "dashboard/audit.html", context)
