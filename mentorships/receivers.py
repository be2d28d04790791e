from django.db.models.signals import pre_delete
from django.dispatch import receiver

from profiles.models import Profile
from profiles.signals import profile_changed

from . import lifecycle


@receiver(pre_delete, sender=Profile, dispatch_uid="mentorships.depart")
def depart(sender, instance: Profile, **kwargs) -> None:
    # Before the row goes, in the deletion's transaction: a profile deleted on
    # its own, with its account, or in bulk (every deletion sends this) leaves
    # nothing open behind it.
    lifecycle.depart(profile=instance)


@receiver(profile_changed, dispatch_uid="mentorships.tell_of_a_pause")
def tell_of_a_pause(sender, profile_id: int, **kwargs) -> None:
    # A pause saved with the questionnaire, not only on the availability page:
    # the mentees waiting on that mentor hear of it all the same.
    lifecycle.tell_waiting_of_pause(mentor_id=profile_id)
