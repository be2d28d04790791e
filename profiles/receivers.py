from allauth.account.signals import user_signed_up
from django.dispatch import receiver

from . import emails


@receiver(user_signed_up, dispatch_uid="profiles.welcome_email")
def queue_welcome_email(sender, request, user, **kwargs) -> None:
    emails.welcome.delay_on_commit(user.pk)
