"""What the lifecycle refuses. Each interface turns these into a message for
the person (pages), a 409 (the API) or a skipped pair (auto-assignment), in
one place each."""

from django.utils.translation import gettext


class Refused(Exception):
    """The rules do not allow this; the message says why, for the person."""


class MentorFull(Refused):
    """The mentor has no room left."""


class ReasonNeeded(Refused):
    """An admin's match sets rules aside and needs a stated reason."""

    def __init__(self, breaks: list) -> None:
        self.breaks = breaks  # lifecycle.SetAside: a code, and words for the admin
        super().__init__(
            gettext("This match sets aside: %(rules)s. Say why.")
            % {"rules": "; ".join(map(str, breaks))}
        )


class Invalid(Exception):
    """Input the rules cannot take (a goal not on the profile, a note too long):
    ``errors`` names each problem by field, as a form's errors do. Pages show them
    on the form; the API answers 400 with them (api/errors.py)."""

    def __init__(self, errors: dict[str, list[str]]) -> None:
        self.errors = errors
        super().__init__(" ".join(str(message) for found in errors.values() for message in found))
