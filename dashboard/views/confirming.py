"""The page that asks before a bulk or destructive action (config.forms.confirmed
tells its yes apart): what will happen, in counts and words (dashboard/confirmations.py)."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from profiles.models import Program

from ..confirmations import Question


def confirmation(
    request: HttpRequest, program: Program, question: Question, *, action: str, back: tuple
) -> HttpResponse:
    """The question, a yes button posting its hidden fields and ``confirm=yes`` to
    ``action``, and ``back`` (url, words): a way out that changes nothing."""
    context = {"program": program, "q": question, "action": action, "back": back}
    return render(request, "dashboard/confirm.html", context)
