"""The OpenID Connect callback, ahead of allauth's at the same address (config/urls.py)."""

from django.urls import path

from . import oidc_views

urlpatterns = [
    path(
        "oidc/<str:provider_id>/login/callback/",
        oidc_views.callback,
        name="openid_connect_callback",
    ),
]
