from allauth.account.signals import email_confirmed
from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from . import emails, reenrolment, zones
from .models import Cycle, Profile
from .signals import cycle_moved


@receiver(email_confirmed, dispatch_uid="profiles.welcome_email")
def queue_welcome_email(sender, request, email_address, **kwargs) -> None:
    """Welcome a person once their address is confirmed, not at sign-up: an
    unconfirmed address may not be theirs. The outbox sends it once however
    often a link is opened or an address confirmed."""
    if email_address.primary:
        emails.welcome.delay_on_commit(email_address.user_id)


@receiver(post_save, sender=Profile, dispatch_uid="profiles.forget_zone_on_save")
@receiver(post_delete, sender=Profile, dispatch_uid="profiles.forget_zone_on_delete")
def forget_zone(sender, instance: Profile, **kwargs) -> None:
    """Their pages follow a changed time zone at once: forgotten now, and again
    once the change commits, as a page read meanwhile would cache the old zone."""
    zones.forget(instance.user_id)
    transaction.on_commit(lambda: zones.forget(instance.user_id))


@receiver(cycle_moved, dispatch_uid="profiles.invite_back")
def invite_back(sender, cycle: Cycle, from_state: str, to_state: str, **kwargs) -> None:
    """A new cycle's registration opened: the previous cycle's people are invited
    to take part again (each once, however often the move is announced)."""
    if to_state == Cycle.State.REGISTRATION:
        reenrolment.invite_back(cycle=cycle)
