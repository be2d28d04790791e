from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from dashboard.models import ImportJob
from mentorships.models import Mentorship
from profiles.models import Profile, ProgramRole, SensitiveAccess
from tests.conftest import login, wait_for
from tests.factories import (
    MentorFactory,
    ProfileFactory,
    UserFactory,
    coordinator,
    program_admin,
    tags,
)

pytestmark = pytest.mark.django_db

GOOD = (Path(__file__).resolve().parent.parent / "fixtures" / "participants.csv").read_bytes()


@pytest.fixture
def staff(client, program):
    user = program_admin(program)
    login(client, user)
    return user


def upload(client, program, content: bytes, name="people.csv"):
    return client.post(
        reverse("dashboard:import", args=[program.slug]),
        {"file": SimpleUploadedFile(name, content)},
    )


def test_a_good_file_is_checked_then_imported(
    client, staff, program, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = upload(client, program, GOOD)
    job = ImportJob.objects.get()
    assert response.url == reverse("dashboard:import_job", args=[program.slug, job.pk])
    assert job.status == "checked" and job.report["ok"]
    page = client.get(response.url).content.decode()
    assert "The file is clean" in page and "Import these" in page
    assert not Profile.objects.filter(program=program).exists()  # nothing before confirming
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("dashboard:confirm_import", args=[program.slug, job.pk]),
            {"invite": "", "confirm": "yes"},
        )
    job.refresh_from_db()
    assert job.status == "imported" and job.content is None
    assert (
        Profile.objects.filter(program=program).count()
        == job.report["mentors"] + job.report["mentees"]
    )


def test_a_bad_file_names_each_problem_and_imports_nothing(
    client, staff, program, django_capture_on_commit_callbacks
):
    bad = GOOD.decode().splitlines()
    bad[1] = bad[1].replace("mentee", "boss", 1).replace("mentor", "boss", 1)
    with django_capture_on_commit_callbacks(execute=True):
        upload(client, program, "\n".join(bad).encode())
    job = ImportJob.objects.get()
    assert not job.report["ok"]
    page = client.get(reverse("dashboard:import_job", args=[program.slug, job.pk])).content.decode()
    assert "<td>2</td><td>role</td>" in page
    client.post(reverse("dashboard:confirm_import", args=[program.slug, job.pk]))
    assert ImportJob.objects.get().status == "checked"
    assert not Profile.objects.filter(program=program).exists()


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("people.xlsx", b"a,b", "Upload a .csv file"),
        ("people.csv", b"x" * (10 * 1024 * 1024 + 1), "larger than 10 MB"),
    ],
)
def test_the_upload_form_refuses_wrong_files(client, staff, program, name, content, message):
    response = upload(client, program, content, name)
    assert message in response.content.decode()
    assert not ImportJob.objects.exists()


def test_discarding_deletes_the_file(client, staff, program, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        upload(client, program, GOOD)
    job = ImportJob.objects.get()
    client.post(reverse("dashboard:discard_import", args=[program.slug, job.pk]))
    job.refresh_from_db()
    assert job.status == "discarded" and job.content is None


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_file_is_checked_by_a_real_worker(celery_worker, client, program):
    login(client, program_admin(program))
    upload(client, program, GOOD)
    job = ImportJob.objects.get()
    wait_for(lambda: ImportJob.objects.get(pk=job.pk).status == "checked", timeout=60)
    assert ImportJob.objects.get(pk=job.pk).report["ok"]


def test_csv_pages_are_for_those_who_run_the_program(client, program):
    job = ImportJob.objects.create(program=program, filename="x.csv", content=b"x")
    imports = [
        ("get", reverse("dashboard:import", args=[program.slug])),
        ("get", reverse("dashboard:import_job", args=[program.slug, job.pk])),
        ("post", reverse("dashboard:confirm_import", args=[program.slug, job.pk])),
        ("post", reverse("dashboard:discard_import", args=[program.slug, job.pk])),
    ]
    exports = [
        ("get", reverse("dashboard:exports", args=[program.slug])),
        ("get", reverse("dashboard:export", args=[program.slug, "matches"])),
        ("get", reverse("dashboard:export", args=[program.slug, "suggestions"])),
    ]
    for method, url in imports + exports:
        answer = getattr(client, method)(url)
        assert answer.status_code == 302 and answer.url.startswith(reverse("account_login")), url
    for outsider in (ProfileFactory(program=program).user, UserFactory(is_staff=True)):
        login(client, outsider)
        for method, url in imports + exports:
            assert getattr(client, method)(url).status_code == 404, url
    # A coordinator downloads the exports, and imports nothing.
    login(client, coordinator(program))
    for method, url in imports:
        assert getattr(client, method)(url).status_code == 403, url
    for method, url in exports:
        assert getattr(client, method)(url).status_code == 200, url
    assert bytes(ImportJob.objects.get().content) == b"x"
    assert ImportJob.objects.get().status == "checking"


def test_a_coordinator_finds_the_exports_and_no_import(client, program):
    login(client, coordinator(program))
    overview = client.get(reverse("dashboard:program", args=[program.slug])).content.decode()
    exports_url = reverse("dashboard:exports", args=[program.slug])
    assert f'href="{exports_url}"' in overview and ">CSV out<" in overview
    assert reverse("dashboard:import", args=[program.slug]) not in overview
    page = client.get(exports_url).content.decode()
    matches = reverse("dashboard:export", args=[program.slug, "matches"])
    suggestions = reverse("dashboard:export", args=[program.slug, "suggestions"])
    assert f'href="{matches}"' in page and f'href="{suggestions}"' in page
    assert "sensitive=1" not in page and "Import participants" not in page


def test_only_an_admin_allowed_to_read_background_is_offered_it(client, program):
    login(client, program_admin(program))
    page = client.get(reverse("dashboard:import", args=[program.slug])).content.decode()
    assert "Import participants" in page and "sensitive=1" not in page
    login(client, program_admin(program, background=True))
    for name in ("dashboard:import", "dashboard:exports"):
        page = client.get(reverse(name, args=[program.slug])).content.decode()
        assert page.count("sensitive=1") == 2, name


@pytest.fixture
def paired(program):
    mentee = ProfileFactory(program=program, display_name='=HYPERLINK("http://evil")')
    mentor = MentorFactory(program=program)
    mentee.background.set(tags("heritage", "korean"))
    Mentorship.objects.create(program=program, mentee=mentee, mentor=mentor, status="active")
    return mentee, mentor


def test_exports_escape_formulas_and_leave_out_background(client, staff, program, paired):
    response = client.get(reverse("dashboard:export", args=[program.slug, "matches"]))
    body = response.content.decode("utf-8-sig")
    assert response["Content-Type"].startswith("text/csv")
    assert "'=HYPERLINK" in body and ",=HYPERLINK" not in body
    assert "Korean" not in body


def test_background_in_exports_needs_the_permission(client, staff, program, paired):
    url = reverse("dashboard:export", args=[program.slug, "matches"]) + "?sensitive=1"
    assert client.get(url).status_code == 403
    login(client, coordinator(program))
    assert client.get(url).status_code == 403
    assert not SensitiveAccess.objects.exists()
    ProgramRole.objects.filter(user=staff).update(may_read_background=True)
    login(client, staff)
    assert "Korean" in client.get(url).content.decode("utf-8-sig")
    assert SensitiveAccess.objects.get().program == program


def test_an_unknown_export_is_404(client, staff, program):
    assert client.get(f"/programs/{program.slug}/export/passwords.csv").status_code == 404
