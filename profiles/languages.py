"""The language a person reads Kindred in (docs/translating.md).

Before signing in, a page speaks the language chosen in the chooser (a cookie) or
else the browser's (``LocaleMiddleware``). A signed-in person's own choice is kept
on their account (``User.language``) and wins on every device; emails are written
in it too (``profiles/outbox.py``). Someone who never chose keeps the language
they first signed in with."""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse
from django.utils import translation
from django.utils.translation import to_locale
from django.views.decorators.http import require_POST
from django.views.i18n import set_language

SHIPPED = frozenset(code for code, _ in settings.LANGUAGES)


def supported(code: str | None) -> str | None:
    """``code`` if Kindred speaks it, else None."""
    return code if code in SHIPPED else None


def shipped_file(code: str, *parts: str) -> Path | None:
    """A file Kindred ships for language ``code`` beside its catalogue
    (``locale/<lang>/<parts…>``: the vocabulary's names, a guide), if there is one."""
    for folder in settings.LOCALE_PATHS:
        path = Path(folder, to_locale(code), *parts)
        if path.is_file():
            return path
    return None


def speak(request: HttpRequest, code: str) -> None:
    """The rest of ``request`` is in ``code``."""
    translation.activate(code)
    request.LANGUAGE_CODE = code


def of(user) -> str:
    """The language to write to ``user`` in: theirs, or the site's."""
    return supported(getattr(user, "language", "")) or settings.LANGUAGE_CODE


class AccountLanguageMiddleware:
    """A signed-in person's pages speak the language kept on their account."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and (code := supported(user.language)):
            speak(request, code)
        return self.get_response(request)


@login_not_required
@require_POST
def choose(request: HttpRequest) -> HttpResponse:
    """The chooser on every page: Django's ``set_language`` (the cookie, and back
    to the page), and the account remembers it."""
    response = set_language(request)
    code = supported(request.POST.get("language"))
    if code and request.user.is_authenticated and request.user.language != code:
        request.user.language = code
        request.user.save(update_fields=["language"])
    return response


def keep(user, request) -> None:
    """Keep the language ``request`` speaks (the chooser's, or the browser's) on an
    account that has none, so its emails are in it too."""
    if not user.language and (code := supported(getattr(request, "LANGUAGE_CODE", None))):
        user.language = code
        if user.pk:
            user.save(update_fields=["language"])


@receiver(user_logged_in, dispatch_uid="profiles.keep_first_language")
def keep_first_language(sender, request, user, **kwargs) -> None:
    """Someone who never chose keeps the language they signed in with; someone who
    chose reads the rest of this request in it ("Signed in as …" included)."""
    keep(user, request)
    if request is not None and (code := supported(user.language)):
        speak(request, code)
