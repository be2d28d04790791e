"""A program's cycles: the list (admins and coordinators), creating and editing one,
and moving one's state by hand after a confirmation (admins). The rules are the
profiles app's (profiles/cycles.py); each change goes on the audit log."""

from django.contrib import messages
from django.db import transaction
from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext

from config.forms import confirmed, posted
from profiles import cycles
from profiles.exceptions import CycleMoveRefused
from profiles.models import AuditEntry, Cycle

from .. import confirmations
from ..cycle_forms import CycleForm, CycleMoveForm
from .access import ADMIN, program_page
from .confirming import confirmation


def _cycle(request: HttpRequest, cycle_id: int) -> Cycle:
    return get_object_or_404(request.program.cycles.all(), pk=cycle_id)


@program_page()
def cycle_list(request: HttpRequest, slug: str) -> HttpResponse:
    program, today = request.program, timezone.localdate()
    found = program.cycles.annotate(people=Count("enrolments")).order_by(
        "-registration_opens", "-pk"
    )
    label = dict(Cycle.State.choices)
    # Each cycle, and the state the clock moves it to at its next run (its dates came).
    rows = [
        (c, label[due] if (due := cycles.due_state(c, today)) != c.state else "") for c in found
    ]
    context = {
        "program": program,
        "rows": rows,
        "current": cycles.current(program),
        "may_change": request.program_role == ADMIN,
        "overlapping": program.cycles.taking_part().count() > 1,
    }
    return render(request, "dashboard/cycles.html", context)


def _saved(request: HttpRequest, form: CycleForm, *, created: bool) -> HttpResponse:
    with transaction.atomic():
        cycle = form.save()
        # The audit log is written in English: stored once, read by anyone.
        with translation.override("en"):
            changed = ", ".join(str(form.label(f)).lower() for f in form.changed_data)
        AuditEntry.record(
            program=request.program,
            actor=request.user,
            action=AuditEntry.Action.CYCLE,
            summary=f"Cycle {cycle.name} created."
            if created
            else f"Cycle {cycle.name} changed: {changed}.",
            details={"cycle": cycle.pk, "fields": form.changed_data},
        )
    said = gettext("Created %(cycle)s.") if created else gettext("Saved %(cycle)s.")
    messages.success(request, said % {"cycle": cycle.name})
    return redirect("dashboard:cycles", slug=request.program.slug)


@program_page(ADMIN)
def cycle_new(request: HttpRequest, slug: str) -> HttpResponse:
    form = CycleForm(posted(request), program=request.program)
    if form.is_valid():
        return _saved(request, form, created=True)
    context = {"program": request.program, "form": form, "cycle": None}
    return render(request, "dashboard/cycle_form.html", context)


@program_page(ADMIN)
def cycle_edit(request: HttpRequest, slug: str, cycle_id: int) -> HttpResponse:
    cycle = _cycle(request, cycle_id)
    form = CycleForm(posted(request), instance=cycle, program=request.program)
    if form.is_valid():
        if not form.has_changed():
            messages.info(request, gettext("Nothing changed in %(cycle)s.") % {"cycle": cycle.name})
            return redirect("dashboard:cycles", slug=slug)
        return _saved(request, form, created=False)
    context = {"program": request.program, "form": form, "cycle": cycle}
    return render(request, "dashboard/cycle_form.html", context)


@program_page(ADMIN)
def cycle_move(request: HttpRequest, slug: str, cycle_id: int) -> HttpResponse:
    cycle = _cycle(request, cycle_id)
    form = CycleMoveForm(posted(request), cycle=cycle)
    if confirmed(request, form):
        try:
            cycles.move(
                cycle=cycle,
                to=form.cleaned_data["to"],
                by=request.user,
                reason=form.cleaned_data["reason"],
                from_state=request.POST.get("from_state") or None,
            )
        except CycleMoveRefused as refused:
            messages.error(request, str(refused))
            return redirect("dashboard:cycle_move", slug=slug, cycle_id=cycle.pk)
        cycle.refresh_from_db()
        messages.success(
            request,
            gettext("%(cycle)s is now “%(state)s”.")
            % {"cycle": cycle.name, "state": cycle.get_state_display()},
        )
        return redirect("dashboard:cycles", slug=slug)
    if request.method == "POST" and form.is_valid():
        question = confirmations.move_cycle(
            cycle, form.cleaned_data["to"], form.cleaned_data["reason"]
        )
        listed = reverse("dashboard:cycles", args=[slug])
        back = (
            listed,
            gettext("No, leave %(cycle)s “%(state)s”")
            % {"cycle": cycle.name, "state": cycle.get_state_display()},
        )
        return confirmation(request, request.program, question, action=request.path, back=back)
    context = {"program": request.program, "form": form, "cycle": cycle}
    return render(request, "dashboard/cycle_move.html", context)
