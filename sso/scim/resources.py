"""Kindred's members as SCIM resources, and what the service says about itself.
scim2-models validates and serialises; this module maps its User onto a member."""

from __future__ import annotations

from scim2_models import (
    AuthenticationScheme,
    Bulk,
    ChangePassword,
    Context,
    Email,
    EnterpriseUser,
    ETag,
    Filter,
    Meta,
    Name,
    Patch,
    ResourceType,
    ScimPolicy,
    ScimProvider,
    ServiceProviderConfig,
    Sort,
    User,
)

from ..members import Person
from ..models import Member

# The enterprise extension is accepted (Entra ID sends its attributes by
# default) and not kept: Kindred stores the address, the name and whether the
# person is active.
ScimUser = User[EnterpriseUser]
MAX_RESULTS = 200

# Entra ID's ways are tolerated where they cannot be read two ways: a remove
# naming what to remove in its value, and a path filter that matches no entry
# yet (``emails[type eq "work"].value``) creating it. Unknown attributes and
# schema URNs are still refused.
POLICY = ScimPolicy(
    remove_value_as_filter=ScimPolicy.RemoveValue.apply,
    unmatched_path_filter=ScimPolicy.UnmatchedPathFilter.create,
)

PROVIDER = ScimProvider(
    models=[User, EnterpriseUser],
    resource_types=[ResourceType.from_resource(ScimUser)],
    policy=POLICY,
    config=ServiceProviderConfig(
        documentation_uri=None,
        patch=Patch(supported=True),
        bulk=Bulk(supported=False, max_operations=0, max_payload_size=0),
        filter=Filter(supported=True, max_results=MAX_RESULTS),
        change_password=ChangePassword(supported=False),
        sort=Sort(supported=False),
        etag=ETag(supported=False),
        authentication_schemes=[
            AuthenticationScheme(
                type="oauthbearertoken",
                name="Bearer token",
                description="A token made for the organisation in Kindred's admin.",
                primary=True,
            )
        ],
    ),
)


def resource(member: Member, *, location: str) -> ScimUser:
    user = member.user
    return ScimUser(
        id=str(member.scim_id),
        external_id=member.external_id or None,
        user_name=user.email,
        name=Name(
            given_name=user.first_name or None,
            family_name=user.last_name or None,
            formatted=user.get_full_name() or None,
        ),
        display_name=user.get_full_name() or None,
        emails=[Email(value=user.email, primary=True, type=Email.Type.work)],
        active=member.active,
        meta=Meta(
            resource_type="User",
            created=member.created_at,
            last_modified=member.updated_at,
            location=location,
        ),
    )


def person(user: ScimUser, *, active: bool = True) -> Person:
    """What a User the directory sent says about the person; ``active`` when
    the User leaves it out."""
    name = user.name or Name()
    return Person(
        email=(user.user_name or "").strip(),
        given_name=name.given_name or "",
        family_name=name.family_name or "",
        external_id=user.external_id or "",
        active=active if user.active is None else user.active,
    )


MANAGER = f"{EnterpriseUser.__schema__}:manager".casefold()


def tolerated(patch: object) -> object:
    """A PATCH body as scim2-models reads it. Entra ID sends the enterprise
    manager as a bare id ("value": "<id>") where the schema has an object
    ({"value": "<id>"}); nothing else is rewritten."""
    operations = patch.get("Operations") if isinstance(patch, dict) else None
    for operation in operations if isinstance(operations, list) else []:
        if (
            isinstance(operation, dict)
            and str(operation.get("path", "")).casefold() == MANAGER
            and isinstance(operation.get("value"), str)
        ):
            operation["value"] = {"value": operation["value"]}
    return patch


def dump(obj, *, ctx: Context = Context.RESOURCE_QUERY_RESPONSE) -> dict:
    return obj.model_dump(mode="json", scim_ctx=ctx, scim_provider=PROVIDER)
