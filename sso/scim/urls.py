"""SCIM 2.0 under /scim/v2/: the bearer token says which organisation is calling."""

from django.urls import path, re_path

from . import views

app_name = "scim"
urlpatterns = [
    path("ServiceProviderConfig", views.service_provider_config, name="service_provider_config"),
    path("ResourceTypes", views.resource_types, name="resource_types"),
    path("ResourceTypes/<str:name>", views.resource_type, name="resource_type"),
    path("Schemas", views.schemas, name="schemas"),
    path("Schemas/<str:name>", views.schema, name="schema"),
    path("Users", views.users, name="users"),
    path("Users/<uuid:scim_id>", views.user, name="user"),
    # Anything else, an unknown id included, is a 404 in SCIM's format.
    re_path(r"^(?P<rest>.*)$", views.not_found, name="not_found"),
]
