from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("admin/", admin.site.urls),
    path("accounts/", include("allauth.urls")),
    path("programs/", include("dashboard.urls")),
    path("privacy/", include("privacy.urls")),
    path("api/tokens/", include("api.token_urls")),
    path("api/v1/", include("api.urls")),
    path("", include("profiles.urls")),
    path("", include("matching.urls")),
    path("", include("mentorships.urls")),
]
