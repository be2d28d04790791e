"""allauth's logout (its confirmation page and POST), which then sends the browser
on to the identity provider the person signed in through (``logout``)."""

from __future__ import annotations

from allauth.account.views import LogoutView
from django.http import HttpResponse, HttpResponseRedirect

from . import logout as idp_logout


class IdpLogoutView(LogoutView):
    def post(self, *args, **kwargs) -> HttpResponse:
        farewell = idp_logout.idp_logout_url(request=self.request)
        response = super().post(*args, **kwargs)
        if farewell and response.status_code == 302:
            return HttpResponseRedirect(farewell)
        return response


logout = IdpLogoutView.as_view()
