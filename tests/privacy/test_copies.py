"""Copies of a person's answers do not outlive their withdrawal or their
account (issue 14, item 6): prepared data downloads, and the reports of the
CSV imports that brought them in."""

from datetime import timedelta
from pathlib import Path

import pytest
from django.urls import reverse
from django.utils import timezone

from dashboard import imports
from dashboard.models import ImportJob
from privacy import services
from privacy.models import DataExport
from profiles import imports as csv_imports
from profiles.models import Profile, User
from profiles.services import set_background
from tests.conftest import login
from tests.factories import ProfileFactory, tags

pytestmark = pytest.mark.django_db

GOOD = (Path(__file__).resolve().parent.parent / "fixtures" / "participants.csv").read_bytes()


@pytest.fixture
def answered(program, django_capture_on_commit_callbacks):
    """A mentee with a heritage answer and a data download prepared."""
    person = ProfileFactory(program=program)
    set_background(
        profile=person,
        tags=tags("heritage", "korean"),
        note="Seoul, then Queens",
        visibility="matching",
        answered=["heritage"],
    )
    with django_capture_on_commit_callbacks(execute=True):
        services.request_export(user=person.user)
    assert "Seoul, then Queens" in DataExport.objects.get(user=person.user).content
    return person


def test_withdrawing_consent_discards_prepared_downloads(client, answered):
    login(client, answered.user)
    response = client.post(
        reverse("profiles:withdraw_consent", args=[answered.pk]), {"confirm": "yes"}, follow=True
    )
    assert not DataExport.objects.filter(user=answered.user).exists()
    assert "data downloads prepared before" in response.content.decode()


def test_unticking_a_category_discards_them_too(answered):
    set_background(profile=answered, tags=[], note="", visibility="matching", answered=[])
    assert not DataExport.objects.filter(user=answered.user).exists()


def test_a_change_that_withdraws_nothing_keeps_them(answered):
    set_background(
        profile=answered,
        tags=tags("heritage", "korean"),
        note="Seoul",
        visibility="matches",
        answered=["heritage"],
    )
    assert DataExport.objects.filter(user=answered.user).exists()


def test_deleting_the_account_deletes_its_downloads(answered):
    user = answered.user
    services.delete_account(user=user)
    assert not DataExport.objects.filter(user_id=user.pk).exists()


@pytest.fixture
def imported(program, django_capture_on_commit_callbacks):
    """The fixture file imported through the dashboard's job, as an admin does."""
    job = ImportJob.objects.create(program=program, filename="people.csv", content=GOOD)
    imports.check(job_id=job.pk)
    assert imports.confirm(job=ImportJob.objects.get(pk=job.pk), invite=False)
    with django_capture_on_commit_callbacks(execute=True):
        imports.run(job_id=job.pk)
    job.refresh_from_db()
    assert job.status == "imported"
    return job


def test_a_departed_person_leaves_the_import_reports(imported):
    preview = csv_imports.preview(GOOD, imported.program)
    leaving = preview.people[0].email
    kept = {p.email for p in preview.people[1:]}
    services.delete_account(user=User.objects.get(email=leaving))
    report = ImportJob.objects.get(pk=imported.pk).report
    emails = {p[1] for p in report["people"]}
    assert leaving not in emails and emails == kept
    assert leaving not in str(report)
    assert "Grace Lee" not in str(report)


def test_reports_forget_their_people_after_thirty_days(imported):
    ImportJob.objects.filter(pk=imported.pk).update(
        finished_at=timezone.now() - imports.REPORT_KEPT_FOR - timedelta(hours=1)
    )
    counts_before = {k: imported.report[k] for k in ("mentors", "mentees", "new_users")}
    for _ in range(2):  # the hourly clock, twice: the same result
        imports.forget_stale()
        report = ImportJob.objects.get(pk=imported.pk).report
        assert report["expired"] is True
        assert "people" not in report and "issues" not in report
        assert {k: report[k] for k in counts_before} == counts_before
    assert Profile.objects.filter(program=imported.program).exists()  # the people stay
