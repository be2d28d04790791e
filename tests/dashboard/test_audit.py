"""Bulk and destructive actions ask first, saying what will happen, and each one done
goes on the program's audit log (pages and the staff API alike), which admins read
on the audit page."""

from datetime import timedelta
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from dashboard.models import ImportJob
from matching import assigning
from matching.models import AssignmentPair, MatchingRun
from mentorships.models import Mentorship
from profiles.models import AuditEntry, Profile
from tests.api.conftest import bearer, call
from tests.conftest import login
from tests.dashboard.helpers import proposal
from tests.dashboard.test_views import settings_data
from tests.factories import ProfileFactory, ProgramFactory, UserFactory, coordinator, program_admin

pytestmark = pytest.mark.django_db

GOOD = (Path(__file__).resolve().parent.parent / "fixtures" / "participants.csv").read_bytes()
YES = {"confirm": "yes"}


@pytest.fixture
def admin(program):
    return program_admin(program, email="admin@example.org")


@pytest.fixture
def staff(client, admin):
    return login(client, admin)


def run_url(run, what="run") -> str:
    return reverse(f"dashboard:{what}", args=[run.program.slug, run.pk])


def entries(action: str):
    return AuditEntry.objects.filter(action=action)


# --- asking first ---------------------------------------------------------------------------------


def test_a_rescore_asks_first_and_a_post_without_yes_changes_nothing(staff, program, cohort):
    answer = staff.post(reverse("dashboard:rescore", args=[program.slug]))
    assert answer.status_code == 200
    page = answer.content.decode()
    assert "Re-score" in page and "all 6 ready mentees" in page and "3 ready mentors" in page
    assert 'name="confirm" value="yes"' in page and "Yes, re-score 6 mentees" in page
    assert not MatchingRun.objects.exists() and not AuditEntry.objects.exists()


def test_a_commit_asks_first_with_the_mentorships_and_emails_it_makes(staff, program, cohort):
    run = proposal(program)
    assigning.remove_pair(pair=AssignmentPair.objects.filter(run=run).first(), user=None)
    answer = staff.post(run_url(run, "commit"))
    assert answer.status_code == 200
    page = answer.content.decode()
    assert "Yes, create 5 mentorships and send 10 emails" in page
    assert "5 mentorships are created" in page and "10 emails" in page
    assert "Left out: 1 pair removed by hand. That mentee stays waiting." in page
    run.refresh_from_db()
    assert assigning.COMMIT_REQUESTED not in run.summary and run.committed_at is None
    assert not Mentorship.objects.exists()


def test_discarding_asks_first(staff, program, cohort):
    run = proposal(program)
    answer = staff.post(run_url(run, "discard"))
    assert answer.status_code == 200 and "Yes, discard the proposal" in answer.content.decode()
    assert MatchingRun.objects.get(pk=run.pk).discarded_at is None
    staff.post(run_url(run, "discard"), YES)
    assert MatchingRun.objects.get(pk=run.pk).discarded_at is not None


def test_a_settled_proposal_is_not_asked_about_again(staff, program, cohort):
    run = proposal(program)
    assigning.commit(run=run, user=None)
    for what in ("commit", "discard"):
        answer = staff.post(run_url(run, what))
        assert answer.status_code == 302, what
    assert "already committed or discarded" in staff.get(run_url(run)).content.decode()


def checked_import(client, program, django_capture_on_commit_callbacks) -> ImportJob:
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("dashboard:import", args=[program.slug]),
            {"file": SimpleUploadedFile("people.csv", GOOD)},
        )
    return ImportJob.objects.get()


def test_an_import_asks_first_with_whom_it_creates_and_invites(
    staff, program, django_capture_on_commit_callbacks
):
    job = checked_import(staff, program, django_capture_on_commit_callbacks)
    url = reverse("dashboard:confirm_import", args=[program.slug, job.pk])
    page = staff.post(url, {"invite": "on"}).content.decode()
    assert "4 profiles are created" in page and "2 mentors and 2 mentees" in page
    assert "4 new accounts are made" in page and "4 invitations are emailed" in page
    assert "Yes, import 4 people and send 4 invitations" in page
    assert '<input type="hidden" name="invite" value="on">' in page
    quiet = staff.post(url, {}).content.decode()
    assert "No invitation is emailed" in quiet and "Yes, import 4 people<" in quiet
    assert ImportJob.objects.get().status == "checked"
    assert not Profile.objects.filter(program=program).exists()


