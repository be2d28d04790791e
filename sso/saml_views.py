"""allauth's last step of a SAML sign-in, noting the assertion's subject for logout.

A SAML logout request names the person as the IdP did (NameID, its format and
qualifiers) and the session it ended (SessionIndex); allauth keeps none of these
(its uid is an attribute when the IdP sends one). This view reads them from the
response allauth is about to check, and leaves them on the request for
``logout.remember`` — used only if allauth's own checks then sign the person in.
"""

from __future__ import annotations

import binascii

from allauth.account.internal.decorators import login_not_required
from allauth.core.internal import httpkit
from allauth.socialaccount.helpers import render_authentication_error
from allauth.socialaccount.providers.saml.utils import build_auth
from allauth.socialaccount.providers.saml.views import FinishACSView
from allauth.socialaccount.sessions import LoginSession
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.utils.decorators import method_decorator
from lxml import etree
from onelogin.saml2.errors import OneLogin_Saml2_Error

from .templatetags.saml_errors import NOT_STARTED_HERE

REQUEST_ATTRIBUTE = "sso_saml_subject"


@method_decorator(login_not_required, name="dispatch")
class NotingFinishACSView(FinishACSView):
    def dispatch(self, request: HttpRequest, organization_slug: str) -> HttpResponse:
        try:
            subject = self._subject(request, organization_slug)
            if subject:
                setattr(request, REQUEST_ATTRIBUTE, subject)
            return super().dispatch(request, organization_slug)
        except etree.XMLSyntaxError:
            # python3-saml parses the answer before it checks it, and allauth
            # catches only python3-saml's own errors: garbage would be a 500.
            return self._refused(request, organization_slug, "The response is not XML")
        except PermissionDenied:
            # allauth found no sign-in started in this session for the answer's
            # InResponseTo: replayed, from another browser, or too late.
            return self._refused(request, organization_slug, NOT_STARTED_HERE)

    def _refused(self, request: HttpRequest, organization_slug: str, reason: str) -> HttpResponse:
        return render_authentication_error(
            request,
            self.get_provider(organization_slug),
            extra_context={"saml_errors": ["invalid_response"], "saml_last_error_reason": reason},
        )

    def _subject(self, request: HttpRequest, organization_slug: str) -> dict | None:
        # The same session and request allauth's dispatch reads next (see its ACSView).
        stored = LoginSession(request, "saml_acs_session", "saml-acs-session").store.get("request")
        if not stored:
            return None
        auth = build_auth(
            httpkit.deserialize_request(stored, HttpRequest()), self.get_provider(organization_slug)
        )
        try:
            auth.process_response(request_id=None)
        except (binascii.Error, OneLogin_Saml2_Error):
            return None
        if auth.get_errors() or not auth.is_authenticated():
            return None
        return {
            "name_id": auth.get_nameid(),
            "name_id_format": auth.get_nameid_format(),
            "nq": auth.get_nameid_nq(),
            "spnq": auth.get_nameid_spnq(),
            "session_index": auth.get_session_index(),
        }


finish_acs = NotingFinishACSView.as_view()
