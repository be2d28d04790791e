"""The outcome report's page and CSV as people who run the program read them:
plain words and charts, groups only for an admin allowed to read background
answers (on the record), the CSV the same figures with hidden ones blank."""

import csv
import html
import io
import re

import pytest
from django.urls import reverse

from dashboard import outcomes
from profiles.models import SensitiveAccess
from tests.conftest import login
from tests.dashboard.test_outcomes import answered_groups, two_cycles
from tests.factories import coordinator

pytestmark = pytest.mark.django_db


def text(response) -> str:
    page = response.content.decode()
    return html.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", page)))


def rows_of(response) -> list[dict]:
    return list(csv.DictReader(io.StringIO(response.content.decode().lstrip("\ufeff"))))


@pytest.fixture
def spring(program):
    spring, _ = two_cycles(program)
    answered_groups(
        program,
        spring,
        {"east-asian": 8, "south-asian": 6, "southeast-asian": 1, None: 5},
        ratings={"east-asian": 5},
    )
    return spring


def test_an_admin_with_the_right_reads_groups_in_words_charts_and_tables(
    exact_client, program, spring
):
    page = exact_client.get(
        reverse("dashboard:outcomes", args=[program.slug]), {"cycle": spring.pk}
    )
    words = text(page)
    assert (
        "100 % (84–100 %) of 20 mentorships that closed: completed rather than ended early" in words
    )
    assert "East Asian" in words and "Southeast Asian" not in words
    assert "2 groups hidden now" in words
    # A chart per figure with something to draw: completion, the close-out by mentees,
    # and the four of sponsorship (nobody has checked in, been followed up…).
    drawn = page.content.decode()
    assert re.findall(r'<title id="chart-([a-z_0-9]+)-title">', drawn) == [
        "completed",
        "close_out_mentee",
        "sponsored",
        "sponsored_confirmed",
        "actions",
        "not_sponsored",
    ]
    assert "Close-out, mentees (1–5): all mentees and each group shown" in words
    # Nobody has been followed up: no table of nothing but "not enough answers yet".
    assert "Ratings in figures" in words and "Follow-ups at 6 months in figures" not in words
    assert "Goals at the start (1–5): not enough answers yet." in words
    # Nobody is sponsored, in any group: no gap to mark, and the page says so.
    assert 'No group\'s "mentored but not sponsored" share is 10 points or more' in words
    assert SensitiveAccess.objects.filter(what__startswith="outcome figures per group").count() == 1


def test_without_the_right_only_all_mentees_with_a_sentence_why(staff_client, program, spring):
    page = staff_client.get(
        reverse("dashboard:outcomes", args=[program.slug]), {"cycle": spring.pk}
    )
    words = text(page)
    assert "East Asian" not in words and "South Asian" not in words
    assert "only to the program's admins allowed to read background answers" in words
    assert not SensitiveAccess.objects.exists()


def test_a_coordinator_reads_the_overall_figures(client, program, spring):
    login(client, coordinator(program))
    page = client.get(reverse("dashboard:outcomes", args=[program.slug]))
    assert page.status_code == 200 and "East Asian" not in text(page)
    assert 'aria-current="page">Outcomes' in page.content.decode()


def test_the_csv_holds_the_page_s_figures_and_blanks_what_is_hidden(exact_client, program, spring):
    asked = {"cycle": spring.pk}
    page = exact_client.get(reverse("dashboard:outcomes", args=[program.slug]), asked)
    download = exact_client.get(reverse("dashboard:outcomes_csv", args=[program.slug]), asked)
    assert download["Content-Disposition"] == (
        f'attachment; filename="{program.slug}-outcomes-cycle-{spring.pk}.csv"'
    )
    lines = rows_of(download)
    # Southeast Asian (1) is hidden, and the smallest beside it: who chose not to disclose (5).
    assert {line["Group"] for line in lines} == {"All mentees", "East Asian", "South Asian"}
    assert all(line["Cycle"] == "Spring" for line in lines)
    assert len(lines) == 3 * len(outcomes.FIGURES)  # a line per group and figure, no person
    found = outcomes.report(program, spring, groups=True)
    words = text(page)
    key = {(sec.title, f.label): f.key for sec in outcomes.SECTIONS for f in sec.figures}
    for line in lines:
        row = next(r for r in found.rows if r.name == line["Group"])
        cell = row.cells[key[(line["Section"], line["Figure"])]]
        if line["Note"]:
            assert line["Value"] == line["Low (95 %)"] == line["Answers"] == ""
            assert line["Note"] == cell.note
        else:
            assert line["Answers"] == str(cell.n)
            assert f"{cell.text} ({cell.interval}) of {cell.n}" in words
    east = next(
        line
        for line in lines
        if line["Group"] == "East Asian" and line["Figure"] == "Close-out, mentees (1–5)"
    )
    assert (east["Value"], east["Answers"], east["Note"]) == ("5.00", "8", "")


def test_the_csv_without_the_right_has_all_mentees_only(staff_client, program, spring):
    lines = rows_of(staff_client.get(reverse("dashboard:outcomes_csv", args=[program.slug])))
    assert {line["Group"] for line in lines} == {"All mentees"}
    assert {line["Cycle"] for line in lines} == {"Spring"}  # the page's own choice, unasked


@pytest.mark.parametrize("asked", ["nope", "999999"])
def test_a_cycle_that_is_not_the_program_s_is_a_404(exact_client, program, spring, asked):
    for name in ("dashboard:outcomes", "dashboard:outcomes_csv"):
        assert (
            exact_client.get(reverse(name, args=[program.slug]), {"cycle": asked}).status_code
            == 404
        )


def test_the_page_says_how_many_answers_wait_for_a_batch(staff_client, program, spring):
    from tests.dashboard.test_outcomes import close_out, mentored

    for i, m in enumerate(mentored(program, 2, cycle=spring, start=500)):
        close_out(m, rating=1, at=100 + i)
    page = staff_client.get(
        reverse("dashboard:outcomes", args=[program.slug]), {"cycle": spring.pk}
    )
    words = text(page)
    assert "4.4 (4.2–4.6) of 20 mentees who answered" in words
    assert "2 newer answers wait for the next batch." in words
    assert "Close-out, mentors (1–5): not enough answers yet." in words


def test_unasked_the_page_opens_on_the_latest_cycle_with_mentorships(staff_client, program, spring):
    """The current cycle (Autumn) has none started yet: Spring's report, not an empty one."""
    page = staff_client.get(reverse("dashboard:outcomes", args=[program.slug]))
    assert "What came of the mentorships of Spring: 20 mentees mentored so far." in text(page)
    autumn = program.cycles.get(name="Autumn")
    asked = staff_client.get(
        reverse("dashboard:outcomes", args=[program.slug]), {"cycle": autumn.pk}
    )
    assert "of Autumn: 0 mentees mentored so far." in text(asked)
