from django.urls import path

from . import views

app_name = "privacy"

urlpatterns = [
    path("", views.privacy, name="privacy"),
    path("export/", views.export_request, name="export"),
    path("export/<int:export_id>/", views.export_download, name="download"),
    path("delete-account/", views.delete_account, name="delete_account"),
]
