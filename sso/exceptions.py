"""What an organisation's directory may not do; each interface words them
(the SCIM endpoint as its error format, sso/scim/errors.py)."""


class ProvisioningRefused(Exception):
    """The request names something Kindred will not do for this organisation."""


class NotAnAddress(ProvisioningRefused):
    """The user name is not an email address."""


class OutsideDomains(ProvisioningRefused):
    """The address is not in one of the organisation's email domains."""


class MemberElsewhere(ProvisioningRefused):
    """The account is already managed by another organisation's directory."""


class AlreadyMember(ProvisioningRefused):
    """The account, or the external id, is already one of this organisation's members."""


class NotManaged(ProvisioningRefused):
    """A superuser's account: no directory may switch Kindred's own operators off."""
