"""Logout, ahead of allauth's at the same address and name (config/urls.py)."""

from django.urls import path

from . import logout_views

urlpatterns = [path("logout/", logout_views.logout, name="account_logout")]
