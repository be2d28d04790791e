from celery import shared_task

from . import emails, invitations


@shared_task(acks_late=True, autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def send_welcome_email(user_id: int) -> None:
    emails.send_welcome(user_id=user_id)


@shared_task(acks_late=True, autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def send_invitation_email(user_id: int, program_id: int) -> None:
    invitations.send_invitation(user_id=user_id, program_id=program_id)
