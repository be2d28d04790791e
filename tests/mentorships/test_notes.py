"""Notes and action items on the mentorship page: who reads and changes what,
Markdown made safe, and nothing written once the mentorship is over."""

from datetime import date

import pytest
from django.urls import reverse

from mentorships import lifecycle, notes
from mentorships.exceptions import Refused
from mentorships.models import ActionItem, Mentorship, Note
from tests.conftest import login
from tests.factories import ProfileFactory, UserFactory
from tests.mentorships.helpers import OUTSIDERS, a_confirmed_meeting, outsider

pytestmark = pytest.mark.django_db


def page(client, m: Mentorship, user) -> str:
    login(client, user)
    return client.get(reverse("mentorships:detail", args=[m.pk])).content.decode()


def write(m, author, body="Talked about **goals**", shared=True) -> Note:
    return notes.write(mentorship=m, author=author, body=body, shared=shared)


def test_a_shared_note_is_read_by_both_sides(client, accepted):
    login(client, accepted.mentee.user)
    response = client.post(
        reverse("mentorships:note_add", args=[accepted.pk]),
        {"body": "We agreed to meet **fortnightly**", "visibility": "shared"},
    )
    assert response.status_code == 302 and response.url.endswith("#notes")
    for person in (accepted.mentee, accepted.mentor):
        assert "We agreed to meet <strong>fortnightly</strong>" in page(
            client, accepted, person.user
        )


def test_a_private_note_is_read_by_its_author_only(client, accepted):
    write(accepted, accepted.mentor, "Ask about the **promotion**", shared=False)
    assert "Ask about the <strong>promotion</strong>" in page(
        client, accepted, accepted.mentor.user
    )
    assert "promotion" not in page(client, accepted, accepted.mentee.user)
    assert list(Note.objects.visible_to(accepted.mentee)) == []


def test_markdown_in_a_note_is_sanitised(client, accepted):
    write(
        accepted,
        accepted.mentee,
        "<script>alert(1)</script> [click](javascript:alert(2)) <img src=x onerror=alert(3)>",
    )
    html = page(client, accepted, accepted.mentor.user)
    assert "<script>alert(1)" not in html
    assert "javascript:alert" not in html
    assert "onerror" not in html


@pytest.mark.parametrize("body", ["", "   \n  "])
def test_an_empty_note_is_refused_with_a_clear_message(client, accepted, body):
    login(client, accepted.mentee.user)
    response = client.post(
        reverse("mentorships:note_add", args=[accepted.pk]),
        {"body": body, "visibility": "shared"},
        follow=True,
    )
    assert "an empty note is not saved" in response.content.decode()
    assert not Note.objects.exists()


def test_a_too_long_note_saves_nothing(client, accepted):
    login(client, accepted.mentee.user)
    response = client.post(
        reverse("mentorships:note_add", args=[accepted.pk]),
        {"body": "x" * 5001, "visibility": "private"},
        follow=True,
    )
    assert "at most 5000 characters" in response.content.decode()
    assert not Note.objects.exists()


def test_an_unknown_visibility_saves_nothing(client, accepted):
    login(client, accepted.mentee.user)
    client.post(
        reverse("mentorships:note_add", args=[accepted.pk]), {"body": "hi", "visibility": "all"}
    )
    assert not Note.objects.exists()


def test_the_author_edits_their_note_and_may_make_it_private(client, accepted):
    note = write(accepted, accepted.mentee)
    login(client, accepted.mentee.user)
    url = reverse("mentorships:note_edit", args=[accepted.pk, note.pk])
    assert "Talked about **goals**" in client.get(url).content.decode()
    client.post(url, {"body": "Now just mine", "visibility": "private"})
    note.refresh_from_db()
    assert (note.body, note.shared) == ("Now just mine", False)
    assert note.updated_at > note.created_at
    assert "Now just mine" not in page(client, accepted, accepted.mentor.user)


def test_an_invalid_edit_shows_the_form_again_and_changes_nothing(client, accepted):
    note = write(accepted, accepted.mentee)
    login(client, accepted.mentee.user)
    url = reverse("mentorships:note_edit", args=[accepted.pk, note.pk])
    response = client.post(url, {"body": "", "visibility": "shared"})
    assert response.status_code == 200
    assert "an empty note is not saved" in response.content.decode()
    note.refresh_from_db()
    assert note.body == "Talked about **goals**"


def test_the_other_side_cannot_edit_or_delete_a_shared_note(client, accepted):
    note = write(accepted, accepted.mentee)
    login(client, accepted.mentor.user)
    edit = reverse("mentorships:note_edit", args=[accepted.pk, note.pk])
    delete = reverse("mentorships:note_delete", args=[accepted.pk, note.pk])
    assert client.get(edit).status_code == 404
    assert client.post(edit, {"body": "changed", "visibility": "shared"}).status_code == 404
    assert client.post(delete, {"confirm": "yes"}).status_code == 404
    note.refresh_from_db()
    assert note.body == "Talked about **goals**"


