"""Refusals of the profiles app's services, said in words a person can act on."""


class RegistrationClosed(Exception):
    """Joining a program whose registration is closed: the message says when it opens."""


class RoleRefused(Exception):
    """A program role that cannot be granted, changed or removed as asked (profiles/roles.py)."""


class CycleMoveRefused(Exception):
    """A cycle that cannot be moved to the state asked (profiles/cycles.py ``move``)."""