# --- on the record --------------------------------------------------------------------------------


def test_a_rescore_is_recorded_with_who_started_it(staff, admin, program, cohort):
    staff.post(reverse("dashboard:rescore", args=[program.slug]), YES)
    entry = entries("rescore").get()
    run = MatchingRun.objects.get(kind="score")
    assert entry.actor == admin and entry.program == program
    assert entry.summary == f"Re-score #{run.pk} started: 6 mentees against 3 mentors."


def test_a_commit_is_recorded_once_done_and_so_is_the_rescore_after_it(
    staff, admin, program, cohort, django_capture_on_commit_callbacks
):
    run = proposal(program)
    assigning.remove_pair(pair=AssignmentPair.objects.filter(run=run).first(), user=admin)
    with django_capture_on_commit_callbacks(execute=True):
        staff.post(run_url(run, "commit"), YES)
    entry = entries("assign_commit").get()
    assert entry.actor == admin
    assert entry.summary == (
        f"Auto-assignment #{run.pk} committed: 5 mentorships created, 0 skipped, "
        "1 pair removed before the commit."
    )
    assert entry.details == {"run": run.pk, "created": 5, "skipped": 0, "removed": 1}
    after = entries("rescore").get()
    assert after.actor == admin and after.reason == f"After auto-assignment #{run.pk} was committed"


def test_a_commit_that_fails_is_not_recorded(program, cohort, monkeypatch):
    run = proposal(program)
    monkeypatch.setattr(assigning.lifecycle, "lock_for_pairing", _broken)
    with pytest.raises(RuntimeError):
        assigning.commit(run=run, user=None)
    assert not AuditEntry.objects.exists()


def _broken(**kwargs):
    raise RuntimeError("the database went away")


def test_a_discard_is_recorded(staff, admin, program, cohort):
    run = proposal(program)
    staff.post(run_url(run, "discard"), YES)
    entry = entries("assign_discard").get()
    assert entry.actor == admin
    assert (
        entry.summary == f"Auto-assignment #{run.pk} discarded: 6 proposed pairs, nothing changed."
    )


def test_an_import_is_recorded_once_done_as_whoever_confirmed_it(
    client, program, django_capture_on_commit_callbacks
):
    uploader, confirmer = program_admin(program), program_admin(program)
    job = checked_import(login(client, uploader), program, django_capture_on_commit_callbacks)
    url = reverse("dashboard:confirm_import", args=[program.slug, job.pk])
    with django_capture_on_commit_callbacks(execute=True):
        login(client, confirmer).post(url, {"invite": "on", **YES})
    assert ImportJob.objects.get().status == "imported"
    entry = entries("import").get()
    assert entry.actor == confirmer and entry.program == program
    assert entry.summary == "people.csv: 4 people imported (4 new accounts), 4 invitations sent."
    assert entry.details["job"] == job.pk and entry.details["invited"] == 4


def test_saved_settings_are_recorded_by_name_not_value(staff, admin, program):
    url = reverse("dashboard:settings", args=[program.slug])
    staff.post(url, settings_data(program, weight_values="35", min_score="40"))
    entry = entries("settings").get()
    assert entry.actor == admin
    assert entry.details == {"fields": ["min_score", "weight_values"]}
    assert entry.summary == "Settings changed: minimum score to suggest, weight of shared values."
    assert "35" not in entry.summary and "40" not in entry.summary
    staff.post(url, settings_data(program, weight_values="35", min_score="40"))  # no change
    staff.post(url, settings_data(program, min_score="500"))  # refused
    assert entries("settings").count() == 1


def test_the_staff_api_records_the_same_actions_as_its_caller(
    admin, program, cohort, django_capture_on_commit_callbacks
):
    api = bearer(admin)
    base = f"/admin/programs/{program.slug}"
    with django_capture_on_commit_callbacks(execute=True):
        assert call(api, "post", f"{base}/rescore/").status_code == 202
        kept = call(api, "post", f"{base}/assign/", {"policy": "optimal"}).json()["id"]
    with django_capture_on_commit_callbacks(execute=True):
        assert call(api, "post", f"{base}/runs/{kept}/commit/").status_code == 202
    other = proposal(program)
    assert call(api, "post", f"{base}/runs/{other.pk}/discard/").status_code == 204
    recorded = list(AuditEntry.objects.order_by("pk").values_list("action", "actor"))
    assert recorded == [
        ("rescore", admin.pk),
        ("assign_commit", admin.pk),
        ("rescore", admin.pk),  # the re-score the commit starts
        ("assign_discard", admin.pk),
    ]


