"""Notes, action items and messages through the API: the pages' services and
rules — the pair only, private notes for their author, read-only once ended."""

import pytest

from mentorships import lifecycle, notes, threads
from mentorships.models import ActionItem, Message, MessageReport, Note
from tests.api.conftest import bearer, call
from tests.factories import ProfileFactory
from tests.mentorships.helpers import OUTSIDERS, a_confirmed_meeting, outsider

pytestmark = pytest.mark.django_db


def error(response, status: int, code: str) -> dict:
    assert response.status_code == status, response.content
    body = response.json()["error"]
    assert body["code"] == code
    return body


def test_a_mentee_writes_a_shared_note_the_mentor_reads_rendered(accepted):
    mentee, mentor = bearer(accepted.mentee.user), bearer(accepted.mentor.user)
    made = call(
        mentee,
        "post",
        "/notes/",
        {"mentorship": accepted.pk, "body": "We meet **monthly**", "visibility": "shared"},
    )
    assert made.status_code == 201
    assert made.json()["by"] == "mentee" and made.json()["mine"] is True
    (seen,) = call(mentor, "get", f"/notes/?mentorship={accepted.pk}").json()["results"]
    assert seen["html"] == "<p>We meet <strong>monthly</strong></p>"
    assert (seen["mine"], seen["visibility"]) == (False, "shared")


def test_a_private_note_is_invisible_to_the_other_side(accepted):
    note = notes.write(mentorship=accepted, author=accepted.mentor, body="mine", shared=False)
    mentee = bearer(accepted.mentee.user)
    assert call(mentee, "get", "/notes/").json()["count"] == 0
    error(call(mentee, "get", f"/notes/{note.pk}/"), 404, "not_found")
    error(call(mentee, "delete", f"/notes/{note.pk}/"), 404, "not_found")


def test_only_the_author_changes_a_shared_note(accepted):
    note = notes.write(mentorship=accepted, author=accepted.mentor, body="ours", shared=True)
    mentee, mentor = bearer(accepted.mentee.user), bearer(accepted.mentor.user)
    change = {"body": "changed", "visibility": "shared"}
    error(call(mentee, "patch", f"/notes/{note.pk}/", change), 403, "permission_denied")
    error(call(mentee, "delete", f"/notes/{note.pk}/"), 403, "permission_denied")
    assert call(mentor, "patch", f"/notes/{note.pk}/", change).json()["body"] == "changed"
    assert call(mentor, "delete", f"/notes/{note.pk}/").status_code == 204
    assert not Note.objects.exists()


@pytest.mark.parametrize(
    "body",
    [
        {"body": "", "visibility": "shared"},
        {"body": "x" * 5001, "visibility": "shared"},
        {"body": "hi", "visibility": "everyone"},
        {"body": ["a list"], "visibility": "shared"},
    ],
)
def test_a_bad_note_is_a_400_and_saves_nothing(accepted, body):
    response = call(
        bearer(accepted.mentee.user), "post", "/notes/", {"mentorship": accepted.pk, **body}
    )
    error(response, 400, "invalid")
    assert not Note.objects.exists()


def test_a_mentorship_not_mine_is_a_400_on_that_field(accepted, program):
    other = ProfileFactory(program=program)
    for pk in (accepted.pk, 999_999_999):
        body = error(
            call(
                bearer(other.user),
                "post",
                "/notes/",
                {"mentorship": pk, "body": "hi", "visibility": "shared"},
            ),
            400,
            "invalid",
        )
        assert body["fields"] == {"mentorship": ["Not one of your mentorships."]}


def test_after_the_end_notes_items_and_messages_are_refused_with_409(accepted):
    item = notes.add_action_item(
        mentorship=accepted, by=accepted.mentee, text="x", owner="mentee", due=None
    )
    lifecycle.end(mentorship=accepted, by=accepted.mentor, reason="no_time")
    client = bearer(accepted.mentee.user)
    m = accepted.pk
    error(
        call(client, "post", "/notes/", {"mentorship": m, "body": "x", "visibility": "shared"}),
        409,
        "refused",
    )
    error(call(client, "post", "/messages/", {"mentorship": m, "body": "late"}), 409, "refused")
    error(call(client, "patch", f"/action-items/{item.pk}/", {"done": True}), 409, "refused")


def test_action_items_are_added_ticked_and_removed(accepted):
    mentee, mentor = bearer(accepted.mentee.user), bearer(accepted.mentor.user)
    made = call(
        mentor,
        "post",
        "/action-items/",
        {"mentorship": accepted.pk, "text": "Draft the CV", "owner": "mentee", "due": "2031-03-01"},
    ).json()
    assert (made["owner"], made["due"], made["done"], made["by"]) == (
        "mentee",
        "2031-03-01",
        False,
        "mentor",
    )
    ticked = call(mentee, "patch", f"/action-items/{made['id']}/", {"done": True}).json()
    assert ticked["done"] is True and ticked["done_at"]
    error(call(mentee, "patch", f"/action-items/{made['id']}/", {"done": "maybe"}), 400, "invalid")
    error(call(mentee, "delete", f"/action-items/{made['id']}/"), 403, "permission_denied")
    assert call(mentor, "delete", f"/action-items/{made['id']}/").status_code == 204
    assert not ActionItem.objects.exists()


