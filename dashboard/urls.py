from django.urls import path, re_path

from .views import csv_io, matches, overview, runs

app_name = "dashboard"

urlpatterns = [
    path("", overview.programs, name="programs"),
    path("me/digest/", overview.digest_choice, name="digest"),
    path("<slug:slug>/", overview.dashboard, name="program"),
    path("<slug:slug>/fairness/", overview.fairness, name="fairness"),
    re_path(
        r"^(?P<slug>[-\w]+)/figures/(?P<page>health|fairness)/refresh/$",
        overview.refresh_figures,
        name="refresh_figures",
    ),
    re_path(
        r"^(?P<slug>[-\w]+)/figures/(?P<page>health|fairness)/since/(?P<version>[0-9]{1,20})/$",
        overview.figures_state,
        name="figures_state",
    ),
    path("<slug:slug>/settings/", overview.program_settings, name="settings"),
    path("<slug:slug>/rescore/", runs.rescore, name="rescore"),
    path("<slug:slug>/assign/", runs.assign, name="assign"),
    path("<slug:slug>/runs/", runs.run_list, name="runs"),
    path("<slug:slug>/runs/<int:run_id>/", runs.run_detail, name="run"),
    path("<slug:slug>/runs/<int:run_id>/progress/", runs.run_progress, name="run_progress"),
    path("<slug:slug>/runs/<int:run_id>/commit/", runs.commit, name="commit"),
    path("<slug:slug>/runs/<int:run_id>/discard/", runs.discard, name="discard"),
    path("<slug:slug>/match/<int:mentee_id>/", matches.manual_match, name="manual_match"),
    path("<slug:slug>/mentorships/<int:mentorship_id>/rematch/", matches.rematch, name="rematch"),
    path("<slug:slug>/import/", csv_io.import_participants, name="import"),
    path("<slug:slug>/import/<int:job_id>/", csv_io.import_job, name="import_job"),
    path("<slug:slug>/import/<int:job_id>/confirm/", csv_io.confirm_import, name="confirm_import"),
    path("<slug:slug>/import/<int:job_id>/discard/", csv_io.discard_import, name="discard_import"),
    re_path(
        r"^(?P<slug>[-\w]+)/export/(?P<what>matches|suggestions)\.csv$",
        csv_io.export,
        name="export",
    ),
]
