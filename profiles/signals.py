from django.dispatch import Signal

# Sent inside the transaction that changed a profile's answers, with
# ``profile_id`` and ``program_id``. Matching listens and re-scores on commit;
# profiles never imports matching.
profile_changed = Signal()

# Sent inside the transaction that withdrew consent to some background answers
# (and deleted them), with ``user_id`` and ``profile_id``. Whatever holds a copy
# of those answers drops it: privacy deletes prepared data exports.
consent_withdrawn = Signal()

# Sent once a cycle's move to another state has committed (by the clock or by an
# admin's hand; profiles/cycles.py), with ``cycle``, ``from_state``, ``to_state``
# and ``by`` (the admin, or None for the clock). A clock that was down may move a
# cycle on by more than one state in one move: ``cycles.passed(from_state,
# to_state, state)`` says whether it went through ``state``. Receivers are called
# robustly (a failure is logged, the move stands). Profiles itself invites the
# previous cycle's people back when registration opens (profiles/reenrolment.py).
cycle_moved = Signal()

# Sent inside the transaction in which a person takes part in a cycle again
# (profiles/reenrolment.py), with ``profile`` and ``cycle``. Mentorships starts
# the pairs both sides agreed to go on with once both take part.
took_part_again = Signal()

# Sent while a person's "take part again" page is put together, with ``profile``,
# ``cycle`` and ``request``. A receiver returns HTML to show on it, or None:
# mentorships adds "same mentee again" this way.
take_part_page = Signal()

# Sent by ``seed_demo`` once the demo program's people and rounds exist, with
# ``program``, ``people`` (the generated profiles, never the demo logins),
# ``cycles`` (the program's closed rounds, oldest first) and ``seed``. Matching
# makes the closed rounds' past mentorships and what came of them, from the
# seed (matching/demo.py), once; a receiver returns a line to print, or None.
demo_seeded = Signal()
