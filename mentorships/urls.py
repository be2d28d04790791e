from django.urls import path

from .views import (
    agreement,
    close_out,
    continuations,
    follow_ups,
    meetings,
    messages,
    notes,
    pair,
    sponsorship,
)

app_name = "mentorships"

urlpatterns = [
    path("m/<int:mentorship_id>/", pair.detail, name="detail"),
    path("m/<int:mentorship_id>/check-in/", pair.check_in, name="check_in"),
    path("m/<int:mentorship_id>/met/", pair.mark_met, name="mark_met"),
    path("m/<int:mentorship_id>/end/", pair.end, name="end"),
    path("m/<int:mentorship_id>/not-for-me/", pair.turn_down, name="turn_down"),
    path("m/<int:mentorship_id>/term/keep-going/", pair.keep_going, name="keep_going"),
    path("m/<int:mentorship_id>/term/take-back/", pair.take_back, name="take_back"),
    path("m/<int:mentorship_id>/close-out/<str:side>/", close_out.survey, name="close_out"),
    path(
        "m/<int:mentorship_id>/close-out/<str:side>/testimonial/",
        close_out.share,
        name="close_out_share",
    ),
    path("m/<int:mentorship_id>/meetings/new/", meetings.new, name="meeting_new"),
    path(
        "m/<int:mentorship_id>/meetings/<int:meeting_id>/times/",
        meetings.times,
        name="meeting_times",
    ),
    path(
        "m/<int:mentorship_id>/meetings/<int:meeting_id>/pick/", meetings.pick, name="meeting_pick"
    ),
    path(
        "m/<int:mentorship_id>/meetings/<int:meeting_id>/cancel/",
        meetings.cancel,
        name="meeting_cancel",
    ),
    path("m/<int:mentorship_id>/meetings/<int:meeting_id>/log/", meetings.log, name="meeting_log"),
    path(
        "m/<int:mentorship_id>/meetings/<int:meeting_id>/invite.ics",
        meetings.invite,
        name="meeting_invite",
    ),
    path("m/<int:mentorship_id>/agreement/", agreement.detail, name="agreement"),
    path("m/<int:mentorship_id>/agreement/write/", agreement.write, name="agreement_write"),
    path("m/<int:mentorship_id>/agreement/discard/", agreement.discard, name="agreement_discard"),
    path("m/<int:mentorship_id>/agreement/confirm/", agreement.confirm, name="agreement_confirm"),
    path(
        "m/<int:mentorship_id>/agreement/changes/",
        agreement.suggest_changes,
        name="agreement_changes",
    ),
    path(
        "m/<int:mentorship_id>/agreement/goals/<slug:goal>/rating/",
        agreement.rate,
        name="agreement_rate",
    ),
    path(
        "m/<int:mentorship_id>/agreement/goals/<slug:goal>/done/",
        agreement.done,
        name="agreement_done",
    ),
    path("m/<int:mentorship_id>/notes/", notes.add, name="note_add"),
    path("m/<int:mentorship_id>/notes/<int:note_id>/", notes.edit, name="note_edit"),
    path("m/<int:mentorship_id>/notes/<int:note_id>/delete/", notes.delete, name="note_delete"),
    path("m/<int:mentorship_id>/action-items/", notes.add_action_item, name="action_item_add"),
    path(
        "m/<int:mentorship_id>/action-items/<int:item_id>/done/",
        notes.tick,
        name="action_item_done",
    ),
    path(
        "m/<int:mentorship_id>/action-items/<int:item_id>/remove/",
        notes.remove_action_item,
        name="action_item_remove",
    ),
    path("m/<int:mentorship_id>/messages/", messages.thread, name="messages"),
    path("m/<int:mentorship_id>/messages/send/", messages.send, name="message_send"),
    path("m/<int:mentorship_id>/messages/after/<int:after>/", messages.poll, name="messages_poll"),
    path(
        "m/<int:mentorship_id>/messages/<int:message_id>/report/",
        messages.report,
        name="message_report",
    ),
    path("m/<int:mentorship_id>/sponsorship/", sponsorship.ledger, name="sponsorship"),
    *(
        path(f"m/<int:mentorship_id>/sponsorship/<int:action_id>/{step}", view, name=name)
        for step, view, name in [
            ("", sponsorship.edit, "sponsorship_edit"),
            ("delete/", sponsorship.delete, "sponsorship_delete"),
            ("confirm/", sponsorship.confirm, "sponsorship_confirm"),
            ("not-quite-right/", sponsorship.unconfirm, "sponsorship_unconfirm"),
        ]
    ),
    path(
        "p/<int:pk>/take-part/<int:cycle_id>/same-mentees/",
        continuations.ask,
        name="continuation_ask",
    ),
    path(
        "again/<int:continuation_id>/answer/",
        continuations.answer,
        name="continuation_answer",
    ),
    path("follow-up/<int:follow_up_id>/", follow_ups.answer, name="follow_up"),
]
