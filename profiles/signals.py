from django.dispatch import Signal

# Sent inside the transaction that changed a profile's answers, with
# ``profile_id`` and ``program_id``. Matching listens and re-scores on commit;
# profiles never imports matching.
profile_changed = Signal()

# Sent inside the transaction that withdrew consent to some background answers
# (and deleted them), with ``user_id`` and ``profile_id``. Whatever holds a copy
# of those answers drops it: privacy deletes prepared data exports.
consent_withdrawn = Signal()
