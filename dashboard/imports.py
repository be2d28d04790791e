"""Import jobs: profiles/imports.py run by a worker, its report kept for the page."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone, translation

from profiles import imports, languages
from profiles.models import AuditEntry, User

from . import snapshots
from .models import ImportJob

# A checked file waits this long for the admin before its content is deleted.
KEEP_FOR = timezone.timedelta(hours=24)
# A report's list of people and problems (emails, names, values from the file)
# is kept this long after the job ends; its counts stay.
REPORT_KEPT_FOR = timezone.timedelta(days=30)
COUNTS = ("ok", "mentors", "mentees", "new_users", "existing_users", "invited", "invite")


def describe(summary: imports.ImportSummary) -> dict:
    return {
        "ok": summary.ok,
        "issues": [[i.line, i.column, i.message] for i in summary.issues],
        "mentors": summary.mentors,
        "mentees": summary.mentees,
        "new_users": summary.new_users,
        "existing_users": summary.existing_users,
        "people": [
            [p.line, p.email, p.role, p.display_name, p.is_new_user] for p in summary.people
        ],
    }


@transaction.atomic
def start(*, program, user, upload) -> ImportJob:
    from .tasks import check_import

    job = ImportJob.objects.create(
        program=program, created_by=user, filename=upload.name[:200], content=upload.read()
    )
    check_import.delay_on_commit(job.pk)
    return job


def check(*, job_id: int) -> None:
    job = (
        ImportJob.objects.select_related("program", "created_by")
        .filter(pk=job_id, status=ImportJob.Status.CHECKING)
        .first()
    )
    if job is None:
        return
    # The report's problems are kept in words: in the language of the admin who uploaded.
    with translation.override(languages.of(job.created_by)):
        preview = imports.preview(bytes(job.content), job.program)
    ImportJob.objects.filter(pk=job_id, status=ImportJob.Status.CHECKING).update(
        status=ImportJob.Status.CHECKED, report=describe(preview), finished_at=timezone.now()
    )


def is_ready(job: ImportJob) -> bool:
    """A checked file without problems, still waiting to be imported."""
    return (
        job.status == ImportJob.Status.CHECKED
        and job.report.get("ok", False)
        and job.content is not None
    )


def confirm(*, job: ImportJob, invite: bool, user: User | None = None) -> bool:
    """Queue the import of a clean, checked file; False if it is not one. The
    import goes on the audit log, as ``user``'s, once it is done."""
    from .tasks import run_import

    report = {**job.report, "invite": invite, "confirmed_by": user.pk if user else None}
    claimed = ImportJob.objects.filter(
        pk=job.pk, status=ImportJob.Status.CHECKED, report__ok=True, content__isnull=False
    ).update(status=ImportJob.Status.IMPORTING, report=report)
    if claimed:
        run_import.delay_on_commit(job.pk)
    return bool(claimed)


def run(*, job_id: int) -> None:
    job = (
        ImportJob.objects.select_related("program", "created_by")
        .filter(pk=job_id, status=ImportJob.Status.IMPORTING)
        .first()
    )
    if job is None:
        return
    with translation.override(languages.of(job.created_by)):
        preview = imports.preview(bytes(job.content), job.program)
    with transaction.atomic(), translation.override(languages.of(job.created_by)):
        result = imports.commit(preview, job.program, invite=job.report.get("invite", False))
        status = ImportJob.Status.IMPORTED if result.ok else ImportJob.Status.CHECKED
        report = {**describe(result), "invited": result.invited, "invite": job.report.get("invite")}
        ImportJob.objects.filter(pk=job_id).update(
            status=status,
            report=report,
            content=None if result.ok else job.content,
            finished_at=timezone.now(),
        )
        if result.ok:
            _record(job, report)
            snapshots.refresh_on_commit(job.program_id)


def _record(job: ImportJob, report: dict) -> None:
    people = report["mentors"] + report["mentees"]
    invited = report["invited"]
    AuditEntry.record(
        program=job.program,
        actor=User.objects.filter(pk=job.report.get("confirmed_by")).first(),
        action=AuditEntry.Action.IMPORT,
        summary=f"{job.filename}: {people} {'person' if people == 1 else 'people'} imported "
        f"({report['new_users']} new account{'s' if report['new_users'] != 1 else ''}), "
        f"{invited} invitation{'s' if invited != 1 else ''} sent.",
        details={"job": job.pk, **{k: report[k] for k in COUNTS if k in report}},
    )


def discard(*, job: ImportJob) -> bool:
    return bool(
        ImportJob.objects.filter(pk=job.pk)
        .exclude(status__in=[*ImportJob.WORKING, ImportJob.Status.IMPORTED])
        .update(status=ImportJob.Status.DISCARDED, content=None, finished_at=timezone.now())
    )


def fail(*, job_id: int) -> None:
    ImportJob.objects.filter(pk=job_id).update(
        status=ImportJob.Status.FAILED, content=None, finished_at=timezone.now()
    )


def forget_stale() -> int:
    """Delete files left waiting longer than KEEP_FOR, and the people and
    problems of reports older than REPORT_KEPT_FOR."""
    now = timezone.now()
    stale = ImportJob.objects.filter(content__isnull=False, created_at__lt=now - KEEP_FOR)
    forgotten = stale.update(content=None, status=ImportJob.Status.DISCARDED)
    old = ImportJob.objects.filter(finished_at__lt=now - REPORT_KEPT_FOR).exclude(
        report__has_key="expired"
    )
    for job in old.exclude(status__in=ImportJob.WORKING).only("pk", "report"):
        counts = {key: job.report[key] for key in COUNTS if key in job.report}
        ImportJob.objects.filter(pk=job.pk).update(report={**counts, "expired": True})
        forgotten += 1
    return forgotten


def forget_person(email: str) -> int:
    """Someone left Kindred: their line leaves every import report (their
    email, their name, and the problems found on their line)."""
    email = email.lower()
    scrubbed = 0
    for job in ImportJob.objects.filter(report__icontains=email).only("pk", "report"):
        people = job.report.get("people", [])
        lines = {p[0] for p in people if str(p[1]).lower() == email}
        if not lines:
            continue
        report = {
            **job.report,
            "people": [p for p in people if p[0] not in lines],
            "issues": [i for i in job.report.get("issues", []) if i[0] not in lines],
        }
        ImportJob.objects.filter(pk=job.pk).update(report=report)
        scrubbed += 1
    return scrubbed
