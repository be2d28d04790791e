"""SCIM 2.0 (RFC 7644) for an organisation's directory: discovery, and Users.
Groups are not served. Every member a view reaches is one of the calling
organisation's."""

from __future__ import annotations

from django.urls import reverse
from scim2_models import (
    Context,
    ListResponse,
    NotFoundException,
    PatchOp,
    ResourceType,
    Schema,
    SearchRequest,
)

from .. import members
from ..models import Member
from . import errors, filters
from .endpoint import body, endpoint
from .resources import MAX_RESULTS, PROVIDER, ScimUser, dump, person, resource, tolerated


@endpoint("GET")
def service_provider_config(request, organisation):
    return errors.respond(dump(PROVIDER.config))


@endpoint("GET")
def resource_types(request, organisation):
    return _listed(ResourceType, PROVIDER.resource_types)


@endpoint("GET")
def resource_type(request, organisation, name: str):
    return _one_of(PROVIDER.resource_types, name)


@endpoint("GET")
def schemas(request, organisation):
    return _listed(Schema, PROVIDER.schemas)


@endpoint("GET")
def schema(request, organisation, name: str):
    return _one_of(PROVIDER.schemas, name)


@endpoint("GET", "POST")
def users(request, organisation):
    if request.method == "POST":
        sent = ScimUser.model_validate(body(request), scim_ctx=Context.RESOURCE_CREATION_REQUEST)
        member = members.provision(organisation=organisation, person=person(sent))
        return _user(request, member, ctx=Context.RESOURCE_CREATION_RESPONSE, status=201)
    search = SearchRequest[ScimUser].model_validate(
        {k: request.GET[k] for k in ("filter", "startIndex", "count") if k in request.GET},
        scim_ctx=Context.SEARCH_REQUEST,
    )
    found = Member.objects.filter(organisation=organisation).select_related("user").order_by("pk")
    if search.filter is not None:
        found = found.filter(filters.to_q(search.filter))
    start = search.start_index_0 or 0
    count = MAX_RESULTS if search.count is None else min(search.count, MAX_RESULTS)
    page = list(found[start : start + count])
    listed = ListResponse[ScimUser](
        total_results=found.count(),
        start_index=start + 1,
        items_per_page=len(page),
        resources=[resource(m, location=_location(request, m)) for m in page],
    )
    return errors.respond(dump(listed, ctx=Context.SEARCH_RESPONSE))


@endpoint("GET", "PUT", "PATCH", "DELETE")
def user(request, organisation, scim_id):
    member = (
        Member.objects.select_related("user")
        .filter(organisation=organisation, scim_id=scim_id)
        .first()
    )
    if member is None:
        raise NotFoundException(detail=f"No user {scim_id} in this organisation's directory.")
    if request.method == "DELETE":
        members.remove(member=member)
        return errors.respond(None, status=204)
    if request.method == "PUT":
        sent = ScimUser.model_validate(body(request), scim_ctx=Context.RESOURCE_REPLACEMENT_REQUEST)
        member = members.update(member=member, person=person(sent, active=member.active))
        return _user(request, member, ctx=Context.RESOURCE_REPLACEMENT_RESPONSE)
    if request.method == "PATCH":
        patch = PatchOp[ScimUser].model_validate(
            tolerated(body(request)), scim_ctx=Context.RESOURCE_PATCH_REQUEST
        )
        current = resource(member, location="")
        patch.patch(current)
        member = members.update(member=member, person=person(current))
        return _user(request, member, ctx=Context.RESOURCE_PATCH_RESPONSE)
    return _user(request, member, ctx=Context.RESOURCE_QUERY_RESPONSE)


@endpoint("GET", "POST", "PUT", "PATCH", "DELETE")
def not_found(request, organisation, rest: str = ""):
    raise NotFoundException(detail="Kindred's SCIM service has no such endpoint (Users only).")


def _user(request, member: Member, *, ctx: Context, status: int = 200):
    location = _location(request, member)
    return errors.respond(
        dump(resource(member, location=location), ctx=ctx),
        status=status,
        headers={"Location": location},
    )


def _location(request, member: Member) -> str:
    return request.build_absolute_uri(reverse("scim:user", args=[member.scim_id]))


def _listed(model, items):
    listed = ListResponse[model](
        total_results=len(items), start_index=1, items_per_page=len(items), resources=list(items)
    )
    return errors.respond(dump(listed, ctx=Context.SEARCH_RESPONSE))


def _one_of(items, name: str):
    for item in items:
        if name.casefold() in {str(item.id).casefold(), str(getattr(item, "name", "")).casefold()}:
            return errors.respond(dump(item))
    raise NotFoundException(detail=f"No {name} here.")
