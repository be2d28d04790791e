import csv
import io
from pathlib import Path

import pytest
from allauth.account.models import EmailAddress
from django.core import mail
from django.core.management import CommandError, call_command
from django.utils import translation

from matching import tasks
from matching.models import Suggestion
from profiles import emails, imports
from profiles.models import Consent, Profile, Tag, User
from profiles.taxonomy import STEPS
from tests.factories import MentorFactory, ProfileFactory, UserFactory

pytestmark = pytest.mark.django_db

FIXTURE = Path(__file__).parent.parent / "fixtures" / "participants.csv"
A_MENTEE = {
    "email": "ana@example.org",
    "role": "mentee",
    "display_name": "Ana Souza",
    "career_stage": "early",
    "languages": "English",
    "timezone": "Europe/London",
    "meeting_format": "online",
}
A_MENTOR = {**A_MENTEE, "email": "ben@example.org", "role": "mentor", "display_name": "Ben Ito"}


def csv_text(*rows: dict, columns=None) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=columns or imports.COLUMNS)
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue()


def where(issues) -> list[tuple]:
    return [(i.line, i.column) for i in issues]


def slugs(tags) -> set[str]:
    return {t.slug for t in tags.all()}


def imported(source, program, *, invite: bool = False) -> imports.ImportResult:
    return imports.commit(imports.preview(source, program), program, invite=invite)


# --- a good file ------------------------------------------------------------------------------


def test_a_preview_counts_the_people_and_saves_nothing(default_program):
    checked = imports.preview(FIXTURE.read_bytes(), default_program)

    assert checked.ok, checked.issues
    assert (checked.mentors, checked.mentees) == (2, 2)
    assert (checked.new_users, checked.existing_users) == (4, 0)
    assert [p.line for p in checked.people] == [2, 3, 4, 5]
    assert not User.objects.exists()
    assert not Profile.objects.exists()


def test_a_good_file_imports_every_person_with_their_answers(default_program):
    result = imported(FIXTURE.read_bytes(), default_program)

    assert result.ok, result.issues
    assert Profile.objects.filter(program=default_program).count() == 4
    grace = Profile.objects.get(user__email="grace.lee@example.org")
    assert grace.role == "mentor"
    assert grace.bio.startswith("Twenty years in engineering.\nI mentor")
    assert (grace.career_stage, grace.years_experience, grace.capacity) == (3, 18, 2)
    assert grace.industry.slug == "technology"
    assert slugs(grace.languages) == {"english", "korean"}
    assert slugs(grace.goals) == {"leadership", "networking", "cultural-identity"}
    assert slugs(grace.values) == {"community", "family"}
    assert slugs(grace.background) == {"korean", "east-asian"} | {
        "second-generation-immigrant",
        "first-generation-college-graduate",
    }
    assert grace.background_visibility == "matches"


def test_a_file_in_english_imports_for_an_admin_who_reads_korean(default_program):
    """Names in any shipped language are found, so files go between admins and languages."""
    Tag.objects.filter(kind="language", slug="korean").update(name_ko="한국어")
    row = {**A_MENTEE, "languages": "English; 한국어"}
    with translation.override("ko"):
        result = imported(csv_text(row).encode(), default_program)
    assert result.ok, result.issues
    assert slugs(Profile.objects.get().languages) == {"english", "korean"}


def test_imported_people_get_accounts_they_can_claim(default_program):
    imported(FIXTURE.read_bytes(), default_program)

    user = User.objects.get(email="ji-woo.park@example.org")
    assert not user.has_usable_password()
    assert EmailAddress.objects.filter(user=user, email=user.email, verified=True).exists()


def test_consents_are_recorded_for_each_sensitive_category_given(default_program):
    imported(FIXTURE.read_bytes(), default_program)

    consents = Consent.objects.given()
    assert set(
        consents.filter(profile__user__email="ji-woo.park@example.org").values_list(
            "category", flat=True
        )
    ) == {"heritage", "first_gen"}
    assert not consents.filter(profile__user__email="daniel.cho@example.org").exists()


