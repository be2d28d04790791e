from enum import StrEnum

from django.dispatch import Signal


class Event(StrEnum):
    """What just happened to a mentorship, as ``mentorship_changed`` tells it."""

    REQUESTED = "requested"  # a mentee asked a mentor
    WITHDRAWN = "withdrawn"  # the mentee withdrew their request
    SUPERSEDED = "superseded"  # a waiting request closed: its mentee was paired elsewhere
    ACCEPTED = "accepted"  # the mentor said yes
    MATCHED = "matched"  # an admin or an auto-assignment paired them
    DECLINED = "declined"  # by the mentor, or for want of room
    EXPIRED = "expired"  # unanswered for 14 days
    ENDED = "ended"  # a mentorship under way ended
    LEFT = "left"  # one side left Kindred: their request or mentorship closed


# Sent inside the transaction of every lifecycle transition, with
# ``mentorship`` (the row as saved), ``event`` (an ``Event``) and ``refresh``
# (False when the caller re-scores the whole program itself afterwards).
# Matching listens: it keeps the pair's suggestion in step and re-ranks the
# lists the two people are in once the transaction commits. Mentorships never
# imports matching.
mentorship_changed = Signal()

# Sent while a mentorship page is put together, with ``mentorship`` and
# ``viewer`` (the viewer's profile, one of its two sides). A receiver returns
# HTML to show beside the pair's details, or None: matching explains the
# pair's score this way, as pretix's ``order_info`` lets plugins add to a page.
mentorship_page = Signal()
