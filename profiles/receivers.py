from allauth.account.signals import user_signed_up
from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from . import emails, zones
from .models import Profile


@receiver(user_signed_up, dispatch_uid="profiles.welcome_email")
def queue_welcome_email(sender, request, user, **kwargs) -> None:
    emails.welcome.delay_on_commit(user.pk)


@receiver(post_save, sender=Profile, dispatch_uid="profiles.forget_zone_on_save")
@receiver(post_delete, sender=Profile, dispatch_uid="profiles.forget_zone_on_delete")
def forget_zone(sender, instance: Profile, **kwargs) -> None:
    """Their pages follow a changed time zone at once: forgotten now, and again
    once the change commits, as a page read meanwhile would cache the old zone."""
    zones.forget(instance.user_id)
    transaction.on_commit(lambda: zones.forget(instance.user_id))
