"""A lifecycle action run from a page: the one place where the pages turn a
refusal into words for the person (the API does it in api/errors.py)."""

from collections.abc import Callable

from django.contrib import messages
from django.http import HttpRequest
from django.utils.translation import gettext, pgettext

from .exceptions import Invalid, Refused


def act(request: HttpRequest, form, done: str, action: Callable[[dict], object]) -> bool:
    """Run ``action`` with a valid form's data; say what happened either way."""
    if form is not None and not form.is_valid():
        messages.error(
            request,
            gettext("Please check the form: %(error)s Nothing was changed.")
            % {"error": _first_error(form)},
        )
        return False
    try:
        action(form.cleaned_data if form is not None else {})
    except (Refused, Invalid) as refused:  # Invalid: input a form could not check alone
        messages.error(request, str(refused))
        return False
    messages.success(request, done)
    return True


def _first_error(form) -> str:
    field, errors = next(iter(form.errors.items()))
    label = form.fields[field].label if field in form.fields else ""
    # Translators: a form's field, then what is wrong with it: "Why decline?: Choose a reason."
    return (
        pgettext("a field and its error", "%(label)s: %(error)s")
        % {
            "label": label,
            "error": errors[0],
        }
        if label
        else errors[0]
    )
