"""A SCIM filter as a query on members: the comparisons Okta and Entra ID send,
and no others (an unsupported one is ``invalidFilter``, never ignored)."""

from __future__ import annotations

import uuid

from django.db.models import Q
from scim2_models import InvalidFilterException
from scim2_models.path import (
    CompareOperator,
    Comparison,
    FilterVisitor,
    LogicalExpr,
    LogicalOperator,
    Not,
    Present,
    ValuePath,
)

SUPPORTED = (
    'Kindred filters on userName, externalId, emails.value (or emails[value eq "…"]), '
    "id and active, compared with eq, joined by and/or."
)
# Attribute names are case-insensitive (RFC 7643 §2.1); so are userName and
# email values, but externalId and id are exact.
FIELDS = {
    ("username", None): "user__email__iexact",
    ("emails", "value"): "user__email__iexact",
    ("externalid", None): "external_id",
    ("id", None): "scim_id",
    ("active", None): "active",
}


class _ToQ(FilterVisitor[Q]):
    def __init__(self, within: str | None = None) -> None:
        self.within = within

    def visit_comparison(self, node: Comparison) -> Q:
        path = node.attr_path
        attr, sub = path.attr.lower(), path.sub_attr.lower() if path.sub_attr else None
        if self.within is not None:
            attr, sub = self.within, attr
        field = FIELDS.get((attr, sub))
        if field is None or node.op != CompareOperator.eq or node.value is None:
            raise InvalidFilterException(detail=f"Unsupported filter. {SUPPORTED}")
        if field == "scim_id":
            return _by_id(node.value)
        return Q(**{field: node.value})

    def visit_logical_expr(self, node: LogicalExpr) -> Q:
        parts = [self.visit(term) for term in node.terms]
        combined = parts[0]
        for part in parts[1:]:
            combined = combined & part if node.op == LogicalOperator.and_ else combined | part
        return combined

    def visit_value_path(self, node: ValuePath) -> Q:
        if node.attr_path.attr.lower() != "emails" or node.sub_attr is not None:
            raise InvalidFilterException(detail=f"Unsupported filter. {SUPPORTED}")
        return _ToQ(within="emails").visit(node.val_filter)

    def visit_not(self, node: Not) -> Q:
        raise InvalidFilterException(detail=f"Unsupported filter. {SUPPORTED}")

    def visit_present(self, node: Present) -> Q:
        raise InvalidFilterException(detail=f"Unsupported filter. {SUPPORTED}")


def _by_id(value) -> Q:
    try:
        return Q(scim_id=uuid.UUID(str(value)))
    except ValueError:
        return Q(pk__in=[])  # no member has it


def to_q(scim_filter) -> Q:
    """The members ``scim_filter`` (parsed and checked by scim2-models) selects."""
    return _ToQ().visit(scim_filter.ast)
