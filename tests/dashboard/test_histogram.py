"""The score chart on the overview: a count over every bar, a score axis with
its ticks and title, and the same counts in words and in a table."""

import re

import pytest
from django.urls import reverse

from dashboard import figures

pytestmark = pytest.mark.django_db


def chart(staff_client, program) -> str:
    page = staff_client.get(reverse("dashboard:program", args=[program.slug])).content.decode()
    return re.search(r'<svg viewBox="[^"]+" role="img".*?</svg>', page, re.S).group(0)


def texts(svg: str, css_class: str) -> list[str]:
    return re.findall(rf'<text [^>]*class="{css_class}">([^<]*)</text>', svg)


def test_the_score_axis_counts_in_tens_from_zero_to_a_hundred(staff_client, program):
    svg = chart(staff_client, program)
    assert texts(svg, "axis") == [str(t) for t in range(0, 101, 10)]
    assert texts(svg, "axis-title axis-title-x") == ["Best score"]
    assert texts(svg, "axis-title") == ["Mentees"]
    assert len(re.findall(r'class="tick"', svg)) == 11


def test_every_bar_carries_its_count(staff_client, program, monkeypatch):
    counts = {4: 3, 5: 12, 9: 1}
    monkeypatch.setattr(figures, "_top_score_buckets", lambda program: counts)
    svg = chart(staff_client, program)
    assert texts(svg, "count") == ["0", "0", "0", "0", "3", "12", "0", "0", "0", "1"]
    assert "90–100: 1" in svg  # the description a screen reader reads


def test_the_bars_stand_on_the_axis_and_the_tallest_reaches_the_top():
    bars = figures.histogram({2: 5, 3: 10})
    for bar in bars:
        assert bar["y"] + bar["height"] == figures.CHART_BASE
        assert bar["count_y"] < bar["y"]  # the count sits over its bar
    assert bars[3]["y"] == figures.CHART_TOP and bars[2]["height"] == bars[3]["height"] / 2
    assert bars[0]["tick_x"] == figures.CHART_LEFT and bars[-1]["end_x"] == 310


def test_the_counts_are_in_a_table_too(staff_client, program, monkeypatch):
    monkeypatch.setattr(figures, "_top_score_buckets", lambda program: {6: 7})
    page = staff_client.get(reverse("dashboard:program", args=[program.slug])).content.decode()
    table = re.search(r'<details class="chart-table">.*?</details>', page, re.S).group(0)
    assert "<summary>The counts as a table</summary>" in table
    assert '<tr><th scope="row">60–69</th><td>7</td></tr>' in table


def test_the_chart_draws_the_same_in_a_language_that_writes_decimal_commas(
    staff_client, program, monkeypatch
):
    """Vietnamese writes 27,5 for 27.5: numbers a browser reads (SVG geometry) are not
    localised, the counts people read are."""
    monkeypatch.setattr(figures, "_top_score_buckets", lambda program: {4: 3, 5: 12, 9: 1})
    english = chart(staff_client, program)
    staff_client.post(reverse("profiles:language"), {"language": "vi", "next": "/"})
    vietnamese = chart(staff_client, program)
    geometry = r'(?:x|y|width|height|x1|x2|y1|y2)="([^"]*)"'
    assert re.findall(geometry, vietnamese) == re.findall(geometry, english)
    assert any("." in value for value in re.findall(geometry, vietnamese))
