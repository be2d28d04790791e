"""Kindred's own sign-in pages, ahead of allauth's under /accounts/ (config/urls.py)."""

app_name = "sso"
urlpatterns: list = []
