"""Refusals of the profiles app's services, said in words a person can act on."""


class RegistrationClosed(Exception):
    """Joining a program whose registration is closed: the message says when it opens."""