def test_imported_people_take_part_in_the_programs_current_cycle(default_program):
    from profiles import cycles

    current = cycles.current(default_program)
    imported(csv_text(A_MENTEE), default_program)

    ana = Profile.objects.get(user__email="ana@example.org")
    assert current is not None
    assert ana.cycle == current
    assert list(ana.enrolments.values_list("cycle", flat=True)) == [current.pk]


def test_a_program_without_cycles_imports_people_in_no_cycle(default_program):
    from tests.factories import ProgramFactory

    program = ProgramFactory()
    imported(csv_text(A_MENTEE), program)

    ana = Profile.objects.get(user__email="ana@example.org")
    assert ana.cycle is None
    assert not ana.enrolments.exists()


def test_imported_profiles_are_ready_for_matching(default_program):
    imported(FIXTURE.read_bytes(), default_program)

    profiles = Profile.objects.filter(program=default_program)
    assert profiles.ready().count() == 4
    ji_woo = profiles.get(user__email="ji-woo.park@example.org")
    assert ji_woo.steps_done == list(STEPS)
    assert ji_woo.must_share == ["language", "heritage"]
    assert ji_woo.importances() == {
        "goals": 3,
        "background": 3,
        "values": 2,
        "experience": 1,
        "logistics": 0,
    }
    sam = profiles.get(user__email="sam.rivera@example.org")
    assert sam.steps_done == ["about", "goals", "logistics"]


def test_committing_queues_a_rescore_of_each_new_profile(
    default_program, django_capture_on_commit_callbacks, monkeypatch
):
    queued = []
    task = tasks.refresh_profile_suggestions._get_current_object()
    monkeypatch.setattr(type(task), "apply_async", lambda self, args, kwargs: queued.extend(args))
    with django_capture_on_commit_callbacks() as callbacks:
        imported(FIXTURE.read_bytes(), default_program)
        assert queued == []  # not before the commit
    for callback in callbacks:
        callback()

    new = Profile.objects.filter(program=default_program).values_list("pk", flat=True)
    assert sorted(queued) == sorted(new) and len(queued) == 4


def test_imported_mentees_see_suggestions_once_the_import_commits(
    default_program, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        imported(FIXTURE.read_bytes(), default_program)

    ji_woo = Profile.objects.get(user__email="ji-woo.park@example.org")
    top = Suggestion.objects.for_mentee(ji_woo).listed().first()
    assert top.mentor.user.email == "grace.lee@example.org"


def test_an_existing_user_joins_with_their_own_account(default_program):
    user = UserFactory(email="grace.lee@example.org")
    password = user.password

    checked = imports.preview(FIXTURE.read_bytes(), default_program)
    result = imports.commit(checked, default_program, invite=False)

    assert (checked.new_users, checked.existing_users) == (3, 1)
    assert result.ok
    user.refresh_from_db()
    assert user.password == password
    assert user.profiles.get(program=default_program).role == "mentor"
    assert EmailAddress.objects.filter(user=user).count() == 1


def test_one_person_may_join_as_mentor_and_as_mentee(default_program):
    result = imported(csv_text(A_MENTEE, {**A_MENTEE, "role": "mentor"}), default_program)

    assert result.ok, result.issues
    user = User.objects.get(email="ana@example.org")
    assert sorted(user.profiles.values_list("role", flat=True)) == ["mentee", "mentor"]


def test_an_empty_capacity_takes_the_programs_default(default_program):
    default_program.default_capacity = 4
    default_program.save()

    imported(csv_text(A_MENTOR), default_program)

    assert Profile.objects.get(user__email="ben@example.org").capacity == 4


def test_the_documented_example_imports_cleanly(default_program):
    doc = (Path(__file__).parent.parent.parent / "docs" / "csv.md").read_text()
    example = doc.split("```csv\n", 1)[1].split("```", 1)[0]

    result = imported(example, default_program)

    assert result.ok, result.issues
    assert (result.mentors, result.mentees) == (2, 1)


# --- bad rows ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("change", "column", "message"),
    [
        ({"languages": "English;Klingon"}, "languages", "unknown language “Klingon”"),
        ({"goals": "networking;world domination"}, "goals", "unknown goal"),
        ({"industry": "Technology;Law"}, "industry", "one answer only"),
        ({"importance_goals": "7"}, "importance_goals", "7 is not one of the available"),
        ({"bio": "x" * 10_000}, "bio", "at most 2000 characters"),
        ({"display_name": ""}, "display_name", "required"),
        ({"career_stage": "intern"}, "career_stage", "is not one of: student, early"),
        ({"timezone": "Mars/Olympus"}, "timezone", "“Mars/Olympus” is not one we know"),
        ({"meeting_format": "in_person"}, "city", "Tell us your city"),
        ({"email": "not-an-email"}, "email", "valid email"),
        ({"role": "boss"}, "role", "“boss” is not one of: mentor, mentee"),
        ({"years_experience": "many"}, "years_experience", "whole number"),
        ({"must_share": "heritage"}, "must_share", "You have not shared your heritage"),
        ({"capacity": "2"}, "capacity", "only for a mentor"),
    ],
)
def test_a_bad_cell_is_named_by_its_line_and_column(default_program, change, column, message):
    checked = imports.preview(csv_text({**A_MENTEE, **change}), default_program)

    assert where(checked.issues) == [(2, column)]
    assert message in checked.issues[0].message


