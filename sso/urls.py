"""Kindred's own sign-in pages, ahead of allauth's under /accounts/ (config/urls.py)."""

from django.urls import path

from . import views

app_name = "sso"
urlpatterns = [
    # The same address as allauth's "account_login", which it replaces.
    path("login/", views.login, name="login"),
]
