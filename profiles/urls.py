from django.urls import path

from . import languages, views

app_name = "profiles"

urlpatterns = [
    path("", views.landing, name="landing"),
    path("accessibility/", views.accessibility, name="accessibility"),
    path("language/", languages.choose, name="language"),
    path("join/<str:role>/", views.join, name="join"),
    path("p/<int:pk>/profile/", views.profile_detail, name="profile"),
    path("p/<int:pk>/edit/<str:step>/", views.profile_edit, name="edit"),
    path("p/<int:pk>/background/withdraw/", views.withdraw_consent, name="withdraw_consent"),
    path("p/<int:pk>/take-part/<int:cycle_id>/", views.take_part, name="take_part"),
    path(
        "p/<int:pk>/take-part/<int:cycle_id>/confirm/",
        views.take_part_confirm,
        name="take_part_confirm",
    ),
]
