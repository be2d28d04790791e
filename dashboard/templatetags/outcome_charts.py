"""The outcome report's charts, drawn on the server as SVG: one horizontal bar
per figure (or per group), its 95 % interval as a whisker, its value beside it;
a figure without enough answers, or hidden, says so where its bar would be. The
same numbers are in the table under each chart (dashboard/outcomes.html)."""

from __future__ import annotations

import math

from django import template

from dashboard.outcomes import COUNT, RATING, SHARE, Cell

register = template.Library()

WIDTH = 400
LABEL_END = 162  # labels end here, right-aligned
PLOT_START, PLOT_END = 170, 330  # the bars' axis
ROW, BAR, TOP = 28, 14, 8  # each bar's row height, its thickness, the space above the first


def _scale(unit: str, cells: list[Cell]) -> tuple[float, float, list[float]]:
    if unit == SHARE:
        return 0.0, 100.0, [0, 50, 100]
    if unit == RATING:
        return 1.0, 5.0, [1, 2, 3, 4, 5]
    top = max((c.high for c in cells if c.shown), default=1.0)
    top = max(1, math.ceil(top))
    return 0.0, float(top), sorted({0, top / 2, top} if top > 1 else {0, 1})


def _tick(unit: str, value: float) -> str:
    if unit == SHARE:
        return f"{value:.0f} %"
    return f"{value:g}"


@register.inclusion_tag("dashboard/_outcome_chart.html")
def outcome_chart(chart_id: str, title: str, bars: list[tuple[str, Cell]]):
    """``bars``: (label, cell) in the order drawn, all of one unit."""
    unit = bars[0][1].figure.unit if bars else SHARE
    low, high, ticks = _scale(unit, [c for _, c in bars])

    def x(value: float) -> float:
        return round(PLOT_START + (PLOT_END - PLOT_START) * (value - low) / (high - low), 1)

    drawn = []
    for i, (label, cell) in enumerate(bars):
        y = TOP + i * ROW
        row = {"label": label, "cell": cell, "y": y, "text_y": y + BAR - 1, "mid": y + BAR / 2}
        if cell.shown:
            row |= {
                "x": PLOT_START,
                "width": max(0.0, x(cell.value) - PLOT_START),
                "low_x": x(cell.low),
                "high_x": x(cell.high),
                "cap_top": y + 1,
                "cap_bottom": y + BAR - 1,
            }
        drawn.append(row)
    axis_y = TOP + len(bars) * ROW
    return {
        "chart_id": chart_id,
        "title": title,
        "unit": unit,
        "bars": drawn,
        "width": WIDTH,
        "height": axis_y + 24,
        "axis_y": axis_y,
        "label_end": LABEL_END,
        "value_x": PLOT_END + 6,
        "plot_start": PLOT_START,
        "plot_end": PLOT_END,
        "ticks": [{"x": x(t), "text": _tick(unit, t)} for t in ticks],
        "tick_text_y": axis_y + 17,
        "share": unit == SHARE,
        "count": unit == COUNT,
    }
