from django.urls import path

from . import views

app_name = "matching"

urlpatterns = [
    path("home/", views.home, name="home"),
    path("p/<int:pk>/", views.profile_home, name="profile_home"),
    path("p/<int:pk>/suggestions/", views.suggestions_panel, name="suggestions"),
    path("p/<int:pk>/suggestions/<int:suggestion_id>/dismiss/", views.dismiss, name="dismiss"),
    path(
        "p/<int:pk>/suggestions/<int:suggestion_id>/request/", views.request_mentor, name="request"
    ),
    path("p/<int:pk>/suggestions/<int:suggestion_id>/restore/", views.restore, name="restore"),
    path("p/<int:pk>/mentors/", views.browse_mentors, name="browse"),
    path(
        "p/<int:pk>/mentors/<int:mentor_id>/request/",
        views.request_from_browse,
        name="request_from_browse",
    ),
    path("p/<int:pk>/requests/<int:mentorship_id>/withdraw/", views.withdraw, name="withdraw"),
    path("p/<int:pk>/requests/<int:mentorship_id>/accept/", views.accept, name="accept"),
    path("p/<int:pk>/requests/<int:mentorship_id>/decline/", views.decline, name="decline"),
    path("p/<int:pk>/availability/", views.availability, name="availability"),
]
