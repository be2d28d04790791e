"""allauth's sign-in callbacks, at their own addresses and names but ahead of
allauth's (config/urls.py): OIDC's checks the ID token's signature always
(``oidc_views``), SAML's notes the assertion's subject for logout (``saml_views``),
and both start a sign-in through ``signin.start`` (``start_views``)."""

from django.urls import path

from . import oidc_views, saml_views, start_views

urlpatterns = [
    # Starting a sign-in: through signin.start, which answers an unreachable IdP.
    path("oidc/<str:provider_id>/login/", start_views.oidc_login, name="openid_connect_login"),
    path("saml/<str:organization_slug>/login/", start_views.saml_login, name="saml_login"),
    path(
        "oidc/<str:provider_id>/login/callback/",
        oidc_views.callback,
        name="openid_connect_callback",
    ),
    path(
        "saml/<str:organization_slug>/acs/finish/",
        saml_views.finish_acs,
        name="saml_finish_acs",
    ),
]