def test_messages_are_sent_listed_after_an_id_and_marked_read(accepted):
    mentee, mentor = bearer(accepted.mentee.user), bearer(accepted.mentor.user)
    first = call(mentee, "post", "/messages/", {"mentorship": accepted.pk, "body": "One"}).json()
    second = call(mentee, "post", "/messages/", {"mentorship": accepted.pk, "body": "Two"}).json()
    listed = call(mentor, "get", f"/messages/?mentorship={accepted.pk}").json()["results"]
    assert [(x["body"], x["unread"], x["by"]) for x in listed] == [
        ("One", True, "mentee"),
        ("Two", True, "mentee"),
    ]
    after = call(mentor, "get", f"/messages/?after={first['id']}").json()["results"]
    assert [x["body"] for x in after] == ["Two"]
    read = call(mentor, "post", f"/messages/{first['id']}/read/").json()
    assert read == {"last_read": first["id"], "unread": 1}
    read = call(mentor, "post", f"/messages/{second['id']}/read/").json()
    assert read == {"last_read": second["id"], "unread": 0}
    assert call(mentee, "get", "/messages/").json()["results"][0]["unread"] is False


def test_an_empty_or_too_long_message_is_a_400(accepted):
    client = bearer(accepted.mentee.user)
    for body in ("", " ", "x" * 2001):
        error(
            call(client, "post", "/messages/", {"mentorship": accepted.pk, "body": body}),
            400,
            "invalid",
        )
    assert not Message.objects.exists()


def test_a_message_is_reported_by_the_other_side_only(accepted):
    message = threads.send(mentorship=accepted, author=accepted.mentor, body="Rude")
    mentee, mentor = bearer(accepted.mentee.user), bearer(accepted.mentor.user)
    error(call(mentor, "post", f"/messages/{message.pk}/report/", {}), 409, "refused")
    made = call(mentee, "post", f"/messages/{message.pk}/report/", {"reason": "Rude"})
    assert made.status_code == 201 and made.json()["status"] == "open"
    error(call(mentee, "post", f"/messages/{message.pk}/report/", {}), 409, "refused")
    assert MessageReport.objects.count() == 1


@pytest.mark.parametrize("who", OUTSIDERS)
def test_anyone_else_gets_nothing_of_the_pairs_workspace(accepted, who):
    note = notes.write(mentorship=accepted, author=accepted.mentee, body="ours", shared=True)
    item = notes.add_action_item(
        mentorship=accepted, by=accepted.mentee, text="x", owner="mentee", due=None
    )
    message = threads.send(mentorship=accepted, author=accepted.mentee, body="hi")
    stranger = outsider(accepted.program, who)
    client = bearer(stranger)
    for kind in ("notes", "action-items", "messages"):
        assert call(client, "get", f"/{kind}/").json()["count"] == 0
    for method, url, body in [
        ("get", f"/notes/{note.pk}/", None),
        ("patch", f"/notes/{note.pk}/", {"body": "x", "visibility": "shared"}),
        ("delete", f"/notes/{note.pk}/", None),
        ("get", f"/action-items/{item.pk}/", None),
        ("patch", f"/action-items/{item.pk}/", {"done": True}),
        ("delete", f"/action-items/{item.pk}/", None),
        ("get", f"/messages/{message.pk}/", None),
        ("post", f"/messages/{message.pk}/read/", None),
        ("post", f"/messages/{message.pk}/report/", {}),
    ]:
        error(call(client, method, url, body), 404, "not_found")
    for kind, body in [
        ("notes", {"body": "x", "visibility": "shared"}),
        ("action-items", {"text": "x", "owner": "mentee"}),
        ("messages", {"body": "x"}),
    ]:
        error(
            call(client, "post", f"/{kind}/", {"mentorship": accepted.pk, **body}), 400, "invalid"
        )
    assert (Note.objects.count(), ActionItem.objects.count(), Message.objects.count()) == (1, 1, 1)
    assert not MessageReport.objects.exists()


def test_a_note_names_the_meeting_it_is_about(accepted):
    meeting = a_confirmed_meeting(accepted)
    client = bearer(accepted.mentee.user)
    body = {"mentorship": accepted.pk, "body": "x", "visibility": "shared"}
    made = call(client, "post", "/notes/", {**body, "meeting": meeting.pk}).json()
    assert made["meeting"] == meeting.pk
    kept = call(client, "patch", f"/notes/{made['id']}/", {"body": "y", "visibility": "shared"})
    assert kept.json()["meeting"] == meeting.pk
    cleared = call(
        client,
        "patch",
        f"/notes/{made['id']}/",
        {"body": "y", "visibility": "shared", "meeting": None},
    )
    assert cleared.json()["meeting"] is None
    wrong = error(call(client, "post", "/notes/", {**body, "meeting": 999_999}), 400, "invalid")
    assert wrong["fields"] == {"meeting": ["Not one of this mentorship's meetings."]}
