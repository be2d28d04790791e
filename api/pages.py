"""The page where a person makes and revokes their API tokens."""

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from config.forms import posted

from .models import Token

MAX_ACTIVE = 10


class TokenForm(forms.Form):
    name = forms.CharField(
        max_length=80,
        label=_("What is this token for?"),
        help_text=_("For example “HR portal”. Only you and the program team see this name."),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user

    def clean(self):
        if self.user.api_tokens.active().count() >= MAX_ACTIVE:
            raise forms.ValidationError(
                ngettext(
                    "You have %(count)s token already: revoke one you no longer use first.",
                    "You have %(count)s tokens already: revoke one you no longer use first.",
                    MAX_ACTIVE,
                )
                % {"count": MAX_ACTIVE}
            )
        return super().clean()


@never_cache
def tokens(request: HttpRequest) -> HttpResponse:
    form = TokenForm(posted(request), user=request.user)
    new = None
    if request.method == "POST" and form.is_valid():
        # Shown in this response only: never stored, never put in a message or a redirect.
        new = Token.issue(user=request.user, name=form.cleaned_data["name"])
        form = TokenForm(user=request.user)
    context = {
        "form": form,
        "new": new,
        "tokens": request.user.api_tokens.active(),
        "max_active": MAX_ACTIVE,
    }
    return render(request, "api/tokens.html", context)


@require_POST
def revoke(request: HttpRequest, token_id: int) -> HttpResponse:
    token = get_object_or_404(request.user.api_tokens.active(), pk=token_id)
    token.revoke()
    messages.success(
        request,
        gettext("“%(name)s” is revoked: it no longer works anywhere.") % {"name": token.name},
    )
    return redirect("tokens:list")
