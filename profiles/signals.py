from django.dispatch import Signal

# Sent inside the transaction that changed a profile's answers, with
# ``profile_id`` and ``program_id``. Matching listens and re-scores on commit;
# profiles never imports matching.
profile_changed = Signal()
