from django.urls import path, re_path

from .views import audit, csv_guide, csv_io, matches, mentorships, overview, people, reports, runs

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
    path(
        "<slug:slug>/runs/<int:run_id>/pairs/<int:pair_id>/remove/",
        runs.edit_pair,
        {"remove": True},
        name="remove_pair",
    ),
    path(
        "<slug:slug>/runs/<int:run_id>/pairs/<int:pair_id>/restore/",
        runs.edit_pair,
        {"remove": False},
        name="restore_pair",
    ),
    path("<slug:slug>/audit/", audit.audit_log, name="audit"),
    path("<slug:slug>/match/", matches.manual_match, name="match"),
    path("<slug:slug>/match/<int:mentee_id>/", matches.manual_match, name="manual_match"),
    re_path(
        r"^(?P<slug>[-\w]+)/match/find/(?P<side>mentees|mentors)/$",
        matches.match_find,
        name="match_find",
    ),
    path("<slug:slug>/match/preview/", matches.match_preview, name="match_preview"),
    path("<slug:slug>/people/", people.people_list, name="people"),
    path("<slug:slug>/people/<int:profile_id>/", people.person, name="person"),
    path("<slug:slug>/people/<int:profile_id>/pause/", people.pause, name="person_pause"),
    path("<slug:slug>/people/<int:profile_id>/invite/", people.invite_again, name="person_invite"),
    path("<slug:slug>/mentorships/", mentorships.mentorship_list, name="mentorships"),
    path(
        "<slug:slug>/mentorships/<int:mentorship_id>/",
        mentorships.mentorship,
        name="mentorship",
    ),
    path(
        "<slug:slug>/mentorships/<int:mentorship_id>/end/",
        mentorships.end,
        name="end_mentorship",
    ),
    path("<slug:slug>/mentorships/<int:mentorship_id>/rematch/", matches.rematch, name="rematch"),
    path(
        "<slug:slug>/mentorships/<int:mentorship_id>/rematch/next/",
        matches.rematch_next,
        name="rematch_next",
    ),
    path(
        "<slug:slug>/mentorships/<int:mentorship_id>/rematch/pool/",
        matches.rematch_pool,
        name="rematch_pool",
    ),
    path("<slug:slug>/reports/", reports.reports, name="reports"),
    path("<slug:slug>/reports/<int:report_id>/handle/", reports.handle, name="handle_report"),
    path("<slug:slug>/import/", csv_io.import_participants, name="import"),
    path("<slug:slug>/import/guide/", csv_guide.guide, name="csv_guide"),
    path("<slug:slug>/import/template.csv", csv_guide.template, name="csv_template"),
    path("<slug:slug>/import/<int:job_id>/", csv_io.import_job, name="import_job"),
    path("<slug:slug>/import/<int:job_id>/confirm/", csv_io.confirm_import, name="confirm_import"),
    path("<slug:slug>/import/<int:job_id>/discard/", csv_io.discard_import, name="discard_import"),
    re_path(
        r"^(?P<slug>[-\w]+)/export/(?P<what>matches|suggestions)\.csv$",
        csv_io.export,
        name="export",
    ),
]