@pytest.mark.parametrize(
    ("change", "column", "message"),
    [
        ({"capacity": "-1"}, "capacity", "greater than or equal to 0"),
        ({"capacity": "99"}, "capacity", "less than or equal to 20"),
        ({"importance_goals": "2"}, "importance_goals", "only for a mentee"),
    ],
)
def test_a_bad_mentor_cell_is_named_by_its_line_and_column(
    default_program, change, column, message
):
    checked = imports.preview(csv_text({**A_MENTOR, **change}), default_program)

    assert where(checked.issues) == [(2, column)]
    assert message in checked.issues[0].message


def test_a_file_with_bad_rows_imports_nothing_and_names_every_problem(default_program):
    rows = [
        A_MENTEE,
        {**A_MENTOR, "capacity": "-1"},
        {**A_MENTEE, "email": "cy@example.org", "languages": "Elvish", "bio": "x" * 10_000},
        {**A_MENTEE, "email": "dee@example.org", "importance_values": "7"},
        {**A_MENTEE, "display_name": "Ana again"},
        {**A_MENTEE, "email": "eve@example.org", "faith": "Buddhist"},
    ]

    checked = imports.preview(csv_text(*rows), default_program)
    result = imports.commit(checked, default_program, invite=True)

    assert where(checked.issues) == [
        (3, "capacity"),
        (4, "languages"),
        (4, "bio"),
        (5, "importance_values"),
        (6, "email"),
        (7, "faith"),
    ]
    assert "already a mentee on line 2" in checked.issues[4].message
    assert not result.ok
    assert not User.objects.exists()
    assert not Profile.objects.exists()
    assert mail.outbox == []


def test_a_sensitive_answer_without_consent_is_refused_without_echoing_it(default_program):
    row = {**A_MENTEE, "heritage": "Korean", "heritage_note": "my grandmother's village"}

    checked = imports.preview(csv_text(row), default_program)

    assert where(checked.issues) == [(2, "heritage"), (2, "heritage_note")]
    assert {i.message for i in checked.issues} == {"sensitive answers need background_consent=yes"}


def test_an_unknown_sensitive_answer_is_named_by_position_not_by_value(default_program):
    row = {**A_MENTEE, "background_consent": "yes", "heritage": "Korean;Secretly Atlantean"}

    checked = imports.preview(csv_text(row), default_program)

    assert where(checked.issues) == [(2, "heritage")]
    assert "Atlantean" not in str(checked.issues[0])
    assert "answer 2" in checked.issues[0].message


def test_lines_are_numbered_as_a_spreadsheet_shows_them(default_program):
    multi_line_bio = {**A_MENTEE, "bio": "one\ntwo\nthree"}
    bad = {**A_MENTEE, "email": "zed@example.org", "languages": "Klingon"}

    checked = imports.preview(csv_text(multi_line_bio, bad), default_program)

    assert where(checked.issues) == [(3, "languages")]


