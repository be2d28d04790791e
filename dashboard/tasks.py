from celery import shared_task

from config.celery import Task
from matching.tasks import RETRY

from . import imports


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
