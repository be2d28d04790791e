"""The project's URLs plus one that fails, for the error-page tests."""

from django.urls import include, path


def boom(request):
    raise RuntimeError("a bug, for the test")


urlpatterns = [path("__boom__/", boom), path("", include("config.urls"))]
