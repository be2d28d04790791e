from django.db.models.signals import post_save
from django.dispatch import receiver
from django.utils import timezone

from profiles.models import User
from sso.signals import member_deactivated

from .models import Token


@receiver(post_save, sender=User, dispatch_uid="api.revoke_tokens_on_new_password")
def revoke_tokens_on_new_password(sender, instance: User, **kwargs) -> None:
    """A new password, however it was set (changed, reset, by an admin), revokes
    every token: whoever took the old one loses it too. ``_password`` holds the
    new raw password until the save ends; Django clears it for a mere rehash."""
    if getattr(instance, "_password", None) is not None:
        _revoke_all(instance.pk)


@receiver(member_deactivated, dispatch_uid="api.revoke_tokens_on_deactivation")
def revoke_tokens_on_deactivation(sender, user_id: int, **kwargs) -> None:
    """The person's organisation switched them off: their tokens go with their sessions."""
    _revoke_all(user_id)


def _revoke_all(user_id: int) -> None:
    Token.objects.filter(user_id=user_id, revoked_at__isnull=True).update(revoked_at=timezone.now())
