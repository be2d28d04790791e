"""allauth's logout (its confirmation page and POST), which then sends the browser
on to the identity provider the person signed in through (``logout``)."""

from __future__ import annotations

from allauth.account.views import LogoutView
from django.http import HttpResponse
from django.shortcuts import render
from django.utils.cache import add_never_cache_headers

from . import logout as idp_logout


class IdpLogoutView(LogoutView):
    def post(self, *args, **kwargs) -> HttpResponse:
        farewell = idp_logout.idp_logout(request=self.request)
        response = super().post(*args, **kwargs)
        if farewell is None or response.status_code != 302:
            return response
        # A page that moves on, not a redirect: browsers hold a form's redirects
        # to the CSP of the page it was on (form-action), and the header's logout
        # form is on pages that allow Kindred only.
        page = render(self.request, "sso/logout_continue.html", {"farewell": farewell})
        page["Refresh"] = f"0; url={farewell.url}"
        add_never_cache_headers(page)  # the URL holds the ID token hint
        return page


logout = IdpLogoutView.as_view()
