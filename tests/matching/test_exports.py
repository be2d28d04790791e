import csv
import io
from datetime import UTC, datetime

import pytest
from django.core.management import CommandError, call_command
from django.utils import translation

from matching import exports
from matching.models import Suggestion
from mentorships.models import Mentorship
from profiles import cycles
from profiles.models import Tag
from tests.factories import (
    CycleFactory,
    MentorFactory,
    ProfileFactory,
    ProgramFactory,
    UserFactory,
    tags,
)

pytestmark = pytest.mark.django_db

COMPONENTS = {"goals": 0.75, "background": None, "values": 0.5, "experience": 1.0, "logistics": 1}


@pytest.fixture
def program():
    return ProgramFactory(slug="cohort")


@pytest.fixture
def pair(program):
    mentee = ProfileFactory(
        program=program,
        display_name="Ji-woo Park",
        user=UserFactory(email="jiwoo@example.org"),
        heritage_note="Grandparents from Jeju",
    )
    mentee.background.set(
        Tag.objects.filter(kind__in=["heritage", "identity"], slug__in=["korean", "lgbtq"])
    )
    mentor = MentorFactory(
        program=program, display_name="Grace Lee", user=UserFactory(email="grace@example.org")
    )
    mentor.background.set(Tag.objects.filter(slug="second-generation-immigrant"))
    return {"program": program, "mentee": mentee, "mentor": mentor}


@pytest.fixture
def mentorship(pair):
    return Mentorship.objects.create(
        **pair,
        status=Mentorship.Status.ENDED,
        source=Mentorship.Source.ADMIN,
        score=72.456,
        requested_at=datetime(2026, 3, 1, 9, 30, tzinfo=UTC),
        started_at=datetime(2026, 3, 2, 10, 0, tzinfo=UTC),
        ended_at=datetime(2026, 5, 1, 10, 0, tzinfo=UTC),
        end_reason=Mentorship.EndReason.NO_TIME,
        end_note="Moved teams",
    )


@pytest.fixture
def suggestion(pair):
    return Suggestion.objects.create(
        **pair,
        score=81.25,
        rank=1,
        components=COMPONENTS,
        reasons=["Can help with 1 of your 1 goal: networking", "Shared background: Korean"],
    )


def rows_of(write, program, *, include_sensitive: bool = False, **filters) -> list[dict]:
    out = io.StringIO()
    write(program, out, include_sensitive=include_sensitive, **filters)
    return list(csv.DictReader(io.StringIO(out.getvalue())))


@pytest.mark.parametrize(
    ("value", "written"),
    [
        (
            '=HYPERLINK("http://evil.example","click")',
            '\'=HYPERLINK("http://evil.example","click")',
        ),
        ("+1 555 0100", "'+1 555 0100"),
        ("-2+3", "'-2+3"),
        ("@SUM(A1:A2)", "'@SUM(A1:A2)"),
        ("\tleading tab", "'\tleading tab"),
        ("\rleading return", "'\rleading return"),
        ("Grace = kind", "Grace = kind"),
        (None, ""),
        (3, "3"),
    ],
)
def test_a_cell_that_starts_like_a_formula_is_made_inert(value, written):
    assert exports.cell(value) == written


def test_a_formula_in_a_display_name_comes_out_inert(program, mentorship):
    mentorship.mentee.display_name = '=HYPERLINK("http://evil.example","Ji-woo")'
    mentorship.mentee.save()
    mentorship.mentor.display_name = "@Grace"
    mentorship.mentor.save()

    [row] = rows_of(exports.write_matches, program)

    assert row["mentee_name"] == '\'=HYPERLINK("http://evil.example","Ji-woo")'
    assert row["mentor_name"] == "'@Grace"


def test_matches_have_one_row_per_mentorship(program, mentorship):
    [row] = rows_of(exports.write_matches, program)

    assert row == {
        "mentee_name": "Ji-woo Park",
        "mentee_email": "jiwoo@example.org",
        "mentor_name": "Grace Lee",
        "mentor_email": "grace@example.org",
        "status": "ended",
        "source": "admin",
        "score": "72.5",
        "requested_at": "2026-03-01T09:30:00+00:00",
        "decided_at": "",
        "started_at": "2026-03-02T10:00:00+00:00",
        "ended_at": "2026-05-01T10:00:00+00:00",
        "decline_reason": "",
        "decline_note": "",
        "end_reason": "no_time",
        "end_note": "Moved teams",
    }


def test_matches_of_other_programs_are_left_out(program, mentorship):
    other = MentorFactory().program

    assert rows_of(exports.write_matches, other) == []


