"""SCIM 2.0 under /scim/v2/: the bearer token says which organisation is calling."""

app_name = "scim"
urlpatterns: list = []
