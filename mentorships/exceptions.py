"""What the lifecycle refuses. Each interface turns these into a message for
the person (pages), a 409 (the API) or a skipped pair (auto-assignment), in
one place each."""


class Refused(Exception):
    """The rules do not allow this; the message says why, for the person."""


class MentorFull(Refused):
    """The mentor has no room left."""


class ReasonNeeded(Refused):
    """An admin's match sets rules aside and needs a stated reason."""

    def __init__(self, breaks: list[str]) -> None:
        self.breaks = breaks
        super().__init__("This match sets aside: " + "; ".join(breaks) + ". Say why.")
