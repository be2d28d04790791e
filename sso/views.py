"""Sign-in by email first (docs/sso.md): the address's domain decides whether
the person goes on to their organisation's identity provider or to the
password form."""

from __future__ import annotations

from allauth.account import views as allauth_views
from allauth.account.utils import get_next_redirect_url, passthrough_next_redirect_url
from django.contrib.auth import REDIRECT_FIELD_NAME
from django.http import HttpResponse
from django.urls import reverse
from django.utils.translation import gettext

from . import domains, signin
from .forms import EmailStepForm

# The steps of the page (templates/account/login.html).
EMAIL, CHOICE, PASSWORD = "email", "choice", "password"


class LoginView(allauth_views.LoginView):
    """allauth's log-in page with an email step in front. A POST holding
    ``login`` is allauth's own password sign-in, unchanged."""

    def get(self, request, *args, **kwargs) -> HttpResponse:
        if request.GET.get("step") == PASSWORD:
            return self._step(PASSWORD, form=self.get_form())
        return self._step(EMAIL, email_form=EmailStepForm())

    def post(self, request, *args, **kwargs) -> HttpResponse:
        if "login" in request.POST:
            return super().post(request, *args, **kwargs)
        email_form = EmailStepForm(request.POST)
        if not email_form.is_valid():
            return self._step(EMAIL, email_form=email_form)
        email = email_form.cleaned_data["email"]
        connections = domains.connections_for(email)
        if len(connections) == 1:
            return self._start(connections[0], email_form)
        if connections:
            return self._step(CHOICE, email=email, connections=connections)
        form = self.get_form_class()(request=request, initial={"login": email})
        return self._step(PASSWORD, form=form)

    def form_invalid(self, form) -> HttpResponse:
        return self._step(PASSWORD, form=form)

    def _start(self, connection, email_form: EmailStepForm) -> HttpResponse:
        try:
            return signin.start(
                request=self.request,
                connection=connection,
                email=email_form.cleaned_data["email"],
                next_url=get_next_redirect_url(self.request),
            )
        except signin.ProviderUnreachable:
            email_form.add_error(
                "email",
                gettext(
                    "%(label)s cannot be reached just now. Try again in a minute; if it "
                    "keeps happening, tell your organisation's IT team."
                )
                % {"label": connection.label},
            )
            return self._step(EMAIL, email_form=email_form)

    def _step(self, step: str, **context) -> HttpResponse:
        context.setdefault("form", None)
        if self.request.method == "POST":
            # After a step, the cursor goes where the person goes on; a fresh
            # page keeps the usual order (the skip link first).
            for form in (context["form"], context.get("email_form")):
                if form is not None:
                    _focus(form)
        password_step = f"{reverse('account_login')}?step={PASSWORD}"
        return self.render_to_response(
            self.get_context_data(
                step=step,
                password_step_url=passthrough_next_redirect_url(
                    self.request, password_step, REDIRECT_FIELD_NAME
                ),
                **context,
            )
        )


def _focus(form) -> None:
    """The cursor where the person goes on: the first field in error (its
    message is read with it), else the password once the address is known."""
    name = next(iter(form.errors), None)
    if name not in form.fields:
        name = "password" if "login" in form.fields and form["login"].value() else "login"
    if name in form.fields:
        form.fields[name].widget.attrs["autofocus"] = True


login = LoginView.as_view()