def test_a_private_note_of_the_other_side_is_a_404_even_by_id(client, accepted):
    note = write(accepted, accepted.mentee, shared=False)
    login(client, accepted.mentor.user)
    assert (
        client.get(reverse("mentorships:note_edit", args=[accepted.pk, note.pk])).status_code == 404
    )


def test_deleting_a_note_asks_first(client, accepted):
    note = write(accepted, accepted.mentee)
    login(client, accepted.mentee.user)
    url = reverse("mentorships:note_delete", args=[accepted.pk, note.pk])
    response = client.post(url)
    assert response.status_code == 200 and "Yes, delete the note" in response.content.decode()
    assert Note.objects.filter(pk=note.pk).exists()
    client.post(url, {"confirm": "yes"})
    assert not Note.objects.filter(pk=note.pk).exists()


@pytest.mark.parametrize("who", OUTSIDERS)
def test_anyone_else_gets_404_on_the_pairs_notes(client, accepted, who):
    note = write(accepted, accepted.mentee)
    item = notes.add_action_item(
        mentorship=accepted, by=accepted.mentee, text="Send CV", owner="mentee", due=None
    )
    stranger = outsider(accepted.program, who)
    login(client, stranger)
    m = accepted.pk
    for name, args, method in [
        ("mentorships:detail", [m], "get"),
        ("mentorships:note_add", [m], "post"),
        ("mentorships:note_edit", [m, note.pk], "get"),
        ("mentorships:note_delete", [m, note.pk], "post"),
        ("mentorships:action_item_add", [m], "post"),
        ("mentorships:action_item_done", [m, item.pk], "post"),
        ("mentorships:action_item_remove", [m, item.pk], "post"),
    ]:
        response = getattr(client, method)(reverse(name, args=args), {"confirm": "yes"})
        assert response.status_code == 404, name
    assert Note.objects.count() == 1 and ActionItem.objects.count() == 1


def test_a_note_id_under_the_authors_other_mentorship_is_a_404(client, accepted):
    mine = write(accepted, accepted.mentor)
    other = lifecycle.match_by_admin(
        mentee=ProfileFactory(program=accepted.program, goals=["networking"]),
        mentor=accepted.mentor,
        by=UserFactory(is_staff=True),
        score=None,
        reason="test",
    )
    login(client, accepted.mentor.user)
    assert client.get(reverse("mentorships:note_edit", args=[other.pk, mine.pk])).status_code == 404


def test_notes_are_read_only_once_the_mentorship_ends(client, accepted):
    note = write(accepted, accepted.mentee)
    lifecycle.end(mentorship=accepted, by=accepted.mentor, reason="no_time")
    with pytest.raises(Refused):
        write(accepted, accepted.mentee)
    with pytest.raises(Refused):
        notes.edit(note=note, author=accepted.mentee, body="later", shared=True)
    html = page(client, accepted, accepted.mentee.user)
    assert "Talked about <strong>goals</strong>" in html
    assert "Save note" not in html and "Add action item" not in html
    response = client.post(
        reverse("mentorships:note_add", args=[accepted.pk]),
        {"body": "after the end", "visibility": "shared"},
        follow=True,
    )
    assert "can be read, not changed" in response.content.decode()
    assert Note.objects.count() == 1
    client.post(reverse("mentorships:note_delete", args=[accepted.pk, note.pk]), {"confirm": "yes"})
    assert not Note.objects.exists()  # one's own note can still go


def test_a_request_not_yet_accepted_has_no_workspace(client, requested):
    assert "Save note" not in page(client, requested, requested.mentee.user)
    with pytest.raises(Refused):
        write(requested, requested.mentee)


def test_an_action_item_is_added_and_ticked_by_either_side(client, accepted):
    login(client, accepted.mentor.user)
    client.post(
        reverse("mentorships:action_item_add", args=[accepted.pk]),
        {"text": "Draft the CV", "owner": "mentee", "due": "2031-03-01"},
    )
    item = ActionItem.objects.get()
    assert (item.text, item.owner, item.due, item.done) == (
        "Draft the CV",
        "mentee",
        date(2031, 3, 1),
        False,
    )
    html = page(client, accepted, accepted.mentee.user)
    assert "Draft the CV" in html and "Yours · due 1 Mar 2031" in html
    client.post(
        reverse("mentorships:action_item_done", args=[accepted.pk, item.pk]), {"done": "on"}
    )
    item.refresh_from_db()
    assert item.done
    login(client, accepted.mentor.user)
    client.post(reverse("mentorships:action_item_done", args=[accepted.pk, item.pk]), {})
    item.refresh_from_db()
    assert not item.done


def test_ticking_with_htmx_answers_with_the_item_alone(client, accepted):
    item = notes.add_action_item(
        mentorship=accepted, by=accepted.mentee, text="Book a call", owner="mentor", due=None
    )
    login(client, accepted.mentee.user)
    response = client.post(
        reverse("mentorships:action_item_done", args=[accepted.pk, item.pk]),
        {"done": "on"},
        headers={"HX-Request": "true"},
    )
    html = response.content.decode()
    assert html.strip().startswith("<li") and "checked" in html and "is-done" in html
    assert "<html" not in html