def test_an_email_already_holding_that_role_in_the_program_is_refused(default_program):
    MentorFactory(program=default_program, user=UserFactory(email="ben@example.org"))

    checked = imports.preview(csv_text(A_MENTOR), default_program)

    assert where(checked.issues) == [(2, "email")]
    assert "already a mentor in this program" in checked.issues[0].message


def test_commit_checks_again_and_imports_nothing_when_the_program_changed(default_program):
    checked = imports.preview(csv_text(A_MENTEE, A_MENTOR), default_program)
    ProfileFactory(program=default_program, user=UserFactory(email="ana@example.org"))

    result = imports.commit(checked, default_program, invite=False)

    assert where(result.issues) == [(2, "email")]
    assert not User.objects.filter(email="ben@example.org").exists()


# --- the header and the file ------------------------------------------------------------------


def test_an_unknown_column_is_a_problem_on_line_1(default_program):
    text = csv_text({**A_MENTEE, "hobby": "chess"}, columns=[*A_MENTEE, "hobby"])

    checked = imports.preview(text, default_program)

    assert where(checked.issues) == [(1, "hobby")]
    assert checked.issues[0].message == "unknown column"


def test_a_missing_required_column_is_a_problem_on_line_1_only(default_program):
    columns = [c for c in A_MENTEE if c != "languages"]
    row = {c: A_MENTEE[c] for c in columns}

    checked = imports.preview(
        csv_text(row, row | {"email": "b@example.org"}, columns=columns), default_program
    )

    assert where(checked.issues) == [(1, "languages")]
    assert checked.issues[0].message == "required column is missing"


def test_columns_may_come_in_any_order_and_case(default_program):
    text = "Meeting_Format,TIMEZONE,languages,career_stage,display_name,role,email\n"
    text += "online,europe/london,english,Early career,Ana,Mentee,Ana@Example.org\n"

    result = imported(text, default_program)

    assert result.ok, result.issues
    profile = Profile.objects.get(user__email="ana@example.org")
    assert (profile.timezone, profile.career_stage) == ("Europe/London", 1)


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "The file is empty."),
        (b"  \r\n\r\n", "The file is empty."),
        (b"PK\x03\x04\x14\x00\x06\x00\x08\x00\x00\x00!\x00", "not a CSV file"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "not a CSV file"),
        ("email,role\nzoë@example.org,mentee\n".encode("latin-1"), "not UTF-8"),
        ("email,role\n".encode("utf-16"), "UTF-16"),
        (b"email;role;display_name\na@example.org;mentee;A\n", "separated by semicolons"),
        (b"Dear admin,\nplease find attached\n", "not a header row"),
        (b'email,role\n"a@example.org,mentee\n', "not valid CSV"),
        (",".join(imports.COLUMNS).encode(), "a header row but no participants"),
    ],
)
def test_a_file_that_is_not_a_usable_csv_gets_one_clear_problem(default_program, content, message):
    checked = imports.preview(content, default_program)

    assert len(checked.issues) == 1
    assert message in checked.issues[0].message
    assert not imports.commit(checked, default_program, invite=False).ok
    assert not User.objects.exists()


def test_a_wrong_encoding_names_the_line_it_breaks_on(default_program):
    content = csv_text(A_MENTEE, {**A_MENTEE, "email": "b@example.org", "display_name": "Zoë"})

    checked = imports.preview(content.encode("latin-1"), default_program)

    assert where(checked.issues) == [(3, None)]


def test_too_many_rows_is_refused(default_program, monkeypatch):
    monkeypatch.setattr(imports, "MAX_ROWS", 2)
    rows = [{**A_MENTEE, "email": f"p{i}@example.org"} for i in range(3)]

    checked = imports.preview(csv_text(*rows), default_program)

    assert [i.message for i in checked.issues] == ["The file has more than 2 rows."]


def test_an_oversized_file_is_refused_before_it_is_read_whole(default_program, monkeypatch):
    monkeypatch.setattr(imports, "MAX_BYTES", 1000)
    source = io.BytesIO(
        csv_text(*[{**A_MENTEE, "email": f"p{i}@x.org"} for i in range(40)]).encode()
    )

    checked = imports.preview(source, default_program)

    assert "larger than" in checked.issues[0].message
    assert source.tell() == 1001


