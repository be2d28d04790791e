"""/api/v1/: every route answers for itself (JSON 401, never a redirect to
the login page), so none goes through LoginRequiredMiddleware."""

from django.contrib.auth.decorators import login_not_required
from django.urls import path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.routers import SimpleRouter

from .errors import NotFoundView
from .participant import agreements, meetings, sponsorship, views, workspace
from .staff import views as staff

app_name = "api"

router = SimpleRouter(use_regex_path=False)
router.register("tags", views.TagViewSet, basename="tag")
router.register("profiles", views.ProfileViewSet, basename="profile")
router.register("suggestions", views.SuggestionViewSet, basename="suggestion")
router.register("mentorships", views.MentorshipViewSet, basename="mentorship")
router.register("meetings", meetings.MeetingViewSet, basename="meeting")
router.register("notes", workspace.NoteViewSet, basename="note")
router.register("action-items", workspace.ActionItemViewSet, basename="action-item")
router.register("messages", workspace.MessageViewSet, basename="message")
router.register("sponsorships", sponsorship.SponsorshipViewSet, basename="sponsorship")
router.register(
    "mentorships/<int:mentorship_id>/agreement", agreements.AgreementViewSet, basename="agreement"
)
router.register("admin/programs", staff.ProgramViewSet, basename="program")
router.register("admin/programs/<slug:slug>/runs", staff.RunViewSet, basename="run")

urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path(
        "docs/",
        SpectacularSwaggerSplitView.as_view(url_name="api:schema", template_name="api/docs.html"),
        name="docs",
    ),
    path(
        "admin/programs/<slug:slug>/matches.csv",
        staff.MatchesCsvViewSet.as_view({"get": "list"}),
        name="matches-csv",
    ),
    path(
        "mentorships/<int:mentorship_id>/agreement/",
        agreements.AgreementViewSet.as_view({"get": "read"}),
        name="agreement-detail",
    ),
    path(
        "meetings/<int:pk>/invite.ics",
        meetings.MeetingViewSet.as_view({"get": "invite"}),
        name="meeting-invite",
    ),
    *router.urls,
    re_path(r"^", NotFoundView.as_view()),
]

for pattern in urlpatterns:
    login_not_required(pattern.callback)
