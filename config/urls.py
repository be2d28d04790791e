from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("admin/", admin.site.urls),
    # Kindred's sign-in by email domain first, then allauth's (single sign-on included).
    path("accounts/", include("sso.urls")),
    path("accounts/", include("sso.callback_urls")),
    path("accounts/", include("sso.logout_urls")),
    path("accounts/", include("allauth.urls")),
    path("scim/v2/", include("sso.scim.urls")),
    path("programs/", include("dashboard.urls")),
    path("privacy/", include("privacy.urls")),
    path("api/tokens/", include("api.token_urls")),
    path("api/v1/", include("api.urls")),
    path("", include("profiles.urls")),
    path("", include("matching.urls")),
    path("", include("mentorships.urls")),
]
