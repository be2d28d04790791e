from allauth.account.signals import user_signed_up
from django.dispatch import receiver

from .tasks import send_welcome_email


@receiver(user_signed_up, dispatch_uid="profiles.welcome_email")
def queue_welcome_email(sender, request, user, **kwargs) -> None:
    send_welcome_email.delay_on_commit(user.pk)
