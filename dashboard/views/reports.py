"""Messages the pairs reported, for the program's admins: each reported message
with the two before and after it (``MessageQuerySet.around``) and nothing else
of the thread; an admin marks a report handled with what they did."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext
from django.views.decorators.http import require_POST

from mentorships import threads
from mentorships.actions import act
from mentorships.forms import HandleReportForm
from mentorships.models import Message, MessageReport

from .access import ADMIN, program_page

HANDLED_SHOWN = 20


@program_page(ADMIN)
def reports(request: HttpRequest, slug: str) -> HttpResponse:
    program = request.program
    found = MessageReport.objects.of_program(program).select_related(
        "reporter", "message__author", "message__mentorship__mentee", "message__mentorship__mentor"
    )
    waiting = list(found.open().order_by("created_at", "pk"))
    for report in waiting:
        report.context = Message.objects.select_related("author").around(report.message)
    context = {
        "program": program,
        "waiting": waiting,
        "handled": list(
            found.exclude(status=MessageReport.Status.OPEN).select_related("handled_by")[
                :HANDLED_SHOWN
            ]
        ),
        "form": HandleReportForm(auto_id="handle-%s"),
    }
    return render(request, "dashboard/reports.html", context)


@require_POST
@program_page(ADMIN)
def handle(request: HttpRequest, slug: str, report_id: int) -> HttpResponse:
    program = request.program
    report = get_object_or_404(MessageReport.objects.of_program(program), pk=report_id)
    act(
        request,
        HandleReportForm(request.POST),
        gettext("Report marked handled; the audit log has your note."),
        lambda data: threads.handle_report(report=report, by=request.user, note=data["note"]),
    )
    return redirect("dashboard:reports", program.slug)