def test_an_action_item_needs_text_and_a_real_owner(client, accepted):
    login(client, accepted.mentee.user)
    url = reverse("mentorships:action_item_add", args=[accepted.pk])
    said = client.post(url, {"text": " ", "owner": "mentee"}, follow=True).content.decode()
    assert "an empty action item is not added" in said
    client.post(url, {"text": "x", "owner": "admin"})
    client.post(url, {"text": "x", "owner": "mentee", "due": "not a date"})
    assert not ActionItem.objects.exists()


def test_only_its_author_removes_an_action_item(client, accepted):
    item = notes.add_action_item(
        mentorship=accepted, by=accepted.mentee, text="Book a call", owner="mentor", due=None
    )
    login(client, accepted.mentor.user)
    said = client.post(
        reverse("mentorships:action_item_remove", args=[accepted.pk, item.pk]), follow=True
    ).content.decode()
    assert "Only the person who added an action item can remove it" in said
    assert ActionItem.objects.exists()
    login(client, accepted.mentee.user)
    client.post(reverse("mentorships:action_item_remove", args=[accepted.pk, item.pk]))
    assert not ActionItem.objects.exists()


def test_action_items_cannot_be_ticked_once_it_ends(client, accepted):
    item = notes.add_action_item(
        mentorship=accepted, by=accepted.mentee, text="Book a call", owner="mentor", due=None
    )
    lifecycle.end(mentorship=accepted, by=accepted.mentor, reason="no_time")
    login(client, accepted.mentee.user)
    response = client.post(
        reverse("mentorships:action_item_done", args=[accepted.pk, item.pk]),
        {"done": "on"},
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 200 and response.headers["HX-Redirect"].endswith("#action-items")
    item.refresh_from_db()
    assert not item.done


def test_admins_get_counts_never_words(accepted):
    write(accepted, accepted.mentee, "shared words")
    write(accepted, accepted.mentor, "private words", shared=False)
    notes.add_action_item(
        mentorship=accepted, by=accepted.mentee, text="a", owner="mentee", due=None
    )
    m = Mentorship.objects.with_workspace_counts().get(pk=accepted.pk)
    assert (m.note_count, m.message_count, m.action_item_count) == (2, 0, 1)


def test_notes_are_not_in_the_django_admin(admin_client, accepted):
    write(accepted, accepted.mentee, "shared words in the admin?")
    for url in ("/admin/", f"/admin/mentorships/mentorship/{accepted.pk}/change/"):
        assert "shared words in the admin?" not in admin_client.get(url).content.decode()
    assert admin_client.get("/admin/mentorships/note/").status_code == 404
    assert admin_client.get("/admin/mentorships/message/").status_code == 404


# --- a note about a meeting ---------------------------------------------------------------


def test_a_note_can_be_about_one_of_the_pairs_meetings(client, accepted):
    meeting = a_confirmed_meeting(accepted)
    login(client, accepted.mentee.user)
    html = client.get(reverse("mentorships:detail", args=[accepted.pk])).content.decode()
    assert "About a meeting (optional)" in html and "(confirmed)" in html
    client.post(
        reverse("mentorships:note_add", args=[accepted.pk]),
        {"body": "Agenda: the CV", "visibility": "shared", "meeting": str(meeting.pk)},
    )
    note = Note.objects.get()
    assert note.meeting == meeting
    html = page(client, accepted, accepted.mentor.user)
    assert f'href="#meeting-{meeting.pk}">About the meeting of' in html


def test_a_note_about_another_pairs_meeting_is_refused(accepted):
    other = lifecycle.match_by_admin(
        mentee=ProfileFactory(program=accepted.program, goals=["networking"]),
        mentor=accepted.mentor,
        by=UserFactory(is_staff=True),
        score=None,
        reason="test",
    )
    theirs = a_confirmed_meeting(other)
    with pytest.raises(Refused, match="not one of this mentorship's"):
        notes.write(
            mentorship=accepted, author=accepted.mentor, body="x", shared=True, meeting_id=theirs.pk
        )
    assert not Note.objects.exists()


def test_a_page_without_meetings_asks_no_meeting(client, accepted):
    assert "About a meeting" not in page(client, accepted, accepted.mentee.user)


def test_editing_a_note_keeps_or_changes_its_meeting(client, accepted):
    meeting = a_confirmed_meeting(accepted)
    note = notes.write(
        mentorship=accepted, author=accepted.mentee, body="x", shared=True, meeting_id=meeting.pk
    )
    login(client, accepted.mentee.user)
    url = reverse("mentorships:note_edit", args=[accepted.pk, note.pk])
    assert f'<option value="{meeting.pk}" selected>' in client.get(url).content.decode()
    client.post(url, {"body": "y", "visibility": "shared", "meeting": ""})
    note.refresh_from_db()
    assert (note.body, note.meeting) == ("y", None)