# --- the audit page -------------------------------------------------------------------------------


def record(program, actor, action="rescore", summary="Re-score #1 started.", **kwargs):
    return AuditEntry.record(program=program, actor=actor, action=action, summary=summary, **kwargs)


def audit(client, program, query=""):
    return client.get(reverse("dashboard:audit", args=[program.slug]) + query)


def test_the_audit_page_shows_when_who_what_and_why_newest_first(staff, admin, program):
    first = record(program, admin, summary="First thing.")
    AuditEntry.objects.filter(pk=first.pk).update(at=timezone.now() - timedelta(days=1))
    record(program, None, "assign_commit", "Second thing.", reason="The cohort starts Monday")
    page = audit(staff, program).content.decode()
    assert page.index("Second thing.") < page.index("First thing.")
    assert "Kindred itself" in page and "admin@example.org" in page
    assert "Auto-assignment committed" in page and "The cohort starts Monday" in page
    assert "2 entries, newest first" in page


def test_the_audit_page_filters_by_action_and_by_who(staff, admin, program):
    other = program_admin(program, email="other@example.org")
    record(program, admin, "rescore", "Admin re-scored.")
    record(program, other, "settings", "Other changed settings.")
    record(program, None, "rescore", "The worker re-scored.")
    by_action = audit(staff, program, "?action=settings").content.decode()
    assert "Other changed settings." in by_action and "re-scored" not in by_action
    by_who = audit(staff, program, f"?who={admin.pk}").content.decode()
    assert "Admin re-scored." in by_who and "Other changed" not in by_who
    nobody = audit(staff, program, "?who=system&action=rescore").content.decode()
    assert "The worker re-scored." in nobody and "Admin re-scored." not in nobody
    assert "1 entry matching the filters" in nobody


def test_filters_not_understood_are_left_out_with_a_word(staff, admin, program):
    record(program, admin)
    answer = audit(staff, program, "?action=explode&who=999999&page=abc")
    assert answer.status_code == 200
    page = answer.content.decode()
    assert "Not understood, so left out: What, Who" in page and "Re-score #1 started." in page


def test_the_audit_page_is_paginated_and_keeps_its_filters(staff, admin, program):
    for i in range(55):
        record(program, admin, summary=f"Entry {i}.")
    record(program, admin, "settings", "Not a re-score.")
    first = audit(staff, program, "?action=rescore").content.decode()
    assert "55 entries matching the filters" in first and "Entry 54." in first
    assert "Entry 4." not in first and "Page 1 of 2" in first
    assert "?action=rescore&amp;page=2" in first
    second = audit(staff, program, "?action=rescore&page=2").content.decode()
    assert "Entry 4." in second and "Entry 54." not in second and "Not a re-score." not in second


def test_another_programs_entries_are_never_shown(staff, admin, program):
    elsewhere = ProgramFactory()
    record(elsewhere, admin, summary="Elsewhere.")
    record(None, admin, summary="No program.")
    page = audit(staff, program).content.decode()
    assert "Elsewhere." not in page and "No program." not in page
    assert "Nothing has been recorded yet" in page


def test_the_audit_page_is_for_those_who_run_the_program(client, program):
    url = reverse("dashboard:audit", args=[program.slug])
    assert client.get(url).status_code == 302
    login(client, ProfileFactory(program=program).user)
    assert client.get(url).status_code == 404
    login(client, UserFactory(is_staff=True))
    assert client.get(url).status_code == 404
    login(client, coordinator(program))
    assert client.get(url).status_code == 200
    assert client.get(reverse("dashboard:audit", args=["no-such-program"])).status_code == 404


def test_the_dashboard_links_to_the_audit_page(staff, program):
    page = staff.get(reverse("dashboard:program", args=[program.slug])).content.decode()
    assert f'href="{reverse("dashboard:audit", args=[program.slug])}"' in page


def test_putting_a_pair_back_reads_as_such_on_the_audit_page(staff, admin, program):
    details = {"run": 1, "removed": False}
    record(
        program,
        admin,
        "proposal_edit",
        "Ana and Bo put back into auto-assignment #1.",
        details=details,
    )
    page = audit(staff, program).content.decode()
    assert '<span class="audit-action">Pair put back into a proposal</span>' in page
