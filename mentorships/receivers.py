from django.db.models.signals import pre_delete
from django.dispatch import receiver

from profiles.models import Profile

from . import lifecycle


@receiver(pre_delete, sender=Profile, dispatch_uid="mentorships.depart")
def depart(sender, instance: Profile, **kwargs) -> None:
    # Before the row goes, in the deletion's transaction: a profile deleted on
    # its own, with its account, or in bulk (every deletion sends this) leaves
    # nothing open behind it.
    lifecycle.depart(profile=instance)
