from django.dispatch import Signal

# Sent inside the transaction that deactivated a person for their organisation's
# directory (sso/deactivation.py), with ``user_id``. Whatever grants access
# apart from a session ends it: api revokes the person's tokens. sso never
# imports api.
member_deactivated = Signal()
