from django.dispatch import receiver

from profiles.signals import consent_withdrawn

from .models import DataExport


@receiver(consent_withdrawn, dispatch_uid="privacy.discard_exports_holding_withdrawn_answers")
def discard_exports(sender, user_id: int, **kwargs) -> None:
    # A download prepared before the withdrawal holds the answers it deleted.
    DataExport.objects.filter(user_id=user_id).delete()