def test_a_commit_refuses_a_preview_of_another_program(default_program):
    checked = imports.preview(csv_text(A_MENTEE), default_program)
    other = ProfileFactory().program

    with pytest.raises(ValueError, match="another program"):
        imports.commit(checked, other, invite=False)


# --- invitations ------------------------------------------------------------------------------


def test_inviting_emails_each_new_user_once(default_program, django_capture_on_commit_callbacks):
    UserFactory(email="grace.lee@example.org")

    with django_capture_on_commit_callbacks(execute=True):
        result = imported(FIXTURE.read_bytes(), default_program, invite=True)

    invited = sorted(m.to[0] for m in mail.outbox if "invited" in m.subject)
    assert result.invited == 3
    assert invited == [
        "daniel.cho@example.org",
        "ji-woo.park@example.org",
        "sam.rivera@example.org",
    ]


def test_the_invitation_links_to_choosing_a_password(client, default_program):
    imported(csv_text(A_MENTEE), default_program)
    user = User.objects.get(email="ana@example.org")

    emails.invitation.apply(args=[user.pk, default_program.pk])

    link = next(w for w in mail.outbox[0].body.split() if "/password/reset/key/" in w)
    page = client.get(link.removeprefix("http://127.0.0.1:8000"), follow=True)
    assert page.status_code == 200
    assert b'name="password1"' in page.content
    client.post(
        page.redirect_chain[-1][0],
        {"password1": "a fresh pass 123", "password2": "a fresh pass 123"},
    )
    user.refresh_from_db()
    assert user.check_password("a fresh pass 123")


def test_a_retried_invitation_is_not_sent_twice(default_program):
    imported(csv_text(A_MENTEE), default_program)
    user = User.objects.get(email="ana@example.org")

    emails.invitation.apply(args=[user.pk, default_program.pk])
    emails.invitation.apply(args=[user.pk, default_program.pk])

    assert len(mail.outbox) == 1


def test_the_invitation_carries_no_sensitive_answer(default_program):
    row = {**A_MENTEE, "background_consent": "yes", "heritage": "Korean", "heritage_note": "Jeju"}
    imported(csv_text(row), default_program)
    user = User.objects.get(email="ana@example.org")

    emails.invitation.apply(args=[user.pk, default_program.pk])

    assert "Ana Souza" in mail.outbox[0].body
    assert "Korean" not in mail.outbox[0].body
    assert "Jeju" not in mail.outbox[0].body


# --- the command ------------------------------------------------------------------------------


def test_the_command_previews_without_importing(default_program, capsys):
    call_command("import_participants", str(FIXTURE), "--program", "default")

    out = capsys.readouterr().out
    assert "2 mentors, 2 mentees; 4 new users" in out
    assert "add --commit" in out
    assert not Profile.objects.exists()


def test_the_command_imports_with_commit(default_program, capsys):
    call_command("import_participants", str(FIXTURE), "--program", "default", "--commit")

    assert "Imported 2 mentors and 2 mentees" in capsys.readouterr().out
    assert Profile.objects.filter(program=default_program).count() == 4


def test_the_command_prints_every_problem_and_fails(default_program, tmp_path, capsys):
    path = tmp_path / "bad.csv"
    path.write_text(csv_text(A_MENTEE, {**A_MENTOR, "capacity": "-1", "languages": "Klingon"}))

    with pytest.raises(CommandError, match="2 problem"):
        call_command("import_participants", str(path), "--program", "default", "--commit")

    err = capsys.readouterr().err
    assert "line 3, column capacity: Ensure this value is greater than or equal to 0." in err
    assert "line 3, column languages: unknown language “Klingon”" in err
    assert not Profile.objects.exists()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--program", "nope"], "No program"),
        (["--program", "default", "--invite"], "needs --commit"),
    ],
)
def test_the_command_refuses_bad_arguments(default_program, args, message):
    with pytest.raises(CommandError, match=message):
        call_command("import_participants", str(FIXTURE), *args)


def test_the_command_names_a_file_it_cannot_read(default_program, tmp_path):
    with pytest.raises(CommandError, match="Cannot read"):
        call_command("import_participants", str(tmp_path / "missing.csv"), "--program", "default")
