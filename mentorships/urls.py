from django.urls import path

from .views import pair

app_name = "mentorships"

urlpatterns = [
    path("m/<int:mentorship_id>/", pair.detail, name="detail"),
    path("m/<int:mentorship_id>/check-in/", pair.check_in, name="check_in"),
    path("m/<int:mentorship_id>/met/", pair.mark_met, name="mark_met"),
    path("m/<int:mentorship_id>/end/", pair.end, name="end"),
    path("m/<int:mentorship_id>/not-for-me/", pair.turn_down, name="turn_down"),
]
