"""Notes and action items on a mentorship: what its two people write down.

A note is shared (both read it) or private (its author only); admins never read
either, only counts (``Mentorship.objects.with_workspace_counts``). Both are
written while the mentorship is under way; afterwards they stay to read, and a
person may still delete their own notes.
"""

from __future__ import annotations

from datetime import date

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

from profiles.models import Profile

from .exceptions import Refused
from .forms import ActionItemForm, NoteForm
from .models import ActionItem, Meeting, Mentorship, Note
from .rendering import typed


def _open_for_writing(mentorship: Mentorship, person: Profile) -> Mentorship:
    """The mentorship as it stands now, if ``person`` is one of its pair and it is under way."""
    m = Mentorship.objects.get(pk=mentorship.pk)
    if person.pk not in (m.mentee_id, m.mentor_id):
        raise Refused(gettext("Only the two people of a mentorship write in it."))
    if not m.is_paired:
        raise Refused(
            gettext(
                "This mentorship is no longer under way: its notes and action items can be "
                "read, not changed."
            )
        )
    return m


def _meeting_of(m: Mentorship, meeting_id: int | None) -> Meeting | None:
    if meeting_id is None:
        return None
    meeting = m.meetings.filter(pk=meeting_id).first()
    if meeting is None:
        raise Refused(gettext("That meeting is not one of this mentorship's."))
    return meeting


@transaction.atomic
def write(
    *,
    mentorship: Mentorship,
    author: Profile,
    body: str,
    shared: bool,
    meeting_id: int | None = None,
) -> Note:
    """A note on the mentorship, or about one of its meetings (``meeting_id``)."""
    m = _open_for_writing(mentorship, author)
    now = timezone.now()
    return Note.objects.create(
        mentorship=m,
        meeting=_meeting_of(m, meeting_id),
        author=author,
        body=body,
        shared=shared,
        created_at=now,
        updated_at=now,
    )


def _own(note: Note, author: Profile) -> Note:
    """The note as it stands now, locked, if ``author`` wrote it."""
    found = Note.objects.select_for_update().filter(pk=note.pk, author=author).first()
    if found is None:
        raise Refused(gettext("You can change only the notes you wrote."))
    return found


KEEP = object()  # an edit that leaves the note's meeting as it is


@transaction.atomic
def edit(
    *, note: Note, author: Profile, body: str, shared: bool, meeting_id: int | object | None = KEEP
) -> Note:
    note = _own(note, author)
    m = _open_for_writing(note.mentorship, author)
    if meeting_id is not KEEP:
        note.meeting = _meeting_of(m, meeting_id)
    note.body, note.shared, note.updated_at = body, shared, timezone.now()
    note.save(update_fields=["body", "shared", "meeting", "updated_at"])
    return note


@transaction.atomic
def delete(*, note: Note, author: Profile) -> None:
    """Deleting one's own note is allowed even after the mentorship ends."""
    _own(note, author).delete()


@transaction.atomic
def add_action_item(
    *, mentorship: Mentorship, by: Profile, text: str, owner: str, due: date | None
) -> ActionItem:
    m = _open_for_writing(mentorship, by)
    return ActionItem.objects.create(mentorship=m, created_by=by, text=text, owner=owner, due=due)


@transaction.atomic
def tick(*, item: ActionItem, by: Profile, done: bool) -> ActionItem:
    """Either side marks an action item done, or not done after all."""
    item = ActionItem.objects.select_for_update().get(pk=item.pk)
    _open_for_writing(item.mentorship, by)
    if done != item.done:
        item.done_at = timezone.now() if done else None
        item.save(update_fields=["done_at"])
    return item


@transaction.atomic
def remove_action_item(*, item: ActionItem, by: Profile) -> None:
    """Its author takes an action item off the list."""
    item = ActionItem.objects.select_for_update().get(pk=item.pk)
    _open_for_writing(item.mentorship, by)
    if item.created_by_id != by.pk:
        raise Refused(gettext("Only the person who added an action item can remove it."))
    item.delete()


def page_part(m: Mentorship, me: Profile) -> dict:
    """The notes and action items the mentorship page shows ``me``."""
    notes = list(m.notes.visible_to(me).select_related("author", "meeting"))
    for note in notes:
        note.html = typed(note.body)
    return {
        "notes": notes,
        "action_items": list(m.action_items.all()),
        "note_form": NoteForm(mentorship=m, auto_id="note-%s"),
        "action_item_form": ActionItemForm(mentorship=m, auto_id="action-%s"),
        "workspace_open": m.is_paired,
    }
