from django.urls import path

from . import views

app_name = "mentorships"

urlpatterns = [
    path("m/<int:mentorship_id>/", views.detail, name="detail"),
    path("m/<int:mentorship_id>/check-in/", views.check_in, name="check_in"),
    path("m/<int:mentorship_id>/met/", views.mark_met, name="mark_met"),
    path("m/<int:mentorship_id>/end/", views.end, name="end"),
    path("m/<int:mentorship_id>/not-for-me/", views.turn_down, name="turn_down"),
]
