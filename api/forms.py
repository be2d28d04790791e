"""The pages' forms, run on JSON.

A request body is first checked for its JSON types only (a form would read a
list where it wants text as the text "['…']"); the form then does every check
it does on the page, with the page's messages. The serializers that check the
types also describe the body in the schema: its choices and limits come from
the same forms and models, and only the forms enforce them."""

from __future__ import annotations

from django import forms
from rest_framework import serializers


class FormChoiceField(serializers.ChoiceField):
    """A choice the schema lists and a form checks: here only its JSON type."""

    def to_internal_value(self, data):
        if isinstance(data, bool) or not isinstance(data, str | int):
            self.fail("invalid_choice", input=data)
        return data


def _described(field: forms.Field) -> str:
    """The field's label, with the limits its form enforces."""
    low, high = getattr(field, "min_value", None), getattr(field, "max_value", None)
    if getattr(field, "max_length", None):
        return f"{field.label} (at most {field.max_length} characters)"
    if low is not None and high is not None:
        return f"{field.label} ({low} to {high})"
    return str(field.label)


def form_serializer(form_class: type[forms.Form], name: str, doc: str) -> type:
    """A serializer with a field for each of the form's fields, that knows its form."""
    fields: dict[str, object] = {"__doc__": doc, "form_class": form_class}
    for field_name, field in form_class.base_fields.items():
        common = {"required": field.required, "help_text": _described(field)}
        if isinstance(field, forms.ChoiceField):
            choices = [value for value, _ in field.choices if value != ""]
            fields[field_name] = FormChoiceField(choices=choices, **common)
        elif isinstance(field, forms.BooleanField):
            fields[field_name] = serializers.BooleanField(default=False, help_text=field.label)
        elif isinstance(field, forms.IntegerField):
            fields[field_name] = serializers.IntegerField(**common)
        else:
            fields[field_name] = serializers.CharField(
                allow_blank=True, trim_whitespace=False, **common
            )
    return type(name, (serializers.Serializer,), fields)


def form_errors(form: forms.BaseForm, prefix: str = "") -> dict[str, list[str]]:
    out = {}
    for field, errors in form.errors.items():
        key = "non_field_errors" if field == forms.forms.NON_FIELD_ERRORS else field
        out[f"{prefix}{key}"] = [str(e) for e in errors]
    return out


def cleaned(serializer_class: type, data) -> dict:
    """The cleaned data of the serializer's form for this JSON body, or a 400
    naming each problem."""
    if not isinstance(data, dict):
        raise serializers.ValidationError("Send a JSON object.")
    typed = serializer_class(data=data)
    typed.is_valid(raise_exception=True)
    form = serializer_class.form_class(typed.validated_data)
    if not form.is_valid():
        raise serializers.ValidationError(form_errors(form))
    return form.cleaned_data


def query(serializer_class: type, request, **context) -> dict:
    """Query parameters, checked (a bad one is a 400, not ignored); ``context``
    is what the serializer checks them against (``program=``)."""
    params = serializer_class(data=request.query_params, context=context)
    params.is_valid(raise_exception=True)
    return params.validated_data
