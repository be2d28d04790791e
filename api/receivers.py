from django.db.models.signals import post_save
from django.dispatch import receiver
from django.utils import timezone

from profiles.models import User

from .models import Token


@receiver(post_save, sender=User, dispatch_uid="api.revoke_tokens_on_new_password")
def revoke_tokens_on_new_password(sender, instance: User, **kwargs) -> None:
    """A new password, however it was set (changed, reset, by an admin), revokes
    every token: whoever took the old one loses it too. ``_password`` holds the
    new raw password until the save ends; Django clears it for a mere rehash."""
    if getattr(instance, "_password", None) is not None:
        Token.objects.filter(user=instance, revoked_at__isnull=True).update(
            revoked_at=timezone.now()
        )
