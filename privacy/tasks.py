from celery import shared_task

from config.celery import RETRY

from . import services


@shared_task(soft_time_limit=120, time_limit=150, **RETRY)
def prepare_export(export_id: int) -> None:
    services.prepare(export_id=export_id)


@shared_task(**RETRY)
def forget_old_exports() -> int:
    return services.forget_old_exports()
