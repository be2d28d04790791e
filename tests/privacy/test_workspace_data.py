"""A person's workspace in their data export, and what deleting their account
leaves behind: private notes go; shared notes, action items and messages stay
for the other person, from "a former member"."""

import json

import pytest
from django.urls import reverse

from mentorships import notes, threads
from mentorships.models import ActionItem, Message, MessageReport, Note, ThreadReader
from privacy import services
from privacy.models import DataExport
from tests.conftest import login
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db


@pytest.fixture
def workspace(accepted):
    m = accepted
    notes.write(mentorship=m, author=m.mentee, body="Mentee shared", shared=True)
    notes.write(mentorship=m, author=m.mentee, body="Mentee private", shared=False)
    notes.write(mentorship=m, author=m.mentor, body="Mentor shared", shared=True)
    notes.write(mentorship=m, author=m.mentor, body="Mentor private", shared=False)
    notes.add_action_item(mentorship=m, by=m.mentor, text="Send the CV", owner="mentee", due=None)
    threads.send(mentorship=m, author=m.mentee, body="Hello from the mentee")
    reply = threads.send(mentorship=m, author=m.mentor, body="Hello from the mentor")
    threads.report(message=reply, reporter=m.mentee, reason="testing")
    return m


def exported(client, user, capture) -> dict:
    login(client, user)
    with capture(execute=True):
        client.post(reverse("privacy:export"))
    return json.loads(DataExport.objects.filter(user=user).latest("pk").content)


def test_the_export_holds_the_notes_items_and_messages_i_can_read(
    client, workspace, django_capture_on_commit_callbacks
):
    data = exported(client, workspace.mentee.user, django_capture_on_commit_callbacks)
    (space,) = data["profiles"][0]["workspaces"]
    assert space["with"] == workspace.mentor.name
    assert {(n["by"], n["text"], n["shared"]) for n in space["notes"]} == {
        ("you", "Mentee shared", True),
        ("you", "Mentee private", False),
        (workspace.mentor.name, "Mentor shared", True),
    }
    assert [(i["text"], i["owner"], i["added_by"]) for i in space["action_items"]] == [
        ("Send the CV", "you", workspace.mentor.name)
    ]
    assert [(x["by"], x["text"]) for x in space["messages"]] == [
        ("you", "Hello from the mentee"),
        (workspace.mentor.name, "Hello from the mentor"),
    ]
    assert "Mentor private" not in json.dumps(data)


def test_the_other_side_exports_their_own_view(workspace):
    data = services.data_of(workspace.mentor.user)
    (space,) = data["profiles"][0]["workspaces"]
    texts = {n["text"] for n in space["notes"]}
    assert texts == {"Mentee shared", "Mentor shared", "Mentor private"}


def test_deleting_an_account_forgets_private_notes_and_anonymises_the_rest(
    client, workspace, django_capture_on_commit_callbacks
):
    mentee = workspace.mentee
    login(client, mentee.user)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("privacy:delete_account"), {"password": PASSWORD, "confirm": "DELETE"})
    assert not Note.objects.filter(body="Mentee private").exists()
    shared = Note.objects.get(body="Mentee shared")
    assert shared.author is None and shared.shared
    assert Note.objects.filter(body="Mentor private", author=workspace.mentor).exists()
    message = Message.objects.get(body="Hello from the mentee")
    assert message.author is None
    assert ActionItem.objects.get().created_by == workspace.mentor
    assert MessageReport.objects.get().reporter is None
    assert not ThreadReader.objects.filter(profile_id=mentee.pk).exists()

    # The mentor keeps the thread and the shared notes, from "a former member".
    login(client, workspace.mentor.user)
    page = client.get(reverse("mentorships:detail", args=[workspace.pk])).content.decode()
    assert "Mentee shared" in page and "Mentee private" not in page
    assert "A former member" in page
    thread = client.get(reverse("mentorships:messages", args=[workspace.pk])).content.decode()
    assert "Hello from the mentee" in thread and "A former member" in thread
    data = services.data_of(workspace.mentor.user)
    (space,) = data["profiles"][0]["workspaces"]
    assert ("a former member", "Hello from the mentee") in {
        (x["by"], x["text"]) for x in space["messages"]
    }


def test_a_profile_deleted_any_other_way_forgets_its_private_notes_too(workspace):
    workspace.mentor.delete()  # e.g. from the Django admin
    assert set(Note.objects.values_list("body", flat=True)) == {
        "Mentee shared",
        "Mentee private",
        "Mentor shared",
    }


def test_the_delete_page_says_what_happens_to_notes_and_messages(client, workspace):
    login(client, workspace.mentee.user)
    page = client.get(reverse("privacy:delete_account")).content.decode()
    assert "Your private notes are deleted" in page
