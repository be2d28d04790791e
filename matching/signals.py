from django.dispatch import Signal

# Sent with ``program_id`` when a re-score of the program has finished or an
# auto-assignment was committed, inside the transaction that recorded it. The
# dashboard listens and works its figures out once that commits; matching
# never imports the dashboard.
program_moved = Signal()
