"""The outcome report (dashboard/outcomes.py): what came of the program's
mentorships, one cycle at a time or all together, as a page and as CSV.

Anyone who runs the program reads the overall figures, as they read the cycles
compared; the figures per self-identified group are for the program's admins
allowed to read background answers, and each reading is recorded, as on the
fairness page."""

import csv

from django.core.cache import cache
from django.db.models import F
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.safestring import mark_safe
from django.utils.translation import gettext

from matching.exports import cell as safe
from mentorships import close_outs
from mentorships.models import Mentorship
from profiles.models import SensitiveAccess

from .. import cycle_choice, outcomes
from .access import program_page


def _chosen(request: HttpRequest) -> cycle_choice.Chosen:
    """The cycle asked for; unasked, the current cycle, or while it has no
    mentorship started yet, the latest cycle that has one (a new round would
    otherwise open on an empty report)."""
    program = request.program
    chosen = cycle_choice.choose(program, request.GET)
    if request.GET.get("cycle") or chosen.cycle is None:
        return chosen
    started = (
        Mentorship.objects.filter(program=program, started_at__isnull=False)
        .exclude(cycle=None)
        .order_by(F("cycle__registration_opens").desc(nulls_last=True), "-cycle_id")
        .values_list("cycle_id", flat=True)
        .first()
    )
    if started is None or started == chosen.cycle.pk:
        return chosen
    latest = next(c for c in chosen.cycles if c.pk == started)
    return cycle_choice.Chosen(latest, chosen.cycles, chosen.current)


def _report(request: HttpRequest):
    program = request.program
    chosen = _chosen(request)
    found, key = outcomes.kept_report(program, chosen.cycle, groups=request.may_read_background)
    if found.groups:
        scope = chosen.cycle.name if chosen.cycle else "all mentorships"
        SensitiveAccess.record(
            viewer=request.user,
            program=program,
            what=f"outcome figures per group, {program.slug}, {scope}",
        )
    return chosen, found, key


def _charts(report: outcomes.Report, section: outcomes.Section) -> list[dict]:
    """All mentees' figures of one kind in one chart; with groups, a chart per figure.
    A chart with no figure to draw is left out: the words and the table say why."""
    return [c for c in _drawn(report, section) if any(cell.shown for _, cell in c["bars"])]


def _drawn(report: outcomes.Report, section: outcomes.Section) -> list[dict]:
    if report.groups:
        return [
            {
                "id": f"chart-{f.key}",
                "title": gettext("%(figure)s: all mentees and each group shown")
                % {"figure": f.label},
                "bars": [(row.name, row.cells[f.key]) for row in report.rows],
            }
            for f in section.figures
        ]
    charts = []
    for unit in dict.fromkeys(f.unit for f in section.figures):
        figures = [f for f in section.figures if f.unit == unit]
        charts.append(
            {
                "id": f"chart-{section.key}-{unit}",
                "title": f"{section.title}: " + ", ".join(f.label.lower() for f in figures),
                "bars": [(f.label, report.everyone.cells[f.key]) for f in figures],
            }
        )
    return charts


@program_page()
def outcome_report(request: HttpRequest, slug: str) -> HttpResponse:
    chosen, found, key = _report(request)
    # The figures' rendering is most of the page's cost: kept with the report, under
    # the key that changes whenever the figures may.
    html = cache.get(f"{key}:html")
    if html is None:
        html = render_to_string(
            "dashboard/_outcome_report.html", _figures(request.program, chosen, found)
        )
        cache.set(f"{key}:html", html, outcomes.KEPT_SECONDS)
    context = {
        "program": request.program,
        "chosen": chosen,
        "cycle_form": chosen.form(),
        # Our own template's output, escaped as it was rendered.
        "report_html": mark_safe(html),  # noqa: S308  # nosec B308 B703
        "testimonials": close_outs.shared_testimonials(
            program_id=request.program.pk, cycle_id=chosen.cycle.pk if chosen.cycle else None
        ),
    }
    return render(request, "dashboard/outcomes.html", context)


def _figures(program, chosen: cycle_choice.Chosen, found: outcomes.Report) -> dict:
    return {
        "program": program,
        "chosen": chosen,
        "report": found,
        "sections": [
            {
                "section": s,
                "charts": _charts(found, s),
                # Each figure of all mentees, and how many newer answers wait for a batch.
                "everyone": [
                    (
                        found.everyone.cells[f.key],
                        found.answers[f.family] - found.everyone.cells[f.key].n,
                    )
                    for f in s.figures
                ],
                "table": [(row, [row.cells[f.key] for f in s.figures]) for row in found.rows],
                # A table of nothing but "not enough answers yet" is left out.
                "any": any(row.cells[f.key].shown for row in found.rows for f in s.figures),
            }
            for s in outcomes.SECTIONS
        ],
    }


HEADER = (
    "Cycle",
    "Group",
    "Question",
    "Mentees mentored",
    "Section",
    "Figure",
    "Value",
    "Low (95 %)",
    "High (95 %)",
    "Unit",
    "Answers",
    "Note",
)
UNITS = {outcomes.SHARE: "percent", outcomes.RATING: "mean, 1-5", outcomes.COUNT: "mean"}


def _number(value: float | None, figure: outcomes.Figure) -> str:
    if value is None:
        return ""
    return f"{value:.0f}" if figure.unit == outcomes.SHARE else f"{value:.2f}"


@program_page()
def outcome_csv(request: HttpRequest, slug: str) -> HttpResponse:
    """The page's figures, one line per group and figure, hidden ones blank with
    a note: never a line about a person."""
    chosen, found, _ = _report(request)
    program = request.program
    scope = "all-cycles" if chosen.cycle is None else f"cycle-{chosen.cycle.pk}"
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{program.slug}-outcomes-{scope}.csv"'
    response.write("\ufeff")  # a byte-order mark, so spreadsheets read UTF-8
    out = csv.writer(response)
    out.writerow(HEADER)
    # The file stays in English, its words as well as its columns: spreadsheets
    # and scripts read it, whatever language the page was in.
    with translation.override("en"):
        cycle = chosen.cycle.name if chosen.cycle else "All cycles"
        for row in found.rows:
            for section in outcomes.SECTIONS:
                for figure in section.figures:
                    c = row.cells[figure.key]
                    out.writerow(
                        [
                            safe(v)
                            for v in (
                                cycle,
                                row.name,
                                row.kind,
                                row.people,
                                section.title,
                                figure.label,
                                _number(c.value, figure),
                                _number(c.low, figure),
                                _number(c.high, figure),
                                UNITS[figure.unit],
                                c.n if c.shown else "",
                                c.note,
                            )
                        ]
                    )
    return response
