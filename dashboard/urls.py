from django.urls import path, re_path

from . import views

app_name = "dashboard"

urlpatterns = [
    path("", views.programs, name="programs"),
    path("me/digest/", views.digest_choice, name="digest"),
    path("<slug:slug>/", views.dashboard, name="program"),
    path("<slug:slug>/fairness/", views.fairness, name="fairness"),
    re_path(
        r"^(?P<slug>[-\w]+)/figures/(?P<page>health|fairness)/refresh/$",
        views.refresh_figures,
        name="refresh_figures",
    ),
    re_path(
        r"^(?P<slug>[-\w]+)/figures/(?P<page>health|fairness)/since/(?P<version>[0-9]{1,20})/$",
        views.figures_state,
        name="figures_state",
    ),
    path("<slug:slug>/settings/", views.program_settings, name="settings"),
    path("<slug:slug>/rescore/", views.rescore, name="rescore"),
    path("<slug:slug>/assign/", views.assign, name="assign"),
    path("<slug:slug>/runs/", views.run_list, name="runs"),
    path("<slug:slug>/runs/<int:run_id>/", views.run_detail, name="run"),
    path("<slug:slug>/runs/<int:run_id>/progress/", views.run_progress, name="run_progress"),
    path("<slug:slug>/runs/<int:run_id>/commit/", views.commit, name="commit"),
    path("<slug:slug>/runs/<int:run_id>/discard/", views.discard, name="discard"),
    path("<slug:slug>/match/<int:mentee_id>/", views.manual_match, name="manual_match"),
    path("<slug:slug>/mentorships/<int:mentorship_id>/rematch/", views.rematch, name="rematch"),
    path("<slug:slug>/import/", views.import_participants, name="import"),
    path("<slug:slug>/import/<int:job_id>/", views.import_job, name="import_job"),
    path("<slug:slug>/import/<int:job_id>/confirm/", views.confirm_import, name="confirm_import"),
    path("<slug:slug>/import/<int:job_id>/discard/", views.discard_import, name="discard_import"),
    re_path(
        r"^(?P<slug>[-\w]+)/export/(?P<what>matches|suggestions)\.csv$", views.export, name="export"
    ),
]
