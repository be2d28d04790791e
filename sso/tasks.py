"""The organisations' periodic work (docs/sso.md)."""

from celery import shared_task

from config.celery import RETRY

from . import retention


@shared_task(**RETRY)
def delete_expired_members() -> int:
    """Hourly (config/settings.py): whoever is due is deleted; a retry, a second
    run or two workers at once delete each person once."""
    return retention.delete_due()
