"""Changing a profile's answers through the questionnaire's own forms.

A PATCH names some answers; each questionnaire step they belong to runs its
form with the person's other answers as they stand, in the questionnaire's
order, and is saved as the step page saves it (``profiles.services.save_step``).
One invalid step and nothing is saved.
"""

from __future__ import annotations

from functools import cache

from django import forms
from django.db import transaction
from rest_framework.exceptions import ValidationError

from profiles.forms import STEP_FORMS, step_form
from profiles.models import Profile, Tag
from profiles.services import save_step
from profiles.taxonomy import STEPS, Role

from .forms import form_errors

BACKGROUND = "background"
OTHER_ROLE = {Role.MENTOR: "Only mentees answer this.", Role.MENTEE: "Only mentors answer this."}


@cache
def steps_by_field() -> dict[str, str]:
    """The step each answer belongs to (``background`` is one nested answer)."""
    out = {BACKGROUND: BACKGROUND}
    for step, form_class in STEP_FORMS.items():
        if step == BACKGROUND:
            continue
        names = set(form_class.base_fields)
        if step == "logistics":  # its form adds a mentor's or a mentee's own fields
            for role in Role:
                names |= set(form_class(instance=Profile(role=role)).fields)
        out.update(dict.fromkeys(names, step))
    return out


def _offered(field: forms.ModelChoiceField, value) -> list[str]:
    """Slugs of the chosen tags the field still offers: as on the page, where a
    tag no longer offered is not shown, so saving the step again drops it."""
    chosen = value if isinstance(value, list | tuple) else [value]
    ids = [v.pk if isinstance(v, Tag) else v for v in chosen if v not in (None, "")]
    return list(field.queryset.filter(pk__in=ids).values_list("slug", flat=True))


def current(form: forms.BaseForm) -> dict:
    """The answers an unbound form shows, as the form data that would keep them."""
    data = {}
    for name, field in form.fields.items():
        value = form.get_initial_for_field(field, name)
        if isinstance(field, forms.ModelMultipleChoiceField):
            value = _offered(field, value)
        elif isinstance(field, forms.ModelChoiceField):
            value = next(iter(_offered(field, value)), "")
        elif value is None:
            value = ""
        data[name] = value
    return data


def by_slug(form: forms.BaseForm) -> forms.BaseForm:
    """Tags are named by slug in the API, by id on the page."""
    for field in form.fields.values():
        if isinstance(field, forms.ModelChoiceField):
            field.to_field_name = "slug"
    return form


def _sent(value):
    return "" if value is None else value


def update(*, profile: Profile, changes: dict) -> None:
    """Apply ``changes`` (API field names, JSON types already checked)."""
    steps: dict[str, dict] = {}
    for field, value in changes.items():
        step = steps_by_field()[field]
        values = value if step == BACKGROUND else {field: value}
        steps.setdefault(step, {}).update(values)
    errors: dict[str, list[str]] = {}
    with transaction.atomic():
        for step in (s for s in STEPS if s in steps):
            prefix = f"{BACKGROUND}." if step == BACKGROUND else ""
            form = step_form(step, profile)
            data = current(form)
            for name, value in steps[step].items():
                if name in form.fields:
                    data[name] = _sent(value)
                elif value is not None:
                    errors[f"{prefix}{name}"] = [OTHER_ROLE[profile.role]]
            form = by_slug(step_form(step, profile, data))
            if not form.is_valid():
                errors.update(form_errors(form, prefix))
            elif not errors:
                save_step(profile=profile, step=step, form=form)
        if errors:
            # Raised inside the transaction, so the steps saved before roll back.
            raise ValidationError(errors)
