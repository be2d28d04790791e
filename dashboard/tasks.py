from celery import shared_task

from config.celery import RETRY, Task
from profiles.models import Program

from . import digest, emails, imports, snapshots


class ImportTask(Task):
    """An import job whose task finally fails says so, and drops its file."""

    def on_failure(self, exc, task_id, args, kwargs, einfo):
        imports.fail(job_id=args[0] if args else kwargs["job_id"])


@shared_task(base=ImportTask, soft_time_limit=900, time_limit=960, **RETRY)
def check_import(job_id: int) -> None:
    imports.check(job_id=job_id)


@shared_task(base=ImportTask, soft_time_limit=900, time_limit=960, **RETRY)
def run_import(job_id: int) -> None:
    imports.run(job_id=job_id)


@shared_task(**RETRY)
def forget_stale_imports() -> int:
    return imports.forget_stale()


class FiguresTask(Task):
    """A refresh that finally fails lets the next page view ask again."""

    def on_failure(self, exc, task_id, args, kwargs, einfo):
        snapshots.gave_up(*args)


@shared_task(base=FiguresTask)
def refresh_figures(program_id: int, page: str) -> None:
    """Work out and keep one dashboard page's figures (dashboard/snapshots.py)."""
    program = Program.objects.filter(pk=program_id).first()
    if program is None or page not in snapshots.PAGES:
        snapshots.gave_up(program_id, page)
        return
    snapshots.refresh(program, page)


@shared_task(**RETRY)
def queue_weekly_digests() -> int:
    """Hourly: from Monday 08:00 UTC, each admin's digest for the week, once."""
    week, admins = digest.due()
    for user_id in admins:
        emails.weekly_digest.delay_on_commit(user_id, week)
    return len(admins)