def test_matches_of_one_cycle_leave_the_other_cycles_out(program, mentorship):
    spring, autumn = CycleFactory(program=program), CycleFactory(program=program)
    Mentorship.objects.filter(pk=mentorship.pk).update(cycle=spring)

    assert [r["status"] for r in rows_of(exports.write_matches, program, cycle=spring)] == ["ended"]
    assert rows_of(exports.write_matches, program, cycle=autumn) == []


def test_suggestions_of_one_cycle_are_those_of_its_enrolled_mentees(program, suggestion, pair):
    spring, autumn = CycleFactory(program=program), CycleFactory(program=program)
    cycles.enrol(profile=pair["mentee"], cycle=spring)

    assert len(rows_of(exports.write_suggestions, program, cycle=spring)) == 1
    assert rows_of(exports.write_suggestions, program, cycle=autumn) == []


def test_background_answers_are_left_out_without_the_permission(program, mentorship):
    out = io.StringIO()
    exports.write_matches(program, out, include_sensitive=False)

    assert "mentee_heritage" not in out.getvalue()
    assert "Korean" not in out.getvalue()
    assert "Jeju" not in out.getvalue()


def test_background_answers_of_both_sides_come_with_the_permission(program, mentorship):
    [row] = rows_of(exports.write_matches, program, include_sensitive=True)

    assert row["mentee_heritage"] == "Korean"
    assert row["mentee_lgbtq"] == "LGBTQ+"
    assert row["mentee_heritage_note"] == "Grandparents from Jeju"
    assert row["mentor_generation"] == "Second-generation immigrant"
    assert row["mentor_heritage"] == ""


def test_suggestions_have_one_row_per_listed_suggestion(program, suggestion, pair):
    dismissed = Suggestion.objects.create(
        **{**pair, "mentor": MentorFactory(program=program)},
        score=50,
        rank=2,
        status=Suggestion.Status.DISMISSED,
    )

    rows = rows_of(exports.write_suggestions, program, include_sensitive=True)

    assert len(rows) == 1
    assert dismissed.mentor.user.email not in {r["mentor_email"] for r in rows}
    row = rows[0]
    assert (row["mentee_email"], row["mentor_email"], row["rank"]) == (
        "jiwoo@example.org",
        "grace@example.org",
        "1",
    )
    assert row["score"] == "81.2"
    assert [row[c] for c in COMPONENTS] == ["0.750", "", "0.500", "1.000", "1.000"]
    assert row["reasons"] == (
        "Can help with 1 of your 1 goal: networking; Shared background: Korean"
    )
    assert row["mentee_heritage"] == "Korean"


def test_a_reason_naming_shared_background_needs_the_permission(program, suggestion):
    [row] = rows_of(exports.write_suggestions, program)

    assert row["reasons"] == "Can help with 1 of your 1 goal: networking; Shared background"
    assert "mentee_heritage" not in row


def test_the_command_writes_a_file(program, mentorship, tmp_path, capsys):
    path = tmp_path / "matches.csv"

    call_command("export_matches", "cohort", "--output", str(path))

    text = path.read_text(encoding="utf-8-sig")
    assert text.startswith("mentee_name,mentee_email,")
    assert "jiwoo@example.org" in text
    assert "Korean" not in text
    assert "Wrote 1 mentorships" in capsys.readouterr().out


def test_the_command_writes_suggestions_with_sensitive_columns_to_stdout(
    program, suggestion, capsys
):
    call_command("export_matches", "cohort", "--suggestions", "--include-sensitive")

    [row] = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    assert row["rank"] == "1"
    assert row["mentee_heritage_note"] == "Grandparents from Jeju"


def test_the_command_refuses_an_unknown_program(db):
    with pytest.raises(CommandError, match="No program"):
        call_command("export_matches", "nope")


@pytest.mark.usefixtures("korean")
def test_reasons_stored_as_parts_are_worded_in_english_whoever_downloads(program, pair):
    networking = tags("goal", "networking")[0]
    korean_heritage = tags("heritage", "korean")[0]
    Suggestion.objects.create(
        **pair,
        score=81.25,
        rank=1,
        components=COMPONENTS,
        reasons=[
            {"kind": "goals", "viewer": "mentee", "tags": [networking.pk], "of": 1},
            {"kind": "background", "tags": [korean_heritage.pk]},
            {"kind": "same_timezone"},
        ],
    )
    # The test's Korean catalogue words "Same timezone": a page would say it so.
    with translation.override("ko"):
        [row] = rows_of(exports.write_suggestions, program)
    assert row["reasons"] == (
        "Can help with 1 of your 1 goal: networking; Shared background; Same timezone"
    )
