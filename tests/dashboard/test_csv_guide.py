"""The CSV page's column guide and template, made from the importer's own
columns: the guide names every column the import reads, and the template,
imported as it is, passes the check."""

import csv
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from dashboard import csv_guide
from dashboard.models import ImportJob
from profiles import imports
from profiles.models import Profile

pytestmark = pytest.mark.django_db


def download(staff_client, program):
    return staff_client.get(reverse("dashboard:csv_template", args=[program.slug]))


def test_the_template_is_a_csv_download(staff_client, program):
    response = download(staff_client, program)
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == (
        f'attachment; filename="{program.slug}-participants-template.csv"'
    )


def test_the_template_is_the_header_and_one_example_row_of_the_importer_s_columns(
    staff_client, program
):
    text = download(staff_client, program).content.decode("utf-8-sig")
    header, *rows = list(csv.reader(io.StringIO(text)))
    assert tuple(header) == imports.COLUMNS
    assert len(rows) == 1
    assert dict(zip(header, rows[0], strict=True))["email"] == "ji-woo.park@example.org"


def test_the_template_as_downloaded_passes_the_check(staff_client, program):
    checked = imports.preview(download(staff_client, program).content, program)
    assert checked.ok, checked.issues
    assert (checked.mentors, checked.mentees, checked.new_users) == (0, 1, 1)


def test_the_template_uploaded_on_the_import_page_is_clean(
    staff_client, program, django_capture_on_commit_callbacks
):
    content = download(staff_client, program).content
    with django_capture_on_commit_callbacks(execute=True):
        staff_client.post(
            reverse("dashboard:import", args=[program.slug]),
            {"file": SimpleUploadedFile(csv_guide.template_name(program), content)},
        )
    job = ImportJob.objects.get()
    assert job.status == "checked" and job.report["ok"]
    assert not Profile.objects.filter(program=program).exists()  # checked, not imported


def test_the_guide_describes_every_column_the_import_reads(staff_client, program):
    response = staff_client.get(reverse("dashboard:csv_guide", args=[program.slug]))
    assert response.status_code == 200
    page = response.content.decode()
    described = [c.name for c in response.context["columns"]]
    assert tuple(described) == imports.COLUMNS
    for name in imports.COLUMNS:
        assert f"<dt><code>{name}</code>" in page


def test_the_guide_marks_exactly_the_required_columns(staff_client, program):
    columns = staff_client.get(reverse("dashboard:csv_guide", args=[program.slug])).context[
        "columns"
    ]
    assert {c.name for c in columns if c.required == "yes"} == set(imports.REQUIRED_COLUMNS)


def test_the_guide_lists_the_tags_a_tag_column_takes(staff_client, program):
    columns = {
        c.name: c
        for c in staff_client.get(reverse("dashboard:csv_guide", args=[program.slug])).context[
            "columns"
        ]
    }
    assert "Networking" in columns["goals"].takes
    assert "English" in columns["languages"].takes
    assert columns["email"].takes == []


def test_the_import_page_links_to_the_guide_and_the_template(staff_client, program):
    page = staff_client.get(reverse("dashboard:import", args=[program.slug])).content.decode()
    guide = reverse("dashboard:csv_guide", args=[program.slug])
    template = reverse("dashboard:csv_template", args=[program.slug])
    assert f'<a href="{guide}">See the column guide</a>' in page
    assert f'<a href="{template}" download>Download a template (CSV)</a>' in page


@pytest.mark.parametrize(
    ("status", "report"),
    [
        ("imported", {"ok": True, "mentors": 1, "mentees": 1, "new_users": 2, "people": []}),
        ("checked", {"ok": False, "issues": [[2, "role", "unknown role"]], "people": []}),
        ("failed", {}),
    ],
)
def test_a_finished_import_offers_another_upload(staff_client, program, status, report):
    job = ImportJob.objects.create(program=program, filename="people.csv", status=status)
    job.report = report
    job.save()
    page = staff_client.get(reverse("dashboard:import_job", args=[program.slug, job.pk]))
    upload = reverse("dashboard:import", args=[program.slug])
    assert f'href="{upload}#import-heading">Upload another file</a>' in page.content.decode()


def test_a_clean_file_waiting_to_be_imported_offers_no_other_upload(staff_client, program):
    job = ImportJob.objects.create(
        program=program,
        filename="people.csv",
        status="checked",
        report={"ok": True, "mentors": 1, "mentees": 0, "new_users": 1, "people": []},
    )
    page = staff_client.get(reverse("dashboard:import_job", args=[program.slug, job.pk]))
    assert "Upload another file" not in page.content.decode()


def test_another_program_s_guide_is_not_found(staff_client):
    assert staff_client.get("/programs/no-such-program/import/guide/").status_code == 404
    assert staff_client.get("/programs/no-such-program/import/template.csv").status_code == 404
